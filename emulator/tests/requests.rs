//! Every request of the catalog gets an answer of the shape the inspector expects, and every event
//! the desktop sends on the way has the seed's shape: the sample app's own list of requests
//! (`site/client/sample-requests.json`), run against the service and read back with the core
//! crate's decoders.

mod support;

use scapi::events::decode_event;
use scapi::requests::{catalog, spec, ResultShape};
use scapi::results::{decode_result, ResultValue};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use support::{event_name, Bed, EVERYTHING};

const SAMPLE_REQUESTS: &str = include_str!("../site/client/sample-requests.json");

fn sample_requests() -> Vec<Value> {
    let list: Value = serde_json::from_str(SAMPLE_REQUESTS).expect("sample-requests.json is JSON");
    list["requests"].as_array().expect("a list").clone()
}

/// `{"$answer": request}` → the id the last answer to that request gave; `{"$url": path}` → a
/// URL next to the sample app.
fn resolve(value: &Value, answers: &BTreeMap<String, Value>) -> Value {
    match value {
        Value::Object(fields) if fields.contains_key("$answer") => {
            let request = fields["$answer"].as_str().unwrap();
            let data = answers
                .get(request)
                .unwrap_or_else(|| panic!("no answer yet to {request}"));
            match data {
                Value::String(_) => data.clone(),
                other => other["interactionId"].clone(),
            }
        }
        Value::Object(fields) if fields.contains_key("$url") => json!(format!(
            "http://localhost:8917/client/{}",
            fields["$url"].as_str().unwrap()
        )),
        Value::Array(items) => Value::Array(items.iter().map(|v| resolve(v, answers)).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_sample_list_covers_every_request_of_the_catalog() {
    let listed: BTreeSet<String> = sample_requests()
        .iter()
        .map(|entry| entry["request"].as_str().unwrap().to_owned())
        .collect();
    for entry in &listed {
        assert!(spec(entry).is_some(), "{entry} is not in the catalog");
    }
    let missing: Vec<&str> = catalog()
        .iter()
        .map(|spec| spec.name)
        .filter(|name| !listed.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "not in sample-requests.json: {missing:?}"
    );
}

#[test]
fn every_request_is_answered_with_its_result_shape_and_events_have_the_seeds_shapes() {
    let mut bed = Bed::new(EVERYTHING);
    let topics = [
        "agent",
        "interaction",
        "media",
        "system",
        "markdone",
        "outbound",
    ];
    bed.subscribe("app", &topics);
    // Another app listens to the messenger channel the list broadcasts on.
    bed.embed(
        "other",
        scapi_emulator::SourceKind::Hidden,
        support::APP_ORIGIN,
    );
    bed.subscribe("other", &["messenger:demo"]);
    bed.drain("app");
    bed.drain("other");

    let mut answers: BTreeMap<String, Value> = BTreeMap::new();
    let mut typed_shapes = BTreeSet::new();
    for entry in sample_requests() {
        let request = entry["request"].as_str().unwrap();
        let parameters = entry.get("parameters").map(|p| resolve(p, &answers));
        let reference = bed.request("app", request, parameters.clone());
        let answer = bed
            .answer("app", &reference)
            .unwrap_or_else(|| panic!("{request} {parameters:?}: no answer"));
        assert!(
            answer.get("errorMessage").is_none(),
            "{request} {parameters:?} failed: {answer}"
        );
        assert_eq!(answer["userAgent"], "WWE Server", "{answer}");
        assert_eq!(answer["protocolVersion"], 2, "{answer}");
        let data = answer.get("data").cloned().expect("a success carries data");
        let typed = decode_result(request, &data);
        assert_eq!(typed.shape_problem, None, "{request}: {data}");
        if spec(request).unwrap().result != ResultShape::Unspecified {
            assert!(
                !matches!(typed.result, ResultValue::Json { .. }),
                "{request} typed as plain JSON: {data}"
            );
            typed_shapes.insert(request.to_owned());
        }
        answers.insert(request.to_owned(), data);
        let wait = entry["thenWaitMs"].as_f64().unwrap_or(0.0).max(1_000.0);
        bed.advance(wait);
    }
    // Every documented result shape was produced at least once.
    let expected_typed: BTreeSet<String> = catalog()
        .iter()
        .filter(|spec| spec.result != ResultShape::Unspecified)
        .map(|spec| spec.name.to_owned())
        .collect();
    assert_eq!(typed_shapes, expected_typed);

    let mut seen = BTreeSet::new();
    for key in ["app", "other"] {
        for event in bed.events(key) {
            let topic = event["event"].as_str().unwrap();
            let typed = decode_event(topic, &event["data"]);
            assert!(typed.known(), "unknown event {event}");
            assert!(
                typed.shape_problems.is_empty(),
                "{:?} in {event}",
                typed.shape_problems
            );
            assert_eq!(event["userAgent"], "WWE Server");
            assert!(event.get("referenceId").is_none());
            seen.insert(event_name(&event));
        }
    }
    for name in [
        "agent:STATE_CHANGED",
        "interaction:ATTACHED_DATA_CHANGED",
        "interaction:CASE_SELECTED",
        "interaction:CASE_EXPANDED",
        "interaction:CASE_COLLAPSED",
        "interaction:ADDED",
        "interaction:DIALING",
        "interaction:ESTABLISHED",
        "interaction:HELD",
        "interaction:RELEASED",
        "interaction:REMOVED",
        "interaction:ACCEPTED",
        "interaction:COMPLETED",
        "interaction:PARTY_CHANGED",
        "interaction:CALL_RECORDING_STATE_CHANGED",
        "interaction:CREATED",
        "interaction:RECORDS_RETRIEVED",
        "interaction:PREVIEWING",
        "interaction:STATE_CHANGE",
        "interaction:INVITED",
        "messenger:demo",
    ] {
        assert!(seen.contains(name), "no {name} event among {seen:?}");
    }
    // The broadcaster does not hear its own broadcast.
    assert!(!bed
        .events("app")
        .iter()
        .any(|e| e["event"] == "messenger:demo"));
}

#[test]
fn answers_carry_the_seeds_interaction_and_records() {
    let mut bed = Bed::new(EVERYTHING);
    let reference = bed.request("app", "interaction.getByInteractionId", Some(json!(["1"])));
    let data = bed.answer("app", &reference).unwrap()["data"].clone();
    assert_eq!(data["caseId"], "4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b");
    assert_eq!(
        data["userData"]["IWAttachedDataInformation"]["CaseDataBusinessAttribute"],
        "CaseData"
    );
    assert_eq!(data["parties"][0]["name"], "+14155550123");

    let reference = bed.request("app", "outbound.getChainedRecords", Some(json!(["4"])));
    let chain = bed.answer("app", &reference).unwrap()["data"].clone();
    assert_eq!(chain[0]["GSW_RECORD_HANDLE"], 283);
    assert_eq!(chain[1]["GSW_USER_EVENT"], "ChainedRecord");

    let reference = bed.request("app", "auth.getJwtToken", None);
    let jwt = bed.answer("app", &reference).unwrap()["data"].clone();
    let token = jwt["jwtToken"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "{token}");
    assert!(jwt["expiration"].as_str().unwrap().ends_with('Z'));

    let reference = bed.request("app", "system.popupToast", Some(json!([{"title": "a"}])));
    assert_eq!(
        bed.answer("app", &reference).unwrap()["data"],
        "wweCustomToast0"
    );
    let reference = bed.request(
        "app",
        "system.openDialog",
        Some(json!(["http://localhost:8917/x.html", {"label": "X"}])),
    );
    assert_eq!(
        bed.answer("app", &reference).unwrap()["data"],
        "wweCustomDialog1"
    );
}

#[test]
fn failures_name_the_request_and_say_what_is_wrong() {
    let mut bed = Bed::new(EVERYTHING);
    let cases = [
        (
            "interaction.getByInteractionId",
            json!(["99"]),
            "does not exist",
        ),
        (
            "voice.answer",
            json!(["1"]),
            "cannot be answered in the state TALKING",
        ),
        (
            "agent.setState",
            json!(["Sleeping"]),
            "not in the agent's state list",
        ),
        ("voice.dial", json!([]), "needs the parameter 'destination'"),
        (
            "system.closeToast",
            json!(["wweCustomToast7"]),
            "is not shown",
        ),
    ];
    for (request, parameters, expected) in cases {
        let reference = bed.request("app", request, Some(parameters));
        let answer = bed.answer("app", &reference).unwrap();
        let error = answer["errorMessage"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"));
        assert!(error.contains(expected), "{request}: {error}");
        assert_eq!(answer["request"], request);
    }
    // The vendor client's helper sends a state-list index: it is read too.
    let reference = bed.request("app", "agent.setState", Some(json!([1])));
    assert_eq!(
        bed.answer("app", &reference).unwrap()["data"]["operationName"],
        "NotReady"
    );
}
