//! Everything the panel received: records from every frame of the tab, each once, in time order,
//! kept compactly (the analyses' facts and the raw JSON text) so that 100,000 of them fit in a
//! DevTools panel; a record is decoded again only to be shown (its row's summary, its details).

use scapi::facts::{Facts, Kind};
use scapi::{decode, Batch, Digest, Direction, FrameInfo, Record, SourceRelation};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Raw text from this size up is a large message (see [`Entry::summary`]).
const BIG_RAW: usize = 64 * 1024;

/// A large message: its frame, seq, and its text's address and length.
type BigKey = (u32, u64, usize, usize);

thread_local! {
    /// The summaries of the last large messages shown.
    static BIG_SUMMARIES: std::cell::RefCell<Vec<(BigKey, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Records kept unless the user chooses another cap.
pub const DEFAULT_CAP: usize = 100_000;

/// A frame (document instance) that sent records, with what it lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub info: FrameInfo,
    /// Messages the page lost before they got a sequence number (the hook's queue).
    pub lost_in_hook: u64,
    /// Sequence numbers the frame gave, and records of it this panel received: the difference
    /// is what its buffer evicted (or could not read) before this panel got it.
    pub captured: u64,
    pub received: u64,
    /// Foreign (non-SCAPI) messages the tab's store let go: its own smaller bound, or the
    /// little context a frame without SCAPI traffic holds. Counted apart from SCAPI losses.
    pub foreign_dropped: u64,
    /// Messages that could not be read at all.
    pub unreadable: u64,
}

impl Frame {
    /// SCAPI records this frame captured that never reached this panel: lost in the page, or
    /// pushed out by the tab's store bound before the panel got them.
    pub fn dropped(&self) -> u64 {
        self.lost_in_hook
            + self
                .captured
                .saturating_sub(self.received + self.foreign_dropped + self.unreadable)
    }
}

/// Strings many records share (names, origins, topics), each kept once and named by a number, so
/// that the list's entries stay small and a filter compares numbers.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

/// The id [`Interner`] gives to "none".
pub const NONE: u32 = u32::MAX;

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    pub fn id(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", |text| text)
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// For each id, whether its text passes `test`: what a filter term looks up per record.
    pub fn mark(&self, test: impl Fn(&str) -> bool) -> Vec<bool> {
        self.texts.iter().map(|text| test(text)).collect()
    }
}

/// The shared strings of the store.
#[derive(Debug, Default, Clone)]
pub struct Strings {
    /// Record names (request names, `topic:eventType`, `response`, …).
    pub names: Interner,
    /// Sender origins.
    pub origins: Interner,
    /// Event topics and eventTypes.
    pub topics: Interner,
    pub event_types: Interner,
}

/// One captured message, compact: what the list and its filter read in place, the analyses'
/// facts behind a pointer (a vector of 100,000 doubles what it holds inline; shared, so that an
/// analysis made in slices reads the records as they were when it began), the data as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into [`Store::frames`].
    pub frame: u32,
    pub seq: u64,
    pub time: f64,
    pub kind: Kind,
    /// Ids in the store's [`Strings`]; [`NONE`] when the record has none.
    pub name: u32,
    pub origin: u32,
    pub topic: u32,
    pub event_type: u32,
    pub ports: u32,
    pub facts: Rc<Facts>,
    /// The message data exactly as captured, as JSON text.
    pub raw: Box<str>,
    /// Interaction ids the message names (parameters, `interactionId` fields), for filters.
    pub interactions: Box<[Box<str>]>,
}

impl Entry {
    pub fn of(frame: u32, record: &Record, strings: &mut Strings) -> Entry {
        Entry::of_digest(frame, Digest::of(record), strings)
    }

    /// The entry of a record the background decoded: nothing is parsed again.
    pub fn of_digest(frame: u32, digest: Digest, strings: &mut Strings) -> Entry {
        let Digest {
            facts,
            ports,
            raw,
            interactions,
        } = digest;
        let (topic, event_type) = match &facts.detail {
            scapi::facts::Detail::Event {
                topic, event_type, ..
            } => (
                strings.topics.intern(topic),
                event_type
                    .as_deref()
                    .map_or(NONE, |t| strings.event_types.intern(t)),
            ),
            _ => (NONE, NONE),
        };
        Entry {
            frame,
            kind: facts.kind(),
            name: strings.names.intern(&facts.name),
            origin: strings.origins.intern(&facts.origin),
            topic,
            event_type,
            seq: facts.seq,
            time: facts.time,
            ports,
            facts: Rc::new(facts),
            raw: Box::<str>::from(raw),
            interactions: interactions
                .into_iter()
                .map(String::into_boxed_str)
                .collect(),
        }
    }

    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn time(&self) -> f64 {
        self.time
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn direction(&self) -> Direction {
        let kind = self.kind();
        if kind.is_call() {
            Direction::ToWorkspace
        } else if kind.is_from_workspace() {
            Direction::ToApp
        } else {
            Direction::Unknown
        }
    }

    /// The full record again, decoded from the raw text (for the details).
    pub fn record(&self) -> Record {
        let raw: Value = serde_json::from_str(&self.raw).unwrap_or(Value::Null);
        Record {
            seq: self.facts.seq,
            time: self.facts.time,
            wall: self.facts.wall,
            origin: self.facts.origin.clone(),
            source: self.facts.source,
            child_index: self.facts.child_index,
            ports: self.ports,
            decoded: decode(&raw),
            raw,
        }
    }

    pub fn source(&self) -> SourceRelation {
        self.facts.source
    }

    /// The one-line summary of the list (decoded from the raw text). A large message's is
    /// kept (the last few): a row in view is rendered again at every change of the list, and
    /// parsing 50 MB each time would freeze the panel.
    pub fn summary(&self) -> String {
        if self.raw.len() < BIG_RAW {
            return self.record().summary();
        }
        let key = (
            self.frame,
            self.seq,
            self.raw.as_ptr() as usize,
            self.raw.len(),
        );
        if let Some(summary) = BIG_SUMMARIES.with(|kept| {
            kept.borrow()
                .iter()
                .find(|(known, _)| *known == key)
                .map(|(_, summary)| summary.clone())
        }) {
            return summary;
        }
        let summary = self.record().summary();
        BIG_SUMMARIES.with(|kept| {
            let mut kept = kept.borrow_mut();
            if kept.len() == 16 {
                kept.remove(0);
            }
            kept.push((key, summary.clone()));
        });
        summary
    }
}

/// The top frame of the inspected tab itself: a popup it opened is a top frame too (of its own
/// tab), and its arrival is no navigation.
pub fn is_tab_top(info: &FrameInfo) -> bool {
    info.is_top && !info.placement.has_opener
}

/// What one batch did to the store.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    /// The top frame navigated and the log was not preserved: older records were cleared.
    pub cleared_by_navigation: bool,
}

#[derive(Debug)]
pub struct Store {
    frames: Vec<Frame>,
    frame_index: HashMap<scapi::FrameKey, u32>,
    entries: Vec<Entry>,
    /// (frame, seq) of every record ever received, kept across Clear so replays do not bring
    /// cleared records back.
    seen: HashSet<(u32, u64)>,
    /// At most this many records are kept; the oldest go first.
    cap: usize,
    /// Records dropped by the cap.
    evicted: u64,
    /// Keep records when the inspected page navigates.
    pub preserve_log: bool,
    strings: Strings,
    /// Bumped on every change, for caches.
    version: u64,
    /// Bumped when records are cleared (Clear, or a navigation without Preserve log): an
    /// analysis begun before is of records no longer there.
    clears: u64,
    /// Records added since the panel opened (whatever the cap or Clear removed since).
    received: u64,
    /// A saved capture's end: what its analysis takes as now (nothing after it is known).
    ended_at: Option<f64>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            frames: Vec::new(),
            frame_index: HashMap::new(),
            entries: Vec::new(),
            seen: HashSet::new(),
            cap: DEFAULT_CAP,
            evicted: 0,
            preserve_log: false,
            strings: Strings::default(),
            version: 0,
            clears: 0,
            received: 0,
            ended_at: None,
        }
    }
}

impl Store {
    /// An empty store with these settings.
    pub fn with(preserve_log: bool, cap: usize) -> Store {
        Store {
            preserve_log,
            cap: cap.max(1),
            ..Store::default()
        }
    }

    /// Adds a batch's new records. `browser_frame_id` is the background's stamp (negative when
    /// unknown).
    pub fn apply(&mut self, mut batch: Batch, browser_frame_id: i32) -> Applied {
        if browser_frame_id >= 0 {
            batch.frame.browser_frame_id = Some(browser_frame_id.into());
        }
        let mut applied = Applied::default();
        // A replay is the tab's history, earlier documents included: what made someone open the
        // panel after a reload stays. Preserve log only concerns navigation while it is open.
        if is_tab_top(&batch.frame)
            && !self.preserve_log
            && !batch.replay
            && self.is_new_top(&batch.frame)
        {
            // A new top document: the inspected page navigated or reloaded. What was captured
            // before it started belongs to the old page; the new page's other frames may have
            // sent their first records already, and they stay.
            let started = batch.frame.started;
            let before = self.entries.len();
            if started > 0.0 {
                self.entries.retain(|entry| entry.time >= started);
            } else {
                self.entries.clear();
            }
            applied.cleared_by_navigation = self.entries.len() != before;
            if applied.cleared_by_navigation {
                self.clears += 1;
            }
        }
        let frame = self.frame_for(batch.frame, batch.dropped, batch.captured);
        let counted = &mut self.frames[frame as usize];
        counted.foreign_dropped = counted.foreign_dropped.max(batch.foreign_evicted);
        counted.unreadable = counted.unreadable.max(batch.unreadable);
        let mut new = Vec::with_capacity(batch.records.len() + batch.digests.len());
        for record in &batch.records {
            if self.seen.insert((frame, record.seq)) {
                new.push(Entry::of(frame, record, &mut self.strings));
            }
        }
        for digest in batch.digests {
            if self.seen.insert((frame, digest.facts.seq)) {
                new.push(Entry::of_digest(frame, digest, &mut self.strings));
            }
        }
        applied.added = new.len();
        self.received += new.len() as u64;
        self.frames[frame as usize].received += new.len() as u64;
        // A frame's records come in delivery order; keep them so if a clock step disagrees.
        new.sort_by(|a, b| a.time().total_cmp(&b.time()));
        self.merge(new);
        self.enforce_cap();
        if applied.added > 0 || applied.cleared_by_navigation {
            self.version += 1;
        }
        applied
    }

    /// A store holding a saved capture as it was: its frames (with what each lost) and its
    /// records in the saved order. Records in one moment keep that order whatever their frame —
    /// batches applied frame by frame would put a moment's records in the order of their frames,
    /// not in the order the capture showed them.
    pub fn restore(
        cap: usize,
        frames: Vec<(FrameInfo, u64)>,
        records: impl IntoIterator<Item = (usize, Record)>,
        ended_at: f64,
    ) -> Store {
        let mut restoring = Restoring::new();
        let indices: Vec<u32> = frames
            .into_iter()
            .map(|(info, dropped)| restoring.frame(info, dropped))
            .collect();
        for (frame, record) in records {
            // The HAR reader gives every record a frame of the file.
            if let Some(&index) = indices.get(frame) {
                restoring.record(index, None, &record);
            }
        }
        restoring.finish(cap, ended_at)
    }

    /// When a saved capture ended (its export, or its last record): a request unanswered then
    /// is pending or timed out as of that moment, not as of today. None for a live capture.
    pub fn ended_at(&self) -> Option<f64> {
        self.ended_at
    }

    /// Adds time-ordered entries, keeping the whole in time order: batches from different
    /// frames interleave, and a replay may bring thousands at once, so the two runs are merged
    /// (in time linear in the part that overlaps) rather than inserted one by one.
    fn merge(&mut self, new: Vec<Entry>) {
        let Some(first) = new.first() else {
            return;
        };
        let from = self
            .entries
            .partition_point(|other| other.time() <= first.time());
        let tail = self.entries.split_off(from);
        self.entries.reserve(tail.len() + new.len());
        let (mut tail, mut new) = (tail.into_iter().peekable(), new.into_iter().peekable());
        loop {
            let take_tail = match (tail.peek(), new.peek()) {
                (Some(old), Some(added)) => old.time() <= added.time(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_tail { tail.next() } else { new.next() };
            self.entries.extend(next);
        }
    }

    fn is_new_top(&self, info: &FrameInfo) -> bool {
        !self.frame_index.contains_key(&info.key) && self.frames.iter().any(|f| is_tab_top(&f.info))
    }

    fn enforce_cap(&mut self) {
        if self.entries.len() > self.cap {
            let excess = self.entries.len() - self.cap;
            self.entries.drain(..excess);
            self.evicted += excess as u64;
        }
    }

    fn frame_for(&mut self, info: FrameInfo, lost_in_hook: u64, captured: u64) -> u32 {
        match self.frame_index.get(&info.key) {
            Some(&index) => {
                let frame = &mut self.frames[index as usize];
                frame.lost_in_hook = frame.lost_in_hook.max(lost_in_hook);
                frame.captured = frame.captured.max(captured);
                let browser_frame_id = info.browser_frame_id.or(frame.info.browser_frame_id);
                frame.info = FrameInfo {
                    browser_frame_id,
                    ..info
                };
                index
            }
            None => {
                let index = self.frames.len() as u32;
                self.frame_index.insert(info.key.clone(), index);
                self.frames.push(Frame {
                    info,
                    lost_in_hook,
                    captured,
                    received: 0,
                    foreign_dropped: 0,
                    unreadable: 0,
                });
                index
            }
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.version += 1;
        self.clears += 1;
    }

    /// Sets the cap; records beyond it are dropped now (oldest first) and counted.
    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.max(1);
        let before = self.entries.len();
        self.enforce_cap();
        if self.entries.len() != before {
            self.version += 1;
        }
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The index of the frame with this key.
    pub fn frame_position(&self, key: &str) -> Option<u32> {
        self.frame_index.get(key).copied()
    }

    pub fn frame(&self, index: u32) -> &Frame {
        &self.frames[index as usize]
    }

    /// Records frames captured that never reached this panel.
    pub fn dropped(&self) -> u64 {
        self.frames.iter().map(Frame::dropped).sum()
    }

    /// Foreign messages let go by the tab's store (counted apart from SCAPI losses).
    pub fn foreign_dropped(&self) -> u64 {
        self.frames.iter().map(|frame| frame.foreign_dropped).sum()
    }

    /// Where the inspected page navigated: the first record held of each top document after
    /// the first, by frame index (its seq).
    pub fn navigations(&self) -> HashMap<u32, u64> {
        let tops: HashSet<u32> = (0..self.frames.len() as u32)
            .filter(|&frame| is_tab_top(&self.frames[frame as usize].info))
            .collect();
        let mut firsts = HashMap::new();
        if tops.len() < 2 {
            return firsts;
        }
        let mut earliest = None;
        for entry in &self.entries {
            if tops.contains(&entry.frame) && !firsts.contains_key(&entry.frame) {
                firsts.insert(entry.frame, entry.seq);
                earliest.get_or_insert(entry.frame);
            }
        }
        if let Some(earliest) = earliest {
            firsts.remove(&earliest);
        }
        firsts
    }

    /// Records dropped by the panel's cap.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many times records were cleared (Clear, a navigation without Preserve log).
    pub fn clears(&self) -> u64 {
        self.clears
    }

    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// Records added since the panel opened: what the live tail counts as new.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The position of a record in the time-ordered list.
    pub fn position(&self, frame: u32, seq: u64) -> Option<usize> {
        self.entries
            .iter()
            .position(|entry| entry.frame == frame && entry.seq() == seq)
    }
}

mod restore;
pub use restore::Restoring;

#[cfg(test)]
mod tests;
