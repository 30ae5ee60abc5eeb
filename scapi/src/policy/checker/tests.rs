use super::*;
use crate::facts::Facts;
use crate::findings::FindingCode;
use crate::policy::audit::{audit_facts, InferredCause, PolicyAudit};
use crate::policy::options::parse_options;
use crate::record::Record;
use crate::test_capture::{frames, Capture, APP, WWE};
use crate::SourceRelation;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A minute boundary: rate windows start on it.
const MINUTE: f64 = 1_764_072_000_000.0;
const LIMIT_TEXT: &str = "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.";
const SEED_RATES: &str = "service-client-api.accepted-web-content-origins=*\nservice-client-api.rate-limit=0\nservice-client-api.rate-limit.voice.dial=4\nservice-client-api.rate-limit.email.create=2";

fn options(text: &str) -> WorkspaceOptions {
    parse_options(text).unwrap().options
}

/// The capture's records in time order, with their facts, as a log is read.
fn in_time_order(capture: &Capture) -> Vec<(usize, Facts)> {
    let mut records: Vec<&(usize, Record)> = capture.records.iter().collect();
    records.sort_by(|a, b| a.1.time.total_cmp(&b.1.time));
    records
        .into_iter()
        .map(|(frame, record)| (*frame, Facts::of(record)))
        .collect()
}

/// Everything the checker hands on, in order, and its summary.
fn check_with(checker: Checker, capture: &Capture) -> (Vec<Checked>, CheckSummary) {
    let mut checker = checker;
    for frame in frames() {
        checker.add_frame(frame);
    }
    let mut checked = Vec::new();
    for (frame, facts) in in_time_order(capture) {
        checker.add(frame, &facts, |check| checked.push(check));
    }
    let summary = checker.finish(|check| checked.push(check));
    (checked, summary)
}

fn run(capture: &Capture, options: &WorkspaceOptions) -> (Vec<Checked>, CheckSummary) {
    check_with(Checker::new(options.clone()), capture)
}

/// The whole-capture audit of the same capture, its end being its latest record.
fn audit_of(capture: &Capture, options: &WorkspaceOptions) -> PolicyAudit {
    let facts = in_time_order(capture);
    let refs: Vec<(usize, &Facts)> = facts.iter().map(|(frame, facts)| (*frame, facts)).collect();
    let now = facts.iter().map(|(_, f)| f.time).fold(0.0, f64::max);
    let correlation = crate::correlate::correlate_facts(&frames(), &refs, now);
    audit_facts(&frames(), &refs, &correlation, Some(options))
}

/// The last check handed on for each request (a revision replaces the first), in arrival order.
fn final_requests(checked: &[Checked]) -> Vec<RequestCheck> {
    let mut last: Vec<RequestCheck> = Vec::new();
    for item in checked {
        if let Checked::Request { check, .. } = item {
            match last.iter_mut().find(|c| c.record == check.record) {
                Some(earlier) => *earlier = check.clone(),
                None => last.push(check.clone()),
            }
        }
    }
    last.sort_by(|a, b| a.at.total_cmp(&b.at));
    last
}

fn reads(checked: &[Checked]) -> Vec<ReadCheck> {
    checked
        .iter()
        .filter_map(|item| match item {
            Checked::Read { check, .. } => Some(check.clone()),
            Checked::Request { .. } => None,
        })
        .collect()
}

/// Verdicts, observed outcomes and agreements as (record, verdict, observed, agreement).
type Judged = (RecordRef, Option<Verdict>, Observed, Agreement);

fn judged(checks: &[RequestCheck]) -> Vec<Judged> {
    checks
        .iter()
        .map(|c| {
            (
                c.record.clone(),
                c.verdict.clone(),
                c.observed.clone(),
                c.agreement.clone(),
            )
        })
        .collect()
}

fn assert_same_as_audit(capture: &Capture, options: &WorkspaceOptions) -> Vec<Checked> {
    let (checked, summary) = run(capture, options);
    let audit = audit_of(capture, options);
    assert_eq!(
        judged(&final_requests(&checked)),
        judged(&audit.requests),
        "requests"
    );
    assert_eq!(summary.requests, audit.requests.len() as u64);
    checked
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

#[test]
fn the_seed_rate_burst_is_judged_as_the_audit_judges_it() {
    let (mut capture, dials) = dial_burst();
    // Later traffic: the sixth dial's 10 s pass while the log is read.
    capture.request(1, MINUTE + 30_000.0, "agent.getState", "0");
    let checked = assert_same_as_audit(&capture, &options(SEED_RATES));
    let (_, summary) = run(&capture, &options(SEED_RATES));
    assert_eq!(summary.by_verdict["allowed"], 5);
    assert_eq!(summary.by_verdict["rate limit reached"], 1);
    assert_eq!(summary.by_verdict["in quarantine"], 1);
    assert_eq!(summary.by_observed["rate-limit error"], 1);
    assert_eq!(summary.by_observed["no answer"], 1);
    assert_eq!(summary.by_observed["pending"], 1);
    assert_eq!(
        (summary.agrees, summary.disagrees, summary.undecided),
        (6, 0, 1)
    );
    // The quarantined dial is handed on before the request that came 10 s after it.
    let order: Vec<&RecordRef> = checked
        .iter()
        .filter_map(|c| match c {
            Checked::Request { check, .. } => Some(&check.record),
            Checked::Read { .. } => None,
        })
        .collect();
    assert_eq!(order.iter().position(|r| **r == dials[5]), Some(5));
    let finding = summary
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::PolicyRateLimit)
        .unwrap();
    assert_eq!(
        finding.finding.records,
        [dials[4].clone(), dials[5].clone()]
    );
    assert_eq!(finding.count, 2);
    assert!(
        finding
            .finding
            .title
            .contains("1 error(s), 1 ignored in quarantine"),
        "{}",
        finding.finding.title
    );
    assert!(!summary
        .findings
        .iter()
        .any(|f| f.finding.code == FindingCode::PolicyDisagreement));
}

#[test]
fn a_check_is_handed_on_as_soon_as_its_answer_or_its_ten_seconds_come() {
    let (capture, dials) = dial_burst();
    let mut checker = Checker::new(options(SEED_RATES));
    for frame in frames() {
        checker.add_frame(frame);
    }
    let facts = in_time_order(&capture);
    let mut seen: Vec<(usize, RecordRef)> = Vec::new();
    for (position, (frame, record)) in facts.iter().enumerate() {
        checker.add(*frame, record, |checked| {
            if let Checked::Request { check, .. } = checked {
                seen.push((position, check.record));
            }
        });
    }
    // Each answered dial as its answer is read (the answer follows its request).
    assert_eq!(seen.len(), 5);
    for (i, (position, record)) in seen.iter().enumerate() {
        assert_eq!((*position, record), (2 * i + 1, &dials[i]));
    }
    // The sixth, unanswered and less than 10 s before the end: pending at the end.
    let mut at_end = Vec::new();
    checker.finish(|checked| at_end.push(checked));
    let [Checked::Request { check, .. }] = at_end.as_slice() else {
        panic!("{at_end:?}")
    };
    assert_eq!(
        (&check.record, &check.observed),
        (&dials[5], &Observed::Pending)
    );
}

#[test]
fn a_rate_limit_error_the_options_do_not_predict_disagrees() {
    let (capture, dials) = dial_burst();
    let options = options("service-client-api.accepted-web-content-origins=*\nservice-client-api.rate-limit.voice.dial=10");
    let checked = assert_same_as_audit(&capture, &options);
    let fifth = final_requests(&checked)
        .into_iter()
        .find(|c| c.record == dials[4])
        .unwrap();
    let Agreement::Disagrees { why } = &fifth.agreement else {
        panic!("{fifth:?}")
    };
    assert!(
        why.contains("the options in force are not the ones pasted"),
        "{why}"
    );
    let (_, summary) = run(&capture, &options);
    assert_eq!(summary.disagreements(), 1, "the sixth is still pending");
}

#[test]
fn a_refused_origin_says_what_to_add() {
    let mut capture = Capture::new();
    capture.request(1, MINUTE + 100.0, "agent.get", "0");
    capture.answer(2, MINUTE + 120.0, "0", json!({"data": {}}));
    let silent = capture.request(0, MINUTE + 200.0, "agent.get", "0");
    capture.request(1, MINUTE + 15_000.0, "agent.get", "1");
    let options = options(&format!(
        "service-client-api.accepted-web-content-origins={WWE}"
    ));
    let checked = assert_same_as_audit(&capture, &options);
    let refused = final_requests(&checked)
        .into_iter()
        .find(|c| c.record == silent)
        .unwrap();
    assert!(matches!(
        refused.verdict,
        Some(Verdict::OriginNotAccepted { .. })
    ));
    assert_eq!(
        (refused.observed, refused.agreement),
        (Observed::NoAnswer, Agreement::Agrees)
    );
    assert_eq!(refused.inferred, Some(InferredCause::OriginProbablyRefused));
    let (_, summary) = run(&capture, &options);
    let finding = summary
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::PolicyRefused)
        .unwrap();
    assert!(
        finding.finding.advice.contains(&format!("Add `{APP}`")),
        "{}",
        finding.finding.advice
    );
    assert_eq!(
        finding.finding.title,
        format!("Origin `{APP}` is not accepted: 1 request(s) refused")
    );
}

#[test]
fn a_jwt_request_outside_the_filter_is_refused_and_probably_so() {
    let mut capture = Capture::new();
    capture.request(0, MINUTE + 100.0, "agent.get", "0");
    capture.answer(1, MINUTE + 110.0, "0", json!({"data": {}}));
    let jwt = capture.request(0, MINUTE + 200.0, "auth.getJwtToken", "1");
    capture.request(0, MINUTE + 20_000.0, "agent.get", "2");
    let options = options(&format!(
        "service-client-api.accepted-web-content-origins={APP} (*)"
    ));
    let checked = assert_same_as_audit(&capture, &options);
    let check = final_requests(&checked)
        .into_iter()
        .find(|c| c.record == jwt)
        .unwrap();
    assert!(matches!(
        check.verdict,
        Some(Verdict::OutsideFilter {
            jwt_needs_explicit: true,
            ..
        })
    ));
    assert_eq!(check.inferred, Some(InferredCause::ProbablyOutsideFilter));
    let (_, summary) = run(&capture, &options);
    let finding = summary
        .findings
        .iter()
        .find(|f| f.finding.records.contains(&jwt))
        .unwrap();
    assert!(
        finding.finding.advice.contains("(*, auth.getJwtToken)"),
        "{}",
        finding.finding.advice
    );
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
fn a_refused_write_answered_with_success_disagrees() {
    let (capture, write, _) = written_then_read();
    let options = options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.write-allowed=Key1,Key3");
    let checked = assert_same_as_audit(&capture, &options);
    let check = final_requests(&checked)
        .into_iter()
        .find(|c| c.record == write)
        .unwrap();
    assert!(
        matches!(&check.verdict, Some(Verdict::KeysRefused { refused, .. }) if refused == &["Key4"])
    );
    assert!(matches!(check.agreement, Agreement::Disagrees { .. }));
    let (_, summary) = run(&capture, &options);
    assert!(summary
        .findings
        .iter()
        .any(|f| f.finding.code == FindingCode::PolicyRefused && f.finding.title.contains("Key4")));
}

#[test]
fn hidden_keys_are_named_per_read_and_per_interaction() {
    let (capture, write, event) = written_then_read();
    let options = options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.read-allowed=Key1,Key2,Key3");
    let checked = assert_same_as_audit(&capture, &options);
    let audit = audit_of(&capture, &options);
    let handed = reads(&checked);
    assert_eq!(handed, [audit.read(&event).unwrap().clone()]);
    assert_eq!(handed[0].hidden, ["Key4"]);
    let (_, summary) = run(&capture, &options);
    assert_eq!((summary.reads, summary.reads_hiding), (1, 1));
    let finding = summary
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::KeysHidden)
        .unwrap();
    assert_eq!(finding.finding.title, "Interaction 1: `Key4` not readable");
    assert_eq!(finding.finding.records, [event.clone(), write.clone()]);
    assert_eq!(finding.count, 2);
    let audited = audit
        .findings
        .iter()
        .find(|f| f.code == FindingCode::KeysHidden)
        .unwrap();
    assert_eq!(&finding.finding, audited);

    // Keys delivered that the pasted read-allowed hides: the options in force differ.
    let strict = parse_options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.read-allowed=Key2").unwrap().options;
    let (checked, summary) = run(&capture, &strict);
    assert_eq!(reads(&checked)[0].unreadable_delivered, ["Key1"]);
    assert_eq!(summary.reads_disagreeing, 1);
    assert_eq!(summary.disagreements(), 1);
}

#[test]
fn a_read_waits_for_the_write_before_it() {
    // The write's answer comes after the event: what the interaction holds depends on it.
    let mut capture = Capture::new();
    let write = request(
        &mut capture,
        MINUTE + 100.0,
        "interaction.setUserData",
        "0",
        json!(["1", {"Key4": "b"}]),
    );
    let event = capture.add(1, MINUTE + 120.0, SourceRelation::Parent, None, WWE,
        json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {}}}, "userAgent": "WWE Server", "protocolVersion": 2}));
    capture.answer(1, MINUTE + 130.0, "0", json!({"data": {}}));
    let options = options("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.read-allowed=Key1");
    let mut checker = Checker::new(options.clone());
    for frame in frames() {
        checker.add_frame(frame);
    }
    let facts = in_time_order(&capture);
    let mut handed: Vec<(usize, Checked)> = Vec::new();
    for (position, (frame, record)) in facts.iter().enumerate() {
        checker.add(*frame, record, |checked| handed.push((position, checked)));
    }
    // Both come when the answer is read: first the write, then the read it settles.
    let positions: Vec<usize> = handed.iter().map(|(p, _)| *p).collect();
    assert_eq!(positions, [2, 2]);
    let Checked::Read { check, .. } = &handed[1].1 else {
        panic!("{handed:?}")
    };
    assert_eq!(
        (&check.record, check.hidden.as_slice()),
        (&event, &["Key4".to_owned()][..])
    );
    let Checked::Request { check, .. } = &handed[0].1 else {
        panic!("{handed:?}")
    };
    assert_eq!(check.record, write);
    assert_same_as_audit(&capture, &options);
}

#[test]
fn a_late_answer_revises_a_request_handed_on_without_one() {
    let mut capture = Capture::new();
    let late = capture.request(0, MINUTE + 100.0, "agent.get", "0");
    capture.request(0, MINUTE + 10_500.0, "agent.getState", "1");
    capture.answer(1, MINUTE + 10_510.0, "1", json!({"data": {}}));
    capture.answer(1, MINUTE + 12_000.0, "0", json!({"data": {}}));
    let options = options("service-client-api.accepted-web-content-origins=http://nowhere.example");
    let checked = assert_same_as_audit(&capture, &options);
    let of_late: Vec<(&Observed, bool)> = checked
        .iter()
        .filter_map(|c| match c {
            Checked::Request { check, revised, .. } if check.record == late => {
                Some((&check.observed, *revised))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        of_late,
        [(&Observed::NoAnswer, false), (&Observed::Late, true)]
    );
    let (_, summary) = run(&capture, &options);
    assert_eq!(summary.revised, 1);
    assert_eq!(summary.by_observed.get("no answer"), Some(&0));
    assert_eq!(summary.by_observed["late answer"], 1);
    // Answered although the origin is refused: both requests disagree, once each.
    assert_eq!(summary.disagrees, 2);
    let disagreement = summary
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::PolicyDisagreement)
        .unwrap();
    assert_eq!(disagreement.count, 2);
    assert!(disagreement.finding.records.contains(&late));
}

#[test]
fn findings_keep_their_full_count_and_a_bounded_sample() {
    let mut capture = Capture::new();
    for n in 0..45 {
        capture.request(0, MINUTE + f64::from(n) * 10.0, "agent.get", &n.to_string());
    }
    let options = options(&format!(
        "service-client-api.accepted-web-content-origins={WWE}"
    ));
    let (_, summary) = run(&capture, &options);
    let finding = summary
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::PolicyRefused)
        .unwrap();
    assert_eq!(finding.count, 45);
    assert_eq!(finding.finding.records.len(), SAMPLE_LIMIT);
    assert!(finding.finding.title.contains("45 request(s) refused"));
    let audit = audit_of(&capture, &options);
    assert_eq!(
        finding.finding.records[..],
        audit.findings[0].records[..SAMPLE_LIMIT]
    );
}

#[test]
fn options_without_accepted_origins_are_flagged_as_the_audit_flags_them() {
    let (capture, _) = dial_burst();
    let options = options("service-client-api.rate-limit.voice.dial=4");
    assert_same_as_audit(&capture, &options);
    let (_, summary) = run(&capture, &options);
    let audit = audit_of(&capture, &options);
    let codes: Vec<FindingCode> = summary.findings.iter().map(|f| f.finding.code).collect();
    let audited: Vec<FindingCode> = audit.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, audited);
    assert!(codes.contains(&FindingCode::OptionsIncomplete));
}

#[test]
fn memory_holds_what_is_open_not_what_was_read() {
    let mut checker = Checker::new(options("service-client-api.accepted-web-content-origins=*"));
    for frame in frames() {
        checker.add_frame(frame);
    }
    let mut capture = Capture::new();
    let requests = SETTLED_KEPT + 5_000;
    for n in 0..requests {
        let time = MINUTE + n as f64;
        capture.request(0, time, "agent.getState", &n.to_string());
        // Every tenth request never gets an answer.
        if n % 10 != 0 {
            capture.answer(1, time + 0.5, &n.to_string(), json!({"data": {}}));
        }
    }
    let mut handed = 0;
    for (frame, facts) in in_time_order(&capture) {
        checker.add(frame, &facts, |_| handed += 1);
    }
    assert!(checker.pairer.len() <= SETTLED_KEPT + checker.unanswered);
    assert!(checker.unanswered <= 1_001, "{}", checker.unanswered);
    assert!(checker.waiting.len() <= 2 * 10_001);
    let summary = checker.finish(|_| handed += 1);
    assert_eq!(handed, requests);
    assert_eq!(summary.requests, requests as u64);
}

/// A step of a generated conversation between Workspace and its two apps.
#[derive(Clone, Debug)]
enum Step {
    Request {
        app: u32,
        call: Call,
        answer: Answer,
    },
    Event {
        app: u32,
        interaction: u8,
        keys: Vec<&'static str>,
    },
}

#[derive(Clone, Debug)]
enum Call {
    Named(&'static str),
    SetUserData {
        interaction: u8,
        keys: Vec<&'static str>,
    },
    DeleteUserData {
        interaction: u8,
        key: &'static str,
    },
    Subscribe,
}

#[derive(Clone, Debug)]
enum Answer {
    None,
    Success { latency: f64 },
    RateLimit { latency: f64 },
    Error { latency: f64 },
}

fn any_key() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("K1"), Just("K2"), Just("K3"), Just("K4")]
}

fn any_step() -> impl Strategy<Value = Step> {
    let name = prop_oneof![
        Just("voice.dial"),
        Just("agent.get"),
        Just("agent.getState"),
        Just("auth.getJwtToken"),
    ];
    let call = prop_oneof![
        4 => name.prop_map(Call::Named),
        2 => (0u8..2, proptest::collection::vec(any_key(), 1..3))
            .prop_map(|(interaction, keys)| Call::SetUserData { interaction, keys }),
        1 => (0u8..2, any_key()).prop_map(|(interaction, key)| Call::DeleteUserData { interaction, key }),
        1 => Just(Call::Subscribe),
    ];
    let latency = prop_oneof![0.0f64..50.0, 50.0f64..15_000.0];
    let answer = prop_oneof![
        1 => Just(Answer::None),
        3 => latency.clone().prop_map(|latency| Answer::Success { latency }),
        1 => latency.clone().prop_map(|latency| Answer::RateLimit { latency }),
        1 => latency.prop_map(|latency| Answer::Error { latency }),
    ];
    prop_oneof![
        3 => (0u32..2, call, answer).prop_map(|(app, call, answer)| Step::Request { app, call, answer }),
        1 => (0u32..2, 0u8..2, proptest::collection::vec(any_key(), 0..4))
            .prop_map(|(app, interaction, keys)| Step::Event { app, interaction, keys }),
    ]
}

fn any_options() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("service-client-api.accepted-web-content-origins=*\nservice-client-api.rate-limit.voice.dial=2\nservice-client-api.user-data.read-allowed=K1,K2\nservice-client-api.user-data.write-allowed=K1,K3"),
        Just("service-client-api.accepted-web-content-origins=http://127.0.0.1:8080 (agent.*, interaction.*), http://localhost:8080 (voice.dial, interaction.setUserData)\nservice-client-api.rate-limit=3\nservice-client-api.rate-limit-quarantine-delay=0"),
        Just("service-client-api.rate-limit.voice.dial=1"),
        Just("service-client-api.accepted-web-content-origins=http://localhost:8080 (*)\nservice-client-api.rate-limit.agent.get=2\nservice-client-api.rate-limit-quarantine-delay=5\nservice-client-api.user-data.read-allowed=K2"),
    ]
}

/// Plays the steps; `gaps` spaces them (some close, some more than 10 s apart).
fn play(steps: &[Step], gaps: &[f64]) -> Capture {
    let mut capture = Capture::new();
    let mut time = MINUTE + 500.0;
    let mut references = [0u32; 2];
    for (index, step) in steps.iter().enumerate() {
        time += gaps[index % gaps.len()];
        match step {
            Step::Request { app, call, answer } => {
                let reference_id = references[*app as usize].to_string();
                references[*app as usize] += 1;
                let mut raw = match call {
                    Call::Named(name) => json!({"request": name}),
                    Call::SetUserData { interaction, keys } => {
                        let data: serde_json::Map<String, Value> =
                            keys.iter().map(|k| ((*k).to_owned(), json!("v"))).collect();
                        json!({"request": "interaction.setUserData", "parameters": [interaction.to_string(), data]})
                    }
                    Call::DeleteUserData { interaction, key } => {
                        json!({"request": "interaction.deleteUserData", "parameters": [interaction.to_string(), key]})
                    }
                    Call::Subscribe => json!({"event": "subscribe", "data": ["agent"]}),
                };
                raw["referenceId"] = json!(reference_id);
                raw["userAgent"] = json!("WWE Client");
                raw["protocolVersion"] = json!(2);
                let origin = if *app == 0 { APP } else { WWE };
                capture.add(0, time, SourceRelation::Child, Some(*app), origin, raw);
                // A write answered after 10 s would change what reads before its answer see
                // (the checker settles the write at 10 s): writes are answered in time here.
                let is_write =
                    matches!(call, Call::SetUserData { .. } | Call::DeleteUserData { .. });
                let in_time = |latency: f64| if is_write { latency % 9_000.0 } else { latency };
                let body = match answer {
                    Answer::None => None,
                    Answer::Success { latency } => Some((in_time(*latency), json!({"data": {}}))),
                    Answer::RateLimit { latency } => Some((
                        in_time(*latency),
                        json!({"errorMessage": LIMIT_TEXT, "request": "voice.dial"}),
                    )),
                    Answer::Error { latency } => {
                        Some((in_time(*latency), json!({"errorMessage": "Not now"})))
                    }
                };
                if let Some((latency, body)) = body {
                    capture.answer(*app as usize + 1, time + latency, &reference_id, body);
                }
            }
            Step::Event {
                app,
                interaction,
                keys,
            } => {
                let data: serde_json::Map<String, Value> =
                    keys.iter().map(|k| ((*k).to_owned(), json!("v"))).collect();
                capture.add(*app as usize + 1, time, SourceRelation::Parent, None, WWE,
                    json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": interaction.to_string(), "userData": data}}, "userAgent": "WWE Server", "protocolVersion": 2}));
            }
        }
    }
    capture
}

/// Findings with their records in a set order: a revision moves a record within its group.
fn comparable(findings: impl Iterator<Item = Finding>) -> Vec<Finding> {
    findings
        .map(|mut finding| {
            finding.records.sort();
            finding
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn in_time_order_the_checker_says_what_the_audit_says(
        steps in proptest::collection::vec(any_step(), 0..50),
        gaps in proptest::collection::vec(prop_oneof![1.0f64..100.0, 100.0f64..4_000.0, 9_000.0f64..12_000.0], 1..6),
        options_text in any_options(),
    ) {
        let capture = play(&steps, &gaps);
        let options = options(options_text);
        let (checked, summary) =
            check_with(Checker::with_sample_limit(options.clone(), usize::MAX), &capture);
        let audit = audit_of(&capture, &options);
        prop_assert_eq!(judged(&final_requests(&checked)), judged(&audit.requests));
        let audited_reads: Vec<ReadCheck> = audit
            .reads
            .iter()
            .filter(|r| !r.hidden.is_empty() || !r.unreadable_delivered.is_empty())
            .cloned()
            .collect();
        prop_assert_eq!(reads(&checked), audited_reads);
        prop_assert_eq!(summary.reads, audit.reads.len() as u64);
        prop_assert_eq!(
            comparable(summary.findings.iter().map(|f| f.finding.clone())),
            comparable(audit.findings.iter().cloned())
        );
        for finding in &summary.findings {
            prop_assert_eq!(finding.count, finding.finding.records.len() as u64);
        }
        let disagreeing = audit
            .requests
            .iter()
            .filter(|c| matches!(c.agreement, Agreement::Disagrees { .. }))
            .count();
        prop_assert_eq!(summary.disagrees, disagreeing as u64);
        prop_assert_eq!(summary.closed_early, 0);
    }
}

#[test]
fn a_log_that_says_when_it_ended_settles_its_last_requests_as_of_then() {
    let (capture, dials) = dial_burst();
    let last = capture
        .records
        .iter()
        .map(|(_, r)| r.time)
        .fold(0.0, f64::max);
    let sixth_at_end = |end: f64| {
        let mut checker = Checker::new(options(SEED_RATES));
        checker.capture_ended(end);
        let (checked, _) = check_with(checker, &capture);
        final_requests(&checked)
            .into_iter()
            .find(|check| check.record == dials[5])
            .map(|check| check.observed)
    };
    // Saved within 10 s of the sixth dial: still pending; 10 s and more after: no answer came.
    assert_eq!(sixth_at_end(last + 1_000.0), Some(Observed::Pending));
    assert_eq!(sixth_at_end(last + 10_001.0), Some(Observed::NoAnswer));
}
