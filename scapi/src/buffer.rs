//! The bounded buffer each frame's content script keeps, so that what was captured before a panel
//! connected (or while the background was stopped) can be replayed to it, and what overflowed is
//! counted rather than silently lost.

use crate::capture::HookRecord;
use crate::message::decode;
use crate::record::{Batch, FrameInfo, Record};
use std::collections::VecDeque;

/// Records kept per frame unless the caller chooses another bound.
pub const DEFAULT_FRAME_CAPACITY: usize = 10_000;

#[derive(Debug, Clone)]
pub struct FrameBuffer {
    frame: FrameInfo,
    records: VecDeque<Record>,
    capacity: usize,
    next_seq: u64,
    /// Records evicted from the buffer, plus those the page hook dropped before the buffer existed.
    dropped: u64,
    /// How many of the newest records have not been handed out by [`FrameBuffer::take_new`].
    unsent: usize,
}

impl FrameBuffer {
    pub fn new(frame: FrameInfo, capacity: usize) -> FrameBuffer {
        FrameBuffer {
            frame,
            records: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 0,
            dropped: 0,
            unsent: 0,
        }
    }

    /// Decodes a captured message and keeps it, evicting the oldest record when full.
    pub fn push(&mut self, hook: HookRecord) -> &Record {
        self.dropped += hook.hook_dropped;
        // The frame's URL can change after load (history.pushState); batches carry the latest.
        self.frame.url.clone_from(&hook.frame_url);
        self.frame.origin.clone_from(&hook.frame_origin);
        let record = Record {
            seq: self.next_seq,
            time: hook.time,
            wall: hook.wall,
            origin: hook.origin,
            source: hook.source,
            child_index: hook.child_index,
            ports: hook.ports,
            decoded: decode(&hook.data),
            raw: hook.data,
        };
        self.next_seq += 1;
        if self.records.len() == self.capacity {
            self.records.pop_front();
            self.dropped += 1;
            self.unsent = self.unsent.min(self.records.len());
        }
        self.records.push_back(record);
        self.unsent += 1;
        self.records.back().expect("just pushed")
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
        let start = self.records.len() - self.unsent;
        self.unsent = 0;
        self.batch(start, false)
    }

    /// Everything still held, for a panel that just connected. Receivers drop records they already
    /// have by (frame key, seq).
    pub fn replay(&self) -> Batch {
        self.batch(0, true)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn frame(&self) -> &FrameInfo {
        &self.frame
    }

    fn batch(&self, start: usize, replay: bool) -> Batch {
        Batch {
            frame: self.frame.clone(),
            dropped: self.dropped,
            replay,
            records: self.records.range(start..).cloned().collect(),
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
        }
    }

    fn hook(reference_id: u32) -> HookRecord {
        HookRecord {
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
            hook_dropped: 0,
            data: json!({"referenceId": reference_id.to_string(), "data": {},
                "userAgent": "WWE Server", "protocolVersion": 2}),
        }
    }

    #[test]
    fn new_records_are_handed_out_once_and_replayed_always() {
        let mut buffer = FrameBuffer::new(frame(), 10);
        buffer.push(hook(0));
        buffer.push(hook(1));
        let first = buffer.take_new();
        assert_eq!(
            first.records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [0, 1]
        );
        assert!(!first.replay);
        assert!(!buffer.has_new());
        buffer.push(hook(2));
        assert_eq!(buffer.take_new().records.len(), 1);
        let replay = buffer.replay();
        assert!(replay.replay);
        assert_eq!(
            replay.records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(replay.frame.url, "https://app.example/#later");
    }

    #[test]
    fn overflow_evicts_the_oldest_and_counts_them() {
        let mut buffer = FrameBuffer::new(frame(), 3);
        for id in 0..5 {
            buffer.push(hook(id));
        }
        assert_eq!(buffer.len(), 3);
        assert_eq!(buffer.dropped(), 2);
        let batch = buffer.take_new();
        assert_eq!(batch.dropped, 2);
        assert_eq!(
            batch.records.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [2, 3, 4]
        );
    }

    #[test]
    fn hook_drops_are_counted() {
        let mut buffer = FrameBuffer::new(frame(), 3);
        let mut first = hook(0);
        first.hook_dropped = 7;
        buffer.push(first);
        buffer.count_dropped(2);
        assert_eq!(buffer.take_new().dropped, 9);
    }

    #[test]
    fn records_keep_raw_and_decoded() {
        let mut buffer = FrameBuffer::new(frame(), 3);
        let record = buffer.push(hook(4)).clone();
        assert_eq!(record.raw["referenceId"], "4");
        assert_eq!(record.decoded.message.reference_id(), Some("4"));
    }
}
