//! Rate limits as Workspace counts them: fixed one-minute windows (not sliding), a global limit
//! and per-request limits that both apply, and a quarantine after a limit is reached.
//!
//! The seed: "When the number of requests reaches the limit, Workspace ignores all further
//! requests of the same type for [the quarantine delay]. In response, Workspace sends a result with
//! an explicit error message to the first request it receives after the limit is reached."
//!
//! Inferred where the seed is silent, and kept the same in the emulator and the audit (one
//! engine): windows start on the wall clock's minutes; a request that is refused or ignored does
//! not count; reaching the global limit quarantines the request *name* that went over it (the
//! error text names one request); a quarantine delay of 0 means "until Workspace reloads".

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Length of a counting window.
pub const WINDOW_MS: f64 = 60_000.0;

/// The limits in force.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RateLimits {
    /// Requests per minute over the whole API; 0 = unlimited.
    pub global: u32,
    /// Requests per minute for one request name; 0 = unlimited.
    pub per_request: Vec<(String, u32)>,
    /// Seconds a request name is ignored after its limit was reached; 0 = forever.
    pub quarantine_seconds: u64,
}

impl RateLimits {
    /// A quarantine delay of 0: ignored until Workspace is reloaded.
    pub fn quarantine_forever(&self) -> bool {
        self.quarantine_seconds == 0
    }

    pub fn limit_for(&self, request: &str) -> u32 {
        self.per_request
            .iter()
            .find(|(name, _)| name == request)
            .map_or(0, |(_, limit)| *limit)
    }

    pub fn is_unlimited(&self) -> bool {
        self.global == 0 && self.per_request.iter().all(|(_, limit)| *limit == 0)
    }
}

/// Which limit a request went over.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum LimitKind {
    /// `service-client-api.rate-limit`.
    Global,
    /// `service-client-api.rate-limit.<request>`.
    Request,
}

impl LimitKind {
    pub fn option_name(self, request: &str) -> String {
        match self {
            LimitKind::Global => "service-client-api.rate-limit".to_owned(),
            LimitKind::Request => format!("service-client-api.rate-limit.{request}"),
        }
    }
}

/// What the limiter does with one request.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "decision",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum RateDecision {
    /// Counted and let through: the counts in its window after it.
    Counted {
        window_start: f64,
        global_count: u32,
        request_count: u32,
    },
    /// The first request over a limit: refused with the explicit error, and the name quarantined.
    LimitReached {
        kind: LimitKind,
        limit: u32,
        window_start: f64,
        /// When the quarantine ends (epoch ms); `None` = until Workspace reloads.
        quarantine_until: Option<f64>,
        error_message: String,
    },
    /// Ignored without an answer: the name is in quarantine.
    Quarantined {
        since: f64,
        until: Option<f64>,
        kind: LimitKind,
    },
}

#[derive(Clone, Debug, PartialEq)]
struct Quarantine {
    since: f64,
    until: Option<f64>,
    kind: LimitKind,
}

/// The counting state of one Workspace page.
#[derive(Clone, Debug, Default)]
pub struct RateLimiter {
    limits: RateLimits,
    window: Option<i64>,
    global_count: u32,
    counts: HashMap<String, u32>,
    quarantines: HashMap<String, Quarantine>,
}

/// The window (minute number since the epoch) a time falls in.
pub fn window_of(at_ms: f64) -> i64 {
    (at_ms / WINDOW_MS).floor() as i64
}

/// The start of a window, epoch ms.
pub fn window_start(window: i64) -> f64 {
    window as f64 * WINDOW_MS
}

/// The error text Workspace sends to the first request over a limit (the seed's text, with the
/// request name and the delay put in; for a delay of 0 the template's `0 seconds` is inferred).
pub fn limit_error_text(request: &str, quarantine_seconds: u64) -> String {
    format!(
        "The rate limit for the request '{request}' has been reached.\nFurther requests of the same type will be ignored for {quarantine_seconds} seconds."
    )
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> RateLimiter {
        RateLimiter {
            limits,
            ..RateLimiter::default()
        }
    }

    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// Judges one request arriving at `at_ms` (requests must come in time order).
    pub fn admit(&mut self, request: &str, at_ms: f64) -> RateDecision {
        if let Some(quarantine) = self.quarantines.get(request) {
            if quarantine.until.is_none_or(|until| at_ms < until) {
                return RateDecision::Quarantined {
                    since: quarantine.since,
                    until: quarantine.until,
                    kind: quarantine.kind,
                };
            }
            self.quarantines.remove(request);
        }
        let window = window_of(at_ms);
        if self.window != Some(window) {
            self.window = Some(window);
            self.global_count = 0;
            self.counts.clear();
        }
        let request_limit = self.limits.limit_for(request);
        let request_count = self.counts.get(request).copied().unwrap_or(0);
        let over = if request_limit > 0 && request_count >= request_limit {
            Some((LimitKind::Request, request_limit))
        } else if self.limits.global > 0 && self.global_count >= self.limits.global {
            Some((LimitKind::Global, self.limits.global))
        } else {
            None
        };
        if let Some((kind, limit)) = over {
            let seconds = self.limits.quarantine_seconds;
            let until = (seconds > 0).then_some(at_ms + seconds as f64 * 1000.0);
            self.quarantines.insert(
                request.to_owned(),
                Quarantine {
                    since: at_ms,
                    until,
                    kind,
                },
            );
            return RateDecision::LimitReached {
                kind,
                limit,
                window_start: window_start(window),
                quarantine_until: until,
                error_message: limit_error_text(request, seconds),
            };
        }
        self.global_count += 1;
        let count = self.counts.entry(request.to_owned()).or_insert(0);
        *count += 1;
        RateDecision::Counted {
            window_start: window_start(window),
            global_count: self.global_count,
            request_count: *count,
        }
    }
}

#[cfg(test)]
mod tests;
