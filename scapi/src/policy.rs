//! The Workspace policy engine: the seed's "Security configuration" options (accepted origins,
//! rate limits, user-data filtering), what Workspace does with each request under them, and how
//! that compares with what a capture shows.
//!
//! * [`options`]: reading pasted options (`key=value`, ini, JSON) with errors that name the line.
//! * [`origins`]: accepted origins and their request filters.
//! * [`limiter`]: fixed one-minute windows, global and per-request limits, quarantine.
//! * [`user_data`]: read-allowed and write-allowed key lists.
//! * [`engine`]: [`engine::PolicyEngine`], the one engine the emulator enforces with and the audit
//!   explains with.
//! * [`audit`]: verdicts for a capture, expected against observed, and inference without options.
//! * [`checker`]: the same verdicts for a capture read once, in time order and bounded memory.

pub mod audit;
pub mod checker;
pub mod engine;
mod finding_groups;
pub mod limiter;
pub mod options;
pub mod origins;
pub mod user_data;

pub use engine::{Expected, PolicyEngine, Verdict};
pub use options::{parse_options, OptionError, ParsedOptions, WorkspaceOptions};
