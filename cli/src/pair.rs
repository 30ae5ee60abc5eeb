//! Pairing the whole input: frames rebuilt from the raw capture records, then the core crate's
//! correlation and findings, with every record reference turned back into a line number.
//!
//! The raw capture format names the receiving frame only by URL, origin and whether it is the top
//! frame: no frame key, no position among its siblings. So each distinct (URL, origin, top) is one
//! frame, placed at depth 0 when top and depth 1 otherwise, with no index in its parent. A request
//! Workspace received from "child k" is then matched to its client by the frameId the service
//! assigned, or else by the sender's origin (the core crate's fallback for unresolved senders).

use crate::input::{Entry, PAYLOAD_ORIGIN};
use scapi::correlate::{type_results, Correlation, ExchangeState, RecordRef};
use scapi::facts::{as_refs, facts_of};
use scapi::findings::{diagnose, Diagnosis, Finding};
use scapi::results::TypedResult;
use scapi::{FrameInfo, FramePlacement, Record};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The frame key of payload lines (which name no frame).
pub const PAYLOAD_FRAME: &str = "payload lines";

/// How a request or an answer ended, as the output shows it.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeView {
    pub state: ExchangeState,
    /// From the request to its first answer; `null` when either is missing.
    pub latency_ms: Option<f64>,
    /// For a request, the lines of its answers; for an answer, the line of its request.
    pub paired_with: Vec<usize>,
    /// On the first successful answer to a request: its `data` typed for that request (only
    /// pairing knows which request an answer belongs to, so the decoded record cannot say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Box<TypedResult>>,
}

pub struct Pairing {
    #[cfg(test)]
    frames: Vec<FrameInfo>,
    correlation: Correlation,
    /// The findings engine's findings (the panel's, without options).
    findings: Vec<Finding>,
    /// Exchange index by the line of its request or of one of its answers.
    exchange_by_line: HashMap<usize, usize>,
}

impl Pairing {
    pub fn new(entries: &[Entry]) -> Pairing {
        let mut frames = Vec::new();
        let mut frame_index: HashMap<(String, String, bool), usize> = HashMap::new();
        let mut used_keys = HashSet::new();
        let frame_of_entry: Vec<usize> = entries
            .iter()
            .map(|entry| {
                let (url, origin, is_top) = match &entry.receiver {
                    Some(receiver) => (
                        receiver.frame_url.clone(),
                        receiver.frame_origin.clone(),
                        receiver.is_top,
                    ),
                    None => (String::new(), PAYLOAD_ORIGIN.to_owned(), true),
                };
                let identity = (url, origin, is_top);
                *frame_index
                    .entry(identity)
                    .or_insert_with_key(|(url, origin, is_top)| {
                        // The URL says which frame it is in findings ("frame https://…"); a
                        // made-up number would not.
                        let base = if entry.receiver.is_some() {
                            url.clone()
                        } else {
                            PAYLOAD_FRAME.to_owned()
                        };
                        frames.push(synthetic_frame(
                            unique_key(base, &mut used_keys),
                            url,
                            origin,
                            *is_top,
                        ));
                        frames.len() - 1
                    })
            })
            .collect();
        let records = records(entries, &frame_of_entry);
        // The end of the capture decides pending against timed out.
        let now = entries
            .iter()
            .map(|entry| entry.record.time)
            .fold(f64::NEG_INFINITY, f64::max);
        // The findings engine the panel runs, without options: what it reads off the capture.
        let facts = facts_of(&records);
        let Diagnosis {
            mut correlation,
            findings,
            ..
        } = diagnose(&frames, &as_refs(&facts), now, None);
        type_results(&frames, &records, &mut correlation);
        let mut exchange_by_line = HashMap::new();
        for (index, exchange) in correlation.exchanges.iter().enumerate() {
            for reference in exchange.request.iter().chain(&exchange.responses) {
                exchange_by_line.insert(line_of(reference), index);
            }
        }
        Pairing {
            #[cfg(test)]
            frames,
            correlation,
            exchange_by_line,
            findings,
        }
    }

    /// The exchange a line takes part in, as its request or one of its answers.
    pub fn exchange(&self, line: usize) -> Option<ExchangeView> {
        let exchange = &self.correlation.exchanges[*self.exchange_by_line.get(&line)?];
        let is_request = exchange.request.as_ref().map(line_of) == Some(line);
        let partners = if is_request {
            lines_of(&exchange.responses)
        } else {
            exchange.request.iter().map(line_of).collect()
        };
        let is_first_answer = exchange.responses.first().map(line_of) == Some(line);
        Some(ExchangeView {
            state: exchange.state,
            latency_ms: exchange.latency_ms,
            paired_with: partners,
            result: exchange.result.clone().filter(|_| is_first_answer),
        })
    }

    /// The findings engine's findings over the whole input (the panel's, without options: what
    /// the capture alone tells), most severe first.
    pub fn findings(&self) -> Vec<Finding> {
        self.findings.clone()
    }
}

/// The line a record reference names: records are numbered by their line (see `Entry::record`).
pub fn line_of(reference: &RecordRef) -> usize {
    reference.seq as usize
}

pub fn lines_of(references: &[RecordRef]) -> Vec<usize> {
    references.iter().map(line_of).collect()
}

fn records<'a>(entries: &'a [Entry], frame_of_entry: &[usize]) -> Vec<(usize, &'a Record)> {
    entries
        .iter()
        .zip(frame_of_entry)
        .map(|(entry, &frame)| (frame, &entry.record))
        .collect()
}

pub(crate) fn synthetic_frame(key: String, url: &str, origin: &str, is_top: bool) -> FrameInfo {
    FrameInfo {
        key: key.into(),
        url: url.to_owned(),
        origin: origin.to_owned(),
        is_top,
        placement: FramePlacement {
            depth: if is_top { 0 } else { 1 },
            index_in_parent: None,
            has_opener: false,
        },
        browser_frame_id: None,
        started: 0.0,
        ended: None,
    }
}

/// `base`, or `base #2`, `base #3`… when frames share a URL (say, the top frame and an iframe of
/// the same page).
pub(crate) fn unique_key(base: String, used: &mut HashSet<String>) -> String {
    let mut key = base.clone();
    let mut n = 1;
    while !used.insert(key.clone()) {
        n += 1;
        key = format!("{base} #{n}");
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{read_entry, InputFormat};
    use scapi::findings::FindingCode;
    use serde_json::json;

    const WWE_URL: &str = "https://wwe.example/ui/ad/v1/index.html";
    const APP_URL: &str = "https://app.example/app.html";

    /// A raw capture line: `to_workspace` = received by the Workspace top frame from its child 0,
    /// otherwise received by the app frame from its parent.
    fn capture(time: f64, to_workspace: bool, data: serde_json::Value) -> String {
        let (url, origin, is_top, from, source) = if to_workspace {
            (
                WWE_URL,
                "https://wwe.example",
                true,
                "https://app.example",
                "child",
            )
        } else {
            (
                APP_URL,
                "https://app.example",
                false,
                "https://wwe.example",
                "parent",
            )
        };
        let mut record = json!({"v": 1, "time": time, "wall": time, "frameUrl": url,
            "frameOrigin": origin, "isTop": is_top, "origin": from, "source": source,
            "ports": 0, "data": data});
        if to_workspace {
            record["childIndex"] = json!(0);
        }
        record.to_string()
    }

    fn entries(lines: &[String]) -> Vec<Entry> {
        lines
            .iter()
            .enumerate()
            .map(|(i, text)| read_entry(i + 1, text, InputFormat::Auto).unwrap())
            .collect()
    }

    #[test]
    fn a_request_and_its_answer_in_another_frame_are_paired_by_origin() {
        let entries = entries(&[
            capture(
                100.0,
                true,
                json!({"request": "agent.getState", "referenceId": "0",
                "userAgent": "WWE Client", "protocolVersion": 2}),
            ),
            capture(
                112.5,
                false,
                json!({"referenceId": "0", "data": {"operationName": "Ready"},
                "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
        ]);
        let pairing = Pairing::new(&entries);
        let request = pairing.exchange(1).unwrap();
        assert_eq!(request.state, ExchangeState::Answered);
        assert_eq!(request.latency_ms, Some(12.5));
        assert_eq!(request.paired_with, vec![2]);
        let answer = pairing.exchange(2).unwrap();
        assert_eq!(answer.paired_with, vec![1]);
        let result = serde_json::to_value(answer.result.unwrap()).unwrap();
        assert_eq!(result["result"]["shape"], "mediaState");
        assert_eq!(request.result, None);
        assert_eq!(pairing.frames.len(), 2);
        assert_eq!(&*pairing.frames[0].key, WWE_URL);
        assert_eq!(pairing.frames[1].placement.depth, 1);
    }

    #[test]
    fn a_request_with_the_assigned_frame_id_is_paired_by_it() {
        let entries = entries(&[
            capture(
                90.0,
                false,
                json!({"frameId": 3, "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
            capture(
                100.0,
                true,
                json!({"event": "subscribe", "data": ["agent"], "referenceId": "0",
                "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3}),
            ),
            capture(
                104.0,
                false,
                json!({"referenceId": "0", "subscriptionId": 1,
                "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
        ]);
        let pairing = Pairing::new(&entries);
        assert_eq!(pairing.exchange(2).unwrap().paired_with, vec![3]);
        assert_eq!(
            pairing.correlation.subscriptions[0].subscription_id,
            Some(json!(1))
        );
    }

    #[test]
    fn payload_lines_pair_as_one_frame_timed_by_line_number() {
        let lines: Vec<String> = [
            json!({"request": "agent.get", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}),
            json!({"event": "agent", "data": {"eventType": "STATE_CHANGED", "mediaState": "READY"},
                "userAgent": "WWE Server", "protocolVersion": 2}),
            json!({"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}),
            json!({"request": "agent.getState", "referenceId": "1", "userAgent": "WWE Client", "protocolVersion": 2}),
        ]
        .iter()
        .map(|value| value.to_string())
        .collect();
        let entries = entries(&lines);
        let pairing = Pairing::new(&entries);
        let answered = pairing.exchange(1).unwrap();
        assert_eq!(answered.state, ExchangeState::Answered);
        assert_eq!(answered.latency_ms, Some(2.0));
        let last = pairing.exchange(4).unwrap();
        assert_eq!(last.state, ExchangeState::Pending);
        assert_eq!(last.paired_with, Vec::<usize>::new());
        assert_eq!(pairing.exchange(2), None);
        assert_eq!(&*pairing.frames[0].key, PAYLOAD_FRAME);
    }

    #[test]
    fn findings_name_lines() {
        let entries = entries(&[
            json!({"request": "voice.pauseRecording", "parameters": ["1"],
            "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2})
            .to_string(),
        ]);
        let pairing = Pairing::new(&entries);
        let findings = pairing.findings();
        let unknown = findings
            .iter()
            .find(|f| f.code == FindingCode::UnknownRequest)
            .unwrap();
        assert_eq!(lines_of(&unknown.records), vec![1]);
    }

    #[test]
    fn frames_sharing_a_url_get_distinct_keys() {
        let mut used = HashSet::new();
        assert_eq!(unique_key("a".into(), &mut used), "a");
        assert_eq!(unique_key("a".into(), &mut used), "a #2");
        assert_eq!(unique_key("a".into(), &mut used), "a #3");
    }
}
