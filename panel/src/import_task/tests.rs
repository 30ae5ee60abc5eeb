use super::*;
use crate::har_io::{import, ImportLimits, IMPORT_LIMITS};
use serde_json::json;

/// Another tool's HAR with `count` WebSocket messages (each about 200 bytes).
fn websocket_har(count: usize) -> String {
    let messages: Vec<_> = (0..count)
        .map(|i| {
            json!({"type": if i % 2 == 0 { "send" } else { "receive" }, "time": 1_732_467_255.0 + i as f64 / 1000.0, "opcode": 1,
                "data": json!({"request": "interaction.getInteractions", "referenceId": i.to_string(), "userAgent": "WWE Client", "protocolVersion": 2}).to_string()})
        })
        .collect();
    json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [
        {"request": {"url": "wss://a.example/"}, "_webSocketMessages": messages}]}})
    .to_string()
}

#[test]
fn an_import_in_slices_stops_when_the_time_is_up_and_reads_the_same_as_at_once() {
    let text = websocket_har(3_000);
    let bytes = text.as_bytes();
    let mut importer = Importer::new("t.har", bytes.len() as u64, IMPORT_LIMITS).unwrap();
    let mut feed = Feed::default();
    // A clock that moves 1 ms each time it is read: a 3 ms budget feeds at most 3 pieces.
    let mut time = 0.0;
    let mut clock = || {
        time += 1.0;
        time
    };
    let (mut slices, mut offset) = (0, 0);
    loop {
        let before = importer.bytes_read();
        match run_slice(&mut importer, &mut feed, &mut clock, 3.0) {
            Step::Yield => {
                slices += 1;
                let fed = importer.bytes_read() - before;
                assert!(fed > 0 && fed <= 3 * PIECE as u64, "{fed} bytes in a slice");
            }
            Step::NeedBlock if offset < bytes.len() => {
                let end = (offset + 100_000).min(bytes.len());
                feed.load(bytes[offset..end].to_vec());
                offset = end;
            }
            Step::NeedBlock => break,
            Step::Failed(problem) => panic!("{problem}"),
        }
    }
    assert!(slices > 10, "{slices} slices");
    assert_eq!(importer.records(), 3_000);
    let sliced = importer.finish().unwrap();
    let whole = import("t.har", &text).unwrap();
    let shown = |store: &crate::store::Store| -> Vec<_> {
        store
            .entries()
            .iter()
            .map(|entry| (entry.frame, entry.seq, entry.time, entry.raw.clone()))
            .collect()
    };
    assert_eq!(shown(&sliced.store), shown(&whole.store));
    assert_eq!(sliced.records, 3_000);
}

#[test]
fn a_file_over_the_record_limit_fails_the_slice_that_passes_it() {
    let text = websocket_har(50);
    let limits = ImportLimits {
        bytes: IMPORT_LIMITS.bytes,
        records: 20,
    };
    let mut importer = Importer::new("big.har", text.len() as u64, limits).unwrap();
    let mut feed = Feed::default();
    feed.load(text.into_bytes());
    let mut clock = || 0.0;
    let Step::Failed(problem) = run_slice(&mut importer, &mut feed, &mut clock, 12.0) else {
        panic!("not refused");
    };
    assert!(
        problem.starts_with("big.har: it holds more than 20 records, more than the panel holds"),
        "{problem}"
    );
    assert!(problem.contains("scapi-inspect"), "{problem}");
    // It reads no further: the next piece gets the same answer, and so does the end.
    assert_eq!(importer.records(), 20);
    assert_eq!(importer.feed(b"]}}"), Err(problem.clone()));
    assert_eq!(importer.finish().unwrap_err(), problem);
}
