//! Typed events (service → client), per topic and `eventType`, from the seed's "Event Type
//! references" and "Outbound events".
//!
//! An event is never dropped: an unknown topic or event type is kept, typed as far as the
//! envelope goes, and flagged ([`TypedEvent::known_topic`], [`TypedEvent::known_event_type`]).
//! A field with an unexpected type stays in `otherFields` and is named in `shapeProblems`.

use crate::interaction::wire::describe;
use crate::interaction::Interaction;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One documented event type.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeSpec {
    pub topic: &'static str,
    /// The `eventType`; [`FRAME_STATE`] for the system event that has none.
    pub event_type: &'static str,
    /// The table the seed lists it in, such as `voice` or `openMedia`.
    pub group: &'static str,
    pub description: &'static str,
}

/// Stands for the system event that carries `frameState` and no `eventType`.
pub const FRAME_STATE: &str = "frameState";

const fn event(
    topic: &'static str,
    event_type: &'static str,
    group: &'static str,
    description: &'static str,
) -> EventTypeSpec {
    EventTypeSpec {
        topic,
        event_type,
        group,
        description,
    }
}

/// Every documented event type, with the seed's description.
pub static EVENT_TYPES: &[EventTypeSpec] = &[
    // system
    event(
        "system",
        "CUSTOM_TOAST_BUTTON_CLICK",
        "system",
        "A button of a custom toast was clicked (customToastId, buttonIndex from 0).",
    ),
    event(
        "system",
        "REALTIME_CONNECTION",
        "system",
        "The real-time connection to Genesys Web Services changed: DISCONNECTED, RECONNECTED, or \
         DOWN (more than one minute).",
    ),
    event(
        "system",
        FRAME_STATE,
        "tabs",
        "The leader-tab election: LEADING, FOLLOWING or NEGOTIATING (no eventType).",
    ),
    // agent
    event(
        "agent",
        "STATE_CHANGED",
        "agent",
        "The agent state changed (mediaState, and reason/reasonCode for a not-ready reason).",
    ),
    // interaction: common
    event(
        "interaction",
        "UNKNOWN",
        "common",
        "An unknown event occurs.",
    ),
    event(
        "interaction",
        "ADDED",
        "common",
        "The interaction has been added in the list of interactions.",
    ),
    event(
        "interaction",
        "REMOVED",
        "common",
        "The interaction has been removed from the list of interactions.",
    ),
    event(
        "interaction",
        "ATTACHED_DATA_CHANGED",
        "common",
        "The attached data have changed in the interaction.",
    ),
    event(
        "interaction",
        "CASE_OR_BUNDLE_ID_CHANGED",
        "common",
        "The case or the bundle identifier of this interaction has changed.",
    ),
    event(
        "interaction",
        "CASE_ID_CHANGED",
        "common",
        "The case identifier of this interaction has changed (caseId, previousCaseId).",
    ),
    event(
        "interaction",
        "NEW_MESSAGE",
        "common",
        "This event represents a new message.",
    ),
    event(
        "interaction",
        "ERROR",
        "common",
        "An error occurs in the interaction.",
    ),
    event(
        "interaction",
        "CONTACT_CHANGED",
        "common",
        "A contact associated with the interaction is fully or partially modified.",
    ),
    // interaction: voice
    event(
        "interaction",
        "CALL_RECORDING_STATE_CHANGED",
        "voice",
        "The call recording state changed.",
    ),
    event(
        "interaction",
        "DIALING",
        "voice",
        "The outbound call starts ringing.",
    ),
    event(
        "interaction",
        "ESTABLISHED",
        "voice",
        "The call has been established.",
    ),
    event("interaction", "HELD", "voice", "The call has been held."),
    event(
        "interaction",
        "PARTY_CHANGED",
        "voice",
        "The list of party has been changed in the interaction.",
    ),
    event(
        "interaction",
        "RELEASED",
        "voice",
        "The call has been released.",
    ),
    event(
        "interaction",
        "RINGING",
        "voice",
        "The inbound call starts ringing.",
    ),
    // interaction: OpenMedia
    event(
        "interaction",
        "ACCEPTED",
        "openMedia",
        "The open media interaction is accepted.",
    ),
    event(
        "interaction",
        "COMPLETED",
        "openMedia",
        "The open media interaction has been completed (Mark as done).",
    ),
    event(
        "interaction",
        "COMPOSING",
        "openMedia",
        "The open media interaction is in composing mode.",
    ),
    event(
        "interaction",
        "CREATED",
        "openMedia",
        "The open media interaction has been created.",
    ),
    event(
        "interaction",
        "INSERT_STANDARD_RESPONSE",
        "openMedia",
        "A standard response has been inserted in the interaction.",
    ),
    event(
        "interaction",
        "INVITED",
        "openMedia",
        "The open media interaction is an invitation (also an outbound preview record).",
    ),
    event(
        "interaction",
        "INVITED_CONFERENCE",
        "openMedia",
        "The open media interaction receive a conference invitation.",
    ),
    event(
        "interaction",
        "IN_QUEUE_FAILED",
        "openMedia",
        "The place in queue has failed.",
    ),
    event(
        "interaction",
        "IN_WORKBIN",
        "openMedia",
        "The interaction has been placed in the work-bin.",
    ),
    event(
        "interaction",
        "IN_WORKBIN_FAILED",
        "openMedia",
        "The place in work-bin has failed.",
    ),
    event(
        "interaction",
        "LEFT_CONFERENCE",
        "openMedia",
        "The open media interaction has left the conference.",
    ),
    event(
        "interaction",
        "PULLED",
        "openMedia",
        "The open media interaction has been pulled from a work-bin.",
    ),
    event(
        "interaction",
        "PULL_FAILED",
        "openMedia",
        "The pull from the queue has failed.",
    ),
    event(
        "interaction",
        "PULL_WORKBIN_FAILED",
        "openMedia",
        "The pull from the work-bin has failed.",
    ),
    event(
        "interaction",
        "REVOKED",
        "openMedia",
        "The open media interaction has been revoked.",
    ),
    event(
        "interaction",
        "TRANSFER_COMPLETED",
        "openMedia",
        "The open media interaction has been transferred and the transfer has been completed.",
    ),
    // interaction: chat (inherits the OpenMedia events)
    event(
        "interaction",
        "CANCELED",
        "chat",
        "The interaction is already accepted in another chat session.",
    ),
    event("interaction", "ENDED", "chat", "The chat has been ended."),
    event(
        "interaction",
        "JOIN_FAILED",
        "chat",
        "The connection with the chat server failed.",
    ),
    event(
        "interaction",
        "JOIN_PENDING",
        "chat",
        "The interaction is trying to join the chat session.",
    ),
    // interaction: outbound e-mail (inherits the OpenMedia events)
    event(
        "interaction",
        "CANCELLED",
        "outboundEmail",
        "The outbound email has been cancelled.",
    ),
    event(
        "interaction",
        "SENT",
        "outboundEmail",
        "The outbound email has been sent.",
    ),
    // interaction: outbound chain of records
    event(
        "interaction",
        "RECORDS_RETRIEVED",
        "chainOfRecords",
        "All the records of the interaction's chain of records have been retrieved \
         (interaction.chainedRecords).",
    ),
    // interaction: outbound preview records (the other types of that table are listed above)
    event(
        "interaction",
        "PREVIEWING",
        "outboundPreview",
        "A preview record is shown to the agent (state PREVIEWING).",
    ),
    event(
        "interaction",
        "MARKDONE_APPLIED",
        "outboundPreview",
        "The outbound call was released and marked done (state IDLE).",
    ),
    event(
        "interaction",
        "STATE_CHANGE",
        "outboundPreview",
        "The preview record was rejected or canceled (state REJECTED or CANCELED).",
    ),
    // interaction: case selection (selectCaseByCaseId)
    event(
        "interaction",
        "CASE_SELECTED",
        "caseSelection",
        "A case was selected (selectedCaseId).",
    ),
    event(
        "interaction",
        "CASE_EXPANDED",
        "caseSelection",
        "A case was expanded (selectedCaseId).",
    ),
    event(
        "interaction",
        "CASE_COLLAPSED",
        "caseSelection",
        "A case was collapsed (selectedCaseId).",
    ),
    // outbound campaigns
    event(
        "outbound",
        "CampaignLoaded",
        "outboundCampaign",
        "An outbound campaign is loaded.",
    ),
    event(
        "outbound",
        "CampaignUnloaded",
        "outboundCampaign",
        "An outbound campaign is unloaded.",
    ),
    event(
        "outbound",
        "CampaignStarted",
        "outboundCampaign",
        "An outbound campaign starts (mode: the mode it started in).",
    ),
    event(
        "outbound",
        "CampaignStopped",
        "outboundCampaign",
        "An outbound campaign stops.",
    ),
];

/// The `eventType`s of the `system` topic (besides the [`FRAME_STATE`] event, which has none).
pub const SYSTEM_EVENT_TYPES: &[&str] = &["CUSTOM_TOAST_BUTTON_CLICK", "REALTIME_CONNECTION"];

/// The `eventType`s of the `agent` topic.
pub const AGENT_EVENT_TYPES: &[&str] = &["STATE_CHANGED"];

/// Every documented `eventType` of the `interaction` topic, table by table.
pub const INTERACTION_EVENT_TYPES: &[&str] = &[
    "UNKNOWN",
    "ADDED",
    "REMOVED",
    "ATTACHED_DATA_CHANGED",
    "CASE_OR_BUNDLE_ID_CHANGED",
    "CASE_ID_CHANGED",
    "NEW_MESSAGE",
    "ERROR",
    "CONTACT_CHANGED",
    "CALL_RECORDING_STATE_CHANGED",
    "DIALING",
    "ESTABLISHED",
    "HELD",
    "PARTY_CHANGED",
    "RELEASED",
    "RINGING",
    "ACCEPTED",
    "COMPLETED",
    "COMPOSING",
    "CREATED",
    "INSERT_STANDARD_RESPONSE",
    "INVITED",
    "INVITED_CONFERENCE",
    "IN_QUEUE_FAILED",
    "IN_WORKBIN",
    "IN_WORKBIN_FAILED",
    "LEFT_CONFERENCE",
    "PULLED",
    "PULL_FAILED",
    "PULL_WORKBIN_FAILED",
    "REVOKED",
    "TRANSFER_COMPLETED",
    "CANCELED",
    "ENDED",
    "JOIN_FAILED",
    "JOIN_PENDING",
    "CANCELLED",
    "SENT",
    "RECORDS_RETRIEVED",
    "PREVIEWING",
    "MARKDONE_APPLIED",
    "STATE_CHANGE",
    "CASE_SELECTED",
    "CASE_EXPANDED",
    "CASE_COLLAPSED",
];

/// The `eventType`s of the `outbound` topic (campaign events).
pub const OUTBOUND_EVENT_TYPES: &[&str] = &[
    "CampaignLoaded",
    "CampaignUnloaded",
    "CampaignStarted",
    "CampaignStopped",
];

/// The `media` and `markdone` topics exist (the vendor sample subscribes to them), but no
/// document lists their event types: their events are typed by envelope and flagged unknown.
pub const MEDIA_EVENT_TYPES: &[&str] = &[];
pub const MARKDONE_EVENT_TYPES: &[&str] = &[];

/// Values of `REALTIME_CONNECTION`'s `state`.
pub const REALTIME_CONNECTION_STATES: &[&str] = &["DISCONNECTED", "RECONNECTED", "DOWN"];

/// Values of the system event's `frameState`.
pub const FRAME_STATES: &[&str] = &["LEADING", "FOLLOWING", "NEGOTIATING"];

/// Spellings the seed's mangled preview table also shows, and the type they are read as.
pub const EVENT_TYPE_VARIANTS: &[(&str, &str)] = &[("MARKDONE_APPLY", "MARKDONE_APPLIED")];

/// The prefix of the topics `messenger.broadcastMessage` delivers to.
pub const MESSENGER_PREFIX: &str = "messenger:";

/// The documented entry of a topic and `eventType` ([`FRAME_STATE`] for the frame-state event).
pub fn event_type_spec(topic: &str, event_type: &str) -> Option<&'static EventTypeSpec> {
    EVENT_TYPES
        .iter()
        .find(|spec| spec.topic == topic && spec.event_type == event_type)
}

/// One event, typed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TypedEvent {
    pub topic: String,
    /// `data.eventType` when it is a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// One of `agent`, `interaction`, `media`, `system`, `markdone`, `outbound`, `messenger:…`.
    pub known_topic: bool,
    /// The event type is documented for the topic (always true for messenger topics, which
    /// carry an application's own message).
    pub known_event_type: bool,
    /// The seed's table the event type belongs to, such as `voice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub body: EventBody,
    /// Fields with unexpected types or values, and other notes on the shape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shape_problems: Vec<String>,
}

impl TypedEvent {
    /// Both the topic and the event type are documented.
    pub fn known(&self) -> bool {
        self.known_topic && self.known_event_type
    }
}

/// An event's `data`, typed by its shape. `otherFields` holds every field of `data` that is
/// not typed (except `eventType`), including typed fields whose value had another type.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "shape",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EventBody {
    /// `agent` STATE_CHANGED.
    AgentState {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason_code: Option<String>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `system` CUSTOM_TOAST_BUTTON_CLICK.
    ToastButtonClick {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custom_toast_id: Option<String>,
        /// From 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        button_index: Option<i64>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `system` REALTIME_CONNECTION.
    RealtimeConnection {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `system` with `frameState` and no `eventType`.
    FrameState {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        frame_state: Option<String>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// Most `interaction` events (and `markdone` ones): the media and the interaction.
    Interaction {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction: Option<Interaction>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `interaction` CASE_ID_CHANGED.
    CaseIdChanged {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_case_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction: Option<Interaction>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `interaction` CASE_SELECTED, CASE_EXPANDED, CASE_COLLAPSED.
    CaseSelection {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        selected_case_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction: Option<Interaction>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `outbound` campaign events.
    Campaign {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign: Option<String>,
        /// CampaignStarted only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<String>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `media` events (inferred shape: like the `{media, state}` items of `getMediaList`).
    Media {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<Value>,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
    /// `messenger:<channel>`: the message another frame broadcast, as it came.
    Messenger { channel: String, message: Value },
    /// An unknown topic, or `data` that is not an object: kept as it came.
    Other { data: Value },
}

/// Types one event. Never panics and never drops anything.
pub fn decode_event(topic: &str, data: &Value) -> TypedEvent {
    let mut problems = Vec::new();
    if let Some(channel) = topic.strip_prefix(MESSENGER_PREFIX) {
        return TypedEvent {
            topic: topic.to_owned(),
            event_type: data
                .get("eventType")
                .and_then(Value::as_str)
                .map(str::to_owned),
            known_topic: true,
            known_event_type: true,
            group: Some("messenger".to_owned()),
            body: EventBody::Messenger {
                channel: channel.to_owned(),
                message: data.clone(),
            },
            shape_problems: problems,
        };
    }
    let known_topic = crate::message::TOPICS.contains(&topic);
    let Some(object) = data.as_object() else {
        if known_topic {
            problems.push(format!(
                "`data` should be an object, got {}",
                describe(data)
            ));
        }
        return TypedEvent {
            topic: topic.to_owned(),
            event_type: None,
            known_topic,
            known_event_type: false,
            group: None,
            body: EventBody::Other { data: data.clone() },
            shape_problems: problems,
        };
    };
    let mut fields = Fields {
        data: object,
        typed: Vec::new(),
        problems,
    };
    let event_type = fields.text("eventType");
    let spelled_as = event_type.as_deref().map(|event_type| {
        EVENT_TYPE_VARIANTS
            .iter()
            .find(|(variant, _)| *variant == event_type)
            .map_or(event_type, |(_, canonical)| canonical)
    });
    if let (Some(sent), Some(read)) = (event_type.as_deref(), spelled_as) {
        if sent != read {
            fields.problems.push(format!(
                "eventType {sent} read as {read} (the seed shows both spellings)"
            ));
        }
    }
    let is_frame_state =
        topic == "system" && event_type.is_none() && fields.get(FRAME_STATE).is_some();
    let spec = if is_frame_state {
        event_type_spec(topic, FRAME_STATE)
    } else {
        spelled_as.and_then(|event_type| event_type_spec(topic, event_type))
    };
    let body = match (topic, spec.map(|spec| spec.event_type)) {
        ("system", Some(FRAME_STATE)) => fields.frame_state(),
        ("system", Some("CUSTOM_TOAST_BUTTON_CLICK")) => fields.toast_button_click(),
        ("system", Some("REALTIME_CONNECTION")) => fields.realtime_connection(),
        ("agent", _) => fields.agent_state(),
        ("interaction", Some("CASE_ID_CHANGED")) => fields.case_id_changed(),
        ("interaction", Some("CASE_SELECTED" | "CASE_EXPANDED" | "CASE_COLLAPSED")) => {
            fields.case_selection()
        }
        ("interaction" | "markdone", _) => fields.interaction(),
        ("outbound", _) => fields.campaign(),
        ("media", _) => fields.media(),
        _ => EventBody::Other { data: data.clone() },
    };
    if spec.is_none() && known_topic && event_type.is_none() && !object.contains_key("eventType") {
        fields.problems.push("`data` has no `eventType`".to_owned());
    }
    TypedEvent {
        topic: topic.to_owned(),
        event_type,
        known_topic,
        known_event_type: spec.is_some(),
        group: spec.map(|spec| spec.group.to_owned()),
        body,
        shape_problems: fields.problems,
    }
}

/// An event's `data`, the fields typed so far, and the problems found reading them. The data is
/// borrowed: a field is cloned once, into its typed place or into `otherFields`.
struct Fields<'a> {
    data: &'a Map<String, Value>,
    typed: Vec<&'static str>,
    problems: Vec<String>,
}

impl<'a> Fields<'a> {
    /// A field not typed yet.
    fn get(&self, key: &str) -> Option<&'a Value> {
        if self.typed.contains(&key) {
            return None;
        }
        self.data.get(key)
    }

    /// Takes a string field; another type stays in the rest and is reported.
    fn text(&mut self, key: &'static str) -> Option<String> {
        match self.get(key)? {
            Value::String(text) => {
                self.typed.push(key);
                Some(text.clone())
            }
            Value::Null => None,
            other => {
                self.problems.push(format!(
                    "`{key}` should be a string, got {}",
                    describe(other)
                ));
                None
            }
        }
    }

    /// Takes a string field and checks it against the documented values (an unknown value is
    /// kept and reported).
    fn one_of(&mut self, key: &'static str, documented: &[&str]) -> Option<String> {
        let text = self.text(key)?;
        if !documented.contains(&text.as_str()) {
            self.problems.push(format!(
                "`{key}` {} is not one of {}",
                Value::String(text.clone()),
                documented.join(", ")
            ));
        }
        Some(text)
    }

    fn interaction_object(&mut self) -> Option<Interaction> {
        match self.get("interaction")? {
            Value::Null => None,
            value @ Value::Object(_) => {
                let interaction = Interaction::read(value)?;
                self.problems.extend(
                    interaction
                        .shape_problems()
                        .into_iter()
                        .map(|problem| format!("interaction: {problem}")),
                );
                self.typed.push("interaction");
                Some(interaction)
            }
            other => {
                self.problems.push(format!(
                    "`interaction` should be an object, got {}",
                    describe(other)
                ));
                None
            }
        }
    }

    /// Everything not typed, for `otherFields`.
    fn take_rest(&mut self) -> Map<String, Value> {
        self.data
            .iter()
            .filter(|(key, _)| !self.typed.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }

    fn frame_state(&mut self) -> EventBody {
        EventBody::FrameState {
            frame_state: self.one_of(FRAME_STATE, FRAME_STATES),
            other_fields: self.take_rest(),
        }
    }

    fn toast_button_click(&mut self) -> EventBody {
        let custom_toast_id = self.text("customToastId");
        let button_index = match self.get("buttonIndex") {
            Some(Value::Number(number)) if number.as_i64().is_some() => {
                self.typed.push("buttonIndex");
                number.as_i64()
            }
            Some(Value::Null) | None => None,
            Some(other) => {
                self.problems.push(format!(
                    "`buttonIndex` should be a whole number, got {}",
                    describe(other)
                ));
                None
            }
        };
        EventBody::ToastButtonClick {
            custom_toast_id,
            button_index,
            other_fields: self.take_rest(),
        }
    }

    fn realtime_connection(&mut self) -> EventBody {
        EventBody::RealtimeConnection {
            state: self.one_of("state", REALTIME_CONNECTION_STATES),
            other_fields: self.take_rest(),
        }
    }

    fn agent_state(&mut self) -> EventBody {
        EventBody::AgentState {
            media_state: self.text("mediaState"),
            reason: self.text("reason"),
            reason_code: self.text("reasonCode"),
            other_fields: self.take_rest(),
        }
    }

    fn interaction(&mut self) -> EventBody {
        EventBody::Interaction {
            media: self.text("media"),
            interaction: self.interaction_object(),
            other_fields: self.take_rest(),
        }
    }

    fn case_id_changed(&mut self) -> EventBody {
        EventBody::CaseIdChanged {
            case_id: self.text("caseId"),
            previous_case_id: self.text("previousCaseId"),
            media: self.text("media"),
            interaction: self.interaction_object(),
            other_fields: self.take_rest(),
        }
    }

    fn case_selection(&mut self) -> EventBody {
        EventBody::CaseSelection {
            selected_case_id: self.text("selectedCaseId"),
            media: self.text("media"),
            interaction: self.interaction_object(),
            other_fields: self.take_rest(),
        }
    }

    fn campaign(&mut self) -> EventBody {
        EventBody::Campaign {
            campaign: self.text("campaign"),
            mode: self.text("mode"),
            other_fields: self.take_rest(),
        }
    }

    fn media(&mut self) -> EventBody {
        let state = match self.get("state") {
            Some(state) if !state.is_null() => {
                self.typed.push("state");
                Some(state.clone())
            }
            _ => None,
        };
        EventBody::Media {
            media: self.text("media"),
            state,
            other_fields: self.take_rest(),
        }
    }
}

#[cfg(test)]
mod tests;
