//! Decoding one `postMessage` payload into a typed SCAPI message.
//!
//! Decoding never fails: anything that is not SCAPI is kept as [`Message::Foreign`], a legacy
//! `wwe…` string as [`Message::Legacy`], and SCAPI-looking data with a broken envelope as
//! [`Message::Malformed`] naming the problem. The raw value is always kept beside the decoded one
//! by the caller ([`crate::record::Record`]).

use crate::events::{decode_event, TypedEvent};
use crate::rate_limit::{parse_rate_limit, RateLimitError};
use crate::requests::{decode_call, TypedCall};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The envelope fields every SCAPI message may carry.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub protocol_version: Option<Value>,
    /// The frameId the client adds to its requests once the service assigned one.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub frame_id: Option<Value>,
}

/// How a response ended.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "status",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Any response without `errorMessage`; the result sits under `data`.
    Success {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
        data: Option<Value>,
    },
    /// A response with `errorMessage`; the seed shows a `request` field beside it.
    Failure {
        error_message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<String>,
        /// The rate-limit error text read into request name and quarantine.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rate_limit: Option<RateLimitError>,
    },
}

/// One decoded message.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Message {
    /// Client → service: `{request: "namespace.method", parameters: [...], referenceId}`.
    Request {
        request: String,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
        parameters: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference_id: Option<String>,
        /// The parameters read against the request catalog: named, typed, with problems.
        typed: Box<TypedCall>,
    },
    /// Service → client: carries the request's `referenceId` and no `event`. A failure may come
    /// without `referenceId` (the seed's rate-limit example has none).
    Response {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference_id: Option<String>,
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
        subscription_id: Option<Value>,
    },
    /// Client → service: `{event: "subscribe", data: topic or [topics]}`.
    Subscribe {
        topics: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference_id: Option<String>,
    },
    /// Client → service: `{event: "unsubscribe", data: subscriptionId}`.
    Unsubscribe {
        subscription_id: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference_id: Option<String>,
    },
    /// Service → client: `{event: topic, data: {eventType, ...}}`, no `referenceId`.
    Event {
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event_type: Option<String>,
        /// `data` typed by topic and eventType (the raw data stays in the record's `raw`).
        typed: Box<TypedEvent>,
    },
    /// Service → client: the frameId handshake, `{frameId}` with neither `event` nor `referenceId`.
    FrameId { frame_id: Value },
    /// A string starting with `wwe`: the pre-version-2 text channel.
    Legacy { text: String },
    /// Any other postMessage traffic on the page: not SCAPI, kept as it came.
    Foreign,
    /// SCAPI-looking data whose envelope is broken.
    Malformed { problem: String },
}

/// Which way a message went, judged by what it is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// From an embedded app to Workspace.
    ToWorkspace,
    /// From Workspace to an embedded app.
    ToApp,
    /// Not SCAPI, or too broken to tell.
    Unknown,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::ToWorkspace => "to-workspace",
            Direction::ToApp => "to-app",
            Direction::Unknown => "unknown",
        }
    }

    /// The arrow the panel shows: app → Workspace, Workspace → app.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::ToWorkspace => "app → WWE",
            Direction::ToApp => "WWE → app",
            Direction::Unknown => "·",
        }
    }
}

/// A decoded message with its envelope.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Decoded {
    #[serde(flatten)]
    pub message: Message,
    #[serde(default)]
    pub envelope: Envelope,
}

/// Decodes one message payload. Never fails and never panics.
pub fn decode(data: &Value) -> Decoded {
    let object = match data {
        Value::String(text) if text.starts_with("wwe") => {
            return bare(Message::Legacy { text: text.clone() })
        }
        Value::Object(object) if looks_like_scapi(object) => object,
        _ => return bare(Message::Foreign),
    };
    let envelope = Envelope {
        user_agent: object
            .get("userAgent")
            .and_then(Value::as_str)
            .map(str::to_owned),
        protocol_version: object.get("protocolVersion").cloned(),
        frame_id: object.get("frameId").cloned(),
    };
    let message = decode_object(object).unwrap_or_else(|problem| Message::Malformed { problem });
    Decoded { message, envelope }
}

fn bare(message: Message) -> Decoded {
    Decoded {
        message,
        envelope: Envelope::default(),
    }
}

/// The topics a client can subscribe to (`messenger:<channel>` aside).
pub const TOPICS: [&str; 6] = [
    "agent",
    "interaction",
    "media",
    "system",
    "markdone",
    "outbound",
];

/// The namespaces of request names.
pub const NAMESPACES: [&str; 11] = [
    "agent",
    "interaction",
    "voice",
    "sipEndpoint",
    "email",
    "media",
    "outbound",
    "system",
    "messenger",
    "configuration",
    "auth",
];

/// The client library accepts any message whose `userAgent` contains "WWE". Messages without one
/// (the seed's own examples omit it) still count when they carry the protocol's fields: then it is
/// SCAPI with a missing envelope field, not foreign traffic.
fn looks_like_scapi(object: &Map<String, Value>) -> bool {
    let wwe_agent = object
        .get("userAgent")
        .and_then(Value::as_str)
        .is_some_and(|agent| agent.contains("WWE"));
    if wwe_agent {
        return true;
    }
    if object
        .get("userAgent")
        .is_some_and(|agent| !agent.is_null())
    {
        // Someone else's user agent: their envelope, not ours.
        return false;
    }
    let protocol_fields = object.contains_key("protocolVersion")
        && ["request", "event", "referenceId", "frameId"]
            .iter()
            .any(|key| object.contains_key(*key));
    let known_event = object
        .get("event")
        .and_then(Value::as_str)
        .is_some_and(|event| {
            TOPICS.contains(&event)
                || event.starts_with("messenger:")
                || event == "subscribe"
                || event == "unsubscribe"
        })
        && object.contains_key("data");
    let known_request = object
        .get("request")
        .and_then(Value::as_str)
        .and_then(|name| name.split_once('.'))
        .is_some_and(|(namespace, _)| NAMESPACES.contains(&namespace))
        && (object.contains_key("referenceId") || object.contains_key("errorMessage"));
    protocol_fields || known_event || known_request
}

fn decode_object(object: &Map<String, Value>) -> Result<Message, String> {
    let reference_id = reference_id(object)?;
    // A failure names the refused request in `request` too, so `errorMessage` is checked first.
    if let Some(error) = object.get("errorMessage") {
        let error_message = match error {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        return Ok(Message::Response {
            reference_id,
            outcome: Outcome::Failure {
                rate_limit: parse_rate_limit(&error_message),
                error_message,
                request: object
                    .get("request")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            },
            subscription_id: object.get("subscriptionId").cloned(),
        });
    }
    if let Some(request) = object.get("request") {
        let request = request
            .as_str()
            .ok_or_else(|| format!("`request` is {}, not a string", type_name(request)))?;
        let parameters = object.get("parameters").cloned();
        return Ok(Message::Request {
            typed: Box::new(decode_call(request, parameters.as_ref())),
            request: request.to_owned(),
            parameters,
            reference_id,
        });
    }
    if let Some(event) = object.get("event") {
        let event = event
            .as_str()
            .ok_or_else(|| format!("`event` is {}, not a string", type_name(event)))?;
        let data = object.get("data").cloned().unwrap_or(Value::Null);
        return match event {
            "subscribe" => Ok(Message::Subscribe {
                topics: topics(&data)?,
                reference_id,
            }),
            "unsubscribe" => Ok(Message::Unsubscribe {
                subscription_id: data,
                reference_id,
            }),
            topic => Ok(Message::Event {
                topic: topic.to_owned(),
                event_type: data
                    .get("eventType")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                typed: Box::new(decode_event(topic, &data)),
            }),
        };
    }
    if reference_id.is_some() {
        return Ok(Message::Response {
            reference_id,
            outcome: Outcome::Success {
                data: object.get("data").cloned(),
            },
            subscription_id: object.get("subscriptionId").cloned(),
        });
    }
    if let Some(frame_id) = object.get("frameId") {
        return Ok(Message::FrameId {
            frame_id: frame_id.clone(),
        });
    }
    Err("a SCAPI envelope with none of `request`, `event`, `referenceId` or `frameId`".to_owned())
}

/// `referenceId` is a string counter; a number is tolerated and read as its decimal text.
fn reference_id(object: &Map<String, Value>) -> Result<Option<String>, String> {
    match object.get("referenceId") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) => Ok(Some(id.clone())),
        Some(Value::Number(id)) => Ok(Some(id.to_string())),
        Some(other) => Err(format!(
            "`referenceId` is {}, not a string",
            type_name(other)
        )),
    }
}

fn topics(data: &Value) -> Result<Vec<String>, String> {
    match data {
        Value::String(topic) => Ok(vec![topic.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    format!("a subscribe topic is {}, not a string", type_name(item))
                })
            })
            .collect(),
        other => Err(format!(
            "subscribe `data` is {}, not a topic or a list of topics",
            type_name(other)
        )),
    }
}

/// Keeps a field that is present with the value `null` apart from a missing one.
mod present {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(
        value: &Option<Value>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Value>, D::Error> {
        Value::deserialize(deserializer).map(Some)
    }
}

/// "a string", "an array", …: what a JSON value is, for error messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Message {
    /// The kind as the panel and the raw formats spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Request { .. } => "request",
            Message::Response { .. } => "response",
            Message::Subscribe { .. } => "subscribe",
            Message::Unsubscribe { .. } => "unsubscribe",
            Message::Event { .. } => "event",
            Message::FrameId { .. } => "frame-id",
            Message::Legacy { .. } => "legacy",
            Message::Foreign => "foreign",
            Message::Malformed { .. } => "malformed",
        }
    }

    pub fn direction(&self) -> Direction {
        match self {
            Message::Request { .. } | Message::Subscribe { .. } | Message::Unsubscribe { .. } => {
                Direction::ToWorkspace
            }
            Message::Response { .. } | Message::Event { .. } | Message::FrameId { .. } => {
                Direction::ToApp
            }
            Message::Legacy { .. } | Message::Foreign | Message::Malformed { .. } => {
                Direction::Unknown
            }
        }
    }

    /// The name column: a request name, `subscribe`, or an event's `topic:eventType`.
    pub fn name(&self) -> String {
        match self {
            Message::Request { request, .. } => request.clone(),
            Message::Response { .. } => "response".to_owned(),
            Message::Subscribe { .. } => "subscribe".to_owned(),
            Message::Unsubscribe { .. } => "unsubscribe".to_owned(),
            Message::Event {
                topic,
                event_type: Some(event_type),
                ..
            } => format!("{topic}:{event_type}"),
            Message::Event { topic, .. } => topic.clone(),
            Message::FrameId { .. } => "frameId".to_owned(),
            Message::Legacy { .. } => "legacy".to_owned(),
            Message::Foreign => "foreign".to_owned(),
            Message::Malformed { .. } => "malformed".to_owned(),
        }
    }

    pub fn reference_id(&self) -> Option<&str> {
        match self {
            Message::Request { reference_id, .. }
            | Message::Subscribe { reference_id, .. }
            | Message::Unsubscribe { reference_id, .. } => reference_id.as_deref(),
            Message::Response { reference_id, .. } => reference_id.as_deref(),
            _ => None,
        }
    }

    /// A one-line summary, at most about [`SUMMARY_CHARS`] characters.
    pub fn summary(&self, raw: &Value) -> String {
        let text = match self {
            Message::Request { parameters, .. } => match parameters {
                Some(parameters) => compact(parameters),
                None => "no parameters".to_owned(),
            },
            Message::Response {
                outcome: Outcome::Failure { error_message, .. },
                ..
            } => format!("error: {}", error_message.replace('\n', " ")),
            Message::Response {
                outcome: Outcome::Success { data },
                subscription_id,
                ..
            } => match (subscription_id, data) {
                (Some(id), _) => format!("ok: subscriptionId {}", compact(id)),
                (None, Some(data)) => format!("ok: {}", compact(data)),
                (None, None) => "ok".to_owned(),
            },
            Message::Subscribe { topics, .. } => topics.join(", "),
            Message::Unsubscribe {
                subscription_id, ..
            } => format!("subscriptionId {}", compact(subscription_id)),
            Message::Event { .. } => {
                let mut rest = raw.get("data").cloned().unwrap_or(Value::Null);
                if let Value::Object(fields) = &mut rest {
                    fields.remove("eventType");
                }
                compact(&rest)
            }
            Message::FrameId { frame_id } => format!("frameId = {}", compact(frame_id)),
            Message::Legacy { text } => text.clone(),
            Message::Foreign => compact(raw),
            Message::Malformed { problem } => problem.clone(),
        };
        truncate(&text, SUMMARY_CHARS)
    }
}

/// How long a one-line summary may get before it is cut with an ellipsis.
pub const SUMMARY_CHARS: usize = 160;

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
