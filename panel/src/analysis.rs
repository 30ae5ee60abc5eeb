//! What the core crate makes of the records so far: request/response pairs, subscriptions and
//! findings, recomputed when records arrive (or when a pending request may have timed out).

use crate::store::Store;
use scapi::correlate::{
    correlate, Correlation, Exchange, ExchangeState, RecordRef, CLIENT_TIMEOUT_MS,
};
use scapi::findings::{find, Finding};
use scapi::policy::audit::{audit, PolicyAudit, ReadCheck, RequestCheck};
use scapi::policy::WorkspaceOptions;
use scapi::{FrameInfo, Record};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Analysis {
    pub correlation: Correlation,
    /// The protocol's findings and the policy's, most severe first.
    pub findings: Vec<Finding>,
    /// The Workspace options applied to the capture (verdicts only when options are given).
    pub audit: PolicyAudit,
    exchange_by_record: HashMap<RecordRef, usize>,
    check_by_record: HashMap<RecordRef, usize>,
    reads_by_record: HashMap<RecordRef, Vec<usize>>,
    /// The time the states were judged at (epoch ms).
    pub judged_at: f64,
}

impl Analysis {
    pub fn of(store: &Store, now: f64, options: Option<&WorkspaceOptions>) -> Analysis {
        let frames: Vec<FrameInfo> = store.frames().iter().map(|f| f.info.clone()).collect();
        let records: Vec<(usize, &Record)> = store
            .rows()
            .iter()
            .map(|row| (row.frame, &row.record))
            .collect();
        let correlation = correlate(&frames, &records, now);
        let mut findings = find(&frames, &records, &correlation);
        let audit = audit(&frames, &records, &correlation, options);
        findings.extend(audit.findings.iter().cloned());
        // Stable: within a severity, the protocol's findings come first, as before.
        findings.sort_by_key(|finding| finding.severity);
        let mut exchange_by_record = HashMap::new();
        for (index, exchange) in correlation.exchanges.iter().enumerate() {
            for record in exchange.request.iter().chain(exchange.responses.iter()) {
                exchange_by_record.insert(record.clone(), index);
            }
        }
        let check_by_record = audit
            .requests
            .iter()
            .enumerate()
            .map(|(index, check)| (check.record.clone(), index))
            .collect();
        let mut reads_by_record: HashMap<RecordRef, Vec<usize>> = HashMap::new();
        for (index, read) in audit.reads.iter().enumerate() {
            reads_by_record
                .entry(read.record.clone())
                .or_default()
                .push(index);
        }
        Analysis {
            correlation,
            findings,
            audit,
            exchange_by_record,
            check_by_record,
            reads_by_record,
            judged_at: now,
        }
    }

    /// The policy's check of a request record.
    pub fn request_check(&self, frame_key: &str, seq: u64) -> Option<&RequestCheck> {
        let key = RecordRef {
            frame: frame_key.to_owned(),
            seq,
        };
        self.check_by_record
            .get(&key)
            .map(|&index| &self.audit.requests[index])
    }

    /// The `userData` reads of a result or event record.
    pub fn read_checks(&self, frame_key: &str, seq: u64) -> Vec<&ReadCheck> {
        let key = RecordRef {
            frame: frame_key.to_owned(),
            seq,
        };
        self.reads_by_record
            .get(&key)
            .map(|indexes| indexes.iter().map(|&i| &self.audit.reads[i]).collect())
            .unwrap_or_default()
    }

    /// The exchange a record is the request or an answer of.
    pub fn exchange(&self, frame_key: &str, seq: u64) -> Option<&Exchange> {
        let key = RecordRef {
            frame: frame_key.to_owned(),
            seq,
        };
        self.exchange_by_record
            .get(&key)
            .map(|&index| &self.correlation.exchanges[index])
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
        .map(|ms| {
            if ms >= 1000.0 {
                format!(" {:.1} s", ms / 1000.0)
            } else {
                format!(" {ms:.0} ms")
            }
        })
        .unwrap_or_default();
    match exchange.state {
        ExchangeState::Pending => "pending".to_owned(),
        ExchangeState::Answered => format!("answered{latency}"),
        ExchangeState::Failed => format!("failed{latency}"),
        ExchangeState::TimedOut => "timed out".to_owned(),
        ExchangeState::Late => format!("late{latency}"),
        ExchangeState::Orphan => "no request".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::{decode, Batch, FramePlacement, SourceRelation};
    use serde_json::{json, Value};

    fn batch(
        key: &str,
        origin: &str,
        depth: u32,
        records: Vec<(f64, SourceRelation, &str, Value)>,
    ) -> Batch {
        Batch {
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
            },
            dropped: 0,
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
        let answered = analysis.exchange("wwe", 0).unwrap();
        assert_eq!(state_text(answered), "answered 12 ms");
        assert_eq!(analysis.exchange("app", 0).unwrap().reference_id, "0");
        assert_eq!(
            analysis.exchange("wwe", 1).unwrap().state,
            ExchangeState::Pending
        );
        assert!(analysis
            .findings
            .iter()
            .any(|f| f.advice.contains("voice.pauseCallRecording")));
        assert!(!analysis.stale_at(5_000.0));
        assert!(analysis.stale_at(10_300.0));
        let later = Analysis::of(&store, 10_300.0, None);
        assert_eq!(state_text(later.exchange("wwe", 1).unwrap()), "timed out");
    }
}
