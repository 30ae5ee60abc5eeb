use super::*;
use crate::capture::SourceRelation;
use serde_json::{json, Value};

fn frame(key: &str, is_top: bool) -> FrameInfo {
    FrameInfo {
        key: key.into(),
        url: format!("http://apps.test/{key}.html"),
        origin: "http://apps.test".into(),
        is_top,
        placement: crate::FramePlacement {
            depth: u32::from(!is_top),
            index_in_parent: (!is_top).then_some(0),
            has_opener: false,
        },
        ..Default::default()
    }
}

fn hook_line(data: Value, source: SourceRelation) -> String {
    serde_json::to_string(&HookRecord {
        v: 1,
        time: 1_764_000_000_000.0,
        wall: 1_764_000_000_000.0,
        frame_url: "http://apps.test/app.html".into(),
        frame_origin: "http://apps.test".into(),
        is_top: false,
        origin: if source == SourceRelation::Child {
            "http://apps.test".into()
        } else {
            "http://wwe.test".into()
        },
        source,
        child_index: (source == SourceRelation::Child).then_some(0),
        ports: 0,
        hook_dropped: 0,
        data,
    })
    .unwrap()
}

/// A request as the vendor client sends it, at the Workspace frame.
fn request(reference_id: u32) -> String {
    hook_line(
        json!({"request": "agent.getState", "parameters": [], "referenceId": reference_id.to_string(),
            "userAgent": "WWE Service Client", "protocolVersion": 2}),
        SourceRelation::Child,
    )
}

/// Workspace's answer, at the app frame.
fn failure(reference_id: u32, message: &str) -> String {
    hook_line(
        json!({"referenceId": reference_id.to_string(), "errorMessage": message,
            "request": "voice.dial", "userAgent": "WWE Server", "protocolVersion": 2}),
        SourceRelation::Parent,
    )
}

fn foreign(n: u32) -> String {
    hook_line(json!({"type": "resize", "n": n}), SourceRelation::Parent)
}

fn lines(lines: &[String]) -> String {
    lines.join("\n")
}

fn seqs(batches: &[Batch], key: &str) -> Vec<u64> {
    batches
        .iter()
        .filter(|batch| &*batch.frame.key == key)
        .flat_map(|batch| batch.digests.iter().map(|record| record.facts.seq))
        .collect()
}

#[test]
fn a_gone_frame_is_replayed_in_order_and_once() {
    let mut log = TabLog::new();
    let batch = log.ingest(
        frame("dialog", false),
        0,
        &lines(&[request(0), request(1)]),
        0,
        0,
        true,
    );
    assert_eq!(batch.digests.len(), 2);
    // The frame did not see the acknowledgement and sends again, with one more line.
    let again = log.ingest(
        frame("dialog", false),
        0,
        &lines(&[request(0), request(1), request(2)]),
        0,
        0,
        true,
    );
    assert_eq!(
        again
            .digests
            .iter()
            .map(|r| r.facts.seq)
            .collect::<Vec<_>>(),
        [2]
    );
    log.end_frame("dialog", 5.0);
    let history = log.history();
    assert_eq!(seqs(&history, "dialog"), [0, 1, 2]);
    assert!(history.iter().all(|batch| batch.replay));
    assert_eq!(history[0].frame.ended, Some(5.0));
    assert_eq!(history[0].captured, 3);
}

#[test]
fn foreign_messages_never_push_scapi_records_out() {
    let mut log = TabLog::new();
    log.ingest(frame("app", false), 0, &lines(&[request(0)]), 0, 0, true);
    let flood: Vec<String> = (0..FOREIGN_LINES as u32 + 10).map(foreign).collect();
    log.ingest(frame("app", false), 1, &lines(&flood), 0, 0, true);
    let history = log.history();
    let records: Vec<_> = history.iter().flat_map(|batch| &batch.digests).collect();
    assert_eq!(records.len(), FOREIGN_LINES + 1);
    assert_eq!(records[0].facts.seq, 0, "the SCAPI request is kept");
    let logged = &log.frames()[0];
    assert_eq!((logged.evicted, logged.foreign_evicted), (0, 10));
    assert_eq!(history[0].foreign_evicted, 10);
}

#[test]
fn the_bound_counts_exactly_what_it_pushes_out() {
    let mut log = TabLog::new();
    let total = SCAPI_LINES + 123;
    let all: Vec<String> = (0..total as u32).map(request).collect();
    for (at, chunk) in all.chunks(1000).enumerate() {
        log.ingest(
            frame("wwe", true),
            (at * 1000) as u64,
            &lines(chunk),
            0,
            0,
            true,
        );
    }
    let logged = &log.frames()[0];
    assert_eq!(logged.evicted, 123);
    assert_eq!(log.len(), SCAPI_LINES);
    assert_eq!(logged.next_seq as usize, total);
    let history = log.history();
    assert_eq!(seqs(&history, "wwe").first(), Some(&123));
    assert!(history
        .iter()
        .all(|batch| batch.digests.len() <= REPLAY_BATCH));
}

#[test]
fn losses_and_unreadable_lines_are_counted_apart() {
    let mut log = TabLog::new();
    let batch = log.ingest(
        frame("app", false),
        0,
        &lines(&[request(0), "{not json".into(), request(2)]),
        7,
        4,
        true,
    );
    assert_eq!(batch.digests.len(), 2);
    assert_eq!((batch.dropped, batch.unreadable, batch.captured), (7, 1, 3));
    assert_eq!(batch.foreign_evicted, 4);
    // Totals, not increments: a chunk sent again does not count them twice.
    let again = log.ingest(frame("app", false), 0, &lines(&[request(0)]), 7, 4, true);
    assert_eq!((again.dropped, again.foreign_evicted), (7, 4));
    assert!(log
        .take_error()
        .unwrap()
        .contains("not a raw capture record"));
}

#[test]
fn a_restored_log_is_the_log_that_was_persisted() {
    let mut logs = Logs::default();
    let tab = 17;
    logs.tab(tab).ingest(
        frame("wwe", true),
        0,
        &lines(&[request(0), foreign(1)]),
        0,
        0,
        true,
    );
    let first = logs.take_writes();
    assert!(first.set.contains_key(&meta_key(tab)));
    assert_eq!(first.acks, [(tab, "wwe".to_owned(), 2)]);
    logs.tab(tab).ingest(
        frame("popup", true),
        0,
        &lines(&[failure(0, "Request timeout")]),
        0,
        0,
        true,
    );
    logs.tab(tab).end_frame("popup", 9.0);
    let second = logs.take_writes();
    // Storage as the browser keeps it: every write applied in turn.
    let mut stored = BTreeMap::new();
    for writes in [first, second] {
        stored.extend(writes.set);
        for key in writes.remove {
            stored.remove(&key);
        }
    }
    let (mut restored, errors) = Logs::restore(&stored);
    assert!(errors.is_empty(), "{errors:?}");
    let before = logs.tab(tab).history();
    let after = restored.tab(tab).history();
    assert_eq!(after, before);
    assert_eq!(restored.tab(tab).frames()[1].info.ended, Some(9.0));
    // It goes on where it stopped: a resent line is not kept twice.
    let again = restored.tab(tab).ingest(
        frame("wwe", true),
        1,
        &lines(&[foreign(1), request(2)]),
        0,
        0,
        true,
    );
    assert_eq!(
        again
            .digests
            .iter()
            .map(|r| r.facts.seq)
            .collect::<Vec<_>>(),
        [2]
    );
}

#[test]
fn a_segment_gives_back_each_line_exactly_as_captured() {
    // Lines as a page may make them: spaces, a trailing carriage return, quotes and escapes,
    // non-ASCII text, and one that is not JSON at all (kept, to be counted unreadable later).
    let texts = [
        request(0),
        "{\"v\":1,\"data\":\"a b  c\\\"\\n\"}\r".to_owned(),
        hook_line(
            json!({"event": "x", "data": "Grüße  ✓"}),
            SourceRelation::Parent,
        ),
        "not json at all".to_owned(),
    ];
    let kept: Vec<Line> = texts
        .iter()
        .enumerate()
        .map(|(n, text)| Line {
            id: 40 + n as u64,
            frame: n as u32 % 2,
            seq: 7 + n as u64,
            text: text.as_str().into(),
            scapi: false,
            facts: None,
            decoded: false,
        })
        .collect();
    let restored = decode_segment(&encode_segment(&kept.iter().collect::<Vec<_>>())).unwrap();
    let round: Vec<(u64, u32, u64, &str)> = restored
        .iter()
        .map(|line| (line.id, line.f, line.s, line.t.as_str()))
        .collect();
    let expected: Vec<(u64, u32, u64, &str)> = kept
        .iter()
        .map(|line| (line.id, line.frame, line.seq, &*line.text))
        .collect();
    assert_eq!(round, expected);
}

#[test]
fn a_segment_an_earlier_version_wrote_is_read() {
    use base64::Engine;
    let line = request(3);
    let old = format!(
        "12 {}\n",
        json!({"f": 1, "s": 3, "t": line}) // `<id> {"f":frame,"s":seq,"t":"<line>"}`
    );
    let text = base64::engine::general_purpose::STANDARD
        .encode(miniz_oxide::deflate::compress_to_vec(old.as_bytes(), 1));
    let restored = decode_segment(&text).unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!((restored[0].id, restored[0].f, restored[0].s), (12, 1, 3));
    assert_eq!(restored[0].t, line);
    // A line that is neither form is named.
    let broken = base64::engine::general_purpose::STANDARD
        .encode(miniz_oxide::deflate::compress_to_vec(b"5 x 1 {}\n", 1));
    assert_eq!(
        decode_segment(&broken).err().unwrap(),
        "tab log segment line 5 has no frame"
    );
}

#[test]
fn the_persistence_budget_evicts_the_largest_tab_oldest_first() {
    let mut logs = Logs::default();
    // Text that does not compress: random-looking values.
    let mut state = 12345u64;
    let mut noise = || {
        (0..600)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                char::from(b'a' + (state >> 59) as u8)
            })
            .collect::<String>()
    };
    let big: Vec<String> = (0..20_000)
        .map(|n| {
            hook_line(
                json!({"request": "interaction.setUserData", "parameters": ["id", {"k": noise()}],
                    "referenceId": n.to_string(), "userAgent": "WWE Service Client", "protocolVersion": 2}),
                SourceRelation::Child,
            )
        })
        .collect();
    for (at, chunk) in big.chunks(500).enumerate() {
        logs.tab(1).ingest(
            frame("wwe", true),
            (at * 500) as u64,
            &lines(chunk),
            0,
            0,
            true,
        );
        logs.take_writes();
    }
    logs.tab(2)
        .ingest(frame("other", true), 0, &lines(&[request(0)]), 0, 0, true);
    logs.take_writes();
    let stored: usize = [1, 2].iter().map(|&t| logs.tab(t).stored_bytes()).sum();
    assert!(stored <= PERSIST_BUDGET, "{stored}");
    let first = &logs.tab(1).frames()[0];
    assert!(first.evicted > 0);
    assert_eq!(
        first.evicted as usize + logs.tab(1).len(),
        20_000,
        "kept + evicted = delivered"
    );
    assert_eq!(logs.tab(2).len(), 1, "the small tab keeps its record");
}

#[test]
fn counts_name_failures_timeouts_and_rate_limits() {
    let mut log = TabLog::new();
    let mut wwe = frame("wwe", true);
    wwe.url = "http://wwe.test/ui/ad/v1/index.html".into();
    wwe.origin = "http://wwe.test".into();
    let at = |time: f64, line: String| {
        let mut value: Value = serde_json::from_str(&line).unwrap();
        value["time"] = json!(time);
        value.to_string()
    };
    log.ingest(
        wwe,
        0,
        &lines(&[
            at(1000.0, request(0)),
            at(1001.0, request(1)),
            at(1002.0, request(2)),
        ]),
        0,
        0,
        true,
    );
    log.ingest(
        frame("app", false),
        0,
        &lines(&[
            at(1010.0, failure(0, "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.")),
            at(1011.0, failure(1, "Not supported")),
        ]),
        0,
        0,
        true,
    );
    let counts = log.counts(60_000.0);
    assert_eq!(counts.requests, 3, "{counts:?}");
    assert_eq!((counts.failed, counts.timed_out), (2, 1), "{counts:?}");
    assert_eq!(counts.rate_limited, 1, "{counts:?}");
    assert_eq!(counts.problems(), counts.failed + counts.timed_out);
}

#[test]
fn nothing_is_decoded_until_asked_and_then_counted_once() {
    let mut log = TabLog::new();
    let batch = log.ingest(
        frame("app", false),
        0,
        &lines(&[request(0), "{\"request\": not json".into(), foreign(2)]),
        0,
        0,
        false,
    );
    assert!(
        batch.digests.is_empty(),
        "no panel listens: nothing decoded"
    );
    assert_eq!(log.len(), 3);
    assert_eq!(log.counts(2e12).requests, 1);
    assert_eq!(log.frames()[0].unreadable, 1);
    assert_eq!(log.len(), 2, "the unreadable line left the log");
    let history = log.history();
    assert_eq!(seqs(&history, "app"), [0, 2]);
    assert_eq!(history[0].unreadable, 1, "counted once");
    assert!(log.take_error().is_some());
}

#[test]
fn batches_for_panels_read_back_whole() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/workspace-session.jsonl"
    ))
    .unwrap();
    let mut log = TabLog::new();
    let info = FrameInfo {
        key: "k".into(),
        ..Default::default()
    };
    let batch = log.ingest(info, 0, &text, 0, 0, true);
    let back = Batch::from_json(&batch.to_json()).unwrap();
    assert_eq!(back.digests.len(), text.lines().count());
}
