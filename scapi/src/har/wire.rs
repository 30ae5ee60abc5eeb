//! Our `_scapi…` extensions as they are written and read.

use crate::har::CaptureMeta;
use crate::record::{FrameInfo, Record};
use serde::{Deserialize, Serialize};

/// `log._scapiCapture`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CaptureWire {
    pub format_version: u32,
    #[serde(flatten)]
    pub meta: CaptureMeta,
    pub frames: Vec<FrameInfo>,
}

/// `_webSocketMessages[]._scapi`, as written: borrowed.
#[derive(Serialize)]
pub struct MessageOut<'a> {
    /// The record's position in the capture, from 0.
    pub index: u64,
    /// The key of the frame that received it.
    pub frame: &'a str,
    pub record: &'a Record,
}

/// `_webSocketMessages[]._scapi`, as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageIn {
    pub index: u64,
    pub frame: crate::FrameKey,
    pub record: Record,
}
