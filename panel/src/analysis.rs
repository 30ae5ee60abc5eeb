//! What the core crate makes of the records so far — request/response pairs, subscriptions,
//! findings and the Workspace policy audit — computed from the records' facts, with lookups by
//! record for the list.

use crate::store::{Entry, Store};
use scapi::correlate::{
    Client, Correlation, Exchange, ExchangeState, RecordRef, CLIENT_TIMEOUT_MS,
};
use scapi::facts::Facts;
use scapi::findings::{diagnose, Diagnosis, Finding};
use scapi::policy::audit::{PolicyAudit, ReadCheck, RequestCheck};
use scapi::policy::WorkspaceOptions;
use scapi::FrameInfo;
use scapi::SourceRelation;
use std::collections::HashMap;

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

    fn for_store(store: &Store) -> ByRecord {
        let mut bounds: Vec<Option<(u64, u64)>> = vec![None; store.frames().len()];
        for entry in store.entries() {
            let bound = &mut bounds[entry.frame as usize];
            *bound = Some(match *bound {
                None => (entry.seq, entry.seq),
                Some((low, high)) => (low.min(entry.seq), high.max(entry.seq)),
            });
        }
        ByRecord {
            frames: bounds
                .into_iter()
                .map(|bound| match bound {
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
    frame_by_key: HashMap<String, u32>,
    /// The time the states were judged at (epoch ms).
    pub judged_at: f64,
}

impl Analysis {
    pub fn of(store: &Store, now: f64, options: Option<&WorkspaceOptions>) -> Analysis {
        let frames: Vec<FrameInfo> = store.frames().iter().map(|f| f.info.clone()).collect();
        let records: Vec<(usize, &Facts)> = store
            .entries()
            .iter()
            .map(|entry| (entry.frame as usize, &*entry.facts))
            .collect();
        // The one findings engine, the same as the command line's.
        let Diagnosis {
            correlation,
            audit,
            findings,
        } = diagnose(&frames, &records, now, options);
        let frame_by_key: HashMap<String, u32> = frames
            .iter()
            .enumerate()
            .map(|(index, frame)| (frame.key.clone(), index as u32))
            .collect();
        let id = |record: &RecordRef| -> Option<RecordId> {
            frame_by_key
                .get(&record.frame)
                .map(|&frame| (frame, record.seq))
        };
        let mut exchange_by_record = ByRecord::for_store(store);
        let mut request_name_by_record = ByRecord::for_store(store);
        let names = &store.strings().names;
        for (index, exchange) in correlation.exchanges.iter().enumerate() {
            let name = exchange.name.as_deref().and_then(|name| names.id(name));
            for record in exchange.request.iter().chain(exchange.responses.iter()) {
                if let Some(id) = id(record) {
                    exchange_by_record.set(id, index as u32);
                    if let Some(name) = name {
                        request_name_by_record.set(id, name);
                    }
                }
            }
        }
        let mut check_by_record = ByRecord::for_store(store);
        for (index, check) in audit.requests.iter().enumerate() {
            if let Some(id) = id(&check.record) {
                check_by_record.set(id, index as u32);
            }
        }
        let mut first_read_by_record = ByRecord::for_store(store);
        for (index, read) in audit.reads.iter().enumerate() {
            if let Some(id) = id(&read.record) {
                first_read_by_record.set_first(id, index as u32);
            }
        }
        Analysis {
            correlation,
            findings,
            audit,
            exchange_by_record,
            check_by_record,
            first_read_by_record,
            request_name_by_record,
            frame_by_key,
            judged_at: now,
        }
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
                None => (frame.clone(), true),
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
                    frames.push((
                        FrameInfo {
                            key: hook.frame_url.clone(),
                            url: hook.frame_url.clone(),
                            origin: hook.frame_origin.clone(),
                            is_top: hook.is_top,
                            placement: FramePlacement {
                                depth: u32::from(!hook.is_top),
                                index_in_parent: None,
                                has_opener: false,
                            },
                            browser_frame_id: None,
                            started: 0.0,
                            ended: None,
                        },
                        Vec::new(),
                    ));
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

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_text(12.4), "12 ms");
        assert_eq!(duration_text(1500.0), "1.5 s");
    }
}
