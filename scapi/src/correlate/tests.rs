use super::*;
use crate::test_capture::{Capture, APP, WWE};
use serde_json::json;

fn client(key: &str) -> Client {
    Client::Frame { frame: key.into() }
}

#[test]
fn colliding_reference_ids_of_two_apps_pair_with_their_own_requests() {
    let mut capture = Capture::new();
    let cross_request = capture.request(0, 100.0, "agent.getState", "0");
    let same_request = capture.request(1, 101.0, "voice.dial", "0");
    let same_answer = capture.answer(2, 105.0, "0", json!({"errorMessage": "no line"}));
    let cross_answer = capture.answer(1, 130.0, "0", json!({"data": {"operationName": "Ready"}}));
    let correlation = capture.correlate(200.0);
    assert_eq!(correlation.exchanges.len(), 2);
    let cross = correlation.exchange_of(&cross_request).unwrap();
    assert_eq!(cross.client, client("cross"));
    assert_eq!(cross.responses, [cross_answer]);
    assert_eq!(cross.state, ExchangeState::Answered);
    assert_eq!(cross.latency_ms, Some(30.0));
    // The answer's data typed as what agent.getState returns.
    let result = serde_json::to_value(cross.result.as_ref().unwrap()).unwrap();
    assert_eq!(result["result"]["shape"], "mediaState", "{result}");
    assert_eq!(
        result["result"]["state"]["operationName"], "Ready",
        "{result}"
    );
    let same = correlation.exchange_of(&same_request).unwrap();
    assert_eq!(same.client, client("same"));
    assert_eq!(same.responses, [same_answer]);
    assert_eq!(same.state, ExchangeState::Failed);
    assert_eq!(same.error_message.as_deref(), Some("no line"));
}

#[test]
fn the_assigned_frame_id_names_the_client() {
    let mut capture = Capture::new();
    capture.add(
        1,
        10.0,
        SourceRelation::Parent,
        None,
        WWE,
        json!({"frameId": 7, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    // The sender cannot be told from its position (reported as another window), but its frameId says.
    let request = capture.add(0, 20.0, SourceRelation::Other, None, APP,
        json!({"request": "agent.get", "referenceId": "3", "frameId": 7, "userAgent": "WWE Client", "protocolVersion": 2}));
    capture.answer(1, 25.0, "3", json!({"data": {}}));
    let correlation = capture.correlate(30.0);
    assert_eq!(correlation.frame_ids["cross"], json!(7));
    let exchange = correlation.exchange_of(&request).unwrap();
    assert_eq!(exchange.client, client("cross"));
    assert_eq!(exchange.state, ExchangeState::Answered);
}

#[test]
fn pending_timed_out_late_orphan_and_duplicate() {
    let mut capture = Capture::new();
    let pending = capture.request(0, 20_000.0, "agent.get", "1");
    let timed_out = capture.request(0, 1_000.0, "agent.getState", "2");
    let late = capture.request(0, 2_000.0, "agent.getStateList", "3");
    capture.answer(1, 12_500.0, "3", json!({"data": []}));
    let orphan = capture.answer(1, 3_000.0, "99", json!({"data": {}}));
    let duplicated = capture.request(0, 4_000.0, "media.getMediaList", "4");
    capture.answer(1, 4_010.0, "4", json!({"data": []}));
    let second = capture.answer(1, 4_020.0, "4", json!({"data": []}));
    let correlation = capture.correlate(25_000.0);
    let state = |r: &RecordRef| correlation.exchange_of(r).unwrap().state;
    assert_eq!(state(&pending), ExchangeState::Pending);
    assert_eq!(state(&timed_out), ExchangeState::TimedOut);
    assert_eq!(state(&late), ExchangeState::Late);
    assert_eq!(state(&orphan), ExchangeState::Orphan);
    let duplicate = correlation.exchange_of(&duplicated).unwrap();
    assert_eq!(duplicate.state, ExchangeState::Answered);
    assert_eq!(duplicate.responses.len(), 2);
    assert_eq!(duplicate.responses[1], second);
}

#[test]
fn a_reloaded_client_starting_again_at_zero_pairs_with_its_latest_request() {
    let mut capture = Capture::new();
    let first = capture.request(0, 100.0, "agent.get", "0");
    capture.answer(1, 110.0, "0", json!({"data": {}}));
    let again = capture.request(0, 5_000.0, "agent.get", "0");
    capture.answer(1, 5_010.0, "0", json!({"data": {}}));
    let correlation = capture.correlate(6_000.0);
    assert_eq!(correlation.exchange_of(&first).unwrap().responses.len(), 1);
    assert_eq!(
        correlation.exchange_of(&again).unwrap().latency_ms,
        Some(10.0)
    );
}

#[test]
fn small_clock_skew_between_frames_still_pairs() {
    let mut capture = Capture::new();
    let request = capture.request(0, 100.0, "agent.get", "0");
    capture.answer(1, 99.5, "0", json!({"data": {}}));
    let correlation = capture.correlate(200.0);
    assert_eq!(
        correlation.exchange_of(&request).unwrap().state,
        ExchangeState::Answered
    );
}

#[test]
fn unresolved_senders_pair_by_origin() {
    let mut capture = Capture::new();
    // A popup's request reaches Workspace from "another window".
    let request = capture.add(0, 10.0, SourceRelation::Other, None, APP,
        json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}));
    capture.answer(1, 12.0, "0", json!({"data": {}}));
    let correlation = capture.correlate(20.0);
    let exchange = correlation.exchange_of(&request).unwrap();
    assert!(matches!(exchange.client, Client::Unresolved { .. }));
    assert_eq!(exchange.state, ExchangeState::Answered);
}

#[test]
fn subscriptions_second_subscribe_unknown_unsubscribe_and_unsubscribed_events() {
    let mut capture = Capture::new();
    let subscribe = |capture: &mut Capture, time: f64, id: &str, topics: Value| {
        capture.add(0, time, SourceRelation::Child, Some(0), APP,
            json!({"event": "subscribe", "data": topics, "referenceId": id, "userAgent": "WWE Client", "protocolVersion": 2}))
    };
    let first = subscribe(&mut capture, 10.0, "0", json!(["agent", "interaction"]));
    capture.answer(1, 11.0, "0", json!({"subscriptionId": "sub-1"}));
    let again = subscribe(&mut capture, 20.0, "1", json!("agent"));
    capture.answer(1, 21.0, "1", json!({"subscriptionId": "sub-2"}));
    let event = |capture: &mut Capture, time: f64, topic: &str| {
        capture.add(1, time, SourceRelation::Parent, None, WWE,
            json!({"event": topic, "data": {"eventType": "X"}, "userAgent": "WWE Server", "protocolVersion": 2}))
    };
    event(&mut capture, 30.0, "agent");
    let media = event(&mut capture, 31.0, "media");
    let unknown = capture.add(0, 40.0, SourceRelation::Child, Some(0), APP,
        json!({"event": "unsubscribe", "data": "sub-9", "referenceId": "2", "userAgent": "WWE Client", "protocolVersion": 2}));
    let known = capture.add(0, 41.0, SourceRelation::Child, Some(0), APP,
        json!({"event": "unsubscribe", "data": "sub-1", "referenceId": "3", "userAgent": "WWE Client", "protocolVersion": 2}));
    let interaction = event(&mut capture, 50.0, "interaction");
    let correlation = capture.correlate(100.0);

    assert_eq!(correlation.subscriptions.len(), 2);
    assert_eq!(
        correlation.subscriptions[0].subscription_id,
        Some(json!("sub-1"))
    );
    assert_eq!(correlation.subscriptions[0].unsubscribe, Some(known));
    assert_eq!(
        correlation.subscription_issues,
        vec![
            SubscriptionIssue::SubscribedTwice {
                client: client("cross"),
                topic: "agent".into(),
                first,
                again
            },
            SubscriptionIssue::UnknownSubscriptionId {
                client: client("cross"),
                subscription_id: json!("sub-9"),
                unsubscribe: unknown
            },
            SubscriptionIssue::EventWithoutSubscription {
                client: client("cross"),
                topic: "media".into(),
                events: vec![media]
            },
            SubscriptionIssue::EventWithoutSubscription {
                client: client("cross"),
                topic: "interaction".into(),
                events: vec![interaction]
            },
        ]
    );
}

#[test]
fn events_of_a_client_whose_subscribe_was_not_captured_are_not_judged() {
    let mut capture = Capture::new();
    capture.add(1, 30.0, SourceRelation::Parent, None, WWE,
        json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"}, "userAgent": "WWE Server", "protocolVersion": 2}));
    assert!(capture.correlate(100.0).subscription_issues.is_empty());
}

#[test]
fn an_unsubscribe_without_answer_is_sent_not_timed_out() {
    // The vendor client sends unsubscribe without a callback: nothing waits, nothing times out.
    let mut capture = Capture::new();
    let unsubscribe = capture.add(0, 100.0, SourceRelation::Child, Some(0), APP,
        json!({"event": "unsubscribe", "data": "sub-1", "referenceId": "4", "userAgent": "WWE Client", "protocolVersion": 2}));
    let correlation = capture.correlate(60_000.0);
    let exchange = correlation.exchange_of(&unsubscribe).unwrap();
    assert_eq!(exchange.state, ExchangeState::Sent);
    let findings = crate::findings::find(
        &crate::test_capture::frames(),
        &capture.refs(),
        &correlation,
    );
    assert!(
        findings
            .iter()
            .all(|f| f.code != crate::findings::FindingCode::TimedOut),
        "{findings:#?}"
    );
}

#[test]
fn answers_that_could_belong_to_two_same_origin_apps_are_flagged_not_guessed_silently() {
    // A raw capture: no frame positions, two apps of one origin, both sending referenceId "0"
    // without a frameId; the requests differ only by childIndex.
    let frames = vec![
        crate::test_capture::frame("wwe", WWE, 0, None),
        crate::test_capture::frame("softphone", APP, 1, None),
        crate::test_capture::frame("crm", APP, 1, None),
    ];
    let record =
        |seq: u64, time: f64, source, child, origin: &str, raw: serde_json::Value| Record {
            seq,
            time,
            wall: time,
            origin: origin.into(),
            source,
            child_index: child,
            ports: 0,
            decoded: crate::decode(&raw),
            raw,
        };
    let request = || json!({"request": "agent.getState", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2});
    let answer = json!({"referenceId": "0", "data": {"operationName": "Ready"}, "userAgent": "WWE Server", "protocolVersion": 2});
    let records = [
        (
            0,
            record(0, 100.0, SourceRelation::Child, Some(0), APP, request()),
        ),
        (
            0,
            record(1, 105.0, SourceRelation::Child, Some(1), APP, request()),
        ),
        (
            1,
            record(0, 160.0, SourceRelation::Parent, None, WWE, answer.clone()),
        ),
        (
            2,
            record(0, 185.0, SourceRelation::Parent, None, WWE, answer),
        ),
    ];
    let refs: Vec<(usize, &Record)> = records.iter().map(|(f, r)| (*f, r)).collect();
    let correlation = correlate(&frames, &refs, 1000.0);
    let first = correlation
        .exchanges
        .iter()
        .find(|e| {
            e.responses
                .first()
                .is_some_and(|r| &*r.frame == "softphone")
        })
        .unwrap();
    assert!(first.ambiguous, "{first:#?}");
    let findings = crate::findings::find(&frames, &refs, &correlation);
    assert!(findings
        .iter()
        .any(|f| f.code == crate::findings::FindingCode::AmbiguousPairing));
}

#[test]
fn an_answer_only_one_app_could_take_tells_which_frame_that_app_is() {
    // As above, but the softphone (child 0) also sent referenceId 1, which only it sent: its
    // answer arrives in the softphone's frame, so that frame is child 0, and the colliding
    // referenceId 0 answers pair each with their own app, with no guess.
    let frames = vec![
        crate::test_capture::frame("wwe", WWE, 0, None),
        crate::test_capture::frame("softphone", APP, 1, None),
        crate::test_capture::frame("crm", APP, 1, None),
    ];
    let record =
        |seq: u64, time: f64, source, child, origin: &str, raw: serde_json::Value| Record {
            seq,
            time,
            wall: time,
            origin: origin.into(),
            source,
            child_index: child,
            ports: 0,
            decoded: crate::decode(&raw),
            raw,
        };
    let request = |name: &str, id: &str| json!({"request": name, "referenceId": id, "userAgent": "WWE Client", "protocolVersion": 2});
    let answer = |id: &str| json!({"referenceId": id, "data": {}, "userAgent": "WWE Server", "protocolVersion": 2});
    let records = [
        (
            0,
            record(
                0,
                100.0,
                SourceRelation::Child,
                Some(0),
                APP,
                request("agent.getState", "0"),
            ),
        ),
        (
            0,
            record(
                1,
                105.0,
                SourceRelation::Child,
                Some(1),
                APP,
                request("agent.get", "0"),
            ),
        ),
        // Answered in the order the requests were sent: "latest sent" would pair them crosswise.
        (
            1,
            record(0, 160.0, SourceRelation::Parent, None, WWE, answer("0")),
        ),
        (
            2,
            record(0, 185.0, SourceRelation::Parent, None, WWE, answer("0")),
        ),
        (
            0,
            record(
                2,
                300.0,
                SourceRelation::Child,
                Some(0),
                APP,
                request("agent.getStateList", "1"),
            ),
        ),
        (
            1,
            record(1, 310.0, SourceRelation::Parent, None, WWE, answer("1")),
        ),
    ];
    let refs: Vec<(usize, &Record)> = records.iter().map(|(f, r)| (*f, r)).collect();
    let correlation = correlate(&frames, &refs, 1000.0);
    let answered_in = |frame: &str| {
        correlation
            .exchanges
            .iter()
            .find(|e| {
                e.reference_id == "0" && e.responses.first().is_some_and(|r| &*r.frame == frame)
            })
            .unwrap()
    };
    let softphone = answered_in("softphone");
    assert_eq!(
        softphone.name.as_deref(),
        Some("agent.getState"),
        "{softphone:#?}"
    );
    assert!(!softphone.ambiguous);
    let crm = answered_in("crm");
    assert_eq!(crm.name.as_deref(), Some("agent.get"), "{crm:#?}");
    assert!(!crm.ambiguous);
    let findings = crate::findings::find(&frames, &refs, &correlation);
    assert!(!findings
        .iter()
        .any(|f| f.code == crate::findings::FindingCode::AmbiguousPairing));
}
