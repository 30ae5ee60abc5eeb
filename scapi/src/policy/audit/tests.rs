use super::*;
use crate::findings::FindingCode;
use crate::policy::options::parse_options;
use crate::test_capture::{frames, Capture, APP, WWE};
use crate::SourceRelation;
use serde_json::{json, Value};

const MINUTE: f64 = 1_764_072_000_000.0;
const LIMIT_TEXT: &str = "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.";

fn options(text: &str) -> WorkspaceOptions {
    parse_options(text).unwrap().options
}

/// A request from the cross-origin app (child 0) with parameters.
fn request(
    capture: &mut Capture,
    at: f64,
    name: &str,
    reference_id: &str,
    parameters: Value,
) -> RecordRef {
    capture.add(0, at, SourceRelation::Child, Some(0), APP,
        json!({"request": name, "parameters": parameters, "referenceId": reference_id, "userAgent": "WWE Client", "protocolVersion": 2}))
}

/// Six dials in one minute: four answered, the fifth gets the rate-limit error, the sixth nothing.
fn dial_burst() -> (Capture, Vec<RecordRef>) {
    let mut capture = Capture::new();
    let mut dials = Vec::new();
    for i in 0..6 {
        let at = MINUTE + 1_000.0 + 1_000.0 * f64::from(i);
        let id = i.to_string();
        dials.push(request(
            &mut capture,
            at,
            "voice.dial",
            &id,
            json!(["5001", null]),
        ));
        match i {
            0..=3 => {
                capture.answer(1, at + 20.0, &id, json!({"data": {}}));
            }
            4 => {
                capture.answer(
                    1,
                    at + 20.0,
                    &id,
                    json!({"errorMessage": LIMIT_TEXT, "request": "voice.dial"}),
                );
            }
            _ => {}
        }
    }
    (capture, dials)
}

fn run(capture: &Capture, options: Option<&WorkspaceOptions>) -> PolicyAudit {
    let now = MINUTE + 59_000.0;
    audit(&frames(), &capture.refs(), &capture.correlate(now), options)
}

const SEED_RATES: &str = "service-client-api.accepted-web-content-origins=*\nservice-client-api.rate-limit=0\nservice-client-api.rate-limit.voice.dial=4\nservice-client-api.rate-limit.email.create=2";

#[test]
fn the_seed_rate_options_explain_a_dial_burst_and_agree_with_it() {
    let (capture, dials) = dial_burst();
    let audit = run(&capture, Some(&options(SEED_RATES)));
    let verdicts: Vec<&str> = audit
        .requests
        .iter()
        .map(|c| c.verdict.as_ref().unwrap().label())
        .collect();
    assert_eq!(
        verdicts,
        [
            "allowed",
            "allowed",
            "allowed",
            "allowed",
            "rate limit reached",
            "in quarantine"
        ]
    );
    assert!(
        audit
            .requests
            .iter()
            .all(|c| c.agreement == Agreement::Agrees),
        "{:#?}",
        audit.requests
    );
    assert_eq!(audit.requests[5].observed, Observed::NoAnswer);

    let usage = audit
        .rates
        .iter()
        .find(|u| u.request == "voice.dial")
        .unwrap();
    assert_eq!(usage.limit, Some(4));
    assert_eq!(
        usage.windows,
        [WindowUsage {
            start: MINUTE,
            arrived: 6,
            counted: 4
        }]
    );
    assert_eq!(usage.hits, [dials[4].clone()]);
    let predicted = usage.quarantines.iter().find(|q| q.predicted).unwrap();
    assert_eq!(
        (predicted.since, predicted.until),
        (MINUTE + 5_000.0, Some(MINUTE + 35_000.0))
    );
    assert!(
        usage.quarantines.iter().any(|q| !q.predicted),
        "the error's own announcement is on the timeline too"
    );

    let finding = audit
        .findings
        .iter()
        .find(|f| f.code == FindingCode::PolicyRateLimit)
        .unwrap();
    assert_eq!(finding.records, [dials[4].clone(), dials[5].clone()]);
    assert!(
        finding.title.contains("1 error(s), 1 ignored"),
        "{}",
        finding.title
    );
    assert!(!audit
        .findings
        .iter()
        .any(|f| f.code == FindingCode::PolicyDisagreement));
}

#[test]
fn a_rate_limit_error_the_pasted_options_do_not_predict_is_a_disagreement() {
    let (capture, dials) = dial_burst();
    let audit = run(&capture, Some(&options("service-client-api.accepted-web-content-origins=*\nservice-client-api.rate-limit.voice.dial=10")));
    let Agreement::Disagrees { why } = &audit.requests[4].agreement else {
        panic!("{:?}", audit.requests[4])
    };
    assert!(
        why.contains("the options in force are not the ones pasted"),
        "{why}"
    );
    assert!(matches!(
        audit.requests[5].agreement,
        Agreement::Disagrees { .. }
    ));
    let finding = audit
        .findings
        .iter()
        .find(|f| f.code == FindingCode::PolicyDisagreement && f.records.contains(&dials[4]))
        .unwrap();
    assert_eq!(finding.severity, crate::findings::Severity::Error);
}

#[test]
fn without_options_the_limit_and_quarantine_are_read_off_the_error() {
    let (capture, dials) = dial_burst();
    let audit = run(&capture, None);
    assert!(audit
        .requests
        .iter()
        .all(|c| c.verdict.is_none() && c.agreement == Agreement::Undecided));
    assert_eq!(audit.inferred.limits.len(), 1);
    let limit = &audit.inferred.limits[0];
    assert_eq!(
        (
            limit.request.as_str(),
            limit.request_count,
            limit.quarantine_seconds
        ),
        ("voice.dial", 4, Some(30))
    );
    assert_eq!(limit.evidence, dials[4]);
    assert!(
        audit
            .inferred
            .options_text
            .contains("service-client-api.rate-limit.voice.dial=4"),
        "{}",
        audit.inferred.options_text
    );
    assert!(audit
        .inferred
        .options_text
        .contains("service-client-api.rate-limit-quarantine-delay=30"));
    assert!(matches!(
        audit.requests[5].inferred,
        Some(InferredCause::InQuarantine { .. })
    ));
    let usage = &audit.rates[0];
    assert_eq!(usage.windows[0].counted, 4, "answered ones count");
    let titles: Vec<&str> = audit.findings.iter().map(|f| f.title.as_str()).collect();
    assert!(
        titles.iter().any(|t| t.contains("probably 4 per minute")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.contains("ignored in quarantine")),
        "{titles:?}"
    );
}

#[test]
fn an_origin_outside_the_list_is_refused_and_says_how_to_fix_it() {
    let mut capture = Capture::new();
    // The same-origin app is answered; the cross-origin one never.
    capture.request(1, MINUTE + 100.0, "agent.get", "0");
    capture.answer(
        2,
        MINUTE + 120.0,
        "0",
        json!({"data": {"username": "agent1"}}),
    );
    let silent = capture.request(0, MINUTE + 200.0, "agent.get", "0");
    let with = run(
        &capture,
        Some(&options(&format!(
            "service-client-api.accepted-web-content-origins={WWE}"
        ))),
    );
    let check = with.request(&silent).unwrap();
    assert!(matches!(
        check.verdict,
        Some(Verdict::OriginNotAccepted { .. })
    ));
    assert_eq!(check.agreement, Agreement::Agrees);
    let finding = with
        .findings
        .iter()
        .find(|f| f.code == FindingCode::PolicyRefused)
        .unwrap();
    assert!(finding.title.contains(APP), "{}", finding.title);
    assert!(
        finding.advice.contains(&format!("Add `{APP}`")),
        "{}",
        finding.advice
    );

    let without = run(&capture, None);
    assert_eq!(
        without.request(&silent).unwrap().inferred,
        Some(InferredCause::OriginProbablyRefused)
    );
    assert!(without.inferred.silent_origins.contains(APP));
    assert!(without.inferred.answered_origins.contains(WWE));
}

#[test]
fn a_jwt_request_never_answered_is_probably_outside_the_filter() {
    let mut capture = Capture::new();
    capture.request(0, MINUTE + 100.0, "agent.get", "0");
    capture.answer(1, MINUTE + 110.0, "0", json!({"data": {}}));
    let jwt = capture.request(0, MINUTE + 200.0, "auth.getJwtToken", "1");
    let audit = run(&capture, None);
    assert_eq!(
        audit.request(&jwt).unwrap().inferred,
        Some(InferredCause::ProbablyOutsideFilter)
    );
    let finding = audit
        .findings
        .iter()
        .find(|f| f.records.contains(&jwt))
        .unwrap();
    assert!(
        finding.advice.contains("(*, auth.getJwtToken)"),
        "{}",
        finding.advice
    );
    // With options that accept the origin but do not name the JWT request: the verdict says so.
    let with = run(
        &capture,
        Some(&options(&format!(
            "service-client-api.accepted-web-content-origins={APP} (*)"
        ))),
    );
    assert!(matches!(
        with.request(&jwt).unwrap().verdict,
        Some(Verdict::OutsideFilter {
            jwt_needs_explicit: true,
            ..
        })
    ));
}

/// An app writes Key1 and Key4 on interaction 1; the next event shows only Key1.
fn written_then_read() -> (Capture, RecordRef, RecordRef) {
    let mut capture = Capture::new();
    let write = request(
        &mut capture,
        MINUTE + 100.0,
        "interaction.setUserData",
        "0",
        json!(["1", {"Key1": "a", "Key4": "b"}]),
    );
    capture.answer(1, MINUTE + 110.0, "0", json!({"data": {}}));
    let event = capture.add(1, MINUTE + 120.0, SourceRelation::Parent, None, WWE,
        json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"Key1": "a"}}}, "userAgent": "WWE Server", "protocolVersion": 2}));
    (capture, write, event)
}

#[test]
fn keys_written_and_absent_when_read_back_are_probably_hidden() {
    let (capture, _, event) = written_then_read();
    let audit = run(&capture, None);
    let read = audit.read(&event).unwrap();
    assert_eq!(*read.present, ["Key1"]);
    assert_eq!(read.probably_hidden, ["Key4"]);
    let keys = &audit.interactions[0];
    assert_eq!(keys.interaction_id, "1");
    assert_eq!(keys.written.keys().collect::<Vec<_>>(), ["Key1", "Key4"]);
    assert!(keys.probably_hidden.contains("Key4") && !keys.probably_hidden.contains("Key1"));
    assert!(audit.inferred.unreadable_keys.contains("Key4"));
    let finding = audit
        .findings
        .iter()
        .find(|f| f.code == FindingCode::KeysHidden)
        .unwrap();
    assert!(finding.title.contains("`Key4`"), "{}", finding.title);
}

#[test]
fn read_allowed_names_the_hidden_keys_and_catches_keys_it_should_have_hidden() {
    let (capture, _, event) = written_then_read();
    let audit = run(&capture, Some(&options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.read-allowed=Key1,Key2,Key3")));
    let read = audit.read(&event).unwrap();
    assert_eq!(read.hidden, ["Key4"]);
    assert!(read.unreadable_delivered.is_empty());
    assert!(audit.interactions[0].hidden.contains("Key4"));

    let strict = run(&capture, Some(&options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.read-allowed=Key2")));
    assert_eq!(strict.read(&event).unwrap().unreadable_delivered, ["Key1"]);
    assert!(strict
        .findings
        .iter()
        .any(|f| f.code == FindingCode::PolicyDisagreement && f.records.contains(&event)));
}

#[test]
fn a_write_outside_write_allowed_is_refused_and_recorded_per_interaction() {
    let (capture, write, _) = written_then_read();
    let audit = run(&capture, Some(&options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.write-allowed=Key1,Key3")));
    let check = audit.request(&write).unwrap();
    assert!(
        matches!(&check.verdict, Some(Verdict::KeysRefused { refused, .. }) if refused == &["Key4"])
    );
    // It was answered with success: the options in force let the write through.
    assert!(matches!(check.agreement, Agreement::Disagrees { .. }));
    assert!(audit.interactions[0].refused.contains("Key4"));
    assert!(audit
        .findings
        .iter()
        .any(|f| f.code == FindingCode::PolicyRefused && f.title.contains("Key4")));
}

#[test]
fn options_without_accepted_origins_are_flagged() {
    let (capture, _) = dial_burst();
    let audit = run(
        &capture,
        Some(&options("service-client-api.rate-limit.voice.dial=4")),
    );
    assert!(audit
        .findings
        .iter()
        .any(|f| f.code == FindingCode::OptionsIncomplete));
    assert!(audit
        .requests
        .iter()
        .all(|c| matches!(c.verdict, Some(Verdict::OriginNotAccepted { .. }))));
}

#[test]
fn a_rate_limit_error_on_the_first_request_of_its_minute_does_not_infer_a_limit_of_zero() {
    let mut capture = Capture::new();
    let dial = request(
        &mut capture,
        MINUTE + 1_000.0,
        "voice.dial",
        "0",
        json!(["5001", null]),
    );
    capture.answer(
        1,
        MINUTE + 1_020.0,
        "0",
        json!({"errorMessage": LIMIT_TEXT, "request": "agent.getState"}),
    );
    let audit = run(&capture, None);
    assert_eq!(audit.inferred.limits[0].request_count, 0);
    // 0 would mean "unlimited" as an option value: never suggest it.
    assert!(
        !audit.inferred.options_text.contains("voice.dial=0"),
        "{}",
        audit.inferred.options_text
    );
    let finding = audit
        .findings
        .iter()
        .find(|f| f.records == [dial.clone()] && f.code == FindingCode::PolicyInferred)
        .unwrap();
    assert!(
        finding.title.contains("before the capture"),
        "{}",
        finding.title
    );
}
