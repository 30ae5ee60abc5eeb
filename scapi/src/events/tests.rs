use super::*;
use serde_json::json;

fn round_trips(event: &TypedEvent) {
    let text = serde_json::to_string(event).unwrap();
    assert_eq!(&serde_json::from_str::<TypedEvent>(&text).unwrap(), event);
}

#[test]
fn the_lists_match_the_table() {
    let listed = |topic: &str, types: &[&str]| {
        let table: Vec<&str> = EVENT_TYPES
            .iter()
            .filter(|spec| spec.topic == topic && spec.event_type != FRAME_STATE)
            .map(|spec| spec.event_type)
            .collect();
        assert_eq!(table, types, "{topic}");
    };
    listed("system", SYSTEM_EVENT_TYPES);
    listed("agent", AGENT_EVENT_TYPES);
    listed("interaction", INTERACTION_EVENT_TYPES);
    listed("outbound", OUTBOUND_EVENT_TYPES);
    listed("media", MEDIA_EVENT_TYPES);
    listed("markdone", MARKDONE_EVENT_TYPES);
    assert_eq!(INTERACTION_EVENT_TYPES.len(), 45);
    assert_eq!(EVENT_TYPES.len(), 53);
    for spec in EVENT_TYPES {
        assert!(crate::message::TOPICS.contains(&spec.topic));
    }
}

#[test]
fn agent_state_changed_with_a_reason() {
    let event = decode_event(
        "agent",
        &json!({"eventType": "STATE_CHANGED", "mediaState": "NOT_READY_ACTION_CODE",
                "reason": "Break", "reasonCode": "1511"}),
    );
    assert!(event.known());
    assert_eq!(event.group.as_deref(), Some("agent"));
    assert_eq!(
        event.body,
        EventBody::AgentState {
            media_state: Some("NOT_READY_ACTION_CODE".into()),
            reason: Some("Break".into()),
            reason_code: Some("1511".into()),
            other_fields: Map::new(),
        }
    );
    assert!(event.shape_problems.is_empty());
    round_trips(&event);
}

#[test]
fn a_mistyped_field_stays_in_other_fields() {
    let event = decode_event(
        "agent",
        &json!({"eventType": "STATE_CHANGED", "reasonCode": 1511}),
    );
    match &event.body {
        EventBody::AgentState {
            reason_code,
            other_fields,
            ..
        } => {
            assert_eq!(*reason_code, None);
            assert_eq!(other_fields["reasonCode"], 1511);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        event.shape_problems,
        ["`reasonCode` should be a string, got the number 1511"]
    );
    round_trips(&event);
}

#[test]
fn interaction_event_carries_media_and_interaction() {
    let event = decode_event(
        "interaction",
        &json!({"eventType": "RINGING", "media": "voice",
                "interaction": {"interactionId": "2", "state": "RINGING", "ani": "5001"},
                "extra": 1}),
    );
    assert!(event.known());
    assert_eq!(event.group.as_deref(), Some("voice"));
    match &event.body {
        EventBody::Interaction {
            media,
            interaction: Some(interaction),
            other_fields,
        } => {
            assert_eq!(media.as_deref(), Some("voice"));
            assert_eq!(interaction.ani.as_deref(), Some("5001"));
            assert_eq!(other_fields["extra"], 1);
        }
        other => panic!("{other:?}"),
    }
    round_trips(&event);
}

#[test]
fn an_unknown_event_type_is_kept_and_flagged() {
    let event = decode_event(
        "interaction",
        &json!({"eventType": "TELEPORTED", "media": "chat", "interaction": {"interactionId": "9"}}),
    );
    assert!(event.known_topic);
    assert!(!event.known_event_type);
    assert!(!event.known());
    assert_eq!(event.event_type.as_deref(), Some("TELEPORTED"));
    assert_eq!(event.group, None);
    assert!(matches!(
        event.body,
        EventBody::Interaction {
            interaction: Some(_),
            ..
        }
    ));
    round_trips(&event);
}

#[test]
fn an_unknown_topic_is_kept_as_it_came() {
    let data = json!({"eventType": "X", "a": [1, 2]});
    let event = decode_event("weather", &data);
    assert!(!event.known_topic);
    assert!(!event.known_event_type);
    assert_eq!(event.body, EventBody::Other { data });
    assert!(event.shape_problems.is_empty());
    round_trips(&event);
}

#[test]
fn data_that_is_not_an_object() {
    let event = decode_event("agent", &json!("READY"));
    assert_eq!(
        event.body,
        EventBody::Other {
            data: json!("READY")
        }
    );
    assert_eq!(
        event.shape_problems,
        ["`data` should be an object, got the string \"READY\""]
    );
    round_trips(&event);
}

#[test]
fn frame_state_has_no_event_type() {
    let event = decode_event("system", &json!({"frameState": "LEADING"}));
    assert!(event.known());
    assert_eq!(event.event_type, None);
    assert_eq!(event.group.as_deref(), Some("tabs"));
    assert_eq!(
        event.body,
        EventBody::FrameState {
            frame_state: Some("LEADING".into()),
            other_fields: Map::new()
        }
    );
    let odd = decode_event("system", &json!({"frameState": "DREAMING"}));
    assert_eq!(
        odd.shape_problems,
        ["`frameState` \"DREAMING\" is not one of LEADING, FOLLOWING, NEGOTIATING"]
    );
}

#[test]
fn toast_button_click_and_realtime_connection() {
    let event = decode_event(
        "system",
        &json!({"eventType": "CUSTOM_TOAST_BUTTON_CLICK", "customToastId": "wweCustomToast0",
                "buttonIndex": 1}),
    );
    assert_eq!(
        event.body,
        EventBody::ToastButtonClick {
            custom_toast_id: Some("wweCustomToast0".into()),
            button_index: Some(1),
            other_fields: Map::new()
        }
    );
    let event = decode_event(
        "system",
        &json!({"eventType": "REALTIME_CONNECTION", "state": "DOWN"}),
    );
    assert!(event.known());
    assert!(event.shape_problems.is_empty());
    let event = decode_event(
        "system",
        &json!({"eventType": "CUSTOM_TOAST_BUTTON_CLICK", "buttonIndex": "1"}),
    );
    assert_eq!(
        event.shape_problems,
        ["`buttonIndex` should be a whole number, got the string \"1\""]
    );
    round_trips(&event);
}

#[test]
fn a_system_event_with_neither_event_type_nor_frame_state() {
    let event = decode_event("system", &json!({"something": 1}));
    assert!(!event.known_event_type);
    assert_eq!(event.shape_problems, ["`data` has no `eventType`"]);
}

#[test]
fn case_events() {
    let event = decode_event(
        "interaction",
        &json!({"eventType": "CASE_ID_CHANGED", "caseId": "e647", "previousCaseId": "5f7e"}),
    );
    assert!(matches!(
        &event.body,
        EventBody::CaseIdChanged { case_id: Some(case), previous_case_id: Some(previous), .. }
            if case == "e647" && previous == "5f7e"
    ));
    let event = decode_event(
        "interaction",
        &json!({"eventType": "CASE_EXPANDED", "selectedCaseId": "c1"}),
    );
    assert_eq!(event.group.as_deref(), Some("caseSelection"));
    assert!(
        matches!(&event.body, EventBody::CaseSelection { selected_case_id: Some(id), .. } if id == "c1")
    );
}

#[test]
fn the_seeds_other_spelling_of_markdone_applied() {
    let event = decode_event("interaction", &json!({"eventType": "MARKDONE_APPLY"}));
    assert!(event.known());
    assert_eq!(event.event_type.as_deref(), Some("MARKDONE_APPLY"));
    assert_eq!(event.group.as_deref(), Some("outboundPreview"));
    assert_eq!(
        event.shape_problems,
        ["eventType MARKDONE_APPLY read as MARKDONE_APPLIED (the seed shows both spellings)"]
    );
}

#[test]
fn campaign_started_has_a_mode() {
    let event = decode_event(
        "outbound",
        &json!({"eventType": "CampaignStarted", "campaign": "Offer of the Month", "mode": "Preview"}),
    );
    assert!(event.known());
    assert_eq!(
        event.body,
        EventBody::Campaign {
            campaign: Some("Offer of the Month".into()),
            mode: Some("Preview".into()),
            other_fields: Map::new()
        }
    );
}

#[test]
fn media_and_markdone_topics_are_typed_by_envelope_but_flagged() {
    let event = decode_event(
        "media",
        &json!({"eventType": "STATE_CHANGED", "media": "chat", "state": {"operationName": "Ready"}}),
    );
    assert!(event.known_topic);
    assert!(!event.known_event_type);
    assert!(
        matches!(&event.body, EventBody::Media { media: Some(m), state: Some(_), .. } if m == "chat")
    );
    let event = decode_event(
        "markdone",
        &json!({"eventType": "MARKDONE", "interaction": {"interactionId": "1"}}),
    );
    assert!(event.known_topic);
    assert!(!event.known_event_type);
    assert!(matches!(
        &event.body,
        EventBody::Interaction {
            interaction: Some(_),
            ..
        }
    ));
    round_trips(&event);
}

#[test]
fn messenger_events_carry_the_broadcast_message() {
    let message = json!({"foo": "A foo text.", "bar": 1234});
    let event = decode_event("messenger:my-channel", &message);
    assert!(event.known());
    assert_eq!(
        event.body,
        EventBody::Messenger {
            channel: "my-channel".into(),
            message
        }
    );
    round_trips(&event);
}

#[test]
fn a_mistyped_interaction_is_reported() {
    let event = decode_event(
        "interaction",
        &json!({"eventType": "ADDED", "interaction": [1]}),
    );
    assert_eq!(
        event.shape_problems,
        ["`interaction` should be an object, got an array of 1 item"]
    );
    let event = decode_event(
        "interaction",
        &json!({"eventType": "ADDED", "interaction": {"state": 1}}),
    );
    assert_eq!(
        event.shape_problems,
        ["interaction: `state` should be a string, got the number 1"]
    );
    round_trips(&event);
}
