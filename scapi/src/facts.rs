//! What the analyses — pairing ([`crate::correlate`]), findings ([`crate::findings`]) and the
//! policy audit ([`crate::policy::audit`]) — need of a record, without its data: a few hundred
//! bytes where a decoded record with its raw value takes kilobytes, so that a panel can keep
//! 100,000 records and analyse them again in milliseconds.

use crate::events::EventBody;
use crate::message::{Message, Outcome};
use crate::policy::user_data::user_data_in;
use crate::record::Record;
use crate::requests::{Call, TargetKey, TargetQuery};
use crate::SourceRelation;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// The kind of a message, as [`Message::kind`] spells it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Request,
    Response,
    Subscribe,
    Unsubscribe,
    Event,
    FrameId,
    Legacy,
    Foreign,
    Malformed,
}

impl Kind {
    pub fn of(message: &Message) -> Kind {
        match message {
            Message::Request { .. } => Kind::Request,
            Message::Response { .. } => Kind::Response,
            Message::Subscribe { .. } => Kind::Subscribe,
            Message::Unsubscribe { .. } => Kind::Unsubscribe,
            Message::Event { .. } => Kind::Event,
            Message::FrameId { .. } => Kind::FrameId,
            Message::Legacy { .. } => Kind::Legacy,
            Message::Foreign => Kind::Foreign,
            Message::Malformed { .. } => Kind::Malformed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Subscribe => "subscribe",
            Kind::Unsubscribe => "unsubscribe",
            Kind::Event => "event",
            Kind::FrameId => "frame-id",
            Kind::Legacy => "legacy",
            Kind::Foreign => "foreign",
            Kind::Malformed => "malformed",
        }
    }

    /// Sent by an app to Workspace.
    pub fn is_call(self) -> bool {
        matches!(self, Kind::Request | Kind::Subscribe | Kind::Unsubscribe)
    }

    /// Sent by Workspace to an app.
    pub fn is_from_workspace(self) -> bool {
        matches!(self, Kind::Response | Kind::Event | Kind::FrameId)
    }
}

/// A `userData` write: `interaction.setUserData` (keys) or `interaction.deleteUserData` (one key).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UserDataWrite {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<String>,
    pub keys: Vec<String>,
    /// `deleteUserData` rather than `setUserData`.
    pub delete: bool,
}

/// A `userData` object seen in a result or an event, with the interaction holding it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UserDataSeen {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<String>,
    /// Shared with each audit's check of this read: a live capture is audited again and again.
    pub keys: Arc<[String]>,
}

/// The kind-specific facts.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Detail {
    Request {
        /// The name is in the catalog.
        known: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggestion: Option<String>,
        /// Problems with the parameters, as sentences.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        problems: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        write: Option<UserDataWrite>,
        /// Remarks on shapes that work but differ from the docs (a transfer target named with
        /// `type`), as sentences.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<String>,
    },
    Response {
        /// `errorMessage`, for a failure.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error_message: Option<String>,
        /// The `request` field beside a failure.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failed_request: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subscription_id: Option<Box<Value>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        user_data: Vec<UserDataSeen>,
        /// A successful answer whose `data` is a bare boolean (`system.isFrameLeading` …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flag: Option<bool>,
    },
    Subscribe {
        topics: Vec<String>,
    },
    Unsubscribe {
        subscription_id: Box<Value>,
    },
    Event {
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event_type: Option<String>,
        /// The topic and eventType are documented.
        known: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        user_data: Vec<UserDataSeen>,
        /// The state a `system` event announces: `frameState` (LEADING, FOLLOWING,
        /// NEGOTIATING) or a `REALTIME_CONNECTION` `state` (DISCONNECTED, RECONNECTED, DOWN).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    FrameId {
        frame_id: Box<Value>,
    },
    Malformed {
        problem: String,
    },
    /// Legacy and foreign traffic: nothing to analyse.
    Other,
}

/// The envelope's `protocolVersion`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "protocolVersion", content = "value", rename_all = "kebab-case")]
pub enum ProtocolVersion {
    Missing,
    /// The only version there is.
    Two,
    Other(Box<Value>),
}

impl ProtocolVersion {
    fn of(value: Option<&Value>) -> ProtocolVersion {
        match value {
            None => ProtocolVersion::Missing,
            Some(value) if value.as_i64() == Some(2) => ProtocolVersion::Two,
            Some(other) => ProtocolVersion::Other(Box::new(other.clone())),
        }
    }
}

/// One record as the analyses see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    pub seq: u64,
    pub time: f64,
    pub wall: f64,
    /// `event.origin`: the sender's origin.
    pub origin: String,
    pub source: SourceRelation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_index: Option<u32>,
    /// [`Message::name`]: the request name, `topic:eventType`, `response`, …
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    /// The envelope: whether `userAgent` came, `protocolVersion` and `frameId` as sent. JSON
    /// values are boxed: inline they would triple the size of the facts, which a panel keeps for
    /// every record.
    pub has_user_agent: bool,
    pub protocol_version: ProtocolVersion,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_id: Option<Box<Value>>,
    pub detail: Detail,
}

impl Facts {
    /// The facts of a decoded record (its raw data is read for the `userData` it carries).
    pub fn of(record: &Record) -> Facts {
        let message = &record.decoded.message;
        let envelope = &record.decoded.envelope;
        Facts {
            seq: record.seq,
            time: record.time,
            wall: record.wall,
            origin: record.origin.clone(),
            source: record.source,
            child_index: record.child_index,
            name: message.name(),
            reference_id: message.reference_id().map(str::to_owned),
            has_user_agent: envelope.user_agent.is_some(),
            protocol_version: ProtocolVersion::of(envelope.protocol_version.as_ref()),
            frame_id: envelope.frame_id.clone().map(Box::new),
            detail: detail(message, &record.raw),
        }
    }

    pub fn kind(&self) -> Kind {
        match &self.detail {
            Detail::Request { .. } => Kind::Request,
            Detail::Response { .. } => Kind::Response,
            Detail::Subscribe { .. } => Kind::Subscribe,
            Detail::Unsubscribe { .. } => Kind::Unsubscribe,
            Detail::Event { .. } => Kind::Event,
            Detail::FrameId { .. } => Kind::FrameId,
            Detail::Malformed { .. } => Kind::Malformed,
            Detail::Other if self.name == "legacy" => Kind::Legacy,
            Detail::Other => Kind::Foreign,
        }
    }

    /// The `userData` objects of a result or an event.
    pub fn user_data(&self) -> &[UserDataSeen] {
        match &self.detail {
            Detail::Response { user_data, .. } | Detail::Event { user_data, .. } => user_data,
            _ => &[],
        }
    }
}

fn detail(message: &Message, raw: &Value) -> Detail {
    match message {
        Message::Request { typed, .. } => Detail::Request {
            known: typed.is_known(),
            suggestion: typed.suggestion.clone(),
            problems: typed.problems.iter().map(|p| p.message.clone()).collect(),
            write: user_data_write_of(&typed.call),
            notes: call_notes(&typed.call),
        },
        Message::Response {
            outcome,
            subscription_id,
            ..
        } => {
            let (error_message, failed_request, flag) = match outcome {
                Outcome::Failure {
                    error_message,
                    request,
                    ..
                } => (Some(error_message.clone()), request.clone(), None),
                Outcome::Success { data } => (None, None, data.as_ref().and_then(Value::as_bool)),
            };
            Detail::Response {
                error_message,
                failed_request,
                subscription_id: subscription_id.clone().map(Box::new),
                user_data: seen(raw),
                flag,
            }
        }
        Message::Subscribe { topics, .. } => Detail::Subscribe {
            topics: topics.clone(),
        },
        Message::Unsubscribe {
            subscription_id, ..
        } => Detail::Unsubscribe {
            subscription_id: Box::new(subscription_id.clone()),
        },
        Message::Event {
            topic,
            event_type,
            typed,
        } => Detail::Event {
            topic: topic.clone(),
            event_type: event_type.clone(),
            known: typed.known(),
            user_data: seen(raw),
            state: match &typed.body {
                EventBody::RealtimeConnection { state, .. } => state.clone(),
                EventBody::FrameState { frame_state, .. } => frame_state.clone(),
                _ => None,
            },
        },
        Message::FrameId { frame_id } => Detail::FrameId {
            frame_id: Box::new(frame_id.clone()),
        },
        Message::Malformed { problem } => Detail::Malformed {
            problem: problem.clone(),
        },
        Message::Legacy { .. } | Message::Foreign => Detail::Other,
    }
}

/// What a call does differently from the docs, though it works: a transfer, conference or
/// consult target named with `type` (as the vendor sample sends it) where the docs name `target`.
pub fn call_notes(call: &Call) -> Vec<String> {
    match call {
        Call::TransferConferenceConsult {
            target:
                Some(TargetQuery::Structured {
                    key_used: Some(TargetKey::Type),
                    target_type,
                    ..
                }),
            ..
        } => vec![format!(
            "parameter 2 `targetQuery` names the target type with `type` ({}), as the vendor's sample does; the documentation names the key `target`",
            target_type.as_deref().map_or("no value".to_owned(), |t| format!("\"{t}\""))
        )],
        _ => Vec::new(),
    }
}

/// The `userData` write of a `setUserData` or `deleteUserData` call; `None` for other calls.
pub fn user_data_write_of(call: &Call) -> Option<UserDataWrite> {
    match call {
        Call::SetUserData {
            interaction_id,
            user_data,
        } => Some(UserDataWrite {
            interaction_id: interaction_id.clone(),
            keys: user_data
                .as_ref()
                .map(|data| data.keys().cloned().collect())
                .unwrap_or_default(),
            delete: false,
        }),
        Call::DeleteUserData {
            interaction_id,
            key,
        } => Some(UserDataWrite {
            interaction_id: interaction_id.clone(),
            keys: key.iter().cloned().collect(),
            delete: true,
        }),
        _ => None,
    }
}

fn seen(raw: &Value) -> Vec<UserDataSeen> {
    user_data_in(raw)
        .into_iter()
        .map(|(interaction_id, user_data)| UserDataSeen {
            interaction_id,
            keys: user_data.keys().cloned().collect(),
        })
        .collect()
}

/// The facts of records given as (frame index, record), as the analyses take them.
pub fn facts_of(records: &[(usize, &Record)]) -> Vec<(usize, Facts)> {
    records
        .iter()
        .map(|&(frame, record)| (frame, Facts::of(record)))
        .collect()
}

/// Borrowed pairs, for the analyses' inputs.
pub fn as_refs(facts: &[(usize, Facts)]) -> Vec<(usize, &Facts)> {
    facts.iter().map(|(frame, facts)| (*frame, facts)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::decode;
    use serde_json::json;

    fn record(raw: Value) -> Record {
        Record {
            seq: 3,
            time: 10.5,
            wall: 10.0,
            origin: "http://app".into(),
            source: SourceRelation::Child,
            child_index: Some(1),
            ports: 0,
            decoded: decode(&raw),
            raw,
        }
    }

    #[test]
    fn a_write_keeps_its_keys_and_a_read_its_user_data() {
        let write = Facts::of(&record(
            json!({"request": "interaction.setUserData", "parameters": ["1", {"K1": "a", "K2": "b"}], "referenceId": "4", "userAgent": "WWE Client", "protocolVersion": 2}),
        ));
        assert_eq!(write.kind(), Kind::Request);
        assert_eq!(write.name, "interaction.setUserData");
        assert_eq!(write.reference_id.as_deref(), Some("4"));
        assert!(write.has_user_agent);
        let Detail::Request {
            known: true,
            write: Some(w),
            ..
        } = &write.detail
        else {
            panic!("{write:?}")
        };
        assert_eq!(
            (w.interaction_id.as_deref(), w.keys.clone(), w.delete),
            (Some("1"), vec!["K1".to_owned(), "K2".to_owned()], false)
        );

        let event = Facts::of(&record(
            json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"K1": "a"}}}, "userAgent": "WWE Server", "protocolVersion": 2}),
        ));
        assert_eq!(event.kind(), Kind::Event);
        assert_eq!(event.name, "interaction:ATTACHED_DATA_CHANGED");
        assert_eq!(
            event.user_data(),
            [UserDataSeen {
                interaction_id: Some("1".into()),
                keys: ["K1".to_owned()].into()
            }]
        );
    }

    #[test]
    fn failures_unknown_names_legacy_and_foreign() {
        let failure = Facts::of(&record(
            json!({"referenceId": "0", "errorMessage": "no", "request": "agent.get", "userAgent": "WWE Server"}),
        ));
        assert!(
            matches!(&failure.detail, Detail::Response { error_message: Some(e), failed_request: Some(r), .. } if e == "no" && r == "agent.get")
        );
        assert_eq!(failure.protocol_version, ProtocolVersion::Missing);
        let unknown = Facts::of(&record(
            json!({"request": "voice.pauseRecording", "parameters": ["1"], "referenceId": "1", "userAgent": "WWE Client", "protocolVersion": 2}),
        ));
        assert!(
            matches!(&unknown.detail, Detail::Request { known: false, suggestion: Some(s), .. } if s == "voice.pauseCallRecording")
        );
        assert_eq!(
            Facts::of(&record(json!("wweLegacy|x"))).kind(),
            Kind::Legacy
        );
        assert_eq!(
            Facts::of(&record(json!({"type": "ping"}))).kind(),
            Kind::Foreign
        );
    }
}
