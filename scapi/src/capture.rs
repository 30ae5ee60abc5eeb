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

/// One delivered message as the page hook recorded it. (`D` is how its data is held: parsed, or
/// as the JSON text the line carries, see [`HookRecord::parse_with_text`].)
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HookRecord<D = Value> {
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
    pub data: D,
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
    /// The frame this record names when no content script described it (a raw capture read
    /// line by line): keyed by its URL, the top at depth 0 and any other frame at depth 1, its
    /// place in the parent unknown.
    pub fn frame_info(&self) -> crate::FrameInfo {
        crate::FrameInfo {
            key: self.frame_url.as_str().into(),
            url: self.frame_url.clone(),
            origin: self.frame_origin.clone(),
            is_top: self.is_top,
            placement: crate::FramePlacement {
                depth: u32::from(!self.is_top),
                index_in_parent: None,
                has_opener: false,
            },
            browser_frame_id: None,
            started: 0.0,
            ended: None,
        }
    }

    /// Reads one raw capture record from its JSON text.
    /// JSON text from `JSON.stringify` may hold a lone UTF-16 surrogate (`\ud83d`: a string cut
    /// in the middle of an emoji), which is no Unicode scalar: such a surrogate is read as
    /// U+FFFD, as a browser shows it, and the rest of the message is kept.
    pub fn parse(text: &str) -> Result<HookRecord, CaptureError> {
        let record: HookRecord = match serde_json::from_str(text) {
            Ok(record) => record,
            Err(error) => {
                let repaired = replace_lone_surrogates(text)
                    .ok_or_else(|| CaptureError(format!("not a raw capture record: {error}")))?;
                serde_json::from_str(&repaired)
                    .map_err(|e| CaptureError(format!("not a raw capture record: {e}")))?
            }
        };
        if record.v != CAPTURE_FORMAT_VERSION {
            return Err(CaptureError(format!(
                "raw capture format version {} is not supported (expected {CAPTURE_FORMAT_VERSION})",
                record.v
            )));
        }
        Ok(record)
    }

    /// A raw capture line read once, with its data's JSON text exactly as the line carries it:
    /// what a panel is sent needs no serializing again (the largest part of reading a line in
    /// the background after parsing it). A line serde cannot take as it is (lone surrogates) is
    /// read by [`HookRecord::parse`] and its data written again.
    pub fn parse_with_text(
        text: &str,
    ) -> Result<(HookRecord, Box<serde_json::value::RawValue>), CaptureError> {
        let as_read = serde_json::from_str::<HookRecord<&serde_json::value::RawValue>>(text)
            .ok()
            .filter(|record| record.v == CAPTURE_FORMAT_VERSION)
            .and_then(|record| {
                let data = serde_json::from_str::<Value>(record.data.get()).ok()?;
                let data_text = record.data.to_owned();
                Some((record.with_data(data), data_text))
            });
        if let Some(read) = as_read {
            return Ok(read);
        }
        let record = HookRecord::parse(text)?;
        let data_text =
            serde_json::value::to_raw_value(&record.data).expect("a JSON value always serializes");
        Ok((record, data_text))
    }
}

impl<D> HookRecord<D> {
    /// The same record holding its data as `data`.
    fn with_data<E>(self, data: E) -> HookRecord<E> {
        HookRecord {
            v: self.v,
            time: self.time,
            wall: self.wall,
            frame_url: self.frame_url,
            frame_origin: self.frame_origin,
            is_top: self.is_top,
            origin: self.origin,
            source: self.source,
            child_index: self.child_index,
            ports: self.ports,
            hook_dropped: self.hook_dropped,
            data,
        }
    }
}

/// Whether a raw capture line's data looks like SCAPI traffic, read off its text without parsing
/// it: a legacy `"wwe…"` string, or one of the envelope's field names anywhere. Errs on the side of
/// SCAPI (a foreign message with a `"request"` key passes). The content script
/// (`extension/capture.js`, `SCAPI_SHAPED`) applies the same rule to decide when a frame streams.
pub fn looks_like_scapi_line(text: &str) -> bool {
    const FIELDS: [&str; 5] = [
        "\"userAgent\":",
        "\"protocolVersion\":",
        "\"referenceId\":",
        "\"request\":",
        "\"frameId\":",
    ];
    text.contains("\"data\":\"wwe") || FIELDS.iter().any(|field| text.contains(field))
}

/// `text` with every `\uXXXX` escape of a lone surrogate replaced by `\ufffd`; `None` when it
/// has none.
fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let escape_at = |at: usize| -> Option<u16> {
        let hex = bytes.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let is_high = |unit: u16| (0xD800..0xDC00).contains(&unit);
    let is_low = |unit: u16| (0xDC00..0xE000).contains(&unit);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut replaced = false;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match escape_at(at) {
            Some(unit) if is_high(unit) && escape_at(at + 6).is_some_and(is_low) => at += 12,
            Some(unit) if is_high(unit) || is_low(unit) => {
                out.push_str(&text[copied..at]);
                out.push_str("\\ufffd");
                at += 6;
                copied = at;
                replaced = true;
            }
            // Any other escape, `\\` included, is two characters (or a whole \uXXXX).
            Some(_) => at += 6,
            None => at += 2,
        }
    }
    out.push_str(&text[copied..]);
    replaced.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scapi_lines_are_told_from_foreign_ones_by_their_text() {
        assert!(looks_like_scapi_line(&sample().to_string()));
        let mut foreign = sample();
        foreign["data"] = json!({"type": "resize", "height": 300});
        assert!(!looks_like_scapi_line(&foreign.to_string()));
        foreign["data"] = json!("wweLegacy|agent|READY");
        assert!(looks_like_scapi_line(&foreign.to_string()));
    }

    #[test]
    fn a_lone_surrogate_is_read_as_the_replacement_character() {
        // 'Customer 😀'.slice(0, 10) as JSON.stringify writes it, then an escaped backslash
        // followed by "ud83d" (no surrogate) and a whole pair, which stay as they are.
        let line = sample()
            .to_string()
            .replace(
                "\"referenceId\":\"0\"",
                r#""referenceId":"0","name":"Customer \ud83d","path":"C:\\ud83d","smile":"\ud83d\ude00","low":"\ude00!""#,
            );
        let record = HookRecord::parse(&line).unwrap();
        assert_eq!(record.data["name"], "Customer \u{fffd}");
        assert_eq!(record.data["path"], "C:\\ud83d");
        assert_eq!(record.data["smile"], "\u{1f600}");
        assert_eq!(record.data["low"], "\u{fffd}!");
    }

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
    fn the_data_text_is_the_lines_own_or_written_again_when_serde_cannot_take_it() {
        // Number and escape forms serde would write otherwise: the text is kept as it came.
        let line = r#"{"v":1,"time":1.5,"wall":1,"frameUrl":"https://app.example/","frameOrigin":"https://app.example","isTop":false,"origin":"https://wwe.example","source":"parent","ports":0,"data":{"n":1e+21,"s":"\u00e9\/","request":"agent.get"}}"#;
        let (record, text) = HookRecord::parse_with_text(line).unwrap();
        assert_eq!(
            text.get(),
            r#"{"n":1e+21,"s":"\u00e9\/","request":"agent.get"}"#
        );
        assert_eq!(record, HookRecord::parse(line).unwrap());
        // A lone surrogate: the repaired record, its data written again.
        let line = line.replace(r#"\u00e9"#, r#"\ud83d"#);
        let (record, text) = HookRecord::parse_with_text(&line).unwrap();
        assert_eq!(record, HookRecord::parse(&line).unwrap());
        assert_eq!(text.get(), serde_json::to_string(&record.data).unwrap());
        assert!(text.get().contains('\u{fffd}'), "{text}");
        // Not a capture line at all: the same error as `parse`.
        assert_eq!(
            HookRecord::parse_with_text("{}").unwrap_err(),
            HookRecord::parse("{}").unwrap_err()
        );
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
