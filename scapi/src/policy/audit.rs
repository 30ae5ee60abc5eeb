//! The policy applied to a capture: for each request what Workspace does under the pasted options
//! and why; for each result and event which `userData` keys read-allowed hides; what the capture
//! shows instead, where it disagrees; and, without options, what the capture itself says of the
//! options in force.

use super::engine::{Expected, PolicyEngine, Verdict};
use super::finding_groups::{hidden_keys_finding, PolicyFindingGroups};
use super::limiter::{window_of, window_start, LimitKind};
use super::options::{
    WorkspaceOptions, ACCEPTED_ORIGINS, QUARANTINE_DELAY, RATE_LIMIT, READ_ALLOWED, WRITE_ALLOWED,
};
use super::origins::JWT_REQUEST;
use crate::circumstance::{Circumstance, TabState};
use crate::correlate::NONE;
use crate::correlate::{Client, Correlation, Exchange, ExchangeState, RecordRef};
use crate::facts::{as_refs, facts_of, Detail, Facts, UserDataSeen, UserDataWrite};
use crate::findings::{Finding, FindingCode, Severity};
use crate::job::{chunk, passes_progress, Budget, FactsSource, Shredder, TimeOrder};
use crate::rate_limit::{parse_rate_limit, RateLimitError};
use crate::record::{FrameInfo, Record};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// Everything the policy says of a capture.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyAudit {
    /// Whether options were given (verdicts exist only then).
    pub with_options: bool,
    /// Every request, subscribe and unsubscribe Workspace received, in arrival order.
    pub requests: Vec<RequestCheck>,
    /// Every result and event that carried `userData`.
    pub reads: Vec<ReadCheck>,
    /// Per request name: counts per window, limit, hits, quarantines.
    pub rates: Vec<RateUsage>,
    /// Per interaction: keys written, read, hidden, refused.
    pub interactions: Vec<InteractionKeys>,
    pub inferred: Inference,
    pub findings: Vec<Finding>,
    /// Realtime outages that ended: the record that began each and the one that said it was back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub realtime_recoveries: Vec<(RecordRef, RecordRef)>,
}

impl PolicyAudit {
    /// The check of a request record.
    pub fn request(&self, record: &RecordRef) -> Option<&RequestCheck> {
        self.requests.iter().find(|check| &check.record == record)
    }

    /// The check of a result or event record.
    pub fn read(&self, record: &RecordRef) -> Option<&ReadCheck> {
        self.reads.iter().find(|check| &check.record == record)
    }
}

/// What became of one request, and what the options say should have.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RequestCheck {
    pub record: RecordRef,
    /// The request name, `subscribe` or `unsubscribe`.
    pub name: String,
    /// The sender's origin.
    pub origin: String,
    /// Arrival at Workspace (wall clock, epoch ms): what rate windows count.
    pub at: f64,
    /// What Workspace does under the pasted options; `None` without options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    pub observed: Observed,
    pub agreement: Agreement,
    /// For a request that got no answer: the probable reason, read off the capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<InferredCause>,
    /// What held when it was sent (a follower tab, the realtime connection down, …), whatever
    /// came of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circumstance: Option<Box<Circumstance>>,
}

/// What the capture shows for a request.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "observed",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Observed {
    Answered,
    Failed {
        error_message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rate_limit: Option<RateLimitError>,
    },
    /// No answer within the client's 10 s.
    NoAnswer,
    /// Answered after the client had given up.
    Late,
    /// Less than 10 s old at the end of the capture, no answer yet.
    Pending,
    /// Not pairable (no referenceId).
    Unpaired,
    /// Sent without a callback (`unsubscribe`): no answer is awaited.
    NotAwaited,
}

impl Observed {
    pub fn label(&self) -> &'static str {
        match self {
            Observed::Answered => "answered",
            Observed::Failed {
                rate_limit: Some(_),
                ..
            } => "rate-limit error",
            Observed::Failed { .. } => "error",
            Observed::NoAnswer => "no answer",
            Observed::Late => "late answer",
            Observed::Pending => "pending",
            Observed::Unpaired => "not paired",
            Observed::NotAwaited => "no answer awaited",
        }
    }
}

/// Expected against observed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "agreement",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Agreement {
    /// What the capture shows is what the options predict.
    Agrees,
    /// It is not: `why` says what differs and what it means.
    Disagrees { why: String },
    /// Not what the options predict, but the capture shows why, and it is not the options:
    /// `why` says what (a follower tab, the realtime connection down, an unknown name, a
    /// message posted to the app's own window).
    Explained { why: String },
    /// Nothing to compare: no options, or no outcome yet.
    Undecided,
}

/// The probable reason a request got no answer, read off the capture alone.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "cause",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum InferredCause {
    /// Within the quarantine a rate-limit error announced.
    InQuarantine {
        since: f64,
        until: Option<f64>,
        evidence: RecordRef,
    },
    /// This app never got any answer: its origin is probably not accepted.
    OriginProbablyRefused,
    /// This app got answers to other requests but never to this one: probably outside its
    /// origin's filter (for `auth.getJwtToken`: not named explicitly).
    ProbablyOutsideFilter,
    /// What the capture shows around the request explains it: sent to the app's own window,
    /// an unknown name, a follower tab, the realtime connection down.
    Circumstance(Circumstance),
    /// No pattern explains it.
    Unexplained,
}

/// The `userData` of one result or event.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReadCheck {
    pub record: RecordRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<String>,
    /// Keys delivered (shared with the record's facts).
    pub present: Arc<[String]>,
    /// Keys the interaction has (written or seen before) that read-allowed hides here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
    /// Keys delivered although the pasted read-allowed hides them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable_delivered: Vec<String>,
    /// Keys written successfully, never deleted, and absent here: probably hidden by read-allowed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probably_hidden: Vec<String>,
}

/// A request name's use of its rate limit.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RateUsage {
    pub request: String,
    /// The per-request limit from the options (0 = none), and the global one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_limit: Option<u32>,
    /// The limit read off a rate-limit error, without options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred_limit: Option<u32>,
    pub windows: Vec<WindowUsage>,
    /// Requests that got (or, under the options, get) the rate-limit error.
    pub hits: Vec<RecordRef>,
    pub quarantines: Vec<QuarantineSpan>,
}

/// Requests of one name arriving in one fixed minute.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WindowUsage {
    /// Window start, epoch ms.
    pub start: f64,
    /// Requests that arrived in it.
    pub arrived: u32,
    /// Of those, carried out (allowed by the options; without options: answered).
    pub counted: u32,
}

/// A quarantine on the timeline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct QuarantineSpan {
    pub since: f64,
    /// `None`: until Workspace reloads.
    pub until: Option<f64>,
    /// The request that started it.
    pub record: RecordRef,
    /// Predicted by the options (true) or announced by an error in the capture (false).
    pub predicted: bool,
}

/// One interaction's keys across the capture.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InteractionKeys {
    pub interaction_id: String,
    /// Keys apps wrote (setUserData), with the writing requests.
    pub written: BTreeMap<String, Vec<RecordRef>>,
    /// Keys deleted (deleteUserData).
    pub deleted: BTreeSet<String>,
    /// Keys seen in results and events.
    pub read: BTreeSet<String>,
    /// Keys read-allowed hides (by the options).
    pub hidden: BTreeSet<String>,
    /// Keys written but never seen again (without options: probably hidden).
    pub probably_hidden: BTreeSet<String>,
    /// Keys whose write is refused (by the options) or failed.
    pub refused: BTreeSet<String>,
}

/// Options read off the capture.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Inference {
    pub limits: Vec<InferredLimit>,
    /// Origins that got answers (so are accepted), and those that never did.
    pub answered_origins: BTreeSet<String>,
    pub silent_origins: BTreeSet<String>,
    /// Keys probably outside read-allowed / write-allowed.
    pub unreadable_keys: BTreeSet<String>,
    pub unwritable_keys: BTreeSet<String>,
    /// The above as option lines, each with why.
    pub options_text: String,
}

/// A rate limit read off an error.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InferredLimit {
    pub request: String,
    /// Requests of that name carried out in the error's window before it: the per-request limit
    /// if that is the one reached (a lower bound when the capture started mid-window).
    pub request_count: u32,
    /// Requests of any name carried out in that window before it: the global limit if that is
    /// the one reached.
    pub all_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine_seconds: Option<u64>,
    pub forever: bool,
    pub evidence: RecordRef,
}

/// One request as the audit walks them.
#[derive(Debug)]
struct Arrival {
    /// What held when it was sent (see [`crate::circumstance`]).
    circumstance: Option<Circumstance>,
    record: RecordRef,
    name: String,
    origin: String,
    at: f64,
    /// Its record's position.
    position: u32,
    /// Its exchange (index into the correlation's).
    exchange: Option<u32>,
}

/// Applies the options (when given) to a capture.
pub fn audit(
    frames: &[FrameInfo],
    records: &[(usize, &Record)],
    correlation: &Correlation,
    options: Option<&WorkspaceOptions>,
) -> PolicyAudit {
    audit_facts(frames, &as_refs(&facts_of(records)), correlation, options)
}

/// [`audit`] over the facts of the records.
pub fn audit_facts(
    frames: &[FrameInfo],
    records: &[(usize, &Facts)],
    correlation: &Correlation,
    options: Option<&WorkspaceOptions>,
) -> PolicyAudit {
    let reference = |frame: usize, record: &Facts| RecordRef {
        frame: frames[frame].key.clone(),
        seq: record.seq,
    };
    let mut by_ref: HashMap<RecordRef, u32> = HashMap::new();
    for (index, exchange) in correlation.exchanges.iter().enumerate() {
        for record in exchange.request.iter().chain(&exchange.responses) {
            by_ref.insert(record.clone(), index as u32);
        }
    }
    let exchange_of = records
        .iter()
        .map(|&(frame, record)| {
            by_ref
                .get(&reference(frame, record))
                .copied()
                .unwrap_or(NONE)
        })
        .collect();
    let mut order: Vec<u32> = (0..records.len() as u32).collect();
    order.sort_by(|&a, &b| {
        records[a as usize]
            .1
            .time
            .total_cmp(&records[b as usize].1.time)
    });
    let calls = records.iter().filter(|(_, r)| r.kind().is_call()).count();
    let mut job = AuditJob::new(frames, order, exchange_of, calls, options);
    while !job.step(records, correlation, &mut Budget::unlimited()) {}
    job.finish()
}

/// [`audit_facts`] a bounded amount of work at a time ([`AuditJob::step`]), after the pairing
/// (whose time order and exchange per record it reuses). The same records and correlation must
/// be given at every step.
#[derive(Debug)]
pub(crate) struct AuditJob {
    frames: Vec<FrameInfo>,
    options: Option<WorkspaceOptions>,
    engine: Option<PolicyEngine>,
    /// Record positions in time order.
    order: Vec<u32>,
    exchange_of: Vec<u32>,
    phase: AuditPhase,
    tab: TabState,
    /// Arrivals in time order.
    arrivals: Vec<Arrival>,
    /// Arrivals in order of arrival at Workspace (wall clock), once sorted.
    arrival_order: TimeOrder,
    /// `userData` reads the walk saw coming.
    reads_expected: usize,
    trash: Shredder,
    announced: Vec<Announced>,
    answers: AnswerIndex,
    requests: Vec<RequestCheck>,
    /// The request check of each record (by position).
    check_of: Vec<u32>,
    interactions: BTreeMap<String, InteractionKeys>,
    holdings: Holdings,
    reads: Vec<ReadCheck>,
    rates: RateCount,
    window_counts: WindowCounts,
    inference: Inference,
    groups: PolicyFindingGroups<RecordRef>,
    audit: Option<PolicyAudit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuditPhase {
    Walk(usize),
    SortArrivals,
    Announced(usize),
    Answers(usize),
    Judge(usize),
    UserData(usize),
    Rates(usize),
    Limits(usize),
    Answered(usize),
    Silent(usize),
    Groups(usize),
    Reads(usize),
    Done,
}

impl AuditJob {
    pub(crate) fn new(
        frames: &[FrameInfo],
        order: Vec<u32>,
        exchange_of: Vec<u32>,
        calls: usize,
        options: Option<&WorkspaceOptions>,
    ) -> AuditJob {
        let count = order.len();
        AuditJob {
            frames: frames.to_vec(),
            options: options.cloned(),
            engine: options.cloned().map(PolicyEngine::new),
            order,
            exchange_of,
            phase: AuditPhase::Walk(0),
            tab: TabState::default(),
            arrivals: Vec::with_capacity(calls),
            arrival_order: TimeOrder::default(),
            reads_expected: 0,
            trash: Shredder::default(),
            announced: Vec::new(),
            answers: AnswerIndex::default(),
            requests: Vec::new(),
            check_of: vec![NONE; count],
            interactions: BTreeMap::new(),
            holdings: Holdings::default(),
            reads: Vec::new(),
            rates: RateCount::default(),
            window_counts: WindowCounts::default(),
            inference: Inference::default(),
            groups: PolicyFindingGroups::new(usize::MAX),
            audit: None,
        }
    }

    /// Work units done so far and in all (about), for a progress bar.
    pub(crate) fn progress(&self) -> (usize, usize) {
        let n = self.order.len();
        let calls = self.arrivals.len().max(self.requests.len());
        let reads = self.audit.as_ref().map_or(0, |audit| audit.reads.len());
        let (index, at, len) = match self.phase {
            AuditPhase::Walk(at) => (0, at, n),
            AuditPhase::SortArrivals => (1, 0, n),
            AuditPhase::Announced(at) => (2, at, calls),
            AuditPhase::Answers(at) => (3, at, calls),
            AuditPhase::Judge(at) => (4, at, calls),
            AuditPhase::UserData(at) => (5, at, n),
            AuditPhase::Rates(at) => (6, at, calls),
            AuditPhase::Limits(at) => (7, at, calls),
            AuditPhase::Answered(at) => (8, at, calls),
            AuditPhase::Silent(at) => (9, at, calls),
            AuditPhase::Groups(at) => (10, at, calls),
            AuditPhase::Reads(at) => (11, at, reads),
            AuditPhase::Done => (12, 0, n),
        };
        passes_progress(index, at, len, n, Self::PASSES)
    }

    /// The passes [`AuditJob::progress`] counts.
    pub(crate) const PASSES: usize = 12;

    /// Audits on within the budget; `true` once done.
    pub(crate) fn step<R: FactsSource + ?Sized>(
        &mut self,
        records: &R,
        correlation: &Correlation,
        budget: &mut Budget,
    ) -> bool {
        let n = self.order.len();
        loop {
            if budget.is_spent() && (self.phase != AuditPhase::Done || !self.trash.is_empty()) {
                return false;
            }
            if !self.trash.is_empty() {
                self.trash.step(budget);
                continue;
            }
            let calls = self.arrivals.len().max(self.requests.len());
            match self.phase {
                AuditPhase::Walk(at) => {
                    let range = chunk(at, n, budget);
                    for index in range.clone() {
                        let position = self.order[index];
                        self.walk(records, correlation, position);
                    }
                    self.phase = if range.end < n {
                        AuditPhase::Walk(range.end)
                    } else {
                        self.arrival_order = TimeOrder::new(self.arrivals.len());
                        AuditPhase::SortArrivals
                    };
                }
                // Rate windows count in arrival order at Workspace, on its wall clock.
                AuditPhase::SortArrivals => {
                    let arrivals = &self.arrivals;
                    if self
                        .arrival_order
                        .step(|index| arrivals[index as usize].at, budget)
                    {
                        self.phase = AuditPhase::Announced(0);
                    }
                }
                AuditPhase::Announced(at) => {
                    let range = chunk(at, calls, budget);
                    for &index in &self.arrival_order.order()[range.clone()] {
                        let arrival = &self.arrivals[index as usize];
                        let error = arrival.exchange.and_then(|e| {
                            correlation.exchanges[e as usize].error_message.as_deref()
                        });
                        if let Some(quarantine) = error
                            .and_then(|error| Announced::of(arrival.at, &arrival.record, error))
                        {
                            self.announced.push(quarantine);
                        }
                    }
                    self.phase = if range.end < calls {
                        AuditPhase::Announced(range.end)
                    } else {
                        AuditPhase::Answers(0)
                    };
                }
                AuditPhase::Answers(at) => {
                    let total = correlation.exchanges.len();
                    let range = chunk(at, total, budget);
                    for exchange in &correlation.exchanges[range.clone()] {
                        self.answers.add(exchange);
                    }
                    self.phase = if range.end < total {
                        AuditPhase::Answers(range.end)
                    } else {
                        self.requests = Vec::with_capacity(calls);
                        AuditPhase::Judge(0)
                    };
                }
                AuditPhase::Judge(at) => {
                    let range = chunk(at, calls, budget);
                    for &index in &self.arrival_order.order()[range.clone()] {
                        let arrival = &self.arrivals[index as usize];
                        let facts = records.at(arrival.position as usize).1;
                        let exchange = arrival.exchange.map(|e| &correlation.exchanges[e as usize]);
                        let verdict = self.engine.as_mut().map(|engine| judge(engine, facts));
                        let observed = observe(exchange);
                        let inferred = matches!(observed, Observed::NoAnswer).then(|| {
                            infer_cause(arrival, exchange, &self.announced, &self.answers)
                        });
                        let agreement = match &verdict {
                            Some(verdict) => explain(
                                compare(&arrival.name, verdict, &observed),
                                &arrival.name,
                                inferred.as_ref(),
                            ),
                            None => Agreement::Undecided,
                        };
                        self.check_of[arrival.position as usize] = self.requests.len() as u32;
                        self.requests.push(RequestCheck {
                            record: arrival.record.clone(),
                            name: arrival.name.clone(),
                            origin: arrival.origin.clone(),
                            at: arrival.at,
                            verdict,
                            observed,
                            agreement,
                            inferred,
                            circumstance: arrival.circumstance.clone().map(Box::new),
                        });
                    }
                    self.phase = if range.end < calls {
                        AuditPhase::Judge(range.end)
                    } else {
                        self.trash.add(std::mem::take(&mut self.arrivals));
                        self.reads.reserve(self.reads_expected);
                        AuditPhase::UserData(0)
                    };
                }
                // Writes and reads in time order: which keys each interaction has, which each
                // read hides.
                AuditPhase::UserData(at) => {
                    let range = chunk(at, n, budget);
                    for index in range.clone() {
                        let position = self.order[index];
                        self.user_data_of(records, position);
                    }
                    if range.end < n {
                        self.phase = AuditPhase::UserData(range.end);
                    } else {
                        settle_interactions(&mut self.interactions, self.options.as_ref());
                        self.trash.add(std::mem::take(&mut self.holdings.held));
                        self.phase = AuditPhase::Rates(0);
                    }
                }
                AuditPhase::Rates(at) => {
                    let range = chunk(at, calls, budget);
                    for check in &self.requests[range.clone()] {
                        self.rates.add(check, self.options.as_ref());
                    }
                    self.phase = if range.end < calls {
                        AuditPhase::Rates(range.end)
                    } else {
                        AuditPhase::Limits(0)
                    };
                }
                AuditPhase::Limits(at) => {
                    let range = chunk(at, calls, budget);
                    for check in &self.requests[range.clone()] {
                        infer_limit(&mut self.inference, &mut self.window_counts, check);
                    }
                    self.phase = if range.end < calls {
                        AuditPhase::Limits(range.end)
                    } else {
                        AuditPhase::Answered(0)
                    };
                }
                AuditPhase::Answered(at) => {
                    let range = chunk(at, calls, budget);
                    for check in &self.requests[range.clone()] {
                        if matches!(
                            check.observed,
                            Observed::Answered | Observed::Failed { .. } | Observed::Late
                        ) && !self.inference.answered_origins.contains(&check.origin)
                        {
                            self.inference.answered_origins.insert(check.origin.clone());
                        }
                    }
                    self.phase = if range.end < calls {
                        AuditPhase::Answered(range.end)
                    } else {
                        AuditPhase::Silent(0)
                    };
                }
                AuditPhase::Silent(at) => {
                    let range = chunk(at, calls, budget);
                    for check in &self.requests[range.clone()] {
                        if matches!(check.observed, Observed::NoAnswer)
                            && !self.inference.answered_origins.contains(&check.origin)
                            && !self.inference.silent_origins.contains(&check.origin)
                        {
                            self.inference.silent_origins.insert(check.origin.clone());
                        }
                    }
                    if range.end < calls {
                        self.phase = AuditPhase::Silent(range.end);
                    } else {
                        let interactions: Vec<InteractionKeys> =
                            std::mem::take(&mut self.interactions)
                                .into_values()
                                .collect();
                        finish_inference(&mut self.inference, &interactions);
                        let rates = std::mem::take(&mut self.rates).finish(&self.announced);
                        self.audit = Some(PolicyAudit {
                            with_options: self.options.is_some(),
                            requests: std::mem::take(&mut self.requests),
                            reads: std::mem::take(&mut self.reads),
                            rates,
                            interactions,
                            inferred: std::mem::take(&mut self.inference),
                            findings: Vec::new(),
                            realtime_recoveries: self.tab.recoveries().to_vec(),
                        });
                        self.phase = AuditPhase::Groups(0);
                    }
                }
                // The groups the streaming checker fills too, here with every record.
                AuditPhase::Groups(at) => {
                    let audit = self.audit.as_ref().expect("made before");
                    let range = chunk(at, audit.requests.len(), budget);
                    for check in &audit.requests[range.clone()] {
                        self.groups.add_request(check, check.record.clone());
                    }
                    self.phase = if range.end < audit.requests.len() {
                        AuditPhase::Groups(range.end)
                    } else {
                        AuditPhase::Reads(0)
                    };
                }
                AuditPhase::Reads(at) => {
                    let audit = self.audit.as_mut().expect("made before");
                    let total = if self.options.is_some() {
                        audit.reads.len()
                    } else {
                        0
                    };
                    let range = chunk(at, total, budget);
                    for read in &audit.reads[range.clone()] {
                        self.groups.add_read(read, read.record.clone());
                    }
                    if range.end < total {
                        self.phase = AuditPhase::Reads(range.end);
                    } else {
                        let groups = std::mem::replace(
                            &mut self.groups,
                            PolicyFindingGroups::new(usize::MAX),
                        );
                        audit.findings = policy_findings(groups, audit, self.options.as_ref());
                        self.phase = AuditPhase::Done;
                    }
                }
                AuditPhase::Done => return true,
            }
        }
    }

    /// The audit, once [`AuditJob::step`] said it is done.
    pub(crate) fn finish(self) -> PolicyAudit {
        self.audit.unwrap_or_default()
    }

    /// One record, in time order: the tab's state, and an arrival for a request.
    fn walk<R: FactsSource + ?Sized>(
        &mut self,
        records: &R,
        correlation: &Correlation,
        position: u32,
    ) {
        let (frame, record) = records.at(position as usize);
        let is_call = record.kind().is_call();
        let flag = match &record.detail {
            Detail::Response {
                flag: Some(flag), ..
            } => Some(*flag),
            _ => None,
        };
        let says_state = matches!(&record.detail, Detail::Event { state: Some(_), .. });
        self.reads_expected += record.user_data().len();
        if !is_call && flag.is_none() && !says_state {
            // Nothing here for the tab's state or the requests.
            return;
        }
        let this = RecordRef {
            frame: self.frames[frame].key.clone(),
            seq: record.seq,
        };
        if says_state {
            self.tab.observe(this.clone(), record);
        }
        let exchange = self.exchange_of[position as usize];
        let exchange = (exchange != NONE).then_some(exchange);
        if let (Some(flag), Some(exchange)) = (flag, exchange) {
            if let Some(name) = &correlation.exchanges[exchange as usize].name {
                self.tab.answered(name, flag, this.clone());
            }
        }
        if !is_call {
            return;
        }
        self.arrivals.push(Arrival {
            circumstance: self.tab.circumstance(record),
            name: record.name.clone(),
            origin: record.origin.clone(),
            at: record.wall,
            position,
            exchange,
            record: this,
        });
    }

    /// One record, in time order: a write, or the reads of a result or event.
    fn user_data_of<R: FactsSource + ?Sized>(&mut self, records: &R, position: u32) {
        let (frame, record) = records.at(position as usize);
        let this = || RecordRef {
            frame: self.frames[frame].key.clone(),
            seq: record.seq,
        };
        match &record.detail {
            Detail::Request { write, .. } => {
                let check = self.check_of[position as usize];
                if check == NONE {
                    return;
                }
                let check = &self.requests[check as usize];
                let outcome = WriteOutcome::of(check.verdict.as_ref(), &check.observed);
                let Some(write) = write else {
                    return;
                };
                let Some(id) = &write.interaction_id else {
                    return;
                };
                let this = this();
                let entry = interaction(&mut self.interactions, id);
                for key in &write.keys {
                    if !write.delete {
                        match entry.written.get_mut(key) {
                            Some(writes) => writes.push(this.clone()),
                            None => {
                                entry.written.insert(key.clone(), vec![this.clone()]);
                            }
                        }
                    }
                    if outcome.refused {
                        add_keys(&mut entry.refused, [key]);
                    } else if outcome.carried_out && write.delete {
                        add_keys(&mut entry.deleted, [key]);
                    }
                }
                self.holdings.write(write, outcome.carried_out);
            }
            Detail::Response { user_data, .. } | Detail::Event { user_data, .. } => {
                if user_data.is_empty() {
                    return;
                }
                let this = this();
                for seen in user_data {
                    let read = self.holdings.read(&this, seen, self.options.as_ref());
                    if let Some(id) = &read.interaction_id {
                        let entry = interaction(&mut self.interactions, id);
                        add_keys(&mut entry.read, read.present.iter());
                        add_keys(&mut entry.hidden, &read.hidden);
                        add_keys(&mut entry.probably_hidden, &read.probably_hidden);
                    }
                    self.reads.push(read);
                }
            }
            _ => {}
        }
    }
}

/// What Workspace does with a request, subscribe or unsubscribe (these: by origin only), judged
/// at its arrival on Workspace's wall clock.
pub(crate) fn judge(engine: &mut PolicyEngine, call: &Facts) -> Verdict {
    match &call.detail {
        Detail::Request { write, .. } => {
            engine.judge_write(&call.origin, &call.name, write.as_ref(), call.wall)
        }
        _ => match engine.origin_verdict(&call.origin) {
            Ok(rule) => Verdict::Allowed {
                rule,
                pattern: None,
                counted: None,
            },
            Err(refused) => refused,
        },
    }
}

fn observe(exchange: Option<&Exchange>) -> Observed {
    match exchange {
        Some(exchange) => observed_of(exchange.state, exchange.error_message.as_deref()),
        None => Observed::Unpaired,
    }
}

/// What the capture shows of a request whose exchange stands in `state`, with the failure text
/// of its first answer.
pub(crate) fn observed_of(state: ExchangeState, error_message: Option<&str>) -> Observed {
    match state {
        ExchangeState::Answered => Observed::Answered,
        ExchangeState::Failed => {
            let error_message = error_message.unwrap_or_default().to_owned();
            Observed::Failed {
                rate_limit: parse_rate_limit(&error_message),
                error_message,
            }
        }
        ExchangeState::TimedOut => Observed::NoAnswer,
        ExchangeState::Late => Observed::Late,
        ExchangeState::Pending => Observed::Pending,
        ExchangeState::Orphan => Observed::Unpaired,
        ExchangeState::Sent => Observed::NotAwaited,
    }
}

/// Expected against observed, with what a difference means.
pub(crate) fn compare(name: &str, verdict: &Verdict, observed: &Observed) -> Agreement {
    let disagrees = |why: String| Agreement::Disagrees { why };
    match (verdict.expected(), observed) {
        (_, Observed::Pending | Observed::Unpaired | Observed::NotAwaited) => {
            Agreement::Undecided
        }
        (Expected::Answer, Observed::Answered | Observed::Late) => Agreement::Agrees,
        (Expected::Answer, Observed::Failed { rate_limit: Some(limit), .. }) => disagrees(format!(
            "Workspace reported the rate limit for `{}`, but the pasted options allow this request: the options in force are not the ones pasted (a lower {} or {RATE_LIMIT}, or a count that started before the capture).",
            limit.request,
            LimitKind::Request.option_name(&limit.request)
        )),
        // A failure for another reason (a business error) is no policy matter.
        (Expected::Answer, Observed::Failed { .. }) => Agreement::Agrees,
        (Expected::Answer, Observed::NoAnswer) => disagrees(format!(
            "No answer, although the pasted options allow `{name}`: Workspace ignored it for a reason they do not give (origin or filter in force differ, or a quarantine from before the capture)."
        )),
        (Expected::Error { error_message }, Observed::Failed { error_message: seen, rate_limit }) => {
            let expected_limit = parse_rate_limit(&error_message);
            match (expected_limit, rate_limit) {
                (Some(expected), Some(seen_limit)) if expected.quarantine_seconds != seen_limit.quarantine_seconds || expected.forever != seen_limit.forever => disagrees(format!(
                    "The rate-limit error came as predicted, but it announces {} where the pasted {QUARANTINE_DELAY} gives {}.",
                    quarantine_words(seen_limit.quarantine_seconds, seen_limit.forever),
                    quarantine_words(expected.quarantine_seconds, expected.forever)
                )),
                (_, Some(_)) => Agreement::Agrees,
                _ => disagrees(format!(
                    "The options predict the rate-limit error; Workspace failed it with another error instead: {}",
                    seen.replace('\n', " ")
                )),
            }
        }
        (Expected::Error { .. }, Observed::Answered | Observed::Late) => disagrees(format!(
            "Answered, although the pasted options put `{name}` over its rate limit here: the limit in force is higher (or counted from another window start)."
        )),
        (Expected::Error { .. }, Observed::NoAnswer) => disagrees(
            "No answer where the options predict the explicit rate-limit error: the quarantine had probably started earlier (the error went to a request before the capture, or the limit in force is lower).".to_owned(),
        ),
        (Expected::NoAnswer, Observed::NoAnswer) => Agreement::Agrees,
        (Expected::NoAnswer, Observed::Answered | Observed::Late) => disagrees(format!(
            "Answered during the quarantine the pasted options predict: the quarantine delay or the limit in force differ (see {QUARANTINE_DELAY})."
        )),
        (Expected::NoAnswer, Observed::Failed { rate_limit: Some(_), .. }) => disagrees(
            "A new rate-limit error during the quarantine the pasted options predict: the quarantine in force is shorter.".to_owned(),
        ),
        (Expected::NoAnswer, Observed::Failed { .. }) => disagrees(
            "Failed with an error during a predicted quarantine, where Workspace stays silent.".to_owned(),
        ),
        (Expected::ErrorOrNoAnswer, Observed::Failed { .. } | Observed::NoAnswer) => Agreement::Agrees,
        (Expected::ErrorOrNoAnswer, Observed::Answered | Observed::Late) => disagrees(format!(
            "Answered, although the pasted options refuse it ({}): the options in force accept it.",
            verdict.label()
        )),
    }
}

fn quarantine_words(seconds: Option<u64>, forever: bool) -> String {
    match (forever, seconds) {
        (true, _) => "a quarantine until reload".to_owned(),
        (false, Some(seconds)) => format!("{seconds} s of quarantine"),
        (false, None) => "a quarantine of unstated length".to_owned(),
    }
}

/// A quarantine announced by a rate-limit error in the capture.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Announced {
    pub(crate) request: String,
    pub(crate) since: f64,
    pub(crate) until: Option<f64>,
    pub(crate) evidence: RecordRef,
}

impl Announced {
    /// The quarantine a request arriving `at` announces when `error_message` answers it.
    pub(crate) fn of(at: f64, evidence: &RecordRef, error_message: &str) -> Option<Announced> {
        let limit = parse_rate_limit(error_message)?;
        let seconds = limit
            .quarantine_seconds
            .unwrap_or(super::options::DEFAULT_QUARANTINE_SECONDS);
        Some(Announced {
            until: (!limit.forever).then_some(at + seconds as f64 * 1000.0),
            request: limit.request,
            since: at,
            evidence: evidence.clone(),
        })
    }

    /// Whether a request `name` arriving `at` falls in this quarantine.
    pub(crate) fn covers(&self, name: &str, at: f64) -> bool {
        self.request == name && self.since < at && self.until.is_none_or(|until| at < until)
    }
}

/// Which apps got answers, and to which request names: what tells a refused origin from a
/// filtered request.
#[derive(Debug, Default)]
struct AnswerIndex {
    clients: HashSet<Client>,
    names: HashSet<(Client, String)>,
}

impl AnswerIndex {
    fn add(&mut self, exchange: &Exchange) {
        let answered = matches!(
            exchange.state,
            ExchangeState::Answered | ExchangeState::Failed | ExchangeState::Late
        );
        if exchange.request.is_none() || !answered {
            return;
        }
        if !self.clients.contains(&exchange.client) {
            self.clients.insert(exchange.client.clone());
        }
        if let Some(name) = &exchange.name {
            let key = (exchange.client.clone(), name.clone());
            self.names.insert(key);
        }
    }
}

fn infer_cause(
    arrival: &Arrival,
    exchange: Option<&Exchange>,
    announced: &[Announced],
    answers: &AnswerIndex,
) -> InferredCause {
    let quarantine = announced
        .iter()
        .find(|q| q.covers(&arrival.name, arrival.at));
    let answered = exchange.map(|exchange| AnswersSeen {
        client: answers.clients.contains(&exchange.client),
        name: answers
            .names
            .contains(&(exchange.client.clone(), arrival.name.clone())),
    });
    cause_of(arrival.circumstance.as_ref(), quarantine, answered)
}

/// A disagreement the capture explains otherwise (see [`InferredCause::Circumstance`]) is no
/// fault of the options.
pub(crate) fn explain(
    agreement: Agreement,
    name: &str,
    cause: Option<&InferredCause>,
) -> Agreement {
    match (agreement, cause) {
        (Agreement::Disagrees { .. }, Some(InferredCause::Circumstance(circumstance))) => {
            Agreement::Explained {
                why: circumstance.why(name),
            }
        }
        (agreement, _) => agreement,
    }
}

/// What the capture shows of the answers an app got, for telling why one of its requests got
/// none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AnswersSeen {
    /// The app got an answer to some request.
    pub(crate) client: bool,
    /// The app got an answer to a request of this name.
    pub(crate) name: bool,
}

/// The probable reason a request got no answer: the announced quarantine it fell in, else what
/// the app's other answers say (`None`: the request was not paired with an app).
pub(crate) fn cause_of(
    circumstance: Option<&Circumstance>,
    quarantine: Option<&Announced>,
    answered: Option<AnswersSeen>,
) -> InferredCause {
    // A message that never reached Workspace, or a name it does not know, comes first.
    if let Some(circumstance @ (Circumstance::SentToItself | Circumstance::UnknownRequest { .. })) =
        circumstance
    {
        return InferredCause::Circumstance(circumstance.clone());
    }
    if let Some(circumstance) = circumstance {
        if quarantine.is_none() {
            return InferredCause::Circumstance(circumstance.clone());
        }
    }
    if let Some(quarantine) = quarantine {
        return InferredCause::InQuarantine {
            since: quarantine.since,
            until: quarantine.until,
            evidence: quarantine.evidence.clone(),
        };
    }
    match answered {
        None => InferredCause::Unexplained,
        Some(AnswersSeen { client: false, .. }) => InferredCause::OriginProbablyRefused,
        Some(AnswersSeen { name: true, .. }) => InferredCause::Unexplained,
        Some(AnswersSeen { .. }) => InferredCause::ProbablyOutsideFilter,
    }
}

/// After the walk: a key seen in a later read was not hidden after all (written, then read
/// back); with options, a written key read-allowed refuses is hidden.
fn settle_interactions(
    interactions: &mut BTreeMap<String, InteractionKeys>,
    options: Option<&WorkspaceOptions>,
) {
    for keys in interactions.values_mut() {
        let read = keys.read.clone();
        keys.probably_hidden.retain(|key| !read.contains(key));
        if let Some(options) = options {
            for key in keys.written.keys() {
                if !options.read_allowed.allows(key) {
                    keys.hidden.insert(key.clone());
                }
            }
        }
    }
}

/// What became of a `userData` write, for the keys its interaction holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WriteOutcome {
    /// Refused: by the pasted write-allowed, or failed with an error other than a rate limit.
    pub(crate) refused: bool,
    /// Carried out: allowed, and neither refused nor left without an answer.
    pub(crate) carried_out: bool,
}

impl WriteOutcome {
    pub(crate) fn of(verdict: Option<&Verdict>, observed: &Observed) -> WriteOutcome {
        let refused = matches!(verdict, Some(Verdict::KeysRefused { .. }))
            || matches!(
                observed,
                Observed::Failed {
                    rate_limit: None,
                    ..
                }
            );
        WriteOutcome {
            refused,
            carried_out: !refused
                && !matches!(observed, Observed::NoAnswer)
                && verdict.is_none_or(Verdict::is_allowed),
        }
    }
}

/// The keys each interaction holds as far as the capture shows, and whether each was written
/// (rather than only seen in a read): what a read is checked against.
#[derive(Clone, Debug, Default)]
pub(crate) struct Holdings {
    held: HashMap<String, BTreeMap<String, bool>>,
}

impl Holdings {
    /// A write, once its outcome is known.
    pub(crate) fn write(&mut self, write: &UserDataWrite, carried_out: bool) {
        let (Some(id), true) = (&write.interaction_id, carried_out) else {
            return;
        };
        if write.delete {
            if let Some(held) = self.held.get_mut(id) {
                for key in &write.keys {
                    held.remove(key);
                }
            }
        } else {
            let held = held_of(&mut self.held, id);
            for key in &write.keys {
                match held.get_mut(key) {
                    Some(written) => *written = true,
                    None => {
                        held.insert(key.clone(), true);
                    }
                }
            }
        }
    }

    /// The check of one `userData` of a result or event (`record`); the keys it shows are then
    /// held.
    pub(crate) fn read(
        &mut self,
        record: &RecordRef,
        seen: &UserDataSeen,
        options: Option<&WorkspaceOptions>,
    ) -> ReadCheck {
        let id = seen.interaction_id.clone();
        let present = seen.keys.clone();
        let held = id.as_ref().and_then(|id| self.held.get(id));
        // Usually a read shows every key held: then nothing is missing, found without comparing
        // each held key with each delivered one (attached data often has dozens). A userData
        // object's keys are distinct, so counting those held tells.
        let all_present = held.is_none_or(|held| {
            held.len() <= present.len()
                && present.iter().filter(|key| held.contains_key(*key)).count() == held.len()
        });
        let missing = |written_only: bool| -> Vec<String> {
            if all_present {
                return Vec::new();
            }
            held.map(|held| {
                held.iter()
                    .filter(|(key, written)| !present.contains(key) && (!written_only || **written))
                    .map(|(key, _)| key.clone())
                    .collect()
            })
            .unwrap_or_default()
        };
        let (hidden, unreadable_delivered, probably_hidden) = match options {
            Some(options) => (
                missing(false)
                    .into_iter()
                    .filter(|key| !options.read_allowed.allows(key))
                    .collect(),
                present
                    .iter()
                    .filter(|key| !options.read_allowed.allows(key))
                    .cloned()
                    .collect(),
                Vec::new(),
            ),
            None => (Vec::new(), Vec::new(), missing(true)),
        };
        if let Some(id) = &id {
            let held = held_of(&mut self.held, id);
            for key in present.iter() {
                if !held.contains_key(key) {
                    held.insert(key.clone(), false);
                }
            }
        }
        ReadCheck {
            record: record.clone(),
            interaction_id: id,
            present,
            hidden,
            unreadable_delivered,
            probably_hidden,
        }
    }
}

// The audit runs over every record of a live capture each time it is analysed: keys and ids
// already there are looked up, not cloned to look them up.
fn interaction<'a>(
    interactions: &'a mut BTreeMap<String, InteractionKeys>,
    id: &str,
) -> &'a mut InteractionKeys {
    if !interactions.contains_key(id) {
        let keys = InteractionKeys {
            interaction_id: id.to_owned(),
            ..InteractionKeys::default()
        };
        interactions.insert(id.to_owned(), keys);
    }
    interactions.get_mut(id).expect("inserted above")
}

/// The keys held for an interaction, made empty when it had none.
fn held_of<'a>(
    held: &'a mut HashMap<String, BTreeMap<String, bool>>,
    id: &str,
) -> &'a mut BTreeMap<String, bool> {
    if !held.contains_key(id) {
        held.insert(id.to_owned(), BTreeMap::new());
    }
    held.get_mut(id).expect("inserted above")
}

/// Adds to `set` the keys it does not hold yet (cloning only those).
fn add_keys<'a>(set: &mut BTreeSet<String>, keys: impl IntoIterator<Item = &'a String>) {
    for key in keys {
        if !set.contains(key) {
            set.insert(key.clone());
        }
    }
}

/// Per request name: counts per window, limit, hits, quarantines; fed the checks in arrival
/// order.
#[derive(Debug, Default)]
struct RateCount {
    by_name: BTreeMap<String, RateUsage>,
}

impl RateCount {
    fn add(&mut self, check: &RequestCheck, options: Option<&WorkspaceOptions>) {
        if matches!(check.name.as_str(), "subscribe" | "unsubscribe") {
            return;
        }
        if !self.by_name.contains_key(&check.name) {
            self.by_name.insert(
                check.name.clone(),
                RateUsage {
                    request: check.name.clone(),
                    limit: options.map(|o| o.rate_limits.limit_for(&check.name)),
                    global_limit: options.map(|o| o.rate_limits.global),
                    inferred_limit: None,
                    windows: Vec::new(),
                    hits: Vec::new(),
                    quarantines: Vec::new(),
                },
            );
        }
        let usage = self.by_name.get_mut(&check.name).expect("inserted above");
        let start = window_start(window_of(check.at));
        if usage.windows.last().is_none_or(|w| w.start != start) {
            usage.windows.push(WindowUsage {
                start,
                arrived: 0,
                counted: 0,
            });
        }
        let window = usage.windows.last_mut().expect("pushed above");
        window.arrived += 1;
        let counted = match &check.verdict {
            Some(verdict) => verdict.is_allowed(),
            None => matches!(
                check.observed,
                Observed::Answered | Observed::Late | Observed::Pending
            ),
        };
        if counted {
            window.counted += 1;
        }
        let hit_observed = matches!(
            check.observed,
            Observed::Failed {
                rate_limit: Some(_),
                ..
            }
        );
        if let Some(Verdict::RateLimitReached {
            quarantine_until, ..
        }) = &check.verdict
        {
            usage.quarantines.push(QuarantineSpan {
                since: check.at,
                until: *quarantine_until,
                record: check.record.clone(),
                predicted: true,
            });
            usage.hits.push(check.record.clone());
        } else if hit_observed {
            usage.hits.push(check.record.clone());
        }
    }

    fn finish(mut self, announced: &[Announced]) -> Vec<RateUsage> {
        for quarantine in announced {
            if let Some(usage) = self.by_name.get_mut(quarantine.request.as_str()) {
                usage.quarantines.push(QuarantineSpan {
                    since: quarantine.since,
                    until: quarantine.until,
                    record: quarantine.evidence.clone(),
                    predicted: false,
                });
                if !usage.hits.contains(&quarantine.evidence) {
                    usage.hits.push(quarantine.evidence.clone());
                }
            }
        }
        self.by_name.into_values().collect()
    }
}

/// Requests carried out so far, per fixed-minute window: all of them, and per name.
#[derive(Debug, Default)]
struct WindowCounts {
    windows: HashMap<i64, (u32, HashMap<String, u32>)>,
}

/// A rate-limit error among the requests (in arrival order) tells the limit in force: the
/// requests carried out in its window before it (`counts`, of the requests before this one).
fn infer_limit(inference: &mut Inference, counts: &mut WindowCounts, check: &RequestCheck) {
    let carried_out = matches!(check.observed, Observed::Answered | Observed::Late)
        || matches!(
            check.observed,
            Observed::Failed {
                rate_limit: None,
                ..
            }
        );
    let window = window_of(check.at);
    if carried_out {
        let (all, by_name) = counts.windows.entry(window).or_default();
        *all += 1;
        match by_name.get_mut(&check.name) {
            Some(count) => *count += 1,
            None => {
                by_name.insert(check.name.clone(), 1);
            }
        }
        return;
    }
    let Observed::Failed {
        rate_limit: Some(limit),
        ..
    } = &check.observed
    else {
        return;
    };
    let (all_count, request_count) = counts
        .windows
        .get(&window)
        .map_or((0, 0), |(all, by_name)| {
            (*all, by_name.get(&limit.request).copied().unwrap_or(0))
        });
    if inference
        .limits
        .iter()
        .any(|known| known.request == limit.request && known.request_count >= request_count)
    {
        return;
    }
    inference
        .limits
        .retain(|known| known.request != limit.request);
    inference.limits.push(InferredLimit {
        request: limit.request.clone(),
        request_count,
        all_count,
        quarantine_seconds: limit.quarantine_seconds,
        forever: limit.forever,
        evidence: check.record.clone(),
    });
}

/// The inference, once the limits and the answered and silent origins are in: the keys, and the
/// options text.
fn finish_inference(inference: &mut Inference, interactions: &[InteractionKeys]) {
    for keys in interactions {
        inference
            .unreadable_keys
            .extend(keys.probably_hidden.iter().cloned());
        inference
            .unwritable_keys
            .extend(keys.refused.iter().cloned());
    }
    inference.options_text = inference_text(inference);
}

fn inference_text(inference: &Inference) -> String {
    let mut lines = Vec::new();
    if !inference.answered_origins.is_empty() || !inference.silent_origins.is_empty() {
        let accepted: Vec<&str> = inference
            .answered_origins
            .iter()
            .map(String::as_str)
            .collect();
        let mut line = format!("{ACCEPTED_ORIGINS}={}", accepted.join(", "));
        line.push_str("    # these origins got answers");
        if !inference.silent_origins.is_empty() {
            let silent: Vec<&str> = inference
                .silent_origins
                .iter()
                .map(String::as_str)
                .collect();
            line.push_str(&format!(
                "; never answered, probably not accepted: {}",
                silent.join(", ")
            ));
        }
        lines.push(line);
    }
    for limit in &inference.limits {
        if limit.request_count == 0 {
            lines.push(format!(
                "# {RATE_LIMIT}.{}: reached before any captured request was carried out in its minute; the count began before the capture",
                limit.request
            ));
        } else {
            lines.push(format!(
            "{RATE_LIMIT}.{}={}    # {} carried out in the minute before the rate-limit error (or {RATE_LIMIT}={} if the global limit was reached); at least this many if the capture began mid-minute",
            limit.request, limit.request_count, limit.request_count, limit.all_count
        ));
        }
        let delay = match (limit.forever, limit.quarantine_seconds) {
            (true, _) => Some(0),
            (false, seconds) => seconds,
        };
        if let Some(delay) = delay {
            let line = format!("{QUARANTINE_DELAY}={delay}    # announced by the error text");
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    if !inference.unreadable_keys.is_empty() {
        lines.push(format!(
            "# {READ_ALLOWED} probably lacks: {}    (written, then absent when read back)",
            inference
                .unreadable_keys
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    if !inference.unwritable_keys.is_empty() {
        lines.push(format!(
            "# {WRITE_ALLOWED} probably lacks: {}    (writes of these keys failed)",
            inference
                .unwritable_keys
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    lines.join("\n")
}

/// The policy's findings, from the groups filled with every request (and, with options, every
/// read).
fn policy_findings(
    mut groups: PolicyFindingGroups<RecordRef>,
    audit: &PolicyAudit,
    options: Option<&WorkspaceOptions>,
) -> Vec<Finding> {
    let circumstances = groups
        .circumstance_findings(RecordRef::clone, &audit.realtime_recoveries)
        .into_iter()
        .map(|(finding, _)| finding);
    if let Some(options) = options {
        for keys in &audit.interactions {
            for (key, writes) in &keys.written {
                if !options.read_allowed.allows(key) {
                    for write in writes {
                        groups.add_hidden_write(&keys.interaction_id, key, write.clone());
                    }
                }
            }
        }
        let mut findings: Vec<Finding> = circumstances.collect();
        findings.extend(
            groups
                .findings(options, RecordRef::clone)
                .into_iter()
                .map(|(finding, _)| finding),
        );
        findings.sort_by_key(|finding| finding.severity);
        return findings;
    }
    let mut findings: Vec<Finding> = circumstances.collect();
    inference_findings(audit, &mut findings);
    probably_hidden_findings(audit, &mut findings);
    findings.sort_by_key(|finding| finding.severity);
    findings
}

fn inference_findings(audit: &PolicyAudit, findings: &mut Vec<Finding>) {
    for limit in &audit.inferred.limits {
        let quarantine = quarantine_words(limit.quarantine_seconds, limit.forever);
        if limit.request_count == 0 {
            findings.push(Finding {
                code: FindingCode::PolicyInferred,
                severity: Severity::Info,
                title: format!("Rate limit for `{}` reached before the capture", limit.request),
                records: vec![limit.evidence.clone()],
                problem: format!(
                    "The first `{}` of its minute in this capture already got the rate-limit error, which announces {quarantine}: the requests that reached the limit were sent before the capture began (or by another app of the same Workspace).",
                    limit.request
                ),
                advice: "Capture from before the burst (open the panel, then reload the app) to see the limit, or paste the options.".to_owned(),
            });
            continue;
        }
        findings.push(Finding {
            code: FindingCode::PolicyInferred,
            severity: Severity::Info,
            title: format!(
                "Rate limit in force for `{}`: probably {} per minute",
                limit.request, limit.request_count
            ),
            records: vec![limit.evidence.clone()],
            problem: format!(
                "{} `{}` request(s) were carried out in the fixed minute before the rate-limit error ({} requests of any name), and the error announces {quarantine}.",
                limit.request_count, limit.request, limit.all_count
            ),
            advice: format!(
                "So {}={} (or {RATE_LIMIT}={} if the global limit was the one reached). Paste the options to check every request against them.",
                LimitKind::Request.option_name(&limit.request),
                limit.request_count,
                limit.all_count
            ),
        });
    }
    let mut causes: BTreeMap<(u8, String, String), Vec<RecordRef>> = BTreeMap::new();
    for check in &audit.requests {
        let key = match &check.inferred {
            // A quarantine without end (delay 0) is told apart: its advice is a reload.
            Some(InferredCause::InQuarantine { until: None, .. }) => {
                (0, check.name.clone(), "forever".to_owned())
            }
            Some(InferredCause::InQuarantine { .. }) => (0, check.name.clone(), String::new()),
            Some(InferredCause::OriginProbablyRefused) => (1, check.origin.clone(), String::new()),
            Some(InferredCause::ProbablyOutsideFilter) => {
                (2, check.origin.clone(), check.name.clone())
            }
            _ => continue,
        };
        causes.entry(key).or_default().push(check.record.clone());
    }
    for ((rank, subject, name), records) in causes {
        let count = records.len();
        let (title, problem, advice) = match rank {
            0 if name == "forever" => (
                format!("{count} `{subject}` request(s) ignored until Workspace is reloaded"),
                format!("No answer: the rate-limit error announced that further `{subject}` requests are ignored until Workspace is reloaded ({QUARANTINE_DELAY} = 0)."),
                format!("Reload Workspace to lift the quarantine; send fewer `{subject}` requests per minute, and set {QUARANTINE_DELAY} to a number of seconds rather than 0."),
            ),
            0 => (
                format!("{count} `{subject}` request(s) ignored in quarantine"),
                "No answer, within the quarantine a rate-limit error announced for this request name.".to_owned(),
                format!("Wait for the quarantine to end, and send fewer `{subject}` requests per minute."),
            ),
            1 => (
                format!("`{subject}` never got an answer: origin probably not accepted"),
                format!("{count} request(s) from this origin, and not one answer: Workspace ignores origins that are not in {ACCEPTED_ORIGINS}."),
                format!("Add `{subject}` to {ACCEPTED_ORIGINS}."),
            ),
            _ => (
                format!("`{name}` from `{subject}` never answered: probably outside the origin's filter"),
                format!("This origin got answers to other requests, but never to `{name}` ({count} time(s))."),
                if name == JWT_REQUEST {
                    format!("`{JWT_REQUEST}` must be named explicitly in the origin's filter: `{subject} (*, {JWT_REQUEST})`.")
                } else {
                    format!("Add `{name}` to the filter of `{subject}` in {ACCEPTED_ORIGINS}.")
                },
            ),
        };
        findings.push(Finding {
            code: FindingCode::PolicyInferred,
            severity: Severity::Warning,
            title,
            records,
            problem,
            advice,
        });
    }
}

/// Without options: keys written, then absent from every read.
fn probably_hidden_findings(audit: &PolicyAudit, findings: &mut Vec<Finding>) {
    for keys in &audit.interactions {
        let hidden = &keys.probably_hidden;
        if hidden.is_empty() {
            continue;
        }
        let records: Vec<RecordRef> = audit
            .reads
            .iter()
            .filter(|read| {
                read.interaction_id.as_deref() == Some(keys.interaction_id.as_str())
                    && (!read.hidden.is_empty() || !read.probably_hidden.is_empty())
            })
            .map(|read| read.record.clone())
            .chain(
                hidden
                    .iter()
                    .filter_map(|key| keys.written.get(key))
                    .flatten()
                    .cloned(),
            )
            .collect();
        findings.push(hidden_keys_finding(
            &keys.interaction_id,
            hidden.iter().map(String::as_str),
            "written, then absent from every read: probably hidden by read-allowed",
            Severity::Warning,
            records,
        ));
    }
}

#[cfg(test)]
mod tests;
