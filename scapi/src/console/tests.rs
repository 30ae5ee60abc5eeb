use super::*;
use crate::requests::catalog;
use serde_json::json;

fn request(name: &str, parameters: &str) -> Draft {
    Draft::Request {
        name: name.into(),
        parameters: parameters.into(),
    }
}

fn messages(checked: &Checked) -> Vec<String> {
    checked.problems.iter().map(|p| p.message.clone()).collect()
}

#[test]
fn console_reference_ids_never_look_like_an_apps() {
    assert_eq!(reference_id(7), "scapi-console-7");
    assert!(is_console_reference(&reference_id(0)));
    for app in [
        "0",
        "7",
        "12",
        "scapi-console-",
        "scapi-console-x",
        "console-1",
    ] {
        assert!(!is_console_reference(app), "{app}");
    }
    assert!(is_console_message(
        &json!({"referenceId": "scapi-console-3", "data": {}, "userAgent": "WWE Server"})
    ));
    assert!(!is_console_message(
        &json!({"request": "agent.get", "referenceId": "3", "userAgent": "WWE Client"})
    ));
}

#[test]
fn read_only_requests_are_the_questions_of_the_catalog() {
    let read_only: Vec<&str> = catalog()
        .iter()
        .filter(|spec| !spec.changes_state())
        .map(|spec| spec.name)
        .collect();
    for name in [
        "agent.getState",
        "interaction.getInteractions",
        "sipEndpoint.isMicrophoneMute",
        "system.amIVisible",
        "system.isFrameLeading",
        "auth.getJwtToken",
    ] {
        assert!(read_only.contains(&name), "{name}");
    }
    for name in [
        "agent.setState",
        "voice.dial",
        "interaction.setUserData",
        "interaction.singleStepTransfer",
        "system.popupToast",
        "system.openDialog",
        "messenger.broadcastMessage",
    ] {
        assert!(spec(name).unwrap().changes_state(), "{name}");
    }
    // "issue…", "amend…" would not be questions: the word after the prefix starts in upper case.
    assert!(read_only
        .iter()
        .all(|name| !name.ends_with(".get") || *name == "agent.get"));
}

#[test]
fn a_well_formed_request_is_ready_and_leaves_in_the_apps_envelope() {
    let checked = check(&request(" agent.setState ", r#"["Ready"]"#));
    assert!(checked.is_ready(), "{:?}", checked.problems);
    assert!(checked.changes_state());
    let mut identity = Identity::default();
    identity.learn(&json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client 9", "protocolVersion": 2, "frameId": 4}));
    let message = envelope(&checked, "scapi-console-9", &identity).unwrap();
    assert_eq!(
        serde_json::to_string(&message).unwrap(),
        r#"{"request":"agent.setState","parameters":["Ready"],"referenceId":"scapi-console-9","userAgent":"WWE Client 9","protocolVersion":2,"frameId":4}"#
    );
    // No parameters: the field is left out, as the client library does.
    let none = check(&request("agent.getState", ""));
    assert!(none.is_ready() && !none.changes_state());
    let message = envelope(&none, "scapi-console-0", &Identity::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&message).unwrap(),
        r#"{"request":"agent.getState","referenceId":"scapi-console-0","userAgent":"WWE Client","protocolVersion":2}"#
    );
}

#[test]
fn the_frame_id_comes_from_the_assignment_when_no_request_was_seen() {
    let mut identity = Identity::default();
    identity.learn(&json!({"frameId": 12, "userAgent": "WWE Server", "protocolVersion": 2}));
    identity.learn(&json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"}, "userAgent": "WWE Server"}));
    assert_eq!(identity.frame_id, Some(json!(12)));
    assert_eq!(identity.user_agent, json!("WWE Client"));
}

#[test]
fn problems_are_named_before_anything_is_sent() {
    let unknown = check(&request("agent.getStat", ""));
    assert!(!unknown.is_ready());
    assert_eq!(unknown.suggestion, Some("agent.getState"));
    assert_eq!(
        messages(&unknown),
        ["agent.getStat is not a request of the catalog; did you mean agent.getState?"]
    );
    let broken = check(&request("agent.setState", r#"["Ready""#));
    assert!(!broken.is_ready());
    assert_eq!(
        messages(&broken),
        ["the parameters: not JSON (EOF while parsing a list at line 1 column 8)"]
    );
    let object = check(&request("agent.setState", r#"{"operationName": "Ready"}"#));
    assert_eq!(
        messages(&object),
        ["the parameters are an object, expected an array of positional parameters such as [\"Ready\"]"]
    );
    // Count and types: the decoder's own reading of the catalog.
    let missing = check(&request("agent.setState", "[]"));
    assert!(!missing.is_ready());
    assert!(
        messages(&missing)
            .iter()
            .any(|m| m.contains("operationName")),
        "{:?}",
        messages(&missing)
    );
    let wrong = check(&request("agent.setState", "[3]"));
    assert!(
        messages(&wrong).iter().any(|m| m.contains("a string")),
        "{:?}",
        messages(&wrong)
    );
    let too_many = check(&request("agent.getState", r#"["x"]"#));
    assert!(!too_many.is_ready(), "{:?}", too_many);
    // The transfer target's `type`/`target` note.
    let target = check(&request(
        "interaction.singleStepTransfer",
        r#"["1", {"target": "AGENT", "type": "SKILL", "destination": "5001"}]"#,
    ));
    assert!(
        messages(&target).iter().any(|m| m.contains("`target`")),
        "{:?}",
        messages(&target)
    );
    // Naming the target with `type`, as the vendor sample does, works: a note, not a problem.
    let typed = check(&request(
        "interaction.singleStepTransfer",
        r#"["1", {"type": "AGENT", "destination": "5001"}]"#,
    ));
    assert!(typed.is_ready(), "{:?}", typed.problems);
    assert_eq!(typed.notes.len(), 1);
    assert!(typed.notes[0].contains("`target`"), "{:?}", typed.notes);
    let empty = check(&request("  ", ""));
    assert_eq!(
        messages(&empty),
        ["no request name: type one such as agent.getState"]
    );
    assert!(envelope(&empty, "scapi-console-0", &Identity::default()).is_none());
}

#[test]
fn subscribe_and_unsubscribe() {
    let one = check(&Draft::Subscribe {
        topics: r#""agent""#.into(),
    });
    assert!(one.is_ready() && !one.changes_state());
    let message = envelope(&one, "scapi-console-1", &Identity::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&message).unwrap(),
        r#"{"event":"subscribe","data":"agent","referenceId":"scapi-console-1","userAgent":"WWE Client","protocolVersion":2}"#
    );
    assert!(check(&Draft::Subscribe {
        topics: r#"["agent", "interaction"]"#.into()
    })
    .is_ready());
    for bad in ["[]", "3", r#"["agent", 2]"#, r#""""#] {
        let checked = check(&Draft::Subscribe { topics: bad.into() });
        assert!(!checked.is_ready(), "{bad}");
        assert!(messages(&checked)[0].starts_with("the topics are"), "{bad}");
    }
    let off = check(&Draft::Unsubscribe {
        subscription: r#""sub-1""#.into(),
    });
    let message = envelope(&off, "scapi-console-2", &Identity::default()).unwrap();
    assert_eq!(message["event"], json!("unsubscribe"));
    assert_eq!(message["data"], json!("sub-1"));
    assert!(!check(&Draft::Unsubscribe {
        subscription: "{}".into()
    })
    .is_ready());
}

#[test]
fn a_captured_request_becomes_a_draft_again() {
    let draft = draft_of(&json!({"request": "interaction.setUserData", "parameters": ["1", {"K": "v"}], "referenceId": "4", "userAgent": "WWE Client"})).unwrap();
    assert_eq!(
        draft,
        request("interaction.setUserData", r#"["1",{"K":"v"}]"#)
    );
    assert!(check(&draft).is_ready());
    assert_eq!(
        draft_of(&json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client"})),
        Some(request("agent.get", ""))
    );
    assert_eq!(
        draft_of(
            &json!({"event": "subscribe", "data": ["agent"], "referenceId": "1", "userAgent": "WWE Client"})
        ),
        Some(Draft::Subscribe {
            topics: r#"["agent"]"#.into()
        })
    );
    assert_eq!(
        draft_of(&json!({"referenceId": "1", "data": 1, "userAgent": "WWE Server"})),
        None
    );
}

#[test]
fn the_target_is_where_the_apps_answers_come_from() {
    use crate::SourceRelation;
    assert_eq!(
        Target::of(SourceRelation::Opener, None, "http://wwe.test"),
        Some(Target {
            relation: SourceRelation::Opener,
            child_index: None,
            origin: "http://wwe.test".into()
        })
    );
    assert_eq!(
        Target::of(SourceRelation::Child, Some(2), "o")
            .unwrap()
            .child_index,
        Some(2)
    );
    assert_eq!(
        Target::of(SourceRelation::Parent, Some(2), "o")
            .unwrap()
            .child_index,
        None
    );
    assert_eq!(Target::of(SourceRelation::SelfWindow, None, "o"), None);
    assert_eq!(
        serde_json::to_value(Target::of(SourceRelation::Parent, None, "o")).unwrap(),
        json!({"relation": "parent", "origin": "o"})
    );
}

#[test]
fn the_history_keeps_the_last_fifty_newest_first() {
    let mut history = Vec::new();
    for n in 0..60 {
        remember(
            &mut history,
            Sent {
                draft: request("agent.setState", &format!("[\"S{n}\"]")),
                app: "a".into(),
                at: n as f64,
            },
        );
    }
    assert_eq!(history.len(), HISTORY_LIMIT);
    assert_eq!(history[0].at, 59.0);
    // The same draft again moves up instead of being kept twice.
    remember(
        &mut history,
        Sent {
            draft: request("agent.setState", "[\"S30\"]"),
            app: "a".into(),
            at: 100.0,
        },
    );
    assert_eq!(history.len(), HISTORY_LIMIT);
    assert_eq!(history[0].at, 100.0);
    assert_eq!(
        history
            .iter()
            .filter(|s| s.draft == request("agent.setState", "[\"S30\"]"))
            .count(),
        1
    );
    let text = serde_json::to_string(&history).unwrap();
    assert_eq!(read_history(&text).unwrap(), history);
    assert_eq!(read_history("").unwrap(), Vec::new());
    assert!(read_history("{")
        .unwrap_err()
        .starts_with("the console history is not readable"));
}
