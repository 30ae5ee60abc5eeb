//! Golden decodes of the message shapes in the protocol reference and the seed.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn kind_of(value: Value) -> Message {
    decode(&value).message
}

#[test]
fn request_from_the_seed() {
    let decoded = decode(&json!({
        "request": "interaction.setUserData",
        "parameters": ["1", {"MyKEY1": "MyValue1"}],
        "referenceId": "7",
        "userAgent": "WWE Client",
        "protocolVersion": 2,
        "frameId": 3
    }));
    match &decoded.message {
        Message::Request {
            request,
            parameters,
            reference_id,
            typed,
        } => {
            assert_eq!(request, "interaction.setUserData");
            assert_eq!(parameters, &Some(json!(["1", {"MyKEY1": "MyValue1"}])));
            assert_eq!(reference_id.as_deref(), Some("7"));
            assert!(typed.is_known() && typed.problems.is_empty());
            let call = serde_json::to_value(&typed.call).unwrap();
            assert_eq!(call["call"], "setUserData");
            assert_eq!(call["interactionId"], "1");
            assert_eq!(call["userData"]["MyKEY1"], "MyValue1");
        }
        other => panic!("not a request: {other:?}"),
    }
    assert_eq!(decoded.envelope.user_agent.as_deref(), Some("WWE Client"));
    assert_eq!(decoded.envelope.protocol_version, Some(json!(2)));
    assert_eq!(decoded.envelope.frame_id, Some(json!(3)));
    assert_eq!(decoded.message.direction(), Direction::ToWorkspace);
    assert_eq!(decoded.message.name(), "interaction.setUserData");
    assert_eq!(decoded.message.reference_id(), Some("7"));
}

#[test]
fn request_without_parameters() {
    let message = kind_of(json!({"request": "agent.getState", "referenceId": "0",
        "userAgent": "WWE Client", "protocolVersion": 2}));
    assert_eq!(message.summary(&Value::Null), "no parameters");
}

#[test]
fn success_response_with_data() {
    let message = kind_of(json!({"referenceId": "3",
        "data": {"expiration": "2020-04-14T13:26:51.846Z", "jwtToken": "eyJ..."},
        "userAgent": "WWE Server", "protocolVersion": 2}));
    match &message {
        Message::Response {
            reference_id,
            outcome: Outcome::Success { data: Some(data) },
            ..
        } => {
            assert_eq!(reference_id.as_deref(), Some("3"));
            assert_eq!(data["expiration"], "2020-04-14T13:26:51.846Z");
        }
        other => panic!("not a success: {other:?}"),
    }
    assert_eq!(message.direction(), Direction::ToApp);
}

#[test]
fn rate_limit_failure_from_the_seed_keeps_both_request_names() {
    let message = kind_of(json!({"referenceId": "4",
        "errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.",
        "request": "agent.getState", "userAgent": "WWE Server", "protocolVersion": 2}));
    match &message {
        Message::Response {
            outcome:
                Outcome::Failure {
                    error_message,
                    request,
                    rate_limit,
                },
            ..
        } => {
            assert!(error_message.contains("'voice.dial'"));
            assert_eq!(request.as_deref(), Some("agent.getState"));
            let rate_limit = rate_limit
                .as_ref()
                .expect("the seed's text is a rate-limit error");
            assert_eq!(rate_limit.request, "voice.dial");
            assert_eq!(rate_limit.quarantine_seconds, Some(30));
        }
        other => panic!("not a failure: {other:?}"),
    }
    assert!(message
        .summary(&Value::Null)
        .starts_with("error: The rate limit"));
    assert!(!message.summary(&Value::Null).contains('\n'));
}

#[test]
fn subscribe_response_carries_subscription_id() {
    let message = kind_of(json!({"referenceId": "0", "subscriptionId": "sub-1",
        "userAgent": "WWE Server", "protocolVersion": 2}));
    assert_eq!(
        message.summary(&Value::Null),
        "ok: subscriptionId \"sub-1\""
    );
}

#[test]
fn subscribe_with_a_list_and_with_one_topic() {
    assert_eq!(
        kind_of(
            json!({"event": "subscribe", "data": ["agent", "interaction"], "referenceId": "0",
            "userAgent": "WWE Client", "protocolVersion": 2})
        ),
        Message::Subscribe {
            topics: vec!["agent".into(), "interaction".into()],
            reference_id: Some("0".into())
        }
    );
    assert_eq!(
        kind_of(
            json!({"event": "subscribe", "data": "agent", "referenceId": "1",
            "userAgent": "WWE Client", "protocolVersion": 2})
        ),
        Message::Subscribe {
            topics: vec!["agent".into()],
            reference_id: Some("1".into())
        }
    );
}

#[test]
fn unsubscribe() {
    let message = kind_of(
        json!({"event": "unsubscribe", "data": "sub-1", "referenceId": "5",
        "userAgent": "WWE Client", "protocolVersion": 2}),
    );
    assert_eq!(message.kind(), "unsubscribe");
    assert_eq!(message.direction(), Direction::ToWorkspace);
}

#[test]
fn agent_state_changed_with_reason_from_the_seed() {
    let raw = json!({"event": "agent", "data": {"eventType": "STATE_CHANGED",
        "mediaState": "NOT_READY_ACTION_CODE", "reason": "Break", "reasonCode": "1511"}});
    let message = kind_of(
        json!({"event": "agent", "data": {"eventType": "STATE_CHANGED",
        "mediaState": "NOT_READY_ACTION_CODE", "reason": "Break", "reasonCode": "1511"}}),
    );
    assert_eq!(message.name(), "agent:STATE_CHANGED");
    match &message {
        Message::Event { typed, .. } => assert!(typed.known(), "{typed:?}"),
        other => panic!("not an event: {other:?}"),
    }
    assert_eq!(message.direction(), Direction::ToApp);
    let summary = message.summary(&raw);
    assert!(summary.contains("\"reason\":\"Break\""), "{summary}");
    assert!(!summary.contains("eventType"), "{summary}");
}

#[test]
fn system_frame_state_event_has_no_event_type() {
    let message = kind_of(json!({"event": "system", "data": {"frameState": "LEADING"},
        "userAgent": "WWE Server", "protocolVersion": 2}));
    assert_eq!(message.name(), "system");
}

#[test]
fn outbound_campaign_event_from_the_seed() {
    let message = kind_of(
        json!({"event": "outbound", "data": {"eventType": "CampaignLoaded",
        "campaign": "Offer of the Month"}, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    assert_eq!(message.name(), "outbound:CampaignLoaded");
}

#[test]
fn frame_id_assignment() {
    let message = kind_of(json!({"frameId": 2, "userAgent": "WWE Server", "protocolVersion": 2}));
    assert_eq!(message, Message::FrameId { frame_id: json!(2) });
    assert_eq!(message.summary(&Value::Null), "frameId = 2");
}

#[test]
fn legacy_string() {
    let message = kind_of(json!("wweReady"));
    assert_eq!(message.kind(), "legacy");
    assert_eq!(message.direction(), Direction::Unknown);
}

#[test]
fn foreign_traffic_is_kept_and_never_mistaken_for_scapi() {
    for value in [
        json!({"type": "widget-ping"}),
        json!("hello"),
        json!(42),
        json!(null),
        json!([1, 2]),
        // A Genesys Cloud style envelope: not SCAPI.
        json!({"type": "setView", "data": {"request": "x"}}),
        json!({"userAgent": "Mozilla/5.0", "request": "agent.get", "referenceId": "0"}),
        json!({"event": "click", "data": {}}),
    ] {
        assert_eq!(kind_of(value.clone()), Message::Foreign, "{value}");
    }
    let raw = json!({"type": "widget-ping"});
    assert_eq!(
        decode(&raw).message.summary(&raw),
        "{\"type\":\"widget-ping\"}"
    );
}

#[test]
fn scapi_without_user_agent_is_still_scapi() {
    let message =
        kind_of(json!({"request": "agent.get", "referenceId": "0", "protocolVersion": 2}));
    assert_eq!(message.kind(), "request");
    let message = kind_of(json!({"request": "voice.dial", "referenceId": "0"}));
    assert_eq!(message.kind(), "request");
    // The seed's own examples of events omit the envelope.
    let message = kind_of(json!({"event": "messenger:chan", "data": {"x": 1}}));
    assert_eq!(message.name(), "messenger:chan");
}

#[test]
fn rate_limit_failure_without_reference_id_as_the_seed_prints_it() {
    let message = kind_of(
        json!({"errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.",
        "request": "agent.getState"}),
    );
    assert_eq!(message.kind(), "response");
    assert_eq!(message.reference_id(), None);
}

#[test]
fn malformed_envelopes_name_the_problem() {
    let cases = [
        (
            json!({"request": 5, "userAgent": "WWE Client"}),
            "`request` is a number",
        ),
        (
            json!({"event": ["agent"], "userAgent": "WWE Server"}),
            "`event` is an array",
        ),
        (
            json!({"event": "subscribe", "data": 3, "userAgent": "WWE Client"}),
            "subscribe `data` is a number",
        ),
        (
            json!({"event": "subscribe", "data": ["agent", 1], "userAgent": "WWE Client"}),
            "a subscribe topic is a number",
        ),
        (
            json!({"referenceId": {}, "userAgent": "WWE Server"}),
            "`referenceId` is an object",
        ),
        (json!({"userAgent": "WWE Server"}), "none of `request`"),
    ];
    for (value, expected) in cases {
        match kind_of(value.clone()) {
            Message::Malformed { problem } => {
                assert!(problem.contains(expected), "{value}: {problem}")
            }
            other => panic!("{value} decoded as {other:?}"),
        }
    }
}

#[test]
fn numeric_reference_id_is_read_as_text() {
    let message = kind_of(json!({"referenceId": 12, "data": 1, "userAgent": "WWE Server"}));
    assert_eq!(message.reference_id(), Some("12"));
}

#[test]
fn decoded_json_names_kind_and_fields_in_camel_case() {
    let decoded = decode(
        &json!({"request": "voice.dial", "parameters": ["5001", null],
        "referenceId": "2", "userAgent": "WWE Client", "protocolVersion": 2}),
    );
    let value = serde_json::to_value(&decoded).unwrap();
    assert_eq!(value["kind"], "request");
    assert_eq!(value["referenceId"], "2");
    assert_eq!(value["envelope"]["userAgent"], "WWE Client");
    let back: Decoded = serde_json::from_value(value).unwrap();
    assert_eq!(back, decoded);
}

#[test]
fn long_summaries_are_cut_on_a_char_boundary() {
    let raw = json!({"event": "interaction", "data": {"eventType": "ADDED",
        "text": "é".repeat(500)}, "userAgent": "WWE Server"});
    let summary = decode(&raw).message.summary(&raw);
    assert_eq!(summary.chars().count(), SUMMARY_CHARS + 1);
    assert!(summary.ends_with('…'));
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "(wwe)?[a-zA-Z. ]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("request"),
            Just("event"),
            Just("referenceId"),
            Just("frameId"),
            Just("userAgent"),
            Just("subscribe"),
            Just("WWE Client")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("request".to_owned()),
                    Just("event".to_owned()),
                    Just("data".to_owned()),
                    Just("referenceId".to_owned()),
                    Just("frameId".to_owned()),
                    Just("userAgent".to_owned()),
                    Just("protocolVersion".to_owned()),
                    Just("errorMessage".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_json_decodes_without_panicking(value in any_json()) {
        let decoded = decode(&value);
        let message = &decoded.message;
        let _ = (message.kind(), message.name(), message.summary(&value), message.direction());
        // The decoded form survives its own JSON.
        let text = serde_json::to_string(&decoded).unwrap();
        let back: Decoded = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, decoded);
    }
}
