//! End-to-end tests of `convert` and `summary`: the built binary on the raw capture in
//! `tests/fixtures/workspace-session.jsonl` (the one the HAR schema test converts too): a
//! Workspace top frame (wwe.example) and an app it embeds (crm.example) — frameId, subscribe,
//! getState, a JWT, the seed's setUserData, a voice.dial refused with the seed's rate-limit text,
//! ATTACHED_DATA_CHANGED with user data, an agent event, a refused deleteUserData, a foreign
//! message, a misspelled request, an unsubscribe, and a request left pending.

mod support;

use serde_json::{json, Value};
use support::{fixture, json_lines, run, temp_file};

#[test]
fn a_raw_capture_converts_to_a_har_from_a_file_or_standard_input() {
    let from_file = run(&["convert", "--to", "har", &fixture()], None);
    assert_eq!(from_file.code, Some(0), "{}", from_file.stderr);
    let text = std::fs::read_to_string(fixture()).unwrap();
    let from_stdin = run(&["convert", "--to", "har", "-"], Some(&text));
    assert_eq!(from_stdin.code, Some(0), "{}", from_stdin.stderr);
    assert_eq!(from_file.stdout, from_stdin.stdout);
    let har: Value = serde_json::from_str(&from_file.stdout).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(
        har["log"]["_scapiCapture"]["sanitized"],
        json!({"keptKeys": []})
    );
    let messages: usize = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["_webSocketMessages"].as_array().unwrap().len())
        .sum();
    assert_eq!(messages, 19);
    assert!(!from_file.stdout.contains("jane.doe@customer.example"));
}

#[test]
fn har_to_raw_to_har_gives_the_same_har() {
    let har = run(&["convert", "--to", "har", "--sensitive", &fixture()], None);
    let har_file = temp_file("round.har", &har.stdout);
    let raw = run(
        &[
            "convert",
            "--to",
            "raw",
            "--sensitive",
            har_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(raw.code, Some(0), "{}", raw.stderr);
    let again = run(
        &["convert", "--to", "har", "--sensitive", "-"],
        Some(&raw.stdout),
    );
    assert_eq!(again.stdout, har.stdout);
    // decode reads what convert wrote.
    let decoded = run(&["decode", "--input", "raw", "-"], Some(&raw.stdout));
    assert_eq!(decoded.code, Some(0), "{}", decoded.stderr);
    assert_eq!(decoded.stdout.lines().count(), 19);
}

#[test]
fn summary_of_the_raw_capture_and_of_its_har_agree() {
    let raw = run(&["summary", "--format", "json", &fixture()], None);
    assert_eq!(raw.code, Some(0), "{}", raw.stderr);
    let har = run(&["convert", "--to", "har", &fixture()], None);
    let har = run(&["summary", "--format", "json", "-"], Some(&har.stdout));
    let mut raw: Value = serde_json::from_str(&raw.stdout).unwrap();
    let mut har: Value = serde_json::from_str(&har.stdout).unwrap();
    assert_eq!(raw["format"], "lines");
    assert_eq!(har["format"], "har");
    assert_eq!(raw["records"], 19);
    assert_eq!(raw["byKind"]["request"], 7);
    assert_eq!(
        raw["requests"]["agent.getState"]["latency"],
        json!({"count": 1, "median": 8.5, "p95": 8.5, "max": 8.5})
    );
    assert_eq!(
        raw["rateLimits"],
        json!([{"request": "voice.dial", "quarantineSeconds": 30, "forever": false, "count": 1}])
    );
    assert_eq!(raw["requests"]["voice.pauseRecording"]["timedOut"], 1);
    assert_eq!(raw["findings"]["byCode"]["unknown-request"], 1);
    // The unsubscribe got no answer, and none is awaited (sent without a callback): no timeout.
    // The misspelled request's timeout is named by its unknown-request finding; the findings
    // engine reads the rate limit off the capture (policy-inferred), as the panel does.
    assert_eq!(raw["findings"]["error"], 3);
    assert_eq!(raw["findings"]["byCode"].get("timed-out"), None);
    assert_eq!(raw["findings"]["byCode"]["policy-inferred"], 1);
    // Each finding with its texts, as `decode --findings` lists them.
    let list = raw["findingList"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert!(list
        .iter()
        .all(|f| f["problem"].is_string() && f["advice"].is_string()));
    // The same but for what names the input, and the sanitized error text.
    for value in [&mut raw, &mut har] {
        let object = value.as_object_mut().unwrap();
        for key in ["input", "format", "failures"] {
            object.remove(key);
        }
    }
    assert_eq!(raw, har);
}

#[test]
fn a_har_is_summed_up_and_checked_as_of_when_it_was_saved() {
    // The panel saves a capture with its end (the moment of the export): a request unanswered
    // then is timed out once that is 10 s after it, in the summary and in the check as in the
    // panel — not pending because it was the last thing recorded.
    let har = run(&["convert", "--to", "har", &fixture()], None);
    let mut har: Value = serde_json::from_str(&har.stdout).unwrap();
    let options = temp_file("saved-end.options", "service-client-api.rate-limit=0\n");
    let last_get_state = |har: &Value| {
        let text = har.to_string();
        let summary = run(&["summary", "--format", "json", "-"], Some(&text));
        let summary: Value = serde_json::from_str(&summary.stdout).unwrap();
        let states = &summary["requests"]["agent.getState"];
        let file = temp_file("saved-end.har", &text);
        let options = options.to_str().unwrap();
        let check = run(
            &[
                "check",
                "--options",
                options,
                "--format",
                "json",
                file.to_str().unwrap(),
            ],
            None,
        );
        let observed: Vec<Value> = json_lines(&check.stdout)
            .into_iter()
            .filter(|line| line["check"] == "request" && line["name"] == "agent.getState")
            .map(|line| line["observed"].clone())
            .collect();
        (
            states["pending"].clone(),
            states["timedOut"].clone(),
            observed.last().cloned(),
        )
    };
    assert_eq!(
        last_get_state(&har),
        (json!(1), json!(0), Some(json!("pending")))
    );
    let end = har["log"]["_scapiCapture"]["end"].as_f64().unwrap();
    har["log"]["_scapiCapture"]["end"] = json!(end + 20_000.0);
    assert_eq!(
        last_get_state(&har),
        (json!(0), json!(1), Some(json!("no answer")))
    );
}

#[test]
fn the_summary_table_names_failures_rate_limits_timeouts_and_findings() {
    let table = run(&["summary", &fixture()], None);
    assert_eq!(table.code, Some(0));
    for needed in [
        "19 records",
        "voice.dial: The rate limit for the request 'voice.dial' has been reached. Further requests",
        "1 × voice.dial: then ignored for 30 s",
        "Timeouts (no answer within 10 s)",
        "1 × voice.pauseRecording",
        "Findings: 3 errors, 0 warnings, 1 info",
        "  error    Unknown request `voice.pauseRecording`  (line 17)\n           `voice.pauseRecording` is not a Service Client API request",
        "1 × rate-limited",
    ] {
        assert!(table.stdout.contains(needed), "`{needed}` missing from:\n{}", table.stdout);
    }
}

#[test]
fn bad_lines_are_named_and_exit_1() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let broken = format!("{}not json\n", text);
    for command in [vec!["convert", "--to", "jsonl", "-"], vec!["summary", "-"]] {
        let result = run(&command, Some(&broken));
        assert_eq!(result.code, Some(1), "{command:?}");
        assert!(
            result
                .stderr
                .contains("line 20: not JSON: expected ident at column 2"),
            "{}",
            result.stderr
        );
        assert!(result
            .stderr
            .contains("scapi-inspect: 1 of 20 lines could not be read"));
    }
}

#[test]
fn a_broken_har_is_named_with_the_place_and_exits_2() {
    let broken = json!({"log": {"version": "1.2", "entries": [{"_webSocketMessages": [
        {"type": "send", "time": "1732467255.5", "data": "{}"}]}]}})
    .to_string();
    let file = temp_file("broken.har", &broken);
    let result = run(&["summary", file.to_str().unwrap()], None);
    assert_eq!(result.code, Some(2));
    assert!(
        result.stderr.starts_with(&format!(
            "scapi-inspect: {}: log.entries[0]._webSocketMessages[0].time is a string, expected a number at line 1 column",
            file.display()
        )),
        "{}",
        result.stderr
    );
    let http =
        json!({"log": {"version": "1.2", "entries": [{"request": {"url": "https://a.example/"}}]}})
            .to_string();
    let result = run(&["convert", "--to", "raw", "-"], Some(&http));
    assert_eq!(result.code, Some(2));
    assert_eq!(
        result.stderr,
        "scapi-inspect: standard input: a HAR without any _webSocketMessages: this is HTTP traffic, not a SCAPI capture\n"
    );
    let result = run(
        &["convert", "--to", "har", "--from", "har", "-"],
        Some("{\"log\": "),
    );
    assert_eq!(result.code, Some(2));
    assert!(
        result
            .stderr
            .contains("not JSON: EOF while parsing a value at line 1 column 8"),
        "{}",
        result.stderr
    );
}

#[test]
fn a_missing_file_and_a_missing_target_exit_2() {
    let missing = run(&["summary", "no-such-capture.har"], None);
    assert_eq!(missing.code, Some(2));
    assert!(missing
        .stderr
        .starts_with("scapi-inspect: no-such-capture.har: cannot open: "));
    let usage = run(&["convert", &fixture()], None);
    assert_eq!(usage.code, Some(2));
    assert!(usage.stderr.contains("--to <TO>"));
}

#[test]
fn help_states_formats_memory_and_exit_status() {
    for command in ["convert", "summary"] {
        let help = run(&[command, "--help"], None).stdout;
        for needed in ["Memory", "Exit status:", "bounded", "HAR"] {
            assert!(
                help.contains(needed),
                "`{needed}` missing from {command} --help:\n{help}"
            );
        }
    }
}

#[test]
fn a_har_whose_record_decoding_is_not_its_data_converts_to_a_har_that_converts_to_itself() {
    // Found by the har_import fuzz target: the unsubscribe's data says "etent" (so it reads as a
    // response), its `decoded` still says unsubscribe. A sanitized export decodes the data again;
    // its channel must follow, or converting the export moves the record to another entry.
    let har = run(&["convert", "--to", "har", "--sensitive", &fixture()], None);
    let mut value: Value = serde_json::from_str(&har.stdout).unwrap();
    let mut changed = 0;
    for entry in value["log"]["entries"].as_array_mut().unwrap() {
        for message in entry["_webSocketMessages"].as_array_mut().unwrap() {
            let raw = &mut message["_scapi"]["record"]["raw"];
            if raw["event"] == "unsubscribe" {
                let fields = raw.as_object_mut().unwrap();
                let event = fields.remove("event").unwrap();
                fields.insert("etent".into(), event);
                message["data"] = Value::String(raw.to_string());
                changed += 1;
            }
        }
    }
    assert_eq!(changed, 1);
    let forged = temp_file("forged.har", &value.to_string());
    let once = run(&["convert", "--to", "har", forged.to_str().unwrap()], None);
    assert_eq!(once.code, Some(0), "{}", once.stderr);
    let once_file = temp_file("once.har", &once.stdout);
    let twice = run(
        &["convert", "--to", "har", once_file.to_str().unwrap()],
        None,
    );
    assert_eq!(twice.code, Some(0), "{}", twice.stderr);
    assert!(
        twice.stdout == once.stdout,
        "converting the export moved a record"
    );
}
