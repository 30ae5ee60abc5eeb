//! Property tests: the typed decoders never panic on any JSON, and what they produce survives its
//! own JSON unchanged (the panel receives it serialized).

use proptest::prelude::*;
use scapi::events::{decode_event, TypedEvent};
use scapi::requests::{catalog, decode_call, TypedCall};
use scapi::results::{decode_result, TypedResult};
use serde_json::{json, Value};

/// Keys the decoders read or write, so generated objects collide with them.
const KEYS: &[&str] = &[
    "eventType",
    "interaction",
    "media",
    "state",
    "interactionId",
    "userData",
    "parties",
    "name",
    "caseId",
    "previousCaseId",
    "selectedCaseId",
    "frameState",
    "customToastId",
    "buttonIndex",
    "mediaState",
    "reason",
    "reasonCode",
    "campaign",
    "mode",
    "target",
    "type",
    "destination",
    "title",
    "buttons",
    "width",
    "label",
    "call",
    "shape",
    "otherFields",
    "extra",
    "jwtToken",
    "expiration",
    "operationName",
    "roles",
    "chainedRecords",
    "capabilities",
    "keyUsed",
    "targetType",
    "data",
    "message",
];

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        // Quarters are exact in binary, so the text form reads back to the same float.
        (-1000i32..1000).prop_map(|n| json!(f64::from(n) / 4.0)),
        "[a-zA-Z0-9 ./:_-]{0,12}".prop_map(Value::String),
        prop::sample::select(KEYS).prop_map(|key| Value::String(key.to_owned())),
        prop::sample::select(
            &[
                "AGENT",
                "LEADING",
                "DOWN",
                "3/7/2024 9:05",
                "wweCustomToast0"
            ][..]
        )
        .prop_map(|text| Value::String(text.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(KEYS).prop_map(str::to_owned),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn any_request_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(catalog()).prop_map(|spec| spec.name.to_owned()),
        1 => "[a-zA-Z]{0,8}\\.?[a-zA-Z]{0,12}",
    ]
}

fn any_topic() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(
            &["agent", "interaction", "media", "system", "markdone", "outbound", "messenger:x"][..]
        )
        .prop_map(str::to_owned),
        1 => "[a-z:]{0,10}",
    ]
}

fn survives_json<T>(typed: &T) -> Result<(), TestCaseError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(typed).unwrap();
    let back: T = serde_json::from_str(&text)
        .map_err(|error| TestCaseError::fail(format!("{error}: {text}")))?;
    prop_assert_eq!(&back, typed, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_call_decodes_and_survives_its_json(
        name in any_request_name(),
        parameters in prop::option::of(prop_oneof![
            3 => prop::collection::vec(any_json(), 0..6).prop_map(Value::Array),
            1 => any_json(),
        ]),
    ) {
        let typed: TypedCall = decode_call(&name, parameters.as_ref());
        survives_json(&typed)?;
    }

    #[test]
    fn any_event_decodes_and_survives_its_json(topic in any_topic(), data in any_json()) {
        let typed: TypedEvent = decode_event(&topic, &data);
        survives_json(&typed)?;
    }

    #[test]
    fn any_event_type_of_a_known_topic_decodes(
        topic in prop::sample::select(&["agent", "interaction", "system", "outbound", "media"][..]),
        event_type in prop::sample::select(scapi::events::EVENT_TYPES).prop_map(|spec| spec.event_type),
        mut data in prop::collection::btree_map(
            prop::sample::select(KEYS).prop_map(str::to_owned), any_json(), 0..6),
    ) {
        data.insert("eventType".to_owned(), Value::String(event_type.to_owned()));
        let data = Value::Object(data.into_iter().collect());
        let typed = decode_event(topic, &data);
        survives_json(&typed)?;
    }

    #[test]
    fn any_result_decodes_and_survives_its_json(name in any_request_name(), data in any_json()) {
        let typed: TypedResult = decode_result(&name, &data);
        survives_json(&typed)?;
    }

    #[test]
    fn any_text_is_safe_for_the_rate_limit_parser(
        prefix in ".{0,20}",
        name in ".{0,12}",
        tail in ".{0,30}",
    ) {
        let text = format!("{prefix}The rate limit for the request '{name}' has been reached.\n{tail}");
        let parsed = scapi::rate_limit::parse_rate_limit(&text);
        if let Some(parsed) = parsed {
            survives_json(&parsed)?;
        }
    }
}
