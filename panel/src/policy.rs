//! The Workspace options pasted for the inspected site, and what the parser made of them. Pure:
//! storage and file reading are in `persist.rs`.

use scapi::policy::{parse_options, OptionError, ParsedOptions, WorkspaceOptions};

/// What the pasted text gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Outcome {
    /// No options: the panel infers what it can from the capture.
    #[default]
    None,
    Applied(ParsedOptions),
    /// Not applied: every problem, each naming its line.
    Rejected(Vec<OptionError>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyState {
    /// The site the options belong to (the inspected tab's top-frame origin), once known.
    pub site: Option<String>,
    pub text: String,
    pub outcome: Outcome,
    /// What the text area holds, typed but not yet applied: every render shows it, so records
    /// streaming in while the user types do not put the applied text back.
    pub draft: String,
}

impl PolicyState {
    /// Reads `text` as the options of `site`; blank text means no options.
    pub fn set(&mut self, site: Option<String>, text: String) {
        self.outcome = if text.trim().is_empty() {
            Outcome::None
        } else {
            match parse_options(&text) {
                Ok(parsed) => Outcome::Applied(parsed),
                Err(errors) => Outcome::Rejected(errors),
            }
        };
        self.site = site;
        self.draft = text.clone();
        self.text = text;
    }

    /// The options in force for the verdicts.
    pub fn options(&self) -> Option<&WorkspaceOptions> {
        match &self.outcome {
            Outcome::Applied(parsed) => Some(&parsed.options),
            _ => None,
        }
    }

    /// Whether the text should be kept for the site: options that parse, or none at all.
    pub fn worth_keeping(&self) -> bool {
        !matches!(self.outcome, Outcome::Rejected(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_bad_and_blank_text() {
        let mut state = PolicyState::default();
        state.set(
            Some("http://wwe".into()),
            "service-client-api.rate-limit.voice.dial=4".into(),
        );
        assert_eq!(
            state.options().unwrap().rate_limits.limit_for("voice.dial"),
            4
        );
        assert!(state.worth_keeping());
        state.set(
            Some("http://wwe".into()),
            "service-client-api.rate-limit=-1".into(),
        );
        assert!(state.options().is_none());
        assert!(matches!(&state.outcome, Outcome::Rejected(errors) if errors[0].line == 1));
        assert!(!state.worth_keeping());
        state.set(Some("http://wwe".into()), "  \n".into());
        assert_eq!(state.outcome, Outcome::None);
        assert!(state.worth_keeping());
    }
}
