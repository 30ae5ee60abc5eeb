//! What the content script sends on: decoded records in per-frame batches (see `docs/formats.md`).

use crate::capture::{HookRecord, SourceRelation};
use crate::facts::Facts;
use crate::message::{decode, Decoded, Message};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// Where a frame sits in its tab: what pairs a request Workspace received from "child k" with the
/// frame that sent it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FramePlacement {
    /// Number of ancestors: 0 for the top frame.
    pub depth: u32,
    /// This frame's index in its parent's `window.frames`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_in_parent: Option<u32>,
    /// The window was opened by another (a popup).
    #[serde(default)]
    pub has_opener: bool,
}

/// A frame's key (one document instance), shared by every reference to its records: an analysis
/// names records by it several times each.
pub type FrameKey = std::sync::Arc<str>;

/// The frame (one document instance) that received the messages of a batch.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FrameInfo {
    /// A random id per document instance: with `seq` it names a record uniquely in a tab.
    pub key: FrameKey,
    pub url: String,
    pub origin: String,
    pub is_top: bool,
    #[serde(default)]
    pub placement: FramePlacement,
    /// The browser's frame id (0 for the top frame), stamped by the background from the port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_frame_id: Option<i64>,
    /// When the document started (`performance.timeOrigin`, epoch ms; 0 when unknown): what
    /// tells the records of a page that navigated from those of the new one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub started: f64,
    /// When the document went (its page was left, the frame removed, the popup closed), epoch
    /// ms; `None` while it is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<f64>,
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

fn is_none_u64(value: &u64) -> bool {
    *value == 0
}

/// One captured message: when and how it arrived, decoded, and the raw data it carried.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// Position in this frame's capture, from 0, without gaps.
    pub seq: u64,
    /// High-resolution delivery time, epoch milliseconds.
    pub time: f64,
    /// Wall-clock delivery time, epoch milliseconds.
    pub wall: f64,
    /// `event.origin` of the message.
    pub origin: String,
    pub source: SourceRelation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_index: Option<u32>,
    pub ports: u32,
    pub decoded: Decoded,
    /// The message data exactly as captured (placeholders for what JSON cannot carry).
    pub raw: Value,
}

impl Record {
    /// The record of a captured message: its delivery facts, decoded, with the raw data kept.
    /// (The frame facts of the hook record go to the batch's [`FrameInfo`].)
    pub fn from_hook(seq: u64, hook: HookRecord) -> Record {
        Record {
            seq,
            time: hook.time,
            wall: hook.wall,
            origin: hook.origin,
            source: hook.source,
            child_index: hook.child_index,
            ports: hook.ports,
            decoded: decode(&hook.data),
            raw: hook.data,
        }
    }

    pub fn summary(&self) -> String {
        self.decoded.message.summary(&self.raw)
    }

    /// Every interaction id the message names: an `interactionId` (or `parentInteractionId`)
    /// anywhere in its data, and the id a request takes as its first parameter.
    pub fn interaction_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut add = |id: &Value| {
            let text = match id {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return,
            };
            if !ids.contains(&text) {
                ids.push(text);
            }
        };
        fn walk(value: &Value, add: &mut dyn FnMut(&Value)) {
            match value {
                Value::Object(fields) => {
                    for (key, inner) in fields {
                        if key == "interactionId" || key == "parentInteractionId" {
                            add(inner);
                        } else {
                            walk(inner, add);
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|item| walk(item, add)),
                _ => {}
            }
        }
        if let Message::Request {
            request,
            parameters,
            ..
        } = &self.decoded.message
        {
            // The requests that take an interaction id take it first.
            let first_is_id = crate::requests::spec(request)
                .and_then(|spec| spec.parameters.first())
                .is_some_and(|first| first.name.ends_with("nteractionId"));
            if let (true, Some(Value::Array(items))) = (first_is_id, parameters) {
                if let Some(id) = items.first() {
                    add(id);
                }
            }
            if let Some(parameters) = parameters {
                walk(parameters, &mut add);
            }
        } else {
            walk(&self.raw, &mut add);
        }
        ids
    }
}

/// A record as a panel keeps it, made where the record was decoded (the extension's background):
/// its facts, its data as JSON and the interaction ids it names. A panel takes digests in
/// without parsing or decoding the data again (a full [`Record`] costs it about three times as
/// much to read); the details decode the one record shown from `raw`.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Digest {
    pub facts: Facts,
    pub ports: u32,
    /// The message data exactly as captured (placeholders for what JSON cannot carry), embedded
    /// as JSON: written and read as it is, never escaped into a string and back.
    pub raw: Box<RawValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interactions: Vec<String>,
}

impl PartialEq for Digest {
    fn eq(&self, other: &Digest) -> bool {
        self.facts == other.facts
            && self.ports == other.ports
            && self.raw.get() == other.raw.get()
            && self.interactions == other.interactions
    }
}

impl Digest {
    /// The digest of a record whose facts are known already.
    pub fn with_facts(record: &Record, facts: Facts) -> Digest {
        let raw =
            serde_json::value::to_raw_value(&record.raw).expect("a JSON value always serializes");
        Digest::with_text(record, facts, raw)
    }

    /// The digest of a record whose facts and data text are known already (the text as the
    /// capture line carried it: [`HookRecord::parse_with_text`]).
    pub fn with_text(record: &Record, facts: Facts, raw: Box<RawValue>) -> Digest {
        Digest {
            facts,
            ports: record.ports,
            raw,
            interactions: record.interaction_ids(),
        }
    }

    pub fn of(record: &Record) -> Digest {
        Digest::with_facts(record, Facts::of(record))
    }
}

/// Records of one frame, sent from the content script to the background and on to panels.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    pub frame: FrameInfo,
    /// Messages of this frame lost before they got a sequence number (the hook's early queue
    /// overflowed, or the hook could not record one).
    pub dropped: u64,
    /// Sequence numbers this frame has given so far: every record with a lower `seq` was
    /// captured, so a receiver that never got one of them (the buffer's bound evicted it, or it
    /// could not be read) knows it is missing and counts it.
    #[serde(default)]
    pub captured: u64,
    /// True when this batch replays the whole buffer to a panel that just connected.
    #[serde(default)]
    pub replay: bool,
    /// Foreign messages (not SCAPI) of this frame the store's smaller foreign bound pushed out:
    /// gaps in `seq` that are not lost SCAPI records.
    #[serde(default, skip_serializing_if = "is_none_u64")]
    pub foreign_evicted: u64,
    /// Lines of this frame that could not be read at all (also gaps in `seq`).
    #[serde(default, skip_serializing_if = "is_none_u64")]
    pub unreadable: u64,
    pub records: Vec<Record>,
    /// Records as digests (what the background sends panels), after `records`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digests: Vec<Digest>,
}

impl Batch {
    /// Records it carries, in full or as digests.
    pub fn len(&self) -> usize {
        self.records.len() + self.digests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a batch always serializes")
    }

    pub fn from_json(text: &str) -> Result<Batch, String> {
        serde_json::from_str(text).map_err(|e| format!("not a record batch: {e}"))
    }

    /// The batch as the JSON texts of consecutive batches of the same frame, each at most
    /// `max_bytes` long (a record longer than that goes alone), so that each fits in one message
    /// between extension pages (Chrome refuses a message over 64 MiB, and the record batch of a
    /// burst can be larger). Each part but the last says it captured up to its own last record,
    /// so a panel that has read only the first parts counts none of the rest as lost.
    pub fn to_json_parts(&self, max_bytes: usize) -> Vec<String> {
        // Records, then digests: each item's JSON and sequence number.
        let items: Vec<(String, u64)> = self
            .records
            .iter()
            .map(|record| {
                let text = serde_json::to_string(record).expect("a record always serializes");
                (text, record.seq)
            })
            .chain(self.digests.iter().map(|digest| {
                let text = serde_json::to_string(digest).expect("a digest always serializes");
                (text, digest.facts.seq)
            }))
            .collect();
        let head_of = |captured: u64| {
            Batch {
                frame: self.frame.clone(),
                captured,
                records: Vec::new(),
                digests: Vec::new(),
                ..*self
            }
            .to_json()
        };
        // A part's frame and counts, with room for a smaller `captured` and `"digests":[]`.
        let overhead = head_of(self.captured).len() + 40;
        let mut parts = Vec::new();
        let mut start = 0;
        while start < items.len() || (start == 0 && parts.is_empty()) {
            let mut end = start;
            let mut bytes = 0;
            while end < items.len()
                && (end == start || overhead + bytes + items[end].0.len() <= max_bytes)
            {
                bytes += items[end].0.len() + 1;
                end += 1;
            }
            let captured = match items.get(end) {
                Some(_) => self.captured.min(items[end - 1].1 + 1),
                None => self.captured,
            };
            let head = head_of(captured);
            // `records` is the last field written when there are no digests: `…,"records":[]}`.
            let open = head
                .strip_suffix("]}")
                .expect("a batch's JSON ends with its records");
            let split = self.records.len().clamp(start, end);
            let join = |range: std::ops::Range<usize>| {
                items[range]
                    .iter()
                    .map(|(text, _)| text.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let mut text = String::with_capacity(open.len() + bytes + 16);
            text.push_str(open);
            text.push_str(&join(start..split));
            if split < end {
                text.push_str("],\"digests\":[");
                text.push_str(&join(split..end));
            }
            text.push_str("]}");
            parts.push(text);
            start = end;
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batch_round_trips_through_json() {
        let raw = json!({"event": "agent", "data": {"eventType": "STATE_CHANGED", "mediaState": "READY"}});
        let mut batch = Batch {
            frame: FrameInfo {
                key: "abc".into(),
                url: "http://localhost:1/app.html".into(),
                origin: "http://localhost:1".into(),
                is_top: false,
                placement: FramePlacement {
                    depth: 1,
                    index_in_parent: Some(0),
                    has_opener: false,
                },
                browser_frame_id: Some(4),
                started: 1_732_467_000_000.5,
                ended: None,
            },
            dropped: 0,
            captured: 1,
            replay: false,
            records: vec![Record {
                seq: 0,
                time: 10.5,
                wall: 10.0,
                origin: "http://127.0.0.1:1".into(),
                source: SourceRelation::Parent,
                child_index: None,
                ports: 0,
                decoded: decode(&raw),
                raw,
            }],
            foreign_evicted: 0,
            unreadable: 0,
            digests: Vec::new(),
        };
        batch.digests.push(Digest::of(&batch.records[0]));
        let text = batch.to_json();
        assert!(text.contains("\"browserFrameId\":4"));
        assert_eq!(Batch::from_json(&text).unwrap(), batch);
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.records[0].summary(), "{\"mediaState\":\"READY\"}");
    }

    #[test]
    fn a_digest_holds_what_a_panel_keeps_of_a_record() {
        let raw = json!({"request": "interaction.setUserData", "referenceId": 7,
            "parameters": ["0001", {"Tier": "Gold", "nested": {"interactionId": "0002"}}],
            "userAgent": "WWE Client", "protocolVersion": 2});
        let record = Record {
            seq: 3,
            time: 10.5,
            wall: 10.0,
            origin: "http://127.0.0.1:1".into(),
            source: SourceRelation::Child,
            child_index: Some(0),
            ports: 1,
            decoded: decode(&raw),
            raw: raw.clone(),
        };
        let digest = Digest::of(&record);
        assert_eq!(digest.facts, Facts::of(&record));
        assert_eq!(digest.ports, 1);
        assert_eq!(
            serde_json::from_str::<Value>(digest.raw.get()).unwrap(),
            raw
        );
        // Embedded as JSON, not as a string of it.
        assert!(serde_json::to_string(&digest)
            .unwrap()
            .contains(r#""raw":{"#));
        assert_eq!(digest.interactions, ["0001", "0002"]);
        let text = serde_json::to_string(&digest).unwrap();
        assert_eq!(serde_json::from_str::<Digest>(&text).unwrap(), digest);
    }

    #[test]
    fn a_batch_is_cut_into_parts_under_a_size_each_reading_back_as_the_same_records() {
        let record = |seq: u64, text: &str| {
            let raw =
                json!({"request": "agent.getState", "referenceId": seq.to_string(), "pad": text});
            Record {
                seq,
                time: 1.0,
                wall: 1.0,
                origin: "http://a".into(),
                source: SourceRelation::Parent,
                child_index: None,
                ports: 0,
                decoded: decode(&raw),
                raw,
            }
        };
        let batch = Batch {
            frame: FrameInfo::default(),
            dropped: 2,
            captured: 40,
            replay: true,
            records: (0..30)
                .map(|seq| record(seq, &"x".repeat(1000)))
                .chain([record(35, &"y".repeat(50_000))])
                .collect(),
            foreign_evicted: 3,
            unreadable: 1,
            digests: Vec::new(),
        };
        let parts = batch.to_json_parts(10_000);
        assert!(parts.len() > 3, "{}", parts.len());
        let read: Vec<Batch> = parts
            .iter()
            .map(|part| Batch::from_json(part).unwrap())
            .collect();
        for (part, text) in read.iter().zip(&parts) {
            assert!(
                text.len() <= 10_000 || part.records.len() == 1,
                "{} bytes",
                text.len()
            );
            assert_eq!(
                (
                    part.dropped,
                    part.replay,
                    part.foreign_evicted,
                    part.unreadable
                ),
                (2, true, 3, 1)
            );
        }
        // The last part says what the batch said; the others, up to their own last record.
        assert_eq!(read.last().unwrap().captured, 40);
        assert_eq!(
            read.last().unwrap().records.len(),
            1,
            "the long record goes alone"
        );
        assert_eq!(read[0].captured, read[0].records.last().unwrap().seq + 1);
        let records: Vec<Record> = read.into_iter().flat_map(|part| part.records).collect();
        assert_eq!(records, batch.records);
        // Small enough: one part, the batch's own JSON.
        assert_eq!(batch.to_json_parts(usize::MAX), [batch.to_json()]);
        let empty = Batch {
            records: Vec::new(),
            ..batch.clone()
        };
        assert_eq!(empty.to_json_parts(10), [empty.to_json()]);
        // Digests (what panels get) are cut the same way, and a part may hold both.
        let digested = Batch {
            digests: batch.records.iter().map(Digest::of).collect(),
            records: batch.records[..3].to_vec(),
            ..batch.clone()
        };
        let parts = digested.to_json_parts(10_000);
        let read: Vec<Batch> = parts
            .iter()
            .map(|part| Batch::from_json(part).unwrap())
            .collect();
        assert!(read
            .iter()
            .all(|part| part.len() == 1 || part.to_json().len() <= 10_000));
        assert_eq!(read.last().unwrap().captured, 40);
        let records: Vec<Record> = read.iter().flat_map(|part| part.records.clone()).collect();
        let digests: Vec<Digest> = read.into_iter().flat_map(|part| part.digests).collect();
        assert_eq!(
            (records, digests),
            (digested.records.clone(), digested.digests.clone())
        );
    }

    #[test]
    fn bad_batch_text_names_the_problem() {
        assert!(Batch::from_json("{}")
            .unwrap_err()
            .contains("missing field"));
    }
}
