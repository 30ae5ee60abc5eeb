//! End-to-end tests: the built `scapi-inspect` binary run on the captures in `tests/fixtures/`.
//!
//! - `workspace-and-app.jsonl`: a raw capture of a Workspace top frame (wwe.example) and an app it
//!   embeds as child 0 (app.example): getState before any frameId, the frameId assignment, its
//!   answer, a subscribe answered with a subscriptionId, another page script's message, an agent
//!   event, the seed's setUserData, a voice.dial refused with the seed's rate-limit text, and a
//!   misspelled `voice.pauseRecording` left unanswered.
//! - `payloads.jsonl`: bare payloads, one per line, including the seed's rate-limit failure as
//!   the seed prints it (no referenceId, no envelope).
//! - `bad-lines.jsonl`: good lines mixed with text that is not JSON (lines 2 and 5), a blank line
//!   (3) and a raw capture record with a bad `source` (6).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn inspect() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scapi-inspect"))
}

/// Runs `decode` with `args` and returns its JSON output lines, checking the exit code.
fn decode_json(args: &[&str], expected_code: i32) -> Vec<Value> {
    let output = inspect().arg("decode").args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(expected_code),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn path(name: &str) -> String {
    fixture(name).display().to_string()
}

fn record(values: &[Value], line: u64) -> &Value {
    values
        .iter()
        .find(|value| value["line"] == line)
        .unwrap_or_else(|| panic!("no line {line}"))
}

fn field<'a>(values: &'a [Value], key: &str) -> Vec<&'a Value> {
    values.iter().map(|value| &value[key]).collect()
}

#[test]
fn a_raw_capture_decodes_every_line_with_its_frame() {
    let values = decode_json(&[&path("workspace-and-app.jsonl")], 0);
    assert_eq!(values.len(), 12);
    assert_eq!(
        field(&values, "kind"),
        [
            "request",
            "frame-id",
            "response",
            "subscribe",
            "response",
            "foreign",
            "event",
            "request",
            "response",
            "request",
            "response",
            "request"
        ]
    );
    let first = record(&values, 1);
    assert_eq!(first["name"], "agent.getState");
    assert_eq!(first["direction"], "to-workspace");
    assert_eq!(first["referenceId"], "0");
    assert_eq!(
        first["frame"],
        json!({"url": "https://wwe.example/ui/ad/v1/index.html", "origin": "https://wwe.example", "isTop": true})
    );
    assert_eq!(first["time"], 1732467255123.25);
    assert_eq!(first["origin"], "https://app.example");
    assert_eq!(first["source"], "child");
    assert_eq!(first["childIndex"], 0);
    assert_eq!(first["decoded"]["typed"]["call"]["call"], "noParameters");
    let event = record(&values, 7);
    assert_eq!(event["name"], "agent:STATE_CHANGED");
    assert_eq!(event["frame"]["isTop"], false);
    assert_eq!(event["decoded"]["typed"]["body"]["mediaState"], "READY");
    let misspelled = record(&values, 12);
    assert_eq!(
        misspelled["decoded"]["typed"]["suggestion"],
        "voice.pauseCallRecording"
    );
    // Streaming output does not pair.
    assert!(values.iter().all(|value| value.get("exchange").is_none()));
}

#[test]
fn raw_is_the_payload_exactly_as_captured() {
    let output = inspect()
        .args(["decode", &path("workspace-and-app.jsonl")])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let line_8 = text.lines().nth(7).unwrap();
    assert!(
        line_8.ends_with(r#""raw":{"request":"interaction.setUserData","parameters":["1",{"MyKEY1":"MyValue1","MyKEY2":"MyValue2"}],"referenceId":"2","userAgent":"WWE Client","protocolVersion":2,"frameId":3}}"#),
        "{line_8}"
    );
}

#[test]
fn pairing_gives_each_request_its_state_latency_and_partners() {
    let values = decode_json(&["--pair", &path("workspace-and-app.jsonl")], 0);
    let exchange = |line| record(&values, line)["exchange"].clone();
    // Before any frameId: paired by the sender's origin.
    assert_eq!(
        exchange(1),
        json!({"state": "answered", "latencyMs": 8.5, "pairedWith": [3]})
    );
    assert_eq!(exchange(3)["pairedWith"], json!([1]));
    // Only pairing knows what the answer answers: its data typed for agent.getState.
    assert_eq!(
        exchange(3)["result"]["result"]["state"]["operationName"],
        "NotReady"
    );
    assert_eq!(exchange(3)["result"]["result"]["shape"], "mediaState");
    // After the frameId assignment: paired by frameId.
    assert_eq!(
        exchange(4),
        json!({"state": "answered", "latencyMs": 3.5, "pairedWith": [5]})
    );
    assert_eq!(exchange(8)["pairedWith"], json!([9]));
    assert_eq!(
        exchange(10),
        json!({"state": "failed", "latencyMs": 3.5, "pairedWith": [11]})
    );
    assert_eq!(
        exchange(12),
        json!({"state": "pending", "latencyMs": null, "pairedWith": []})
    );
    for unpaired in [2, 6, 7] {
        assert_eq!(exchange(unpaired), Value::Null, "line {unpaired}");
    }
}

#[test]
fn findings_follow_the_records_and_name_their_lines() {
    let values = decode_json(&["--findings", &path("workspace-and-app.jsonl")], 0);
    // 12 records, then the findings: the protocol's two, and what the capture tells of the
    // options (the panel's inference, the same engine).
    assert_eq!(values.len(), 15);
    assert!(values[..12]
        .iter()
        .all(|value| value.get("exchange").is_some() || value["kind"] != "request"));
    let findings: Vec<&Value> = values[12..].iter().map(|value| &value["finding"]).collect();
    let unknown = findings
        .iter()
        .find(|finding| finding["code"] == "unknown-request")
        .expect("an unknown-request finding");
    assert_eq!(unknown["lines"], json!([12]));
    assert_eq!(unknown["severity"], "error");
    assert!(
        unknown["advice"]
            .as_str()
            .unwrap()
            .contains("voice.pauseCallRecording"),
        "{unknown}"
    );
    let rate_limited = findings
        .iter()
        .find(|finding| finding["code"] == "rate-limited")
        .expect("a rate-limited finding");
    assert_eq!(rate_limited["lines"], json!([10, 11]));
    assert_eq!(rate_limited["title"], "Rate limit reached for `voice.dial`");
    assert!(rate_limited["problem"]
        .as_str()
        .unwrap()
        .contains("ignored for 30 s"));
    assert_eq!(findings.len(), 3, "{findings:#?}");
    assert_eq!(findings[2]["code"], "policy-inferred");
}

#[test]
fn payload_lines_are_detected_and_paired_by_line_distance() {
    let values = decode_json(&["--pair", &path("payloads.jsonl")], 0);
    assert_eq!(values.len(), 9);
    assert_eq!(
        field(&values, "kind"),
        [
            "request",
            "frame-id",
            "response",
            "subscribe",
            "response",
            "event",
            "request",
            "response",
            "unsubscribe"
        ]
    );
    for value in &values {
        for absent in ["frame", "time", "wall", "origin", "source"] {
            assert!(value.get(absent).is_none(), "{absent} in {value}");
        }
    }
    assert_eq!(
        record(&values, 1)["exchange"],
        json!({"state": "answered", "latencyMs": 2.0, "pairedWith": [3]})
    );
    // The seed's rate-limit failure carries no referenceId: nothing to pair it with.
    let failure = record(&values, 8);
    assert_eq!(
        failure["decoded"]["outcome"]["rateLimit"]["request"],
        "voice.dial"
    );
    assert!(failure.get("exchange").is_none());
}

#[test]
fn input_payload_reads_raw_records_as_foreign_payloads() {
    let values = decode_json(&["--input", "payload", &path("workspace-and-app.jsonl")], 0);
    assert_eq!(values.len(), 12);
    assert!(values.iter().all(|value| value["kind"] == "foreign"));
}

#[test]
fn bad_lines_are_named_on_stderr_and_the_rest_decoded() {
    inspect()
        .args(["decode", &path("bad-lines.jsonl")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "line 2: not JSON: expected value at column 1\n",
        ))
        .stderr(predicate::str::contains(
            "line 5: not JSON: EOF while parsing a value at column 37\n",
        ))
        .stderr(predicate::str::contains(
            "line 6: note: shaped like a raw capture record, but not a raw capture record: unknown variant `sibling`",
        ))
        .stderr(predicate::str::contains("2 of 6 lines could not be decoded"))
        .stderr(predicate::str::contains("line 3").not());
    let values = decode_json(&[&path("bad-lines.jsonl")], 1);
    assert_eq!(field(&values, "line"), [1, 4, 6, 7]);
    assert_eq!(record(&values, 6)["kind"], "foreign");
}

#[test]
fn input_raw_makes_every_other_line_an_error() {
    let assert = inspect()
        .args(["decode", "--input", "raw", &path("bad-lines.jsonl")])
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let named: Vec<&str> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("line "))
        .map(|rest| rest.split(':').next().unwrap())
        .collect();
    assert_eq!(named, ["1", "2", "5", "6", "7"], "{stderr}");
    assert!(stderr
        .contains("line 6: not a raw capture record: unknown variant `sibling`, expected one of"));
    assert!(stderr.contains("line 1: not a raw capture record: unknown field `request`"));
    let values = decode_json(&["--input", "raw", &path("bad-lines.jsonl")], 1);
    assert_eq!(field(&values, "line"), [4]);
}

#[test]
fn standard_input_is_read_when_no_file_or_a_dash_is_given() {
    let payloads = std::fs::read(fixture("payloads.jsonl")).unwrap();
    let from_file = inspect()
        .args(["decode", &path("payloads.jsonl")])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(from_file.iter().filter(|&&b| b == b'\n').count(), 9);
    for args in [&["decode"][..], &["decode", "-"][..]] {
        inspect()
            .args(args)
            .write_stdin(payloads.clone())
            .assert()
            .success()
            .stdout(predicate::eq(from_file.clone()));
    }
}

#[test]
fn output_is_written_while_the_input_is_still_open() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scapi-inspect"))
        .arg("decode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"request":"agent.getState","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}}"#
    )
    .unwrap();
    stdin.flush().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        sender.send(line).unwrap();
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("the first record is written before the input ends");
    assert!(line.contains(r#""name":"agent.getState""#), "{line}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_missing_file_is_named_and_exits_2() {
    inspect()
        .args(["decode", "no/such/capture.jsonl"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "cannot open no/such/capture.jsonl: No such file or directory",
        ));
}

#[test]
fn a_usage_error_exits_2() {
    inspect()
        .args(["decode", "--input", "xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'xml'"));
}

#[test]
fn empty_input_decodes_to_nothing() {
    inspect()
        .args(["decode", "--findings"])
        .write_stdin("\n\n")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn the_table_shows_time_direction_frame_state_and_summary() {
    let assert = inspect()
        .args([
            "decode",
            "--format",
            "table",
            &path("workspace-and-app.jsonl"),
        ])
        .assert()
        .success();
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 13, "{text}");
    assert!(
        rows[0].starts_with(" LINE  TIME (UTC)    DIRECTION  FRAME"),
        "{text}"
    );
    let columns = |row: &str| -> Vec<String> {
        row.split("  ")
            .map(str::trim)
            .filter(|cell| !cell.is_empty())
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        columns(rows[1]),
        [
            "1",
            "16:54:15.123",
            "app → WWE",
            "wwe.example",
            "request",
            "agent.getState",
            "answered 8.5 ms",
            "no parameters"
        ]
    );
    assert_eq!(
        columns(rows[11])[..7],
        [
            "11",
            "16:54:18.023",
            "WWE → app",
            "app.example",
            "response",
            "response",
            "reply to 10"
        ]
    );
    // The rate-limit text is longer than 100 characters: cut, with an ellipsis.
    let summary = columns(rows[11]).pop().unwrap();
    assert_eq!(summary.chars().count(), 100);
    assert!(summary.starts_with("error: The rate limit for the request 'voice.dial'"));
    assert!(summary.ends_with('…'));
    assert!(rows[12].contains("voice.pauseRecording") && rows[12].contains("pending"));
    assert!(!text.contains("Findings"));
}

#[test]
fn the_table_lists_findings_after_the_rows() {
    inspect()
        .args([
            "decode",
            "--format",
            "table",
            "--findings",
            &path("workspace-and-app.jsonl"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\nFindings (3):\n  error    Unknown request `voice.pauseRecording`  (line 12)\n           `voice.pauseRecording` is not a Service Client API request; Workspace will not carry it out.\n           Did you mean `voice.pauseCallRecording`?",
        ))
        .stdout(predicate::str::contains(
            "  error    Rate limit reached for `voice.dial`  (lines 10, 11)\n           Workspace refused `voice.dial`: the per-minute limit for `voice.dial` was reached, and further `voice.dial` requests are ignored for 30 s",
        ))
        .stdout(predicate::str::contains(
            "  info     Rate limit for `voice.dial` reached before the capture  (line 10)",
        ));
}

#[test]
fn help_states_the_exit_codes() {
    inspect()
        .args(["decode", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1  some lines could not be read"))
        .stdout(predicate::str::contains(
            "--pair, --findings and --format table need the whole input",
        ));
}
