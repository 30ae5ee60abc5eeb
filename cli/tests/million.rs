//! The 1,000,000-message measurement: `summary`, `convert --to har` and `check` on a generated raw
//! capture of a million messages, with elapsed time and peak memory (VmHWM) of each run. Ignored by
//! default (it takes minutes); run it with a release build:
//!
//! ```sh
//! cargo test --release -p scapi-inspect --test million -- --ignored --nocapture
//! ```
//!
//! The capture is a Workspace top frame and an app it embeds, in the protocol's shapes: requests
//! (getState, setUserData with user data, voice.dial to a phone number, subscribe), their answers
//! a few milliseconds later, rate-limit refusals, requests left unanswered, interaction events with
//! user data, and foreign messages. `check` runs with options that refuse a good share of it:
//! setUserData writes a key outside write-allowed, voice.dial goes over its rate limit,
//! voice.pauseRecording is outside the origin's filter, and read-allowed hides a key the events
//! carry.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 1_000_000;
const T0: f64 = 1_732_467_255_123.25;
const WWE: &str = r#""frameUrl":"https://wwe.example/ui/ad/v1/index.html","frameOrigin":"https://wwe.example","isTop":true,"origin":"https://crm.example","source":"child","childIndex":0,"ports":0"#;
const APP: &str = r#""frameUrl":"https://crm.example/softphone/app.html","frameOrigin":"https://crm.example","isTop":false,"origin":"https://wwe.example","source":"parent","ports":0"#;
const CLIENT: &str = r#""userAgent":"WWE Client","protocolVersion":2,"frameId":3"#;
const SERVER: &str = r#""userAgent":"WWE Server","protocolVersion":2"#;

/// Writes the capture: one line per message, in time order.
fn generate(path: &Path) -> usize {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    let mut written = 0;
    let mut time = T0;
    let mut line = String::new();
    let emit = |line: &str, out: &mut BufWriter<File>| {
        out.write_all(line.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
    };
    line.clear();
    write!(
        line,
        r#"{{"v":1,"time":{time},"wall":{},{APP},"data":{{"frameId":3,{SERVER}}}}}"#,
        time.floor()
    )
    .unwrap();
    emit(&line, &mut out);
    written += 1;
    let mut reference = 0u64;
    while written < MESSAGES {
        let step = reference % 20;
        let interaction = reference % 5000;
        time += 1.25;
        let id = reference.to_string();
        let request = match step {
            0 => format!(
                r#""event":"subscribe","data":["agent","interaction"],"referenceId":"{id}""#
            ),
            1..=6 => format!(r#""request":"agent.getState","referenceId":"{id}""#),
            7..=11 => format!(
                r#""request":"interaction.setUserData","parameters":["{interaction}",{{"CustomerId":"C-{interaction}","Email":"customer{interaction}@mail.example"}}],"referenceId":"{id}""#
            ),
            12..=15 => format!(
                r#""request":"voice.dial","parameters":["+3364700{:04}",null],"referenceId":"{id}""#,
                interaction % 10_000
            ),
            16 => format!(
                r#""request":"voice.pauseRecording","parameters":["{interaction}"],"referenceId":"{id}""#
            ),
            _ => format!(r#""request":"interaction.getInteractions","referenceId":"{id}""#),
        };
        line.clear();
        write!(
            line,
            r#"{{"v":1,"time":{time},"wall":{},{WWE},"data":{{{request},{CLIENT}}}}}"#,
            time.floor()
        )
        .unwrap();
        emit(&line, &mut out);
        written += 1;
        // Misspelled requests get no answer (they time out); the rest are answered.
        if step != 16 && written < MESSAGES {
            time += 3.5 + (reference % 40) as f64;
            let body = match step {
                0 => r#""subscriptionId":"sub-1""#.to_owned(),
                12 => r#""errorMessage":"The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.","request":"voice.dial""#.to_owned(),
                1..=6 => r#""data":{"operationName":"Ready","displayName":"Ready","state":"READY"}"#.to_owned(),
                _ => r#""data":{}"#.to_owned(),
            };
            line.clear();
            write!(line, r#"{{"v":1,"time":{time},"wall":{},{APP},"data":{{"referenceId":"{id}",{body},{SERVER}}}}}"#, time.floor()).unwrap();
            emit(&line, &mut out);
            written += 1;
        }
        if step == 9 && written < MESSAGES {
            time += 2.0;
            line.clear();
            write!(line, r#"{{"v":1,"time":{time},"wall":{},{APP},"data":{{"event":"interaction","data":{{"eventType":"ATTACHED_DATA_CHANGED","media":"voice","interaction":{{"interactionId":"{interaction}","userData":{{"CustomerId":"C-{interaction}","Email":"customer{interaction}@mail.example"}},"parties":[{{"name":"+3364700{:04}"}}],"ani":"+3364700{:04}","dnis":"5001","state":"ESTABLISHED"}}}},{SERVER}}}}}"#, time.floor(), interaction % 10_000, interaction % 10_000).unwrap();
            emit(&line, &mut out);
            written += 1;
        }
        if step == 19 && written < MESSAGES {
            time += 0.5;
            line.clear();
            write!(line, r#"{{"v":1,"time":{time},"wall":{},"frameUrl":"https://wwe.example/ui/ad/v1/index.html","frameOrigin":"https://wwe.example","isTop":true,"origin":"https://wwe.example","source":"self","ports":0,"data":{{"source":"react-devtools-content-script","hello":true}}}}"#, time.floor()).unwrap();
            emit(&line, &mut out);
            written += 1;
        }
        reference += 1;
    }
    out.flush().unwrap();
    written
}

/// Peak resident memory (VmHWM) of a running process, in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Measure {
    elapsed: Duration,
    peak_mib: f64,
    output_bytes: u64,
}

/// Options for `check` that refuse or limit a good share of the generated requests.
const CHECK_OPTIONS: &str = "[interaction-workspace]
service-client-api.accepted-web-content-origins = https://crm.example (agent.*, interaction.*, voice.dial)
service-client-api.rate-limit.voice.dial = 100
service-client-api.user-data.read-allowed = CustomerId
service-client-api.user-data.write-allowed = CustomerId
";

/// Runs the CLI with `args`, output to `output`, sampling its peak memory until it exits with
/// `expected_status`.
fn measure(args: &[&str], output: &Path, expected_status: i32) -> Measure {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scapi-inspect"))
        .args(args)
        .stdout(File::create(output).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(expected_status), "{args:?}: {status}");
    Measure {
        elapsed: started.elapsed(),
        peak_mib: peak as f64 / 1024.0,
        output_bytes: std::fs::metadata(output).unwrap().len(),
    }
}

#[test]
#[ignore = "takes minutes: run with --release -- --ignored --nocapture"]
fn a_million_messages_in_bounded_memory() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let capture = dir.join("million.jsonl");
    let generated = Instant::now();
    assert_eq!(generate(&capture), MESSAGES);
    let size = std::fs::metadata(&capture).unwrap().len();
    println!(
        "generated {MESSAGES} messages, {:.0} MB, in {:.1} s",
        size as f64 / 1e6,
        generated.elapsed().as_secs_f64()
    );

    let capture_arg = capture.to_str().unwrap();
    let summary_out = dir.join("million-summary.json");
    let har = dir.join("million.har");
    let options = dir.join("million-options.ini");
    std::fs::write(&options, CHECK_OPTIONS).unwrap();
    let options_arg = options.to_str().unwrap();
    let check_out = dir.join("million-check.jsonl");
    let har_check_out = dir.join("million-har-check.jsonl");
    // `check` exits 1: the log disagrees with these options (answers to refused requests).
    let runs = [
        (
            "summary (raw lines)",
            vec!["summary", "--format", "json", capture_arg],
            summary_out.clone(),
            0,
        ),
        (
            "check (raw lines)",
            vec![
                "check",
                "--options",
                options_arg,
                "--format",
                "json",
                capture_arg,
            ],
            check_out.clone(),
            1,
        ),
        (
            "convert --to har",
            vec!["convert", "--to", "har", capture_arg],
            har.clone(),
            0,
        ),
        (
            "summary (the HAR)",
            vec!["summary", "--format", "json", har.to_str().unwrap()],
            dir.join("million-har-summary.json"),
            0,
        ),
        (
            "check (the HAR)",
            vec![
                "check",
                "--options",
                options_arg,
                "--format",
                "json",
                har.to_str().unwrap(),
            ],
            har_check_out.clone(),
            1,
        ),
        (
            "convert HAR --to raw",
            vec![
                "convert",
                "--to",
                "raw",
                "--sensitive",
                har.to_str().unwrap(),
            ],
            dir.join("million-again.jsonl"),
            0,
        ),
    ];
    println!(
        "{:<22} {:>10} {:>12} {:>12}",
        "run", "elapsed", "peak memory", "output"
    );
    let mut measures = Vec::new();
    for (label, args, output, status) in &runs {
        let figures = measure(args, output, *status);
        println!(
            "{label:<22} {:>8.1} s {:>8.1} MiB {:>9.0} MB",
            figures.elapsed.as_secs_f64(),
            figures.peak_mib,
            figures.output_bytes as f64 / 1e6
        );
        measures.push(figures);
    }

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary_out).unwrap()).unwrap();
    assert_eq!(summary["records"], MESSAGES as u64);
    assert_eq!(summary["closedEarly"], 0);
    let har_summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("million-har-summary.json")).unwrap())
            .unwrap();
    assert_eq!(har_summary["records"], MESSAGES as u64);
    assert_eq!(har_summary["requests"], summary["requests"]);
    // check: every request judged once (plus revisions), with a good share refused or limited;
    // the HAR gives the same figures.
    let last_line = |path: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(text.lines().last().unwrap()).unwrap()
    };
    let check = last_line(&check_out)["summary"].clone();
    let calls: u64 = summary["requests"]
        .as_object()
        .unwrap()
        .values()
        .map(|figures| figures["count"].as_u64().unwrap())
        .sum();
    assert_eq!(check["requests"], calls);
    assert_eq!(check["closedEarly"], 0);
    let verdicts = check["byVerdict"].as_object().unwrap();
    let refused: u64 = verdicts
        .iter()
        .filter(|(verdict, _)| *verdict != "allowed")
        .map(|(_, count)| count.as_u64().unwrap())
        .sum();
    println!("check: {calls} requests, {refused} refused or limited, verdicts {verdicts:?}");
    assert!(refused * 4 > calls, "{refused} of {calls}");
    let mut har_check = last_line(&har_check_out)["summary"].clone();
    let mut lines_check = check.clone();
    for summary in [&mut har_check, &mut lines_check] {
        for key in ["findings", "format", "input"] {
            summary.as_object_mut().unwrap().remove(key);
        }
    }
    assert_eq!(har_check, lines_check);
    // Bounded: far below the input (356 MB) and the HAR (776 MB).
    for figures in &measures {
        assert!(figures.peak_mib < 64.0, "peak {:.1} MiB", figures.peak_mib);
    }
    // Back to raw lines, merged into capture order: the records generated, in their order, with
    // their identities (the HAR was sanitized, so user data and phone numbers are masks).
    let generated = std::fs::read_to_string(&capture).unwrap();
    let again = std::fs::read_to_string(dir.join("million-again.jsonl")).unwrap();
    assert_eq!(again.lines().count(), MESSAGES);
    for (original, converted) in generated.lines().zip(again.lines()) {
        let mut original = scapi::HookRecord::parse(original).unwrap();
        let mut converted = scapi::HookRecord::parse(converted).unwrap();
        for key in ["request", "referenceId", "event", "frameId"] {
            assert_eq!(converted.data.get(key), original.data.get(key), "{key}");
        }
        original.data = serde_json::Value::Null;
        converted.data = serde_json::Value::Null;
        assert_eq!(converted, original);
    }
    for path in [
        check_out,
        har_check_out,
        options,
        dir.join("million-again.jsonl"),
        capture,
        har,
        summary_out,
        dir.join("million-har-summary.json"),
    ] {
        let _ = std::fs::remove_file(path);
    }
}
