//! The service: what the Workspace page does with each message a client window posts to it.
//!
//! The host page's glue names every client window with a *source key* (`app`, `hidden`,
//! `wweCustomDialog1`, …) and hands each received message to [`Service::receive`]; the service
//! answers with [`Action`]s for the glue to carry out (post a message to a window, tell the other
//! Workspace tabs something, open or close a dialog). Time always comes from the caller, so the
//! same code runs natively in tests and in the browser.
//!
//! Every request goes through the project's policy engine first ([`PolicyEngine::judge`]), the
//! engine the inspector uses to explain captures: a refused origin and a quarantined request get
//! silence, a request outside its origin's filter, the first request over a rate limit and a write
//! to a refused key get the engine's error text ([`Verdict::emulated_error`]), and every result
//! and event loses the `userData` keys read-allowed hides ([`PolicyEngine::hide_unreadable`])
//! before it is posted.

use crate::envelope;
use crate::handlers::{realtime_event, Effects, Emit, HostEffect, RequestContext, Step};
use crate::tabs::{frame_state_event, Election, ElectionOutput, FrameState};
use crate::world::{iso_date, Connection, World};
use scapi::policy::{parse_options, OptionError, PolicyEngine, Verdict};
use scapi::requests::catalog;
use scapi::{decode, Message};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};

/// How a client window is embedded in the Workspace page.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// A visible iframe (a tab or a panel of the desktop).
    Iframe,
    /// A frame the agent never sees (a background integration).
    Hidden,
    /// The iframe inside a `system.openDialog` dialog.
    Dialog,
    /// A popup window Workspace opened; it talks through `window.opener`.
    Popup,
    /// Any other window that posts to the page (not opened by it, or not told apart).
    Window,
}

impl SourceKind {
    pub fn parse(text: &str) -> Option<SourceKind> {
        serde_json::from_value(Value::String(text.to_owned())).ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Iframe => "iframe",
            SourceKind::Hidden => "hidden frame",
            SourceKind::Dialog => "dialog",
            SourceKind::Popup => "popup",
            SourceKind::Window => "window",
        }
    }

    /// Windows whose loading the page cannot see: they get their frameId on first contact.
    fn is_separate_window(self) -> bool {
        matches!(self, SourceKind::Popup | SourceKind::Window)
    }
}

/// One subscribe call's topics, under the id its answer gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    pub id: String,
    pub topics: Vec<String>,
}

/// A client window as the service knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    /// The origin it last wrote from (or, before that, the origin of the URL it was given).
    pub origin: String,
    pub frame_id: Option<u64>,
    pub subscriptions: Vec<Subscription>,
}

impl Source {
    fn subscribed_to(&self, topic: &str) -> bool {
        self.subscriptions
            .iter()
            .any(|s| s.topics.iter().any(|t| t == topic))
    }
}

/// What the host page must do.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Action {
    /// `window.postMessage(message, targetOrigin)` on the window named `to`.
    Post {
        to: String,
        target_origin: String,
        message: Value,
    },
    /// A message for the other Workspace tabs (the leader election).
    Broadcast {
        message: Value,
    },
    /// Show a dialog with an iframe of `url`; its window is the source key `dialogId`.
    OpenDialog {
        dialog_id: String,
        url: String,
        label: String,
        width: Value,
        height: Value,
    },
    CloseDialog {
        dialog_id: String,
    },
}

/// How the service dealt with something, for the host page's log.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum LogKind {
    Answered,
    Failed,
    /// Ignored on purpose: no answer at all.
    Silent,
    Info,
}

/// One line of the service log the host page shows.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub at: f64,
    pub source: String,
    pub kind: LogKind,
    pub text: String,
}

/// How many log lines the page keeps.
const LOG_LINES: usize = 200;

/// Host-page controls: what happens on Workspace's side without an app asking (calls arriving,
/// the agent changing state, campaigns, the network).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum HostAction {
    IncomingCall,
    IncomingChat,
    AgentReady,
    AgentNotReady,
    AttachData,
    CaseIdChanged,
    CampaignLoad,
    CampaignStart,
    CampaignStop,
    CampaignUnload,
    PushPreview,
    ConnectionLost,
    ConnectionRestored,
}

impl HostAction {
    pub const ALL: [HostAction; 13] = [
        HostAction::IncomingCall,
        HostAction::IncomingChat,
        HostAction::AgentReady,
        HostAction::AgentNotReady,
        HostAction::AttachData,
        HostAction::CaseIdChanged,
        HostAction::CampaignLoad,
        HostAction::CampaignStart,
        HostAction::CampaignStop,
        HostAction::CampaignUnload,
        HostAction::PushPreview,
        HostAction::ConnectionLost,
        HostAction::ConnectionRestored,
    ];

    pub fn parse(name: &str) -> Option<HostAction> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }

    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// The Workspace page's side of the API.
#[derive(Clone, Debug)]
pub struct Service {
    pub(crate) policy: PolicyEngine,
    pub(crate) world: World,
    pub(crate) sources: BTreeMap<String, Source>,
    next_frame_id: u64,
    next_subscription: u64,
    pub(crate) election: Election,
    scheduled: Vec<(f64, Step)>,
    pub(crate) log: VecDeque<LogEntry>,
    tab_visible: bool,
}

impl Service {
    /// A Workspace tab under the options in `options_text` (any form `parse_options` reads).
    pub fn new(options_text: &str, tab_id: &str, now: f64) -> Result<Service, Vec<OptionError>> {
        let parsed = parse_options(options_text)?;
        let options = parsed.options;
        // The options given in the file, for configuration.getOption.
        let given: Vec<(String, String)> = options
            .to_text()
            .lines()
            .filter_map(|line| line.split_once('='))
            .filter(|(name, _)| options.is_given(name))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let mut service = Service {
            world: World::new(now, &given),
            policy: PolicyEngine::new(options),
            sources: BTreeMap::new(),
            next_frame_id: 1,
            next_subscription: 1,
            election: Election::new(tab_id, now),
            scheduled: Vec::new(),
            log: VecDeque::new(),
            tab_visible: true,
        };
        service.note(
            now,
            "Workspace",
            LogKind::Info,
            format!(
                "accepted origins: {}",
                non_empty(&service.policy.options().accepted_origins.text())
            ),
        );
        Ok(service)
    }

    pub fn policy(&self) -> &PolicyEngine {
        &self.policy
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn source(&self, key: &str) -> Option<&Source> {
        self.sources.get(key)
    }

    pub fn log(&self) -> impl Iterator<Item = &LogEntry> {
        self.log.iter()
    }

    pub fn frame_state(&self) -> FrameState {
        self.election.state()
    }

    /// What the tab says to the other tabs when it opens.
    pub fn start(&mut self, now: f64) -> Vec<Action> {
        let output = self.election.start();
        self.election_actions(output, now)
    }

    /// A window the page embeds (`origin`: of the URL it loads). Nothing is posted yet: see
    /// [`Service::attach`].
    pub fn register(&mut self, key: &str, kind: SourceKind, origin: &str) {
        self.sources.insert(
            key.to_owned(),
            Source {
                kind,
                origin: origin.to_owned(),
                frame_id: None,
                subscriptions: Vec::new(),
            },
        );
    }

    /// The embedded window finished loading a document: it gets a new frameId (the protocol's
    /// only handshake), unless its origin is not accepted, which Workspace does not talk to.
    pub fn attach(&mut self, key: &str, now: f64) -> Vec<Action> {
        let Some(source) = self.sources.get(key) else {
            return Vec::new();
        };
        let origin = source.origin.clone();
        if let Err(verdict) = self.policy.origin_verdict(&origin) {
            let text = format!(
                "loaded; no frameId: {}",
                verdict.explain("the frameId assignment")
            );
            self.note(now, key, LogKind::Silent, text);
            return Vec::new();
        }
        vec![self.assign_frame_id(key, now)]
    }

    /// The window is gone (its dialog closed, its frame removed).
    pub fn detach(&mut self, key: &str) {
        self.sources.remove(key);
    }

    fn assign_frame_id(&mut self, key: &str, now: f64) -> Action {
        let frame_id = self.next_frame_id;
        self.next_frame_id += 1;
        let source = self.sources.get_mut(key).expect("registered");
        source.frame_id = Some(frame_id);
        let target_origin = target_origin(&source.origin);
        self.note(
            now,
            key,
            LogKind::Info,
            format!("frameId {frame_id} assigned"),
        );
        Action::Post {
            to: key.to_owned(),
            target_origin,
            message: envelope::frame_id(frame_id),
        }
    }

    /// A message the window `key` posted to the page, from `origin` (`event.origin`).
    pub fn receive(&mut self, key: &str, origin: &str, data: &Value, now: f64) -> Vec<Action> {
        let decoded = decode(data);
        if !matches!(
            decoded.message,
            Message::Request { .. } | Message::Subscribe { .. } | Message::Unsubscribe { .. }
        ) {
            // Not addressed to the service (answers and events are its own; the rest is other
            // traffic of the page).
            return Vec::new();
        }
        let source = self
            .sources
            .entry(key.to_owned())
            .or_insert_with(|| Source {
                kind: SourceKind::Window,
                origin: origin.to_owned(),
                frame_id: None,
                subscriptions: Vec::new(),
            });
        source.origin = origin.to_owned();
        let separate_window = source.kind.is_separate_window() && source.frame_id.is_none();
        let mut actions = Vec::new();
        if let Err(verdict) = self.policy.origin_verdict(origin) {
            let name = decoded.message.name();
            let text = format!("{name}: ignored, no answer. {}", verdict.explain(&name));
            self.note(now, key, LogKind::Silent, text);
            return actions;
        }
        if separate_window {
            actions.push(self.assign_frame_id(key, now));
        }
        match decoded.message {
            Message::Subscribe {
                topics,
                reference_id,
            } => self.subscribe(key, origin, topics, reference_id, now, &mut actions),
            Message::Unsubscribe {
                subscription_id,
                reference_id,
            } => self.unsubscribe(
                key,
                origin,
                &subscription_id,
                reference_id,
                now,
                &mut actions,
            ),
            Message::Request {
                request,
                parameters,
                reference_id,
                ..
            } => self.request(
                key,
                origin,
                &request,
                parameters.as_ref(),
                reference_id,
                now,
                &mut actions,
            ),
            _ => {}
        }
        actions
    }

    fn subscribe(
        &mut self,
        key: &str,
        origin: &str,
        topics: Vec<String>,
        reference_id: Option<String>,
        now: f64,
        actions: &mut Vec<Action>,
    ) {
        let id = format!("subscription-{}", self.next_subscription);
        self.next_subscription += 1;
        let source = self.sources.get_mut(key).expect("registered on receipt");
        let again: Vec<&String> = topics.iter().filter(|t| source.subscribed_to(t)).collect();
        let mut text = format!("subscribe {} → {id}", topics.join(", "));
        if !again.is_empty() {
            text.push_str(&format!(
                "; already subscribed to {} (the client library keeps only the last callback)",
                again
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        source.subscriptions.push(Subscription {
            id: id.clone(),
            topics,
        });
        match reference_id {
            Some(reference_id) => actions.push(Action::Post {
                to: key.to_owned(),
                target_origin: target_origin(origin),
                message: envelope::subscribed(&reference_id, &id),
            }),
            None => text.push_str(" (no referenceId: nothing to answer to)"),
        }
        self.note(now, key, LogKind::Answered, text);
    }

    fn unsubscribe(
        &mut self,
        key: &str,
        origin: &str,
        subscription_id: &Value,
        reference_id: Option<String>,
        now: f64,
        actions: &mut Vec<Action>,
    ) {
        let source = self.sources.get_mut(key).expect("registered on receipt");
        let before = source.subscriptions.len();
        source
            .subscriptions
            .retain(|s| Value::String(s.id.clone()) != *subscription_id);
        let removed = source.subscriptions.len() < before;
        let (kind, text, answer) = if removed {
            (
                LogKind::Answered,
                format!("unsubscribe {subscription_id}"),
                Ok(Value::Null),
            )
        } else {
            let error = format!("No subscription {subscription_id} is active for this window.");
            (LogKind::Failed, format!("unsubscribe: {error}"), Err(error))
        };
        self.note(now, key, kind, text);
        // The client library sends unsubscribe without a callback and ignores any answer; the
        // emulator still answers it (inferred), so that a capture shows it settled.
        if let Some(reference_id) = reference_id {
            let message = match answer {
                Ok(data) => envelope::success(&reference_id, data),
                Err(error) => envelope::failure(&reference_id, &error, "unsubscribe"),
            };
            actions.push(Action::Post {
                to: key.to_owned(),
                target_origin: target_origin(origin),
                message,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &mut self,
        key: &str,
        origin: &str,
        request: &str,
        parameters: Option<&Value>,
        reference_id: Option<String>,
        now: f64,
        actions: &mut Vec<Action>,
    ) {
        let verdict = self.policy.judge(origin, request, parameters, now);
        let mut effects = Effects::default();
        let answer = match &verdict {
            Verdict::Allowed { .. } => {
                self.carry_out(key, origin, request, parameters, now, &mut effects)
            }
            refused => match refused.emulated_error(request) {
                Some(error) => Err(error),
                None => {
                    let text = format!(
                        "{request}: ignored, no answer. {}",
                        refused.explain(request)
                    );
                    self.note(now, key, LogKind::Silent, text);
                    return;
                }
            },
        };
        let (message, kind, text) = match answer {
            Ok(mut data) => {
                let hidden = self.policy.hide_unreadable(&mut data);
                let mut text = format!("{request}: answered");
                if !hidden.is_empty() {
                    text.push_str(&format!("; read-allowed hid {}", hidden.join(", ")));
                }
                (
                    reference_id.as_deref().map(|r| envelope::success(r, data)),
                    LogKind::Answered,
                    text,
                )
            }
            Err(error) => {
                let text = format!("{request}: failed: {}", error.replace('\n', " "));
                (
                    reference_id
                        .as_deref()
                        .map(|r| envelope::failure(r, &error, request)),
                    LogKind::Failed,
                    text,
                )
            }
        };
        let text = match &verdict {
            Verdict::Allowed { .. } => text,
            refused => format!(
                "{}. {}",
                text.trim_end_matches('.'),
                refused.explain(request)
            ),
        };
        self.note(now, key, kind, text);
        if let Some(message) = message {
            actions.push(Action::Post {
                to: key.to_owned(),
                target_origin: target_origin(origin),
                message,
            });
        }
        // The events the request caused come after its answer.
        self.apply(effects, now, actions);
    }

    /// An allowed request: the service's own requests (frame state, visibility, services,
    /// messenger, auth), else the desktop's.
    fn carry_out(
        &mut self,
        key: &str,
        origin: &str,
        request: &str,
        parameters: Option<&Value>,
        now: f64,
        effects: &mut Effects,
    ) -> Result<Value, String> {
        let state = self.election.state();
        match request {
            "system.isFrameLeading" => return Ok(json!(state == FrameState::Leading)),
            "system.isFrameFollowing" => return Ok(json!(state == FrameState::Following)),
            "system.isFrameNegotiating" => return Ok(json!(state == FrameState::Negotiating)),
            "system.isFrameLeadingOrNegotiating" => {
                return Ok(json!(state != FrameState::Following))
            }
            "system.isLastActiveFrame" => return Ok(json!(self.election.is_last_active())),
            "system.amIVisible" => {
                let hidden = self.sources.get(key).map(|s| s.kind) == Some(SourceKind::Hidden);
                return Ok(json!(self.tab_visible && !hidden));
            }
            "system.getAllowedServices" => {
                let rule = self.policy.options().accepted_origins.rule_for(origin);
                let names = catalog()
                    .iter()
                    .filter(|spec| {
                        rule.is_some_and(|rule| {
                            matches!(
                                rule.admits(spec.name),
                                scapi::policy::origins::FilterDecision::Allowed { .. }
                            )
                        })
                    })
                    .map(|spec| json!(spec.name))
                    .collect();
                return Ok(Value::Array(names));
            }
            "messenger.broadcastMessage" => {
                let values = parameters.and_then(Value::as_array);
                let channel = values
                    .and_then(|v| v.first())
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        "The request 'messenger.broadcastMessage' needs the parameter 'channel'."
                            .to_owned()
                    })?;
                let message = values
                    .and_then(|v| v.get(1))
                    .cloned()
                    .unwrap_or(Value::Null);
                effects.events.push(Emit {
                    topic: format!("{}{channel}", scapi::events::MESSENGER_PREFIX),
                    data: message,
                    except: Some(key.to_owned()),
                });
                return Ok(Value::Null);
            }
            "auth.getJwtToken" => return Ok(self.jwt(now)),
            // A Genesys Cloud token (the vendor sample's request; its shape is not documented:
            // a token string, inferred).
            "auth.getPureCloudToken" => {
                let serial = self.world.next_token_serial();
                return Ok(json!(format!("emulated-genesys-cloud-token-{serial:04}")));
            }
            _ => {}
        }
        let context = RequestContext {
            now,
            block_markdone_timeout_ms: self.policy.options().block_markdone_timeout_ms,
        };
        match self.world.handle(request, parameters, &context, effects) {
            Some(answer) => answer,
            None => Err(format!("Unknown request '{request}'.")),
        }
    }

    /// `{expiration, jwtToken}`: a token shaped like a JWT (header.payload.signature), valid
    /// one hour, not signed by anything.
    fn jwt(&mut self, now: f64) -> Value {
        let serial = self.world.next_token_serial();
        let header = base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = json!({
            "sub": self.world.agent["username"],
            "employeeId": self.world.agent["employeeId"],
            "iat": (now / 1000.0).floor(),
            "exp": (now / 1000.0).floor() + 3600.0,
            "jti": format!("scapi-emulator-{serial}"),
        });
        let payload = base64url(claims.to_string().as_bytes());
        let signature = base64url(format!("not-signed-{serial}").as_bytes());
        json!({
            "expiration": iso_date(now + 3_600_000.0),
            "jwtToken": format!("{header}.{payload}.{signature}"),
        })
    }

    /// Carries out what a request or a host action caused: events to their subscribers, dialogs,
    /// later steps.
    fn apply(&mut self, effects: Effects, now: f64, actions: &mut Vec<Action>) {
        for effect in effects.host {
            actions.push(match effect {
                HostEffect::OpenDialog {
                    dialog_id,
                    url,
                    label,
                    width,
                    height,
                } => Action::OpenDialog {
                    dialog_id,
                    url,
                    label,
                    width,
                    height,
                },
                HostEffect::CloseDialog { dialog_id } => {
                    self.sources.remove(&dialog_id);
                    Action::CloseDialog { dialog_id }
                }
            });
        }
        for emit in effects.events {
            self.deliver(emit, now, actions);
        }
        self.scheduled.extend(effects.schedule);
    }

    /// An event to every window subscribed to its topic whose origin is accepted, without the
    /// keys read-allowed hides.
    fn deliver(&mut self, emit: Emit, now: f64, actions: &mut Vec<Action>) {
        let mut data = emit.data;
        let hidden = self.policy.hide_unreadable(&mut data);
        let message = envelope::event(&emit.topic, data);
        let mut receivers = Vec::new();
        for (key, source) in &self.sources {
            if Some(key) == emit.except.as_ref()
                || !source.subscribed_to(&emit.topic)
                || self.policy.origin_verdict(&source.origin).is_err()
            {
                continue;
            }
            receivers.push(key.clone());
            actions.push(Action::Post {
                to: key.clone(),
                target_origin: target_origin(&source.origin),
                message: message.clone(),
            });
        }
        let name = match message["data"].get("eventType").and_then(Value::as_str) {
            Some(event_type) => format!("{}:{event_type}", emit.topic),
            None => match message["data"].get("frameState").and_then(Value::as_str) {
                Some(state) => format!("{} frameState {state}", emit.topic),
                None => emit.topic.clone(),
            },
        };
        let mut text = if receivers.is_empty() {
            format!("event {name}: no subscriber")
        } else {
            format!("event {name} → {}", receivers.join(", "))
        };
        if !hidden.is_empty() {
            text.push_str(&format!("; read-allowed hid {}", hidden.join(", ")));
        }
        self.note(now, "Workspace", LogKind::Info, text);
    }

    /// Time passes: calls get answered, toasts close, the connection goes down, tabs elect.
    pub fn tick(&mut self, now: f64) -> Vec<Action> {
        let mut actions = Vec::new();
        self.scheduled.sort_by(|a, b| a.0.total_cmp(&b.0));
        let due = self
            .scheduled
            .iter()
            .take_while(|(at, _)| *at <= now)
            .count();
        let steps: Vec<Step> = self.scheduled.drain(..due).map(|(_, step)| step).collect();
        for step in steps {
            let mut effects = Effects::default();
            self.world.run_step(step, &mut effects);
            self.apply(effects, now, &mut actions);
        }
        let output = self.election.tick(now);
        actions.extend(self.election_actions(output, now));
        actions
    }

    /// A message from another Workspace tab.
    pub fn tab_message(&mut self, message: &Value, now: f64) -> Vec<Action> {
        let output = self.election.receive(message, now);
        self.election_actions(output, now)
    }

    /// This tab got focus.
    pub fn tab_activated(&mut self, now: f64) -> Vec<Action> {
        let output = self.election.activate();
        self.election_actions(output, now)
    }

    /// This tab closes.
    pub fn tab_closing(&mut self, now: f64) -> Vec<Action> {
        let output = self.election.leave();
        self.election_actions(output, now)
    }

    pub fn set_tab_visible(&mut self, visible: bool) {
        self.tab_visible = visible;
    }

    fn election_actions(&mut self, output: ElectionOutput, now: f64) -> Vec<Action> {
        let mut actions: Vec<Action> = output
            .broadcasts
            .into_iter()
            .map(|message| Action::Broadcast { message })
            .collect();
        if let Some(state) = output.changed {
            let emit = Emit {
                topic: "system".to_owned(),
                data: frame_state_event(state),
                except: None,
            };
            self.deliver(emit, now, &mut actions);
        }
        actions
    }

    /// A host-page control (see [`HostAction`]).
    pub fn host_action(&mut self, action: HostAction, now: f64) -> Vec<Action> {
        let mut effects = Effects::default();
        let world = &mut self.world;
        match action {
            HostAction::IncomingCall => {
                let case = world.uid();
                let bundle = world.uid();
                let mut call =
                    world.voice_call(now, "IN", "INBOUND", "+14155550142", "5000", &case, &bundle);
                call.move_to("RINGING", &["ANSWER"]);
                call.previous_state = "UNKNOWN".to_owned();
                effects.emit("interaction", call.event_data("ADDED"));
                effects.emit("interaction", call.event_data("RINGING"));
                world.interactions.push(call);
            }
            HostAction::IncomingChat => {
                let chat = world.open_media(
                    now,
                    "chat",
                    "IN",
                    "INVITED",
                    &["ACCEPT", "REJECT"],
                    "Casey Kim",
                );
                effects.emit("interaction", chat.event_data("ADDED"));
                effects.emit("interaction", chat.event_data("INVITED"));
                world.interactions.push(chat);
            }
            HostAction::AgentReady | HostAction::AgentNotReady => {
                let operation = if action == HostAction::AgentReady {
                    "Ready"
                } else {
                    "NotReadyBreak"
                };
                let index = world
                    .state_index(&json!(operation))
                    .expect("a seeded state");
                world.current_state = index;
                for channel in &mut world.media {
                    channel.state = index;
                }
                effects.emit("agent", world.current_state().changed_event_data());
            }
            HostAction::AttachData => {
                // A routing strategy updates the case data of the call in progress: the event
                // shows what read-allowed lets apps read of it.
                if let Some(call) = world.interactions.iter_mut().find(|i| i.is_voice()) {
                    let verification = call.user_data.len();
                    call.user_data
                        .insert("Key2".to_owned(), json!("Upgrade offer"));
                    call.user_data.insert(
                        "AccountNumber".to_owned(),
                        json!(format!("4411-2290-{:04}", 7781 + verification)),
                    );
                    let call = call.clone();
                    effects.emit("interaction", call.event_data("ATTACHED_DATA_CHANGED"));
                }
            }
            HostAction::CaseIdChanged => {
                let new_case = world.uid();
                if let Some(call) = world.interactions.first_mut() {
                    let previous = std::mem::replace(&mut call.case_id, new_case.clone());
                    call.user_data
                        .insert("IW_CaseUid".to_owned(), json!(new_case));
                    if world.selected_case.as_deref() == Some(previous.as_str()) {
                        world.selected_case = Some(new_case.clone());
                    }
                    // The seed's CASE_ID_CHANGED carries the two ids only.
                    effects.emit(
                        "interaction",
                        json!({"eventType": "CASE_ID_CHANGED", "caseId": new_case, "previousCaseId": previous}),
                    );
                }
            }
            HostAction::CampaignLoad
            | HostAction::CampaignStart
            | HostAction::CampaignStop
            | HostAction::CampaignUnload => {
                let campaign = &mut world.campaigns[0];
                let data = match action {
                    HostAction::CampaignLoad => {
                        campaign.loaded = true;
                        json!({"eventType": "CampaignLoaded", "campaign": campaign.name})
                    }
                    HostAction::CampaignStart => {
                        campaign.loaded = true;
                        campaign.started = true;
                        json!({"eventType": "CampaignStarted", "campaign": campaign.name, "mode": campaign.mode})
                    }
                    HostAction::CampaignStop => {
                        campaign.started = false;
                        json!({"eventType": "CampaignStopped", "campaign": campaign.name})
                    }
                    _ => {
                        campaign.started = false;
                        campaign.loaded = false;
                        json!({"eventType": "CampaignUnloaded", "campaign": campaign.name})
                    }
                };
                effects.emit("outbound", data);
            }
            HostAction::PushPreview => {
                // The seed's regular push preview: a record received is ADDED and INVITED.
                let handle = world.next_record_handle();
                let campaign = world.campaigns[0].name.clone();
                let mut record = world.preview_record(&campaign, handle);
                record.call_type = "OUTBOUND_PUSH_PREVIEW".to_owned();
                record.move_to("INVITED", &["ACCEPT", "REJECT"]);
                record.previous_state = "UNKNOWN".to_owned();
                effects.emit("interaction", record.event_data("ADDED"));
                effects.emit("interaction", record.event_data("INVITED"));
                world.interactions.push(record);
            }
            HostAction::ConnectionLost => {
                world.connection = Connection::Disconnected;
                effects.emit("system", realtime_event("DISCONNECTED"));
                effects
                    .schedule
                    .push((now + crate::handlers::DOWN_DELAY_MS, Step::RealtimeDown));
            }
            HostAction::ConnectionRestored => {
                if world.connection != Connection::Connected {
                    world.connection = Connection::Connected;
                    effects.emit("system", realtime_event("RECONNECTED"));
                }
            }
        }
        self.note(
            now,
            "Workspace",
            LogKind::Info,
            format!("host: {}", action.name()),
        );
        let mut actions = Vec::new();
        self.apply(effects, now, &mut actions);
        actions
    }

    /// The agent clicked button `index` of a custom toast.
    pub fn toast_button_clicked(&mut self, toast_id: &str, index: u32, now: f64) -> Vec<Action> {
        let mut actions = Vec::new();
        if !self.world.toasts.iter().any(|t| t.id == toast_id) {
            return actions;
        }
        self.world.toasts.retain(|t| t.id != toast_id);
        let mut effects = Effects::default();
        effects.emit(
            "system",
            json!({"eventType": "CUSTOM_TOAST_BUTTON_CLICK", "customToastId": toast_id, "buttonIndex": index}),
        );
        self.apply(effects, now, &mut actions);
        actions
    }

    /// The agent closed a dialog with its close button.
    pub fn dialog_closed(&mut self, dialog_id: &str, now: f64) {
        if self.world.close_dialog(dialog_id) {
            self.sources.remove(dialog_id);
            self.note(
                now,
                dialog_id,
                LogKind::Info,
                "closed by the agent".to_owned(),
            );
        }
    }

    fn note(&mut self, at: f64, key: &str, kind: LogKind, text: String) {
        let source = match self.sources.get(key) {
            Some(source) => match source.frame_id {
                Some(frame_id) => format!("{key} (frameId {frame_id}, {})", source.origin),
                None => format!("{key} ({})", source.origin),
            },
            None => key.to_owned(),
        };
        self.log.push_back(LogEntry {
            at,
            source,
            kind,
            text,
        });
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }
}

/// Where to post to a window that wrote from `origin`: that origin (inferred: the protocol does
/// not say), or `*` for an opaque origin, which no targetOrigin can name.
fn target_origin(origin: &str) -> String {
    if origin == "null" || origin.is_empty() {
        "*".to_owned()
    } else {
        origin.to_owned()
    }
}

fn non_empty(text: &str) -> &str {
    if text.is_empty() {
        "(none)"
    } else {
        text
    }
}

/// Base64url without padding, as JWTs use it.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, byte)| n | (u32::from(*byte) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_known_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(
            base64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
    }

    #[test]
    fn kinds_and_host_actions_read_their_names() {
        assert_eq!(SourceKind::parse("hidden"), Some(SourceKind::Hidden));
        assert_eq!(SourceKind::parse("tab"), None);
        for action in HostAction::ALL {
            assert_eq!(HostAction::parse(&action.name()), Some(action));
        }
        assert_eq!(
            HostAction::parse("connectionLost"),
            Some(HostAction::ConnectionLost)
        );
    }
}
