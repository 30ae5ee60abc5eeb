//! Everything the panel received: records from every frame of the tab, each once, in time order.

use scapi::{Batch, FrameInfo, Record};
use std::collections::{HashMap, HashSet};

/// A frame (document instance) that sent records, with what it lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub info: FrameInfo,
    pub dropped: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index into [`Store::frames`].
    pub frame: usize,
    pub record: Record,
}

#[derive(Debug, Default)]
pub struct Store {
    frames: Vec<Frame>,
    frame_index: HashMap<String, usize>,
    rows: Vec<Row>,
    /// (frame, seq) of every record ever received, kept across Clear so replays do not bring
    /// cleared records back.
    seen: HashSet<(usize, u64)>,
}

impl Store {
    /// Adds a batch's new records; returns how many were new. `browser_frame_id` is the background's
    /// stamp (negative when unknown).
    pub fn apply(&mut self, mut batch: Batch, browser_frame_id: i32) -> usize {
        if browser_frame_id >= 0 {
            batch.frame.browser_frame_id = Some(browser_frame_id.into());
        }
        let frame = self.frame_for(batch.frame, batch.dropped);
        let mut added = 0;
        for record in batch.records {
            if !self.seen.insert((frame, record.seq)) {
                continue;
            }
            let row = Row { frame, record };
            // Batches from different frames interleave: keep time order, appending when possible.
            let at = if self
                .rows
                .last()
                .is_none_or(|last| last.record.time <= row.record.time)
            {
                self.rows.len()
            } else {
                self.rows
                    .partition_point(|other| other.record.time <= row.record.time)
            };
            self.rows.insert(at, row);
            added += 1;
        }
        added
    }

    fn frame_for(&mut self, info: FrameInfo, dropped: u64) -> usize {
        match self.frame_index.get(&info.key) {
            Some(&index) => {
                let frame = &mut self.frames[index];
                frame.dropped = frame.dropped.max(dropped);
                let browser_frame_id = info.browser_frame_id.or(frame.info.browser_frame_id);
                frame.info = FrameInfo {
                    browser_frame_id,
                    ..info
                };
                index
            }
            None => {
                let index = self.frames.len();
                self.frame_index.insert(info.key.clone(), index);
                self.frames.push(Frame { info, dropped });
                index
            }
        }
    }

    pub fn clear(&mut self) {
        self.rows.clear();
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The index of the frame with this key.
    pub fn frame_position(&self, key: &str) -> Option<usize> {
        self.frame_index.get(key).copied()
    }

    pub fn frame(&self, index: usize) -> &Frame {
        &self.frames[index]
    }

    /// Records lost in all frames (buffer overflow in the page).
    pub fn dropped(&self) -> u64 {
        self.frames.iter().map(|frame| frame.dropped).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::{decode, SourceRelation};
    use serde_json::json;

    fn record(seq: u64, time: f64) -> Record {
        let raw = json!({"referenceId": seq.to_string(), "data": {}, "userAgent": "WWE Server"});
        Record {
            seq,
            time,
            wall: time,
            origin: "http://127.0.0.1:1".into(),
            source: SourceRelation::Parent,
            child_index: None,
            ports: 0,
            decoded: decode(&raw),
            raw,
        }
    }

    fn batch(key: &str, dropped: u64, records: Vec<Record>) -> Batch {
        Batch {
            frame: FrameInfo {
                key: key.into(),
                url: format!("http://localhost:1/{key}.html"),
                origin: "http://localhost:1".into(),
                is_top: false,
                browser_frame_id: None,
                ..Default::default()
            },
            dropped,
            replay: false,
            records,
        }
    }

    #[test]
    fn replayed_records_are_not_shown_twice() {
        let mut store = Store::default();
        assert_eq!(
            store.apply(batch("a", 0, vec![record(0, 1.0), record(1, 2.0)]), 3),
            2
        );
        assert_eq!(
            store.apply(
                batch("a", 0, vec![record(0, 1.0), record(1, 2.0), record(2, 3.0)]),
                3
            ),
            1
        );
        assert_eq!(store.rows().len(), 3);
        assert_eq!(store.frame(0).info.browser_frame_id, Some(3));
    }

    #[test]
    fn frames_interleave_in_time_order() {
        let mut store = Store::default();
        store.apply(batch("a", 0, vec![record(0, 1.0), record(1, 5.0)]), -1);
        store.apply(batch("b", 0, vec![record(0, 3.0), record(1, 7.0)]), -1);
        let times: Vec<f64> = store.rows().iter().map(|row| row.record.time).collect();
        assert_eq!(times, [1.0, 3.0, 5.0, 7.0]);
        assert_eq!(store.frames().len(), 2);
    }

    #[test]
    fn same_seq_in_two_frames_are_two_records() {
        let mut store = Store::default();
        store.apply(batch("a", 0, vec![record(0, 1.0)]), -1);
        store.apply(batch("b", 0, vec![record(0, 1.0)]), -1);
        assert_eq!(store.rows().len(), 2);
    }

    #[test]
    fn dropped_counts_add_up_across_frames_and_never_shrink() {
        let mut store = Store::default();
        store.apply(batch("a", 4, vec![]), -1);
        store.apply(batch("b", 2, vec![]), -1);
        store.apply(batch("a", 1, vec![]), -1);
        assert_eq!(store.dropped(), 6);
    }

    #[test]
    fn cleared_records_stay_cleared_after_a_replay() {
        let mut store = Store::default();
        store.apply(batch("a", 0, vec![record(0, 1.0)]), -1);
        store.clear();
        assert_eq!(
            store.apply(batch("a", 0, vec![record(0, 1.0), record(1, 2.0)]), -1),
            1
        );
        assert_eq!(store.rows().len(), 1);
    }
}
