//! A capture's summary, read once in order and in bounded memory: counts by kind, request name,
//! frame and origin; latency per request name; failures, rate-limit hits and timeouts; findings
//! by severity.
//!
//! It pairs through the crate's one pairing state ([`crate::correlate::pairer::Pairer`], as
//! [`crate::correlate`] does) and counts findings as [`crate::findings::find`] would
//! report them, but streaming: only unanswered requests stay open, at most
//! [`OPEN_EXCHANGE_LIMIT`] of them, with the 10,000 latest answered ones (to notice a second
//! answer); closed ones are folded into counters and latency histograms. Clients and request
//! names are interned. For a capture in time order within those limits, the figures are those of
//! `correlate` and `find` (tested). Differences otherwise: an answer that comes before its
//! request in the input is an orphan; a second answer after 10,000 others is an orphan rather
//! than a duplicate; and beyond the limit the oldest unanswered exchanges are closed as timed out
//! ([`Summary::closed_early`] counts them).

use crate::correlate::pairer::{ClientId, Open, Pairer};
use crate::correlate::{awaits_answer, Client, CLIENT_TIMEOUT_MS};
use crate::findings::{FindingCode, Severity};
use crate::message::{Message, Outcome};
use crate::record::{FrameInfo, Record};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// At most this many unanswered exchanges stay open; beyond it the oldest are closed as timed out.
pub const OPEN_EXCHANGE_LIMIT: usize = 100_000;

/// Latencies kept exactly per request name; beyond that they go to a histogram.
const EXACT_LATENCIES: usize = 4096;

/// Histogram buckets per unit of ln(1 + ms): each bucket spans 1 % of its value.
const BUCKETS_PER_LN: f64 = 100.0;

/// Latency figures of one request name, milliseconds.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LatencySummary {
    pub count: u64,
    /// Nearest-rank percentiles: exact up to 4096 answers, within 1 % beyond.
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

/// How the requests of one name ended.
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RequestSummary {
    pub count: u64,
    pub answered: u64,
    pub failed: u64,
    pub late: u64,
    pub timed_out: u64,
    pub pending: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySummary>,
}

/// Failure answers with one error text.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FailureSummary {
    /// The request answered (from pairing, else the answer's own `request` field, else `?`).
    pub request: String,
    pub error_message: String,
    pub count: u64,
}

/// Rate-limit refusals of one request and quarantine.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitSummary {
    /// The request whose limit was reached, as the error text names it.
    pub request: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantine_seconds: Option<u64>,
    pub forever: bool,
    pub count: u64,
}

/// Findings `find` would report, counted.
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FindingSummary {
    pub error: u64,
    pub warning: u64,
    pub info: u64,
    pub by_code: BTreeMap<FindingCode, u64>,
}

impl FindingSummary {
    pub fn add(&mut self, code: FindingCode, severity: Severity, count: u64) {
        if count == 0 {
            return;
        }
        match severity {
            Severity::Error => self.error += count,
            Severity::Warning => self.warning += count,
            Severity::Info => self.info += count,
        }
        *self.by_code.entry(code).or_default() += count;
    }
}

/// Everything a summary says.
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub records: u64,
    /// Earliest and latest record time, epoch milliseconds.
    pub first_time: Option<f64>,
    pub last_time: Option<f64>,
    pub by_kind: BTreeMap<String, u64>,
    /// Records by the frame that received them (its URL, or its key when it has none).
    pub by_frame: BTreeMap<String, u64>,
    /// Records by the origin that sent them.
    pub by_origin: BTreeMap<String, u64>,
    /// Requests, subscribes and unsubscribes by name, with how they ended.
    pub requests: BTreeMap<String, RequestSummary>,
    /// Failure answers by request and error text, most frequent first.
    pub failures: Vec<FailureSummary>,
    pub rate_limits: Vec<RateLimitSummary>,
    /// Answers no request matches.
    pub orphans: u64,
    /// Requests answered more than once.
    pub duplicates: u64,
    pub findings: FindingSummary,
    /// Unanswered exchanges closed (as timed out) before the end because the limit of open ones
    /// ([`OPEN_EXCHANGE_LIMIT`]) was reached.
    pub closed_early: u64,
}

/// Latencies of one request name: exact while few, then a log histogram.
#[derive(Clone, Debug, Default)]
struct Latencies {
    exact: Vec<f64>,
    histogram: Vec<u64>,
    count: u64,
    max: f64,
}

impl Latencies {
    fn add(&mut self, ms: f64) {
        let ms = ms.max(0.0);
        self.count += 1;
        self.max = self.max.max(ms);
        if self.histogram.is_empty() && self.exact.len() < EXACT_LATENCIES {
            self.exact.push(ms);
            return;
        }
        for earlier in std::mem::take(&mut self.exact) {
            self.bucket(earlier);
        }
        self.bucket(ms);
    }

    fn bucket(&mut self, ms: f64) {
        let index = ((1.0 + ms).ln() * BUCKETS_PER_LN) as usize;
        if self.histogram.len() <= index {
            self.histogram.resize(index + 1, 0);
        }
        self.histogram[index] += 1;
    }

    fn percentile(&self, fraction: f64) -> f64 {
        let rank = ((fraction * self.count as f64).ceil() as u64).clamp(1, self.count);
        if self.histogram.is_empty() {
            let mut sorted = self.exact.clone();
            sorted.sort_by(f64::total_cmp);
            return sorted[(rank - 1) as usize];
        }
        let mut seen = 0;
        for (index, count) in self.histogram.iter().enumerate() {
            seen += count;
            if seen >= rank {
                // The middle of the bucket, never above the largest value seen.
                let middle = ((index as f64 + 0.5) / BUCKETS_PER_LN).exp() - 1.0;
                return middle.min(self.max);
            }
        }
        self.max
    }

    fn summary(&self) -> Option<LatencySummary> {
        (self.count > 0).then(|| LatencySummary {
            count: self.count,
            median: self.percentile(0.5),
            p95: self.percentile(0.95),
            max: self.max,
        })
    }
}

#[derive(Clone, Debug, Default)]
struct NameTally {
    summary: RequestSummary,
    latencies: Latencies,
}

/// What the summary keeps of a request waiting for its answer, or answered and kept a while to
/// notice a second answer (who sent it and when: the pairing state's).
#[derive(Clone, Debug)]
struct Tally {
    /// Index into `Summarizer::name_list`.
    name: u32,
    responses: u32,
    /// The subscription a subscribe request made.
    subscription: Option<u64>,
}

type OpenExchange = Open<Tally>;

#[derive(Clone, Debug)]
struct ActiveSubscription {
    id: u64,
    topics: Vec<String>,
    subscription_id: Option<Value>,
}

/// Subscriptions a client holds (those not unsubscribed).
const SUBSCRIPTIONS_PER_CLIENT: usize = 1000;

/// Answered exchanges kept to notice a second answer (the most recent ones).
const ANSWERED_KEPT: usize = 10_000;

/// Reads records one by one and sums them up.
#[derive(Debug, Default)]
pub struct Summarizer {
    /// The crate's one pairing state (frames, clients, requests by referenceId).
    pairer: Pairer<Tally>,
    summary: Summary,
    names: BTreeMap<String, NameTally>,
    name_list: Vec<String>,
    name_ids: HashMap<String, u32>,
    failures: HashMap<(String, String), u64>,
    rate_limits: HashMap<(String, Option<u64>, bool), u64>,

    /// Exchange ids in the order they were opened, for closing the oldest unanswered ones.
    opened: VecDeque<u64>,
    unanswered: usize,
    /// Answered exchange ids, oldest first.
    answered: VecDeque<u64>,

    subscriptions: HashMap<ClientId, Vec<ActiveSubscription>>,
    next_subscription: u64,
    subscribers: HashSet<ClientId>,
    events_without_subscription: HashSet<(ClientId, String)>,

    envelope_groups: HashSet<(FindingCode, String)>,
    malformed: HashSet<String>,
    unknown_events: HashSet<String>,
    heard_workspace: bool,
    requests: u64,
    /// At most this many unanswered exchanges; [`OPEN_EXCHANGE_LIMIT`] when `None`.
    open_limit: Option<usize>,
    /// When the capture ended, if it says (a saved file's end, after its last record).
    ended_at: Option<f64>,
}

impl Summarizer {
    pub fn new() -> Summarizer {
        Summarizer::default()
    }

    /// A summarizer that keeps at most `limit` unanswered exchanges open.
    pub fn with_open_limit(limit: usize) -> Summarizer {
        Summarizer {
            open_limit: Some(limit.max(1)),
            ..Summarizer::default()
        }
    }

    /// The capture ended at `at` (a saved file says when): unanswered requests are pending or
    /// timed out as of then, as the panel judged them when it saved the file.
    pub fn capture_ended(&mut self, at: f64) {
        self.ended_at = Some(at);
    }

    /// Adds a frame records can then name by its index.
    pub fn add_frame(&mut self, frame: FrameInfo) -> usize {
        self.pairer.add_frame(frame)
    }

    pub fn frames(&self) -> &[FrameInfo] {
        self.pairer.frames()
    }

    /// Counts one record received by `frames[frame]`.
    pub fn add(&mut self, frame: usize, record: &Record) {
        let Some(receiver) = self.pairer.frames().get(frame) else {
            return;
        };
        let summary = &mut self.summary;
        summary.records += 1;
        summary.first_time = Some(
            summary
                .first_time
                .map_or(record.time, |t| t.min(record.time)),
        );
        summary.last_time = Some(
            summary
                .last_time
                .map_or(record.time, |t| t.max(record.time)),
        );
        let message = &record.decoded.message;
        *summary
            .by_kind
            .entry(message.kind().to_owned())
            .or_default() += 1;
        let frame_label: &str = if receiver.url.is_empty() {
            &receiver.key
        } else {
            &receiver.url
        };
        *summary.by_frame.entry(frame_label.to_owned()).or_default() += 1;
        *summary.by_origin.entry(record.origin.clone()).or_default() += 1;
        let receiver_key = receiver.key.clone();

        if let Message::FrameId { frame_id } = message {
            self.pairer.assign_frame_id(frame, frame_id.clone());
        }
        self.count_record_findings(record);
        match message {
            Message::Request { request, .. } => self.open(frame, record, request.clone()),
            Message::Subscribe { .. } => self.open(frame, record, "subscribe".to_owned()),
            Message::Unsubscribe { .. } => self.open(frame, record, "unsubscribe".to_owned()),
            Message::Response {
                reference_id,
                outcome,
                subscription_id,
            } => self.answer(
                frame,
                record,
                reference_id.as_deref(),
                outcome,
                subscription_id.as_ref(),
            ),
            Message::Event { topic, .. } => self.event(receiver_key, topic),
            _ => {}
        }
    }

    /// The per-record checks of `find`: names, parameters, envelope, malformed data, unknown
    /// event types.
    fn count_record_findings(&mut self, record: &Record) {
        let message = &record.decoded.message;
        let from_workspace = matches!(
            message,
            Message::Response { .. } | Message::Event { .. } | Message::FrameId { .. }
        );
        self.heard_workspace |= from_workspace;
        let findings = &mut self.summary.findings;
        match message {
            Message::Request { typed, .. } => {
                self.requests += 1;
                if !typed.is_known() {
                    findings.add(FindingCode::UnknownRequest, Severity::Error, 1);
                } else if !typed.problems.is_empty() {
                    findings.add(FindingCode::BadParameters, Severity::Error, 1);
                }
            }
            Message::Subscribe { .. } | Message::Unsubscribe { .. } => self.requests += 1,
            Message::Event { topic, typed, .. } if !typed.known() => {
                let name = match &typed.event_type {
                    Some(event_type) => format!("{topic}:{event_type}"),
                    None => topic.clone(),
                };
                if self.unknown_events.insert(name) {
                    findings.add(FindingCode::UnknownEventType, Severity::Info, 1);
                }
            }
            Message::Malformed { problem } if self.malformed.insert(problem.clone()) => {
                findings.add(FindingCode::Malformed, Severity::Error, 1);
            }
            _ => {}
        }
        if matches!(
            message,
            Message::Foreign | Message::Legacy { .. } | Message::Malformed { .. }
        ) {
            return;
        }
        let side = if from_workspace {
            "Workspace"
        } else {
            "client"
        };
        let envelope = &record.decoded.envelope;
        let mut groups = Vec::new();
        if envelope.user_agent.is_none() {
            let severity = if from_workspace {
                Severity::Error
            } else {
                Severity::Warning
            };
            groups.push((FindingCode::MissingUserAgent, side.to_owned(), severity));
        }
        match &envelope.protocol_version {
            None => groups.push((
                FindingCode::MissingProtocolVersion,
                side.to_owned(),
                Severity::Warning,
            )),
            Some(version) if version.as_i64() != Some(2) => groups.push((
                FindingCode::UnexpectedProtocolVersion,
                format!("{side}\u{1f}{version}"),
                Severity::Warning,
            )),
            Some(_) => {}
        }
        for (code, detail, severity) in groups {
            if self.envelope_groups.insert((code, detail)) {
                self.summary.findings.add(code, severity, 1);
            }
        }
    }

    fn tally(&mut self, name: &str) -> &mut NameTally {
        if !self.names.contains_key(name) {
            self.names.insert(name.to_owned(), NameTally::default());
        }
        self.names.get_mut(name).expect("inserted above")
    }

    fn name_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.name_list.len() as u32;
        self.name_list.push(name.to_owned());
        self.name_ids.insert(name.to_owned(), id);
        id
    }

    /// A request, subscribe or unsubscribe: counted, and opened when it can be answered.
    fn open(&mut self, frame: usize, record: &Record, name: String) {
        self.tally(&name).summary.count += 1;
        let client = self.pairer.sender(frame, record);
        // As in correlate: an unsubscribe counts with or without a referenceId.
        if let Message::Unsubscribe {
            subscription_id, ..
        } = &record.decoded.message
        {
            self.unsubscribe(client, subscription_id);
        }
        let Some(reference_id) = record.decoded.message.reference_id() else {
            return;
        };
        let mut tally = Tally {
            name: self.name_id(&name),
            responses: 0,
            subscription: None,
        };
        if let Message::Subscribe { topics, .. } = &record.decoded.message {
            tally.subscription = Some(self.subscribe(client, topics));
        }
        let id = self.pairer.open(client, reference_id, record.time, tally);
        self.opened.push_back(id);
        self.unanswered += 1;
        let limit = self.open_limit.unwrap_or(OPEN_EXCHANGE_LIMIT);
        while self.unanswered > limit {
            let Some(oldest) = self.opened.pop_front() else {
                break;
            };
            if self
                .pairer
                .get(oldest)
                .is_some_and(|e| e.data.responses == 0)
            {
                let exchange = self.close(oldest).expect("present");
                self.summary.closed_early += 1;
                self.settle_unanswered(&exchange, f64::INFINITY);
            }
        }
        // Ids of exchanges answered since pile up in `opened`: drop them now and then.
        if self.opened.len() > 2 * (self.unanswered + 1024) {
            let pairer = &self.pairer;
            self.opened
                .retain(|&id| pairer.get(id).is_some_and(|e| e.data.responses == 0));
        }
    }

    /// Forgets an exchange; returns it.
    fn close(&mut self, id: u64) -> Option<OpenExchange> {
        let exchange = self.pairer.close(id)?;
        if exchange.data.responses == 0 {
            self.unanswered -= 1;
        }
        Some(exchange)
    }

    /// An unanswered exchange at the end (`now`): pending or timed out.
    fn settle_unanswered(&mut self, exchange: &OpenExchange, now: f64) {
        let timed_out = now - exchange.requested_at > CLIENT_TIMEOUT_MS;
        let name = self.name_list[exchange.data.name as usize].clone();
        if !awaits_answer(&name) {
            // Sent without a callback: neither pending nor timed out.
            return;
        }
        let tally = self.tally(&name);
        if timed_out {
            tally.summary.timed_out += 1;
            self.summary
                .findings
                .add(FindingCode::TimedOut, Severity::Error, 1);
        } else {
            tally.summary.pending += 1;
        }
    }

    fn answer(
        &mut self,
        frame: usize,
        record: &Record,
        reference_id: Option<&str>,
        outcome: &Outcome,
        subscription_id: Option<&Value>,
    ) {
        let choice = reference_id
            .and_then(|reference_id| self.pairer.choose(frame, record.time, reference_id));
        if let Some(choice) = choice {
            self.pairer.learn(frame, choice);
        }
        let chosen = choice.map(|choice| choice.exchange);
        let failure = match outcome {
            Outcome::Failure {
                error_message,
                request,
                rate_limit,
            } => Some((error_message, request, rate_limit)),
            Outcome::Success { .. } => None,
        };
        let Some(id) = chosen else {
            if let Some((error_message, request, rate_limit)) = failure {
                let name = request.clone().unwrap_or_else(|| "?".to_owned());
                self.count_failure(name, error_message, rate_limit.as_ref());
            }
            // correlate pairs only answers with a referenceId; the others are no orphans.
            if reference_id.is_some() {
                self.summary.orphans += 1;
                self.summary
                    .findings
                    .add(FindingCode::OrphanResponse, Severity::Warning, 1);
            }
            return;
        };
        let exchange = self.pairer.get_mut(id).expect("chosen among open ones");
        exchange.data.responses += 1;
        if exchange.data.responses > 1 {
            if exchange.data.responses == 2 {
                self.summary.duplicates += 1;
                self.summary
                    .findings
                    .add(FindingCode::DuplicateAnswer, Severity::Warning, 1);
            }
            return;
        }
        let (client, name, requested_at, subscription) = (
            exchange.client,
            exchange.data.name,
            exchange.requested_at,
            exchange.data.subscription,
        );
        self.unanswered -= 1;
        self.pairer.answered(id);
        self.answered.push_back(id);
        while self.answered.len() > ANSWERED_KEPT {
            if let Some(oldest) = self.answered.pop_front() {
                self.close(oldest);
            }
        }
        let name = self.name_list[name as usize].clone();
        let latency = (record.time - requested_at).max(0.0);
        if let (Some(subscription), Some(subscription_id)) = (subscription, subscription_id) {
            if let Some(active) = self
                .subscriptions
                .get_mut(&client)
                .and_then(|subs| subs.iter_mut().find(|s| s.id == subscription))
            {
                active.subscription_id = Some(subscription_id.clone());
            }
        }
        let tally = self.tally(&name);
        tally.latencies.add(latency);
        // Nothing waits for an answer to an unsubscribe: however late, it is no late answer.
        let late = latency > CLIENT_TIMEOUT_MS && awaits_answer(&name);
        match (&failure, late) {
            (_, true) => tally.summary.late += 1,
            (Some(_), false) => tally.summary.failed += 1,
            (None, false) => tally.summary.answered += 1,
        }
        let findings = &mut self.summary.findings;
        match (&failure, late) {
            (_, true) => findings.add(FindingCode::LateAnswer, Severity::Warning, 1),
            (Some((_, _, Some(_))), false) => {
                findings.add(FindingCode::RateLimited, Severity::Error, 1)
            }
            (Some((_, _, None)), false) => {
                findings.add(FindingCode::RequestFailed, Severity::Error, 1)
            }
            (None, false) => {}
        }
        if let Some((error_message, _, rate_limit)) = failure {
            self.count_failure(name, error_message, rate_limit.as_ref());
        }
    }

    fn count_failure(
        &mut self,
        name: String,
        error_message: &str,
        rate_limit: Option<&crate::rate_limit::RateLimitError>,
    ) {
        *self
            .failures
            .entry((name, error_message.to_owned()))
            .or_default() += 1;
        if let Some(limit) = rate_limit {
            *self
                .rate_limits
                .entry((
                    limit.request.clone(),
                    limit.quarantine_seconds,
                    limit.forever,
                ))
                .or_default() += 1;
        }
    }

    /// A subscribe: a second subscription to a topic the client holds is a finding.
    fn subscribe(&mut self, client: ClientId, topics: &[String]) -> u64 {
        let held = self.subscriptions.entry(client).or_default();
        for topic in topics {
            if held.iter().any(|s| s.topics.contains(topic)) {
                self.summary
                    .findings
                    .add(FindingCode::SubscribedTwice, Severity::Warning, 1);
            }
        }
        let id = self.next_subscription;
        self.next_subscription += 1;
        held.push(ActiveSubscription {
            id,
            topics: topics.to_vec(),
            subscription_id: None,
        });
        if held.len() > SUBSCRIPTIONS_PER_CLIENT {
            held.remove(0);
        }
        self.subscribers.insert(client);
        id
    }

    fn unsubscribe(&mut self, client: ClientId, subscription_id: &Value) {
        let held = self.subscriptions.entry(client).or_default();
        match held
            .iter()
            .position(|s| s.subscription_id.as_ref() == Some(subscription_id))
        {
            Some(index) => {
                held.remove(index);
            }
            None => {
                self.summary
                    .findings
                    .add(FindingCode::UnknownSubscriptionId, Severity::Warning, 1)
            }
        }
    }

    /// An event for a client whose subscribing this capture saw, on a topic it does not hold.
    fn event(&mut self, receiver_key: crate::FrameKey, topic: &str) {
        let client = Client::Frame {
            frame: receiver_key,
        };
        let Some(client) = self.pairer.known_client(&client) else {
            return;
        };
        if !self.subscribers.contains(&client) {
            return;
        }
        let covered = self
            .subscriptions
            .get(&client)
            .is_some_and(|held| held.iter().any(|s| s.topics.iter().any(|t| t == topic)));
        if !covered
            && self
                .events_without_subscription
                .insert((client, topic.to_owned()))
        {
            self.summary
                .findings
                .add(FindingCode::EventWithoutSubscription, Severity::Info, 1);
        }
    }

    /// The summary; requests still unanswered are pending or timed out by the capture's end:
    /// the latest record time, or when the capture says it ended if that is later.
    pub fn finish(mut self) -> Summary {
        let last = self.summary.last_time.unwrap_or(0.0);
        let now = self.ended_at.map_or(last, |end| end.max(last));
        let open: Vec<u64> = self.opened.iter().copied().collect();
        for id in open {
            if self.pairer.get(id).is_some_and(|e| e.data.responses == 0) {
                let exchange = self.close(id).expect("present");
                self.settle_unanswered(&exchange, now);
            }
        }
        if !self.heard_workspace && self.requests > 0 {
            self.summary
                .findings
                .add(FindingCode::NoWorkspace, Severity::Error, 1);
        }
        let mut summary = self.summary;
        summary.requests = self
            .names
            .into_iter()
            .map(|(name, tally)| {
                let mut figures = tally.summary;
                figures.latency = tally.latencies.summary();
                (name, figures)
            })
            .collect();
        summary.failures = self
            .failures
            .into_iter()
            .map(|((request, error_message), count)| FailureSummary {
                request,
                error_message,
                count,
            })
            .collect();
        summary.failures.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| (&a.request, &a.error_message).cmp(&(&b.request, &b.error_message)))
        });
        summary.rate_limits = self
            .rate_limits
            .into_iter()
            .map(
                |((request, quarantine_seconds, forever), count)| RateLimitSummary {
                    request,
                    quarantine_seconds,
                    forever,
                    count,
                },
            )
            .collect();
        summary.rate_limits.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.request.cmp(&b.request))
        });
        summary
    }
}

#[cfg(test)]
mod tests;
