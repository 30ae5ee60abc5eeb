use super::*;
use serde_json::json;

#[test]
fn reads_the_documented_fields_and_keeps_the_rest() {
    let value = json!({
        "interactionId": "1",
        "parentInteractionId": null,
        "userData": {"Custom_Integer": 0, "GSW_PHONE": "+33647005"},
        "parties": [{"name": "5001", "role": "ROLE_DESTINATION"}],
        "isConsultation": false,
        "capabilities": ["CALL", "REJECT_RECORD"],
        "chainedRecords": [{"GSW_RECORD_HANDLE": 283}],
        "mystery": {"nested": [1, 2]}
    });
    let interaction = Interaction::read(&value).unwrap();
    assert_eq!(interaction.interaction_id.as_deref(), Some("1"));
    assert_eq!(interaction.parent_interaction_id, None);
    assert_eq!(interaction.user_data.as_ref().unwrap()["Custom_Integer"], 0);
    let parties = interaction.parties.as_ref().unwrap();
    assert_eq!(parties[0].name.as_deref(), Some("5001"));
    assert_eq!(parties[0].extra["role"], "ROLE_DESTINATION");
    assert_eq!(interaction.is_consultation, Some(false));
    assert_eq!(interaction.chained_records.as_ref().unwrap().len(), 1);
    // The unknown field and the null stay, so the JSON comes back whole.
    assert_eq!(interaction.extra["mystery"], json!({"nested": [1, 2]}));
    assert_eq!(interaction.extra["parentInteractionId"], Value::Null);
    assert_eq!(serde_json::to_value(&interaction).unwrap(), value);
    assert!(interaction.shape_problems().is_empty());
}

#[test]
fn a_mistyped_field_is_kept_and_named() {
    let value = json!({"interactionId": 7, "parties": [{"name": 5001}], "isConsultation": "no"});
    let interaction = Interaction::read(&value).unwrap();
    assert_eq!(interaction.interaction_id, None);
    assert_eq!(interaction.extra["interactionId"], 7);
    assert_eq!(
        interaction.shape_problems(),
        vec![
            "`interactionId` should be a string, got the number 7".to_owned(),
            "`isConsultation` should be a boolean, got the string \"no\"".to_owned(),
            "parties[0]: `name` should be a string, got the number 5001".to_owned(),
        ]
    );
    assert_eq!(serde_json::to_value(&interaction).unwrap(), value);
    let back: Interaction = serde_json::from_value(value).unwrap();
    assert_eq!(back, interaction);
}

#[test]
fn not_an_object_is_not_an_interaction() {
    assert_eq!(Interaction::read(&json!("1")), None);
    assert_eq!(Interaction::read(&json!([{}])), None);
}

#[test]
fn an_array_with_a_non_object_item_stays_whole() {
    let interaction = Interaction::read(&json!({"parties": [{"name": "a"}, "b"]})).unwrap();
    assert_eq!(interaction.parties, None);
    assert_eq!(
        interaction.shape_problems(),
        vec![
            "`parties` should be an array whose items are each an object, got an array of 2 items"
                .to_owned()
        ]
    );
}

#[test]
fn describes_values_for_messages() {
    assert_eq!(describe(&json!(3)), "the number 3");
    assert_eq!(describe(&json!("Ready")), "the string \"Ready\"");
    assert_eq!(describe(&json!(null)), "null");
    assert_eq!(describe(&json!(true)), "the boolean true");
    assert_eq!(describe(&json!([])), "an empty array");
    assert_eq!(describe(&json!([1])), "an array of 1 item");
    assert_eq!(describe(&json!({})), "an object");
    let long = "x".repeat(50);
    assert_eq!(
        describe(&json!(long)),
        format!("the string \"{}\"…", "x".repeat(40))
    );
}
