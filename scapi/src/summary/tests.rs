use super::*;
use crate::correlate::{correlate, ExchangeState};
use crate::findings::find;
use crate::test_capture::{frames, Capture, APP, WWE};
use crate::SourceRelation;
use proptest::prelude::*;
use serde_json::json;

const T0: f64 = 1_732_467_255_000.0;

fn summarize(capture: &Capture, frames: &[FrameInfo]) -> Summary {
    let mut summarizer = Summarizer::new();
    for frame in frames {
        summarizer.add_frame(frame.clone());
    }
    let mut records = capture.refs();
    records.sort_by(|a, b| a.1.time.total_cmp(&b.1.time));
    for (frame, record) in records {
        summarizer.add(frame, record);
    }
    summarizer.finish()
}

/// What `correlate` and `find` say about the same capture, in the summary's terms.
fn expected(
    capture: &Capture,
    frames: &[FrameInfo],
) -> (BTreeMap<FindingCode, u64>, BTreeMap<String, [u64; 5]>) {
    let records = capture.refs();
    let now = records.iter().map(|(_, r)| r.time).fold(0.0, f64::max);
    let correlation = correlate(frames, &records, now);
    let mut codes = BTreeMap::new();
    for finding in find(frames, &records, &correlation) {
        *codes.entry(finding.code).or_default() += 1;
    }
    let mut states: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    for exchange in &correlation.exchanges {
        let Some(name) = &exchange.name else { continue };
        let slot = match exchange.state {
            ExchangeState::Answered => 0,
            ExchangeState::Failed => 1,
            ExchangeState::Late => 2,
            ExchangeState::TimedOut => 3,
            ExchangeState::Pending => 4,
            ExchangeState::Orphan | ExchangeState::Sent => continue,
        };
        states.entry(name.clone()).or_default()[slot] += 1;
    }
    (codes, states)
}

fn states_of(summary: &Summary) -> BTreeMap<String, [u64; 5]> {
    summary
        .requests
        .iter()
        .map(|(name, r)| {
            (
                name.clone(),
                [r.answered, r.failed, r.late, r.timed_out, r.pending],
            )
        })
        .filter(|(_, states)| states.iter().sum::<u64>() > 0)
        .collect()
}

fn seeded() -> Capture {
    let mut capture = Capture::new();
    capture.add(
        1,
        T0,
        SourceRelation::Parent,
        None,
        WWE,
        json!({"frameId": 3, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    capture.request(0, T0 + 10.0, "agent.getState", "0");
    capture.answer(
        1,
        T0 + 18.5,
        "0",
        json!({"data": {"operationName": "Ready"}}),
    );
    capture.request(0, T0 + 20.0, "agent.getState", "1");
    capture.answer(
        1,
        T0 + 22.0,
        "1",
        json!({"data": {"operationName": "Ready"}}),
    );
    capture.request(0, T0 + 30.0, "voice.dial", "2");
    capture.answer(1, T0 + 33.5, "2", json!({"errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.", "request": "voice.dial"}));
    capture.request(0, T0 + 40.0, "interaction.setUserData", "3");
    capture.answer(
        1,
        T0 + 45.0,
        "3",
        json!({"errorMessage": "Key MyKEY1 is not allowed"}),
    );
    capture.request(0, T0 + 50.0, "voice.pauseRecording", "4");
    capture.add(0, T0 + 60.0, SourceRelation::Child, Some(0), APP,
        json!({"event": "subscribe", "data": ["agent"], "referenceId": "5", "userAgent": "WWE Client", "protocolVersion": 2}));
    capture.answer(1, T0 + 61.0, "5", json!({"subscriptionId": 1}));
    capture.add(1, T0 + 70.0, SourceRelation::Parent, None, WWE,
        json!({"event": "interaction", "data": {"eventType": "ADDED", "interaction": {"interactionId": "1"}}, "userAgent": "WWE Server", "protocolVersion": 2}));
    capture.answer(1, T0 + 80.0, "9", json!({"data": {}}));
    capture.add(
        0,
        T0 + 90.0,
        SourceRelation::SelfWindow,
        None,
        WWE,
        json!({"source": "widget"}),
    );
    capture.request(1, T0 + 20_000.0, "agent.get", "0");
    capture
}

#[test]
fn counts_kinds_names_frames_and_origins() {
    let summary = summarize(&seeded(), &frames());
    assert_eq!(summary.records, 16);
    assert_eq!(summary.by_kind["request"], 6);
    assert_eq!(summary.by_kind["response"], 6);
    assert_eq!(summary.by_kind["foreign"], 1);
    assert_eq!(summary.by_frame[&format!("{WWE}/wwe.html")], 8);
    assert_eq!(summary.by_origin[APP], 6);
    assert_eq!(summary.first_time, Some(T0));
    assert_eq!(summary.last_time, Some(T0 + 20_000.0));
    let get_state = &summary.requests["agent.getState"];
    assert_eq!((get_state.count, get_state.answered), (2, 2));
    let latency = get_state.latency.as_ref().unwrap();
    assert_eq!((latency.median, latency.p95, latency.max), (2.0, 8.5, 8.5));
    assert_eq!(summary.requests["voice.pauseRecording"].timed_out, 1);
    assert_eq!(summary.requests["agent.get"].pending, 1);
    assert_eq!(summary.orphans, 1);
}

#[test]
fn failures_and_rate_limits_are_named() {
    let summary = summarize(&seeded(), &frames());
    assert_eq!(
        summary.failures,
        [
            FailureSummary {
                request: "interaction.setUserData".into(),
                error_message: "Key MyKEY1 is not allowed".into(),
                count: 1
            },
            FailureSummary {
                request: "voice.dial".into(),
                error_message: "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.".into(),
                count: 1
            },
        ]
    );
    assert_eq!(
        summary.rate_limits,
        [RateLimitSummary {
            request: "voice.dial".into(),
            quarantine_seconds: Some(30),
            forever: false,
            count: 1
        }]
    );
}

#[test]
fn findings_and_states_are_those_of_correlate_and_find() {
    let capture = seeded();
    let summary = summarize(&capture, &frames());
    let (codes, states) = expected(&capture, &frames());
    assert_eq!(summary.findings.by_code, codes);
    assert_eq!(states_of(&summary), states);
    let total: u64 = codes.values().sum();
    assert_eq!(
        summary.findings.error + summary.findings.warning + summary.findings.info,
        total
    );
}

#[test]
fn percentiles_are_exact_for_few_answers_and_within_one_percent_for_many() {
    let mut few = Latencies::default();
    for ms in [5.0, 1.0, 3.0, 2.0, 4.0] {
        few.add(ms);
    }
    let figures = few.summary().unwrap();
    assert_eq!((figures.median, figures.p95, figures.max), (3.0, 5.0, 5.0));

    let mut many = Latencies::default();
    for n in 1..=10_000 {
        many.add(f64::from(n) / 10.0);
    }
    let figures = many.summary().unwrap();
    assert!((figures.median - 500.0).abs() <= 5.0, "{figures:?}");
    assert!((figures.p95 - 950.0).abs() <= 9.5, "{figures:?}");
    assert_eq!(figures.max, 1000.0);
    assert!(many.exact.is_empty());
}

#[test]
fn the_oldest_exchanges_close_when_too_many_are_open() {
    let mut capture = Capture::new();
    for n in 0..10 {
        capture.request(0, T0 + f64::from(n), "agent.getState", &n.to_string());
    }
    capture.answer(1, T0 + 20.0, "9", json!({"data": {}}));
    let mut summarizer = Summarizer::with_open_limit(4);
    for frame in frames() {
        summarizer.add_frame(frame);
    }
    for (frame, record) in capture.refs() {
        summarizer.add(frame, record);
    }
    let summary = summarizer.finish();
    assert_eq!(summary.closed_early, 6);
    assert_eq!(summary.requests["agent.getState"].timed_out, 6);
    assert_eq!(summary.requests["agent.getState"].answered, 1);
    assert_eq!(summary.requests["agent.getState"].pending, 3);
}

/// A step of a generated conversation between Workspace and its two apps.
#[derive(Clone, Debug)]
enum Step {
    Request {
        app: u32,
        name: &'static str,
        answer: Option<(f64, bool)>,
        twice: bool,
    },
    Subscribe {
        app: u32,
        topics: Vec<&'static str>,
        id: u32,
    },
    Unsubscribe {
        app: u32,
        id: u32,
    },
    Event {
        app: u32,
        topic: &'static str,
        event_type: &'static str,
    },
    Orphan {
        app: u32,
    },
    Foreign,
}

fn any_step() -> impl Strategy<Value = Step> {
    let name = prop_oneof![
        Just("agent.getState"),
        Just("voice.dial"),
        Just("voice.pauseRecording"),
        Just("agent.setState")
    ];
    let topic = prop_oneof![Just("agent"), Just("interaction"), Just("media")];
    prop_oneof![
        (
            0u32..2,
            name,
            proptest::option::of((0.0f64..15_000.0, any::<bool>())),
            any::<bool>()
        )
            .prop_map(|(app, name, answer, twice)| Step::Request {
                app,
                name,
                answer,
                twice
            }),
        (
            0u32..2,
            proptest::collection::vec(topic.clone(), 1..3),
            0u32..4
        )
            .prop_map(|(app, topics, id)| Step::Subscribe { app, topics, id }),
        (0u32..2, 0u32..4).prop_map(|(app, id)| Step::Unsubscribe { app, id }),
        (
            0u32..2,
            topic,
            prop_oneof![Just("STATE_CHANGED"), Just("MYSTERY")]
        )
            .prop_map(|(app, topic, event_type)| Step::Event {
                app,
                topic,
                event_type
            }),
        (0u32..2).prop_map(|app| Step::Orphan { app }),
        Just(Step::Foreign),
    ]
}

fn play(steps: &[Step]) -> Capture {
    let mut capture = Capture::new();
    let mut time = T0;
    let mut reference = [0u32; 2];
    let mut next_reference = |app: u32| {
        let id = reference[app as usize];
        reference[app as usize] += 1;
        id.to_string()
    };
    for step in steps {
        time += 100.0;
        match step {
            Step::Request {
                app,
                name,
                answer,
                twice,
            } => {
                let reference_id = next_reference(*app);
                capture.request(*app, time, name, &reference_id);
                if let Some((latency, failed)) = answer {
                    let body = if *failed {
                        json!({"errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds."})
                    } else {
                        json!({"data": {"operationName": "Ready"}})
                    };
                    capture.answer(
                        *app as usize + 1,
                        time + latency,
                        &reference_id,
                        body.clone(),
                    );
                    if *twice {
                        capture.answer(
                            *app as usize + 1,
                            time + latency + 1.0,
                            &reference_id,
                            body,
                        );
                    }
                }
            }
            Step::Subscribe { app, topics, id } => {
                let reference_id = next_reference(*app);
                let origin = if *app == 0 { APP } else { WWE };
                capture.add(
                    0,
                    time,
                    SourceRelation::Child,
                    Some(*app),
                    origin,
                    json!({"event": "subscribe", "data": topics, "referenceId": reference_id,
                           "userAgent": "WWE Client", "protocolVersion": 2}),
                );
                capture.answer(
                    *app as usize + 1,
                    time + 1.0,
                    &reference_id,
                    json!({"subscriptionId": id}),
                );
            }
            Step::Unsubscribe { app, id } => {
                let reference_id = next_reference(*app);
                let origin = if *app == 0 { APP } else { WWE };
                capture.add(
                    0,
                    time,
                    SourceRelation::Child,
                    Some(*app),
                    origin,
                    json!({"event": "unsubscribe", "data": id, "referenceId": reference_id,
                           "userAgent": "WWE Client", "protocolVersion": 2}),
                );
            }
            Step::Event {
                app,
                topic,
                event_type,
            } => {
                capture.add(*app as usize + 1, time, SourceRelation::Parent, None, WWE,
                    json!({"event": topic, "data": {"eventType": event_type}, "userAgent": "WWE Server", "protocolVersion": 2}));
            }
            Step::Orphan { app } => {
                capture.answer(*app as usize + 1, time, "999", json!({"data": {}}));
            }
            Step::Foreign => {
                capture.add(
                    0,
                    time,
                    SourceRelation::SelfWindow,
                    None,
                    WWE,
                    json!({"foreign": true}),
                );
            }
        }
    }
    capture
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn in_time_order_the_summary_agrees_with_correlate_and_find(steps in proptest::collection::vec(any_step(), 0..40)) {
        let capture = play(&steps);
        let summary = summarize(&capture, &frames());
        let (codes, states) = expected(&capture, &frames());
        prop_assert_eq!(&summary.findings.by_code, &codes);
        prop_assert_eq!(states_of(&summary), states);
        prop_assert_eq!(summary.closed_early, 0);
    }
}

#[test]
fn answered_exchanges_are_forgotten_beyond_a_window() {
    let mut capture = Capture::new();
    let answered = ANSWERED_KEPT + 2_000;
    for n in 0..answered {
        let time = T0 + n as f64;
        let reference_id = n.to_string();
        capture.request(0, time, "agent.getState", &reference_id);
        capture.answer(1, time + 0.5, &reference_id, json!({"data": {}}));
    }
    let mut summarizer = Summarizer::new();
    for frame in frames() {
        summarizer.add_frame(frame);
    }
    for (frame, record) in capture.refs() {
        summarizer.add(frame, record);
    }
    assert_eq!(summarizer.pairer.len(), ANSWERED_KEPT);
    assert_eq!(summarizer.unanswered, 0);
    assert!(
        summarizer.opened.len() <= 2 * 1024 + 2,
        "{}",
        summarizer.opened.len()
    );
    assert_eq!(summarizer.pairer.client_count(), 1);
    let summary = summarizer.finish();
    assert_eq!(summary.requests["agent.getState"].answered, answered as u64);
    assert_eq!(summary.closed_early, 0);
}

#[test]
fn a_capture_that_says_when_it_ended_is_judged_as_of_then() {
    let summarize_ended = |end: Option<f64>| {
        let capture = seeded();
        let mut summarizer = Summarizer::new();
        for frame in frames() {
            summarizer.add_frame(frame);
        }
        for (frame, record) in capture.refs() {
            summarizer.add(frame, record);
        }
        if let Some(end) = end {
            summarizer.capture_ended(end);
        }
        summarizer.finish().requests["agent.get"].clone()
    };
    // Its last record: the request sent then is pending.
    assert_eq!(summarize_ended(None).pending, 1);
    // Saved 10 s and more after it: no answer came within the client's 10 s.
    let late = summarize_ended(Some(T0 + 30_001.0));
    assert_eq!((late.pending, late.timed_out), (0, 1));
    // An end before the last record (a clock step) does not undo what the records show.
    assert_eq!(summarize_ended(Some(T0)).pending, 1);
}
