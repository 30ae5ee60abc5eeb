//! A small capture builder for the core crate's tests: Workspace on top (origin A), a
//! cross-origin app as its child 0 and a same-origin app as its child 1.
#![cfg(test)]

use crate::correlate::{correlate, Correlation, RecordRef};
use crate::message::decode;
use crate::record::{FrameInfo, FramePlacement, Record};
use crate::SourceRelation;
use serde_json::{json, Value};

pub const WWE: &str = "http://127.0.0.1:8080";
pub const APP: &str = "http://localhost:8080";

pub fn frame(key: &str, origin: &str, depth: u32, index: Option<u32>) -> FrameInfo {
    FrameInfo {
        key: key.into(),
        url: format!("{origin}/{key}.html"),
        origin: origin.into(),
        is_top: depth == 0,
        placement: FramePlacement {
            depth,
            index_in_parent: index,
            has_opener: false,
        },
        browser_frame_id: None,
        started: 0.0,
        ended: None,
    }
}

/// Workspace on top, a cross-origin app as child 0 and a same-origin app as child 1.
pub fn frames() -> Vec<FrameInfo> {
    vec![
        frame("wwe", WWE, 0, None),
        frame("cross", APP, 1, Some(0)),
        frame("same", WWE, 1, Some(1)),
    ]
}

pub struct Capture {
    pub records: Vec<(usize, Record)>,
    seqs: Vec<u64>,
}

impl Capture {
    pub fn new() -> Capture {
        Capture {
            records: Vec::new(),
            seqs: vec![0; 3],
        }
    }

    /// A message received by `frame` at `time`, from `source` (with child index) and `origin`.
    pub fn add(
        &mut self,
        frame: usize,
        time: f64,
        source: SourceRelation,
        child: Option<u32>,
        origin: &str,
        raw: Value,
    ) -> RecordRef {
        let seq = self.seqs[frame];
        self.seqs[frame] += 1;
        self.records.push((
            frame,
            Record {
                seq,
                time,
                wall: time,
                origin: origin.into(),
                source,
                child_index: child,
                ports: 0,
                decoded: decode(&raw),
                raw,
            },
        ));
        RecordRef {
            frame: frames()[frame].key.clone(),
            seq,
        }
    }

    pub fn request(
        &mut self,
        from_child: u32,
        time: f64,
        name: &str,
        reference_id: &str,
    ) -> RecordRef {
        let origin = if from_child == 0 { APP } else { WWE };
        self.add(0, time, SourceRelation::Child, Some(from_child), origin,
            json!({"request": name, "referenceId": reference_id, "userAgent": "WWE Client", "protocolVersion": 2}))
    }

    pub fn answer(
        &mut self,
        client: usize,
        time: f64,
        reference_id: &str,
        body: Value,
    ) -> RecordRef {
        let mut raw =
            json!({"referenceId": reference_id, "userAgent": "WWE Server", "protocolVersion": 2});
        for (key, value) in body.as_object().unwrap() {
            raw[key] = value.clone();
        }
        self.add(client, time, SourceRelation::Parent, None, WWE, raw)
    }

    pub fn correlate(&self, now: f64) -> Correlation {
        correlate(&frames(), &self.refs(), now)
    }

    /// The records as `(frame index, record)` pairs, as `correlate` and `find` take them.
    pub fn refs(&self) -> Vec<(usize, &Record)> {
        self.records.iter().map(|(f, r)| (*f, r)).collect()
    }
}
