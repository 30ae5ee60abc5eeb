//! "Copy as call": the `genesys.wwe.service…` call that sends a captured request again from the
//! app's console, with callbacks that log the answer.

use scapi::requests::{spec, Source};
use scapi::{Message, Record};
use serde_json::Value;

fn js(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

const DONE: &str = "function (result) { console.log(\"done\", result); }";
const FAIL: &str = "function (error) { console.error(\"failed\", error); }";

/// The call for a request, subscribe or unsubscribe; `None` for what an app does not send.
pub fn as_call(record: &Record) -> Option<String> {
    match &record.decoded.message {
        Message::Request {
            request,
            parameters,
            ..
        } => {
            let arguments: Vec<Value> = match parameters {
                Some(Value::Array(items)) => items.clone(),
                Some(other) => vec![other.clone()],
                None => Vec::new(),
            };
            // Only names the vendor's client has a helper for can be called by name; any other
            // (a doc-only name, a typo) goes through sendMessage, as the app must have sent it.
            let helper = spec(request).filter(|spec| spec.source == Source::Client);
            Some(match (helper, parameters) {
                (Some(_), Some(Value::Array(_)) | None) => {
                    let mut list: Vec<String> = arguments.iter().map(js).collect();
                    list.push(DONE.to_owned());
                    list.push(FAIL.to_owned());
                    format!("genesys.wwe.service.{request}({});", list.join(", "))
                }
                _ => {
                    let mut message = serde_json::Map::new();
                    message.insert("request".into(), Value::String(request.clone()));
                    if let Some(parameters) = parameters {
                        message.insert("parameters".into(), parameters.clone());
                    }
                    format!(
                        "genesys.wwe.service.sendMessage({}, {DONE}, {FAIL});",
                        js(&Value::Object(message))
                    )
                }
            })
        }
        Message::Subscribe { topics, .. } => Some(format!(
            "genesys.wwe.service.subscribe({}, function (message) {{ console.log(\"event\", message); }});",
            js(&Value::from(topics.clone()))
        )),
        Message::Unsubscribe {
            subscription_id, ..
        } => Some(format!(
            "genesys.wwe.service.unsubscribe({});",
            js(subscription_id)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::{decode, SourceRelation};
    use serde_json::json;

    fn record(raw: Value) -> Record {
        Record {
            seq: 0,
            time: 0.0,
            wall: 0.0,
            origin: "http://app".into(),
            source: SourceRelation::Child,
            child_index: Some(0),
            ports: 0,
            decoded: decode(&raw),
            raw,
        }
    }

    #[test]
    fn a_request_becomes_its_helper_call_with_logging_callbacks() {
        let call = as_call(&record(json!({"request": "interaction.setUserData", "parameters": ["1", {"MyKEY1": "MyValue1"}], "referenceId": "3", "userAgent": "WWE Client", "protocolVersion": 2}))).unwrap();
        assert_eq!(
            call,
            format!("genesys.wwe.service.interaction.setUserData(\"1\", {{\"MyKEY1\":\"MyValue1\"}}, {DONE}, {FAIL});")
        );
        let no_parameters = as_call(&record(json!({"request": "agent.getState", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}))).unwrap();
        assert_eq!(
            no_parameters,
            format!("genesys.wwe.service.agent.getState({DONE}, {FAIL});")
        );
        // A missing optional argument was sent as null: calling with null does the same.
        let dial = as_call(&record(
            json!({"request": "voice.dial", "parameters": ["5001", null], "referenceId": "1"}),
        ))
        .unwrap();
        assert!(
            dial.starts_with("genesys.wwe.service.voice.dial(\"5001\", null, function"),
            "{dial}"
        );
    }

    #[test]
    fn names_without_a_helper_go_through_send_message() {
        let typo = as_call(&record(
            json!({"request": "voice.pauseRecording", "parameters": ["1"], "referenceId": "2"}),
        ))
        .unwrap();
        assert_eq!(
            typo,
            format!("genesys.wwe.service.sendMessage({{\"request\":\"voice.pauseRecording\",\"parameters\":[\"1\"]}}, {DONE}, {FAIL});")
        );
        let doc_only = as_call(&record(json!({"request": "interaction.getByBundleId", "parameters": ["b"], "referenceId": "2"}))).unwrap();
        assert!(
            doc_only.starts_with("genesys.wwe.service.sendMessage("),
            "{doc_only}"
        );
    }

    #[test]
    fn subscriptions_and_what_apps_do_not_send() {
        let subscribe = as_call(&record(json!({"event": "subscribe", "data": ["agent", "interaction"], "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}))).unwrap();
        assert!(
            subscribe.starts_with(
                "genesys.wwe.service.subscribe([\"agent\",\"interaction\"], function (message)"
            ),
            "{subscribe}"
        );
        let unsubscribe = as_call(&record(json!({"event": "unsubscribe", "data": "sub-1", "referenceId": "4", "userAgent": "WWE Client", "protocolVersion": 2}))).unwrap();
        assert_eq!(unsubscribe, "genesys.wwe.service.unsubscribe(\"sub-1\");");
        assert_eq!(
            as_call(&record(
                json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"}, "userAgent": "WWE Server"})
            )),
            None
        );
    }
}
