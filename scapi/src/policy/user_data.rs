//! `service-client-api.user-data.read-allowed` and `write-allowed`: which `userData` keys an app
//! may read (in results and in events) and write (`interaction.setUserData`,
//! `interaction.deleteUserData`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A key list option: `*` (every key, the 9.x default) or the keys named.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(tag = "keys", rename_all = "kebab-case")]
pub enum KeyAccess {
    #[default]
    All,
    Only {
        names: BTreeSet<String>,
    },
}

impl KeyAccess {
    /// Reads the option's value: `*`, or comma-separated keys (an empty value allows none).
    /// Keys are compared exactly, case included (inferred: the docs give no rule).
    pub fn parse(value: &str) -> Result<KeyAccess, String> {
        let items: Vec<&str> = value.split(',').map(str::trim).collect();
        if items.contains(&"*") {
            if items.len() > 1 {
                return Err(
                    "`*` already allows every key; list keys or write `*`, not both".to_owned(),
                );
            }
            return Ok(KeyAccess::All);
        }
        let mut names = BTreeSet::new();
        for item in items.iter().filter(|item| !item.is_empty()) {
            if !names.insert((*item).to_owned()) {
                return Err(format!("the key `{item}` is listed twice"));
            }
        }
        if names.is_empty() && !value.trim().is_empty() {
            return Err("only commas: name keys, or write `*`".to_owned());
        }
        Ok(KeyAccess::Only { names })
    }

    pub fn allows(&self, key: &str) -> bool {
        match self {
            KeyAccess::All => true,
            KeyAccess::Only { names } => names.contains(key),
        }
    }

    /// The option's value as it would be written.
    pub fn text(&self) -> String {
        match self {
            KeyAccess::All => "*".to_owned(),
            KeyAccess::Only { names } => names.iter().cloned().collect::<Vec<_>>().join(","),
        }
    }

    /// The keys of `user_data` this list refuses, in their order.
    pub fn refused<'a>(&self, keys: impl IntoIterator<Item = &'a String>) -> Vec<String> {
        keys.into_iter()
            .filter(|key| !self.allows(key))
            .cloned()
            .collect()
    }
}

/// Removes the keys read-allowed hides from every `userData` object inside `value` (an
/// interaction, a list of them, an event's data, a result); returns the hidden keys, each once,
/// in the order met. This is what Workspace does before a result or an event leaves it.
pub fn hide_unreadable(read_allowed: &KeyAccess, value: &mut Value) -> Vec<String> {
    let mut hidden = Vec::new();
    if *read_allowed != KeyAccess::All {
        hide_in(read_allowed, value, &mut hidden);
    }
    hidden
}

fn hide_in(read_allowed: &KeyAccess, value: &mut Value, hidden: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, inner) in fields.iter_mut() {
                if key == "userData" {
                    if let Value::Object(user_data) = inner {
                        hide_keys(read_allowed, user_data, hidden);
                    }
                } else {
                    hide_in(read_allowed, inner, hidden);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                hide_in(read_allowed, item, hidden);
            }
        }
        _ => {}
    }
}

fn hide_keys(
    read_allowed: &KeyAccess,
    user_data: &mut Map<String, Value>,
    hidden: &mut Vec<String>,
) {
    user_data.retain(|key, _| {
        let readable = read_allowed.allows(key);
        if !readable && !hidden.contains(key) {
            hidden.push(key.clone());
        }
        readable
    });
}

/// Every `userData` object inside a value, with the interaction id beside it when the object
/// holding it has one (`interactionId`).
pub fn user_data_in(value: &Value) -> Vec<(Option<String>, &Map<String, Value>)> {
    let mut found = Vec::new();
    collect(value, &mut found);
    found
}

fn collect<'a>(value: &'a Value, found: &mut Vec<(Option<String>, &'a Map<String, Value>)>) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::Object(user_data)) = fields.get("userData") {
                let id = fields.get("interactionId").and_then(|id| match id {
                    Value::String(text) => Some(text.clone()),
                    Value::Number(number) => Some(number.to_string()),
                    _ => None,
                });
                found.push((id, user_data));
            }
            for (key, inner) in fields {
                if key != "userData" {
                    collect(inner, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_seed_example_reads_three_keys_and_writes_two() {
        // service-client-api.user-data.write-allowed=Key1,Key3
        // service-client-api.user-data.read-allowed=Key1,Key2,Key3
        let write = KeyAccess::parse("Key1,Key3").unwrap();
        let read = KeyAccess::parse("Key1,Key2,Key3").unwrap();
        for key in ["Key1", "Key2", "Key3"] {
            assert!(read.allows(key), "{key}");
        }
        assert!(!read.allows("Key4"));
        assert!(write.allows("Key1") && write.allows("Key3"));
        assert!(!write.allows("Key2"));
    }

    #[test]
    fn star_allows_everything_and_cannot_be_mixed() {
        assert_eq!(KeyAccess::parse("*").unwrap(), KeyAccess::All);
        assert_eq!(KeyAccess::parse(" * ").unwrap(), KeyAccess::All);
        assert!(KeyAccess::parse("*,Key1").unwrap_err().contains("not both"));
        assert!(KeyAccess::parse("Key1, Key1")
            .unwrap_err()
            .contains("twice"));
        assert!(KeyAccess::parse(",,").unwrap_err().contains("only commas"));
        assert_eq!(
            KeyAccess::parse("").unwrap(),
            KeyAccess::Only {
                names: BTreeSet::new()
            }
        );
    }

    #[test]
    fn hiding_removes_unreadable_keys_everywhere_and_names_them_once() {
        let read = KeyAccess::parse("Key1,Key2,Key3").unwrap();
        let mut result = json!([
            {"interactionId": "1", "userData": {"Key1": "a", "Key4": "secret", "IW_CaseUid": "x"}},
            {"interactionId": "2", "userData": {"Key4": "b"}, "parties": [{"name": "5001"}]}
        ]);
        let hidden = hide_unreadable(&read, &mut result);
        assert_eq!(hidden, ["Key4", "IW_CaseUid"]);
        assert_eq!(
            result,
            json!([
                {"interactionId": "1", "userData": {"Key1": "a"}},
                {"interactionId": "2", "userData": {}, "parties": [{"name": "5001"}]}
            ])
        );
        let mut untouched = json!({"interaction": {"userData": {"Any": 1}}});
        assert!(hide_unreadable(&KeyAccess::All, &mut untouched).is_empty());
        assert_eq!(untouched["interaction"]["userData"]["Any"], 1);
    }

    #[test]
    fn user_data_is_found_with_its_interaction() {
        let event = json!({"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "7", "userData": {"K": "v"}}});
        let found = user_data_in(&event);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.as_deref(), Some("7"));
        assert!(found[0].1.contains_key("K"));
    }
}
