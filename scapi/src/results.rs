//! Typed results: what a successful response carries under `data`, read by the request it answers.
//!
//! Only a few result shapes are documented; the others come from how integrators read them. A
//! result that does not match its expected shape is kept as JSON and the mismatch is said in
//! `shapeProblem`; unknown fields of typed objects are kept in their `extra` maps.

use crate::interaction::wire::{describe, wire_struct, Expected, NumberOrText};
use crate::interaction::Interaction;
use crate::requests::{spec, ResultShape};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

wire_struct! {
    /// `agent.get`.
    pub struct Agent {
        /// Used for routing.
        employee_id: String = "employeeId",
        firstname: String = "firstname",
        lastname: String = "lastname",
        /// Globally unique.
        username: String = "username",
        /// Such as `ROLE_AGENT`, `ROLE_SUPERVISOR`, `ROLE_ADMIN`.
        roles: Vec<String> = "roles",
    }
}

wire_struct! {
    /// A media state (`agent.getState`, `agent.getStateList`); `operationName` is what
    /// `agent.setState` and `media.setState` take.
    pub struct MediaState {
        operation_name: String = "operationName",
        display_name: String = "displayName",
    }
}

wire_struct! {
    /// One item of `media.getMediaList`, or `media.getMediaByName`'s result.
    pub struct MediaItem {
        media: String = "media",
        state: StateRef = "state",
    }
}

/// A media item's state: a name, or a full media state (inferred: the docs only say `state`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum StateRef {
    Name(String),
    Details(MediaState),
}

impl Expected for StateRef {
    fn expected() -> String {
        "a state name or a media state object".to_owned()
    }
}

wire_struct! {
    /// An outbound campaign of `outbound.getCampaigns` (inferred fields).
    pub struct Campaign {
        name: String = "name",
        mode: String = "mode",
    }
}

/// `outbound.getCampaigns` items: a name, or an object (inferred).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum CampaignEntry {
    Name(String),
    Details(Campaign),
}

wire_struct! {
    /// A call result of `outbound.getListOfCallResults` (inferred fields); `outbound.setCallResult`
    /// takes the code.
    pub struct CallResult {
        name: String = "name",
        value: NumberOrText = "value",
    }
}

/// `outbound.getListOfCallResults` items: a name, a code, or an object (inferred).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum CallResultEntry {
    Name(String),
    Code(serde_json::Number),
    Details(CallResult),
}

wire_struct! {
    /// `auth.getJwtToken`. The token is a secret: show [`Jwt::masked_token`].
    pub struct Jwt {
        /// ISO 8601, such as `2020-04-14T13:26:51.846Z`.
        expiration: String = "expiration",
        jwt_token: String = "jwtToken",
    }
}

/// How many leading characters of a token [`Jwt::masked_token`] shows.
const TOKEN_CHARS_SHOWN: usize = 6;

impl Jwt {
    /// The token with all but its first few characters hidden, for display.
    pub fn masked_token(&self) -> Option<String> {
        let token = self.jwt_token.as_deref()?;
        let shown: String = token.chars().take(TOKEN_CHARS_SHOWN).collect();
        let hidden = token.chars().count().saturating_sub(TOKEN_CHARS_SHOWN);
        Some(format!("{shown}… ({hidden} more characters)"))
    }
}

/// A response's result, typed where its shape is known.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "shape",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ResultValue {
    Agent {
        agent: Agent,
    },
    MediaState {
        state: MediaState,
    },
    MediaStates {
        states: Vec<MediaState>,
    },
    /// Boxed: an Interaction is much larger than the other results.
    Interaction {
        interaction: Box<Interaction>,
    },
    Interactions {
        interactions: Vec<Interaction>,
    },
    MediaItem {
        media: MediaItem,
    },
    MediaList {
        media: Vec<MediaItem>,
    },
    Campaigns {
        campaigns: Vec<CampaignEntry>,
    },
    CallResults {
        call_results: Vec<CallResultEntry>,
    },
    /// Such as `wweCustomToast0`: `system.updateToast`, `system.closeToast` and
    /// CUSTOM_TOAST_BUTTON_CLICK events name it.
    ToastId {
        toast_id: String,
    },
    /// Such as `wweCustomDialog1`: `system.closeDialog` takes it.
    DialogId {
        dialog_id: String,
    },
    Jwt {
        jwt: Jwt,
    },
    Boolean {
        value: bool,
    },
    /// `system.getAllowedServices` (inferred shape).
    ServiceNames {
        names: Vec<String>,
    },
    /// `configuration.getOption` (inferred shape).
    OptionValues {
        options: Map<String, Value>,
    },
    /// Anything else, as it came.
    Json {
        data: Value,
    },
}

/// A result read against the request it answers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TypedResult {
    pub result: ResultValue,
    /// How `data` differs from the expected shape (then `result` is JSON or a near reading),
    /// or which typed fields had unexpected types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape_problem: Option<String>,
}

/// Types the `data` of a successful response to `request` (pass `Value::Null` when the
/// response had no `data`). Never panics.
pub fn decode_result(request: &str, data: &Value) -> TypedResult {
    let expected = spec(request).map_or(ResultShape::Unspecified, |spec| spec.result);
    let typed = read(expected, data);
    match typed {
        Ok((result, notes)) => TypedResult {
            result,
            shape_problem: (!notes.is_empty()).then(|| notes.join("; ")),
        },
        Err(problem) => TypedResult {
            result: ResultValue::Json { data: data.clone() },
            shape_problem: Some(format!(
                "expected {}, got {problem}; shown as JSON",
                expected.expected()
            )),
        },
    }
}

/// A typed result and notes about it, or what `data` was instead.
type Reading = Result<(ResultValue, Vec<String>), String>;

fn read(expected: ResultShape, data: &Value) -> Reading {
    match expected {
        ResultShape::Unspecified => Ok((ResultValue::Json { data: data.clone() }, Vec::new())),
        ResultShape::Agent => {
            let agent = object::<Agent>(data)?;
            let notes = prefixed("agent", agent.mistyped_fields());
            Ok((ResultValue::Agent { agent }, notes))
        }
        ResultShape::MediaState => {
            let state = object::<MediaState>(data)?;
            let notes = prefixed("state", state.mistyped_fields());
            Ok((ResultValue::MediaState { state }, notes))
        }
        ResultShape::MediaStates => {
            let states = array(data, object::<MediaState>)?;
            let notes = items_notes("states", &states, MediaState::mistyped_fields);
            Ok((ResultValue::MediaStates { states }, notes))
        }
        ResultShape::Interaction | ResultShape::Interactions => interactions(expected, data),
        ResultShape::MediaItem => {
            let media = object::<MediaItem>(data)?;
            let notes = prefixed("media", media.mistyped_fields());
            Ok((ResultValue::MediaItem { media }, notes))
        }
        ResultShape::MediaList => {
            let media = array(data, object::<MediaItem>)?;
            let notes = items_notes("media", &media, MediaItem::mistyped_fields);
            Ok((ResultValue::MediaList { media }, notes))
        }
        ResultShape::Campaigns => {
            let campaigns = array(data, |item| match item {
                Value::String(name) => Ok(CampaignEntry::Name(name.clone())),
                Value::Object(_) => object::<Campaign>(item).map(CampaignEntry::Details),
                other => Err(describe(other)),
            })?;
            Ok((ResultValue::Campaigns { campaigns }, Vec::new()))
        }
        ResultShape::CallResults => {
            let call_results = array(data, |item| match item {
                Value::String(name) => Ok(CallResultEntry::Name(name.clone())),
                Value::Number(code) => Ok(CallResultEntry::Code(code.clone())),
                Value::Object(_) => object::<CallResult>(item).map(CallResultEntry::Details),
                other => Err(describe(other)),
            })?;
            Ok((ResultValue::CallResults { call_results }, Vec::new()))
        }
        ResultShape::ToastId => {
            let toast_id = text(data)?;
            Ok((ResultValue::ToastId { toast_id }, Vec::new()))
        }
        ResultShape::DialogId => {
            let dialog_id = text(data)?;
            Ok((ResultValue::DialogId { dialog_id }, Vec::new()))
        }
        ResultShape::Jwt => {
            let jwt = object::<Jwt>(data)?;
            let notes = prefixed("jwt", jwt.mistyped_fields());
            Ok((ResultValue::Jwt { jwt }, notes))
        }
        ResultShape::Boolean => match data {
            Value::Bool(value) => Ok((ResultValue::Boolean { value: *value }, Vec::new())),
            other => Err(describe(other)),
        },
        ResultShape::ServiceNames => {
            let names = array(data, text)?;
            Ok((ResultValue::ServiceNames { names }, Vec::new()))
        }
        ResultShape::OptionValues => match data {
            Value::Object(options) => Ok((
                ResultValue::OptionValues {
                    options: options.clone(),
                },
                Vec::new(),
            )),
            other => Err(describe(other)),
        },
    }
}

/// One interaction or several; the other form than expected is read too, with a note.
fn interactions(expected: ResultShape, data: &Value) -> Reading {
    match data {
        Value::Object(_) => {
            let interaction = object::<Interaction>(data)?;
            let mut notes = prefixed("interaction", interaction.shape_problems());
            if expected == ResultShape::Interactions {
                notes.insert(
                    0,
                    "expected an array of interaction objects, got one object: read as one \
                     interaction"
                        .to_owned(),
                );
            }
            Ok((
                ResultValue::Interaction {
                    interaction: Box::new(interaction),
                },
                notes,
            ))
        }
        Value::Array(_) => {
            let interactions = array(data, object::<Interaction>)?;
            let mut notes = items_notes("interactions", &interactions, Interaction::shape_problems);
            if expected == ResultShape::Interaction {
                notes.insert(
                    0,
                    "expected an interaction object, got an array: read as interactions".to_owned(),
                );
            }
            Ok((ResultValue::Interactions { interactions }, notes))
        }
        other => Err(describe(other)),
    }
}

fn object<T: From<Map<String, Value>>>(data: &Value) -> Result<T, String> {
    match data {
        Value::Object(fields) => Ok(T::from(fields.clone())),
        other => Err(describe(other)),
    }
}

fn text(data: &Value) -> Result<String, String> {
    match data {
        Value::String(text) => Ok(text.clone()),
        other => Err(describe(other)),
    }
}

fn array<T>(data: &Value, read: impl Fn(&Value) -> Result<T, String>) -> Result<Vec<T>, String> {
    let Value::Array(items) = data else {
        return Err(describe(data));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            read(item).map_err(|got| format!("an array whose item {} is {got}", index + 1))
        })
        .collect()
}

fn prefixed(name: &str, problems: Vec<String>) -> Vec<String> {
    problems
        .into_iter()
        .map(|problem| format!("{name}: {problem}"))
        .collect()
}

fn items_notes<T>(name: &str, items: &[T], problems: impl Fn(&T) -> Vec<String>) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .flat_map(|(index, item)| prefixed(&format!("{name}[{index}]"), problems(item)))
        .collect()
}

#[cfg(test)]
mod tests;
