//! What the core crate makes of the records so far — request/response pairs, subscriptions,
//! findings and the Workspace policy audit — computed from the records' facts, with lookups by
//! record for the list.

use crate::store::{Entry, Store};
use scapi::correlate::{
    Client, Correlation, Exchange, ExchangeState, RecordRef, CLIENT_TIMEOUT_MS,
};
use scapi::facts::Facts;
use scapi::findings::{AnalysisJob, Diagnosis, Finding};
use scapi::job::{chunk, Budget, FactsSource, Shredder};
use scapi::policy::audit::{PolicyAudit, ReadCheck, RequestCheck};
use scapi::policy::WorkspaceOptions;
use scapi::SourceRelation;
use scapi::{FrameInfo, FrameKey};
use std::collections::HashMap;
use std::rc::Rc;

/// A record of the store: (frame index, seq).
pub type RecordId = (u32, u64);

/// A number per record, looked up by (frame, seq) without hashing: sequence numbers are dense
/// within a frame, so each frame has a vector from its lowest one. The list looks up every shown
/// record, and a filter every record.
#[derive(Debug, Default)]
struct ByRecord {
    frames: Vec<(u64, Vec<u32>)>,
}

impl ByRecord {
    const NONE: u32 = u32::MAX;

    /// A table for the records whose (lowest, highest) seq per frame are `bounds`.
    fn with_bounds(bounds: &[Option<(u64, u64)>]) -> ByRecord {
        ByRecord {
            frames: bounds
                .iter()
                .map(|bound| match *bound {
                    Some((low, high)) => (low, vec![Self::NONE; (high - low + 1) as usize]),
                    None => (0, Vec::new()),
                })
                .collect(),
        }
    }

    fn slot(&mut self, (frame, seq): RecordId) -> Option<&mut u32> {
        let (low, values) = self.frames.get_mut(frame as usize)?;
        values.get_mut(usize::try_from(seq.checked_sub(*low)?).ok()?)
    }

    fn set(&mut self, id: RecordId, value: u32) {
        if let Some(slot) = self.slot(id) {
            *slot = value;
        }
    }

    /// Sets the value unless one is there already (the first wins).
    fn set_first(&mut self, id: RecordId, value: u32) {
        if let Some(slot) = self.slot(id).filter(|slot| **slot == Self::NONE) {
            *slot = value;
        }
    }

    fn get(&self, (frame, seq): RecordId) -> Option<u32> {
        let (low, values) = self.frames.get(frame as usize)?;
        let value = *values.get(usize::try_from(seq.checked_sub(*low)?).ok()?)?;
        (value != Self::NONE).then_some(value)
    }
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub correlation: Correlation,
    /// The protocol's findings and the policy's, most severe first.
    pub findings: Vec<Finding>,
    /// The Workspace options applied to the capture (verdicts only when options are given).
    pub audit: PolicyAudit,
    exchange_by_record: ByRecord,
    check_by_record: ByRecord,
    /// The first of a record's reads (they are consecutive in `audit.reads`).
    first_read_by_record: ByRecord,
    /// For an answer, the name id of the request it answers.
    request_name_by_record: ByRecord,
    frame_by_key: HashMap<FrameKey, u32>,
    /// The time the states were judged at (epoch ms).
    pub judged_at: f64,
    /// The records it was made of.
    records: usize,
}

/// The store's records as an analysis reads them: the facts as they were when it began (shared
/// with the store), so that batches may come while it is made in slices.
struct Snapshot(Vec<(u32, Rc<Facts>)>);

impl FactsSource for Snapshot {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn at(&self, position: usize) -> (usize, &Facts) {
        let (frame, facts) = &self.0[position];
        (*frame as usize, facts)
    }
}

/// An [`Analysis`] made a bounded amount of work at a time: the core crate's [`AnalysisJob`]
/// (the one findings engine), then the panel's lookup tables. Of the records as they were when
/// it began; [`AnalysisBuild::is_of`] says whether the store still has the same frames.
pub struct AnalysisBuild {
    snapshot: Snapshot,
    /// The store's version the snapshot is of.
    version: u64,
    /// Snapshots begun again because batches came while it was taken.
    restarts: u32,
    frames: Vec<FrameInfo>,
    options: Option<WorkspaceOptions>,
    frame_keys: Vec<FrameKey>,
    /// The store's [`Store::clears`] when it began.
    clears: u64,
    job: Option<AnalysisJob>,
    diagnosis: Diagnosis,
    phase: BuildPhase,
    bounds: Vec<Option<(u64, u64)>>,
    exchange_by_record: ByRecord,
    request_name_by_record: ByRecord,
    check_by_record: ByRecord,
    first_read_by_record: ByRecord,
    frame_by_key: HashMap<FrameKey, u32>,
    judged_at: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BuildPhase {
    /// The store's facts copied (shared), a bounded number at a time: touching a million of
    /// them takes a hundred milliseconds.
    Snapshot(usize),
    Diagnose,
    Bounds(usize),
    Exchanges(usize),
    Checks(usize),
    Reads(usize),
    Done,
}

impl AnalysisBuild {
    pub fn new(store: &Store, now: f64, options: Option<&WorkspaceOptions>) -> AnalysisBuild {
        let mut build = AnalysisBuild {
            snapshot: Snapshot(Vec::new()),
            version: 0,
            restarts: 0,
            frames: Vec::new(),
            options: options.cloned(),
            frame_keys: Vec::new(),
            clears: 0,
            job: None,
            diagnosis: Diagnosis::default(),
            phase: BuildPhase::Snapshot(0),
            bounds: Vec::new(),
            exchange_by_record: ByRecord::default(),
            request_name_by_record: ByRecord::default(),
            check_by_record: ByRecord::default(),
            first_read_by_record: ByRecord::default(),
            frame_by_key: HashMap::new(),
            judged_at: now,
        };
        build.begin(store);
        build
    }

    /// (Again) from the store as it is: its frames, and an empty snapshot.
    fn begin(&mut self, store: &Store) {
        self.frames = store.frames().iter().map(|f| f.info.clone()).collect();
        self.frame_by_key = self
            .frames
            .iter()
            .enumerate()
            .map(|(index, frame)| (frame.key.clone(), index as u32))
            .collect();
        self.frame_keys = self.frames.iter().map(|frame| frame.key.clone()).collect();
        self.clears = store.clears();
        self.version = store.version();
        self.snapshot = Snapshot(Vec::with_capacity(store.entries().len()));
        self.phase = BuildPhase::Snapshot(0);
    }

    /// The snapshot is taken: the records it analyses are set (batches may come from now on).
    pub fn began(&self) -> bool {
        !matches!(self.phase, BuildPhase::Snapshot(_))
    }

    /// The records it analyses.
    pub fn records(&self) -> usize {
        self.snapshot.0.len()
    }

    /// Whether `store` is the one it began with (its frames the same so far, nothing cleared):
    /// batches may have come since (the analysis is of the records it began with), but a cleared
    /// or another store makes it of no use.
    pub fn is_of(&self, store: &Store) -> bool {
        let frames = store.frames();
        store.clears() == self.clears
            && frames.len() >= self.frame_keys.len()
            && self
                .frame_keys
                .iter()
                .zip(frames)
                .all(|(key, frame)| *key == frame.info.key)
    }

    /// (work done, work in all), about.
    pub fn progress(&self) -> (usize, usize) {
        let n = self.snapshot.0.len();
        let (done, total) = match (&self.job, self.phase) {
            (Some(job), _) => job.progress(),
            (None, BuildPhase::Snapshot(_)) => (0, 1),
            (None, _) => (1, 1),
        };
        let snapshot = match self.phase {
            BuildPhase::Snapshot(at) => at as f64 / self.snapshot.0.capacity().max(1) as f64,
            _ => 1.0,
        };
        let tables = match self.phase {
            BuildPhase::Snapshot(_) | BuildPhase::Diagnose => 0,
            BuildPhase::Bounds(at) => at / 4,
            BuildPhase::Exchanges(_) => n / 4,
            BuildPhase::Checks(_) => n / 2,
            BuildPhase::Reads(_) => n * 3 / 4,
            BuildPhase::Done => n,
        };
        // The snapshot weighs about a twentieth of the work, the tables a tenth.
        let scale = total.max(1) as f64;
        let share = 0.05 * snapshot.min(1.0)
            + 0.85 * done as f64 / scale
            + 0.1 * tables as f64 / n.max(1) as f64;
        ((share * 1000.0) as usize, 1000)
    }

    /// Works on within the budget; `true` once done. `store` names the request names (its
    /// interned strings).
    pub fn step(&mut self, store: &Store, budget: &mut Budget) -> bool {
        loop {
            if budget.is_spent() && self.phase != BuildPhase::Done {
                return false;
            }
            match self.phase {
                BuildPhase::Snapshot(at) => {
                    if store.version() != self.version || !self.is_of(store) {
                        // Batches came meanwhile: again, from the store as it is now (at once,
                        // after a few tries, so that a busy stream cannot keep it from ending).
                        self.restarts += 1;
                        self.begin(store);
                        if self.restarts > 2 {
                            self.snapshot.0.extend(
                                store
                                    .entries()
                                    .iter()
                                    .map(|entry| (entry.frame, entry.facts.clone())),
                            );
                            self.phase = BuildPhase::Snapshot(store.entries().len());
                        }
                        continue;
                    }
                    let entries = store.entries();
                    let range = chunk(at, entries.len(), budget);
                    self.snapshot.0.extend(
                        entries[range.clone()]
                            .iter()
                            .map(|entry| (entry.frame, entry.facts.clone())),
                    );
                    if range.end < entries.len() {
                        self.phase = BuildPhase::Snapshot(range.end);
                    } else {
                        self.job = Some(AnalysisJob::new(
                            &self.frames,
                            self.snapshot.0.len(),
                            self.judged_at,
                            self.options.as_ref(),
                        ));
                        self.phase = BuildPhase::Diagnose;
                    }
                }
                BuildPhase::Diagnose => {
                    let job = self.job.as_mut().expect("running");
                    if job.step(&self.snapshot, budget) {
                        self.diagnosis = self.job.take().expect("running").finish();
                        self.bounds = vec![None; self.frame_keys.len()];
                        self.phase = BuildPhase::Bounds(0);
                    }
                }
                BuildPhase::Bounds(at) => {
                    let total = self.snapshot.0.len();
                    let end = scapi::job::chunk(at, total, budget).end;
                    for (frame, facts) in &self.snapshot.0[at..end] {
                        let bound = &mut self.bounds[*frame as usize];
                        *bound = Some(match *bound {
                            None => (facts.seq, facts.seq),
                            Some((low, high)) => (low.min(facts.seq), high.max(facts.seq)),
                        });
                    }
                    if end < total {
                        self.phase = BuildPhase::Bounds(end);
                    } else {
                        self.exchange_by_record = ByRecord::with_bounds(&self.bounds);
                        self.request_name_by_record = ByRecord::with_bounds(&self.bounds);
                        self.check_by_record = ByRecord::with_bounds(&self.bounds);
                        self.first_read_by_record = ByRecord::with_bounds(&self.bounds);
                        self.phase = BuildPhase::Exchanges(0);
                    }
                }
                BuildPhase::Exchanges(at) => {
                    let exchanges = &self.diagnosis.correlation.exchanges;
                    let total = exchanges.len();
                    let end = scapi::job::chunk(at, total, budget).end;
                    let names = &store.strings().names;
                    for (index, exchange) in exchanges[at..end].iter().enumerate() {
                        let index = at + index;
                        let name = exchange.name.as_deref().and_then(|name| names.id(name));
                        for record in exchange.request.iter().chain(exchange.responses.iter()) {
                            if let Some(&frame) = self.frame_by_key.get(&record.frame) {
                                let id = (frame, record.seq);
                                self.exchange_by_record.set(id, index as u32);
                                if let Some(name) = name {
                                    self.request_name_by_record.set(id, name);
                                }
                            }
                        }
                    }
                    self.phase = if end < total {
                        BuildPhase::Exchanges(end)
                    } else {
                        BuildPhase::Checks(0)
                    };
                }
                BuildPhase::Checks(at) => {
                    let checks = &self.diagnosis.audit.requests;
                    let total = checks.len();
                    let end = scapi::job::chunk(at, total, budget).end;
                    for (index, check) in checks[at..end].iter().enumerate() {
                        if let Some(&frame) = self.frame_by_key.get(&check.record.frame) {
                            self.check_by_record
                                .set((frame, check.record.seq), (at + index) as u32);
                        }
                    }
                    self.phase = if end < total {
                        BuildPhase::Checks(end)
                    } else {
                        BuildPhase::Reads(0)
                    };
                }
                BuildPhase::Reads(at) => {
                    let reads = &self.diagnosis.audit.reads;
                    let total = reads.len();
                    let end = scapi::job::chunk(at, total, budget).end;
                    for (index, read) in reads[at..end].iter().enumerate() {
                        if let Some(&frame) = self.frame_by_key.get(&read.record.frame) {
                            self.first_read_by_record
                                .set_first((frame, read.record.seq), (at + index) as u32);
                        }
                    }
                    self.phase = if end < total {
                        BuildPhase::Reads(end)
                    } else {
                        BuildPhase::Done
                    };
                }
                BuildPhase::Done => return true,
            }
        }
    }

    /// The analysis, once [`AnalysisBuild::step`] said it is done; the records it read go to
    /// `shredder` (with a million, letting them go at once is a long task of its own).
    pub fn finish_into(self, shredder: &mut Shredder) -> Analysis {
        let records = self.snapshot.0.len();
        shredder.add(self.snapshot.0);
        let Diagnosis {
            correlation,
            audit,
            findings,
        } = self.diagnosis;
        Analysis {
            correlation,
            findings,
            audit,
            exchange_by_record: self.exchange_by_record,
            check_by_record: self.check_by_record,
            first_read_by_record: self.first_read_by_record,
            request_name_by_record: self.request_name_by_record,
            frame_by_key: self.frame_by_key,
            judged_at: self.judged_at,
            records,
        }
    }

    /// The analysis, once done.
    pub fn finish(self) -> Analysis {
        self.finish_into(&mut Shredder::default())
    }
}

impl Analysis {
    /// The analysis of the store's records, made in one go.
    pub fn of(store: &Store, now: f64, options: Option<&WorkspaceOptions>) -> Analysis {
        let mut build = AnalysisBuild::new(store, now, options);
        while !build.step(store, &mut Budget::unlimited()) {}
        build.finish()
    }

    /// Lets the analysis go a piece at a time (its exchanges, checks and reads are a few million
    /// allocations with a million records).
    pub fn shred(self, shredder: &mut Shredder) {
        shredder.add(self.correlation.exchanges);
        shredder.add(self.audit.requests);
        shredder.add(self.audit.reads);
        shredder.add(self.findings);
    }

    /// The records it was made of.
    pub fn records(&self) -> usize {
        self.records
    }

    /// The exchange a record is the request or an answer of.
    pub fn exchange(&self, id: RecordId) -> Option<&Exchange> {
        self.exchange_by_record
            .get(id)
            .map(|index| &self.correlation.exchanges[index as usize])
    }

    /// For a request or an answer, the name id of the request (in the store's names).
    pub fn request_name(&self, id: RecordId) -> Option<u32> {
        self.request_name_by_record.get(id)
    }

    /// The policy's check of a request record.
    pub fn request_check(&self, id: RecordId) -> Option<&RequestCheck> {
        self.check_by_record
            .get(id)
            .map(|index| &self.audit.requests[index as usize])
    }

    /// The `userData` reads of a result or event record.
    pub fn read_checks(&self, id: RecordId) -> Vec<&ReadCheck> {
        let Some(first) = self.first_read_by_record.get(id) else {
            return Vec::new();
        };
        let reference = &self.audit.reads[first as usize].record;
        self.audit.reads[first as usize..]
            .iter()
            .take_while(|read| &read.record == reference)
            .collect()
    }

    /// The app (client frame) a record belongs to, as the list shows it: for a request (or
    /// subscribe, unsubscribe) the frame that sent it — the client of its exchange, or the
    /// sender's origin when the sender is not told apart — and for an answer, an event or a
    /// frameId assignment the frame that received it (the app). `(url or origin, is a frame)`.
    pub fn app_of(&self, store: &Store, entry: &Entry) -> (String, bool) {
        let receiver = &store.frame(entry.frame).info;
        if !entry.kind.is_call() || entry.source() == SourceRelation::SelfWindow {
            return (receiver.url.clone(), true);
        }
        match self.exchange((entry.frame, entry.seq)).map(|e| &e.client) {
            Some(Client::Frame { frame }) => match self.frame_by_key.get(frame) {
                Some(&index) => (store.frame(index).info.url.clone(), true),
                None => (frame.to_string(), true),
            },
            Some(Client::Unresolved { origin, .. }) => (origin.clone(), false),
            None => (entry.facts.origin.clone(), false),
        }
    }

    /// A record named by the core crate (frame key, seq) as the store names it.
    pub fn id_of(&self, record: &RecordRef) -> Option<RecordId> {
        self.frame_by_key
            .get(&record.frame)
            .map(|&frame| (frame, record.seq))
    }

    /// True when a pending request could time out by `now`, so the states need judging again.
    pub fn stale_at(&self, now: f64) -> bool {
        self.correlation.exchanges.iter().any(|exchange| {
            exchange.state == ExchangeState::Pending
                && exchange
                    .requested_at
                    .is_some_and(|at| now - at > CLIENT_TIMEOUT_MS)
        })
    }
}

/// A request's state as the list shows it: `answered 12 ms`, `timed out`, ….
pub fn state_text(exchange: &Exchange) -> String {
    let latency = exchange
        .latency_ms
        .map(|ms| format!(" {}", duration_text(ms)))
        .unwrap_or_default();
    match exchange.state {
        ExchangeState::Pending => "pending".to_owned(),
        ExchangeState::Answered => format!("answered{latency}"),
        ExchangeState::Failed => format!("failed{latency}"),
        ExchangeState::TimedOut => "timed out".to_owned(),
        ExchangeState::Late => format!("late{latency}"),
        ExchangeState::Orphan => "no request".to_owned(),
        ExchangeState::Sent => "sent (no answer awaited)".to_owned(),
    }
}

/// `12 ms`, `1.5 s`.
pub fn duration_text(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use scapi::{decode, Batch, FramePlacement, Record, SourceRelation};
    use serde_json::{json, Value};

    /// A frame's batch of records (time, source, sender origin, data), numbered from 0.
    pub(crate) fn batch(
        key: &str,
        origin: &str,
        depth: u32,
        records: Vec<(f64, SourceRelation, &str, Value)>,
    ) -> Batch {
        Batch {
            digests: Vec::new(),
            frame: FrameInfo {
                key: key.into(),
                url: format!("{origin}/{key}.html"),
                origin: origin.into(),
                is_top: depth == 0,
                placement: FramePlacement {
                    depth,
                    index_in_parent: (depth > 0).then_some(0),
                    has_opener: false,
                },
                browser_frame_id: None,
                started: 0.0,
                ended: None,
            },
            dropped: 0,
            captured: 0,
            replay: false,
            records: records
                .into_iter()
                .enumerate()
                .map(|(seq, (time, source, origin, raw))| Record {
                    seq: seq as u64,
                    time,
                    wall: time,
                    origin: origin.into(),
                    source,
                    child_index: (source == SourceRelation::Child).then_some(0),
                    ports: 0,
                    decoded: decode(&raw),
                    raw,
                })
                .collect(),
            foreign_evicted: 0,
            unreadable: 0,
        }
    }

    #[test]
    fn pairs_findings_and_a_timeout_that_needs_a_new_judgement() {
        let mut store = Store::default();
        store.apply(
            batch("wwe", "http://a", 0, vec![
                (100.0, SourceRelation::Child, "http://b", json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2})),
                (200.0, SourceRelation::Child, "http://b", json!({"request": "voice.pauseRecording", "parameters": ["1"], "referenceId": "1", "userAgent": "WWE Client", "protocolVersion": 2})),
            ]),
            -1,
        );
        store.apply(
            batch("app", "http://b", 1, vec![
                (112.0, SourceRelation::Parent, "http://a", json!({"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2})),
            ]),
            -1,
        );
        let analysis = Analysis::of(&store, 300.0, None);
        let answered = analysis.exchange((0, 0)).unwrap();
        assert_eq!(state_text(answered), "answered 12 ms");
        assert_eq!(analysis.exchange((1, 0)).unwrap().reference_id, "0");
        assert_eq!(
            analysis.exchange((0, 1)).unwrap().state,
            ExchangeState::Pending
        );
        assert!(analysis
            .findings
            .iter()
            .any(|f| f.advice.contains("voice.pauseCallRecording")));
        assert!(!analysis.stale_at(5_000.0));
        assert!(analysis.stale_at(10_300.0));
        let later = Analysis::of(&store, 10_300.0, None);
        assert_eq!(state_text(later.exchange((0, 1)).unwrap()), "timed out");
        assert_eq!(
            later.id_of(&RecordRef {
                frame: "app".into(),
                seq: 0
            }),
            Some((1, 0))
        );
    }

    #[test]
    fn the_list_names_the_app_of_requests_answers_and_events() {
        // Requests arrive at the Workspace frame, answers and events at the app's: the list's App
        // column names the app for all of them, not the receiving frame.
        let mut store = Store::default();
        store.apply(
            batch("wwe", "http://a", 0, vec![
                (100.0, SourceRelation::Child, "http://b", json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2})),
            ]),
            -1,
        );
        store.apply(
            batch("app", "http://b", 1, vec![
                (112.0, SourceRelation::Parent, "http://a", json!({"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2})),
                (120.0, SourceRelation::Parent, "http://a", json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"}, "userAgent": "WWE Server", "protocolVersion": 2})),
            ]),
            -1,
        );
        let analysis = Analysis::of(&store, 300.0, None);
        let app = ("http://b/app.html".to_owned(), true);
        for entry in store.entries() {
            assert_eq!(analysis.app_of(&store, entry), app, "{}", entry.facts.name);
        }
    }

    /// A capture of `tests/fixtures/failures/` in a store, as the panel holds an imported raw
    /// capture: one frame per receiving frame URL (top at depth 0, others at depth 1, positions
    /// unknown), records in file order.
    #[cfg(not(target_arch = "wasm32"))]
    fn corpus_store(name: &str) -> (Store, f64) {
        use scapi::HookRecord;
        let path = format!(
            "{}/../tests/fixtures/failures/{name}.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let mut frames: Vec<(FrameInfo, Vec<Record>)> = Vec::new();
        let mut end = 0.0f64;
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let hook = HookRecord::parse(line).unwrap();
            end = end.max(hook.time);
            let index = match frames.iter().position(|(f, _)| f.url == hook.frame_url) {
                Some(index) => index,
                None => {
                    frames.push((hook.frame_info(), Vec::new()));
                    frames.len() - 1
                }
            };
            let seq = frames[index].1.len() as u64;
            frames[index].1.push(Record::from_hook(seq, hook));
        }
        let mut store = Store::default();
        for (frame, records) in frames {
            store.apply(
                Batch {
                    digests: Vec::new(),
                    frame,
                    dropped: 0,
                    captured: records.len() as u64,
                    replay: false,
                    foreign_evicted: 0,
                    unreadable: 0,
                    records,
                },
                -1,
            );
        }
        (store, end)
    }

    /// The panel names the corpus's failures as the command line does (the same engine); see
    /// `cli/tests/failures.rs` for the texts.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_panel_names_each_failure_of_the_corpus_and_nothing_on_clean_traffic() {
        use scapi::findings::{FindingCode as C, Severity};
        let cases: &[(&str, C)] = &[
            ("01-origin-not-accepted", C::PolicyInferred),
            ("02-outside-filter", C::PolicyInferred),
            ("03-jwt-not-named", C::PolicyInferred),
            ("04-global-rate-limit", C::RateLimited),
            ("05-quarantine", C::RateLimited),
            ("06-quarantine-forever", C::RateLimited),
            ("07-read-hidden", C::KeysHidden),
            ("09-subscribed-twice", C::SubscribedTwice),
            ("10-event-without-subscription", C::EventWithoutSubscription),
            ("11-no-answer-in-10s", C::LateAnswer),
            ("12-misspelled-request", C::UnknownRequest),
            ("13-parameter-shapes", C::BadParameters),
            ("13-parameter-shapes", C::ParameterNote),
            ("14-wrong-target-window", C::WrongTargetWindow),
            ("15-follower-tab", C::FollowerTab),
            ("16-realtime-down", C::RealtimeDown),
            ("17-same-reference-ids", C::AmbiguousPairing),
        ];
        for (name, code) in cases {
            let (store, end) = corpus_store(name);
            let analysis = Analysis::of(&store, end, None);
            assert!(
                analysis.findings.iter().any(|f| f.code == *code),
                "{name}: no {code:?} among {:#?}",
                analysis.findings
            );
        }
        let (store, end) = corpus_store("00-clean");
        let analysis = Analysis::of(&store, end, None);
        let serious: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .collect();
        assert!(serious.is_empty(), "{serious:#?}");
        // The quarantine without end says reload, in the panel too.
        let (store, end) = corpus_store("06-quarantine-forever");
        let analysis = Analysis::of(&store, end, None);
        assert!(analysis
            .findings
            .iter()
            .any(|f| f.code == C::RateLimited && f.advice.contains("Reload Workspace")));
    }

    /// The panel makes the analysis of a large capture in slices between frames: it is the
    /// analysis made at once, of the records there were when it began (batches may come
    /// meanwhile), and a cleared store makes it of no use.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn an_analysis_made_in_slices_is_the_one_made_at_once() {
        for name in [
            "04-global-rate-limit",
            "07-read-hidden",
            "09-subscribed-twice",
            "16-realtime-down",
            "17-same-reference-ids",
        ] {
            let (mut store, end) = corpus_store(name);
            let whole = Analysis::of(&store, end, None);
            let ids: Vec<RecordId> = store.entries().iter().map(|e| (e.frame, e.seq())).collect();
            let mut build = AnalysisBuild::new(&store, end, None);
            let mut steps = 0;
            let mut last = 0;
            while !build.step(&store, &mut Budget::new(3)) {
                steps += 1;
                let (done, all) = build.progress();
                assert!(done >= last && done < all, "{name}: {done} of {all}");
                last = done;
                if build.began() && !store.frames().iter().any(|f| &*f.info.key == "late") {
                    // A batch comes meanwhile: the analysis is of the records it began with.
                    store.apply(
                        batch("late", "http://late", 1, vec![(end, SourceRelation::Parent, "http://a",
                            json!({"referenceId": "999", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}))]),
                        -1,
                    );
                    assert!(build.is_of(&store));
                }
            }
            assert!(steps > 20, "{name}: {steps} steps");
            let sliced = build.finish();
            assert_eq!(sliced.correlation, whole.correlation, "{name}");
            assert_eq!(sliced.audit, whole.audit, "{name}");
            assert_eq!(sliced.findings, whole.findings, "{name}");
            assert_eq!(sliced.records(), ids.len());
            for &id in &ids {
                assert_eq!(sliced.exchange(id), whole.exchange(id), "{name} {id:?}");
                assert_eq!(
                    sliced.request_name(id),
                    whole.request_name(id),
                    "{name} {id:?}"
                );
                assert_eq!(
                    sliced.request_check(id),
                    whole.request_check(id),
                    "{name} {id:?}"
                );
                assert_eq!(
                    sliced.read_checks(id),
                    whole.read_checks(id),
                    "{name} {id:?}"
                );
            }
            // A batch while the snapshot is taken: it is taken again, with the batch.
            let mut build = AnalysisBuild::new(&store, end, None);
            assert!(!build.step(&store, &mut Budget::new(1)) && !build.began());
            store.apply(
                batch("later", "http://later", 1, vec![(end, SourceRelation::Parent, "http://a",
                    json!({"referenceId": "998", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}))]),
                -1,
            );
            while !build.step(&store, &mut Budget::new(3)) {}
            let sliced = build.finish();
            let whole = Analysis::of(&store, end, None);
            assert_eq!(sliced.records(), store.entries().len(), "{name}");
            assert_eq!(sliced.correlation, whole.correlation, "{name}");
            assert_eq!(sliced.findings, whole.findings, "{name}");
            let build = AnalysisBuild::new(&store, end, None);
            store.clear();
            assert!(!build.is_of(&store), "{name}: cleared");
        }
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_text(12.4), "12 ms");
        assert_eq!(duration_text(1500.0), "1.5 s");
    }
}
