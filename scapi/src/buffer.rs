//! The bounded buffer each frame's content script keeps, so that what was captured before a panel
//! connected (or while the background was stopped) can be replayed to it, and what overflowed is
//! counted rather than silently lost.
//!
//! It stores the hook's raw capture lines and decodes them only when they are handed out: while no
//! panel listens (DevTools closed, the common case on an agent's desktop) capturing costs the page
//! no decoding at all.

use crate::capture::HookRecord;
use crate::record::{Batch, FrameInfo, Record};
use std::collections::VecDeque;

/// Records kept per frame unless the caller chooses another bound.
pub const DEFAULT_FRAME_CAPACITY: usize = 10_000;

#[derive(Debug, Clone)]
struct Line {
    seq: u64,
    text: String,
}

#[derive(Debug, Clone)]
pub struct FrameBuffer {
    frame: FrameInfo,
    lines: VecDeque<Line>,
    capacity: usize,
    next_seq: u64,
    /// Messages lost before they got a sequence number (the hook's queue); what is evicted or
    /// unreadable leaves a gap in the sequence numbers instead, which receivers count.
    dropped: u64,
    /// Lines evicted by the bound (for diagnostics: a receiver sees them as gaps).
    evicted: u64,
    /// How many of the newest lines have not been handed out by [`FrameBuffer::take_new`].
    unsent: usize,
    /// The first reason a line could not be read, for the console.
    first_error: Option<String>,
}

impl FrameBuffer {
    pub fn new(frame: FrameInfo, capacity: usize) -> FrameBuffer {
        FrameBuffer {
            frame,
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 0,
            dropped: 0,
            evicted: 0,
            unsent: 0,
            first_error: None,
        }
    }

    /// Keeps one raw capture line (decoded later), evicting the oldest when full.
    pub fn push_line(&mut self, text: String) {
        let line = Line {
            seq: self.next_seq,
            text,
        };
        self.next_seq += 1;
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.evicted += 1;
            self.unsent = self.unsent.min(self.lines.len());
        }
        self.lines.push_back(line);
        self.unsent += 1;
    }

    /// Adds messages lost before they reached this buffer (the hook's own queue overflowed).
    pub fn count_dropped(&mut self, count: u64) {
        self.dropped += count;
    }

    pub fn has_new(&self) -> bool {
        self.unsent > 0
    }

    /// The records not yet handed out, oldest first; afterwards they count as sent.
    pub fn take_new(&mut self) -> Batch {
        let start = self.lines.len() - self.unsent;
        self.unsent = 0;
        self.batch(start, false)
    }

    /// Everything still held, for a panel that just connected; it also counts as sent. Receivers
    /// drop records they already have by (frame key, seq).
    pub fn replay(&mut self) -> Batch {
        self.unsent = 0;
        self.batch(0, true)
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Messages lost before they got a sequence number.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Lines the bound evicted so far.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Sequence numbers given so far.
    pub fn captured(&self) -> u64 {
        self.next_seq
    }

    pub fn frame(&self) -> &FrameInfo {
        &self.frame
    }

    /// Why the first unreadable line could not be read, once.
    pub fn take_error(&mut self) -> Option<String> {
        self.first_error.take()
    }

    fn batch(&mut self, start: usize, replay: bool) -> Batch {
        let mut records = Vec::with_capacity(self.lines.len() - start);
        let mut unreadable = Vec::new();
        for line in self.lines.range(start..) {
            match HookRecord::parse(&line.text) {
                Ok(hook) => {
                    self.dropped += hook.hook_dropped;
                    // The frame's URL can change after load (history.pushState, document.open).
                    self.frame.url.clone_from(&hook.frame_url);
                    self.frame.origin.clone_from(&hook.frame_origin);
                    records.push(Record::from_hook(line.seq, hook));
                }
                Err(error) => {
                    self.first_error.get_or_insert(error.0);
                    unreadable.push(line.seq);
                }
            }
        }
        if !unreadable.is_empty() {
            // An unreadable line is lost for good (its sequence number stays a gap): stop holding it.
            self.lines.retain(|line| !unreadable.contains(&line.seq));
        }
        Batch {
            frame: self.frame.clone(),
            dropped: self.dropped,
            captured: self.next_seq,
            replay,
            records,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::SourceRelation;
    use serde_json::json;

    fn frame() -> FrameInfo {
        FrameInfo {
            key: "k1".into(),
            url: "https://app.example/".into(),
            origin: "https://app.example".into(),
            is_top: false,
            browser_frame_id: None,
            ..Default::default()
        }
    }

    fn line(reference_id: u32, hook_dropped: u64) -> String {
        serde_json::to_string(&HookRecord {
            v: 1,
            time: 1.0 + reference_id as f64,
            wall: 1.0,
            frame_url: "https://app.example/#later".into(),
            frame_origin: "https://app.example".into(),
            is_top: false,
            origin: "https://wwe.example".into(),
            source: SourceRelation::Parent,
            child_index: None,
            ports: 0,
            hook_dropped,
            data: json!({"referenceId": reference_id.to_string(), "data": {},
                "userAgent": "WWE Server", "protocolVersion": 2}),
        })
        .unwrap()
    }

    fn seqs(batch: &Batch) -> Vec<u64> {
        batch.records.iter().map(|r| r.seq).collect()
    }

    #[test]
    fn new_records_are_handed_out_once_and_replayed_always() {
        let mut buffer = FrameBuffer::new(frame(), 10);
        buffer.push_line(line(0, 0));
        buffer.push_line(line(1, 0));
        let first = buffer.take_new();
        assert_eq!(seqs(&first), [0, 1]);
        assert!(!first.replay);
        assert!(!buffer.has_new());
        buffer.push_line(line(2, 0));
        assert_eq!(buffer.take_new().records.len(), 1);
        buffer.push_line(line(3, 0));
        let replay = buffer.replay();
        assert!(replay.replay);
        assert_eq!(seqs(&replay), [0, 1, 2, 3]);
        assert!(!buffer.has_new(), "a replay counts as sent");
        assert_eq!(replay.frame.url, "https://app.example/#later");
    }

    #[test]
    fn overflow_evicts_the_oldest_and_leaves_a_gap_receivers_count() {
        let mut buffer = FrameBuffer::new(frame(), 3);
        for id in 0..5 {
            buffer.push_line(line(id, 0));
        }
        assert_eq!(buffer.len(), 3);
        assert_eq!(buffer.evicted(), 2);
        let batch = buffer.take_new();
        assert_eq!(seqs(&batch), [2, 3, 4]);
        // Five captured, three delivered: a receiver knows two are missing.
        assert_eq!((batch.captured, batch.dropped), (5, 0));
    }

    #[test]
    fn hook_drops_are_counted() {
        let mut buffer = FrameBuffer::new(frame(), 3);
        buffer.push_line(line(0, 7));
        buffer.count_dropped(2);
        assert_eq!(buffer.take_new().dropped, 9);
    }

    #[test]
    fn unreadable_lines_are_counted_once_and_reported() {
        let mut buffer = FrameBuffer::new(frame(), 10);
        buffer.push_line(line(0, 0));
        buffer.push_line("{not a record".to_owned());
        buffer.push_line(line(2, 0));
        let batch = buffer.take_new();
        assert_eq!(seqs(&batch), [0, 2]);
        assert_eq!((batch.captured, batch.dropped), (3, 0), "seq 1 is the gap");
        assert!(buffer
            .take_error()
            .unwrap()
            .contains("not a raw capture record"));
        assert_eq!(seqs(&buffer.replay()), [0, 2]);
        assert_eq!(buffer.len(), 2);
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("JSON numbers are finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            ".{0,12}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec((".{0,8}", inner), 0..6)
                    .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever the data, the record keeps it exactly (key order included) beside the decode.
        #[test]
        fn the_raw_value_survives_unchanged(data in any_json()) {
            let mut buffer = FrameBuffer::new(frame(), 3);
            let mut hook: HookRecord = serde_json::from_str(&line(0, 0)).unwrap();
            hook.data = data.clone();
            buffer.push_line(serde_json::to_string(&hook).unwrap());
            let record = buffer.take_new().records.remove(0);
            proptest::prop_assert_eq!(
                serde_json::to_string(&record.raw).unwrap(),
                serde_json::to_string(&data).unwrap()
            );
        }
    }

    #[test]
    fn records_keep_raw_and_decoded() {
        let mut buffer = FrameBuffer::new(frame(), 3);
        buffer.push_line(line(4, 0));
        let record = buffer.take_new().records.remove(0);
        assert_eq!(record.raw["referenceId"], "4");
        assert_eq!(record.decoded.message.reference_id(), Some("4"));
    }
}
