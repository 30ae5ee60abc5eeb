//! The raw capture format: one record per `message` event delivered to a frame, as the page hook
//! writes it (see `docs/formats.md`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The only raw capture format version this crate reads and writes.
pub const CAPTURE_FORMAT_VERSION: u32 = 1;

/// How the window that posted a message relates to the frame that received it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SourceRelation {
    /// The receiving frame's parent (an embedded app hearing from Workspace).
    Parent,
    /// The window that opened the receiving popup.
    Opener,
    /// One of the receiving frame's child frames (Workspace hearing from an embedded app).
    Child,
    /// The receiving window itself.
    #[serde(rename = "self")]
    SelfWindow,
    /// A window with none of those relations (another tab, a grandchild, a popup it opened).
    Other,
    /// No window: a `MessagePort` or worker delivered it.
    None,
}

impl SourceRelation {
    pub fn label(self) -> &'static str {
        match self {
            SourceRelation::Parent => "parent",
            SourceRelation::Opener => "opener",
            SourceRelation::Child => "child",
            SourceRelation::SelfWindow => "self",
            SourceRelation::Other => "other",
            SourceRelation::None => "none",
        }
    }
}

/// One delivered message as the page hook recorded it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HookRecord {
    /// Format version, [`CAPTURE_FORMAT_VERSION`].
    pub v: u32,
    /// High-resolution time of delivery, milliseconds since the Unix epoch
    /// (`performance.timeOrigin + performance.now()`).
    pub time: f64,
    /// Wall-clock time of delivery, milliseconds since the Unix epoch (`Date.now()`).
    pub wall: f64,
    /// URL of the frame that received the message.
    pub frame_url: String,
    /// Origin of the frame that received the message (`"null"` for opaque origins).
    pub frame_origin: String,
    /// Whether the receiving frame is the tab's top-level frame.
    pub is_top: bool,
    /// `event.origin`: the origin of the sender.
    pub origin: String,
    /// How `event.source` relates to the receiving frame.
    pub source: SourceRelation,
    /// For [`SourceRelation::Child`], the index of the sending frame in `window.frames`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_index: Option<u32>,
    /// Number of `MessagePort`s transferred with the message.
    pub ports: u32,
    /// Messages the hook had to drop just before this one (its queue was full while the
    /// content script was not listening yet).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hook_dropped: u64,
    /// The message data, made JSON-safe: values JSON cannot carry are described placeholders.
    pub data: Value,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Why a raw capture line could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureError(pub String);

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CaptureError {}

impl HookRecord {
    /// Reads one raw capture record from its JSON text.
    pub fn parse(text: &str) -> Result<HookRecord, CaptureError> {
        let record: HookRecord = serde_json::from_str(text)
            .map_err(|e| CaptureError(format!("not a raw capture record: {e}")))?;
        if record.v != CAPTURE_FORMAT_VERSION {
            return Err(CaptureError(format!(
                "raw capture format version {} is not supported (expected {CAPTURE_FORMAT_VERSION})",
                record.v
            )));
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "v": 1, "time": 1732467255123.25, "wall": 1732467255123.0,
            "frameUrl": "https://app.example/x.html", "frameOrigin": "https://app.example",
            "isTop": false, "origin": "https://wwe.example", "source": "parent", "ports": 0,
            "data": {"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}
        })
    }

    #[test]
    fn parses_a_hook_record() {
        let record = HookRecord::parse(&sample().to_string()).unwrap();
        assert_eq!(record.source, SourceRelation::Parent);
        assert_eq!(record.frame_origin, "https://app.example");
        assert_eq!(record.hook_dropped, 0);
        assert_eq!(record.data["userAgent"], "WWE Server");
    }

    #[test]
    fn round_trips_through_json() {
        let record = HookRecord::parse(&sample().to_string()).unwrap();
        let again = HookRecord::parse(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(record, again);
    }

    #[test]
    fn self_relation_is_spelled_self() {
        let mut value = sample();
        value["source"] = json!("self");
        assert_eq!(
            HookRecord::parse(&value.to_string()).unwrap().source,
            SourceRelation::SelfWindow
        );
    }

    #[test]
    fn rejects_a_missing_field_naming_it() {
        let mut value = sample();
        value.as_object_mut().unwrap().remove("origin");
        let err = HookRecord::parse(&value.to_string()).unwrap_err();
        assert!(err.0.contains("origin"), "{err}");
    }

    #[test]
    fn rejects_another_version() {
        let mut value = sample();
        value["v"] = json!(2);
        let err = HookRecord::parse(&value.to_string()).unwrap_err();
        assert!(err.0.contains("version 2"), "{err}");
    }

    #[test]
    fn rejects_text_that_is_not_json() {
        assert!(HookRecord::parse("{nope")
            .unwrap_err()
            .0
            .contains("not a raw capture record"));
    }
}
