//! The emulator enforces the options with the project's policy engine: what each scenario of the
//! demo options does on the wire. Expected error texts come from the engine itself
//! (`Verdict::emulated_error`, the rate limiter's text), never from a copy in this file.

mod support;

use scapi::policy::{parse_options, PolicyEngine};
use scapi_emulator::SourceKind;
use serde_json::{json, Value};
use support::{demo_options, Bed, APP_ORIGIN, REFUSED_ORIGIN, T0};

/// The error the engine gives `request` with `parameters` from the sample app's origin, judged
/// on a fresh engine under the demo options.
fn engine_error(request: &str, parameters: Value) -> String {
    let options = parse_options(&demo_options()).unwrap().options;
    let mut engine = PolicyEngine::new(options);
    engine
        .judge(APP_ORIGIN, request, Some(&parameters), T0)
        .emulated_error(request)
        .expect("the engine refuses it with an error")
}

#[test]
fn a_burst_of_dials_gets_four_answers_the_error_then_silence() {
    let mut bed = Bed::new(&demo_options());
    let references: Vec<String> = (0..6)
        .map(|i| {
            bed.now = T0 + f64::from(i) * 5.0;
            bed.request("app", "voice.dial", Some(json!(["5001", null])))
        })
        .collect();
    let answers: Vec<Option<Value>> = references.iter().map(|r| bed.answer("app", r)).collect();
    for answer in &answers[..4] {
        let answer = answer.as_ref().expect("answered");
        assert!(answer.get("errorMessage").is_none(), "{answer}");
        assert_eq!(answer["data"]["state"], "DIALING");
    }
    let limit = answers[4]
        .as_ref()
        .expect("the first over the limit is answered");
    assert_eq!(
        limit["errorMessage"],
        "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds."
    );
    assert_eq!(limit["request"], "voice.dial");
    assert_eq!(answers[5], None, "quarantined: no answer at all");
    let log: Vec<String> = bed.service.log().map(|l| l.text.clone()).collect();
    assert!(
        log.iter()
            .any(|l| l.contains("voice.dial: ignored, no answer")),
        "{log:#?}"
    );

    // The quarantine lasts 30 s; the fixed window still counts 4 in this minute, so the first dial
    // after the quarantine reaches the limit again; the next minute starts afresh.
    bed.now = T0 + 29_000.0;
    let quarantined = bed.request("app", "voice.dial", Some(json!(["5001", null])));
    assert_eq!(bed.answer("app", &quarantined), None);
    bed.now = T0 + 31_000.0;
    let again = bed.request("app", "voice.dial", Some(json!(["5001", null])));
    assert!(bed.answer("app", &again).unwrap()["errorMessage"]
        .as_str()
        .unwrap()
        .starts_with("The rate limit"));
    bed.now = T0 + 61_000.0 + 30_000.0;
    let next_minute = bed.request("app", "voice.dial", Some(json!(["5001", null])));
    assert!(bed
        .answer("app", &next_minute)
        .unwrap()
        .get("data")
        .is_some());
}

#[test]
fn other_requests_are_not_limited_by_the_dial_limit() {
    let mut bed = Bed::new(&demo_options());
    for _ in 0..10 {
        let reference = bed.request("app", "agent.getState", None);
        assert!(bed.answer("app", &reference).unwrap().get("data").is_some());
    }
}

#[test]
fn a_write_to_a_refused_key_fails_and_writes_nothing() {
    let mut bed = Bed::new(&demo_options());
    let parameters = json!(["1", {"Key1": "Silver", "Key2": "Downgrade"}]);
    let reference = bed.request("app", "interaction.setUserData", Some(parameters.clone()));
    let answer = bed.answer("app", &reference).unwrap();
    assert_eq!(
        answer["errorMessage"],
        engine_error("interaction.setUserData", parameters)
    );
    assert!(answer["errorMessage"].as_str().unwrap().contains("'Key2'"));
    let call = bed.service.world().interaction("1").unwrap();
    assert_eq!(call.user_data["Key1"], "Gold", "nothing written");
    assert_eq!(call.user_data["Key2"], "Renewal");

    let delete = json!(["1", "Key2"]);
    let reference = bed.request("app", "interaction.deleteUserData", Some(delete.clone()));
    assert_eq!(
        bed.answer("app", &reference).unwrap()["errorMessage"],
        engine_error("interaction.deleteUserData", delete)
    );

    let allowed = bed.request(
        "app",
        "interaction.setUserData",
        Some(json!(["1", {"Key1": "Silver"}])),
    );
    assert_eq!(
        bed.answer("app", &allowed).unwrap()["data"]["userData"]["Key1"],
        "Silver"
    );
}

#[test]
fn keys_outside_read_allowed_are_absent_from_results_and_events() {
    let mut bed = Bed::new(&demo_options());
    bed.subscribe("app", &["interaction"]);
    let reference = bed.request("app", "interaction.getByInteractionId", Some(json!(["1"])));
    let user_data = bed.answer("app", &reference).unwrap()["data"]["userData"].clone();
    assert!(user_data.get("AccountNumber").is_none(), "{user_data}");
    assert_eq!(user_data["Key1"], "Gold");
    assert_eq!(user_data["CustomerName"], "Jordan Lee");
    // The desktop still has it: it is hidden, not lost.
    assert!(bed
        .service
        .world()
        .interaction("1")
        .unwrap()
        .user_data
        .contains_key("AccountNumber"));

    let reference = bed.request("app", "interaction.getInteractions", None);
    let all = bed.answer("app", &reference).unwrap()["data"].clone();
    for interaction in all.as_array().unwrap() {
        for key in interaction["userData"].as_object().unwrap().keys() {
            assert!(
                bed.service.policy().options().read_allowed.allows(key),
                "{key} leaked"
            );
        }
    }

    // An event: the setUserData of an allowed key echoes the interaction without the hidden key.
    bed.request(
        "app",
        "interaction.setUserData",
        Some(json!(["1", {"Key3": "Phone"}])),
    );
    let events = bed.events("app");
    let changed = events
        .iter()
        .find(|e| e["data"]["eventType"] == "ATTACHED_DATA_CHANGED")
        .expect("an ATTACHED_DATA_CHANGED event");
    assert!(changed["data"]["interaction"]["userData"]
        .get("AccountNumber")
        .is_none());
    assert_eq!(changed["data"]["interaction"]["userData"]["Key3"], "Phone");
    // A host-side change of the hidden key still sends the event, without the key.
    bed.drain("app");
    bed.take_host(scapi_emulator::HostAction::AttachData);
    let events = bed.events("app");
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0]["data"]["interaction"]["userData"]
        .get("AccountNumber")
        .is_none());
    assert_eq!(
        events[0]["data"]["interaction"]["userData"]["Key2"],
        "Upgrade offer"
    );
}

#[test]
fn a_refused_origin_gets_silence_and_no_frame_id() {
    let mut bed = Bed::new(&demo_options());
    bed.embed("refused", SourceKind::Iframe, REFUSED_ORIGIN);
    assert!(
        bed.drain("refused").is_empty(),
        "no frameId for a refused origin"
    );
    for message in [
        json!({"event": "subscribe", "data": ["agent"]}),
        json!({"request": "agent.getState"}),
        json!({"request": "voice.dial", "parameters": ["5001", null]}),
    ] {
        bed.post("refused", REFUSED_ORIGIN, message);
    }
    assert!(bed.drain("refused").is_empty());
    // Its dials do not count against the limit either.
    for _ in 0..4 {
        let reference = bed.request("app", "voice.dial", Some(json!(["5001", null])));
        assert!(bed.answer("app", &reference).unwrap().get("data").is_some());
    }
}

#[test]
fn a_request_outside_the_filter_gets_the_engines_error() {
    let mut bed = Bed::new(&demo_options());
    let reference = bed.request("app", "auth.getJwtToken", None);
    let answer = bed.answer("app", &reference).unwrap();
    assert_eq!(
        answer["errorMessage"],
        engine_error("auth.getJwtToken", Value::Null)
    );
    assert!(answer.get("data").is_none());
}

#[test]
fn a_misspelled_request_is_refused_as_unknown() {
    let mut bed = Bed::new(&demo_options());
    let reference = bed.request("app", "voice.pauseRecording", Some(json!(["1"])));
    assert_eq!(
        bed.answer("app", &reference).unwrap()["errorMessage"],
        "Unknown request 'voice.pauseRecording'."
    );
}

#[test]
fn an_empty_accepted_list_refuses_everyone() {
    let mut bed = Bed::new("service-client-api.rate-limit=0\n");
    assert!(bed.drain("app").is_empty(), "no frameId");
    bed.request("app", "agent.get", None);
    assert!(bed.drain("app").is_empty());
}

#[test]
fn bad_options_are_refused_with_their_line() {
    let errors = scapi_emulator::Service::new(
        "[interaction-workspace]\nservice-client-api.rate-limit=fast\n",
        "tab",
        T0,
    )
    .unwrap_err();
    assert_eq!(errors[0].line, 2);
}

impl Bed {
    fn take_host(&mut self, action: scapi_emulator::HostAction) {
        let actions = self.service.host_action(action, self.now);
        self.take(actions);
    }
}
