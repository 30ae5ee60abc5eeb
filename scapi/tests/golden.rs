//! Golden tests: every fixture in `tests/fixtures/` is a real message (a request for every catalog
//! name, an event for every documented event type, results, and the seed's own examples, repaired
//! where the PDF mangled them: each fixture's `comment` says how). Each one is decoded through the
//! whole pipeline (`message::decode`: kind and name) and through its typed decoder, whose JSON must
//! equal the fixture's `expected`.
//!
//! To re-record `expected` after a deliberate change: `SCAPI_BLESS=1 cargo test -p scapi --test
//! golden`, then review the diff of the fixtures.

use scapi::events::{decode_event, TypedEvent, EVENT_TYPES, FRAME_STATE};
use scapi::message::{decode, Message, Outcome};
use scapi::rate_limit::{parse_rate_limit, RateLimitError};
use scapi::requests::{catalog, decode_call, TypedCall};
use scapi::results::{decode_result, TypedResult};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::fs;
use std::path::PathBuf;

#[path = "common/fixture_files.rs"]
mod fixture_files;
use fixture_files::fixture_files;

struct Fixture {
    path: PathBuf,
    dir: &'static str,
    json: Value,
}

impl Fixture {
    fn name(&self) -> String {
        format!(
            "{}/{}",
            self.dir,
            self.path.file_name().unwrap().to_string_lossy()
        )
    }

    fn field(&self, key: &str) -> &Value {
        self.json
            .get(key)
            .unwrap_or_else(|| panic!("{}: no `{key}`", self.name()))
    }

    fn message(&self) -> &Value {
        self.field("message")
    }

    fn decoder(&self) -> &str {
        self.field("decoder").as_str().unwrap()
    }
}

fn fixtures() -> Vec<Fixture> {
    fixture_files()
        .into_iter()
        .map(|(dir, path)| {
            let text = fs::read_to_string(&path).unwrap();
            let json = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
            Fixture { path, dir, json }
        })
        .collect()
}

fn blessing() -> bool {
    std::env::var_os("SCAPI_BLESS").is_some()
}

/// The typed decode of a fixture, as JSON, plus a check that this JSON reads back to the same
/// typed value.
fn decode_fixture(fixture: &Fixture) -> Value {
    let message = fixture.message();
    match fixture.decoder() {
        "call" => {
            let typed = decode_call(
                message["request"].as_str().unwrap(),
                message.get("parameters"),
            );
            to_json_checked(&typed)
        }
        "event" => {
            let typed = decode_event(message["event"].as_str().unwrap(), &message["data"]);
            to_json_checked(&typed)
        }
        "result" => {
            let request = fixture.field("request").as_str().unwrap();
            let data = message.get("data").unwrap_or(&Value::Null);
            to_json_checked(&decode_result(request, data))
        }
        "rateLimit" => {
            let parsed = parse_rate_limit(message["errorMessage"].as_str().unwrap());
            to_json_checked(&parsed)
        }
        other => panic!("{}: unknown decoder {other}", fixture.name()),
    }
}

fn to_json_checked<T: Serialize + DeserializeOwned + PartialEq + Debug>(typed: &T) -> Value {
    let json = serde_json::to_value(typed).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, typed);
    json
}

#[test]
fn every_fixture_decodes_to_its_expected_typed_value() {
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let actual = decode_fixture(&fixture);
        if blessing() {
            let mut json = fixture.json.clone();
            json["expected"] = actual;
            let text = serde_json::to_string_pretty(&json).unwrap() + "\n";
            fs::write(&fixture.path, text).unwrap();
            continue;
        }
        match fixture.json.get("expected") {
            None => failures.push(format!("{}: no `expected` (bless it)", fixture.name())),
            Some(expected) if *expected != actual => failures.push(format!(
                "{}:\n  expected {}\n  actual   {}",
                fixture.name(),
                expected,
                actual
            )),
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_has_the_right_kind_and_name_through_the_pipeline() {
    for fixture in fixtures() {
        let decoded = decode(fixture.message());
        let pipeline = fixture.field("pipeline");
        assert_eq!(
            decoded.message.kind(),
            pipeline["kind"],
            "{}",
            fixture.name()
        );
        assert_eq!(
            decoded.message.name(),
            pipeline["name"],
            "{}",
            fixture.name()
        );
    }
}

#[test]
fn the_pipeline_hands_the_typed_decoders_what_the_fixtures_give_them() {
    for fixture in fixtures() {
        let message = decode(fixture.message()).message;
        let json = fixture.message();
        match (fixture.decoder(), &message) {
            (
                "call",
                Message::Request {
                    request,
                    parameters,
                    ..
                },
            ) => {
                assert_eq!(request, &json["request"]);
                assert_eq!(parameters.as_ref(), json.get("parameters"));
            }
            ("event", Message::Event { topic, typed, .. }) => {
                assert_eq!(topic, &json["event"]);
                assert_eq!(
                    typed.as_ref(),
                    &scapi::events::decode_event(topic, &json["data"])
                );
            }
            (
                "result",
                Message::Response {
                    outcome: Outcome::Success { data },
                    ..
                },
            ) => assert_eq!(data.as_ref(), json.get("data")),
            (
                "rateLimit",
                Message::Response {
                    outcome: Outcome::Failure { error_message, .. },
                    ..
                },
            ) => assert_eq!(error_message, &json["errorMessage"]),
            (decoder, other) => {
                panic!("{}: {decoder} fixture decoded as {other:?}", fixture.name())
            }
        }
    }
}

#[test]
fn fixtures_cover_every_catalog_request_cleanly() {
    let mut covered = BTreeSet::new();
    for fixture in fixtures().iter().filter(|f| f.dir == "requests") {
        let expected: TypedCall =
            serde_json::from_value(fixture.field("expected").clone()).unwrap();
        assert!(expected.is_known(), "{}", fixture.name());
        assert!(
            expected.problems.is_empty(),
            "{}: {:?}",
            fixture.name(),
            expected.problems
        );
        covered.insert(fixture.message()["request"].as_str().unwrap().to_owned());
    }
    let missing: Vec<&str> = catalog()
        .iter()
        .map(|spec| spec.name)
        .filter(|name| !covered.contains(*name))
        .collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}");
    assert_eq!(covered.len(), catalog().len());
}

#[test]
fn problem_fixtures_all_report_something() {
    for fixture in fixtures().iter().filter(|f| f.dir == "request-problems") {
        let expected: TypedCall =
            serde_json::from_value(fixture.field("expected").clone()).unwrap();
        assert!(
            !expected.problems.is_empty() || !expected.is_known(),
            "{} reports nothing",
            fixture.name()
        );
    }
}

#[test]
fn fixtures_cover_every_documented_event_type() {
    let mut covered = BTreeSet::new();
    let mut topics = BTreeSet::new();
    for fixture in fixtures().iter().filter(|f| f.decoder() == "event") {
        let expected: TypedEvent =
            serde_json::from_value(fixture.field("expected").clone()).unwrap();
        topics.insert(expected.topic.clone());
        if expected.known() {
            let event_type = expected
                .event_type
                .clone()
                .unwrap_or(FRAME_STATE.to_owned());
            covered.insert((expected.topic.clone(), event_type));
        }
    }
    let missing: Vec<String> = EVENT_TYPES
        .iter()
        .filter(|spec| !covered.contains(&(spec.topic.to_owned(), spec.event_type.to_owned())))
        .map(|spec| format!("{}:{}", spec.topic, spec.event_type))
        .collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}");
    for topic in [
        "agent",
        "interaction",
        "media",
        "system",
        "markdone",
        "outbound",
    ] {
        assert!(topics.contains(topic), "no fixture for the {topic} topic");
    }
    assert!(topics.iter().any(|topic| topic.starts_with("messenger:")));
}

#[test]
fn every_seed_example_is_a_fixture() {
    let seed: BTreeSet<String> = fixtures()
        .iter()
        .filter(|f| f.dir == "seed")
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for name in [
        "working-with-the-api.setUserData.json",
        "agent.STATE_CHANGED--ready.json",
        "agent.STATE_CHANGED--not-ready-with-reason.json",
        "interaction.ATTACHED_DATA_CHANGED.json",
        "outbound.CampaignLoaded.json",
        "outbound.CampaignUnloaded.json",
        "outbound.CampaignStarted.json",
        "outbound.CampaignStopped.json",
        "interaction.RECORDS_RETRIEVED.json",
        "system.frameState--LEADING.json",
        "system.frameState--NEGOTIATING.json",
        "interaction.CASE_ID_CHANGED.json",
        "rate-limit-failure.json",
        "auth.getJwtToken.json",
    ] {
        assert!(seed.contains(name), "missing seed fixture {name}");
    }
}

/// Spot checks that do not depend on blessed output: the seed examples decode the way the
/// seed describes them.
#[test]
fn the_seed_examples_mean_what_the_seed_says() {
    let all = fixtures();
    let seed = |name: &str| {
        all.iter()
            .find(|f| f.dir == "seed" && f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    let event = |name: &str| {
        let message = seed(name).message();
        decode_event(message["event"].as_str().unwrap(), &message["data"])
    };

    let records = event("interaction.RECORDS_RETRIEVED.json");
    assert!(records.known());
    assert!(
        records.shape_problems.is_empty(),
        "{:?}",
        records.shape_problems
    );
    let scapi::events::EventBody::Interaction {
        interaction: Some(interaction),
        ..
    } = &records.body
    else {
        panic!("{records:?}")
    };
    let chain = interaction.chained_records.as_ref().unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0]["GSW_RECORD_HANDLE"], 283);
    assert_eq!(chain[1]["GSW_USER_EVENT"], "ChainedRecord");
    assert_eq!(
        interaction.user_data.as_ref().unwrap()["GSW_RECORD_HANDLE"],
        "283"
    );
    assert_eq!(interaction.call_type.as_deref(), Some("OUTBOUND_PREVIEW"));
    assert_eq!(interaction.is_case_selected, Some(true));

    let attached = event("interaction.ATTACHED_DATA_CHANGED.json");
    assert_eq!(
        attached.event_type.as_deref(),
        Some("ATTACHED_DATA_CHANGED")
    );
    assert_eq!(attached.group.as_deref(), Some("common"));
    assert!(attached.shape_problems.is_empty());

    let reason = event("agent.STATE_CHANGED--not-ready-with-reason.json");
    let scapi::events::EventBody::AgentState { reason_code, .. } = &reason.body else {
        panic!("{reason:?}")
    };
    assert_eq!(reason_code.as_deref(), Some("1511"));

    let started = event("outbound.CampaignStarted.json");
    assert!(matches!(
        &started.body,
        scapi::events::EventBody::Campaign { mode: Some(_), .. }
    ));

    let leading = event("system.frameState--LEADING.json");
    assert!(leading.known());
    assert_eq!(leading.event_type, None);

    let rate_limit = parse_rate_limit(
        seed("rate-limit-failure.json").message()["errorMessage"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(
        rate_limit,
        Some(RateLimitError {
            request: "voice.dial".into(),
            quarantine_seconds: Some(30),
            forever: false
        })
    );

    let jwt = seed("auth.getJwtToken.json");
    let typed: TypedResult = decode_result("auth.getJwtToken", &jwt.message()["data"]);
    let scapi::results::ResultValue::Jwt { jwt } = typed.result else {
        panic!()
    };
    assert_eq!(jwt.expiration.as_deref(), Some("2020-04-14T13:26:51.846Z"));
}
