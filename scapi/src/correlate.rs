//! Pairs each response with its request, per client frame, and follows subscriptions.
//!
//! A request is captured in the frame that received it (Workspace), its response in the frame that
//! sent the request (the client app). referenceIds restart at "0" in every client page, so pairs
//! are keyed by (client, referenceId), where the client is found from the request's `frameId`
//! (after the service assigned one) or from where the sender sits (child k of the receiver, with
//! the sender's origin).

use crate::facts::{as_refs, facts_of, Detail, Facts};
use crate::job::{chunk, passes_progress, Budget, FactsSource, Shredder, TimeOrder};
use crate::message::{Message, Outcome};
use crate::record::{FrameInfo, FrameKey, Record};
use crate::results::{decode_result, TypedResult};
use crate::SourceRelation;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

pub mod pairer;

use pairer::Pairer;

/// How long the vendor's client waits for an answer before it reports "Request timeout".
pub const CLIENT_TIMEOUT_MS: f64 = 10_000.0;

/// Whether the vendor's client waits for an answer to a message of this name. It sends
/// `unsubscribe` without a callback: no answer is awaited, no timeout runs, an answer is ignored.
/// (A request sent with `sendMessage` and no callback is the same, but nothing on the wire says
/// so.)
pub fn awaits_answer(name: &str) -> bool {
    name != "unsubscribe"
}

/// Clock skew tolerated between two frames' timestamps (separate processes).
pub(crate) const SKEW_MS: f64 = 50.0;

/// One record of a capture, named by its frame (document instance) and position.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct RecordRef {
    /// Shared with the frame's other references: an analysis holds several per record.
    pub frame: FrameKey,
    pub seq: u64,
}

/// The app that sent a request.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
#[serde(tag = "by", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Client {
    /// A captured frame (its key).
    Frame { frame: FrameKey },
    /// Not captured, or not told apart: described from the receiver's side.
    Unresolved {
        receiver: FrameKey,
        origin: String,
        source: SourceRelation,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        child_index: Option<u32>,
    },
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ExchangeState {
    /// Sent less than 10 s ago (at the end of the capture) and not answered.
    Pending,
    /// Answered with success within 10 s.
    Answered,
    /// Answered with `errorMessage` within 10 s.
    Failed,
    /// No answer within 10 s: the client reported "Request timeout".
    TimedOut,
    /// Answered after 10 s: the client had given up and ignored it.
    Late,
    /// A response no captured request matches.
    Orphan,
    /// Sent without a callback (`unsubscribe`): nothing waits for an answer, nothing times out,
    /// and an answer, if any, is ignored.
    Sent,
}

impl ExchangeState {
    pub fn label(self) -> &'static str {
        match self {
            ExchangeState::Pending => "pending",
            ExchangeState::Answered => "answered",
            ExchangeState::Failed => "failed",
            ExchangeState::TimedOut => "timed-out",
            ExchangeState::Late => "late",
            ExchangeState::Orphan => "orphan",
            ExchangeState::Sent => "sent",
        }
    }
}

/// A request (or subscribe/unsubscribe) with its answers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    pub client: Client,
    pub reference_id: String,
    /// The request name, `subscribe` or `unsubscribe`; `None` for an orphan response.
    pub name: Option<String>,
    pub request: Option<RecordRef>,
    pub requested_at: Option<f64>,
    /// The first answer is the one the client used; any further one is a duplicate.
    pub responses: Vec<RecordRef>,
    pub answered_at: Option<f64>,
    pub state: ExchangeState,
    /// Milliseconds from request to first answer.
    pub latency_ms: Option<f64>,
    /// The failure text of the first answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The first successful answer's `data`, typed for the request it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Box<TypedResult>>,
    /// The answer could belong to requests of several apps (same origin, same referenceId, no
    /// frameId, senders not told apart): this pairing is a guess.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
}

/// A subscription as the client holds it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub client: Client,
    pub topics: Vec<String>,
    pub subscription_id: Option<Value>,
    pub subscribe: RecordRef,
    pub unsubscribe: Option<RecordRef>,
}

/// Something about subscriptions worth a finding.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "problem",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum SubscriptionIssue {
    /// A client subscribed to a topic it already had (the client library keeps only the last
    /// callback; the seed says to subscribe once).
    SubscribedTwice {
        client: Client,
        topic: String,
        first: RecordRef,
        again: RecordRef,
    },
    /// A client received events of a topic it never subscribed to in this capture.
    EventWithoutSubscription {
        client: Client,
        topic: String,
        events: Vec<RecordRef>,
    },
    /// An unsubscribe named an id no subscribe response gave.
    UnknownSubscriptionId {
        client: Client,
        subscription_id: Value,
        unsubscribe: RecordRef,
    },
}

/// The result of pairing a whole capture.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Correlation {
    pub exchanges: Vec<Exchange>,
    pub subscriptions: Vec<Subscription>,
    pub subscription_issues: Vec<SubscriptionIssue>,
    /// frameId the service assigned to each frame (by frame key).
    pub frame_ids: HashMap<FrameKey, Value>,
}

impl Correlation {
    /// The exchange a record belongs to (as its request or one of its answers).
    pub fn exchange_of(&self, record: &RecordRef) -> Option<&Exchange> {
        self.exchanges.iter().find(|exchange| {
            exchange.request.as_ref() == Some(record) || exchange.responses.contains(record)
        })
    }
}

/// Pairs a capture. `records` are (frame index into `frames`, record); any order. `now` is the end
/// of the capture (epoch ms), which decides between pending and timed out.
pub fn correlate(frames: &[FrameInfo], records: &[(usize, &Record)], now: f64) -> Correlation {
    let facts = facts_of(records);
    let mut correlation = correlate_facts(frames, &as_refs(&facts), now);
    type_results(frames, records, &mut correlation);
    correlation
}

/// Types each exchange's first successful answer as what its request returns (what pairing alone
/// knows): [`Exchange::result`].
pub fn type_results(
    frames: &[FrameInfo],
    records: &[(usize, &Record)],
    correlation: &mut Correlation,
) {
    let by_ref: HashMap<RecordRef, &Record> = records
        .iter()
        .map(|&(frame, record)| (reference(frames, frame, record.seq), record))
        .collect();
    for exchange in &mut correlation.exchanges {
        if exchange.error_message.is_some() {
            continue;
        }
        // subscribe/unsubscribe answers carry no result to type.
        let Some(name) = exchange.name.as_deref().filter(|n| n.contains('.')) else {
            continue;
        };
        let Some(answer) = exchange.responses.first().and_then(|r| by_ref.get(r)) else {
            continue;
        };
        if let Message::Response {
            outcome: Outcome::Success { data },
            ..
        } = &answer.decoded.message
        {
            let data = data.clone().unwrap_or(Value::Null);
            exchange.result = Some(Box::new(decode_result(name, &data)));
        }
    }
}

/// [`correlate`] over the facts of the records; [`Exchange::result`] stays empty (see
/// [`type_results`]).
pub fn correlate_facts(frames: &[FrameInfo], records: &[(usize, &Facts)], now: f64) -> Correlation {
    let mut job = CorrelateJob::new(frames, records.len(), now);
    while !job.step(records, &mut Budget::unlimited()) {}
    job.finish().correlation
}

/// No exchange, in [`CorrelateJob`]'s tables by record position.
pub(crate) const NONE: u32 = u32::MAX;

/// [`correlate_facts`] a bounded amount of work at a time ([`CorrelateJob::step`]), for a caller
/// that cannot block for the whole capture. The same records must be given at every step.
#[derive(Debug)]
pub struct CorrelateJob {
    frames: Vec<FrameInfo>,
    now: f64,
    count: usize,
    order: TimeOrder,
    phase: CorrelatePhase,
    correlation: Correlation,
    pairer: Pairer<usize>,
    /// The pairing's first pass with hindsight (see below); made at the first request of a
    /// sender no frame matched (without one, there is nothing to learn).
    trial: Option<Pairer<usize>>,
    /// The exchange each record (by position) is the request or an answer of.
    exchange_of: Vec<u32>,
    /// Each exchange's first answer (its position).
    first_response: Vec<u32>,
    subscriptions: Vec<Subscription>,
    issues: Vec<SubscriptionIssue>,
    unsubscribed_topics: HashMap<(Client, String), Vec<RecordRef>>,
    /// Requests, subscribes and unsubscribes with a referenceId (counted before they are paired).
    calls: usize,
    /// What the job no longer needs, let go a piece at a time.
    trash: Shredder,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CorrelatePhase {
    Sort,
    FrameIds(usize),
    Requests(usize),
    Trial(usize),
    Answers(usize),
    Settle(usize),
    Subscriptions(usize),
    Done,
}

/// What [`CorrelateJob`] leaves for the analyses after it.
#[derive(Debug)]
pub(crate) struct Correlated {
    pub(crate) correlation: Correlation,
    /// Record positions in time order.
    pub(crate) order: Vec<u32>,
    /// The exchange of each record (by position), [`NONE`] when none.
    pub(crate) exchange_of: Vec<u32>,
    /// Requests, subscribes and unsubscribes with a referenceId.
    pub(crate) calls: usize,
}

impl CorrelateJob {
    pub fn new(frames: &[FrameInfo], count: usize, now: f64) -> CorrelateJob {
        CorrelateJob {
            frames: frames.to_vec(),
            now,
            count,
            order: TimeOrder::new(count),
            phase: CorrelatePhase::Sort,
            correlation: Correlation::default(),
            pairer: Pairer::new(frames.to_vec()),
            trial: None,
            exchange_of: vec![NONE; count],
            first_response: Vec::new(),
            subscriptions: Vec::new(),
            issues: Vec::new(),
            unsubscribed_topics: HashMap::new(),
            calls: 0,
            trash: Shredder::default(),
        }
    }

    /// Work units done so far and in all (about), for a progress bar.
    pub(crate) fn progress(&self) -> (usize, usize) {
        let (n, exchanges) = (self.count, self.correlation.exchanges.len());
        let (index, at, len) = match self.phase {
            CorrelatePhase::Sort => (0, 0, n),
            CorrelatePhase::FrameIds(at) => (1, at, n),
            CorrelatePhase::Requests(at) => (2, at, n),
            CorrelatePhase::Trial(at) => (3, at, n),
            CorrelatePhase::Answers(at) => (4, at, n),
            CorrelatePhase::Settle(at) => (5, at, exchanges),
            CorrelatePhase::Subscriptions(at) => (6, at, n),
            CorrelatePhase::Done => (7, 0, n),
        };
        passes_progress(index, at, len, n, Self::PASSES)
    }

    /// The passes [`CorrelateJob::progress`] counts.
    pub(crate) const PASSES: usize = 7;

    /// Pairs on within the budget; `true` once done.
    pub fn step<R: FactsSource + ?Sized>(&mut self, records: &R, budget: &mut Budget) -> bool {
        debug_assert_eq!(
            records.count(),
            self.count,
            "the same records at every step"
        );
        let n = self.count;
        let time = |position: u32| records.at(position as usize).1.time;
        loop {
            if budget.is_spent() && (self.phase != CorrelatePhase::Done || !self.trash.is_empty()) {
                return false;
            }
            if !self.trash.is_empty() {
                self.trash.step(budget);
                continue;
            }
            match self.phase {
                CorrelatePhase::Sort => {
                    if self.order.step(time, budget) {
                        self.phase = CorrelatePhase::FrameIds(0);
                    }
                }
                // Every frameId first, then every request, then the answers (two frames' clocks
                // may disagree by a little). The pairer's data per exchange is the index into
                // `correlation.exchanges`.
                CorrelatePhase::FrameIds(at) => {
                    let range = chunk(at, n, budget);
                    for &position in &self.order.order()[range.clone()] {
                        let (frame, record) = records.at(position as usize);
                        if let Detail::FrameId { frame_id } = &record.detail {
                            self.pairer.assign_frame_id(frame, (**frame_id).clone());
                        }
                        if record.kind().is_call() && record.reference_id.is_some() {
                            self.calls += 1;
                        }
                    }
                    self.phase = if range.end >= n {
                        self.correlation.frame_ids = self.pairer.frame_ids().clone();
                        // Growing these a request at a time would copy them all now and then, in
                        // one step.
                        self.pairer.reserve(self.calls);
                        self.correlation.exchanges.reserve(self.calls);
                        self.first_response.reserve(self.calls);
                        CorrelatePhase::Requests(0)
                    } else {
                        CorrelatePhase::FrameIds(range.end)
                    };
                }
                CorrelatePhase::Requests(at) => {
                    let range = chunk(at, n, budget);
                    for &position in &self.order.order()[range.clone()] {
                        let (frame, record) = records.at(position as usize);
                        if !record.kind().is_call() {
                            continue;
                        }
                        let Some(reference_id) = &record.reference_id else {
                            continue;
                        };
                        let index = self.correlation.exchanges.len();
                        let client = self.pairer.sender(frame, record);
                        let client_info = self.pairer.client(client);
                        if self.trial.is_none() && matches!(client_info, Client::Unresolved { .. })
                        {
                            // What the trial pass needs: every request so far (this one's sender
                            // interned already), and from now on each one as the pairer gets it.
                            self.pairer.reserve_unresolved(self.calls);
                            self.trial = Some(self.pairer.clone());
                        }
                        self.pairer.open(client, reference_id, record.time, index);
                        if let Some(trial) = &mut self.trial {
                            let same = trial.sender(frame, record);
                            debug_assert_eq!(same, client);
                            trial.open(same, reference_id, record.time, index);
                        }
                        self.exchange_of[position as usize] = index as u32;
                        self.first_response.push(NONE);
                        self.correlation.exchanges.push(Exchange {
                            client: self.pairer.client(client).clone(),
                            reference_id: reference_id.clone(),
                            name: Some(record.name.clone()),
                            request: Some(reference(&self.frames, frame, record.seq)),
                            requested_at: Some(record.time),
                            responses: Vec::new(),
                            answered_at: None,
                            state: ExchangeState::Pending,
                            latency_ms: None,
                            error_message: None,
                            result: None,
                            ambiguous: false,
                        });
                    }
                    self.phase = if range.end < n {
                        CorrelatePhase::Requests(range.end)
                    } else if self.trial.is_some() {
                        CorrelatePhase::Trial(0)
                    } else {
                        CorrelatePhase::Answers(0)
                    };
                }
                // With hindsight: a first pass learns which unresolved sender each frame is from
                // the answers only one sender's request could take (a later unique referenceId
                // tells about an earlier colliding one); the pairing proper starts with that.
                CorrelatePhase::Trial(at) => {
                    let range = chunk(at, n, budget);
                    let trial = self.trial.as_mut().expect("a trial pass has its pairer");
                    for &position in &self.order.order()[range.clone()] {
                        let (frame, record) = records.at(position as usize);
                        if let (Detail::Response { .. }, Some(reference_id)) =
                            (&record.detail, &record.reference_id)
                        {
                            if let Some(choice) = trial.choose(frame, record.time, reference_id) {
                                trial.learn(frame, choice);
                                trial.answered(choice.exchange);
                            }
                        }
                    }
                    self.phase = if range.end < n {
                        CorrelatePhase::Trial(range.end)
                    } else {
                        let trial = self.trial.take().expect("a trial pass has its pairer");
                        self.pairer.know(trial.learned());
                        trial.shred(&mut self.trash);
                        CorrelatePhase::Answers(0)
                    };
                }
                CorrelatePhase::Answers(at) => {
                    let range = chunk(at, n, budget);
                    for &position in &self.order.order()[range.clone()] {
                        let (frame, record) = records.at(position as usize);
                        let (Detail::Response { error_message, .. }, Some(reference_id)) =
                            (&record.detail, &record.reference_id)
                        else {
                            continue;
                        };
                        let this = reference(&self.frames, frame, record.seq);
                        match self.pairer.choose(frame, record.time, reference_id) {
                            Some(choice) => {
                                self.pairer.learn(frame, choice);
                                self.pairer.answered(choice.exchange);
                                let index = self
                                    .pairer
                                    .get(choice.exchange)
                                    .map(|open| open.data)
                                    .expect("open");
                                let exchange = &mut self.correlation.exchanges[index];
                                if exchange.responses.is_empty() {
                                    exchange.answered_at = Some(record.time);
                                    exchange.error_message = error_message.clone();
                                    exchange.ambiguous = choice.ambiguous;
                                    self.first_response[index] = position;
                                }
                                exchange.responses.push(this);
                                self.exchange_of[position as usize] = index as u32;
                            }
                            None => {
                                self.exchange_of[position as usize] =
                                    self.correlation.exchanges.len() as u32;
                                self.first_response.push(position);
                                self.correlation.exchanges.push(Exchange {
                                    client: Client::Frame {
                                        frame: self.frames[frame].key.clone(),
                                    },
                                    reference_id: reference_id.clone(),
                                    name: None,
                                    request: None,
                                    requested_at: None,
                                    responses: vec![this],
                                    answered_at: Some(record.time),
                                    state: ExchangeState::Orphan,
                                    latency_ms: None,
                                    error_message: error_message.clone(),
                                    result: None,
                                    ambiguous: false,
                                })
                            }
                        }
                    }
                    self.phase = if range.end < n {
                        CorrelatePhase::Answers(range.end)
                    } else {
                        CorrelatePhase::Settle(0)
                    };
                }
                CorrelatePhase::Settle(at) => {
                    let total = self.correlation.exchanges.len();
                    let range = chunk(at, total, budget);
                    for exchange in &mut self.correlation.exchanges[range.clone()] {
                        settle(exchange, self.now);
                    }
                    self.phase = if range.end < total {
                        CorrelatePhase::Settle(range.end)
                    } else {
                        CorrelatePhase::Subscriptions(0)
                    };
                }
                CorrelatePhase::Subscriptions(at) => {
                    let range = chunk(at, n, budget);
                    for index in range.clone() {
                        let position = self.order.order()[index];
                        self.follow_subscription(records, position);
                    }
                    if range.end < n {
                        self.phase = CorrelatePhase::Subscriptions(range.end);
                    } else {
                        let mut unsubscribed: Vec<_> =
                            std::mem::take(&mut self.unsubscribed_topics)
                                .into_iter()
                                .collect();
                        unsubscribed.sort_by(|a, b| a.1[0].cmp(&b.1[0]));
                        for ((client, topic), events) in unsubscribed {
                            self.issues
                                .push(SubscriptionIssue::EventWithoutSubscription {
                                    client,
                                    topic,
                                    events,
                                });
                        }
                        self.correlation.subscriptions = std::mem::take(&mut self.subscriptions);
                        self.correlation.subscription_issues = std::mem::take(&mut self.issues);
                        std::mem::take(&mut self.pairer).shred(&mut self.trash);
                        self.phase = CorrelatePhase::Done;
                    }
                }
                CorrelatePhase::Done => return true,
            }
        }
    }

    /// The pairing, once [`CorrelateJob::step`] said it is done, with what the audit reuses.
    pub(crate) fn finish(self) -> Correlated {
        Correlated {
            correlation: self.correlation,
            order: self.order.into_order(),
            exchange_of: self.exchange_of,
            calls: self.calls,
        }
    }

    /// Subscriptions: one record, in time order.
    fn follow_subscription<R: FactsSource + ?Sized>(&mut self, records: &R, position: u32) {
        let (frame, record) = records.at(position as usize);
        let frames = &self.frames;
        let exchange_index = self.exchange_of[position as usize];
        // Only a call's own exchange counts here (an answer's is another record's request).
        let own_exchange =
            (exchange_index != NONE && record.kind().is_call()).then_some(exchange_index as usize);
        match &record.detail {
            Detail::Subscribe { topics } => {
                let this = reference(frames, frame, record.seq);
                let Some(index) = own_exchange else {
                    return;
                };
                let exchange = &self.correlation.exchanges[index];
                let client = exchange.client.clone();
                for topic in topics {
                    let earlier = self.subscriptions.iter().find(|s| {
                        s.client == client && s.unsubscribe.is_none() && s.topics.contains(topic)
                    });
                    if let Some(earlier) = earlier {
                        self.issues.push(SubscriptionIssue::SubscribedTwice {
                            client: client.clone(),
                            topic: topic.clone(),
                            first: earlier.subscribe.clone(),
                            again: this.clone(),
                        });
                    }
                }
                // Subscribe responses carry the subscriptionId.
                let subscription_id = match self.first_response.get(index) {
                    Some(&response) if response != NONE => {
                        match &records.at(response as usize).1.detail {
                            Detail::Response {
                                subscription_id: Some(id),
                                ..
                            } => Some((**id).clone()),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                self.subscriptions.push(Subscription {
                    client,
                    topics: topics.clone(),
                    subscription_id,
                    subscribe: this,
                    unsubscribe: None,
                });
            }
            Detail::Unsubscribe { subscription_id } => {
                let this = reference(frames, frame, record.seq);
                let client = own_exchange
                    .map(|index| self.correlation.exchanges[index].client.clone())
                    .unwrap_or_else(|| {
                        client_of(frames, frame, record, &self.correlation.frame_ids)
                    });
                let active = self.subscriptions.iter_mut().find(|s| {
                    s.client == client
                        && s.unsubscribe.is_none()
                        && s.subscription_id.as_ref() == Some(&**subscription_id)
                });
                match active {
                    Some(subscription) => subscription.unsubscribe = Some(this),
                    None => self.issues.push(SubscriptionIssue::UnknownSubscriptionId {
                        client,
                        subscription_id: (**subscription_id).clone(),
                        unsubscribe: this,
                    }),
                }
            }
            Detail::Event { topic, .. } => {
                // Judge only clients whose subscribing this capture saw.
                let key = &frames[frame].key;
                let is_client =
                    |s: &Subscription| matches!(&s.client, Client::Frame { frame } if frame == key);
                let saw_any = self.subscriptions.iter().any(is_client);
                if !saw_any {
                    return;
                }
                let covered = self
                    .subscriptions
                    .iter()
                    .any(|s| is_client(s) && s.unsubscribe.is_none() && s.topics.contains(topic));
                if !covered {
                    let client = Client::Frame { frame: key.clone() };
                    self.unsubscribed_topics
                        .entry((client, topic.clone()))
                        .or_default()
                        .push(reference(frames, frame, record.seq));
                }
            }
            _ => {}
        }
    }
}

fn reference(frames: &[FrameInfo], frame: usize, seq: u64) -> RecordRef {
    RecordRef {
        frame: frames[frame].key.clone(),
        seq,
    }
}

/// The client frame that sent a request captured in `receiver`.
/// What tells who sent a request: its frameId, and where the sender sits.
pub struct Sender<'a> {
    pub frame_id: Option<&'a Value>,
    pub origin: &'a str,
    pub source: SourceRelation,
    pub child_index: Option<u32>,
}

impl<'a> From<&'a Facts> for Sender<'a> {
    fn from(facts: &'a Facts) -> Sender<'a> {
        Sender {
            frame_id: facts.frame_id.as_deref(),
            origin: &facts.origin,
            source: facts.source,
            child_index: facts.child_index,
        }
    }
}

impl<'a> From<&'a Record> for Sender<'a> {
    fn from(record: &'a Record) -> Sender<'a> {
        Sender {
            frame_id: record.decoded.envelope.frame_id.as_ref(),
            origin: &record.origin,
            source: record.source,
            child_index: record.child_index,
        }
    }
}

pub(crate) fn client_of<'a>(
    frames: &[FrameInfo],
    receiver: usize,
    record: impl Into<Sender<'a>>,
    frame_ids: &HashMap<FrameKey, Value>,
) -> Client {
    let record: Sender = record.into();
    let receiver_info = &frames[receiver];
    let unique = |matches: Vec<&FrameInfo>| match matches.as_slice() {
        [only] => Some(Client::Frame {
            frame: only.key.clone(),
        }),
        _ => None,
    };
    // The frameId the service assigned is the protocol's own identity.
    if let Some(frame_id) = record.frame_id {
        let found = unique(
            frames
                .iter()
                .filter(|f| frame_ids.get(&f.key) == Some(frame_id) && f.origin == record.origin)
                .collect(),
        );
        if let Some(client) = found {
            return client;
        }
    }
    let depth = receiver_info.placement.depth;
    let found = match record.source {
        SourceRelation::SelfWindow => Some(Client::Frame {
            frame: receiver_info.key.clone(),
        }),
        SourceRelation::Child => unique(
            frames
                .iter()
                .filter(|f| {
                    f.placement.depth == depth + 1
                        && f.placement.index_in_parent == record.child_index
                        && f.origin == record.origin
                })
                .collect(),
        )
        // A capture that does not say where its frames sit (a raw capture file): the only frame
        // below with the sender's origin.
        .or_else(|| {
            unique(
                frames
                    .iter()
                    .filter(|f| {
                        f.placement.depth == depth + 1
                            && f.placement.index_in_parent.is_none()
                            && f.origin == record.origin
                    })
                    .collect(),
            )
            .filter(|_| {
                !frames.iter().any(|f| {
                    f.placement.depth == depth + 1 && f.placement.index_in_parent.is_some()
                })
            })
        }),
        // The reverse layout: Workspace itself is embedded and its parent is the client.
        SourceRelation::Parent if depth > 0 => unique(
            frames
                .iter()
                .filter(|f| f.placement.depth == depth - 1 && f.origin == record.origin)
                .collect(),
        ),
        _ => None,
    };
    found.unwrap_or_else(|| Client::Unresolved {
        receiver: receiver_info.key.clone(),
        origin: record.origin.to_owned(),
        source: record.source,
        child_index: record.child_index,
    })
}

fn settle(exchange: &mut Exchange, now: f64) {
    if exchange.state == ExchangeState::Orphan {
        return;
    }
    let Some(requested_at) = exchange.requested_at else {
        return;
    };
    exchange.latency_ms = exchange
        .answered_at
        .map(|answered_at| (answered_at - requested_at).max(0.0));
    exchange.state = settled_state(
        requested_at,
        exchange.answered_at,
        exchange.error_message.is_some(),
        now,
    );
    if exchange
        .name
        .as_deref()
        .is_some_and(|name| !awaits_answer(name))
    {
        exchange.state = match exchange.state {
            ExchangeState::TimedOut | ExchangeState::Pending => ExchangeState::Sent,
            // No timeout ran: however late, the answer came (and was ignored).
            ExchangeState::Late => ExchangeState::Answered,
            other => other,
        };
    }
}

/// How a request sent at `requested_at` stands at `now`, given its first answer (when it came,
/// and whether it was a failure): what the vendor's client makes of it. Shared with the streaming
/// policy checker, which settles requests one by one.
pub(crate) fn settled_state(
    requested_at: f64,
    answered_at: Option<f64>,
    failed: bool,
    now: f64,
) -> ExchangeState {
    match answered_at {
        Some(answered_at) if (answered_at - requested_at).max(0.0) > CLIENT_TIMEOUT_MS => {
            ExchangeState::Late
        }
        Some(_) if failed => ExchangeState::Failed,
        Some(_) => ExchangeState::Answered,
        None if now - requested_at > CLIENT_TIMEOUT_MS => ExchangeState::TimedOut,
        None => ExchangeState::Pending,
    }
}

#[cfg(test)]
mod tests;
