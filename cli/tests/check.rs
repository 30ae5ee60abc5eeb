//! End-to-end tests of `check`: the built binary on the raw capture in
//! `tests/fixtures/workspace-session.jsonl` (a Workspace top frame, wwe.example, and an app it
//! embeds, crm.example; see `convert.rs`), on its HAR, and on small captures written here in the
//! same shapes: the seed's rate-limit burst, a refused origin, a JWT outside the filter, a refused
//! write, hidden keys, a late answer.

mod support;

use serde_json::{json, Value};
use std::path::PathBuf;
use support::{fixture, json_lines, run};

/// A file in Cargo's scratch directory, named apart from the other test files' ones.
fn temp_file(name: &str, text: &str) -> String {
    support::temp_file(&format!("check-{name}"), text)
        .display()
        .to_string()
}

/// The request checks of a run: (position, name, verdict, observed, agreement).
fn requests(lines: &[Value]) -> Vec<(u64, String, String, String, String)> {
    lines
        .iter()
        .filter(|line| line["check"] == "request")
        .map(|line| {
            let position = line
                .get("line")
                .or_else(|| line.get("index"))
                .and_then(Value::as_u64)
                .unwrap();
            let text = |key: &str| line[key].as_str().unwrap().to_owned();
            (
                position,
                text("name"),
                text("verdict"),
                text("observed"),
                text("agreement"),
            )
        })
        .collect()
}

/// A minute boundary (2025-11-25T12:00:00Z): rate windows start on it.
const MINUTE: f64 = 1_764_072_000_000.0;
const WWE_FRAME: &str = r#""frameUrl":"https://wwe.example/ui/ad/v1/index.html","frameOrigin":"https://wwe.example","isTop":true"#;
const LIMIT_TEXT: &str = "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.";

/// Raw capture lines, as the page hook writes them, of Workspace and the apps it embeds.
#[derive(Default)]
struct Log {
    lines: Vec<String>,
    references: [u32; 2],
}

impl Log {
    /// A request received by Workspace from app 0 (crm.example, child 0, frameId 3) or app 1
    /// (other.example, child 1, no frameId); returns its referenceId.
    fn request(&mut self, app: usize, at: f64, message: Value) -> String {
        let reference_id = self.references[app].to_string();
        self.references[app] += 1;
        let mut data = message;
        data["referenceId"] = json!(reference_id);
        data["userAgent"] = json!("WWE Client");
        data["protocolVersion"] = json!(2);
        if app == 0 {
            data["frameId"] = json!(3);
        }
        let origin = ["https://crm.example", "https://other.example"][app];
        self.lines.push(format!(
            r#"{{"v":1,"time":{at},"wall":{at},{WWE_FRAME},"origin":"{origin}","source":"child","childIndex":{app},"ports":0,"data":{data}}}"#
        ));
        reference_id
    }

    /// A message Workspace posted to app `app`.
    fn posted_to_app(&mut self, app: usize, at: f64, data: Value) {
        let url = [
            "https://crm.example/softphone/app.html",
            "https://other.example/widget.html",
        ][app];
        let origin = ["https://crm.example", "https://other.example"][app];
        self.lines.push(format!(
            r#"{{"v":1,"time":{at},"wall":{at},"frameUrl":"{url}","frameOrigin":"{origin}","isTop":false,"origin":"https://wwe.example","source":"parent","ports":0,"data":{data}}}"#
        ));
    }

    fn answer(&mut self, app: usize, at: f64, reference_id: &str, body: Value) {
        let mut data =
            json!({"referenceId": reference_id, "userAgent": "WWE Server", "protocolVersion": 2});
        for (key, value) in body.as_object().unwrap() {
            data[key] = value.clone();
        }
        self.posted_to_app(app, at, data);
    }

    fn text(&self) -> String {
        self.lines.join("\n") + "\n"
    }
}

/// Six dials in one minute from crm.example: four answered, the fifth gets the seed's
/// rate-limit error, the sixth nothing; then a getState 15 s later, answered.
fn dial_burst() -> Log {
    let mut log = Log::default();
    log.posted_to_app(
        0,
        MINUTE + 10.0,
        json!({"frameId": 3, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    for i in 0..6 {
        let at = MINUTE + 1_000.0 + 1_000.0 * f64::from(i);
        let id = log.request(
            0,
            at,
            json!({"request": "voice.dial", "parameters": ["5001", null]}),
        );
        match i {
            0..=3 => log.answer(0, at + 20.0, &id, json!({"data": {}})),
            4 => log.answer(
                0,
                at + 20.0,
                &id,
                json!({"errorMessage": LIMIT_TEXT, "request": "voice.dial"}),
            ),
            _ => {}
        }
    }
    let id = log.request(0, MINUTE + 21_000.0, json!({"request": "agent.getState"}));
    log.answer(
        0,
        MINUTE + 21_008.0,
        &id,
        json!({"data": {"operationName": "Ready"}}),
    );
    log
}

const SEED_RATES: &str = "service-client-api.accepted-web-content-origins=https://crm.example\nservice-client-api.rate-limit=0\nservice-client-api.rate-limit.voice.dial=4\nservice-client-api.rate-limit.email.create=2\n";

#[test]
fn the_seed_rate_burst_agrees_with_the_seed_options_and_exits_0() {
    let log = temp_file("burst.jsonl", &dial_burst().text());
    let options = temp_file("seed-rates.txt", SEED_RATES);
    let result = run(&["check", "--options", &options, &log], None);
    assert_eq!(result.code, Some(0), "{}{}", result.stdout, result.stderr);
    let lines = json_lines(&result.stdout);
    let checks = requests(&lines);
    let verdicts: Vec<(&str, &str, &str)> = checks
        .iter()
        .map(|(_, _, verdict, observed, agreement)| {
            (verdict.as_str(), observed.as_str(), agreement.as_str())
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("allowed", "answered", "agrees"),
            ("allowed", "answered", "agrees"),
            ("allowed", "answered", "agrees"),
            ("allowed", "answered", "agrees"),
            ("rate limit reached", "rate-limit error", "agrees"),
            // Settled when the getState 15 s later is read, so handed on before it.
            ("in quarantine", "no answer", "agrees"),
            ("allowed", "answered", "agrees"),
        ]
    );
    let fifth = &lines
        .iter()
        .filter(|l| l["check"] == "request")
        .nth(4)
        .unwrap();
    assert_eq!(fifth["expected"], "error");
    assert_eq!(fifth["expectedError"], LIMIT_TEXT);
    assert_eq!(fifth["rateLimit"]["quarantineSeconds"], 30);
    let sixth = &lines
        .iter()
        .filter(|l| l["check"] == "request")
        .nth(5)
        .unwrap();
    assert_eq!(sixth["cause"], "in-quarantine");
    assert_eq!(sixth["causeEvidence"], fifth["line"]);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["requests"], 7);
    assert_eq!(summary["disagreements"], 0);
    assert_eq!(
        summary["byVerdict"],
        json!({"allowed": 5, "in quarantine": 1, "rate limit reached": 1})
    );
    let finding = &summary["findings"][0];
    assert_eq!(finding["code"], "policy-rate-limit");
    assert_eq!(
        finding["title"],
        "`voice.dial` over its rate limit: 1 error(s), 1 ignored in quarantine"
    );
    assert_eq!(finding["count"], 2);
    assert_eq!(finding["lines"], json!([fifth["line"], sixth["line"]]));
    assert!(result.stderr.is_empty(), "{}", result.stderr);
}

#[test]
fn options_the_log_contradicts_exit_1_and_say_why() {
    let log = temp_file("burst-higher.jsonl", &dial_burst().text());
    let options = temp_file(
        "higher.txt",
        "service-client-api.accepted-web-content-origins=https://crm.example\nservice-client-api.rate-limit.voice.dial=10\n",
    );
    let result = run(
        &["check", "--options", &options, "--format", "json", &log],
        None,
    );
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    let lines = json_lines(&result.stdout);
    let disagreeing: Vec<&Value> = lines
        .iter()
        .filter(|line| line["agreement"] == "disagrees")
        .collect();
    assert_eq!(disagreeing.len(), 2);
    assert!(disagreeing[0]["why"]
        .as_str()
        .unwrap()
        .contains("the options in force are not the ones pasted"));
    assert_eq!(lines.last().unwrap()["summary"]["disagreements"], 2);
    assert!(
        result
            .stderr
            .contains("2 check(s) disagree with the options in"),
        "{}",
        result.stderr
    );
}

/// A refused origin, a JWT outside its origin's filter, a refused write, and keys read-allowed
/// hides.
fn refusals() -> Log {
    let mut log = Log::default();
    log.posted_to_app(
        0,
        MINUTE + 10.0,
        json!({"frameId": 3, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    // other.example is not accepted: never answered.
    log.request(1, MINUTE + 100.0, json!({"request": "agent.get"}));
    let id = log.request(0, MINUTE + 200.0, json!({"request": "agent.get"}));
    log.answer(
        0,
        MINUTE + 210.0,
        &id,
        json!({"data": {"username": "agent1"}}),
    );
    // Not named explicitly in crm.example's filter: no answer.
    log.request(0, MINUTE + 300.0, json!({"request": "auth.getJwtToken"}));
    // Key4 is outside write-allowed: refused with an error.
    let id = log.request(0, MINUTE + 400.0, json!({"request": "interaction.setUserData", "parameters": ["1", {"Key1": "a", "Key4": "b"}]}));
    log.answer(
        0,
        MINUTE + 410.0,
        &id,
        json!({"errorMessage": "The user data key(s) 'Key4' cannot be written."}),
    );
    let id = log.request(0, MINUTE + 500.0, json!({"request": "interaction.setUserData", "parameters": ["1", {"Key1": "a", "Key2": "c"}]}));
    log.answer(0, MINUTE + 510.0, &id, json!({"data": {}}));
    // Key2 is written but read-allowed hides it.
    log.posted_to_app(0, MINUTE + 600.0, json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"Key1": "a"}}}, "userAgent": "WWE Server", "protocolVersion": 2}));
    // Later traffic: the unanswered ones' 10 s pass.
    let id = log.request(0, MINUTE + 20_000.0, json!({"request": "agent.getState"}));
    log.answer(
        0,
        MINUTE + 20_005.0,
        &id,
        json!({"data": {"operationName": "Ready"}}),
    );
    log
}

const REFUSING: &str = "[interaction-workspace]\nservice-client-api.accepted-web-content-origins = https://crm.example (*)\nservice-client-api.user-data.write-allowed = Key1,Key2\nservice-client-api.user-data.read-allowed = Key1\n";

#[test]
fn refusals_and_hidden_keys_are_named_with_what_to_change() {
    let log = temp_file("refusals.jsonl", &refusals().text());
    let options = temp_file("refusing.ini", REFUSING);
    let result = run(&["check", "--options", &options, &log], None);
    assert_eq!(result.code, Some(0), "{}{}", result.stdout, result.stderr);
    let lines = json_lines(&result.stdout);
    let checks = requests(&lines);
    let by_name = |name: &str| checks.iter().find(|c| c.1 == name).unwrap().clone();
    assert_eq!(by_name("auth.getJwtToken").2, "outside filter");
    assert_eq!(by_name("auth.getJwtToken").3, "no answer");
    let refused_origin = checks.iter().find(|c| c.2 == "origin refused").unwrap();
    assert_eq!(
        (refused_origin.1.as_str(), refused_origin.3.as_str()),
        ("agent.get", "no answer")
    );
    let writes: Vec<_> = checks
        .iter()
        .filter(|c| c.1 == "interaction.setUserData")
        .collect();
    assert_eq!(
        (writes[0].2.as_str(), writes[0].3.as_str()),
        ("key refused", "error")
    );
    assert_eq!(writes[1].2, "allowed");
    let read = lines.iter().find(|line| line["check"] == "read").unwrap();
    assert_eq!(read["interactionId"], "1");
    assert_eq!(read["hidden"], json!(["Key2"]));
    assert_eq!(read["agreement"], "agrees");

    let findings = &lines.last().unwrap()["summary"]["findings"];
    let titles: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Origin `https://other.example` is not accepted: 1 request(s) refused",
            "`auth.getJwtToken` is outside the filter of `https://crm.example` (1)",
            "Writing `Key4` is refused by service-client-api.user-data.write-allowed (1)",
            "Interaction 1: `Key2`, `Key4` not readable",
        ]
    );
    assert!(findings[0]["advice"].as_str().unwrap().contains(
        "Add `https://other.example` to service-client-api.accepted-web-content-origins"
    ));
    assert!(findings[1]["advice"]
        .as_str()
        .unwrap()
        .contains("`https://crm.example (*, auth.getJwtToken)`"));
}

#[test]
fn the_table_has_a_row_per_check_then_counts_and_findings() {
    let log = temp_file("refusals-table.jsonl", &refusals().text());
    let options = temp_file("refusing-table.ini", REFUSING);
    let result = run(
        &["check", "--options", &options, "--format", "table", &log],
        None,
    );
    assert_eq!(result.code, Some(0), "{}", result.stderr);
    let rows: Vec<&str> = result.stdout.lines().collect();
    assert!(
        rows[0].trim_start().starts_with("LINE  TIME (UTC)"),
        "{}",
        result.stdout
    );
    for heading in ["ORIGIN", "NAME", "VERDICT", "OBSERVED", "AGREEMENT"] {
        assert!(rows[0].contains(heading), "{}", rows[0]);
    }
    let jwt = rows
        .iter()
        .find(|row| row.contains("auth.getJwtToken"))
        .unwrap();
    for cell in [
        "12:00:00.300",
        "https://crm.example",
        "outside filter",
        "no answer",
        "agrees",
    ] {
        assert!(jwt.contains(cell), "{cell} in {jwt}");
    }
    let read = rows
        .iter()
        .find(|row| row.contains("userData of 1"))
        .unwrap();
    assert!(read.contains("hides Key2"), "{read}");
    assert!(
        result
            .stdout
            .contains("(lines): 6 requests checked, 6 agree, 0 disagree, 0 undecided"),
        "{}",
        result.stdout
    );
    assert!(result.stdout.contains("Findings (4):"), "{}", result.stdout);
    assert!(result.stdout.contains("  error    Origin `https://other.example` is not accepted: 1 request(s) refused  (line 2)"), "{}", result.stdout);
}

const FIXTURE_OPTIONS: &str = "service-client-api.accepted-web-content-origins=https://crm.example (agent.*, interaction.*, voice.*, auth.getJwtToken)\nservice-client-api.rate-limit.voice.dial=4\nservice-client-api.user-data.read-allowed=MyKEY1,IW_CaseUid,IW_BundleUid,IWAttachedDataInformation\n";

#[test]
fn the_fixture_and_its_har_get_the_same_checks() {
    let options = temp_file("fixture.txt", FIXTURE_OPTIONS);
    let from_lines = run(&["check", "--options", &options, &fixture()], None);
    // A rate-limit error the options do not predict, and requests never answered.
    assert_eq!(from_lines.code, Some(1), "{}", from_lines.stderr);
    let lines = json_lines(&from_lines.stdout);
    let checks = requests(&lines);
    assert_eq!(checks.len(), 9);
    assert!(checks.contains(&(
        10,
        "voice.dial".into(),
        "allowed".into(),
        "rate-limit error".into(),
        "disagrees".into()
    )));
    assert_eq!(checks.last().unwrap().3, "pending");
    let read = lines.iter().find(|l| l["check"] == "read").unwrap();
    assert_eq!(read["line"], 12);
    assert_eq!(
        read["unreadableDelivered"],
        json!(["MyKEY2", "CustomerEmail", "GSW_PHONE"])
    );

    let har = run(&["convert", "--to", "har", &fixture()], None);
    assert_eq!(har.code, Some(0), "{}", har.stderr);
    let har_file = temp_file("session.har", &har.stdout);
    let from_har = run(&["check", "--options", &options, &har_file], None);
    assert_eq!(from_har.code, Some(1), "{}", from_har.stderr);
    let har_lines = json_lines(&from_har.stdout);
    // The same checks, each named by its place in the capture (from 0) instead of its line.
    let shifted: Vec<_> = checks
        .iter()
        .map(|(line, name, verdict, observed, agreement)| {
            (
                line - 1,
                name.clone(),
                verdict.clone(),
                observed.clone(),
                agreement.clone(),
            )
        })
        .collect();
    assert_eq!(requests(&har_lines), shifted);
    assert!(har_lines.iter().all(|l| l.get("line").is_none()));
    let summary = &har_lines.last().unwrap()["summary"];
    assert_eq!(summary["format"], "har");
    let mut lines_summary = lines.last().unwrap()["summary"].clone();
    let mut har_summary = summary.clone();
    for summary in [&mut lines_summary, &mut har_summary] {
        for key in ["findings", "format", "input"] {
            summary.as_object_mut().unwrap().remove(key);
        }
    }
    assert_eq!(lines_summary, har_summary);
    let har_findings = summary["findings"].as_array().unwrap();
    assert!(har_findings.iter().all(|f| f.get("indexes").is_some()));
}

#[test]
fn standard_input_is_read_when_the_log_is_dash() {
    let options = temp_file("stdin.txt", FIXTURE_OPTIONS);
    let text = std::fs::read_to_string(fixture()).unwrap();
    let from_stdin = run(&["check", "--options", &options, "-"], Some(&text));
    let from_file = run(&["check", "--options", &options, &fixture()], None);
    assert_eq!(from_stdin.code, Some(1));
    let without_input = |text: &str| -> Vec<Value> {
        let mut lines = json_lines(text);
        lines.last_mut().unwrap()["summary"]
            .as_object_mut()
            .unwrap()
            .remove("input");
        lines
    };
    assert_eq!(
        without_input(&from_stdin.stdout),
        without_input(&from_file.stdout)
    );
}

#[test]
fn a_late_answer_revises_a_request_first_without_one() {
    let mut log = Log::default();
    let late = log.request(0, MINUTE + 100.0, json!({"request": "agent.get"}));
    let id = log.request(0, MINUTE + 10_500.0, json!({"request": "agent.getState"}));
    log.answer(0, MINUTE + 10_510.0, &id, json!({"data": {}}));
    log.answer(0, MINUTE + 12_000.0, &late, json!({"data": {}}));
    let file = temp_file("late.jsonl", &log.text());
    let options = temp_file(
        "late.txt",
        "service-client-api.accepted-web-content-origins=*\n",
    );
    let result = run(&["check", "--options", &options, &file], None);
    assert_eq!(result.code, Some(0), "{}", result.stderr);
    let lines = json_lines(&result.stdout);
    let of_first: Vec<(&Value, &Value, Option<&Value>)> = lines
        .iter()
        .filter(|l| l["line"] == 1)
        .map(|l| (&l["observed"], &l["agreement"], l.get("revised")))
        .collect();
    assert_eq!(
        of_first,
        [
            (&json!("no answer"), &json!("disagrees"), None),
            (&json!("late answer"), &json!("agrees"), Some(&json!(true))),
        ]
    );
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(
        (summary["revised"].clone(), summary["disagreements"].clone()),
        (json!(1), json!(0))
    );
}

#[test]
fn bad_options_are_each_named_by_file_line_and_column_and_exit_2() {
    let options = temp_file(
        "bad.ini",
        "[interaction-workspace]\nservice-client-api.accepted-web-content-origins = https://crm.example/app\nservice-client-api.rate-limit = -5\nservice-client-api.rate-limt = 3\n",
    );
    let result = run(&["check", "--options", &options, &fixture()], None);
    assert_eq!(result.code, Some(2));
    assert!(result.stdout.is_empty(), "{}", result.stdout);
    let problems: Vec<&str> = result.stderr.lines().collect();
    assert_eq!(problems.len(), 4, "{}", result.stderr);
    assert!(
        problems[0].starts_with(&format!("{options}:2:")),
        "{}",
        problems[0]
    );
    assert!(problems[0].contains(": service-client-api.accepted-web-content-origins: `https://crm.example/app` has a path"), "{}", problems[0]);
    let column: usize = problems[0].split(':').nth(2).unwrap().parse().unwrap();
    assert_eq!(column, 51, "the column where the origin starts");
    assert!(
        problems[1].starts_with(&format!("{options}:3:")),
        "{}",
        problems[1]
    );
    assert!(problems[1].contains("`-5` is negative"), "{}", problems[1]);
    assert_eq!(
        problems[2],
        format!("{options}:4: service-client-api.rate-limt: unknown option; did you mean `service-client-api.rate-limit`?")
    );
    assert!(problems[3].contains("3 problem(s) in the options: nothing was checked"));
}

#[test]
fn unreadable_options_or_log_exit_2_and_bad_lines_exit_1() {
    let options = temp_file(
        "plain.txt",
        "service-client-api.accepted-web-content-origins=*\n",
    );
    let missing_options = run(
        &["check", "--options", "no-such-options.ini", &fixture()],
        None,
    );
    assert_eq!(missing_options.code, Some(2));
    assert!(
        missing_options
            .stderr
            .contains("cannot read no-such-options.ini"),
        "{}",
        missing_options.stderr
    );
    let missing_log = run(&["check", "--options", &options, "no-such-log.jsonl"], None);
    assert_eq!(missing_log.code, Some(2));
    assert!(
        missing_log
            .stderr
            .contains("no-such-log.jsonl: cannot open"),
        "{}",
        missing_log.stderr
    );
    let no_options = run(&["check", &fixture()], None);
    assert_eq!(no_options.code, Some(2));
    assert!(
        no_options.stderr.contains("--options <FILE>"),
        "{}",
        no_options.stderr
    );

    let bad_lines =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-lines.jsonl");
    let result = run(
        &["check", "--options", &options, bad_lines.to_str().unwrap()],
        None,
    );
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    assert!(
        result.stderr.contains("line 2: not JSON"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("2 of 6 lines could not be read"),
        "{}",
        result.stderr
    );
    let lines = json_lines(&result.stdout);
    assert_eq!(lines.last().unwrap()["summary"]["badLines"], 2);
}

#[test]
fn a_log_without_requests_has_nothing_to_judge_and_exits_0() {
    let mut log = Log::default();
    log.posted_to_app(0, MINUTE, json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"}, "userAgent": "WWE Server", "protocolVersion": 2}));
    let file = temp_file("events.jsonl", &log.text());
    let options = temp_file("empty.txt", "");
    let result = run(&["check", "--options", &options, &file], None);
    assert_eq!(result.code, Some(0), "{}", result.stderr);
    let lines = json_lines(&result.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["summary"]["requests"], 0);
    assert_eq!(lines[0]["summary"]["findings"], json!([]));
}
