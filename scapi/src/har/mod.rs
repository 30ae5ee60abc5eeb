//! HAR export and import of a capture (see `docs/formats.md`, "HAR export").
//!
//! The export is HAR 1.2 in the form Chrome DevTools uses for WebSocket traffic, so that Chrome's
//! own HAR import shows the messages: one entry per channel (a Workspace frame and an app frame,
//! see [`channel`]), each message in `_webSocketMessages`. Everything this crate needs to restore
//! the capture exactly rides along under `_`-prefixed keys, which other HAR readers ignore.
//!
//! * [`write`]: the streaming writer and [`write_har`] for a capture in memory.
//! * [`read`]: [`read_har`] for our own exports and for any HAR with `_webSocketMessages`, and the
//!   streaming reader under it.
//! * [`sanitize`]: consistent masking of secrets and personal data, on by default.

pub mod channel;
pub mod read;
pub mod sanitize;
pub mod time;
mod wire;
pub mod write;

#[cfg(test)]
mod tests;

use crate::findings::Finding;
use crate::record::{FrameInfo, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use channel::{Channel, ChannelEnd, MessageType};
pub use read::{read_har, read_har_stream, HarError, HarEvent, HarFlavor, HarReader};
pub use sanitize::{Sanitized, Sanitizer};
pub use write::{to_har_string, write_har, CaptureRef, ExportOptions, HarWriter};

/// The version of our `_scapi…` extensions to HAR; [`read_har`] refuses other versions.
pub const HAR_FORMAT_VERSION: u32 = 1;

/// `log.creator.name` of every export.
pub const CREATOR_NAME: &str = "SCAPI Inspector";

/// The tool that made a capture.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// What is known about a capture beside its frames and records.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaptureMeta {
    /// Who captured (the panel, or `scapi-inspect`); its version is `log.creator.version`.
    pub tool: Tool,
    /// The inspected page: its top frame's URL and its title.
    pub page_url: String,
    pub page_title: String,
    /// When the capture started and ended, epoch milliseconds.
    pub start: f64,
    pub end: f64,
    /// Records lost before they could be kept, by frame key (a full buffer, the hook's queue).
    #[serde(default)]
    pub dropped: BTreeMap<String, u64>,
    /// The Workspace options the user pasted (`service-client-api.*`), verbatim.
    #[serde(default)]
    pub policy_options: Option<String>,
    /// Set when the records were already sanitized before this capture was made from them (an
    /// import of a sanitized export): an export "with sensitive data" of it still says so.
    #[serde(default)]
    pub sanitized: Option<Sanitized>,
}

/// A whole capture in memory: what [`read_har`] restores and [`write_har`] writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Capture {
    pub meta: CaptureMeta,
    pub frames: Vec<FrameInfo>,
    /// (index into `frames`, record), in capture order.
    pub records: Vec<(usize, Record)>,
    /// The findings the exporter computed; `None` when it did not.
    pub findings: Option<Vec<Finding>>,
    /// Whether the HAR was one of ours or another tool's WebSocket HAR.
    pub flavor: HarFlavor,
}

impl Capture {
    /// The records as `(frame index, record)` pairs, as `correlate`, `find` and the writer take them.
    pub fn refs(&self) -> Vec<(usize, &Record)> {
        self.records
            .iter()
            .map(|(frame, record)| (*frame, record))
            .collect()
    }

    /// The capture as the writer takes it.
    pub fn as_ref<'a>(&'a self, records: &'a [(usize, &'a Record)]) -> CaptureRef<'a> {
        CaptureRef {
            meta: &self.meta,
            frames: &self.frames,
            records,
            findings: self.findings.as_deref(),
        }
    }
}
