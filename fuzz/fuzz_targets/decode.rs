//! Arbitrary bytes through everything that reads captured traffic: the whole input as one message
//! payload (`scapi::decode` and the one-line views of it), and every line as a raw capture record,
//! through `HookRecord::parse` and a tab log, then pairing and findings over what it held.
//! None of it may panic: the background runs it on whatever a page posts.
//!
//! Beyond "no panic" it checks what the extension relies on: every batch the background sends
//! reads back in the panel as the same batch.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scapi::correlate::correlate;
use scapi::findings::find;
use scapi::tab_log::TabLog;
use scapi::{decode, Batch, FrameInfo, HookRecord};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(payload) = serde_json::from_str::<Value>(text) {
        let decoded = decode(&payload);
        let message = &decoded.message;
        let _ = (message.kind(), message.name(), message.direction());
        let _ = (message.reference_id(), message.summary(&payload));
    }

    let mut log = TabLog::new();
    for line in text.lines() {
        let _ = HookRecord::parse(line);
    }
    let batch = log.ingest(FrameInfo::default(), 0, text, 0, 0, true);
    let _ = log.take_error();
    let _ = log.history();
    for record in &batch.records {
        let _ = record.summary();
    }
    let json = batch.to_json();
    let again = Batch::from_json(&json).expect("the panel reads every batch the background sends");
    assert_eq!(again, batch, "a batch changed on its way to the panel: {json}");

    let frames = [batch.frame.clone()];
    let records: Vec<_> = batch.records.iter().map(|record| (0, record)).collect();
    let now = batch
        .records
        .iter()
        .map(|record| record.time)
        .fold(0.0, f64::max);
    let correlation = correlate(&frames, &records, now);
    let _ = find(&frames, &records, &correlation);
});
