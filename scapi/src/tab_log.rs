//! What every tab captured, kept outside its pages (the extension's background), so that a frame
//! that is gone — a closed dialog or popup, a removed iframe, the document before a reload — still
//! shows when a panel opens later, and what the bound pushes out is counted.
//!
//! Frames stream their hook lines here as they capture them (each line numbered per frame). A tab
//! log keeps them, bounded, in two queues: SCAPI traffic, and foreign messages (every other
//! `postMessage`), which have a smaller bound of their own and never push SCAPI records out. It
//! persists itself in segments (deflated, base64) that survive the browser stopping the
//! background, and replays everything as [`Batch`]es to a panel that connects.

use crate::capture::{looks_like_scapi_line, HookRecord};
use crate::correlate::{correlate_facts, ExchangeState};
use crate::facts::Facts;
use crate::rate_limit::parse_rate_limit;
use crate::record::{Batch, Digest, FrameInfo, Record};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// SCAPI records a tab keeps (all its frames and popups together); the oldest go first.
pub const SCAPI_LINES: usize = 50_000;
/// ... and at most this many bytes of their text.
pub const SCAPI_BYTES: usize = 48 << 20;
/// Foreign messages a tab keeps, apart from its SCAPI records.
pub const FOREIGN_LINES: usize = 2_000;
pub const FOREIGN_BYTES: usize = 4 << 20;
/// Raw text per persisted segment before it is sealed and a new one begins.
pub const SEGMENT_BYTES: usize = 64 << 10;
/// What all tabs may persist together (compressed and encoded); `storage.session` holds 10 MB.
pub const PERSIST_BUDGET: usize = 8 << 20;
/// Records per batch a replay is cut into (one port message each).
pub const REPLAY_BATCH: usize = 5_000;
/// Bytes of JSON per batch sent to a panel (live or replayed), at most: a browser refuses a message
/// between extension pages over 64 MiB (Chrome), and the string is escaped once more on the way.
pub const PANEL_MESSAGE_BYTES: usize = 8 << 20;

/// A frame (document instance) of the tab or of a popup it opened, as the log knows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LoggedFrame {
    pub info: FrameInfo,
    /// Messages lost before they reached the log (the hook's or the frame's own queue).
    #[serde(default)]
    pub lost: u64,
    /// Sequence numbers the frame has given: every line below it was received or lost.
    #[serde(default)]
    pub next_seq: u64,
    /// Lines the tab's bounds pushed out, by queue.
    #[serde(default)]
    pub evicted: u64,
    #[serde(default)]
    pub foreign_evicted: u64,
    /// Foreign messages the frame let go before it streamed (it holds only a little context).
    #[serde(default)]
    pub foreign_lost: u64,
    /// Lines that could not be read at all.
    #[serde(default)]
    pub unreadable: u64,
}

#[derive(Clone, Debug)]
struct Line {
    /// Position in the tab's arrival order (what segments are cut by).
    id: u64,
    frame: u32,
    seq: u64,
    text: Box<str>,
    /// Kept in the SCAPI queue (by its text: [`looks_like_scapi_line`]).
    scapi: bool,
    /// The analyses' facts, once the line was decoded (lazily: nothing is decoded while no one
    /// asks, and the background shares the machine with the page).
    facts: Option<Box<Facts>>,
    decoded: bool,
}

/// A persisted run of lines, `[start, end)` in arrival order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Segment {
    id: u64,
    start: u64,
    end: u64,
    /// Lines of it still held (it is deleted at 0).
    #[serde(skip)]
    live: usize,
    #[serde(skip)]
    raw_bytes: usize,
    /// Encoded size when last written.
    #[serde(skip)]
    stored_bytes: usize,
    #[serde(skip)]
    dirty: bool,
}

/// One persisted line as versions before 2026-12-03 wrote it, still read: Chrome clears session
/// storage when the extension is updated, but Firefox documents no such thing.
#[derive(Deserialize)]
struct StoredLine<'a> {
    f: u32,
    s: u64,
    #[serde(borrow)]
    t: std::borrow::Cow<'a, str>,
}

/// What a tab log persists beside its segments.
#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Meta {
    frames: Vec<LoggedFrame>,
    segments: Vec<Segment>,
    next_line: u64,
    next_segment: u64,
}

/// Requests and how they ended, as the toolbar badge and popup count them.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Requests of the API sent (`namespace.method`, subscribe and unsubscribe aside).
    pub requests: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub rate_limited: u64,
}

impl Counts {
    /// Failed and timed-out requests: the badge's number.
    pub fn problems(&self) -> u64 {
        self.failed + self.timed_out
    }
}

/// Counts the exchanges of a correlation (one definition for the badge, the popup and the panel).
pub fn counts(correlation: &crate::correlate::Correlation) -> Counts {
    let mut counts = Counts::default();
    for exchange in &correlation.exchanges {
        // Requests of the API (`namespace.method`); subscribe and unsubscribe are not counted
        // as requests, though their failures are failures.
        let is_request = exchange
            .name
            .as_deref()
            .is_some_and(|name| name.contains('.'));
        if exchange.request.is_some() && is_request {
            counts.requests += 1;
        }
        match exchange.state {
            ExchangeState::Failed => {
                counts.failed += 1;
                if exchange
                    .error_message
                    .as_deref()
                    .and_then(parse_rate_limit)
                    .is_some()
                {
                    counts.rate_limited += 1;
                }
            }
            ExchangeState::TimedOut => counts.timed_out += 1,
            _ => {}
        }
    }
    counts
}

/// One tab's capture.
#[derive(Debug, Default)]
pub struct TabLog {
    frames: Vec<LoggedFrame>,
    frame_index: HashMap<crate::FrameKey, u32>,
    scapi: VecDeque<Line>,
    foreign: VecDeque<Line>,
    scapi_bytes: usize,
    foreign_bytes: usize,
    segments: VecDeque<Segment>,
    next_line: u64,
    next_segment: u64,
    meta_dirty: bool,
    /// Why the first unreadable line could not be read, once.
    first_error: Option<String>,
}

impl TabLog {
    pub fn new() -> TabLog {
        TabLog::default()
    }

    /// Keeps lines a frame sends: `text` holds hook lines separated by `\n`, the first numbered
    /// `first_seq`; `lost` counts messages the frame lost before them. A line already kept (a
    /// frame sends again what it did not see acknowledged) is skipped. `lost` and `foreign_lost`
    /// are the frame's running totals of messages lost before numbering (the hook's queue) and
    /// of foreign context it let go. Returns the new records, as a batch of digests for listening
    /// panels.
    pub fn ingest(
        &mut self,
        info: FrameInfo,
        first_seq: u64,
        text: &str,
        lost: u64,
        foreign_lost: u64,
        decode: bool,
    ) -> Batch {
        let frame = self.frame_for(info);
        let mut digests = Vec::new();
        for (this, line) in (first_seq..).zip(text.split('\n').filter(|line| !line.is_empty())) {
            if this < self.frames[frame as usize].next_seq {
                continue;
            }
            self.frames[frame as usize].next_seq = this + 1;
            let mut kept = Line {
                id: self.next_line,
                frame,
                seq: this,
                text: line.into(),
                scapi: looks_like_scapi_line(line),
                facts: None,
                decoded: false,
            };
            if decode {
                kept.decoded = true;
                match HookRecord::parse_with_text(line) {
                    Ok((hook, raw)) => {
                        let record = Record::from_hook(this, hook);
                        let facts = Facts::of(&record);
                        digests.push(Digest::with_text(&record, facts.clone(), raw));
                        kept.facts = Some(Box::new(facts));
                    }
                    Err(error) => {
                        self.first_error.get_or_insert(error.0);
                        self.frames[frame as usize].unreadable += 1;
                        continue;
                    }
                }
            }
            self.keep(kept);
        }
        let logged = &mut self.frames[frame as usize];
        logged.lost = logged.lost.max(lost);
        logged.foreign_lost = logged.foreign_lost.max(foreign_lost);
        logged.info.ended = None; // it speaks: it is there (back from the back/forward cache)
        self.meta_dirty = true;
        self.enforce_bounds();
        self.batch_of(frame, digests, false)
    }

    /// The frame's document is gone (its page was left, it was removed, its popup closed).
    pub fn end_frame(&mut self, key: &str, at: f64) {
        if let Some(&frame) = self.frame_index.get(key) {
            let info = &mut self.frames[frame as usize].info;
            if info.ended.is_none() {
                info.ended = Some(at);
                self.meta_dirty = true;
            }
        }
    }

    /// The highest sequence number of each frame that is kept or accounted for: what the frame
    /// may stop holding once the log is persisted.
    pub fn acks(&self) -> Vec<(crate::FrameKey, u64)> {
        self.frames
            .iter()
            .filter(|frame| frame.info.ended.is_none())
            .map(|frame| (frame.info.key.clone(), frame.next_seq))
            .collect()
    }

    pub fn frames(&self) -> &[LoggedFrame] {
        &self.frames
    }

    /// Records (SCAPI and foreign) held.
    pub fn len(&self) -> usize {
        self.scapi.len() + self.foreign.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Why a line could not be read, once.
    pub fn take_error(&mut self) -> Option<String> {
        self.first_error.take()
    }

    /// Everything held, frame by frame in sequence order, as replay batches of at most
    /// [`REPLAY_BATCH`] records (each frame sends at least one, so its losses are known).
    pub fn history(&mut self) -> Vec<Batch> {
        let mut by_frame: Vec<Vec<&Line>> = vec![Vec::new(); self.frames.len()];
        for line in self.scapi.iter().chain(self.foreign.iter()) {
            by_frame[line.frame as usize].push(line);
        }
        let mut unreadable: Vec<u64> = vec![0; self.frames.len()];
        let mut unreadable_ids = Vec::new();
        let mut first_error = None;
        let mut decoded = Vec::new();
        for (frame, lines) in by_frame.iter_mut().enumerate() {
            lines.sort_by_key(|line| line.seq);
            let records: Vec<Digest> = lines
                .iter()
                .filter_map(|line| match HookRecord::parse_with_text(&line.text) {
                    Ok((hook, raw)) => {
                        let record = Record::from_hook(line.seq, hook);
                        let facts = match &line.facts {
                            Some(facts) => Facts::clone(facts),
                            None => Facts::of(&record),
                        };
                        Some(Digest::with_text(&record, facts, raw))
                    }
                    Err(error) => {
                        // Counted once: the line leaves the log below.
                        unreadable[frame] += 1;
                        unreadable_ids.push(line.id);
                        first_error.get_or_insert(error.0);
                        None
                    }
                })
                .collect();
            decoded.push(records);
        }
        if first_error.is_some() {
            self.first_error = self.first_error.take().or(first_error);
            for (frame, count) in unreadable.into_iter().enumerate() {
                self.frames[frame].unreadable += count;
            }
            self.drop_lines(&unreadable_ids);
        }
        let mut batches = Vec::new();
        for (frame, records) in decoded.into_iter().enumerate() {
            let mut chunks = records.chunks(REPLAY_BATCH).peekable();
            if chunks.peek().is_none() {
                batches.push(self.batch_of(frame as u32, Vec::new(), true));
            }
            for chunk in chunks {
                batches.push(self.batch_of(frame as u32, chunk.to_vec(), true));
            }
        }
        batches
    }

    /// The requests of the tab and how they ended, as of `now` (decoding what was not yet).
    pub fn counts(&mut self, now: f64) -> Counts {
        let mut failed = Vec::new();
        for line in self.scapi.iter_mut().filter(|line| !line.decoded) {
            line.decoded = true;
            match HookRecord::parse(&line.text) {
                Ok(hook) => {
                    line.facts = Some(Box::new(Facts::of(&Record::from_hook(line.seq, hook))));
                }
                Err(error) => {
                    self.frames[line.frame as usize].unreadable += 1;
                    self.first_error.get_or_insert(error.0);
                    failed.push(line.id);
                }
            }
        }
        self.drop_lines(&failed);
        let frames: Vec<FrameInfo> = self.frames.iter().map(|f| f.info.clone()).collect();
        let facts: Vec<(usize, &Facts)> = self
            .scapi
            .iter()
            .filter_map(|line| Some((line.frame as usize, line.facts.as_deref()?)))
            .collect();
        counts(&correlate_facts(&frames, &facts, now))
    }

    fn batch_of(&self, frame: u32, digests: Vec<Digest>, replay: bool) -> Batch {
        let logged = &self.frames[frame as usize];
        Batch {
            frame: logged.info.clone(),
            dropped: logged.lost,
            captured: logged.next_seq,
            replay,
            foreign_evicted: logged.foreign_evicted + logged.foreign_lost,
            unreadable: logged.unreadable,
            records: Vec::new(),
            digests,
        }
    }

    fn frame_for(&mut self, info: FrameInfo) -> u32 {
        match self.frame_index.get(&info.key) {
            Some(&frame) => {
                let logged = &mut self.frames[frame as usize];
                let browser_frame_id = info.browser_frame_id.or(logged.info.browser_frame_id);
                logged.info = FrameInfo {
                    browser_frame_id,
                    ..info
                };
                frame
            }
            None => {
                let frame = self.frames.len() as u32;
                self.frame_index.insert(info.key.clone(), frame);
                self.frames.push(LoggedFrame {
                    info,
                    lost: 0,
                    next_seq: 0,
                    evicted: 0,
                    foreign_evicted: 0,
                    foreign_lost: 0,
                    unreadable: 0,
                });
                frame
            }
        }
    }

    /// Lines that could not be read leave the log (they were counted as unreadable).
    fn drop_lines(&mut self, ids: &[u64]) {
        if ids.is_empty() {
            return;
        }
        let mut gone = Vec::new();
        for queue in [&mut self.scapi, &mut self.foreign] {
            queue.retain(|line| {
                let keep = !ids.contains(&line.id);
                if !keep {
                    gone.push((line.id, line.scapi, line.text.len()));
                }
                keep
            });
        }
        for (id, scapi, bytes) in gone {
            if scapi {
                self.scapi_bytes -= bytes;
            } else {
                self.foreign_bytes -= bytes;
            }
            self.release(id);
        }
    }

    fn keep(&mut self, line: Line) {
        self.next_line += 1;
        self.add_to_segment(&line);
        if !line.scapi {
            self.foreign_bytes += line.text.len();
            self.foreign.push_back(line);
        } else {
            self.scapi_bytes += line.text.len();
            self.scapi.push_back(line);
        }
    }

    fn add_to_segment(&mut self, line: &Line) {
        let open = self
            .segments
            .back()
            .is_some_and(|segment| segment.raw_bytes < SEGMENT_BYTES && segment.end == line.id);
        if !open {
            self.segments.push_back(Segment {
                id: self.next_segment,
                start: line.id,
                end: line.id,
                live: 0,
                raw_bytes: 0,
                stored_bytes: 0,
                dirty: true,
            });
            self.next_segment += 1;
        }
        let segment = self.segments.back_mut().expect("just ensured");
        segment.end = line.id + 1;
        segment.live += 1;
        segment.raw_bytes += line.text.len();
        segment.dirty = true;
    }

    fn enforce_bounds(&mut self) {
        while self.scapi.len() > SCAPI_LINES || self.scapi_bytes > SCAPI_BYTES {
            let Some(line) = self.scapi.pop_front() else {
                break;
            };
            self.scapi_bytes -= line.text.len();
            self.frames[line.frame as usize].evicted += 1;
            self.release(line.id);
        }
        while self.foreign.len() > FOREIGN_LINES || self.foreign_bytes > FOREIGN_BYTES {
            let Some(line) = self.foreign.pop_front() else {
                break;
            };
            self.foreign_bytes -= line.text.len();
            self.frames[line.frame as usize].foreign_evicted += 1;
            self.release(line.id);
        }
    }

    /// A line left the log: its segment holds one fewer (and goes at none).
    fn release(&mut self, id: u64) {
        let at = self.segments.partition_point(|segment| segment.end <= id);
        if let Some(segment) = self.segments.get_mut(at).filter(|s| s.start <= id) {
            segment.live -= 1;
            segment.dirty = true;
        }
        self.meta_dirty = true;
    }

    /// Drops the oldest segment's lines (the persistence budget is exhausted), counting them as
    /// evicted. Returns false when there is nothing left to drop.
    pub fn evict_oldest_segment(&mut self) -> bool {
        let Some(end) = self.segments.front().map(|segment| segment.end) else {
            return false;
        };
        for queue in [&mut self.scapi, &mut self.foreign] {
            while queue.front().is_some_and(|line| line.id < end) {
                let line = queue.pop_front().expect("checked");
                let frame = &mut self.frames[line.frame as usize];
                if line.scapi {
                    frame.evicted += 1;
                } else {
                    frame.foreign_evicted += 1;
                }
            }
        }
        self.scapi_bytes = self.scapi.iter().map(|line| line.text.len()).sum();
        self.foreign_bytes = self.foreign.iter().map(|line| line.text.len()).sum();
        if let Some(segment) = self.segments.front_mut() {
            segment.live = 0;
            segment.dirty = true;
        }
        self.meta_dirty = true;
        true
    }

    /// Bytes its segments take in storage.
    pub fn stored_bytes(&self) -> usize {
        self.segments
            .iter()
            .map(|segment| segment.stored_bytes)
            .sum()
    }

    /// What changed since the last call, as storage writes: `(segment id, encoded text)` to set,
    /// segment ids to remove, and the meta text (when it changed).
    pub fn take_writes(&mut self) -> TabWrites {
        let mut writes = TabWrites::default();
        // Each queue is in arrival order: a segment's lines are found by bisection, not by
        // walking the whole log on every write.
        for segment in self.segments.iter().filter(|s| s.dirty && s.live > 0) {
            let mut lines: Vec<&Line> = [&self.scapi, &self.foreign]
                .into_iter()
                .flat_map(|queue| {
                    let from = queue.partition_point(|line| line.id < segment.start);
                    let to = queue.partition_point(|line| line.id < segment.end);
                    queue.range(from..to)
                })
                .collect();
            lines.sort_by_key(|line| line.id);
            writes.set.push((segment.id, encode_segment(&lines)));
        }
        for segment in &mut self.segments {
            if !segment.dirty {
                continue;
            }
            segment.dirty = false;
            if segment.live == 0 {
                writes.remove.push(segment.id);
                segment.stored_bytes = 0;
            } else if let Some((_, text)) = writes.set.iter().find(|(id, _)| *id == segment.id) {
                segment.stored_bytes = text.len();
            }
        }
        self.segments.retain(|segment| segment.live > 0);
        if self.meta_dirty || !writes.set.is_empty() || !writes.remove.is_empty() {
            self.meta_dirty = false;
            writes.meta = Some(self.meta_text());
        }
        writes
    }

    fn meta_text(&self) -> String {
        let meta = Meta {
            frames: self.frames.clone(),
            segments: self.segments.iter().cloned().collect(),
            next_line: self.next_line,
            next_segment: self.next_segment,
        };
        serde_json::to_string(&meta).expect("the meta always serializes")
    }

    /// A tab log as it was persisted: its meta and its segments' encoded texts.
    pub fn restore(meta: &str, segments: &[(u64, String)]) -> Result<TabLog, String> {
        let meta: Meta =
            serde_json::from_str(meta).map_err(|e| format!("tab log meta unreadable: {e}"))?;
        let mut log = TabLog {
            frame_index: meta
                .frames
                .iter()
                .enumerate()
                .map(|(index, frame)| (frame.info.key.clone(), index as u32))
                .collect(),
            frames: meta.frames,
            next_line: meta.next_line,
            next_segment: meta.next_segment,
            ..TabLog::default()
        };
        let mut known: Vec<Segment> = meta.segments;
        known.sort_by_key(|segment| segment.start);
        for mut segment in known {
            let Some((_, text)) = segments.iter().find(|(id, _)| *id == segment.id) else {
                continue; // never written, or already removed
            };
            segment.stored_bytes = text.len();
            segment.dirty = false;
            let lines = decode_segment(text)?;
            for line in lines {
                if line.f as usize >= log.frames.len() {
                    continue;
                }
                let kept = Line {
                    id: line.id,
                    frame: line.f,
                    seq: line.s,
                    scapi: looks_like_scapi_line(&line.t),
                    facts: None,
                    decoded: false,
                    text: line.t.into(),
                };
                segment.live += 1;
                segment.raw_bytes += kept.text.len();
                if !kept.scapi {
                    log.foreign_bytes += kept.text.len();
                    log.foreign.push_back(kept);
                } else {
                    log.scapi_bytes += kept.text.len();
                    log.scapi.push_back(kept);
                }
            }
            if segment.live > 0 {
                log.segments.push_back(segment);
            }
        }
        Ok(log)
    }
}

/// What a tab log asks storage to do.
#[derive(Debug, Default)]
pub struct TabWrites {
    pub set: Vec<(u64, String)>,
    pub remove: Vec<u64>,
    pub meta: Option<String>,
}

struct RestoredLine {
    id: u64,
    f: u32,
    s: u64,
    t: String,
}

/// A segment's text: a line per captured line, `<line id> <frame> <seq> <line>` (a captured line
/// never holds a newline: lines are what the content script's text is split into), deflated and
/// base64-encoded. The line goes in as it is: escaping it into JSON took a third of the writing.
fn encode_segment(lines: &[&Line]) -> String {
    use base64::Engine;
    use std::fmt::Write;
    let mut raw = String::with_capacity(lines.iter().map(|line| line.text.len() + 24).sum());
    for line in lines {
        let _ = writeln!(raw, "{} {} {} {}", line.id, line.frame, line.seq, line.text);
    }
    let packed = miniz_oxide::deflate::compress_to_vec(raw.as_bytes(), 1);
    base64::engine::general_purpose::STANDARD.encode(packed)
}

fn decode_segment(text: &str) -> Result<Vec<RestoredLine>, String> {
    use base64::Engine;
    let packed = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("tab log segment is not base64: {e}"))?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 512 << 20)
        .map_err(|e| format!("tab log segment does not inflate: {e:?}"))?;
    let raw = String::from_utf8(raw).map_err(|e| format!("tab log segment is not UTF-8: {e}"))?;
    let mut lines = Vec::new();
    for entry in raw.split_terminator('\n') {
        let (id, rest) = entry
            .split_once(' ')
            .ok_or_else(|| "tab log segment line has no id".to_owned())?;
        let id: u64 = id
            .parse()
            .map_err(|e| format!("tab log segment line id {id:?}: {e}"))?;
        lines.push(if rest.starts_with('{') {
            // Written by an earlier version: `<id> {"f":frame,"s":seq,"t":"<line>"}`.
            let stored: StoredLine = serde_json::from_str(rest)
                .map_err(|e| format!("tab log segment line {id}: {e}"))?;
            RestoredLine {
                id,
                f: stored.f,
                s: stored.s,
                t: stored.t.into_owned(),
            }
        } else {
            let mut fields = rest.splitn(3, ' ');
            let mut number = |name: &str| {
                fields
                    .next()
                    .and_then(|field| field.parse::<u64>().ok())
                    .ok_or_else(|| format!("tab log segment line {id} has no {name}"))
            };
            let (f, s) = (number("frame")?, number("seq")?);
            RestoredLine {
                id,
                f: u32::try_from(f).map_err(|_| format!("tab log segment line {id}: frame {f}"))?,
                s,
                t: fields.next().unwrap_or_default().to_owned(),
            }
        });
    }
    Ok(lines)
}

/// Every tab's log, and the persistence budget they share.
#[derive(Debug, Default)]
pub struct Logs {
    tabs: BTreeMap<i64, TabLog>,
}

/// Storage writes for all tabs: keys and values to set, keys to remove.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Writes {
    pub set: BTreeMap<String, String>,
    pub remove: Vec<String>,
    /// Per tab, per frame key: the next sequence number the frame may stop holding below.
    pub acks: Vec<(i64, String, u64)>,
}

/// The storage key of a tab's meta, and of one of its segments.
pub fn meta_key(tab: i64) -> String {
    format!("log:{tab}")
}

pub fn segment_key(tab: i64, segment: u64) -> String {
    format!("log:{tab}:{segment}")
}

impl Logs {
    pub fn tab(&mut self, tab: i64) -> &mut TabLog {
        self.tabs.entry(tab).or_default()
    }

    pub fn get(&self, tab: i64) -> Option<&TabLog> {
        self.tabs.get(&tab)
    }

    /// Forgets a tab (it closed); returns the storage keys to remove.
    pub fn remove(&mut self, tab: i64) -> Vec<String> {
        let Some(log) = self.tabs.remove(&tab) else {
            return Vec::new();
        };
        let mut keys: Vec<String> = log
            .segments
            .iter()
            .map(|segment| segment_key(tab, segment.id))
            .collect();
        keys.push(meta_key(tab));
        keys
    }

    pub fn tabs(&self) -> impl Iterator<Item = i64> + '_ {
        self.tabs.keys().copied()
    }

    /// What to write now, keeping all tabs within [`PERSIST_BUDGET`] (the largest tab gives up
    /// its oldest records first; they are counted as evicted).
    pub fn take_writes(&mut self) -> Writes {
        let mut writes = Writes::default();
        loop {
            for (&tab, log) in &mut self.tabs {
                let tab_writes = log.take_writes();
                for (id, text) in tab_writes.set {
                    writes.set.insert(segment_key(tab, id), text);
                }
                for id in tab_writes.remove {
                    let key = segment_key(tab, id);
                    writes.set.remove(&key);
                    writes.remove.push(key);
                }
                if let Some(meta) = tab_writes.meta {
                    writes.set.insert(meta_key(tab), meta);
                }
            }
            let total: usize = self.tabs.values().map(TabLog::stored_bytes).sum();
            if total <= PERSIST_BUDGET {
                break;
            }
            let largest = self
                .tabs
                .values_mut()
                .max_by_key(|log| log.stored_bytes())
                .expect("a total above the budget has a tab");
            if !largest.evict_oldest_segment() {
                break;
            }
        }
        for (&tab, log) in &self.tabs {
            for (key, next) in log.acks() {
                writes.acks.push((tab, key.to_string(), next));
            }
        }
        writes
    }

    /// All tabs from what storage holds (every key this module wrote). Unreadable tabs are
    /// skipped and named in the returned errors.
    pub fn restore(stored: &BTreeMap<String, String>) -> (Logs, Vec<String>) {
        let mut logs = Logs::default();
        let mut errors = Vec::new();
        let mut segments: BTreeMap<i64, Vec<(u64, String)>> = BTreeMap::new();
        for (key, value) in stored {
            let mut parts = key.strip_prefix("log:").unwrap_or("").split(':');
            if let (Some(Ok(tab)), Some(Ok(segment))) = (
                parts.next().map(str::parse::<i64>),
                parts.next().map(str::parse::<u64>),
            ) {
                segments
                    .entry(tab)
                    .or_default()
                    .push((segment, value.clone()));
            }
        }
        for (key, value) in stored {
            let Some(Ok(tab)) = key.strip_prefix("log:").map(str::parse::<i64>) else {
                continue;
            };
            let parts = segments.remove(&tab).unwrap_or_default();
            match TabLog::restore(value, &parts) {
                Ok(log) => {
                    logs.tabs.insert(tab, log);
                }
                Err(error) => errors.push(format!("tab {tab}: {error}")),
            }
        }
        (logs, errors)
    }
}

#[cfg(test)]
mod tests;
