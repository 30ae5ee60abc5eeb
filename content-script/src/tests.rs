//! Run in headless Chromium by `cargo xtask test` (wasm-bindgen-test), and natively by `cargo test`.

use super::*;
use scapi::Batch;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn hook(data: &str) -> String {
    format!(
        r#"{{"v":1,"time":1700000000000.5,"wall":1700000000000,"frameUrl":"http://localhost:9/app.html","frameOrigin":"http://localhost:9","isTop":false,"origin":"http://127.0.0.1:9","source":"parent","ports":0,"data":{data}}}"#
    )
}

fn script(capacity: usize) -> ContentScript {
    ContentScript::new(
        "key-1".into(),
        "http://localhost:9/app.html".into(),
        "http://localhost:9".into(),
        1,
        0,
        false,
        1_700_000_000_000.0,
        capacity,
    )
}

#[wasm_bindgen_test]
#[test]
fn lines_of_one_hook_batch_come_out_decoded_in_order() {
    let mut script = script(0);
    let lines = [
        hook(r#"{"frameId":1,"userAgent":"WWE Server","protocolVersion":2}"#),
        hook(
            r#"{"event":"agent","data":{"eventType":"STATE_CHANGED","mediaState":"READY"},"userAgent":"WWE Server","protocolVersion":2}"#,
        ),
    ]
    .join("\n");
    script.ingest_lines(&lines);
    assert!(script.has_new());
    let batch = Batch::from_json(&script.take_new().unwrap()).unwrap();
    assert_eq!(batch.frame.key, "key-1");
    assert_eq!(batch.frame.placement.depth, 1);
    assert_eq!(batch.frame.placement.index_in_parent, Some(0));
    assert!(!batch.frame.is_top);
    let kinds: Vec<_> = batch
        .records
        .iter()
        .map(|r| r.decoded.message.kind())
        .collect();
    assert_eq!(kinds, ["frame-id", "event"]);
    assert_eq!(batch.records[1].raw["data"]["mediaState"], "READY");
    assert!(script.take_new().is_none());
}

#[wasm_bindgen_test]
#[test]
fn replay_returns_everything_and_marks_it_sent() {
    let mut script = script(0);
    for id in 0..3 {
        script.ingest_lines(&hook(&format!(
            r#"{{"referenceId":"{id}","data":{{}},"userAgent":"WWE Server"}}"#
        )));
    }
    let _ = script.take_new();
    script.ingest_lines(&hook(
        r#"{"referenceId":"3","data":{},"userAgent":"WWE Server"}"#,
    ));
    let replay = Batch::from_json(&script.replay()).unwrap();
    assert!(replay.replay);
    assert_eq!(replay.records.len(), 4);
    assert!(!script.has_new());
}

#[wasm_bindgen_test]
#[test]
fn overflow_is_counted() {
    let mut script = script(2);
    for _ in 0..5 {
        script.ingest_lines(&hook(r#"{"type":"widget-ping"}"#));
    }
    script.count_dropped(3);
    assert_eq!(script.len(), 2);
    // Three lost in the hook; three evicted, which the panel counts as the missing sequence
    // numbers below `captured`.
    assert_eq!(script.dropped(), 3.0);
    let replay = Batch::from_json(&script.replay()).unwrap();
    assert_eq!(
        (replay.dropped, replay.captured, replay.records.len()),
        (3, 5, 2)
    );
}

#[wasm_bindgen_test]
#[test]
fn an_unreadable_line_is_counted_and_does_not_stop_the_others() {
    let mut script = script(0);
    script.ingest_lines(&format!("{{bad\n{}", hook(r#"{"type":"widget-ping"}"#)));
    let batch = Batch::from_json(&script.take_new().unwrap()).unwrap();
    assert_eq!(batch.records.len(), 1);
    // The unreadable line had sequence number 0: the receiver sees it missing.
    assert_eq!((batch.captured, batch.records[0].seq), (2, 1));
    assert!(script.take_error().is_some());
}
