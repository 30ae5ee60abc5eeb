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

/// A capture of the corpus: its name, frames, records and options.
type CorpusCapture = (
    String,
    Vec<FrameInfo>,
    Vec<(usize, Facts)>,
    WorkspaceOptions,
);

/// The failure corpus (`tests/fixtures/failures/`): each capture as frames (one per receiving
/// frame URL, positions unknown, as an imported raw capture) and records in file order, with its
/// options.
fn corpus() -> Vec<CorpusCapture> {
    use crate::HookRecord;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/failures");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    names
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut frames: Vec<FrameInfo> = Vec::new();
            let mut seqs: Vec<u64> = Vec::new();
            let mut records = Vec::new();
            for line in text.lines().filter(|line| !line.trim().is_empty()) {
                let hook = HookRecord::parse(line).unwrap();
                let frame = match frames.iter().position(|f| f.url == hook.frame_url) {
                    Some(index) => index,
                    None => {
                        frames.push(hook.frame_info());
                        seqs.push(0);
                        frames.len() - 1
                    }
                };
                let record = Record::from_hook(seqs[frame], hook);
                seqs[frame] += 1;
                records.push((frame, Facts::of(&record)));
            }
            let options = std::fs::read_to_string(path.with_extension("options.ini"))
                .map(|text| {
                    crate::policy::options::parse_options(&text)
                        .unwrap()
                        .options
                })
                .unwrap_or_default();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, frames, records, options)
        })
        .collect()
}

fn assert_same(name: &str, stepped: &Diagnosis, whole: &Diagnosis) {
    assert_eq!(stepped.correlation, whole.correlation, "{name}: pairing");
    assert_eq!(stepped.audit, whole.audit, "{name}: audit");
    assert_eq!(stepped.findings, whole.findings, "{name}: findings");
}

/// The panel runs the engine a few thousand records at a time between frames: every way of
/// cutting the work gives what one call gives — on each capture of the failure corpus, with its
/// options and without, and on all of them at once (many frames, records out of time order,
/// every finding the engine knows).
#[test]
fn the_analysis_job_in_small_steps_finds_exactly_what_one_call_finds() {
    let corpus = corpus();
    // All of them as one capture: frames renamed apart, the files' records interleaved.
    let mut frames = Vec::new();
    let mut all: Vec<(usize, Facts)> = Vec::new();
    for (index, (name, file_frames, records, _)) in corpus.iter().enumerate() {
        let base = frames.len();
        frames.extend(file_frames.iter().map(|frame| FrameInfo {
            key: format!("{name}:{}", frame.key).into(),
            ..frame.clone()
        }));
        for (at, (frame, facts)) in records.iter().enumerate() {
            let mut facts = facts.clone();
            // Out of time order, with ties: the job sorts as the engine always did.
            facts.time += ((index * 7 + at * 13) % 5) as f64 * 1000.0;
            all.push((base + frame, facts));
        }
    }
    let mut cases = corpus;
    cases.push(("all".to_owned(), frames, all, WorkspaceOptions::default()));
    let mut stepped_cases = 0;
    for (name, frames, records, options) in &cases {
        let refs = as_refs(records);
        let end = refs.iter().map(|(_, r)| r.time).fold(0.0, f64::max);
        for options in [None, Some(options)] {
            let whole = diagnose(frames, &refs, end, options);
            for units in [1usize, 3, 50] {
                let mut job = AnalysisJob::new(frames, refs.len(), end, options);
                let mut steps = 0;
                let mut last = (0, 1);
                while !job.step(&refs, &mut Budget::new(units)) {
                    steps += 1;
                    let progress = job.progress();
                    assert!(
                        progress.0 >= last.0 && progress.0 < progress.1,
                        "{name}: {progress:?}"
                    );
                    last = progress;
                }
                assert!(
                    units > 1 || steps > refs.len(),
                    "{name}: {steps} steps of {units}"
                );
                stepped_cases += 1;
                assert_eq!(job.progress().0, job.progress().1);
                assert_same(&format!("{name}, {units} a step"), &job.finish(), &whole);
            }
        }
    }
    assert!(stepped_cases > 100);
    // What the corpus shows is there to compare: pairs, verdicts, findings of every kind.
    let (_, frames, records, _) = cases.last().unwrap();
    let all = diagnose(frames, &as_refs(records), f64::MAX, None);
    assert!(all.findings.len() > 20, "{:#?}", all.findings);
}
