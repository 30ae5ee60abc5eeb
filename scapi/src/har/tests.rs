//! The HAR export and import together: shape, round trip, sanitizing, other tools' HARs, errors.

use super::*;
use crate::correlate::correlate;
use crate::findings::find;
use crate::test_capture::{frames, Capture as TestCapture, APP, WWE};
use crate::SourceRelation;
use proptest::prelude::*;
use serde_json::{json, Value};

const JWT: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZ2VudC0xMDAxIn0.dGhpcy1pcy10aGUtc2lnbmF0dXJl";

fn meta() -> CaptureMeta {
    CaptureMeta {
        tool: Tool {
            name: "scapi-inspect".into(),
            version: "0.1.0".into(),
        },
        page_url: format!("{WWE}/wwe.html"),
        page_title: "Workspace".into(),
        start: 1_732_467_255_000.0,
        end: 1_732_467_300_000.5,
        dropped: [("same".to_owned(), 2)].into_iter().collect(),
        policy_options: Some(
            "service-client-api.accepted-web-content-origins=http://localhost:8080 (*, auth.getJwtToken)\nservice-client-api.rate-limit.voice.dial=4".into(),
        ),
        sanitized: None,
    }
}

const T0: f64 = 1_732_467_255_123.25;

/// A capture in the seed's shapes: requests from the cross-origin app (child 0) received by
/// Workspace, answers and events received by the app, a same-origin app, a foreign message.
fn seeded() -> TestCapture {
    let mut capture = TestCapture::new();
    capture.add(
        1,
        T0,
        SourceRelation::Parent,
        None,
        WWE,
        json!({"frameId": 3, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    capture.add(
        0,
        T0 + 10.0,
        SourceRelation::Child,
        Some(0),
        APP,
        json!({"request": "auth.getJwtToken", "referenceId": "0", "userAgent": "WWE Client",
               "protocolVersion": 2, "frameId": 3}),
    );
    capture.answer(
        1,
        T0 + 14.5,
        "0",
        json!({"data": {"expiration": "2020-04-14T13:26:51.846Z", "jwtToken": JWT}}),
    );
    capture.add(0, T0 + 20.0, SourceRelation::Child, Some(0), APP,
        json!({"request": "interaction.setUserData", "parameters": ["1", {"CustomerEmail": "jane.doe@customer.example", "AccountNumber": "ACC-99812-SECRET", "DispositionCode.Key": "ChooseDisposition"}],
               "referenceId": "1", "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3}));
    capture.answer(1, T0 + 30.0, "1", json!({}));
    capture.add(0, T0 + 40.0, SourceRelation::Child, Some(0), APP,
        json!({"request": "voice.dial", "parameters": ["+33 6 47 00 50 05", {"CallReason": "overdue invoice 4471"}],
               "referenceId": "2", "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3}));
    capture.answer(1, T0 + 43.5, "2", json!({"errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.", "request": "voice.dial"}));
    capture.add(
        0,
        T0 + 50.0,
        SourceRelation::Child,
        Some(0),
        APP,
        json!({"event": "subscribe", "data": ["agent", "interaction"], "referenceId": "3",
               "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3}),
    );
    capture.answer(1, T0 + 52.0, "3", json!({"subscriptionId": "sub-1"}));
    capture.add(1, T0 + 900.0, SourceRelation::Parent, None, WWE,
        json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "media": "voice",
               "interaction": {"interactionId": "1", "caseId": "4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b",
                 "userData": {"CustomerEmail": "jane.doe@customer.example", "GSW_PHONE": "+33647005123",
                              "DispositionCode.Key": "ChooseDisposition"},
                 "parties": [{"name": "+33647005123"}], "ani": "+33647005123", "dnis": "5001",
                 "state": "DIALING", "direction": "OUT", "callType": "Internal"}},
               "userAgent": "WWE Server", "protocolVersion": 2}));
    capture.add(0, T0 + 950.0, SourceRelation::SelfWindow, None, WWE,
        json!({"source": "react-devtools-content-script", "hello": true, "contact": "support@vendor.example"}));
    capture.request(1, T0 + 1000.0, "agent.getState", "0");
    capture
}

const SECRETS: &[&str] = &[
    JWT,
    "jane.doe@customer.example",
    "ACC-99812-SECRET",
    "+33 6 47 00 50 05",
    "overdue invoice 4471",
    "+33647005123",
    "support@vendor.example",
];

fn findings_of(capture: &TestCapture) -> Vec<Finding> {
    let refs = capture.refs();
    let correlation = correlate(&frames(), &refs, meta().end);
    find(&frames(), &refs, &correlation)
}

fn export(capture: &TestCapture, options: &ExportOptions) -> String {
    let refs = capture.refs();
    let meta = meta();
    let frames = frames();
    let findings = findings_of(capture);
    to_har_string(
        CaptureRef {
            meta: &meta,
            frames: &frames,
            records: &refs,
            findings: Some(&findings),
        },
        options,
    )
}

fn sensitive() -> ExportOptions {
    ExportOptions {
        sensitive: true,
        ..ExportOptions::default()
    }
}

fn rewrite(text: &str, options: &ExportOptions) -> String {
    let capture = read_har(text).unwrap();
    let refs = capture.refs();
    to_har_string(capture.as_ref(&refs), options)
}

#[test]
fn the_export_is_har_1_2_with_one_websocket_entry_per_channel() {
    let capture = seeded();
    let har: Value = serde_json::from_str(&export(&capture, &sensitive())).unwrap();
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(
        log["creator"],
        json!({"name": "SCAPI Inspector", "version": "0.1.0"})
    );
    assert_eq!(log["pages"][0]["title"], format!("{WWE}/wwe.html"));
    assert_eq!(
        log["pages"][0]["startedDateTime"],
        "2024-11-24T16:54:15.000Z"
    );
    let entries = log["entries"].as_array().unwrap();
    // Workspace ↔ cross-origin app, Workspace ↔ itself (the foreign message), Workspace ↔
    // same-origin app.
    assert_eq!(entries.len(), 3);
    let urls: Vec<&str> = entries
        .iter()
        .map(|e| e["request"]["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            format!("{APP}/cross.html"),
            format!("{WWE}/wwe.html"),
            format!("{WWE}/same.html")
        ]
    );
    let app = &entries[0];
    assert_eq!(app["_resourceType"], "websocket");
    assert_eq!(app["response"]["status"], 101);
    assert_eq!(app["_scapiChannel"]["workspace"]["frame"]["key"], "wwe");
    assert_eq!(app["_scapiChannel"]["app"]["frame"]["key"], "cross");
    assert_eq!(app["startedDateTime"], "2024-11-24T16:54:15.123Z");
    assert_eq!(app["time"], 900.0);
    assert_eq!(app["timings"]["receive"], 900.0);
    assert_eq!(app["timings"]["dns"], -1);
    let messages = app["_webSocketMessages"].as_array().unwrap();
    assert_eq!(messages.len(), 10);
    let types: Vec<&str> = messages
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "receive", "send", "receive", "send", "receive", "send", "receive", "send", "receive",
            "receive"
        ]
    );
    for (message, (_, record)) in messages.iter().zip(capture.records.iter().take(10)) {
        assert_eq!(message["time"], record.time / 1000.0);
        assert_eq!(message["opcode"], 1);
        assert_eq!(message["data"], serde_json::to_string(&record.raw).unwrap());
        assert_eq!(
            message["_scapi"]["record"],
            serde_json::to_value(record).unwrap()
        );
    }
    let capture_facts = &log["_scapiCapture"];
    assert_eq!(capture_facts["formatVersion"], 1);
    assert_eq!(capture_facts["frames"].as_array().unwrap().len(), 3);
    assert_eq!(capture_facts["dropped"], json!({"same": 2}));
    assert_eq!(
        capture_facts["policyOptions"],
        meta().policy_options.unwrap()
    );
    assert_eq!(capture_facts["sanitized"], Value::Null);
    let codes: Vec<&str> = log["_scapiFindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"rate-limited"), "{codes:?}");
}

#[test]
fn every_number_is_a_number_and_every_date_parses() {
    fn walk(value: &Value, path: &str, dates: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if key == "startedDateTime" {
                        dates.push(value.as_str().unwrap().to_owned());
                    }
                    if [
                        "time",
                        "opcode",
                        "status",
                        "headersSize",
                        "bodySize",
                        "size",
                    ]
                    .contains(&key.as_str())
                        && !path.contains("_scapi")
                    {
                        assert!(value.is_number(), "{path}.{key} = {value}");
                    }
                    walk(value, &format!("{path}.{key}"), dates);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, path, dates)),
            _ => {}
        }
    }
    let mut capture = seeded();
    // A record built in memory may hold times JSON cannot carry.
    capture.records[0].1.time = f64::NAN;
    capture.records[1].1.wall = f64::INFINITY;
    let text = export(&capture, &ExportOptions::default());
    assert!(!text.contains("null,\"wall\"") && !text.contains("\"time\":null"));
    let har: Value = serde_json::from_str(&text).unwrap();
    let mut dates = Vec::new();
    walk(&har, "", &mut dates);
    assert_eq!(dates.len(), 4);
    for date in dates {
        assert!(time::parse_iso(&date).is_some(), "{date}");
    }
    for entry in har["log"]["entries"].as_array().unwrap() {
        for (_, timing) in entry["timings"].as_object().unwrap() {
            assert!(timing.as_f64().unwrap() >= -1.0);
        }
    }
}

#[test]
fn reading_our_export_restores_the_capture_exactly() {
    let capture = seeded();
    let text = export(&capture, &sensitive());
    let read = read_har(&text).unwrap();
    assert_eq!(read.flavor, HarFlavor::Scapi);
    assert_eq!(read.meta, meta());
    assert_eq!(read.frames, frames());
    assert_eq!(read.records, capture.records);
    assert_eq!(read.findings, Some(findings_of(&capture)));
    assert_eq!(rewrite(&text, &sensitive()), text);
}

#[test]
fn a_sanitized_export_reads_back_and_writes_the_same_text() {
    let capture = seeded();
    let text = export(&capture, &ExportOptions::default());
    assert_eq!(rewrite(&text, &ExportOptions::default()), text);
    // Written again "with sensitive data", it still says it was sanitized.
    let again: Value = serde_json::from_str(&rewrite(&text, &sensitive())).unwrap();
    assert_eq!(
        again["log"]["_scapiCapture"]["sanitized"],
        json!({"keptKeys": []})
    );
}

#[test]
fn sanitizing_removes_every_secret_everywhere_and_keeps_identities() {
    let capture = seeded();
    let with_secrets = export(&capture, &sensitive());
    let sanitized = export(&capture, &ExportOptions::default());
    for secret in SECRETS {
        // In the message text `data` the secret is JSON-escaped inside a string.
        let escaped = serde_json::to_string(secret).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        assert!(
            with_secrets.contains(secret) || with_secrets.contains(escaped),
            "{secret}"
        );
        assert!(
            !sanitized.contains(secret),
            "{secret} left in the sanitized export"
        );
        assert!(
            !sanitized.contains(escaped),
            "{secret} left in the sanitized export"
        );
    }
    let read = read_har(&sanitized).unwrap();
    assert_eq!(read.meta.sanitized, Some(Sanitized { kept_keys: vec![] }));
    // The same pairs, the same findings codes: identities survive.
    let original = findings_of(&capture);
    let refs = read.refs();
    let correlation = correlate(&read.frames, &refs, read.meta.end);
    let again = find(&read.frames, &refs, &correlation);
    let codes = |findings: &[Finding]| findings.iter().map(|f| f.code).collect::<Vec<_>>();
    assert_eq!(codes(&again), codes(&original));
    let jwt_answer = &read.records[2].1.raw;
    assert_eq!(jwt_answer["data"]["jwtToken"], "«jwt#1»");
    let event = &read.records[9].1.raw["data"]["interaction"];
    // One phone number, masked the same in ani, a party, user data and the dial of another value.
    assert_eq!(event["ani"], event["parties"][0]["name"]);
    assert_eq!(event["ani"], event["userData"]["GSW_PHONE"]);
    assert_eq!(event["interactionId"], "1");
    assert_eq!(event["caseId"], "4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b");
    assert_eq!(
        read.records[3].1.raw["parameters"][1]["CustomerEmail"],
        event["userData"]["CustomerEmail"]
    );
    // The decoded record is the decoding of the masked data.
    for (_, record) in &read.records {
        assert_eq!(record.decoded, crate::decode(&record.raw));
    }
}

#[test]
fn kept_keys_keep_their_values_and_are_recorded() {
    let capture = seeded();
    let options = ExportOptions {
        keep_keys: ["AccountNumber".to_owned()].into_iter().collect(),
        ..ExportOptions::default()
    };
    let text = export(&capture, &options);
    assert!(text.contains("ACC-99812-SECRET"));
    assert!(!text.contains("jane.doe@customer.example"));
    let har: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        har["log"]["_scapiCapture"]["sanitized"],
        json!({"keptKeys": ["AccountNumber"]})
    );
}

/// Message data in the shapes the protocol reference gives, with generated values.
fn any_message() -> impl Strategy<Value = Value> {
    let text = "[a-zA-Z0-9 @.+_-]{0,24}";
    prop_oneof![
        (text, text, 0u32..50).prop_map(|(a, b, id)| json!({"request": "interaction.setUserData",
            "parameters": [id.to_string(), {"Key1": a, "Key2": b}], "referenceId": id.to_string(),
            "userAgent": "WWE Client", "protocolVersion": 2})),
        (text, 0u32..50).prop_map(|(destination, id)| json!({"request": "voice.dial",
            "parameters": [destination, null], "referenceId": id.to_string(),
            "userAgent": "WWE Client", "protocolVersion": 2})),
        (text, 0u32..50).prop_map(|(data, id)| json!({"referenceId": id.to_string(),
            "data": {"value": data}, "userAgent": "WWE Server", "protocolVersion": 2})),
        (text, 0u32..50).prop_map(|(error, id)| json!({"referenceId": id.to_string(),
            "errorMessage": error, "userAgent": "WWE Server", "protocolVersion": 2})),
        (text, text).prop_map(|(ani, value)| json!({"event": "interaction", "data": {
            "eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1",
            "ani": ani, "userData": {"K": value}}}, "userAgent": "WWE Server", "protocolVersion": 2})),
        (0u32..9).prop_map(|id| json!({"frameId": id, "userAgent": "WWE Server", "protocolVersion": 2})),
        text.prop_map(|text| json!({"foreign": text, "n": 1.25})),
        text.prop_map(Value::String),
    ]
}

/// Records as (receiving frame, time, source, sender origin, data).
type Generated = Vec<(usize, f64, SourceRelation, &'static str, Value)>;

fn any_records() -> impl Strategy<Value = Generated> {
    let record = (
        0usize..3,
        // Quarters are exact in binary; times as a page reports them.
        (0u64..4_000_000).prop_map(|n| T0 + n as f64 / 4.0),
        prop_oneof![
            Just(SourceRelation::Parent),
            Just(SourceRelation::Child),
            Just(SourceRelation::SelfWindow),
            Just(SourceRelation::Other),
        ],
        prop_oneof![Just(WWE), Just(APP), Just("https://ads.example")],
        any_message(),
    );
    proptest::collection::vec(record, 0..24)
}

fn capture_of(records: Generated) -> TestCapture {
    let mut capture = TestCapture::new();
    for (frame, time, source, origin, raw) in records {
        let child = (source == SourceRelation::Child).then_some(u32::from(origin == WWE));
        capture.add(frame, time, source, child, origin, raw);
    }
    capture
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn write_read_write_gives_the_same_text(records in any_records(), sanitize in any::<bool>()) {
        let capture = capture_of(records);
        let options = ExportOptions { sensitive: !sanitize, ..ExportOptions::default() };
        let text = export(&capture, &options);
        let read = read_har(&text).unwrap();
        if !sanitize {
            prop_assert_eq!(&read.records, &capture.records);
        }
        prop_assert_eq!(rewrite(&text, &options), text);
    }
}

/// What Chrome DevTools writes for a WebSocket connection (trimmed to what matters), with the
/// messages before `request` in the second entry.
fn chrome_websocket_har() -> String {
    json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [{"startedDateTime": "2024-11-24T16:54:15.000Z", "id": "page_1",
                   "title": "https://crm.example/agent", "pageTimings": {"onContentLoad": 120.5, "onLoad": 300}}],
        "entries": [
            {"_resourceType": "websocket", "request": {"method": "GET", "url": "wss://crm.example/socket"},
             "response": {"status": 101}, "startedDateTime": "2024-11-24T16:54:15.100Z", "time": 12,
             "_webSocketMessages": [
                {"type": "send", "time": 1732467255.5, "opcode": 1,
                 "data": "{\"request\":\"agent.getState\",\"referenceId\":\"0\",\"userAgent\":\"WWE Client\",\"protocolVersion\":2}"},
                {"type": "receive", "time": 1732467255.625, "opcode": 1,
                 "data": "{\"referenceId\":\"0\",\"data\":{\"operationName\":\"Ready\"},\"userAgent\":\"WWE Server\",\"protocolVersion\":2}"},
                {"type": "receive", "time": 1732467256.0, "opcode": 1, "data": "heartbeat"}]},
            {"_webSocketMessages": [{"type": "send", "time": 1732467257.0, "opcode": 2, "data": "AAEC"}],
             "request": {"method": "GET", "url": "wss://other.example:8443/ws"}},
            {"request": {"method": "GET", "url": "https://crm.example/app.js"}, "response": {"status": 200}}
        ]}})
    .to_string()
}

#[test]
fn another_tools_websocket_har_reads_with_a_frame_per_entry() {
    let capture = read_har(&chrome_websocket_har()).unwrap();
    assert_eq!(capture.flavor, HarFlavor::WebSocket);
    assert_eq!(capture.meta.tool.name, "WebInspector");
    assert_eq!(capture.meta.page_url, "https://crm.example/agent");
    assert_eq!(capture.meta.start, 1_732_467_255_000.0);
    assert_eq!(capture.meta.end, 1_732_467_257_000.0);
    let keys: Vec<&str> = capture.frames.iter().map(|f| &*f.key).collect();
    assert_eq!(keys, ["har-entry-0", "har-entry-1"]);
    assert_eq!(capture.frames[1].origin, "wss://other.example:8443");
    let kinds: Vec<&str> = capture
        .records
        .iter()
        .map(|(_, r)| r.decoded.message.kind())
        .collect();
    assert_eq!(kinds, ["request", "response", "foreign", "foreign"]);
    assert_eq!(capture.records[1].1.time, 1_732_467_255_625.0);
    assert_eq!(capture.records[2].1.raw, "heartbeat");
    assert_eq!(capture.records[3].1.raw, "AAEC");
    assert_eq!(capture.records[3].0, 1);
    // Pairing works within an entry: the answer finds its request.
    let refs = capture.refs();
    let correlation = correlate(&capture.frames, &refs, capture.meta.end);
    assert_eq!(correlation.exchanges[0].latency_ms, Some(125.0));
    // And it exports as one of ours.
    let text = to_har_string(capture.as_ref(&refs), &sensitive());
    assert_eq!(read_har(&text).unwrap().records, capture.records);
}

fn error_of(text: &str) -> String {
    read_har(text).unwrap_err().to_string()
}

#[test]
fn bad_files_say_what_is_wrong_and_where() {
    assert_eq!(
        error_of("{\"log\" 1}"),
        "not JSON: expected `:` at line 1 column 8"
    );
    assert_eq!(
        error_of("{\"log\": {\"version\": \"1."),
        "not JSON: EOF while parsing a string at line 1 column 23"
    );
    assert_eq!(
        error_of("{\"log\": [1,"),
        "log is an array, expected an object at line 1 column 9"
    );
    assert_eq!(
        error_of("[]"),
        "not a HAR: expected a JSON object with `log`, found an array at line 1 column 1"
    );
    assert_eq!(
        error_of("{\"a\": 1}"),
        "not a HAR: the top-level object has no `log` at line 1 column 8"
    );
    assert_eq!(
        error_of("{\"log\": {\"version\": \"1.2\"}}"),
        "not a HAR: log.entries is missing at line 1 column 26"
    );
    let http = json!({"log": {"version": "1.2", "entries": [
        {"request": {"method": "GET", "url": "https://a.example/"}, "response": {"status": 200}}]}});
    assert_eq!(
        error_of(&http.to_string()),
        "a HAR without any _webSocketMessages: this is HTTP traffic, not a SCAPI capture"
    );
    let mut har: Value = serde_json::from_str(&chrome_websocket_har()).unwrap();
    har["log"]["entries"][0]["_webSocketMessages"][1]["time"] = json!("1732467255.625");
    let error = error_of(&har.to_string());
    assert!(
        error.starts_with("log.entries[0]._webSocketMessages[1].time is a string, expected a number at line 1 column "),
        "{error}"
    );
    har["log"]["entries"][0]["_webSocketMessages"][1] =
        json!({"type": "ping", "time": 1, "data": ""});
    assert!(error_of(&har.to_string()).starts_with(
        "log.entries[0]._webSocketMessages[1].type is \"ping\", expected \"send\" or \"receive\""
    ));
    har["log"]["entries"][0]["_webSocketMessages"][1] = json!({"type": "send", "time": 1});
    assert!(error_of(&har.to_string())
        .starts_with("log.entries[0]._webSocketMessages[1].data is missing, expected a string"));
    har["log"]["entries"] = json!({});
    assert!(error_of(&har.to_string()).starts_with("log.entries is an object, expected an array"));
}

#[test]
fn our_extensions_are_checked_too() {
    let capture = seeded();
    let text = export(&capture, &sensitive());
    let mut har: Value = serde_json::from_str(&text).unwrap();
    har["log"]["_scapiCapture"]["formatVersion"] = json!(2);
    assert!(error_of(&har.to_string())
        .starts_with("log._scapiCapture.formatVersion 2 is not supported (expected 1)"));
    let mut har: Value = serde_json::from_str(&text).unwrap();
    har["log"]["entries"][1]["_webSocketMessages"][0]["_scapi"]["frame"] = json!("gone");
    assert_eq!(
        error_of(&har.to_string()),
        "log.entries[1]._webSocketMessages[0]._scapi.frame \"gone\" is not one of log._scapiCapture.frames"
    );
    let mut har: Value = serde_json::from_str(&text).unwrap();
    har["log"]["entries"][0]["_webSocketMessages"][2]["_scapi"]["record"]["seq"] = json!("2");
    let error = error_of(&har.to_string());
    assert!(
        error.starts_with(
            "log.entries[0]._webSocketMessages[2]._scapi: invalid type: string \"2\", expected u64"
        ),
        "{error}"
    );
}

#[test]
fn no_prefix_of_an_export_panics_and_each_is_an_error() {
    let text = export(&seeded(), &ExportOptions::default());
    let mut cut = 0;
    while cut < text.len() - 2 {
        if text.is_char_boundary(cut) {
            assert!(read_har(&text[..cut]).is_err(), "{cut}");
        }
        cut += 97;
    }
}

#[test]
fn the_stream_reader_stops_when_asked() {
    let text = export(&seeded(), &sensitive());
    let mut records = 0;
    let result = read_har_stream(text.as_bytes(), &mut |event| {
        if matches!(event, HarEvent::Record { .. }) {
            records += 1;
            if records == 2 {
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    assert_eq!(result, Err(HarError::Stopped));
    assert_eq!(records, 2);
}

#[test]
fn console_sent_messages_are_marked_and_read_back() {
    let mut capture = seeded();
    capture.add(0, T0 + 2000.0, SourceRelation::Child, Some(0), APP,
        json!({"request": "agent.getState", "referenceId": crate::console::reference_id(0), "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3}));
    capture.answer(
        1,
        T0 + 2003.0,
        &crate::console::reference_id(0),
        json!({"data": {"operationName": "Ready"}}),
    );
    let text = export(&capture, &sensitive());
    let har: Value = serde_json::from_str(&text).unwrap();
    let marked: Vec<String> = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|entry| entry["_webSocketMessages"].as_array().unwrap().clone())
        .filter(|message| message.get("_scapiConsole") == Some(&json!(true)))
        .map(|message| message["data"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(marked.len(), 2, "{marked:?}");
    assert!(marked.iter().all(|data| data.contains("scapi-console-0")));
    // The app's own messages carry no mark, and the file reads back the same.
    assert_eq!(text.matches("_scapiConsole").count(), 2);
    assert_eq!(rewrite(&text, &sensitive()), text);
}

#[test]
fn a_placeholder_under_user_data_survives_a_sanitized_export_and_its_reading() {
    let mut capture = TestCapture::new();
    capture.add(
        0,
        T0,
        SourceRelation::Child,
        Some(0),
        APP,
        json!({"request": "interaction.setUserData", "referenceId": "4", "userAgent": "WWE Client",
               "protocolVersion": 2, "parameters": ["1", {
                   "Loop": {"__unserializable": "Cycle"},
                   "When": {"__unserializable": "Date", "value": "2020-04-14T13:26:51.846Z"}}]}),
    );
    let sanitized = export(&capture, &ExportOptions::default());
    let read = read_har(&sanitized).unwrap();
    let user_data = &read.records[0].1.raw["parameters"][1];
    assert_eq!(user_data["Loop"], json!({"__unserializable": "Cycle"}));
    assert_eq!(user_data["When"]["__unserializable"], "Date");
    assert_eq!(user_data["When"]["value"], "«value#1»");
    assert_eq!(rewrite(&sanitized, &ExportOptions::default()), sanitized);
}

#[test]
fn an_imported_record_whose_decoding_is_not_its_data_is_exported_where_it_reads_back() {
    // Found by the har_import fuzz target: a HAR whose record says `unsubscribe` in `decoded` but
    // whose `raw` reads as a response ("etent", not "event"). A sanitized export decodes the raw
    // data again; its channel must follow that decoding, or exporting the export moves it.
    let mut capture = seeded();
    capture.add(
        0,
        T0 + 5000.0,
        SourceRelation::Child,
        Some(0),
        APP,
        json!({"etent": "unsubscribe", "data": "sub-1", "referenceId": "70",
               "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3}),
    );
    let last = capture.records.len() - 1;
    capture.records[last].1.decoded = crate::decode(&json!({"event": "unsubscribe",
        "data": "sub-1", "referenceId": "70", "userAgent": "WWE Client", "protocolVersion": 2,
        "frameId": 3}));
    let sanitized = export(&capture, &ExportOptions::default());
    assert_eq!(rewrite(&sanitized, &ExportOptions::default()), sanitized);
    let sensitive_text = export(&capture, &sensitive());
    assert_eq!(rewrite(&sensitive_text, &sensitive()), sensitive_text);
}

/// Every event `HarReader` hands on when fed `text` in pieces of `size` bytes.
fn events_in_pieces(text: &[u8], size: usize) -> (Result<HarFlavor, HarError>, Vec<HarEvent>) {
    let mut events = Vec::new();
    let mut collect = |event| {
        events.push(event);
        std::ops::ControlFlow::Continue(())
    };
    let mut reader = HarReader::new();
    for piece in text.chunks(size) {
        if let Err(error) = reader.feed(piece, &mut collect) {
            return (Err(error), events);
        }
    }
    let result = reader.finish(&mut collect);
    (result, events)
}

#[test]
fn the_reader_fed_in_pieces_of_any_size_reads_what_it_reads_at_once() {
    let ours = export(&seeded(), &sensitive());
    // A BOM, white space and line breaks between the tokens of the walked structure.
    let pretty = format!(
        "\u{feff}{}",
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&ours).unwrap()).unwrap()
    );
    for text in [ours.clone(), pretty, chrome_websocket_har()] {
        let (whole, expected) = events_in_pieces(text.as_bytes(), text.len());
        let whole = whole.unwrap();
        assert!(expected.len() > 3);
        for size in [1, 2, 3, 7, 64, 1000] {
            let (result, events) = events_in_pieces(text.as_bytes(), size);
            assert_eq!(result, Ok(whole), "pieces of {size}");
            assert_eq!(events, expected, "pieces of {size}");
        }
    }
    // An error is the same, wherever the pieces are cut.
    let mut har: Value = serde_json::from_str(&chrome_websocket_har()).unwrap();
    har["log"]["entries"][0]["_webSocketMessages"][1]["time"] = json!("1732467255.625");
    let text = serde_json::to_string_pretty(&har).unwrap();
    let (whole, _) = events_in_pieces(text.as_bytes(), text.len());
    let whole = whole.unwrap_err();
    assert!(
        whole.to_string().starts_with(
            "log.entries[0]._webSocketMessages[1].time is a string, expected a number at line "
        ),
        "{whole}"
    );
    for size in [1, 5, 100] {
        assert_eq!(
            events_in_pieces(text.as_bytes(), size).0,
            Err(whole.clone())
        );
    }
}

#[test]
fn the_reader_holds_one_message_at_a_time_however_long_the_file() {
    let message = json!({"type": "receive", "time": 1_732_467_255.5, "opcode": 1,
        "data": json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED"}, "userAgent": "WWE Server", "protocolVersion": 2}).to_string()});
    let messages = vec![message; 20_000];
    let har = json!({"log": {"version": "1.2", "entries": [
        {"request": {"url": "wss://a.example/"}, "_webSocketMessages": messages}]}});
    let text = har.to_string();
    assert!(text.len() > 3_000_000);
    let mut reader = HarReader::new();
    let mut records = 0;
    let mut count = |event| {
        if matches!(event, HarEvent::Record { .. }) {
            records += 1;
        }
        std::ops::ControlFlow::Continue(())
    };
    let mut most = 0;
    for piece in text.as_bytes().chunks(64 * 1024) {
        reader.feed(piece, &mut count).unwrap();
        most = most.max(reader.bytes_held());
    }
    assert_eq!(reader.bytes_fed(), text.len() as u64);
    assert_eq!(reader.finish(&mut count), Ok(HarFlavor::WebSocket));
    assert_eq!(records, 20_000);
    assert!(most < 3 * 64 * 1024, "held {most} bytes");
}
