//! A store filled from a saved capture a record at a time, as a file is read: each record
//! becomes a compact entry as it arrives, so an import holds what a live capture holds per
//! record, never the file's records in full beside their entries.

use super::{Entry, Store};
use scapi::{FrameInfo, Record};

/// A saved capture being restored (see [`Store::restore`]).
#[derive(Debug)]
pub struct Restoring {
    store: Store,
    /// Each entry's place in the capture, as our exports number their records (they group
    /// them by channel); empty when the file does not number them.
    order: Vec<u64>,
    numbered: bool,
}

impl Default for Restoring {
    fn default() -> Self {
        Restoring::new()
    }
}

impl Restoring {
    pub fn new() -> Restoring {
        Restoring {
            store: Store::with(true, usize::MAX),
            order: Vec::new(),
            numbered: true,
        }
    }

    /// Adds a frame of the file with what it lost; its index for [`Restoring::record`].
    pub fn frame(&mut self, info: FrameInfo, dropped: u64) -> u32 {
        self.store.frame_for(info, dropped, 0)
    }

    /// The index of the frame with this key.
    pub fn frame_position(&self, key: &str) -> Option<u32> {
        self.store.frame_position(key)
    }

    /// Adds a record of the frame at `frame`, at its place `index` in the capture when the file
    /// numbers its records (else in the file's order). A record seen already is not added again.
    pub fn record(&mut self, frame: u32, index: Option<u64>, record: &Record) -> bool {
        let store = &mut self.store;
        if frame as usize >= store.frames.len() || !store.seen.insert((frame, record.seq)) {
            return false;
        }
        let entry = Entry::of(frame, record, &mut store.strings);
        store.frames[frame as usize].received += 1;
        store.entries.push(entry);
        match index {
            Some(index) if self.numbered => self.order.push(index),
            _ => {
                self.numbered = false;
                self.order = Vec::new();
            }
        }
        true
    }

    /// Records added.
    pub fn len(&self) -> usize {
        self.store.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.entries.is_empty()
    }

    /// The store: its records in the capture's order, then in time order (ties keep that
    /// order), capped at `cap`; `ended_at` is when the capture ended (its export), if later than
    /// its last record.
    pub fn finish(self, cap: usize, ended_at: f64) -> Store {
        let Restoring {
            mut store,
            order,
            numbered,
        } = self;
        if numbered && order.len() == store.entries.len() {
            // Each entry's rank in the capture's order, then the entries moved there in place.
            let mut by_index: Vec<u32> = (0..order.len() as u32).collect();
            by_index.sort_by_key(|&position| order[position as usize]);
            let mut rank = vec![0u32; by_index.len()];
            for (place, &position) in by_index.iter().enumerate() {
                rank[position as usize] = place as u32;
            }
            drop(by_index);
            for position in 0..rank.len() {
                while rank[position] as usize != position {
                    let target = rank[position] as usize;
                    store.entries.swap(position, target);
                    rank.swap(position, target);
                }
            }
        }
        store.received = store.entries.len() as u64;
        // A file from another tool may not be in time order; ties keep the file's order.
        store.entries.sort_by(|a, b| a.time().total_cmp(&b.time()));
        store.cap = cap.max(1);
        store.enforce_cap();
        let last = store.entries.last().map_or(f64::NEG_INFINITY, Entry::time);
        store.ended_at = Some(ended_at.max(last));
        store.version += 1;
        store
    }
}
