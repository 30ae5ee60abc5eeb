//! The messages the service posts, in the shapes of the protocol reference (sections 3, 4 and 6).
//! Field order follows the reference's examples (serde_json keeps insertion order).

use serde_json::{json, Map, Value};

/// What every service message carries (the seed's examples end with these two fields).
pub const USER_AGENT: &str = "WWE Server";
pub const PROTOCOL_VERSION: u32 = 2;

/// The handshake: a `frameId` with neither `event` nor `referenceId` (section 6).
pub fn frame_id(frame_id: u64) -> Value {
    json!({"frameId": frame_id, "userAgent": USER_AGENT, "protocolVersion": PROTOCOL_VERSION})
}

/// A success: the result under `data` (section 3, inferred full shape).
pub fn success(reference_id: &str, data: Value) -> Value {
    json!({
        "referenceId": reference_id,
        "data": data,
        "userAgent": USER_AGENT,
        "protocolVersion": PROTOCOL_VERSION,
    })
}

/// A failure: `errorMessage` is what makes it one; `request` names the refused request, as the
/// seed's rate-limit example carries a `request` field.
pub fn failure(reference_id: &str, error_message: &str, request: &str) -> Value {
    json!({
        "referenceId": reference_id,
        "errorMessage": error_message,
        "request": request,
        "userAgent": USER_AGENT,
        "protocolVersion": PROTOCOL_VERSION,
    })
}

/// The answer to a subscribe: the client library keeps the top-level `subscriptionId`.
pub fn subscribed(reference_id: &str, subscription_id: &str) -> Value {
    json!({
        "referenceId": reference_id,
        "subscriptionId": subscription_id,
        "userAgent": USER_AGENT,
        "protocolVersion": PROTOCOL_VERSION,
    })
}

/// An event: `{event: topic, data}` with no `referenceId` (section 4).
pub fn event(topic: &str, data: Value) -> Value {
    json!({
        "event": topic,
        "data": data,
        "userAgent": USER_AGENT,
        "protocolVersion": PROTOCOL_VERSION,
    })
}

/// `data` of an event with an `eventType` first, then the given fields.
pub fn event_data(event_type: &str, fields: Value) -> Value {
    let mut data = Map::new();
    data.insert("eventType".to_owned(), Value::String(event_type.to_owned()));
    if let Value::Object(fields) = fields {
        data.extend(fields);
    }
    Value::Object(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::{decode, Message};

    #[test]
    fn every_shape_decodes_as_the_message_kind_it_is() {
        assert_eq!(decode(&frame_id(3)).message.kind(), "frame-id");
        assert_eq!(
            decode(&success("0", json!({"operationName": "Ready"})))
                .message
                .kind(),
            "response"
        );
        let failed = decode(&failure("4", "no", "voice.dial"));
        assert!(matches!(failed.message, Message::Response { .. }));
        assert_eq!(
            failed.message.summary(&failure("4", "no", "voice.dial")),
            "error: no"
        );
        let subscribe_answer = subscribed("0", "wweSubscription1");
        assert_eq!(
            decode(&subscribe_answer).message.summary(&subscribe_answer),
            "ok: subscriptionId \"wweSubscription1\""
        );
        let state = event(
            "agent",
            event_data("STATE_CHANGED", json!({"mediaState": "READY"})),
        );
        assert_eq!(decode(&state).message.name(), "agent:STATE_CHANGED");
        assert_eq!(
            decode(&state).envelope.user_agent.as_deref(),
            Some(USER_AGENT)
        );
    }
}
