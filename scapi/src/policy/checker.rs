//! The policy applied to a capture read once, in time order and bounded memory: what
//! [`super::audit::audit_facts`] says of each request and each `userData` read, said as soon as
//! it is settled, for logs too long to hold (`scapi-inspect check`).
//!
//! A request is settled by its first answer (answered, failed, or late when it came after the
//! client's 10 s), or once 10 s of capture time passed without one ("no answer", what the client
//! reports as "Request timeout"). An answer that comes after that revises the request's check
//! (a late answer): it is handed on again, marked revised. A read of `userData` is settled once
//! every earlier write it depends on is (what the interaction holds depends on whether the writes
//! were carried out). At the end, requests still waiting are pending (less than 10 s before the
//! end of the log) or without an answer.
//!
//! Kept in memory: requests waiting for an answer (at most
//! [`crate::summary::OPEN_EXCHANGE_LIMIT`]; beyond that the oldest are settled early as without
//! an answer), the 10,000 latest settled ones (to tell a late or second answer), reads waiting
//! for an earlier write, the keys each interaction holds, and per finding its count and its first
//! [`SAMPLE_LIMIT`] records.
//!
//! Pairing is that of [`crate::correlate`] (same client resolution, frameIds, senders no frame
//! matches looked up by origin), streaming: frameIds count from their assignment on, and an
//! answer read before its request is no answer to it. On a capture in time order the verdicts,
//! observed outcomes and agreements are those of the audit (tested). The probable cause of an
//! unanswered request is read off the answers seen until it is settled, where the audit reads it
//! off the whole capture; and a read that comes between a write's 10 s and that write's late
//! answer is checked as if the write had not been carried out.

use super::audit::{
    cause_of, compare, explain, judge, observed_of, Agreement, Announced, AnswersSeen, Holdings,
    InferredCause, Observed, ReadCheck, RequestCheck, WriteOutcome,
};
use super::engine::{PolicyEngine, Verdict};
use super::finding_groups::PolicyFindingGroups;
use super::options::WorkspaceOptions;
use crate::circumstance::{Circumstance, TabState};
use crate::correlate::pairer::{ClientId, Pairer};
use crate::correlate::{awaits_answer, settled_state, ExchangeState, RecordRef, CLIENT_TIMEOUT_MS};
use crate::facts::{Detail, Facts, UserDataSeen, UserDataWrite};
use crate::findings::Finding;
use crate::record::FrameInfo;
use crate::summary::OPEN_EXCHANGE_LIMIT;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// Records a finding keeps as examples; its count is always the full one.
pub const SAMPLE_LIMIT: usize = 20;

/// Settled requests kept to tell a late or second answer (the most recent ones).
const SETTLED_KEPT: usize = 10_000;

/// One settled check, handed on as soon as it is known.
#[derive(Clone, Debug, PartialEq)]
pub enum Checked {
    /// A request, subscribe or unsubscribe. `revised`: it was handed on before as without an
    /// answer, and a late answer came.
    Request {
        /// The request's capture time (epoch ms).
        time: f64,
        check: RequestCheck,
        revised: bool,
    },
    /// A result's or event's `userData` in which read-allowed hides keys, or which shows keys
    /// read-allowed should have hidden.
    Read {
        /// The record's capture time (epoch ms).
        time: f64,
        check: ReadCheck,
    },
}

/// A finding with its full count; its records are the first [`SAMPLE_LIMIT`] of them.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct SampledFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub count: u64,
}

/// What a whole log came to.
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    /// Requests, subscribes and unsubscribes judged.
    pub requests: u64,
    /// Requests by verdict ([`Verdict::label`]).
    pub by_verdict: BTreeMap<String, u64>,
    /// Requests by what the log shows ([`Observed::label`]), revisions included.
    pub by_observed: BTreeMap<String, u64>,
    pub agrees: u64,
    pub disagrees: u64,
    /// Nothing to compare yet: pending, or not paired.
    pub undecided: u64,
    /// Not what the options predict, but the capture shows another reason (a follower tab, the
    /// realtime connection down, an unknown name, a message posted to the app's own window).
    #[serde(default)]
    pub explained: u64,
    /// Requests first settled without an answer, then answered late.
    pub revised: u64,
    /// `userData` objects read in results and events.
    pub reads: u64,
    /// Of those, reads in which read-allowed hides keys the interaction holds.
    pub reads_hiding: u64,
    /// Of those, reads that show keys read-allowed hides: the options in force differ.
    pub reads_disagreeing: u64,
    /// Requests settled as without an answer before their 10 s, to bound memory.
    pub closed_early: u64,
    pub findings: Vec<SampledFinding>,
}

impl CheckSummary {
    /// Requests and reads where the log is not what the options predict.
    pub fn disagreements(&self) -> u64 {
        self.disagrees + self.reads_disagreeing
    }
}

/// A record by frame index and sequence number: what findings keep of their examples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ref {
    frame: u32,
    seq: u64,
}

/// What a request's check is made of, known on arrival.
#[derive(Clone, Debug)]
struct Arrival {
    record: Ref,
    time: f64,
    name: String,
    origin: String,
    /// Wall clock at Workspace: what rate windows count.
    at: f64,
    verdict: Verdict,
    /// What held when it was sent (see [`crate::circumstance`]).
    circumstance: Option<Circumstance>,
    /// The `userData` write of an allowed request, whose keys the interaction holds once it is
    /// carried out.
    write: Option<UserDataWrite>,
}

#[derive(Clone, Debug)]
enum Stage {
    /// No answer yet.
    Waiting(Box<Arrival>),
    /// Settled without an answer; kept to revise it on a late answer.
    Unanswered(Box<Arrival>),
    /// Settled by its first answer; kept to take a second answer as a duplicate.
    Answered,
}

/// Whether a write was carried out: known, or known once its request (exchange) settles.
#[derive(Clone, Copy, Debug)]
enum CarriedOut {
    Known(bool),
    WhenSettled(u64),
}

/// The writes and reads of `userData`, in time order: a read waits for the writes before it.
#[derive(Clone, Debug)]
enum StoryStep {
    /// An allowed write.
    Write {
        write: UserDataWrite,
        carried_out: CarriedOut,
    },
    Read {
        record: Ref,
        time: f64,
        seen: UserDataSeen,
    },
}

/// Reads a log record by record and checks it against the options.
pub struct Checker {
    engine: PolicyEngine,
    /// The crate's one pairing state (frames, clients, requests by referenceId); each
    /// exchange's stage is the checker's.
    pairer: Pairer<Stage>,
    /// Exchange ids in arrival order; some already answered (skipped when met).
    waiting: VecDeque<u64>,
    unanswered: usize,
    /// Settled exchange ids, oldest first.
    settled: VecDeque<u64>,
    /// The latest capture time read.
    clock: Option<f64>,
    /// When the capture ended, if it says (a saved file's end, after its last record).
    ended_at: Option<f64>,

    /// Quarantines rate-limit errors announced, by request name, in order of their start.
    announced: HashMap<String, Vec<Announced>>,
    /// The tab's state so far (follower, realtime connection down).
    tab: TabState,
    answered_clients: HashSet<ClientId>,
    answered_names: HashSet<(ClientId, String)>,

    holdings: Holdings,
    story: VecDeque<StoryStep>,
    /// Whether each write waiting in the story was carried out, by exchange, once settled.
    write_outcomes: HashMap<u64, bool>,

    summary: CheckSummary,
    groups: PolicyFindingGroups<Ref>,
}

impl Checker {
    pub fn new(options: WorkspaceOptions) -> Checker {
        Checker::with_sample_limit(options, SAMPLE_LIMIT)
    }

    /// A checker whose findings keep up to `limit` example records each.
    pub fn with_sample_limit(options: WorkspaceOptions, limit: usize) -> Checker {
        Checker {
            engine: PolicyEngine::new(options),
            pairer: Pairer::default(),
            waiting: VecDeque::new(),
            unanswered: 0,
            settled: VecDeque::new(),
            clock: None,
            ended_at: None,
            announced: HashMap::new(),
            tab: TabState::default(),
            answered_clients: HashSet::new(),
            answered_names: HashSet::new(),
            holdings: Holdings::default(),
            story: VecDeque::new(),
            write_outcomes: HashMap::new(),
            summary: CheckSummary::default(),
            groups: PolicyFindingGroups::new(limit),
        }
    }

    pub fn options(&self) -> &WorkspaceOptions {
        self.engine.options()
    }

    /// Adds a frame records can then name by its index.
    pub fn add_frame(&mut self, frame: FrameInfo) -> usize {
        self.pairer.add_frame(frame)
    }

    pub fn frames(&self) -> &[FrameInfo] {
        self.pairer.frames()
    }

    /// The next record, received by `frames[frame]`, in capture (time) order; `emit` gets every
    /// check this settles.
    pub fn add(&mut self, frame: usize, facts: &Facts, mut emit: impl FnMut(Checked)) {
        self.add_record(frame, facts, &mut emit);
    }

    fn add_record(&mut self, frame: usize, facts: &Facts, emit: &mut dyn FnMut(Checked)) {
        if frame >= self.pairer.frames().len() {
            return;
        }
        let record = Ref {
            frame: frame as u32,
            seq: facts.seq,
        };
        self.tab.observe(self.reference(record), facts);
        if let Detail::Response { .. } = &facts.detail {
            self.answer(frame, facts, emit);
        }
        let now = self.clock.map_or(facts.time, |clock| clock.max(facts.time));
        self.clock = Some(now);
        self.expire(now, emit);
        match &facts.detail {
            Detail::FrameId { frame_id } => {
                self.pairer.assign_frame_id(frame, (**frame_id).clone());
            }
            Detail::Request { .. } | Detail::Subscribe { .. } | Detail::Unsubscribe { .. } => {
                self.arrive(frame, facts, emit)
            }
            _ => {}
        }
        for seen in facts.user_data() {
            self.story.push_back(StoryStep::Read {
                record,
                time: facts.time,
                seen: seen.clone(),
            });
        }
        self.tell_story(emit);
    }

    /// The capture ended at `at` (a saved file says when): what is still unanswered at the end
    /// is pending or timed out as of then.
    pub fn capture_ended(&mut self, at: f64) {
        self.ended_at = Some(at);
    }

    /// Settles what is still open and sums the log up.
    pub fn finish(mut self, mut emit: impl FnMut(Checked)) -> CheckSummary {
        let emit: &mut dyn FnMut(Checked) = &mut emit;
        let last = self.clock.unwrap_or(0.0);
        let now = self.ended_at.map_or(last, |end| end.max(last));
        while let Some(id) = self.waiting.pop_front() {
            let Some(exchange) = self.pairer.get(id) else {
                continue;
            };
            if !matches!(exchange.data, Stage::Waiting(_)) {
                continue;
            }
            match settled_state(exchange.requested_at, None, false, now) {
                ExchangeState::Pending => self.settle_pending(id, emit),
                _ => self.settle_unanswered(id, emit),
            }
        }
        self.tell_story(emit);
        let frames = self.pairer.frames();
        let mut summary = self.summary;
        let reference = |record: &Ref| RecordRef {
            frame: frames[record.frame as usize].key.clone(),
            seq: record.seq,
        };
        let mut findings = self
            .groups
            .circumstance_findings(reference, self.tab.recoveries());
        findings.extend(self.groups.findings(self.engine.options(), reference));
        findings.sort_by_key(|(finding, _)| finding.severity);
        summary.findings = findings
            .into_iter()
            .map(|(finding, count)| SampledFinding { finding, count })
            .collect();
        summary
    }

    fn reference(&self, record: Ref) -> RecordRef {
        RecordRef {
            frame: self.pairer.frames()[record.frame as usize].key.clone(),
            seq: record.seq,
        }
    }

    /// A request, subscribe or unsubscribe reaches Workspace: judged now, settled later.
    fn arrive(&mut self, frame: usize, facts: &Facts, emit: &mut dyn FnMut(Checked)) {
        let verdict = judge(&mut self.engine, facts);
        let record = Ref {
            frame: frame as u32,
            seq: facts.seq,
        };
        let write = match &facts.detail {
            Detail::Request {
                write: Some(write), ..
            } => write.interaction_id.as_ref().map(|id| (id, write)),
            _ => None,
        };
        // The keys a setUserData writes are the interaction's, whatever came of it: those no
        // app can read are hidden.
        if let Some((id, write)) = write.filter(|(_, write)| !write.delete) {
            for key in &write.keys {
                if !self.engine.options().read_allowed.allows(key) {
                    self.groups.add_hidden_write(id, key, record);
                }
            }
        }
        // Only an allowed write can change what the interaction holds.
        let write = write
            .filter(|_| verdict.is_allowed())
            .map(|(_, write)| write.clone());
        let arrival = Arrival {
            record,
            time: facts.time,
            name: facts.name.clone(),
            origin: facts.origin.clone(),
            at: facts.wall,
            verdict,
            circumstance: self.tab.circumstance(facts),
            write,
        };
        let Some(reference_id) = facts.reference_id.clone() else {
            // Not pairable: settled as it is.
            if let Some(write) = &arrival.write {
                let outcome = WriteOutcome::of(Some(&arrival.verdict), &Observed::Unpaired);
                self.story.push_back(StoryStep::Write {
                    write: write.clone(),
                    carried_out: CarriedOut::Known(outcome.carried_out),
                });
            }
            self.emit_request(&arrival, Observed::Unpaired, None, emit);
            return;
        };
        let client = self.pairer.sender(frame, facts);
        let write = arrival.write.clone();
        let id = self.pairer.open(
            client,
            &reference_id,
            facts.time,
            Stage::Waiting(Box::new(arrival)),
        );
        if let Some(write) = write {
            self.story.push_back(StoryStep::Write {
                write,
                carried_out: CarriedOut::WhenSettled(id),
            });
        }
        self.waiting.push_back(id);
        self.unanswered += 1;
        while self.unanswered > OPEN_EXCHANGE_LIMIT {
            let Some(oldest) = self.waiting.pop_front() else {
                break;
            };
            if self
                .pairer
                .get(oldest)
                .is_some_and(|e| matches!(e.data, Stage::Waiting(_)))
            {
                self.summary.closed_early += 1;
                self.settle_unanswered(oldest, emit);
            }
        }
    }

    /// Requests waiting for more than the client's 10 s at `now` get no answer.
    fn expire(&mut self, now: f64, emit: &mut dyn FnMut(Checked)) {
        while let Some(&id) = self.waiting.front() {
            let Some(exchange) = self.pairer.get(id) else {
                self.waiting.pop_front();
                continue;
            };
            if !matches!(exchange.data, Stage::Waiting(_)) {
                self.waiting.pop_front();
                continue;
            }
            if now - exchange.requested_at <= CLIENT_TIMEOUT_MS {
                break;
            }
            self.waiting.pop_front();
            self.settle_unanswered(id, emit);
        }
    }

    /// An answer: it settles the request it answers (or revises one settled without an answer).
    fn answer(&mut self, frame: usize, facts: &Facts, emit: &mut dyn FnMut(Checked)) {
        let (Detail::Response { error_message, .. }, Some(reference_id)) =
            (&facts.detail, &facts.reference_id)
        else {
            return;
        };
        let Some(choice) = self.pairer.choose(frame, facts.time, reference_id) else {
            return;
        };
        self.pairer.learn(frame, choice);
        let id = choice.exchange;
        let exchange = self.pairer.get_mut(id).expect("chosen among kept ones");
        let (arrival, revised) = match std::mem::replace(&mut exchange.data, Stage::Answered) {
            Stage::Answered => return,
            Stage::Waiting(arrival) => (arrival, false),
            Stage::Unanswered(arrival) => (arrival, true),
        };
        let (client, requested_at) = (exchange.client, exchange.requested_at);
        let now = self.clock.unwrap_or(facts.time).max(facts.time);
        let state =
            match settled_state(requested_at, Some(facts.time), error_message.is_some(), now) {
                // No timeout ran for a message sent without a callback.
                ExchangeState::Late if !awaits_answer(&arrival.name) => ExchangeState::Answered,
                state => state,
            };
        let observed = observed_of(state, error_message.as_deref());
        self.pairer.answered(id);
        if let Detail::Response {
            flag: Some(flag), ..
        } = &facts.detail
        {
            let record = self.reference(Ref {
                frame: frame as u32,
                seq: facts.seq,
            });
            self.tab.answered(&arrival.name, *flag, record);
        }
        self.answered_clients.insert(client);
        self.answered_names.insert((client, arrival.name.clone()));
        if let Some(error) = error_message {
            let evidence = self.reference(arrival.record);
            if let Some(quarantine) = Announced::of(arrival.at, &evidence, error) {
                let (name, since) = (quarantine.request.clone(), quarantine.since);
                let list = self.announced.entry(name.clone()).or_default();
                let position = list.partition_point(|q| q.since <= since);
                list.insert(position, quarantine);
                self.prune_announced(&name, since);
            }
        }
        let carried_out = WriteOutcome::of(Some(&arrival.verdict), &observed).carried_out;
        if revised {
            // The story took the write as not carried out at its 10 s; it is from now on.
            if let (Some(write), true) = (&arrival.write, carried_out) {
                self.story.push_back(StoryStep::Write {
                    write: write.clone(),
                    carried_out: CarriedOut::Known(true),
                });
            }
            self.revise(&arrival, observed, emit);
        } else {
            self.unanswered -= 1;
            self.settled.push_back(id);
            self.forget_oldest_settled();
            if arrival.write.is_some() {
                self.write_outcomes.insert(id, carried_out);
            }
            self.emit_request(&arrival, observed, None, emit);
        }
    }

    /// A request without an answer after 10 s (or at the end, or closed early).
    fn settle_unanswered(&mut self, id: u64, emit: &mut dyn FnMut(Checked)) {
        let Some(exchange) = self.pairer.get_mut(id) else {
            return;
        };
        let Stage::Waiting(arrival) = std::mem::replace(&mut exchange.data, Stage::Answered) else {
            return;
        };
        let client = exchange.client;
        self.unanswered -= 1;
        if !awaits_answer(&arrival.name) {
            // Sent without a callback (`unsubscribe`): nothing waited, nothing timed out.
            self.emit_request(&arrival, Observed::NotAwaited, None, emit);
            if let Some(exchange) = self.pairer.get_mut(id) {
                exchange.data = Stage::Unanswered(arrival);
            }
            self.settled.push_back(id);
            self.forget_oldest_settled();
            return;
        }
        let quarantine = self
            .announced
            .get(&arrival.name)
            .and_then(|list| list.iter().find(|q| q.covers(&arrival.name, arrival.at)));
        let cause = cause_of(
            arrival.circumstance.as_ref(),
            quarantine,
            Some(AnswersSeen {
                client: self.answered_clients.contains(&client),
                name: self
                    .answered_names
                    .contains(&(client, arrival.name.clone())),
            }),
        );
        if arrival.write.is_some() {
            let outcome = WriteOutcome::of(Some(&arrival.verdict), &Observed::NoAnswer);
            self.write_outcomes.insert(id, outcome.carried_out);
        }
        self.emit_request(&arrival, Observed::NoAnswer, Some(cause), emit);
        self.prune_announced(&arrival.name, arrival.at);
        if let Some(exchange) = self.pairer.get_mut(id) {
            exchange.data = Stage::Unanswered(arrival);
        }
        self.settled.push_back(id);
        self.forget_oldest_settled();
    }

    /// A request still waiting at the end, less than 10 s before it.
    fn settle_pending(&mut self, id: u64, emit: &mut dyn FnMut(Checked)) {
        let Some(exchange) = self.pairer.get_mut(id) else {
            return;
        };
        let Stage::Waiting(arrival) = std::mem::replace(&mut exchange.data, Stage::Answered) else {
            return;
        };
        self.unanswered -= 1;
        if arrival.write.is_some() {
            let outcome = WriteOutcome::of(Some(&arrival.verdict), &Observed::Pending);
            self.write_outcomes.insert(id, outcome.carried_out);
        }
        let observed = if awaits_answer(&arrival.name) {
            Observed::Pending
        } else {
            Observed::NotAwaited
        };
        self.emit_request(&arrival, observed, None, emit);
    }

    /// Announced quarantines that ended long before `at` can cover no request still to settle
    /// (requests settle in about arrival order); one without end covers every later one, so the
    /// later ones are never the first to match.
    fn prune_announced(&mut self, name: &str, at: f64) {
        let Some(list) = self.announced.get_mut(name) else {
            return;
        };
        // A margin for requests settled a little out of arrival order.
        let horizon = at - 2.0 * CLIENT_TIMEOUT_MS;
        list.retain(|q| q.until.is_none_or(|until| until > horizon));
        if let Some(first_forever) = list.iter().position(|q| q.until.is_none()) {
            list.truncate(first_forever + 1);
        }
    }

    /// Keeps the latest settled exchanges only: older ones can no longer be answered.
    fn forget_oldest_settled(&mut self) {
        while self.settled.len() > SETTLED_KEPT {
            let Some(oldest) = self.settled.pop_front() else {
                break;
            };
            self.pairer.close(oldest);
        }
    }

    fn request_check(
        &self,
        arrival: &Arrival,
        observed: Observed,
        inferred: Option<InferredCause>,
    ) -> RequestCheck {
        RequestCheck {
            record: self.reference(arrival.record),
            name: arrival.name.clone(),
            origin: arrival.origin.clone(),
            at: arrival.at,
            agreement: explain(
                compare(&arrival.name, &arrival.verdict, &observed),
                &arrival.name,
                inferred.as_ref(),
            ),
            verdict: Some(arrival.verdict.clone()),
            observed,
            inferred,
            circumstance: arrival.circumstance.clone().map(Box::new),
        }
    }

    fn emit_request(
        &mut self,
        arrival: &Arrival,
        observed: Observed,
        inferred: Option<InferredCause>,
        emit: &mut dyn FnMut(Checked),
    ) {
        let check = self.request_check(arrival, observed, inferred);
        let summary = &mut self.summary;
        summary.requests += 1;
        *summary
            .by_verdict
            .entry(arrival.verdict.label().to_owned())
            .or_default() += 1;
        *summary
            .by_observed
            .entry(check.observed.label().to_owned())
            .or_default() += 1;
        *agreement_count(summary, &check.agreement) += 1;
        self.groups.add_request(&check, arrival.record);
        emit(Checked::Request {
            time: arrival.time,
            check,
            revised: false,
        });
    }

    /// A request handed on as without an answer got a late one.
    fn revise(&mut self, arrival: &Arrival, observed: Observed, emit: &mut dyn FnMut(Checked)) {
        let before = compare(&arrival.name, &arrival.verdict, &Observed::NoAnswer);
        let check = self.request_check(arrival, observed, None);
        let summary = &mut self.summary;
        summary.revised += 1;
        if let Some(count) = summary.by_observed.get_mut(Observed::NoAnswer.label()) {
            *count = count.saturating_sub(1);
        }
        *summary
            .by_observed
            .entry(check.observed.label().to_owned())
            .or_default() += 1;
        let count = agreement_count(summary, &before);
        *count = count.saturating_sub(1);
        *agreement_count(summary, &check.agreement) += 1;
        self.groups
            .revise_agreement(&before, &check.agreement, arrival.record);
        emit(Checked::Request {
            time: arrival.time,
            check,
            revised: true,
        });
    }

    /// Walks the writes and reads whose turn has come: a read waits for the writes before it.
    fn tell_story(&mut self, emit: &mut dyn FnMut(Checked)) {
        while let Some(step) = self.story.front() {
            match step {
                StoryStep::Write { carried_out, .. } => {
                    let carried_out = match *carried_out {
                        CarriedOut::Known(known) => known,
                        CarriedOut::WhenSettled(id) => match self.write_outcomes.remove(&id) {
                            Some(known) => known,
                            None => return,
                        },
                    };
                    let Some(StoryStep::Write { write, .. }) = self.story.pop_front() else {
                        unreachable!("the front is a write");
                    };
                    self.holdings.write(&write, carried_out);
                }
                StoryStep::Read { .. } => {
                    let Some(StoryStep::Read { record, time, seen }) = self.story.pop_front()
                    else {
                        unreachable!("the front is a read");
                    };
                    let reference = self.reference(record);
                    let check = self
                        .holdings
                        .read(&reference, &seen, Some(self.engine.options()));
                    self.summary.reads += 1;
                    let hides = !check.hidden.is_empty();
                    let delivers = !check.unreadable_delivered.is_empty();
                    self.summary.reads_hiding += u64::from(hides);
                    self.summary.reads_disagreeing += u64::from(delivers);
                    self.groups.add_read(&check, record);
                    if hides || delivers {
                        emit(Checked::Read { time, check });
                    }
                }
            }
        }
    }
}

fn agreement_count<'a>(summary: &'a mut CheckSummary, agreement: &Agreement) -> &'a mut u64 {
    match agreement {
        Agreement::Agrees => &mut summary.agrees,
        Agreement::Disagrees { .. } => &mut summary.disagrees,
        Agreement::Undecided => &mut summary.undecided,
        Agreement::Explained { .. } => &mut summary.explained,
    }
}

#[cfg(test)]
mod tests;
