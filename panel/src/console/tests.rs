use super::*;
use crate::analysis::tests::batch;
use scapi::SourceRelation;
use serde_json::json;

#[test]
fn the_apps_are_the_frames_workspace_answers_with_their_target_and_envelope() {
    let mut store = Store::default();
    store.apply(
        batch("wwe", "http://a", 0, vec![
            (100.0, SourceRelation::Child, "http://b", json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client 8", "protocolVersion": 2, "frameId": 7})),
        ]),
        -1,
    );
    store.apply(
        batch("app", "http://b", 1, vec![
            (90.0, SourceRelation::Parent, "http://a", json!({"frameId": 7, "userAgent": "WWE Server", "protocolVersion": 2})),
            (112.0, SourceRelation::Parent, "http://a", json!({"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2})),
        ]),
        -1,
    );
    // A popup: its Workspace is its opener; it never sent a request, so the envelope is the
    // client library's default with the frameId it was given.
    let mut popup = batch(
        "popup",
        "http://c",
        0,
        vec![(
            120.0,
            SourceRelation::Opener,
            "http://a",
            json!({"frameId": 9, "userAgent": "WWE Server", "protocolVersion": 2}),
        )],
    );
    popup.frame.placement.has_opener = true;
    store.apply(popup, -1);
    // A frame with only foreign traffic is no app.
    store.apply(
        batch(
            "other",
            "http://d",
            1,
            vec![(
                130.0,
                SourceRelation::Parent,
                "http://a",
                json!({"hello": 1}),
            )],
        ),
        -1,
    );
    let analysis = Analysis::of(&store, 300.0, None);
    let apps = app_frames(&store, &analysis);
    assert_eq!(apps.len(), 2, "{apps:?}");
    assert_eq!(apps[0].key, "app");
    assert_eq!(apps[0].url, "http://b/app.html");
    assert_eq!(
        apps[0].target,
        Target {
            relation: SourceRelation::Parent,
            child_index: None,
            origin: "http://a".into()
        }
    );
    assert_eq!(apps[0].identity.user_agent, json!("WWE Client 8"));
    assert_eq!(apps[0].identity.frame_id, Some(json!(7)));
    assert_eq!(apps[1].key, "popup");
    assert_eq!(apps[1].target.relation, SourceRelation::Opener);
    assert_eq!(
        apps[1].identity,
        Identity {
            frame_id: Some(json!(9)),
            ..Identity::default()
        }
    );

    let mut state = ConsoleState::new(5);
    assert_eq!(state.app, None);
    assert_eq!(state.chosen(&apps).unwrap().key, "app");
    state.app = Some("popup".into());
    assert_eq!(state.chosen(&apps).unwrap().key, "popup");
    // The chosen app went away: no other is taken in its place.
    state.app = Some("gone".into());
    assert_eq!(state.chosen(&apps), None);
    assert_eq!(history_key("http://a"), "console:http://a");
}

#[test]
fn a_frame_that_went_is_not_offered() {
    let mut store = Store::default();
    let mut gone = batch(
        "app",
        "http://b",
        1,
        vec![(
            112.0,
            SourceRelation::Parent,
            "http://a",
            json!({"frameId": 1, "userAgent": "WWE Server", "protocolVersion": 2}),
        )],
    );
    gone.frame.ended = Some(200.0);
    store.apply(gone, -1);
    let analysis = Analysis::of(&store, 300.0, None);
    assert!(app_frames(&store, &analysis).is_empty());
}

#[test]
fn a_console_exchange_is_found_by_its_reference_id() {
    let mut store = Store::default();
    let id = scapi::console::reference_id(42);
    store.apply(
        batch("wwe", "http://a", 0, vec![
            (100.0, SourceRelation::Child, "http://b", json!({"request": "agent.getState", "referenceId": id, "userAgent": "WWE Client", "protocolVersion": 2})),
        ]),
        -1,
    );
    store.apply(
        batch("app", "http://b", 1, vec![
            (105.0, SourceRelation::Parent, "http://a", json!({"referenceId": id, "data": {"operationName": "Ready"}, "userAgent": "WWE Server", "protocolVersion": 2})),
        ]),
        -1,
    );
    let analysis = Analysis::of(&store, 300.0, None);
    let exchange = exchange_of(&analysis, &id).unwrap();
    assert_eq!(crate::analysis::state_text(exchange), "answered 5 ms");
    assert!(exchange_of(&analysis, "scapi-console-1").is_none());
}

#[test]
fn an_app_workspace_never_answered_is_offered_with_the_target_its_requests_show() {
    let mut store = Store::default();
    store.apply(
        batch("wwe", "http://a", 0, vec![
            (100.0, SourceRelation::Child, "http://r", json!({"request": "agent.getState", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2})),
        ]),
        -1,
    );
    // The refused app captured only foreign context of its own.
    store.apply(
        batch(
            "refused",
            "http://r",
            1,
            vec![(
                90.0,
                SourceRelation::SelfWindow,
                "http://r",
                json!({"hello": 1}),
            )],
        ),
        -1,
    );
    let analysis = Analysis::of(&store, 300.0, None);
    let apps = app_frames(&store, &analysis);
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(apps[0].key, "refused");
    assert_eq!(
        apps[0].target,
        Target {
            relation: SourceRelation::Parent,
            child_index: None,
            origin: "http://a".into()
        }
    );
}

#[test]
fn an_app_that_captured_nothing_is_offered_by_its_place() {
    let mut store = Store::default();
    // A refused app hears nothing, so its frame never sent the panel a line: only Workspace's
    // frame saw its requests, from its child 0.
    store.apply(
        batch("wwe", "http://a", 0, vec![
            (100.0, SourceRelation::Child, "http://r", json!({"request": "agent.getState", "referenceId": "0", "userAgent": "WWE Client 7", "protocolVersion": 2})),
        ]),
        -1,
    );
    let analysis = Analysis::of(&store, 300.0, None);
    let apps = app_frames(&store, &analysis);
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(
        apps[0].place,
        Some(Place {
            depth: 1,
            index: 0,
            origin: "http://r".into()
        })
    );
    assert_eq!(apps[0].url, "http://r");
    assert_eq!(
        apps[0].target,
        Target {
            relation: SourceRelation::Parent,
            child_index: None,
            origin: "http://a".into()
        }
    );
    assert_eq!(apps[0].identity.user_agent, json!("WWE Client 7"));
    let client = &analysis.exchange((0, 0)).unwrap().client;
    assert_eq!(
        app_key(&store, client).as_deref(),
        Some(apps[0].key.as_str())
    );
    assert_eq!(
        serde_json::to_value(&apps[0].place).unwrap(),
        json!({"depth": 1, "index": 0, "origin": "http://r"})
    );
}
