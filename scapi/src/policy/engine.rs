//! One engine to enforce and to explain: what Workspace does with each request under a set of
//! options. The emulator calls it to decide its answers; the audit calls it on captured traffic to
//! say what Workspace should have done, and compares.
//!
//! Checks in order (inferred; the seed gives none): origin accepted, request inside the origin's
//! filter, rate limits and quarantine, then the keys of a user-data write. A refused request is not
//! counted against a rate limit.

use super::limiter::{LimitKind, RateDecision, RateLimiter};
use super::options::{WorkspaceOptions, ACCEPTED_ORIGINS, WRITE_ALLOWED};
use super::origins::{FilterDecision, JWT_REQUEST};
use super::user_data::hide_unreadable;
use crate::facts::{user_data_write_of, UserDataWrite};
use crate::requests::decode_call;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What Workspace does with one request.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "verdict",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Verdict {
    /// Carried out.
    Allowed {
        /// The accepted-origins entry that let it through.
        rule: String,
        /// The filter pattern that matched; `None` when the entry has no filter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
        /// Counts in its rate window after it, when a limit applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counted: Option<WindowCount>,
    },
    /// The sender's origin is not in accepted-web-content-origins.
    OriginNotAccepted { origin: String, accepted: String },
    /// The origin is accepted, but its filter does not name this request.
    OutsideFilter {
        origin: String,
        rule: String,
        /// `auth.getJwtToken`, which wildcards never cover.
        jwt_needs_explicit: bool,
    },
    /// The first request over a limit: the explicit error, then a quarantine.
    RateLimitReached {
        kind: LimitKind,
        limit: u32,
        window_start: f64,
        quarantine_until: Option<f64>,
        error_message: String,
    },
    /// Ignored, no answer: this request name is in quarantine.
    InQuarantine {
        since: f64,
        until: Option<f64>,
        kind: LimitKind,
    },
    /// A user-data write naming keys outside write-allowed.
    KeysRefused {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        refused: Vec<String>,
        write_allowed: String,
    },
}

/// A request's place in its rate window.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WindowCount {
    pub window_start: f64,
    pub global_count: u32,
    pub request_count: u32,
}

/// What the client should see, given a verdict.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(
    tag = "expect",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Expected {
    /// An answer (success, or a failure for a reason outside these options).
    Answer,
    /// This exact error text.
    Error { error_message: String },
    /// No answer at all: the client reports "Request timeout" after 10 s.
    NoAnswer,
    /// Refused, but how is not public: an `errorMessage` or no answer.
    ErrorOrNoAnswer,
}

impl Verdict {
    /// A short label for lists: `allowed`, `origin refused`, …
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Allowed { .. } => "allowed",
            Verdict::OriginNotAccepted { .. } => "origin refused",
            Verdict::OutsideFilter { .. } => "outside filter",
            Verdict::RateLimitReached { .. } => "rate limit reached",
            Verdict::InQuarantine { .. } => "in quarantine",
            Verdict::KeysRefused { .. } => "key refused",
        }
    }

    pub fn is_allowed(&self) -> bool {
        matches!(self, Verdict::Allowed { .. })
    }

    pub fn expected(&self) -> Expected {
        match self {
            Verdict::Allowed { .. } => Expected::Answer,
            Verdict::RateLimitReached { error_message, .. } => Expected::Error {
                error_message: error_message.clone(),
            },
            Verdict::InQuarantine { .. } => Expected::NoAnswer,
            Verdict::OriginNotAccepted { .. }
            | Verdict::OutsideFilter { .. }
            | Verdict::KeysRefused { .. } => Expected::ErrorOrNoAnswer,
        }
    }

    /// One sentence saying what Workspace does and why (times as epoch ms are left to callers).
    pub fn explain(&self, request: &str) -> String {
        match self {
            Verdict::Allowed { rule, pattern, .. } => match pattern {
                Some(pattern) => format!("`{request}` is allowed by `{pattern}` in the entry `{rule}`."),
                None => format!("`{request}` is allowed: the entry `{rule}` has no filter."),
            },
            Verdict::OriginNotAccepted { origin, accepted } => {
                if accepted.is_empty() {
                    format!("Refused: {ACCEPTED_ORIGINS} is empty, so no origin is accepted, `{origin}` included.")
                } else {
                    format!("Refused: the origin `{origin}` is not in {ACCEPTED_ORIGINS} (`{accepted}`).")
                }
            }
            Verdict::OutsideFilter {
                origin,
                rule,
                jwt_needs_explicit,
            } => {
                if *jwt_needs_explicit {
                    format!("Refused: `{JWT_REQUEST}` must be named explicitly in the filter of `{origin}`; the entry is `{rule}`.")
                } else {
                    format!("Refused: `{request}` is outside the filter of `{origin}` (`{rule}`).")
                }
            }
            Verdict::RateLimitReached { kind, limit, .. } => format!(
                "Rate limit reached: {} = {limit} per minute; this first request over it gets the explicit error and starts the quarantine.",
                kind.option_name(request)
            ),
            Verdict::InQuarantine { until, .. } => match until {
                Some(_) => format!("Ignored without an answer: `{request}` is in quarantine after its rate limit was reached."),
                None => format!("Ignored without an answer: `{request}` is in quarantine until Workspace reloads (quarantine delay 0)."),
            },
            Verdict::KeysRefused { refused, write_allowed, .. } => format!(
                "Refused: {} not in {WRITE_ALLOWED} (`{write_allowed}`).",
                refused
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if refused.len() == 1 { " is" } else { " are" }
            ),
        }
    }

    /// The error text the emulator sends for a refusal whose real text is not public (inferred
    /// wording, marked as such in the emulator's docs); `None` when Workspace stays silent or
    /// answers normally.
    pub fn emulated_error(&self, request: &str) -> Option<String> {
        match self {
            Verdict::RateLimitReached { error_message, .. } => Some(error_message.clone()),
            Verdict::OutsideFilter { origin, .. } => Some(format!(
                "The request '{request}' is not allowed for the origin '{origin}'."
            )),
            Verdict::KeysRefused { refused, .. } => Some(format!(
                "The user data key(s) {} cannot be written (service-client-api.user-data.write-allowed).",
                refused
                    .iter()
                    .map(|key| format!("'{key}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            // Not accepted: Workspace does not listen to that origin. Quarantine: ignored.
            Verdict::OriginNotAccepted { .. } | Verdict::InQuarantine { .. } | Verdict::Allowed { .. } => None,
        }
    }
}

/// The policy of one Workspace page: its options and its rate-limit state.
#[derive(Clone, Debug)]
pub struct PolicyEngine {
    options: WorkspaceOptions,
    limiter: RateLimiter,
}

impl PolicyEngine {
    pub fn new(options: WorkspaceOptions) -> PolicyEngine {
        PolicyEngine {
            limiter: RateLimiter::new(options.rate_limits.clone()),
            options,
        }
    }

    pub fn options(&self) -> &WorkspaceOptions {
        &self.options
    }

    /// Whether Workspace listens to messages from this origin at all (subscriptions included).
    pub fn origin_verdict(&self, origin: &str) -> Result<String, Verdict> {
        match self.options.accepted_origins.rule_for(origin) {
            Some(rule) => Ok(rule.text()),
            None => Err(Verdict::OriginNotAccepted {
                origin: origin.to_owned(),
                accepted: self.options.accepted_origins.text(),
            }),
        }
    }

    /// Judges one request from `origin` arriving at `at_ms` (wall clock, epoch ms). Requests must
    /// be judged in the order they arrive: the rate limits count them.
    pub fn judge(
        &mut self,
        origin: &str,
        request: &str,
        parameters: Option<&Value>,
        at_ms: f64,
    ) -> Verdict {
        let write = user_data_write(request, parameters);
        self.judge_write(origin, request, write.as_ref(), at_ms)
    }

    /// [`PolicyEngine::judge`] with the request's `userData` write already read off its
    /// parameters (what the audit keeps of a request).
    pub fn judge_write(
        &mut self,
        origin: &str,
        request: &str,
        write: Option<&UserDataWrite>,
        at_ms: f64,
    ) -> Verdict {
        let rule = match self.options.accepted_origins.rule_for(origin) {
            Some(rule) => rule.clone(),
            None => {
                return Verdict::OriginNotAccepted {
                    origin: origin.to_owned(),
                    accepted: self.options.accepted_origins.text(),
                }
            }
        };
        let pattern = match rule.admits(request) {
            FilterDecision::Allowed { by } => by,
            decision => {
                return Verdict::OutsideFilter {
                    origin: origin.to_owned(),
                    rule: rule.text(),
                    jwt_needs_explicit: decision == FilterDecision::JwtNotNamed,
                }
            }
        };
        let counted = match self.limiter.admit(request, at_ms) {
            RateDecision::Counted {
                window_start,
                global_count,
                request_count,
            } => (!self.options.rate_limits.is_unlimited()).then_some(WindowCount {
                window_start,
                global_count,
                request_count,
            }),
            RateDecision::LimitReached {
                kind,
                limit,
                window_start,
                quarantine_until,
                error_message,
            } => {
                return Verdict::RateLimitReached {
                    kind,
                    limit,
                    window_start,
                    quarantine_until,
                    error_message,
                }
            }
            RateDecision::Quarantined { since, until, kind } => {
                return Verdict::InQuarantine { since, until, kind }
            }
        };
        if let Some(verdict) = write.and_then(|write| self.write_check(write)) {
            return verdict;
        }
        Verdict::Allowed {
            rule: rule.text(),
            pattern,
            counted,
        }
    }

    fn write_check(&self, write: &UserDataWrite) -> Option<Verdict> {
        let write_allowed = &self.options.write_allowed;
        let refused = write_allowed.refused(&write.keys);
        (!refused.is_empty()).then(|| Verdict::KeysRefused {
            interaction_id: write.interaction_id.clone(),
            refused,
            write_allowed: write_allowed.text(),
        })
    }

    /// Removes what read-allowed hides from a result or an event before it leaves Workspace;
    /// returns the hidden keys.
    pub fn hide_unreadable(&self, value: &mut Value) -> Vec<String> {
        hide_unreadable(&self.options.read_allowed, value)
    }
}

/// The `userData` write of `interaction.setUserData` / `interaction.deleteUserData` parameters:
/// what write-allowed limits (the seed names only these two requests).
pub fn user_data_write(request: &str, parameters: Option<&Value>) -> Option<UserDataWrite> {
    if !matches!(
        request,
        "interaction.setUserData" | "interaction.deleteUserData"
    ) {
        return None;
    }
    user_data_write_of(&decode_call(request, parameters).call)
}

#[cfg(test)]
mod tests;
