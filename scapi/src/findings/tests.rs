use super::*;
use crate::test_capture::{frames, Capture, APP, WWE};
use crate::SourceRelation;
use serde_json::json;

fn findings(capture: &Capture, now: f64) -> Vec<Finding> {
    let correlation = capture.correlate(now);
    find(&frames(), &capture.refs(), &correlation)
}

fn only(findings: &[Finding], code: FindingCode) -> &Finding {
    let matching: Vec<_> = findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(matching.len(), 1, "{code:?} in {findings:#?}");
    matching[0]
}

fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn a_clean_exchange_has_no_findings() {
    let mut capture = Capture::new();
    capture.request(0, 10.0, "agent.getState", "0");
    capture.answer(1, 12.0, "0", json!({"data": {"operationName": "Ready"}}));
    assert_eq!(findings(&capture, 20.0), vec![]);
}

#[test]
fn a_misspelled_request_suggests_the_real_name() {
    let mut capture = Capture::new();
    let request = capture.request(0, 10.0, "voice.pauseRecording", "0");
    capture.answer(1, 12.0, "0", json!({"data": {}}));
    let all = findings(&capture, 20.0);
    let finding = only(&all, FindingCode::UnknownRequest);
    assert_eq!(finding.records, vec![request]);
    assert!(
        finding.advice.contains("voice.pauseCallRecording"),
        "{}",
        finding.advice
    );
    assert_eq!(finding.severity, Severity::Error);
}

#[test]
fn wrong_parameters_are_named() {
    let mut capture = Capture::new();
    capture.add(0, 10.0, SourceRelation::Child, Some(0), APP,
        json!({"request": "agent.setState", "parameters": [3], "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}));
    capture.answer(1, 12.0, "0", json!({"data": {}}));
    let all = findings(&capture, 20.0);
    let finding = only(&all, FindingCode::BadParameters);
    assert!(
        finding.problem.contains("operationName"),
        "{}",
        finding.problem
    );
}

#[test]
fn envelope_problems_are_grouped_per_side() {
    let mut capture = Capture::new();
    for id in ["0", "1"] {
        capture.add(
            0,
            10.0,
            SourceRelation::Child,
            Some(0),
            APP,
            json!({"request": "agent.get", "referenceId": id, "protocolVersion": 2}),
        );
    }
    capture.add(
        1,
        12.0,
        SourceRelation::Parent,
        None,
        WWE,
        json!({"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 1}),
    );
    capture.add(
        1,
        13.0,
        SourceRelation::Parent,
        None,
        WWE,
        json!({"referenceId": "1", "data": {}, "userAgent": "WWE Server"}),
    );
    let all = findings(&capture, 20.0);
    assert_eq!(only(&all, FindingCode::MissingUserAgent).records.len(), 2);
    let version = only(&all, FindingCode::UnexpectedProtocolVersion);
    assert!(
        version.title.contains("protocolVersion 1"),
        "{}",
        version.title
    );
    assert_eq!(
        only(&all, FindingCode::MissingProtocolVersion)
            .records
            .len(),
        1
    );
}

#[test]
fn a_rate_limit_error_names_the_request_and_the_quarantine() {
    let mut capture = Capture::new();
    capture.request(0, 10.0, "voice.dial", "0");
    capture.answer(1, 12.0, "0", json!({"errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.", "request": "agent.getState"}));
    let all = findings(&capture, 20.0);
    let finding = only(&all, FindingCode::RateLimited);
    assert!(finding.title.contains("voice.dial"));
    assert!(finding.problem.contains("for 30 s"), "{}", finding.problem);
    assert!(finding
        .advice
        .contains("service-client-api.rate-limit.voice.dial"));
    assert_eq!(finding.records.len(), 2);
}

#[test]
fn other_failures_quote_the_error() {
    let mut capture = Capture::new();
    capture.request(0, 10.0, "interaction.setUserData", "0");
    capture.answer(
        1,
        12.0,
        "0",
        json!({"errorMessage": "Interaction 9 not found"}),
    );
    let finding = only(&findings(&capture, 20.0), FindingCode::RequestFailed).clone();
    assert!(finding.problem.contains("Interaction 9 not found"));
}

#[test]
fn timeouts_late_orphans_and_duplicates() {
    let mut capture = Capture::new();
    capture.request(0, 0.0, "agent.get", "0");
    capture.request(0, 1.0, "agent.getState", "1");
    capture.answer(1, 11_000.0, "1", json!({"data": {}}));
    capture.answer(1, 11_500.0, "7", json!({"data": {}}));
    capture.request(0, 12_000.0, "agent.getStateList", "2");
    capture.answer(1, 12_010.0, "2", json!({"data": []}));
    capture.answer(1, 12_020.0, "2", json!({"data": []}));
    let all = findings(&capture, 30_000.0);
    assert!(only(&all, FindingCode::TimedOut)
        .advice
        .contains("accepted-web-content-origins"));
    assert!(only(&all, FindingCode::LateAnswer).title.contains("11.0 s"));
    assert_eq!(only(&all, FindingCode::OrphanResponse).records.len(), 1);
    assert_eq!(only(&all, FindingCode::DuplicateAnswer).records.len(), 3);
}

#[test]
fn subscription_problems_become_findings() {
    let mut capture = Capture::new();
    for (time, id) in [(10.0, "0"), (20.0, "1")] {
        capture.add(0, time, SourceRelation::Child, Some(0), APP,
            json!({"event": "subscribe", "data": ["agent"], "referenceId": id, "userAgent": "WWE Client", "protocolVersion": 2}));
        capture.answer(
            1,
            time + 1.0,
            id,
            json!({"subscriptionId": format!("sub-{id}")}),
        );
    }
    capture.add(1, 30.0, SourceRelation::Parent, None, WWE,
        json!({"event": "media", "data": {"eventType": "X"}, "userAgent": "WWE Server", "protocolVersion": 2}));
    capture.add(0, 40.0, SourceRelation::Child, Some(0), APP,
        json!({"event": "unsubscribe", "data": "nope", "referenceId": "2", "userAgent": "WWE Client", "protocolVersion": 2}));
    let all = findings(&capture, 50.0);
    assert!(only(&all, FindingCode::SubscribedTwice)
        .advice
        .contains("once"));
    assert!(only(&all, FindingCode::EventWithoutSubscription)
        .advice
        .contains("\"media\""));
    only(&all, FindingCode::UnknownSubscriptionId);
    // The undocumented media event type is reported too, as information.
    assert_eq!(
        only(&all, FindingCode::UnknownEventType).severity,
        Severity::Info
    );
}

#[test]
fn requests_without_any_workspace_answer() {
    let mut capture = Capture::new();
    capture.request(0, 10.0, "agent.get", "0");
    capture.request(0, 11.0, "agent.getState", "1");
    let all = findings(&capture, 100.0);
    let finding = only(&all, FindingCode::NoWorkspace);
    assert_eq!(finding.records.len(), 2);
    assert!(finding.advice.contains("accepted-web-content-origins"));
    // Most severe first.
    let severities: Vec<_> = all.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted);
}

#[test]
fn malformed_messages_are_grouped_by_problem() {
    let mut capture = Capture::new();
    for time in [1.0, 2.0] {
        capture.add(
            0,
            time,
            SourceRelation::Child,
            Some(0),
            APP,
            json!({"request": 5, "userAgent": "WWE Client", "protocolVersion": 2}),
        );
    }
    let all = findings(&capture, 10.0);
    assert_eq!(only(&all, FindingCode::Malformed).records.len(), 2);
    assert!(!codes(&all).contains(&FindingCode::MissingUserAgent));
}
