//! Arbitrary bytes as a HAR file: `read_har` and the streaming reader under it read whatever a
//! user opens in the panel or gives `scapi-inspect`, so neither may panic; a bad file is an error.
//!
//! Beyond "no panic", what reads must survive our own export: the capture read from the input,
//! written (with sensitive data, and sanitized) and read again, is the same capture, and writing
//! it again gives the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scapi::har::{read_har, read_har_stream, to_har_string, ExportOptions};
use std::ops::ControlFlow;

fuzz_target!(|data: &[u8]| {
    // The streaming reader takes bytes (not UTF-8 is an error), and may be stopped at any event.
    let mut events = 0usize;
    let _ = read_har_stream(data, &mut |_| {
        events += 1;
        if events > 1000 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(capture) = read_har(text) else {
        return;
    };
    let sensitive = ExportOptions {
        sensitive: true,
        ..ExportOptions::default()
    };
    let refs = capture.refs();
    let written = to_har_string(capture.as_ref(&refs), &sensitive);
    let again = read_har(&written).expect("our own export reads back");
    assert_eq!(again.frames, capture.frames);
    assert_eq!(again.records, capture.records);
    assert_eq!(again.meta, capture.meta);
    assert_eq!(again.findings, capture.findings);
    let again_refs = again.refs();
    assert_eq!(
        to_har_string(again.as_ref(&again_refs), &sensitive),
        written,
        "write → read → write changed the text"
    );

    let sanitized = to_har_string(capture.as_ref(&refs), &ExportOptions::default());
    let clean = read_har(&sanitized).expect("a sanitized export reads back");
    let clean_refs = clean.refs();
    assert_eq!(
        to_har_string(clean.as_ref(&clean_refs), &ExportOptions::default()),
        sanitized,
        "sanitizing a sanitized export changed it"
    );
});
