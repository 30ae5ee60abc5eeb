//! What Workspace does for each request that reaches its desktop: the answer, and the events and
//! host-page effects that follow. The policy (origins, filters, rate limits, user-data keys) has
//! already let the request through; see `service.rs`.
//!
//! The state changes and event sequences follow the seed: the voice events, the outbound preview
//! table (ADDED/PREVIEWING, REMOVED then ADDED/DIALING when the record is called, STATE_CHANGE for
//! a rejected or canceled record), RECORDS_RETRIEVED, CASE_SELECTED/EXPANDED/COLLAPSED, the
//! campaign events. Error texts are inferred (Workspace's are not public); each starts with what
//! went wrong and names the request's parameter.

use crate::world::{Connection, Interaction, MarkdoneBlock, Party, World};
use scapi::requests::{decode_call, Call, TargetQuery};
use serde_json::{json, Map, Value};

/// An event to send to the frames subscribed to `topic`.
#[derive(Clone, Debug, PartialEq)]
pub struct Emit {
    pub topic: String,
    pub data: Value,
    /// A source key that must not receive it (the sender of a messenger broadcast).
    pub except: Option<String>,
}

/// What the host page must do besides posting messages.
#[derive(Clone, Debug, PartialEq)]
pub enum HostEffect {
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

/// Something that happens later on its own (the host page's timer calls `tick`).
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// The called party picks up.
    CallEstablished { interaction_id: String },
    /// A toast's `autoCloseTimeout` ran out.
    CloseToast { toast_id: String },
    /// The real-time connection stays disconnected: DOWN (the seed: after more than a minute;
    /// the emulator shortens it, see docs/emulator.md).
    RealtimeDown,
}

/// How long the called party takes to answer a dialed call.
pub const ANSWER_DELAY_MS: f64 = 1_000.0;
/// How long a disconnection lasts before the emulator reports DOWN.
pub const DOWN_DELAY_MS: f64 = 2_000.0;

/// Everything a request or a host action caused, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects {
    pub events: Vec<Emit>,
    pub host: Vec<HostEffect>,
    pub schedule: Vec<(f64, Step)>,
}

impl Effects {
    pub fn emit(&mut self, topic: &str, data: Value) {
        self.events.push(Emit {
            topic: topic.to_owned(),
            data,
            except: None,
        });
    }

    fn interaction(&mut self, event_type: &str, interaction: &Interaction) {
        self.emit("interaction", interaction.event_data(event_type));
    }
}

/// What the request needs from outside the desktop state.
pub struct RequestContext {
    pub now: f64,
    /// `service-client-api.block-markdone-timeout`, milliseconds.
    pub block_markdone_timeout_ms: Option<u64>,
}

type Answer = Result<Value, String>;

/// The inferred error for a missing or unreadable parameter.
fn missing(request: &str, parameter: &str) -> String {
    format!("The request '{request}' needs the parameter '{parameter}'.")
}

fn not_found(interaction_id: &str) -> String {
    format!("The interaction '{interaction_id}' does not exist.")
}

fn wrong_state(interaction: &Interaction, action: &str) -> String {
    format!(
        "The interaction '{}' cannot be {action} in the state {}.",
        interaction.interaction_id, interaction.state
    )
}

/// The positional parameters as a list (absent = none).
fn positional(parameters: Option<&Value>) -> Vec<Value> {
    match parameters {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    }
}

fn param_object(values: &[Value], index: usize) -> Option<Map<String, Value>> {
    values.get(index).and_then(Value::as_object).cloned()
}

impl World {
    /// Carries out a request of the catalog on the desktop. `None` for a name this module does
    /// not own (the service answers those: system frame state, messenger, auth, unknown names).
    pub fn handle(
        &mut self,
        request: &str,
        parameters: Option<&Value>,
        context: &RequestContext,
        effects: &mut Effects,
    ) -> Option<Answer> {
        let call = decode_call(request, parameters).call;
        let values = positional(parameters);
        let now = context.now;
        let answer = match request {
            "agent.get" => Ok(self.agent.clone()),
            "agent.getState" => Ok(json!(self.current_state())),
            "agent.getStateList" => Ok(json!(self.states)),
            "agent.setState" => self.set_agent_state(request, values.first(), effects),
            "media.getMediaList" => Ok(Value::Array(
                self.media.iter().map(|m| self.media_item(m)).collect(),
            )),
            "media.getMediaByName" => {
                let Call::MediaName { name: Some(name) } = call else {
                    return Some(Err(missing(request, "name")));
                };
                self.media
                    .iter()
                    .find(|m| m.media == name)
                    .map(|m| self.media_item(m))
                    .ok_or_else(|| format!("The media '{name}' does not exist."))
            }
            "media.setState" => self.set_media_state(request, &values),
            "interaction.getInteractions" => Ok(Value::Array(
                self.interactions
                    .iter()
                    .map(Interaction::to_value)
                    .collect(),
            )),
            "interaction.getByInteractionId" => {
                let id = interaction_id(&call).ok_or_else(|| missing(request, "interactionId"));
                id.and_then(|id| {
                    self.interaction(&id)
                        .map(Interaction::to_value)
                        .ok_or_else(|| not_found(&id))
                })
            }
            "interaction.getByBundleId" | "interaction.getByCaseId" => {
                let id = match &call {
                    Call::BundleId { bundle_id } => bundle_id.clone(),
                    Call::CaseId { case_id } => case_id.clone(),
                    _ => None,
                };
                let by_bundle = request.ends_with("BundleId");
                id.ok_or_else(|| missing(request, "id")).map(|id| {
                    Value::Array(
                        self.interactions
                            .iter()
                            .filter(|i| {
                                if by_bundle {
                                    i.bundle_id == id
                                } else {
                                    i.case_id == id
                                }
                            })
                            .map(Interaction::to_value)
                            .collect(),
                    )
                })
            }
            "interaction.setUserData" | "interaction.deleteUserData" => {
                self.change_user_data(request, call, effects)
            }
            "interaction.selectCaseByCaseId" => self.select_case(request, call, effects),
            "interaction.markdone" => self.mark_done(request, &call, now, effects),
            "interaction.blockMarkdone" => {
                let Call::BlockMarkdone {
                    interaction_id: Some(id),
                    warning_message,
                } = call
                else {
                    return Some(Err(missing(request, "interactionId")));
                };
                let until = context.block_markdone_timeout_ms.map(|ms| now + ms as f64);
                self.with_interaction(&id, |interaction| {
                    interaction.markdone_block = Some(MarkdoneBlock {
                        warning_message: warning_message.unwrap_or_default(),
                        until,
                    });
                    Ok(Value::Null)
                })
            }
            "interaction.unblockMarkdone" => {
                let id = interaction_id(&call).ok_or_else(|| missing(request, "interactionId"));
                id.and_then(|id| {
                    self.with_interaction(&id, |interaction| {
                        interaction.markdone_block = None;
                        Ok(Value::Null)
                    })
                })
            }
            "interaction.accept" => self.accept(request, &call, effects),
            "interaction.reject" => self.reject(request, &call, effects),
            "interaction.singleStepTransfer"
            | "interaction.singleStepConference"
            | "interaction.consult" => {
                self.transfer_conference_consult(request, call, now, effects)
            }
            "interaction.completeTransfer" | "interaction.completeConference" => {
                self.complete_consultation(request, &call, now, effects)
            }
            "voice.dial" | "voice.dialEx" => {
                let (destination, user_data) = match call {
                    Call::Dial {
                        destination,
                        user_data,
                    }
                    | Call::DialEx {
                        destination,
                        user_data,
                        ..
                    } => (destination, user_data),
                    _ => (None, None),
                };
                match destination {
                    Some(destination) => Ok(self.dial(&destination, user_data, now, effects)),
                    None => Err(missing(request, "destination")),
                }
            }
            "voice.answer" => self.voice_step(request, &call, &["RINGING"], effects, |i| {
                i.move_to("TALKING", &["HANGUP", "HOLD"]);
                "ESTABLISHED"
            }),
            "voice.hold" => self.voice_step(request, &call, &["TALKING"], effects, |i| {
                i.move_to("HELD", &["HANGUP"]);
                "HELD"
            }),
            // No RETRIEVED event is documented: a resumed call is established again.
            "voice.resume" => self.voice_step(request, &call, &["HELD"], effects, |i| {
                i.move_to("TALKING", &["HANGUP", "HOLD"]);
                "ESTABLISHED"
            }),
            "voice.hangUp" => {
                let live = ["DIALING", "RINGING", "TALKING", "HELD"];
                let answer = self.voice_step(request, &call, &live, effects, |i| {
                    i.move_to("IDLE", &["MARK_DONE"]);
                    "RELEASED"
                });
                if answer.is_ok() {
                    if let Some(id) = interaction_id(&call) {
                        self.stamp_end(&id, now);
                    }
                }
                answer
            }
            "voice.startCallRecording" => {
                self.recording(request, &call, "STOPPED", "RECORDING", effects)
            }
            "voice.stopCallRecording" => {
                let id = interaction_id(&call).unwrap_or_default();
                let from = self
                    .interaction(&id)
                    .and_then(|i| i.recording_state.clone())
                    .filter(|state| state != "STOPPED")
                    .unwrap_or_else(|| "RECORDING".to_owned());
                self.recording(request, &call, &from, "STOPPED", effects)
            }
            "voice.pauseCallRecording" => {
                self.recording(request, &call, "RECORDING", "PAUSED", effects)
            }
            "voice.resumeCallRecording" => {
                self.recording(request, &call, "PAUSED", "RECORDING", effects)
            }
            "sipEndpoint.muteMicrophone" => {
                self.microphone_muted = true;
                Ok(Value::Null)
            }
            "sipEndpoint.unmuteMicrophone" => {
                self.microphone_muted = false;
                Ok(Value::Null)
            }
            "sipEndpoint.muteSpeaker" => {
                self.speaker_muted = true;
                Ok(Value::Null)
            }
            "sipEndpoint.unmuteSpeaker" => {
                self.speaker_muted = false;
                Ok(Value::Null)
            }
            "sipEndpoint.isMicrophoneMute" => Ok(json!(self.microphone_muted)),
            "sipEndpoint.isSpeakerMute" => Ok(json!(self.speaker_muted)),
            "email.create" => {
                let Call::CreateEmail {
                    destination: Some(destination),
                    user_data,
                } = call
                else {
                    return Some(Err(missing(request, "destination")));
                };
                let mut email = self.open_media(
                    now,
                    "email",
                    "OUT",
                    "COMPOSING",
                    &["MARK_DONE"],
                    &destination,
                );
                email.user_data.extend(user_data.unwrap_or_default());
                effects.interaction("ADDED", &email);
                effects.interaction("CREATED", &email);
                let answer = email.to_value();
                self.interactions.push(email);
                Ok(answer)
            }
            request if request.starts_with("outbound.") => {
                self.outbound(request, call, &values, now, effects)
            }
            "system.popupToast" => {
                let Some(spec) = param_object(&values, 0) else {
                    return Some(Err(missing(request, "toast")));
                };
                let id = self.next_toast_id();
                if let Some(ms) = spec.get("autoCloseTimeout").and_then(Value::as_f64) {
                    if ms > 0.0 {
                        effects.schedule.push((
                            now + ms,
                            Step::CloseToast {
                                toast_id: id.clone(),
                            },
                        ));
                    }
                }
                self.toasts.push(crate::world::Toast {
                    id: id.clone(),
                    spec,
                });
                Ok(json!(id))
            }
            "system.updateToast" => {
                let (Some(id), Some(spec)) = (
                    values.first().and_then(Value::as_str),
                    param_object(&values, 1),
                ) else {
                    return Some(Err(missing(request, "toastId")));
                };
                match self.toasts.iter_mut().find(|toast| toast.id == id) {
                    Some(toast) => {
                        toast.spec.extend(spec);
                        Ok(Value::Null)
                    }
                    None => Err(format!("The toast '{id}' is not shown.")),
                }
            }
            "system.closeToast" => {
                let Call::ToastId { toast_id: Some(id) } = call else {
                    return Some(Err(missing(request, "toastId")));
                };
                self.close_toast(&id)
            }
            "system.openDialog" => {
                let Call::OpenDialog {
                    url: Some(url),
                    label,
                    ..
                } = call
                else {
                    return Some(Err(missing(request, "url")));
                };
                let options = param_object(&values, 1).unwrap_or_default();
                let id = self.next_dialog_id();
                let label = label.unwrap_or_else(|| url.clone());
                effects.host.push(HostEffect::OpenDialog {
                    dialog_id: id.clone(),
                    url: url.clone(),
                    label: label.clone(),
                    width: options.get("width").cloned().unwrap_or(Value::Null),
                    height: options.get("height").cloned().unwrap_or(Value::Null),
                });
                self.dialogs.push(crate::world::Dialog {
                    id: id.clone(),
                    url,
                    label,
                });
                Ok(json!(id))
            }
            "system.closeDialog" => {
                let Call::DialogId {
                    dialog_id: Some(id),
                } = call
                else {
                    return Some(Err(missing(request, "dialogId")));
                };
                if self.close_dialog(&id) {
                    effects.host.push(HostEffect::CloseDialog { dialog_id: id });
                    Ok(Value::Null)
                } else {
                    Err(format!("The dialog '{id}' is not open."))
                }
            }
            "system.updateViewInApplicationMenuBar" => {
                let Some(view) = param_object(&values, 0) else {
                    return Some(Err(missing(request, "view")));
                };
                let Some(name) = view.get("name").and_then(Value::as_str).map(str::to_owned) else {
                    return Some(Err(missing(request, "view.name")));
                };
                match self
                    .menu_views
                    .iter_mut()
                    .find(|v| v.get("name").and_then(Value::as_str) == Some(name.as_str()))
                {
                    Some(existing) => existing.extend(view),
                    None => self.menu_views.push(view),
                }
                Ok(Value::Null)
            }
            "system.closeViewInApplicationMenuBar" => {
                let Call::ViewName { name: Some(name) } = call else {
                    return Some(Err(missing(request, "name")));
                };
                let before = self.menu_views.len();
                self.menu_views
                    .retain(|v| v.get("name").and_then(Value::as_str) != Some(name.as_str()));
                if self.menu_views.len() < before {
                    Ok(Value::Null)
                } else {
                    Err(format!("No view named '{name}' is in the menu bar."))
                }
            }
            "system.triggerActivity" => Ok(Value::Null),
            "configuration.getOption" => {
                let Call::GetOption { options } = call else {
                    return Some(Err(missing(request, "options")));
                };
                if options.is_empty() {
                    Err(missing(request, "options"))
                } else {
                    Ok(Value::Object(self.options(&options)))
                }
            }
            "configuration.getContextualOption" => {
                let Call::GetContextualOption {
                    options,
                    interaction_id: Some(id),
                } = call
                else {
                    return Some(Err(missing(request, "interactionId")));
                };
                if self.interaction(&id).is_none() {
                    Err(not_found(&id))
                } else {
                    Ok(Value::Object(self.options(&options)))
                }
            }
            _ => return None,
        };
        Some(answer)
    }

    /// A step that was due.
    pub fn run_step(&mut self, step: Step, effects: &mut Effects) {
        match step {
            Step::CallEstablished { interaction_id } => {
                if let Some(call) = self.interaction_mut(&interaction_id) {
                    if call.state == "DIALING" {
                        call.move_to("TALKING", &["HANGUP", "HOLD"]);
                        let call = call.clone();
                        effects.interaction("ESTABLISHED", &call);
                    }
                }
            }
            Step::CloseToast { toast_id } => {
                let _ = self.close_toast(&toast_id);
            }
            Step::RealtimeDown => {
                if self.connection == Connection::Disconnected {
                    self.connection = Connection::Down;
                    effects.emit("system", realtime_event("DOWN"));
                }
            }
        }
    }

    fn close_toast(&mut self, id: &str) -> Answer {
        let before = self.toasts.len();
        self.toasts.retain(|toast| toast.id != id);
        if self.toasts.len() < before {
            Ok(Value::Null)
        } else {
            Err(format!("The toast '{id}' is not shown."))
        }
    }

    /// Removes a dialog; false when it was not open.
    pub fn close_dialog(&mut self, id: &str) -> bool {
        let before = self.dialogs.len();
        self.dialogs.retain(|dialog| dialog.id != id);
        self.dialogs.len() < before
    }

    fn set_agent_state(
        &mut self,
        request: &str,
        operation: Option<&Value>,
        effects: &mut Effects,
    ) -> Answer {
        let operation = operation.ok_or_else(|| missing(request, "operationName"))?;
        let index = self.state_index(operation).ok_or_else(|| {
            format!(
                "The operation {operation} is not in the agent's state list ({}).",
                self.states
                    .iter()
                    .map(|s| s.operation_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        self.current_state = index;
        for channel in &mut self.media {
            channel.state = index;
        }
        effects.emit("agent", self.current_state().changed_event_data());
        Ok(json!(self.current_state()))
    }

    fn set_media_state(&mut self, request: &str, values: &[Value]) -> Answer {
        let name = values
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| missing(request, "mediaName"))?;
        let operation = values
            .get(1)
            .ok_or_else(|| missing(request, "operationName"))?;
        let index = self
            .state_index(operation)
            .ok_or_else(|| format!("The operation {operation} is not in the state list."))?;
        let channel = self
            .media
            .iter_mut()
            .find(|m| m.media == name)
            .ok_or_else(|| format!("The media '{name}' does not exist."))?;
        channel.state = index;
        let channel = channel.clone();
        Ok(self.media_item(&channel))
    }

    fn with_interaction(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut Interaction) -> Answer,
    ) -> Answer {
        match self.interaction_mut(id) {
            Some(interaction) => change(interaction),
            None => Err(not_found(id)),
        }
    }

    fn change_user_data(&mut self, request: &str, call: Call, effects: &mut Effects) -> Answer {
        let (id, set, delete) = match call {
            Call::SetUserData {
                interaction_id,
                user_data: Some(user_data),
            } => (interaction_id, Some(user_data), None),
            Call::DeleteUserData {
                interaction_id,
                key: Some(key),
            } => (interaction_id, None, Some(key)),
            Call::SetUserData { .. } => return Err(missing(request, "userData")),
            _ => return Err(missing(request, "key")),
        };
        let id = id.ok_or_else(|| missing(request, "interactionId"))?;
        let interaction = self.interaction_mut(&id).ok_or_else(|| not_found(&id))?;
        interaction.user_data.extend(set.unwrap_or_default());
        if let Some(key) = delete {
            interaction.user_data.shift_remove(&key);
        }
        let interaction = interaction.clone();
        effects.interaction("ATTACHED_DATA_CHANGED", &interaction);
        Ok(interaction.to_value())
    }

    fn select_case(&mut self, request: &str, call: Call, effects: &mut Effects) -> Answer {
        let Call::CaseId {
            case_id: Some(case_id),
        } = call
        else {
            return Err(missing(request, "caseId"));
        };
        if !self.interactions.iter().any(|i| i.case_id == case_id) {
            return Err(format!("No interaction belongs to the case '{case_id}'."));
        }
        if let Some(previous) = self.selected_case.take().filter(|p| *p != case_id) {
            for interaction in self
                .interactions
                .iter_mut()
                .filter(|i| i.case_id == previous)
            {
                interaction.is_case_selected = false;
                interaction.is_case_expanded = false;
            }
            effects.emit(
                "interaction",
                json!({"eventType": "CASE_COLLAPSED", "selectedCaseId": previous}),
            );
        }
        for interaction in self
            .interactions
            .iter_mut()
            .filter(|i| i.case_id == case_id)
        {
            interaction.is_case_selected = true;
            interaction.is_case_expanded = true;
        }
        self.selected_case = Some(case_id.clone());
        effects.emit(
            "interaction",
            json!({"eventType": "CASE_SELECTED", "selectedCaseId": case_id}),
        );
        effects.emit(
            "interaction",
            json!({"eventType": "CASE_EXPANDED", "selectedCaseId": case_id}),
        );
        Ok(Value::Null)
    }

    fn mark_done(&mut self, request: &str, call: &Call, now: f64, effects: &mut Effects) -> Answer {
        let id = interaction_id(call).ok_or_else(|| missing(request, "interactionId"))?;
        let interaction = self.interaction(&id).ok_or_else(|| not_found(&id))?;
        if let Some(block) = &interaction.markdone_block {
            if block.until.is_none_or(|until| now < until) {
                return Err(block.warning_message.clone());
            }
        }
        let done_states = ["IDLE", "ACCEPTED", "COMPOSING", "REJECTED", "CANCELED"];
        if !done_states.contains(&interaction.state.as_str()) {
            return Err(wrong_state(interaction, "marked done"));
        }
        let mut interaction = interaction.clone();
        if interaction.outbound.is_some() && interaction.call_type == "OUTBOUND" {
            effects.interaction("MARKDONE_APPLIED", &interaction);
        } else if !interaction.is_voice() {
            interaction.move_to("COMPLETED", &[]);
            effects.interaction("COMPLETED", &interaction);
        }
        interaction.capabilities.clear();
        effects.interaction("REMOVED", &interaction);
        self.interactions.retain(|i| i.interaction_id != id);
        Ok(Value::Null)
    }

    fn accept(&mut self, request: &str, call: &Call, effects: &mut Effects) -> Answer {
        let id = interaction_id(call).ok_or_else(|| missing(request, "interactionId"))?;
        let interaction = self.interaction_mut(&id).ok_or_else(|| not_found(&id))?;
        if interaction.state != "INVITED" {
            return Err(wrong_state(interaction, "accepted"));
        }
        // A pushed preview record goes to PREVIEWING (the seed's push preview table); chats and
        // e-mails are accepted.
        let event = if interaction.call_type == "OUTBOUND_PREVIEW" {
            interaction.move_to("PREVIEWING", &["CALL", "REJECT_RECORD", "CANCEL_RECORD"]);
            "PREVIEWING"
        } else {
            interaction.move_to("ACCEPTED", &["MARK_DONE"]);
            "ACCEPTED"
        };
        let interaction = interaction.clone();
        effects.interaction(event, &interaction);
        Ok(interaction.to_value())
    }

    fn reject(&mut self, request: &str, call: &Call, effects: &mut Effects) -> Answer {
        let id = interaction_id(call).ok_or_else(|| missing(request, "interactionId"))?;
        let interaction = self.interaction(&id).ok_or_else(|| not_found(&id))?;
        if !["INVITED", "RINGING"].contains(&interaction.state.as_str()) {
            return Err(wrong_state(interaction, "rejected"));
        }
        let mut interaction = interaction.clone();
        interaction.move_to("REJECTED", &[]);
        effects.interaction("REMOVED", &interaction);
        self.interactions.retain(|i| i.interaction_id != id);
        Ok(Value::Null)
    }

    fn voice_step(
        &mut self,
        request: &str,
        call: &Call,
        from: &[&str],
        effects: &mut Effects,
        change: impl FnOnce(&mut Interaction) -> &'static str,
    ) -> Answer {
        let id = interaction_id(call).ok_or_else(|| missing(request, "interactionId"))?;
        let interaction = self.interaction_mut(&id).ok_or_else(|| not_found(&id))?;
        if !interaction.is_voice() || !from.contains(&interaction.state.as_str()) {
            let done = match request {
                "voice.answer" => "answered",
                "voice.hold" => "held",
                "voice.resume" => "resumed",
                _ => "hung up",
            };
            return Err(wrong_state(interaction, done));
        }
        let event = change(interaction);
        let interaction = interaction.clone();
        effects.interaction(event, &interaction);
        Ok(interaction.to_value())
    }

    fn stamp_end(&mut self, id: &str, now: f64) {
        if let Some(interaction) = self.interaction_mut(id) {
            interaction.end_date = Some(crate::world::iso_date(now));
        }
    }

    fn recording(
        &mut self,
        request: &str,
        call: &Call,
        from: &str,
        to: &str,
        effects: &mut Effects,
    ) -> Answer {
        let id = interaction_id(call).ok_or_else(|| missing(request, "interactionId"))?;
        let interaction = self.interaction_mut(&id).ok_or_else(|| not_found(&id))?;
        let live = ["TALKING", "HELD"].contains(&interaction.state.as_str());
        if !interaction.is_voice() || !live {
            return Err(wrong_state(interaction, "recorded"));
        }
        let current = interaction.recording_state.as_deref().unwrap_or("STOPPED");
        if current != from {
            return Err(format!(
                "The recording of the interaction '{id}' is {current}; {request} needs it {from}."
            ));
        }
        interaction.recording_state = Some(to.to_owned());
        let interaction = interaction.clone();
        effects.interaction("CALL_RECORDING_STATE_CHANGED", &interaction);
        Ok(interaction.to_value())
    }

    /// A new outbound call: ADDED and DIALING now, ESTABLISHED when the other side picks up.
    pub fn dial(
        &mut self,
        destination: &str,
        user_data: Option<Map<String, Value>>,
        now: f64,
        effects: &mut Effects,
    ) -> Value {
        // The seed's dial to "5001" is an `Internal` call; anything longer is external.
        let call_type = if destination.len() <= 5 && destination.chars().all(|c| c.is_ascii_digit())
        {
            "Internal"
        } else {
            "OUTBOUND"
        };
        let case_id = self.uid();
        let bundle_id = self.uid();
        let mut call = self.voice_call(
            now,
            "OUT",
            call_type,
            "5000",
            destination,
            &case_id,
            &bundle_id,
        );
        call.user_data.extend(user_data.unwrap_or_default());
        call.move_to("DIALING", &["HANGUP"]);
        call.previous_state = "UNKNOWN".to_owned();
        effects.interaction("ADDED", &call);
        effects.interaction("DIALING", &call);
        effects.schedule.push((
            now + ANSWER_DELAY_MS,
            Step::CallEstablished {
                interaction_id: call.interaction_id.clone(),
            },
        ));
        let answer = call.to_value();
        self.interactions.push(call);
        answer
    }

    fn transfer_conference_consult(
        &mut self,
        request: &str,
        call: Call,
        now: f64,
        effects: &mut Effects,
    ) -> Answer {
        let Call::TransferConferenceConsult {
            interaction_id: Some(id),
            target,
            user_data,
            ..
        } = call
        else {
            return Err(missing(request, "interactionId"));
        };
        let destination = match target {
            Some(TargetQuery::Text(text)) => text,
            Some(TargetQuery::Structured {
                destination: Some(destination),
                ..
            }) => destination,
            _ => return Err(missing(request, "targetQuery")),
        };
        let interaction = self.interaction_mut(&id).ok_or_else(|| not_found(&id))?;
        if !["TALKING", "HELD"].contains(&interaction.state.as_str()) {
            return Err(wrong_state(interaction, "transferred"));
        }
        match request {
            "interaction.singleStepTransfer" => {
                interaction.user_data.extend(user_data.unwrap_or_default());
                interaction.move_to("IDLE", &["MARK_DONE"]);
                interaction.end_date = Some(crate::world::iso_date(now));
                let interaction = interaction.clone();
                effects.interaction("RELEASED", &interaction);
                Ok(interaction.to_value())
            }
            "interaction.singleStepConference" => {
                interaction.parties.push(Party { name: destination });
                let interaction = interaction.clone();
                effects.interaction("PARTY_CHANGED", &interaction);
                Ok(interaction.to_value())
            }
            _ => {
                // Consult: the main call is held while the consultation call is dialed.
                if interaction.state == "TALKING" {
                    interaction.move_to("HELD", &["HANGUP"]);
                }
                let main = interaction.clone();
                effects.interaction("HELD", &main);
                let answer = self.dial(&destination, user_data, now, &mut Effects::default());
                let consult_id = answer["interactionId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let consult = self.interaction_mut(&consult_id).expect("just dialed");
                consult.is_consultation = true;
                consult.is_main_case_interaction = false;
                consult.parent_interaction_id = Some(main.interaction_id.clone());
                consult.case_id = main.case_id.clone();
                consult
                    .user_data
                    .insert("IW_CaseUid".to_owned(), json!(main.case_id));
                consult.call_type = "CONSULT".to_owned();
                let consult = consult.clone();
                effects.interaction("ADDED", &consult);
                effects.interaction("DIALING", &consult);
                effects.schedule.push((
                    now + ANSWER_DELAY_MS,
                    Step::CallEstablished {
                        interaction_id: consult_id,
                    },
                ));
                Ok(consult.to_value())
            }
        }
    }

    fn complete_consultation(
        &mut self,
        request: &str,
        call: &Call,
        now: f64,
        effects: &mut Effects,
    ) -> Answer {
        let Call::ConsultInteractionId {
            consult_interaction_id: Some(consult_id),
        } = call
        else {
            return Err(missing(request, "consultInteractionId"));
        };
        let consult = self
            .interaction(consult_id)
            .ok_or_else(|| not_found(consult_id))?
            .clone();
        let Some(main_id) = consult
            .parent_interaction_id
            .clone()
            .filter(|_| consult.is_consultation)
        else {
            return Err(format!(
                "The interaction '{consult_id}' is not a consultation call."
            ));
        };
        if !["DIALING", "TALKING"].contains(&consult.state.as_str()) {
            return Err(wrong_state(&consult, "completed"));
        }
        let ended = crate::world::iso_date(now);
        let mut consult = consult;
        consult.move_to("IDLE", &[]);
        consult.end_date = Some(ended.clone());
        effects.interaction("RELEASED", &consult);
        effects.interaction("REMOVED", &consult);
        self.interactions
            .retain(|i| i.interaction_id != *consult_id);
        let main = self
            .interaction_mut(&main_id)
            .ok_or_else(|| not_found(&main_id))?;
        if request == "interaction.completeTransfer" {
            main.move_to("IDLE", &["MARK_DONE"]);
            main.end_date = Some(ended);
            let main = main.clone();
            effects.interaction("RELEASED", &main);
            Ok(main.to_value())
        } else {
            main.parties.extend(consult.parties);
            main.move_to("TALKING", &["HANGUP", "HOLD"]);
            let main = main.clone();
            effects.interaction("PARTY_CHANGED", &main);
            Ok(main.to_value())
        }
    }

    fn outbound(
        &mut self,
        request: &str,
        call: Call,
        values: &[Value],
        now: f64,
        effects: &mut Effects,
    ) -> Answer {
        match request {
            "outbound.getCampaigns" => Ok(Value::Array(
                self.campaigns
                    .iter()
                    .map(|c| json!({"name": c.name, "mode": c.mode}))
                    .collect(),
            )),
            // Call result codes of Genesys Outbound Contact (names and codes inferred).
            "outbound.getListOfCallResults" => Ok(json!([
                {"name": "Answer", "value": 33},
                {"name": "Busy", "value": 6},
                {"name": "No Answer", "value": 7},
                {"name": "Answering Machine Detected", "value": 9},
                {"name": "Fax Detected", "value": 17},
                {"name": "Ok", "value": 28},
            ])),
            "outbound.startDirectPushPreview" => {
                self.direct_push_preview = true;
                let handle = self.next_record_handle();
                let campaign = self.campaigns[0].name.clone();
                let mut record = self.preview_record(&campaign, handle);
                record.move_to("INVITED", &["ACCEPT", "REJECT"]);
                record.previous_state = "UNKNOWN".to_owned();
                effects.interaction("ADDED", &record);
                effects.interaction("INVITED", &record);
                self.interactions.push(record);
                Ok(Value::Null)
            }
            "outbound.stopDirectPushPreview" => {
                self.direct_push_preview = false;
                Ok(Value::Null)
            }
            "outbound.getPreviewRecord" => {
                let Call::CampaignName {
                    campaign_name: Some(name),
                } = call
                else {
                    return Err(missing(request, "campaignName"));
                };
                if !self.campaigns.iter().any(|c| c.name == name) {
                    return Err(format!("The campaign '{name}' does not exist."));
                }
                let handle = self.next_record_handle();
                let record = self.preview_record(&name, handle);
                effects.interaction("ADDED", &record);
                effects.interaction("PREVIEWING", &record);
                let answer = record.to_value();
                self.interactions.push(record);
                Ok(answer)
            }
            _ => {
                let id = interaction_id(&call).ok_or_else(|| missing(request, "interactionId"))?;
                let interaction = self.interaction(&id).ok_or_else(|| not_found(&id))?;
                if interaction.outbound.is_none() {
                    return Err(format!("The interaction '{id}' is not an outbound record."));
                }
                self.outbound_record(request, &id, call, values, now, effects)
            }
        }
    }

    fn outbound_record(
        &mut self,
        request: &str,
        id: &str,
        call: Call,
        values: &[Value],
        now: f64,
        effects: &mut Effects,
    ) -> Answer {
        let interaction = self.interaction_mut(id).expect("checked by the caller");
        let record = interaction
            .outbound
            .as_mut()
            .expect("checked by the caller");
        match request {
            "outbound.getChainedRecords" => {
                let chain = interaction
                    .chained_records
                    .get_or_insert_with(|| vec![record.fields.clone()])
                    .clone();
                let interaction = interaction.clone();
                effects.emit(
                    "interaction",
                    json!({"eventType": "RECORDS_RETRIEVED", "interaction": interaction.to_value()}),
                );
                Ok(json!(chain))
            }
            "outbound.getRecordFields" => Ok(Value::Object(record.fields.clone())),
            "outbound.updateRecordFields" => {
                let fields =
                    param_object(values, 1).ok_or_else(|| missing(request, "recordFields"))?;
                record.fields.extend(fields);
                Ok(Value::Object(record.fields.clone()))
            }
            "outbound.setCallResult" => {
                let Call::SetCallResult {
                    call_result: Some(code),
                    ..
                } = call
                else {
                    return Err(missing(request, "callResult"));
                };
                record.call_result = Some(code);
                Ok(Value::Null)
            }
            "outbound.getCallResult" => Ok(record.call_result.map_or(Value::Null, |c| json!(c))),
            "outbound.setDoNotCall" | "outbound.removeDoNotCall" => {
                record.do_not_call = request == "outbound.setDoNotCall";
                Ok(Value::Null)
            }
            "outbound.rescheduleRecord" => {
                let Call::RescheduleRecord {
                    date_time: Some(date_time),
                    callback_type,
                    ..
                } = call
                else {
                    return Err(missing(request, "dateTime"));
                };
                record.rescheduled = Some((date_time, callback_type.unwrap_or_default()));
                Ok(Value::Null)
            }
            "outbound.cancelReschedule" => {
                if record.rescheduled.take().is_some() {
                    Ok(Value::Null)
                } else {
                    Err(format!(
                        "The record of the interaction '{id}' is not rescheduled."
                    ))
                }
            }
            "outbound.rejectPreviewRecord" | "outbound.cancelPreviewRecord" => {
                if interaction.state != "PREVIEWING" {
                    return Err(wrong_state(interaction, "rejected or canceled"));
                }
                let state = if request == "outbound.rejectPreviewRecord" {
                    "REJECTED"
                } else {
                    "CANCELED"
                };
                interaction.move_to(state, &["MARK_DONE"]);
                let interaction = interaction.clone();
                effects.interaction("STATE_CHANGE", &interaction);
                Ok(Value::Null)
            }
            "outbound.callPreviewRecord" => {
                if interaction.state != "PREVIEWING" {
                    return Err(wrong_state(interaction, "called"));
                }
                // The seed's pull preview: the preview record is REMOVED (IDLE), and an OUTBOUND
                // call is ADDED and DIALING.
                let record = record.clone();
                let phone = record
                    .fields
                    .get("GSW_PHONE")
                    .and_then(Value::as_str)
                    .unwrap_or("+33647005")
                    .to_owned();
                interaction.move_to("IDLE", &[]);
                let preview = interaction.clone();
                effects.interaction("REMOVED", &preview);
                self.interactions.retain(|i| i.interaction_id != id);
                let mut call = self.voice_call(
                    now,
                    "OUT",
                    "OUTBOUND",
                    "5000",
                    &phone,
                    &preview.case_id,
                    &preview.bundle_id,
                );
                call.user_data = preview.user_data.clone();
                call.outbound = Some(record);
                call.move_to("DIALING", &["HANGUP"]);
                call.previous_state = "UNKNOWN".to_owned();
                effects.interaction("ADDED", &call);
                effects.interaction("DIALING", &call);
                effects.schedule.push((
                    now + ANSWER_DELAY_MS,
                    Step::CallEstablished {
                        interaction_id: call.interaction_id.clone(),
                    },
                ));
                let answer = call.to_value();
                self.interactions.push(call);
                Ok(answer)
            }
            _ => Err(format!("Unknown request '{request}'.")),
        }
    }
}

/// The interaction id of the calls that name one.
fn interaction_id(call: &Call) -> Option<String> {
    match call {
        Call::InteractionId { interaction_id }
        | Call::SetUserData { interaction_id, .. }
        | Call::DeleteUserData { interaction_id, .. }
        | Call::BlockMarkdone { interaction_id, .. }
        | Call::TransferConferenceConsult { interaction_id, .. }
        | Call::UpdateRecordFields { interaction_id, .. }
        | Call::CallPreviewRecord { interaction_id, .. }
        | Call::RescheduleRecord { interaction_id, .. }
        | Call::SetCallResult { interaction_id, .. }
        | Call::GetContextualOption { interaction_id, .. } => interaction_id.clone(),
        _ => None,
    }
}

/// The `data` of a REALTIME_CONNECTION system event.
pub fn realtime_event(state: &str) -> Value {
    json!({"eventType": "REALTIME_CONNECTION", "state": state})
}
