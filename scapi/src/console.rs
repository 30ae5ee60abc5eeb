//! The request console: what a user composes to send as one of the page's apps, checked against
//! the one request catalog ([`crate::requests`]) before anything leaves, and the envelope it
//! leaves in — the app's own, so Workspace judges it as the app's (origin, filter, rate limit,
//! user-data lists).
//!
//! **ReferenceIds.** The client library counts referenceIds as decimal strings from `"0"` in
//! every page (protocol section 2). The console's are [`REFERENCE_PREFIX`] followed by a counter
//! (`"scapi-console-0"`, `"scapi-console-1"`, …, the counter starting at the panel's start time
//! so that two panels or a reloaded one do not reuse ids): they contain letters, so no app's id
//! is ever one of them, and the app's client library, which looks the answer up among its own
//! pending ids, ignores the answer. The panel and the HAR export tell console exchanges by that
//! prefix ([`is_console_reference`]).

use crate::message::type_name;
use crate::message::{decode, Message};
use crate::requests::{decode_call, spec, suggest, ParamProblem, RequestSpec};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What every console referenceId starts with.
pub const REFERENCE_PREFIX: &str = "scapi-console-";

/// The console's `n`th referenceId.
pub fn reference_id(n: u64) -> String {
    format!("{REFERENCE_PREFIX}{n}")
}

/// True for a referenceId the console gave (a request it sent, or that request's answer).
pub fn is_console_reference(id: &str) -> bool {
    id.strip_prefix(REFERENCE_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// True when a captured message's data is a console request, subscribe or unsubscribe, or an
/// answer to one.
pub fn is_console_message(data: &Value) -> bool {
    decode(data)
        .message
        .reference_id()
        .is_some_and(is_console_reference)
}

impl RequestSpec {
    /// True when the request may change something on the agent's desktop (calls, transfers,
    /// states, user data, dialogs, toasts, broadcasts, views): every request but the read-only
    /// ones, whose method asks a question (`get…`, `is…`, `amI…`). Derived from the catalog's
    /// names, not listed by hand, so a new catalog entry is classified too.
    pub fn changes_state(&self) -> bool {
        let asks = |prefix: &str| {
            self.method
                .strip_prefix(prefix)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_uppercase)
        };
        !(asks("get") || asks("is") || asks("am"))
    }
}

/// What the user composes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Draft {
    /// A request: its name and its positional parameters as JSON text (an array; empty text
    /// for none).
    Request { name: String, parameters: String },
    /// `subscribe` to topics: JSON text of a topic string or an array of them.
    Subscribe { topics: String },
    /// `unsubscribe` a subscription: JSON text of the subscriptionId.
    Unsubscribe { subscription: String },
}

impl Draft {
    /// The request name, `subscribe` or `unsubscribe`.
    pub fn name(&self) -> &str {
        match self {
            Draft::Request { name, .. } => name.trim(),
            Draft::Subscribe { .. } => "subscribe",
            Draft::Unsubscribe { .. } => "unsubscribe",
        }
    }
}

/// A draft checked against the catalog: what is wrong, and what would be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The catalog entry of the request name.
    pub spec: Option<&'static RequestSpec>,
    /// Every problem; the draft is sent only when there is none.
    pub problems: Vec<ParamProblem>,
    /// For an unknown name, the name probably meant.
    pub suggestion: Option<&'static str>,
    /// What the request does differently from the docs though it works (a transfer target named
    /// with `type`): shown, not in the way of sending.
    pub notes: Vec<String>,
    /// The message body (without the envelope's identity) when there are no problems.
    body: Option<Body>,
}

#[derive(Clone, Debug, PartialEq)]
enum Body {
    Request {
        name: String,
        parameters: Option<Value>,
    },
    Event {
        event: &'static str,
        data: Value,
    },
}

impl Checked {
    /// True when nothing is wrong: the draft can be sent.
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty() && self.body.is_some()
    }

    /// True when sending it may change the agent's desktop (ask first).
    pub fn changes_state(&self) -> bool {
        self.spec.is_some_and(RequestSpec::changes_state)
    }
}

fn problem(message: String) -> ParamProblem {
    ParamProblem {
        position: None,
        parameter: None,
        message,
    }
}

/// Reads JSON text a user typed; the error names the field, the place and the problem.
fn parse(field: &str, text: &str) -> Result<Value, ParamProblem> {
    serde_json::from_str(text).map_err(|error| problem(format!("{field}: not JSON ({error})")))
}

/// Checks a draft as it is typed: the name against the catalog (an unknown one with the name
/// probably meant), the parameters' JSON, their count and types (the same reading the decoder
/// gives captured requests, [`decode_call`]), topics and subscription ids.
pub fn check(draft: &Draft) -> Checked {
    let mut checked = Checked {
        spec: None,
        problems: Vec::new(),
        suggestion: None,
        notes: Vec::new(),
        body: None,
    };
    match draft {
        Draft::Request { name, parameters } => {
            let name = name.trim();
            if name.is_empty() {
                checked
                    .problems
                    .push(problem("no request name: type one such as agent.getState".into()));
                return checked;
            }
            checked.spec = spec(name);
            if checked.spec.is_none() {
                checked.suggestion = suggest(name);
                checked.problems.push(problem(match checked.suggestion {
                    Some(meant) => format!("{name} is not a request of the catalog; did you mean {meant}?"),
                    None => format!("{name} is not a request of the catalog"),
                }));
            }
            let parameters = match parameters.trim() {
                "" => None,
                text => match parse("the parameters", text) {
                    Ok(value @ Value::Array(_)) => Some(value),
                    Ok(other) => {
                        checked.problems.push(problem(format!(
                            "the parameters are {}, expected an array of positional parameters such as [\"Ready\"]",
                            type_name(&other)
                        )));
                        return checked;
                    }
                    Err(problem) => {
                        checked.problems.push(problem);
                        return checked;
                    }
                },
            };
            if checked.spec.is_some() {
                let typed = decode_call(name, parameters.as_ref());
                checked.notes = crate::facts::call_notes(&typed.call);
                checked.problems.extend(typed.problems);
            }
            checked.body = Some(Body::Request {
                name: name.to_owned(),
                parameters,
            });
        }
        Draft::Subscribe { topics } => match parse("the topics", topics) {
            Ok(data) => {
                let valid = match &data {
                    Value::String(topic) => !topic.is_empty(),
                    Value::Array(items) => {
                        !items.is_empty()
                            && items
                                .iter()
                                .all(|item| item.as_str().is_some_and(|t| !t.is_empty()))
                    }
                    _ => false,
                };
                if valid {
                    checked.body = Some(Body::Event {
                        event: "subscribe",
                        data,
                    });
                } else {
                    checked.problems.push(problem(format!(
                        "the topics are {}, expected a topic such as \"agent\" or an array of them such as [\"agent\", \"interaction\"]",
                        type_name(&data)
                    )));
                }
            }
            Err(problem) => checked.problems.push(problem),
        },
        Draft::Unsubscribe { subscription } => match parse("the subscription id", subscription) {
            Ok(data @ (Value::String(_) | Value::Number(_))) => {
                checked.body = Some(Body::Event {
                    event: "unsubscribe",
                    data,
                })
            }
            Ok(other) => checked.problems.push(problem(format!(
                "the subscription id is {}, expected the subscriptionId a subscribe answer gave (a string or a number)",
                type_name(&other)
            ))),
            Err(problem) => checked.problems.push(problem),
        },
    }
    if !checked.problems.is_empty() {
        checked.body = None;
    }
    checked
}

/// The envelope fields an app adds to every message, as it sent them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub user_agent: Value,
    pub protocol_version: Value,
    /// The frameId Workspace assigned the app, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_id: Option<Value>,
}

impl Default for Identity {
    /// What the vendor's client library sends before Workspace assigned a frameId.
    fn default() -> Identity {
        Identity {
            user_agent: Value::String("WWE Client".into()),
            protocol_version: Value::from(2),
            frame_id: None,
        }
    }
}

impl Identity {
    /// Learns from one captured message of the app's: a request (or subscribe) it sent gives its
    /// `userAgent`, `protocolVersion` and `frameId`; a frameId assignment it received gives the
    /// frameId. Anything else teaches nothing.
    pub fn learn(&mut self, data: &Value) {
        let Some(fields) = data.as_object() else {
            return;
        };
        match decode(data).message {
            Message::Request { .. } | Message::Subscribe { .. } | Message::Unsubscribe { .. } => {
                if let Some(agent) = fields.get("userAgent") {
                    self.user_agent = agent.clone();
                }
                if let Some(version) = fields.get("protocolVersion") {
                    self.protocol_version = version.clone();
                }
                if let Some(frame_id) = fields.get("frameId") {
                    self.frame_id = Some(frame_id.clone());
                }
            }
            Message::FrameId { .. } => {
                if let Some(frame_id) = fields.get("frameId") {
                    self.frame_id = Some(frame_id.clone());
                }
            }
            _ => {}
        }
    }
}

/// The message a ready draft is sent as: the app's envelope, its fields in the client library's
/// order (`request`, `parameters`, `referenceId`, `userAgent`, `protocolVersion`, `frameId`; for
/// (un)subscribe `event`, `data` first). `None` when the draft has problems.
pub fn envelope(checked: &Checked, reference_id: &str, identity: &Identity) -> Option<Value> {
    let mut message = Map::new();
    match checked.body.as_ref()? {
        Body::Request { name, parameters } => {
            message.insert("request".into(), Value::String(name.clone()));
            if let Some(parameters) = parameters {
                message.insert("parameters".into(), parameters.clone());
            }
        }
        Body::Event { event, data } => {
            message.insert("event".into(), Value::String((*event).into()));
            message.insert("data".into(), data.clone());
        }
    }
    message.insert("referenceId".into(), Value::String(reference_id.into()));
    message.insert("userAgent".into(), identity.user_agent.clone());
    message.insert("protocolVersion".into(), identity.protocol_version.clone());
    if let Some(frame_id) = &identity.frame_id {
        message.insert("frameId".into(), frame_id.clone());
    }
    Some(Value::Object(message))
}

/// The draft a captured request (or subscribe, unsubscribe) is sent again as: "Resend" and
/// "Edit and send". `None` for any other message.
pub fn draft_of(data: &Value) -> Option<Draft> {
    let fields = data.as_object()?;
    match decode(data).message {
        Message::Request { .. } => Some(Draft::Request {
            name: fields.get("request")?.as_str()?.to_owned(),
            parameters: fields
                .get("parameters")
                .filter(|p| !p.is_null())
                .map(Value::to_string)
                .unwrap_or_default(),
        }),
        Message::Subscribe { .. } => Some(Draft::Subscribe {
            topics: fields.get("data")?.to_string(),
        }),
        Message::Unsubscribe { .. } => Some(Draft::Unsubscribe {
            subscription: fields.get("data")?.to_string(),
        }),
        _ => None,
    }
}

/// Where the app sends its messages, from its own frame: the window the answers and events it
/// receives come from (its `parent`, its `opener` for a popup, or a `child` frame in the
/// reverse layout), and that window's origin (the `targetOrigin` the console posts with).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// `parent`, `opener` or `child`, as the hook names source relations.
    pub relation: crate::SourceRelation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_index: Option<u32>,
    pub origin: String,
}

impl Target {
    /// The target a Workspace → app message captured in the app's frame shows, when it came from
    /// a window the hook can name again (parent, opener, child).
    pub fn of(
        relation: crate::SourceRelation,
        child_index: Option<u32>,
        origin: &str,
    ) -> Option<Target> {
        use crate::SourceRelation;
        match relation {
            SourceRelation::Parent | SourceRelation::Opener | SourceRelation::Child => {
                Some(Target {
                    relation,
                    child_index: child_index.filter(|_| relation == SourceRelation::Child),
                    origin: origin.to_owned(),
                })
            }
            _ => None,
        }
    }
}

/// The console's history per site: the last [`HISTORY_LIMIT`] drafts sent, newest first.
pub const HISTORY_LIMIT: usize = 50;

/// One sent draft, as the history keeps it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    pub draft: Draft,
    /// The app it was sent as (the frame's URL).
    pub app: String,
    /// When (epoch ms).
    pub at: f64,
}

/// Adds a sent draft to the front of a history, the same draft sent as the same app earlier
/// taken out (it moves up), and keeps the last [`HISTORY_LIMIT`].
pub fn remember(history: &mut Vec<Sent>, sent: Sent) {
    history.retain(|old| !(old.draft == sent.draft && old.app == sent.app));
    history.insert(0, sent);
    history.truncate(HISTORY_LIMIT);
}

/// Reads a stored history; stored text that is not one (an older format, a broken value) gives
/// an empty history and the reason.
pub fn read_history(text: &str) -> Result<Vec<Sent>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut history: Vec<Sent> = serde_json::from_str(text)
        .map_err(|error| format!("the console history is not readable: {error}"))?;
    history.truncate(HISTORY_LIMIT);
    Ok(history)
}

#[cfg(test)]
mod tests;
