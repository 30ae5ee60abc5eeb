//! How an interaction's `userData` changed between two results or events. Pure.

use serde_json::{Map, Value};

/// One key's change.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Added(Value),
    Removed(Value),
    Changed { before: Value, after: Value },
}

/// The keys that differ, in key order of `after` then of the removed ones.
pub fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<(String, Change)> {
    let mut changes = Vec::new();
    for (key, value) in after {
        match before.get(key) {
            None => changes.push((key.clone(), Change::Added(value.clone()))),
            Some(old) if old != value => changes.push((
                key.clone(),
                Change::Changed {
                    before: old.clone(),
                    after: value.clone(),
                },
            )),
            Some(_) => {}
        }
    }
    for (key, value) in before {
        if !after.contains_key(key) {
            changes.push((key.clone(), Change::Removed(value.clone())));
        }
    }
    changes
}

/// The `userData` of interaction `id` inside a message's data (the first one found).
pub fn user_data_of(raw: &Value, id: &str) -> Option<Map<String, Value>> {
    scapi::policy::user_data::user_data_in(raw)
        .into_iter()
        .find(|(found, _)| found.as_deref() == Some(id))
        .map(|(_, user_data)| user_data.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn added_removed_and_changed_keys() {
        let before = json!({"A": "1", "B": "2", "C": {"x": 1}});
        let after = json!({"A": "1", "B": "3", "D": 4, "C": {"x": 1}});
        let changes = diff(before.as_object().unwrap(), after.as_object().unwrap());
        assert_eq!(
            changes,
            [
                (
                    "B".to_owned(),
                    Change::Changed {
                        before: json!("2"),
                        after: json!("3")
                    }
                ),
                ("D".to_owned(), Change::Added(json!(4))),
            ]
        );
        let back = diff(after.as_object().unwrap(), before.as_object().unwrap());
        assert!(back.contains(&("D".to_owned(), Change::Removed(json!(4)))));
    }

    #[test]
    fn the_user_data_of_one_interaction_is_found_in_an_event() {
        let event = json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "2", "userData": {"K": "v"}}}});
        assert_eq!(user_data_of(&event, "2").unwrap()["K"], "v");
        assert!(user_data_of(&event, "3").is_none());
    }
}
