use super::*;
use crate::decode;
use crate::source::stream;
use scapi::har::{read_har, to_har_string, CaptureRef};
use std::path::PathBuf;

/// The raw capture the HAR schema test converts too: a Workspace frame and an app it embeds.
fn fixture() -> InputPath {
    InputPath::File(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/workspace-session.jsonl"),
    )
}

const SECRETS: &[&str] = &[
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
    "jane.doe@customer.example",
    "+33647005",
    "MyValue1",
    "MyValue2",
];

fn options(to: Target, sensitive: bool) -> Options {
    Options {
        to,
        from: InputFrom::Auto,
        export: ExportOptions {
            sensitive,
            ..ExportOptions::default()
        },
        policy: None,
        findings_record_limit: FINDINGS_RECORD_LIMIT,
    }
}

fn convert(options: &Options, input: &InputPath) -> (String, String) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let report = run(options, input, &mut out, &mut errors).unwrap();
    assert_eq!(report.bad_lines, 0);
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(errors).unwrap(),
    )
}

/// Frames and records as the lines reader streams them.
fn streamed(input: &InputPath) -> (Vec<FrameInfo>, Vec<(usize, Record)>) {
    let (format, reader) = opened(input, InputFrom::Auto).unwrap();
    let mut frames = Vec::new();
    let mut records = Vec::new();
    stream(format, reader, &mut |event| {
        match event {
            Event::Frame(frame) => frames.push(frame.clone()),
            Event::Record(item) => records.push((item.frame, item.record.clone())),
            _ => {}
        }
        Ok(())
    })
    .unwrap();
    (frames, records)
}

fn in_file(text: &str, name: &str) -> (SpillDir, InputPath) {
    let dir = SpillDir::new().unwrap();
    let path = dir.file(name);
    std::fs::write(&path, text).unwrap();
    (dir, InputPath::File(path))
}

#[test]
fn a_har_made_from_lines_reads_back_as_their_records_with_findings() {
    let (har, notes) = convert(&options(Target::Har, true), &fixture());
    assert_eq!(notes, "");
    let capture = read_har(&har).unwrap();
    let (frames, records) = streamed(&fixture());
    assert_eq!(capture.frames, frames);
    assert_eq!(capture.records, records);
    assert_eq!(capture.meta.tool, this_tool());
    assert_eq!(
        capture.meta.page_url,
        "https://wwe.example/ui/ad/v1/index.html"
    );
    assert_eq!(capture.meta.start, records[0].1.time);
    let refs: Vec<(usize, &Record)> = records.iter().map(|(f, r)| (*f, r)).collect();
    let now = refs.iter().map(|(_, r)| r.time).fold(0.0, f64::max);
    let facts = facts_of(&refs);
    let findings = diagnose(&frames, &as_refs(&facts), now, None).findings;
    assert_eq!(capture.findings, Some(findings));
    // The streamed HAR is what the core crate writes for the same capture.
    let again = to_har_string(
        capture.as_ref(&capture.refs()),
        &ExportOptions {
            sensitive: true,
            ..ExportOptions::default()
        },
    );
    assert_eq!(again, har);
}

#[test]
fn a_sanitized_har_is_the_core_writers_sanitized_har() {
    let (sensitive, _) = convert(&options(Target::Har, true), &fixture());
    let (sanitized, _) = convert(&options(Target::Har, false), &fixture());
    let capture = read_har(&sensitive).unwrap();
    let refs = capture.refs();
    let expected = to_har_string(
        CaptureRef {
            meta: &capture.meta,
            frames: &capture.frames,
            records: &refs,
            findings: capture.findings.as_deref(),
        },
        &ExportOptions::default(),
    );
    assert_eq!(sanitized, expected);
    for secret in SECRETS {
        assert!(sensitive.contains(secret), "{secret}");
        assert!(!sanitized.contains(secret), "{secret} left in the HAR");
    }
}

#[test]
fn har_to_raw_lines_gives_back_the_capture_in_its_order() {
    let (har, _) = convert(&options(Target::Har, true), &fixture());
    let (_dir, har_file) = in_file(&har, "capture.har");
    let (raw, _) = convert(&options(Target::Raw, true), &har_file);
    let original = std::fs::read_to_string(match fixture() {
        InputPath::File(path) => path,
        InputPath::Stdin => unreachable!(),
    })
    .unwrap();
    let values = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    };
    assert_eq!(values(&raw), values(&original));
    // And the raw lines are what `decode` reads.
    for line in raw.lines() {
        HookRecord::parse(line).unwrap();
    }
}

#[test]
fn lines_to_json_lines_with_sensitive_data_is_decode_output() {
    let (jsonl, _) = convert(&options(Target::Jsonl, true), &fixture());
    let mut decoded = Vec::new();
    let decode_options = decode::Options {
        input: crate::input::InputFormat::Auto,
        format: decode::OutputFormat::Json,
        pair: false,
        findings: false,
        terminal_width: None,
    };
    let text = std::fs::read(match fixture() {
        InputPath::File(path) => path,
        InputPath::Stdin => unreachable!(),
    })
    .unwrap();
    decode::run(&decode_options, &text[..], &mut decoded, &mut Vec::new()).unwrap();
    assert_eq!(jsonl, String::from_utf8(decoded).unwrap());
    // decode reads its own output back (as `convert` does).
    let (_dir, jsonl_file) = in_file(&jsonl, "decoded.jsonl");
    let (frames, records) = streamed(&jsonl_file);
    assert_eq!((frames, records), streamed(&fixture()));
}

#[test]
fn every_output_is_sanitized_by_default_and_keeps_kept_keys() {
    for to in [Target::Har, Target::Jsonl, Target::Raw] {
        let (text, _) = convert(&options(to, false), &fixture());
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} left in {to:?}");
        }
    }
    let mut keep = options(Target::Raw, false);
    keep.export.keep_keys.insert("MyKEY1".to_owned());
    let (text, _) = convert(&keep, &fixture());
    assert!(text.contains("\"MyKEY1\":\"MyValue1\""));
    assert!(!text.contains("MyValue2"));
}

#[test]
fn the_policy_text_is_kept_verbatim() {
    let mut with_policy = options(Target::Har, false);
    let policy = "service-client-api.accepted-web-content-origins=https://crm.example (*, auth.getJwtToken)\nservice-client-api.rate-limit.voice.dial=4\n";
    with_policy.policy = Some(policy.to_owned());
    let (har, _) = convert(&with_policy, &fixture());
    let capture = read_har(&har).unwrap();
    assert_eq!(capture.meta.policy_options.as_deref(), Some(policy));
    assert_eq!(
        capture.meta.sanitized.unwrap().kept_keys,
        Vec::<String>::new()
    );
}

#[test]
fn a_capture_over_the_limit_gets_no_findings_and_a_note() {
    let mut small_limit = options(Target::Har, true);
    small_limit.findings_record_limit = 18;
    let (har, notes) = convert(&small_limit, &fixture());
    assert!(
        notes.starts_with("note: the HAR has no findings: 19 records are more than the 18"),
        "{notes}"
    );
    let capture = read_har(&har).unwrap();
    assert_eq!(capture.findings, None);
    assert_eq!(capture.records.len(), 19);
}
