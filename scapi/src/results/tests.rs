use super::*;
use serde_json::json;

fn round_trips(typed: &TypedResult) {
    let text = serde_json::to_string(typed).unwrap();
    assert_eq!(&serde_json::from_str::<TypedResult>(&text).unwrap(), typed);
}

#[test]
fn agent_get() {
    let data = json!({"employeeId": "5001", "firstname": "Kate", "lastname": "Lee",
                      "username": "klee", "roles": ["ROLE_AGENT"], "tenant": "t1"});
    let typed = decode_result("agent.get", &data);
    let ResultValue::Agent { agent } = &typed.result else {
        panic!("{typed:?}")
    };
    assert_eq!(agent.username.as_deref(), Some("klee"));
    assert_eq!(agent.roles.as_deref(), Some(&["ROLE_AGENT".to_owned()][..]));
    assert_eq!(agent.extra["tenant"], "t1");
    assert_eq!(typed.shape_problem, None);
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        json!({"result": {"shape": "agent", "agent": data}})
    );
    round_trips(&typed);
}

#[test]
fn a_mismatched_shape_falls_back_to_json_and_says_so() {
    let typed = decode_result("agent.get", &json!(["klee"]));
    assert_eq!(
        typed.result,
        ResultValue::Json {
            data: json!(["klee"])
        }
    );
    assert_eq!(
        typed.shape_problem.as_deref(),
        Some("expected an agent object, got an array of 1 item; shown as JSON")
    );
    let typed = decode_result(
        "agent.getStateList",
        &json!([{"operationName": "Ready"}, 3]),
    );
    assert_eq!(
        typed.shape_problem.as_deref(),
        Some(
            "expected an array of media state objects, got an array whose item 2 is the number \
              3; shown as JSON"
        )
    );
    let typed = decode_result("system.isFrameLeading", &Value::Null);
    assert_eq!(
        typed.shape_problem.as_deref(),
        Some("expected a boolean, got null; shown as JSON")
    );
    round_trips(&typed);
}

#[test]
fn mistyped_fields_keep_the_type_and_are_named() {
    let typed = decode_result(
        "agent.get",
        &json!({"username": "klee", "roles": "ROLE_AGENT"}),
    );
    assert!(matches!(typed.result, ResultValue::Agent { .. }));
    assert_eq!(
        typed.shape_problem.as_deref(),
        Some(
            "agent: `roles` should be an array whose items are each a string, got the string \
              \"ROLE_AGENT\""
        )
    );
    round_trips(&typed);
}

#[test]
fn states() {
    let typed = decode_result(
        "agent.getState",
        &json!({"operationName": "Ready", "displayName": "Ready"}),
    );
    assert!(
        matches!(&typed.result, ResultValue::MediaState { state } if state.operation_name.as_deref() == Some("Ready"))
    );
    let typed = decode_result(
        "agent.getStateList",
        &json!([{"operationName": "Ready"}, {"operationName": "NotReady", "displayName": "Not Ready"}]),
    );
    let ResultValue::MediaStates { states } = &typed.result else {
        panic!("{typed:?}")
    };
    assert_eq!(states[1].display_name.as_deref(), Some("Not Ready"));
}

#[test]
fn interactions_in_either_form() {
    let typed = decode_result(
        "interaction.getInteractions",
        &json!([{"interactionId": "1"}]),
    );
    assert!(
        matches!(&typed.result, ResultValue::Interactions { interactions } if interactions.len() == 1)
    );
    assert_eq!(typed.shape_problem, None);
    let typed = decode_result(
        "interaction.getByInteractionId",
        &json!({"interactionId": "1"}),
    );
    assert!(matches!(typed.result, ResultValue::Interaction { .. }));
    assert_eq!(typed.shape_problem, None);
    let typed = decode_result(
        "interaction.getByInteractionId",
        &json!([{"interactionId": "1"}]),
    );
    assert!(matches!(typed.result, ResultValue::Interactions { .. }));
    assert_eq!(
        typed.shape_problem.as_deref(),
        Some("expected an interaction object, got an array: read as interactions")
    );
    let typed = decode_result(
        "interaction.getInteractions",
        &json!([{"interactionId": 1}]),
    );
    assert_eq!(
        typed.shape_problem.as_deref(),
        Some("interactions[0]: `interactionId` should be a string, got the number 1")
    );
    round_trips(&typed);
}

#[test]
fn media_list() {
    let typed = decode_result(
        "media.getMediaList",
        &json!([{"media": "voice", "state": "Ready"}, {"media": "chat", "state": {"operationName": "NotReady"}}]),
    );
    let ResultValue::MediaList { media } = &typed.result else {
        panic!("{typed:?}")
    };
    assert_eq!(media[0].state, Some(StateRef::Name("Ready".into())));
    assert!(
        matches!(&media[1].state, Some(StateRef::Details(state)) if state.operation_name.as_deref() == Some("NotReady"))
    );
    round_trips(&typed);
}

#[test]
fn outbound_lists() {
    let typed = decode_result(
        "outbound.getCampaigns",
        &json!(["Offer of the Month", {"name": "Other", "mode": "Preview"}]),
    );
    assert!(matches!(&typed.result, ResultValue::Campaigns { campaigns } if campaigns.len() == 2));
    round_trips(&typed);
    let typed = decode_result(
        "outbound.getListOfCallResults",
        &json!(["Answer", 33, {"name": "Busy", "value": 6}]),
    );
    let ResultValue::CallResults { call_results } = &typed.result else {
        panic!("{typed:?}")
    };
    assert_eq!(call_results[1], CallResultEntry::Code(33.into()));
    round_trips(&typed);
}

#[test]
fn ids_booleans_names_and_options() {
    assert_eq!(
        decode_result("system.popupToast", &json!("wweCustomToast0")).result,
        ResultValue::ToastId {
            toast_id: "wweCustomToast0".into()
        }
    );
    assert_eq!(
        decode_result("system.openDialog", &json!("wweCustomDialog1")).result,
        ResultValue::DialogId {
            dialog_id: "wweCustomDialog1".into()
        }
    );
    assert_eq!(
        decode_result("sipEndpoint.isMicrophoneMute", &json!(true)).result,
        ResultValue::Boolean { value: true }
    );
    assert_eq!(
        decode_result(
            "system.getAllowedServices",
            &json!(["agent.get", "voice.dial"])
        )
        .result,
        ResultValue::ServiceNames {
            names: vec!["agent.get".into(), "voice.dial".into()]
        }
    );
    assert!(matches!(
        decode_result(
            "configuration.getOption",
            &json!({"voice.auto-answer": "true"})
        )
        .result,
        ResultValue::OptionValues { .. }
    ));
}

#[test]
fn jwt_and_its_mask() {
    let typed = decode_result(
        "auth.getJwtToken",
        &json!({"expiration": "2020-04-14T13:26:51.846Z", "jwtToken": "eyJhbGciOiJSUzI1NiJ9.x.y"}),
    );
    let ResultValue::Jwt { jwt } = &typed.result else {
        panic!("{typed:?}")
    };
    assert_eq!(jwt.expiration.as_deref(), Some("2020-04-14T13:26:51.846Z"));
    assert_eq!(
        jwt.masked_token().as_deref(),
        Some("eyJhbG… (18 more characters)")
    );
}

#[test]
fn unknown_and_unspecified_results_are_json_without_a_problem() {
    for request in ["voice.dial", "acme.launch"] {
        let typed = decode_result(request, &json!({"anything": [1]}));
        assert_eq!(
            typed.result,
            ResultValue::Json {
                data: json!({"anything": [1]})
            }
        );
        assert_eq!(typed.shape_problem, None);
    }
}
