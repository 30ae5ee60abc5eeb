//! Tolerant reading of the service's JSON objects.
//!
//! The service's objects are only partly documented and change between Workspace versions, so a
//! typed view must never refuse one. A *wire struct* (made with [`wire_struct!`]) types the fields
//! the docs name, each as `Option<T>`, and keeps everything else in a flattened `extra` map: an
//! unknown field, a `null`, or a known field whose value has another type. Serializing gives back
//! exactly the fields that came (in another order), so the typed view survives its own JSON, and
//! nothing the service sent is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// Declares a wire struct: `field: Type = "wireName",` lines become `pub field: Option<Type>`
/// serialized under their wire names, plus `pub extra: Map` for everything else.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident: $ty:ty = $key:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(::serde::Serialize, ::serde::Deserialize, Clone, Debug, Default, PartialEq)]
        #[serde(from = "serde_json::Map<String, serde_json::Value>")]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(rename = $key, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Every other field as it came, plus known fields that were `null` or had another
            /// type than expected: nothing the service sent is lost.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl From<serde_json::Map<String, serde_json::Value>> for $name {
            fn from(fields: serde_json::Map<String, serde_json::Value>) -> Self {
                let mut this = Self::default();
                for (key, value) in fields {
                    if !this.take_known(&key, &value) {
                        this.extra.insert(key, value);
                    }
                }
                this
            }
        }

        impl $name {
            /// The wire names of the typed fields.
            pub const FIELDS: &'static [&'static str] = &[$($key),*];

            /// Reads an object; `None` when the value is not an object.
            pub fn from_value(value: &serde_json::Value) -> Option<Self> {
                // One pass over the borrowed fields: only what lands in `extra` is cloned whole.
                let fields = value.as_object()?;
                let mut this = Self::default();
                for (key, value) in fields {
                    if !this.take_known(key, value) {
                        this.extra.insert(key.clone(), value.clone());
                    }
                }
                Some(this)
            }

            /// Sets the typed field named `key` when `value` reads as its type; false for an
            /// unknown key, a `null`, or a value of another type (those belong in `extra`).
            fn take_known(&mut self, key: &str, value: &serde_json::Value) -> bool {
                match key {
                    $(
                        $key => match $crate::interaction::wire::read::<$ty>(value) {
                            Some(typed) => {
                                self.$field = Some(typed);
                                true
                            }
                            None => false,
                        },
                    )*
                    _ => false,
                }
            }

            /// The known fields that came with another type than expected, as sentences.
            pub fn mistyped_fields(&self) -> Vec<String> {
                #[allow(unused_mut)]
                let mut problems = Vec::new();
                $(
                    if self.$field.is_none() {
                        if let Some(value) = self.extra.get($key).filter(|value| !value.is_null()) {
                            problems.push(format!(
                                "`{}` should be {}, got {}",
                                $key,
                                <$ty as $crate::interaction::wire::Expected>::expected(),
                                $crate::interaction::wire::describe(value),
                            ));
                        }
                    }
                )*
                problems
            }
        }

        impl $crate::interaction::wire::Expected for $name {
            fn expected() -> String {
                "an object".to_owned()
            }
        }
    };
}
pub(crate) use wire_struct;

/// `value` read as `T`; `None` for a `null` or a value of another type.
pub(crate) fn read<T: for<'de> Deserialize<'de>>(value: &Value) -> Option<T> {
    if value.is_null() {
        return None;
    }
    T::deserialize(value).ok()
}

/// What JSON a typed field expects, in words, for problem messages.
pub trait Expected {
    fn expected() -> String;
}

impl Expected for String {
    fn expected() -> String {
        "a string".to_owned()
    }
}

impl Expected for bool {
    fn expected() -> String {
        "a boolean".to_owned()
    }
}

impl Expected for i64 {
    fn expected() -> String {
        "a whole number".to_owned()
    }
}

impl Expected for Number {
    fn expected() -> String {
        "a number".to_owned()
    }
}

impl Expected for Value {
    fn expected() -> String {
        "any JSON value".to_owned()
    }
}

impl Expected for Map<String, Value> {
    fn expected() -> String {
        "an object".to_owned()
    }
}

impl<T: Expected> Expected for Vec<T> {
    fn expected() -> String {
        format!("an array whose items are each {}", T::expected())
    }
}

impl Expected for NumberOrText {
    fn expected() -> String {
        "a number or a string".to_owned()
    }
}

/// A value the protocol sends either as a number or as text (record handles, dialog sizes).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(Number),
    Text(String),
}

impl NumberOrText {
    /// Reads a number or a string; `None` for anything else.
    pub fn from_value(value: &Value) -> Option<NumberOrText> {
        match value {
            Value::Number(number) => Some(NumberOrText::Number(number.clone())),
            Value::String(text) => Some(NumberOrText::Text(text.clone())),
            _ => None,
        }
    }
}

/// How long a quoted string may get in a problem message before it is cut.
const QUOTED_CHARS: usize = 40;

/// Names a value for a problem message: `the number 3`, `the string "Ready"`, `an object`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("the boolean {flag}"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => {
            let shown: String = text.chars().take(QUOTED_CHARS).collect();
            let cut = if text.chars().count() > QUOTED_CHARS {
                "…"
            } else {
                ""
            };
            format!("the string {}{cut}", Value::String(shown))
        }
        Value::Array(items) if items.is_empty() => "an empty array".to_owned(),
        Value::Array(items) if items.len() == 1 => "an array of 1 item".to_owned(),
        Value::Array(items) => format!("an array of {} items", items.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}
