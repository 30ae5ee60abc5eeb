//! The 17 failures the product must name (docs: design "troubleshooting"), each as a realistic
//! capture in `tests/fixtures/failures/` (requests received by the Workspace top frame from a
//! child, answers and events received by the app frame, referenceIds restarting at "0" per app,
//! the seed's error texts): `decode --findings` names each from the capture alone where the
//! capture holds the evidence, `check --options` where only the options do; clean traffic yields
//! no warning or error either way.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use support::{json_lines, run};

fn fixture(name: &str, ext: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../tests/fixtures/failures/{name}.{ext}"))
        .display()
        .to_string()
}

/// `decode --findings` without options: the findings engine's findings.
fn decoded_findings(name: &str) -> Vec<Value> {
    let result = run(&["decode", "--findings", &fixture(name, "jsonl")], None);
    assert_eq!(result.code, Some(0), "{name}: {}", result.stderr);
    json_lines(&result.stdout)
        .into_iter()
        .filter_map(|line| line.get("finding").cloned())
        .collect()
}

/// `summary --format json`: its list of findings, with their texts.
fn summary_findings(name: &str) -> Vec<Value> {
    let result = run(
        &["summary", "--format", "json", &fixture(name, "jsonl")],
        None,
    );
    assert_eq!(result.code, Some(0), "{name}: {}", result.stderr);
    let summary: Value = serde_json::from_str(&result.stdout).unwrap();
    summary["findingList"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `check --options`: its exit status and the summary's findings.
fn checked_findings(name: &str) -> (Option<i32>, Vec<Value>) {
    let result = run(
        &[
            "check",
            "--format",
            "json",
            "--options",
            &fixture(name, "options.ini"),
            &fixture(name, "jsonl"),
        ],
        None,
    );
    let summary = json_lines(&result.stdout)
        .into_iter()
        .find_map(|line| line.get("summary").cloned())
        .unwrap_or_else(|| panic!("{name}: no summary: {}", result.stderr));
    (
        result.code,
        summary["findings"].as_array().cloned().unwrap_or_default(),
    )
}

fn text(finding: &Value) -> String {
    format!(
        "{} | {} | {}",
        finding["title"].as_str().unwrap_or(""),
        finding["problem"].as_str().unwrap_or(""),
        finding["advice"].as_str().unwrap_or("")
    )
}

/// A finding of `code` whose title, problem or advice contains every one of `words`.
fn named(findings: &[Value], code: &str, words: &[&str]) -> bool {
    findings.iter().any(|finding| {
        finding["code"] == code && words.iter().all(|word| text(finding).contains(word))
    })
}

fn assert_named(name: &str, findings: &[Value], code: &str, words: &[&str]) {
    assert!(
        named(findings, code, words),
        "{name}: no `{code}` finding with {words:?} among:\n{}",
        findings
            .iter()
            .map(|f| format!("  {}: {}", f["code"], text(f)))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn serious(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
        .map(text)
        .collect()
}

#[test]
fn clean_traffic_yields_no_warning_or_error() {
    // An unsubscribe without an answer among them: sent without a callback, nothing waits.
    assert_eq!(serious(&decoded_findings("00-clean")), Vec::<String>::new());
    assert_eq!(serious(&summary_findings("00-clean")), Vec::<String>::new());
    let (code, findings) = checked_findings("00-clean");
    assert_eq!(serious(&findings), Vec::<String>::new());
    assert_eq!(code, Some(0));
}

#[test]
fn the_capture_alone_names_each_failure_it_holds_the_evidence_of() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "01-origin-not-accepted",
            "policy-inferred",
            &["https://rogue.example", "origin probably not accepted"],
        ),
        (
            "02-outside-filter",
            "policy-inferred",
            &["voice.dial", "outside the origin's filter"],
        ),
        (
            "03-jwt-not-named",
            "policy-inferred",
            &["(*, auth.getJwtToken)"],
        ),
        (
            "03-jwt-not-named",
            "timed-out",
            &["must be named explicitly"],
        ),
        (
            "04-global-rate-limit",
            "rate-limited",
            &["agent.get", "service-client-api.rate-limit"],
        ),
        ("05-quarantine", "rate-limited", &["voice.dial", "for 30 s"]),
        (
            "05-quarantine",
            "timed-out",
            &["rate-limit error", "until the quarantine ends"],
        ),
        (
            "06-quarantine-forever",
            "rate-limited",
            &[
                "until Workspace is reloaded",
                "service-client-api.rate-limit-quarantine-delay",
                "Reload Workspace",
            ],
        ),
        (
            "06-quarantine-forever",
            "timed-out",
            &["until Workspace is reloaded", "Reload Workspace"],
        ),
        (
            "06-quarantine-forever",
            "policy-inferred",
            &[
                "ignored until Workspace is reloaded",
                "service-client-api.rate-limit-quarantine-delay",
            ],
        ),
        ("07-read-hidden", "keys-hidden", &["Segment"]),
        ("09-subscribed-twice", "subscribed-twice", &["agent"]),
        (
            "10-event-without-subscription",
            "event-without-subscription",
            &["system"],
        ),
        (
            "10-event-without-subscription",
            "event-without-subscription",
            &["outbound"],
        ),
        (
            "11-no-answer-in-10s",
            "late-answer",
            &["interaction.getInteractions", "12.5 s"],
        ),
        (
            "12-misspelled-request",
            "unknown-request",
            &["voice.pauseRecording", "voice.pauseCallRecording"],
        ),
        (
            "13-parameter-shapes",
            "bad-parameters",
            &["agent.setState", "parameter 1"],
        ),
        ("13-parameter-shapes", "bad-parameters", &["voice.hold"]),
        (
            "13-parameter-shapes",
            "parameter-note",
            &["`type`", "`target`"],
        ),
        (
            "14-wrong-target-window",
            "wrong-target-window",
            &["own window", "window.opener", "targetWWEWindow"],
        ),
        (
            "15-follower-tab",
            "follower-tab",
            &["interaction.accept", "follower tab", "leader tab"],
        ),
        (
            "16-realtime-down",
            "realtime-down",
            &[
                "agent.setState",
                "voice.dial",
                "DOWN",
                "RECONNECTED",
                "came back later",
            ],
        ),
        (
            "17-same-reference-ids",
            "ambiguous-pairing",
            &["agent.getState", "referenceId 0"],
        ),
    ];
    for (name, code, words) in cases {
        assert_named(name, &decoded_findings(name), code, words);
        // The summary runs the same engine, and says the same.
        assert_named(name, &summary_findings(name), code, words);
    }
}

#[test]
fn the_options_name_what_only_they_can() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "01-origin-not-accepted",
            "policy-refused",
            &["https://rogue.example", "not accepted"],
        ),
        (
            "02-outside-filter",
            "policy-refused",
            &["voice.dial", "outside the filter"],
        ),
        ("03-jwt-not-named", "policy-refused", &["auth.getJwtToken"]),
        (
            "04-global-rate-limit",
            "policy-rate-limit",
            &["service-client-api.rate-limit = 5"],
        ),
        (
            "05-quarantine",
            "policy-rate-limit",
            &["voice.dial", "2 ignored in quarantine"],
        ),
        (
            "06-quarantine-forever",
            "policy-rate-limit",
            &["until Workspace is reloaded", "Reload Workspace"],
        ),
        ("07-read-hidden", "keys-hidden", &["Segment"]),
        (
            "08-write-refused",
            "policy-refused",
            &["Segment", "write-allowed"],
        ),
    ];
    for (name, code, words) in cases {
        let (_, findings) = checked_findings(name);
        assert_named(name, &findings, code, words);
    }
}

#[test]
fn check_does_not_blame_the_options_for_what_the_capture_explains() {
    for (name, code) in [
        ("12-misspelled-request", None),
        ("14-wrong-target-window", Some("wrong-target-window")),
        ("15-follower-tab", Some("follower-tab")),
        ("16-realtime-down", Some("realtime-down")),
    ] {
        let (status, findings) = checked_findings(name);
        assert!(
            !findings.iter().any(|f| f["code"] == "policy-disagreement"),
            "{name}: {findings:#?}"
        );
        assert_eq!(status, Some(0), "{name}");
        if let Some(code) = code {
            assert!(
                findings.iter().any(|f| f["code"] == code),
                "{name}: {findings:#?}"
            );
        }
    }
}

#[test]
fn a_file_of_binary_junk_is_not_a_capture_and_exits_2() {
    // Deterministic junk: bytes of every value, NULs among them.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("junk.bin");
    std::fs::write(&path, junk).unwrap();
    let path = path.display().to_string();
    let options = fixture("00-clean", "options.ini");
    for args in [
        vec!["decode", path.as_str()],
        vec!["summary", path.as_str()],
        vec!["convert", "--to", "jsonl", path.as_str()],
        vec!["check", "--options", options.as_str(), path.as_str()],
    ] {
        let result = run(&args, None);
        assert_eq!(result.code, Some(2), "{args:?}: {}", result.stderr);
        assert!(
            result.stderr.contains("not a capture"),
            "{args:?}: {}",
            result.stderr
        );
        assert_eq!(result.stderr.lines().count(), 1, "{}", result.stderr);
    }
}
