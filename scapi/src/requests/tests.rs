use super::*;
use serde_json::json;

fn call(name: &str, parameters: Value) -> TypedCall {
    decode_call(name, Some(&parameters))
}

fn messages(typed: &TypedCall) -> Vec<&str> {
    typed.problems.iter().map(|p| p.message.as_str()).collect()
}

#[test]
fn catalog_has_every_name_once_and_only_known_namespaces() {
    let mut names: Vec<&str> = catalog().iter().map(|spec| spec.name).collect();
    assert_eq!(names.len(), 78);
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 78, "a request name is listed twice");
    for spec in catalog() {
        assert_eq!(spec.name, format!("{}.{}", spec.namespace, spec.method));
        assert!(
            crate::message::NAMESPACES.contains(&spec.namespace),
            "{}",
            spec.name
        );
        // Optional parameters only at the end, so positions stay unambiguous.
        let first_optional = spec.parameters.iter().position(|p| p.optional);
        if let Some(first) = first_optional {
            assert!(
                spec.parameters[first..].iter().all(|p| p.optional),
                "{}",
                spec.name
            );
        }
    }
    for namespace in crate::message::NAMESPACES {
        assert!(
            catalog().iter().any(|spec| spec.namespace == namespace),
            "{namespace}"
        );
    }
}

#[test]
fn catalog_marks_doc_only_and_sample_only_names() {
    let not_in_client: Vec<&str> = catalog()
        .iter()
        .filter(|spec| spec.is_doc_or_sample_only())
        .map(|spec| spec.name)
        .collect();
    assert_eq!(
        not_in_client,
        [
            "interaction.getByBundleId",
            "interaction.getByCaseId",
            "configuration.getContextualOption",
            "auth.getPureCloudToken"
        ]
    );
    assert_eq!(
        spec("auth.getPureCloudToken").unwrap().source,
        Source::VendorSampleOnly
    );
    assert_eq!(spec("voice.dial").unwrap().required_parameters(), 1);
    assert_eq!(spec("agent.get").unwrap().result, ResultShape::Agent);
    assert!(spec("voice.pauseRecording").is_none());
}

#[test]
fn set_state_with_an_operation_name() {
    let typed = call("agent.setState", json!(["Ready"]));
    assert_eq!(
        typed.call,
        Call::SetState {
            operation_name: Some("Ready".into())
        }
    );
    assert!(typed.problems.is_empty());
}

#[test]
fn set_state_with_an_index_names_the_mistake() {
    let typed = call("agent.setState", json!([3]));
    assert_eq!(
        typed.call,
        Call::SetState {
            operation_name: None
        }
    );
    assert_eq!(
        typed.problems,
        vec![ParamProblem {
            position: Some(1),
            parameter: Some("operationName".into()),
            message: "parameter 1 `operationName` should be a string (an operation name such as \
                      \"Ready\"), got the number 3"
                .into(),
        }]
    );
}

#[test]
fn transfer_target_with_the_documented_key() {
    let typed = call(
        "interaction.singleStepTransfer",
        json!(["1", {"target": "AGENT", "destination": "SIP_5001"}, null, null]),
    );
    assert!(typed.problems.is_empty(), "{:?}", typed.problems);
    match typed.call {
        Call::TransferConferenceConsult {
            interaction_id,
            target:
                Some(TargetQuery::Structured {
                    target_type,
                    destination,
                    key_used,
                    ..
                }),
            user_data: None,
            extensions: None,
        } => {
            assert_eq!(interaction_id.as_deref(), Some("1"));
            assert_eq!(target_type.as_deref(), Some("AGENT"));
            assert_eq!(destination.as_deref(), Some("SIP_5001"));
            assert_eq!(key_used, Some(TargetKey::Target));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn transfer_target_with_the_sample_key_is_not_a_problem_but_recorded() {
    let typed = call(
        "interaction.consult",
        json!(["1", {"type": "AGENT", "destination": "SIP_5001", "media": "voice"},
               {"k1": "v1"}, {"ek1": "ev1"}]),
    );
    assert!(typed.problems.is_empty(), "{:?}", typed.problems);
    let text = serde_json::to_value(&typed.call).unwrap();
    assert_eq!(
        text["target"],
        json!({"structured": {"targetType": "AGENT", "destination": "SIP_5001",
                              "media": "voice", "keyUsed": "type"}})
    );
    assert_eq!(text["userData"], json!({"k1": "v1"}));
}

#[test]
fn transfer_target_as_text() {
    let typed = call("interaction.singleStepConference", json!(["1", "5002"]));
    assert!(typed.problems.is_empty());
    match typed.call {
        Call::TransferConferenceConsult { target, .. } => {
            assert_eq!(target, Some(TargetQuery::Text("5002".into())))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn transfer_target_problems() {
    let typed = call(
        "interaction.consult",
        json!(["1", {"destination": 5001, "kind": "AGENT"}]),
    );
    assert_eq!(
        messages(&typed),
        [
            "parameter 2 `targetQuery` has no `target` (or `type`) string naming the target type",
            "parameter 2 `targetQuery`: `destination` should be a string, got the number 5001",
        ]
    );
    let typed = call(
        "interaction.consult",
        json!(["1", {"target": "QUEUE", "destination": "x"}]),
    );
    assert_eq!(
        messages(&typed),
        [
            "parameter 2 `targetQuery`: target type \"QUEUE\" is not one of AGENT, AGENT_GROUP, \
          SKILL, INTERACTION_QUEUE, ROUTING_POINT, CUSTOM_CONTACT"
        ]
    );
    let typed = call(
        "interaction.consult",
        json!(["1", {"target": "AGENT", "type": "SKILL", "destination": "x"}]),
    );
    assert_eq!(
        messages(&typed),
        [
            "parameter 2 `targetQuery` has both `target` (\"AGENT\") and `type` (\"SKILL\"); the \
          docs name `target`"
        ]
    );
    let typed = call("interaction.consult", json!(["1", 42]));
    assert_eq!(typed.problems[0].parameter.as_deref(), Some("targetQuery"));
}

#[test]
fn dial_with_a_missing_optional_argument_sent_as_null() {
    let typed = call("voice.dial", json!(["5001", null]));
    assert!(typed.problems.is_empty());
    assert_eq!(
        typed.call,
        Call::Dial {
            destination: Some("5001".into()),
            user_data: None
        }
    );
}

#[test]
fn old_clients_send_an_empty_list_for_no_arguments() {
    for parameters in [None, Some(json!([]))] {
        let typed = decode_call("agent.getStateList", parameters.as_ref());
        assert_eq!(typed.call, Call::NoParameters);
        assert!(typed.problems.is_empty());
    }
}

#[test]
fn too_many_and_too_few_parameters() {
    let typed = call("agent.get", json!(["x"]));
    assert_eq!(
        messages(&typed),
        ["1 parameter given, but `agent.get` takes none"]
    );
    assert_eq!(typed.problems[0].position, Some(1));
    let typed = call("voice.hold", json!(["1", "2", "3"]));
    assert_eq!(
        messages(&typed),
        ["3 parameters given, but `voice.hold` takes 1"]
    );
    assert_eq!(typed.problems[0].position, Some(2));
    let typed = call("interaction.deleteUserData", json!(["1"]));
    assert_eq!(
        messages(&typed),
        ["parameter 2 `key` is missing: expected a string (the user-data key to delete)"]
    );
    let typed = decode_call("voice.hold", None);
    assert_eq!(
        messages(&typed),
        [
            "parameter 1 `interactionId` is missing: expected a string (an interaction id such as \
          \"1\")"
        ]
    );
    let typed = call("voice.dialEx", json!(["1", null, null, null]));
    assert_eq!(
        messages(&typed),
        ["4 parameters given, but `voice.dialEx` takes at most 3"]
    );
}

#[test]
fn parameters_that_are_not_an_array_are_read_as_the_first() {
    let typed = call("agent.setState", json!("Ready"));
    assert_eq!(
        typed.call,
        Call::SetState {
            operation_name: Some("Ready".into())
        }
    );
    assert_eq!(
        messages(&typed),
        [
            "`parameters` should be an array of positional arguments, got the string \"Ready\"; \
          read as parameter 1"
        ]
    );
    assert_eq!(typed.problems[0].position, None);
    let typed = call("agent.get", json!({"a": 1}));
    assert_eq!(
        messages(&typed),
        ["`parameters` should be an array of positional arguments, got an object"]
    );
}

#[test]
fn a_required_null_is_a_problem() {
    let typed = call("interaction.markdone", json!([null]));
    assert_eq!(
        messages(&typed),
        ["parameter 1 `interactionId` should be a string (an interaction id such as \"1\"), got \
          null"]
    );
}

#[test]
fn a_numeric_interaction_id_is_reported_and_read_as_text() {
    let typed = call("voice.answer", json!([1]));
    assert_eq!(
        typed.call,
        Call::InteractionId {
            interaction_id: Some("1".into())
        }
    );
    assert_eq!(typed.problems.len(), 1);
}

#[test]
fn set_and_delete_user_data() {
    let typed = call(
        "interaction.setUserData",
        json!(["1", {"MyKEY1": "MyValue1", "n": 2}]),
    );
    assert!(typed.problems.is_empty());
    assert_eq!(
        serde_json::to_value(&typed.call).unwrap(),
        json!({"call": "setUserData", "interactionId": "1", "userData": {"MyKEY1": "MyValue1", "n": 2}})
    );
    let typed = call("interaction.setUserData", json!(["1", "MyKEY1=MyValue1"]));
    assert_eq!(typed.problems[0].parameter.as_deref(), Some("userData"));
    let typed = call("interaction.deleteUserData", json!(["1", "KEY1"]));
    assert_eq!(
        typed.call,
        Call::DeleteUserData {
            interaction_id: Some("1".into()),
            key: Some("KEY1".into())
        }
    );
}

#[test]
fn reschedule_record_checks_the_date_form() {
    let typed = call(
        "outbound.rescheduleRecord",
        json!(["1", 1, "3/7/2024 9:05", "CAMPAIGN"]),
    );
    assert!(typed.problems.is_empty());
    let typed = call(
        "outbound.rescheduleRecord",
        json!(["1", "283", "2024-03-07T09:05", "PERSONAL"]),
    );
    assert_eq!(
        messages(&typed),
        ["parameter 3 `dateTime` \"2024-03-07T09:05\" is not in the M/D/YYYY H:m form the vendor \
          sample sends"]
    );
    match typed.call {
        Call::RescheduleRecord {
            record_handle,
            date_time,
            ..
        } => {
            assert_eq!(record_handle, Some(NumberOrText::Text("283".into())));
            assert_eq!(date_time.as_deref(), Some("2024-03-07T09:05"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_call_result_reads_a_whole_number() {
    let typed = call("outbound.setCallResult", json!(["1", 6]));
    assert!(typed.problems.is_empty());
    assert!(matches!(
        typed.call,
        Call::SetCallResult {
            call_result: Some(6),
            ..
        }
    ));
    let typed = call("outbound.setCallResult", json!(["1", "6"]));
    assert!(matches!(
        typed.call,
        Call::SetCallResult {
            call_result: Some(6),
            ..
        }
    ));
    assert_eq!(typed.problems.len(), 1);
    let typed = call("outbound.setCallResult", json!(["1", 6.5]));
    assert!(matches!(
        typed.call,
        Call::SetCallResult {
            call_result: None,
            ..
        }
    ));
    assert_eq!(
        messages(&typed),
        ["parameter 2 `callResult` should be a whole number, got the number 6.5"]
    );
}

#[test]
fn popup_toast_types_the_options_and_keeps_the_rest() {
    let typed = call(
        "system.popupToast",
        json!([{"title": "The title", "buttons": ["Show", "Dismiss"], "autoCloseTimeout": 20000,
                "width": 500, "custom": true, "subject": 7}]),
    );
    let Call::PopupToast { toast: Some(toast) } = &typed.call else {
        panic!("{:?}", typed.call)
    };
    assert_eq!(toast.title.as_deref(), Some("The title"));
    assert_eq!(
        toast.buttons.as_deref(),
        Some(&["Show".to_owned(), "Dismiss".to_owned()][..])
    );
    assert_eq!(toast.width, Some(NumberOrText::Number(500.into())));
    assert_eq!(toast.extra["custom"], true);
    assert_eq!(
        messages(&typed),
        ["parameter 1 `toast`: `subject` should be a string, got the number 7"]
    );
}

#[test]
fn open_dialog_reads_label_and_size() {
    let typed = call(
        "system.openDialog",
        json!(["https://x/dialog.html", {"label": "Custom", "width": "430px", "height": "40%", "modal": true}]),
    );
    assert!(typed.problems.is_empty());
    assert_eq!(
        serde_json::to_value(&typed.call).unwrap(),
        json!({"call": "openDialog", "url": "https://x/dialog.html", "label": "Custom",
               "width": "430px", "height": "40%", "otherOptions": {"modal": true}})
    );
    let typed = call("system.openDialog", json!(["u", {"label": 3}]));
    assert_eq!(
        messages(&typed),
        ["parameter 2 `options`: `label` should be a string, got the number 3"]
    );
}

#[test]
fn get_option_reads_one_name_or_a_list() {
    let typed = call("configuration.getOption", json!(["voice.*"]));
    assert_eq!(
        typed.call,
        Call::GetOption {
            options: vec!["voice.*".into()]
        }
    );
    let typed = call(
        "configuration.getOption",
        json!([["voice.*", 3, "MySection/*"]]),
    );
    assert_eq!(
        typed.call,
        Call::GetOption {
            options: vec!["voice.*".into(), "MySection/*".into()]
        }
    );
    assert_eq!(
        messages(&typed),
        ["parameter 1 `options`: item 2 should be a string, got the number 3"]
    );
}

#[test]
fn broadcast_message_keeps_any_json() {
    let typed = call(
        "messenger.broadcastMessage",
        json!(["my-channel", {"foo": "A", "bar": 1234}]),
    );
    assert!(typed.problems.is_empty());
    assert_eq!(
        typed.call,
        Call::BroadcastMessage {
            channel: Some("my-channel".into()),
            message: json!({"foo": "A", "bar": 1234})
        }
    );
}

#[test]
fn unknown_names_keep_their_parameters_and_get_a_suggestion() {
    let typed = call("voice.pauseRecording", json!(["1"]));
    assert_eq!(
        typed.call,
        Call::Unknown {
            parameters: Some(json!(["1"]))
        }
    );
    assert!(!typed.is_known());
    assert_eq!(
        typed.suggestion.as_deref(),
        Some("voice.pauseCallRecording")
    );
    let typed = decode_call("acme.launch", Some(&Value::Null));
    assert_eq!(
        typed.call,
        Call::Unknown {
            parameters: Some(Value::Null)
        }
    );
    assert_eq!(typed.suggestion, None);
    let text = serde_json::to_string(&typed).unwrap();
    assert_eq!(serde_json::from_str::<TypedCall>(&text).unwrap(), typed);
}

#[test]
fn suggestions() {
    let cases = [
        ("voice.pauseRecording", Some("voice.pauseCallRecording")),
        ("voice.resumeRecording", Some("voice.resumeCallRecording")),
        ("voice.hangup", Some("voice.hangUp")),
        ("Agent.SetState", Some("agent.setState")),
        ("interaction.markDone", Some("interaction.markdone")),
        (
            "interaction.getInteraction",
            Some("interaction.getInteractions"),
        ),
        ("interaction.setUserDta", Some("interaction.setUserData")),
        ("interaction.dial", Some("voice.dial")),
        ("agent.getStates", Some("agent.getState")),
        ("system.popUpToast", Some("system.popupToast")),
        ("sipendpoint.muteMic", None),
        (
            "sipEndpoint.muteMicrophones",
            Some("sipEndpoint.muteMicrophone"),
        ),
        ("outbound.getCampaign", Some("outbound.getCampaigns")),
        ("setState", None),
        ("getJwtToken", Some("auth.getJwtToken")),
        ("acme.launch", None),
        ("agent.get", None),
        ("", None),
        ("voice.xyz", None),
    ];
    for (name, expected) in cases {
        assert_eq!(suggest(name), expected, "{name}");
    }
}

#[test]
fn edit_distance_counts_single_edits() {
    assert_eq!(edit_distance("", ""), 0);
    assert_eq!(edit_distance("abc", ""), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(edit_distance("hangup", "hangUp"), 1);
}

#[test]
fn the_catalog_serializes_for_the_panel() {
    let spec = serde_json::to_value(spec("voice.dial").unwrap()).unwrap();
    assert_eq!(spec["name"], "voice.dial");
    assert_eq!(spec["parameters"][1]["optional"], true);
    assert_eq!(spec["parameters"][0]["types"], json!(["string"]));
    assert_eq!(spec["source"], "client");
    assert_eq!(spec["callShape"], "dial");
}
