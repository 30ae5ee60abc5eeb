//! The Interaction object (protocol section 5), as results and interaction events carry it.
//!
//! Every field is optional and every value is kept: Workspace versions differ, `userData` is
//! filtered by `user-data.read-allowed`, and outbound interactions add fields of their own.
//! Enumerated fields (`state`, `direction`, `callType`, `recordingState`) stay strings, since the
//! seed already shows spellings the docs do not list (`Internal`, `OUTBOUND_PREVIEW`); the lists
//! below name the documented values for display and checks.

pub(crate) mod wire;

use serde_json::{Map, Value};
use wire::wire_struct;
pub use wire::{describe, Expected, NumberOrText};

wire_struct! {
    /// One interaction (a call, chat, e-mail, outbound record, …) as Workspace describes it.
    pub struct Interaction {
        interaction_id: String = "interactionId",
        parent_interaction_id: String = "parentInteractionId",
        case_id: String = "caseId",
        /// Attached data; values are usually strings, but any JSON is kept.
        user_data: Map<String, Value> = "userData",
        state: String = "state",
        previous_state: String = "previousState",
        parties: Vec<Party> = "parties",
        is_consultation: bool = "isConsultation",
        is_main_case_interaction: bool = "isMainCaseInteraction",
        start_date: String = "startDate",
        end_date: String = "endDate",
        call_uuid: String = "callUuid",
        /// `IN`, `OUT` or `UNKNOWN` (see [`DIRECTIONS`]).
        direction: String = "direction",
        /// See [`CALL_TYPES`]; other spellings occur.
        call_type: String = "callType",
        ani: String = "ani",
        dnis: String = "dnis",
        /// `STOPPED`, `RECORDING` or `PAUSED` (see [`RECORDING_STATES`]).
        recording_state: String = "recordingState",
        media: String = "media",
        /// What the agent may do now, such as `CALL`, `HANGUP`, `MARK_DONE`.
        capabilities: Vec<String> = "capabilities",
        is_case_selected: bool = "isCaseSelected",
        is_case_expanded: bool = "isCaseExpanded",
        /// Outbound: the records of the interaction's chain, each a calling-list row.
        chained_records: Vec<Map<String, Value>> = "chainedRecords",
    }
}

wire_struct! {
    /// One party of an interaction; the docs promise `name` only.
    pub struct Party {
        name: String = "name",
    }
}

impl Interaction {
    /// Reads an interaction; `None` when the value is not an object.
    pub fn read(value: &Value) -> Option<Interaction> {
        Interaction::from_value(value)
    }

    /// Fields whose values had an unexpected type, including those inside `parties`.
    pub fn shape_problems(&self) -> Vec<String> {
        let mut problems = self.mistyped_fields();
        for (index, party) in self.parties.iter().flatten().enumerate() {
            problems.extend(
                party
                    .mistyped_fields()
                    .into_iter()
                    .map(|problem| format!("parties[{index}]: {problem}")),
            );
        }
        problems
    }
}

/// The documented values of `direction`.
pub const DIRECTIONS: &[&str] = &["IN", "OUT", "UNKNOWN"];

/// The documented values of `callType`, then the spellings the seed shows besides them.
pub const CALL_TYPES: &[&str] = &[
    "INTERNAL",
    "INBOUND",
    "OUTBOUND",
    "CONSULT",
    "UNKNOWN",
    "Internal",
    "OUTBOUND_PREVIEW",
    "OUTBOUND_PUSH_PREVIEW",
];

/// The documented values of `recordingState`.
pub const RECORDING_STATES: &[&str] = &["STOPPED", "RECORDING", "PAUSED"];

#[cfg(test)]
mod tests;
