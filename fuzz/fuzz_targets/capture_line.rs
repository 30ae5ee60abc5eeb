//! The content script's lines as the background reads them: `HookRecord::parse` and a tab log
//! (`TabLog::ingest`, live and decoded later for a replay). The first byte picks how the rest is
//! used:
//!
//! - even: arbitrary text, one raw capture line per `\n`. No panic; every line is either a record
//!   or counted unreadable (or pushed out by the tab's bounds), the same whether the log decodes
//!   it as it arrives or later for a panel that opens late; a record read back from its own JSON
//!   is the same record.
//! - odd: the rest is a JavaScript string (UTF-16 code units, lone surrogates included), written
//!   into a raw capture line the way the page hook's `JSON.stringify` writes it (`\udXXX` for a
//!   lone surrogate, `\u00XX` for control characters), in one of the positions a string can take:
//!   the frame URL, a data field's name or value, a `referenceId`, a user-data key or value. The
//!   line must read, and the string read must be the JavaScript string with each lone surrogate
//!   as U+FFFD (what a browser shows).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scapi::tab_log::TabLog;
use scapi::capture::looks_like_scapi_line;
use scapi::{FrameInfo, HookRecord};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    if pick % 2 == 0 {
        lines(rest);
    } else {
        js_string(pick / 2, rest);
    }
});

fn lines(rest: &[u8]) {
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut parsed = 0u64;
    for line in text.split('\n').filter(|line| !line.is_empty()) {
        let _ = looks_like_scapi_line(line);
        if let Ok(record) = HookRecord::parse(line) {
            parsed += 1;
            let json = serde_json::to_string(&record).expect("a record serializes");
            let again = HookRecord::parse(&json)
                .unwrap_or_else(|e| panic!("a record does not read back ({e}): {json}"));
            assert_eq!(again, record, "a record changed on its way back: {json}");
        }
    }
    let given = text.split('\n').filter(|line| !line.is_empty()).count() as u64;

    // Live: decoded as the lines arrive (a panel listens).
    let mut live = TabLog::new();
    let batch = live.ingest(FrameInfo::default(), 0, text, 0, 0, true);
    let _ = live.take_error();
    assert_eq!(batch.records.len() as u64, parsed, "the live log read another count");
    let frame = &live.frames()[0];
    assert_eq!(frame.next_seq, given, "every line takes a sequence number");
    assert_eq!(frame.unreadable, given - parsed, "every unread line is counted");

    // Later: stored as text, decoded when a panel opens.
    let mut late = TabLog::new();
    let _ = late.ingest(FrameInfo::default(), 0, text, 0, 0, false);
    let replayed: Vec<_> = late.history().into_iter().flat_map(|b| b.records).collect();
    let _ = late.take_error();
    let frame = &late.frames()[0];
    let evicted = frame.evicted + frame.foreign_evicted;
    assert_eq!(
        replayed.len() as u64 + frame.unreadable + evicted,
        given,
        "a line was neither replayed, counted unreadable nor counted evicted"
    );
    if evicted == 0 {
        assert_eq!(replayed, batch.records, "live and late readings differ");
    }
}

/// `units` as `JSON.stringify` quotes it.
fn quote_js(units: &[u16]) -> String {
    let mut out = String::from("\"");
    for item in char::decode_utf16(units.iter().copied()) {
        match item {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\t') => out.push_str("\\t"),
            Ok(c) if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Ok(c) => out.push(c),
            Err(lone) => out.push_str(&format!("\\u{:04x}", lone.unpaired_surrogate())),
        }
    }
    out.push('"');
    out
}

fn js_string(position: u8, rest: &[u8]) {
    let units: Vec<u16> = rest
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    let quoted = quote_js(&units);
    let expected = String::from_utf16_lossy(&units);
    let (url, reference, name, key, value) = {
        let plain = |text: &str| Value::String(text.into()).to_string();
        let mut parts = [
            plain("https://app.example/x.html"),
            plain("7"),
            plain("Customer"),
            plain("Case"),
            plain("Open"),
        ];
        let at = usize::from(position) % parts.len();
        parts[at] = quoted.clone();
        let [a, b, c, d, e] = parts;
        (a, b, c, d, e)
    };
    let line = format!(
        r#"{{"v":1,"time":1.5,"wall":1,"frameUrl":{url},"frameOrigin":"https://app.example","isTop":false,"origin":"https://wwe.example","source":"parent","ports":0,"data":{{"request":"interaction.setUserData","referenceId":{reference},"name":{name},"parameters":["1",{{{key}:{value}}}],"userAgent":"WWE Client","protocolVersion":2}}}}"#
    );
    let record = HookRecord::parse(&line)
        .unwrap_or_else(|e| panic!("a line the hook writes does not read ({e}): {line}"));
    let data = &record.data;
    let read = match usize::from(position) % 5 {
        0 => record.frame_url.clone(),
        1 => data["referenceId"].as_str().unwrap().to_owned(),
        2 => data["name"].as_str().unwrap().to_owned(),
        3 => {
            let user_data = data["parameters"][1].as_object().unwrap();
            assert_eq!(user_data.len(), 1);
            user_data.keys().next().unwrap().clone()
        }
        _ => data["parameters"][1]["Case"].as_str().unwrap().to_owned(),
    };
    assert_eq!(read, expected, "the string changed: {line}");

    // The same line through the tab log, live and replayed.
    let mut log = TabLog::new();
    let batch = log.ingest(FrameInfo::default(), 0, &line, 0, 0, true);
    assert_eq!(batch.records.len(), 1, "{:?}", log.take_error());
    let mut late = TabLog::new();
    let _ = late.ingest(FrameInfo::default(), 0, &line, 0, 0, false);
    let replayed: Vec<_> = late.history().into_iter().flat_map(|b| b.records).collect();
    assert_eq!(replayed, batch.records);
}
