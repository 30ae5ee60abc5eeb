//! Protocol checks: what is wrong in a capture, which records show it, and what to do.

use crate::correlate::{
    Client, CorrelateJob, Correlation, Exchange, ExchangeState, RecordRef, SubscriptionIssue,
};
use crate::facts::{as_refs, facts_of, Detail, Facts, ProtocolVersion};
use crate::job::{chunk, passes_progress, Budget, FactsSource};
use crate::policy::audit::{AuditJob, InferredCause, PolicyAudit, RequestCheck};
use crate::policy::WorkspaceOptions;
use crate::rate_limit::parse_rate_limit;
use crate::record::{FrameInfo, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::HashMap;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// What kind of problem a finding is, for filters and tests.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    UnknownRequest,
    BadParameters,
    MissingUserAgent,
    MissingProtocolVersion,
    UnexpectedProtocolVersion,
    Malformed,
    UnknownEventType,
    RequestFailed,
    RateLimited,
    TimedOut,
    LateAnswer,
    OrphanResponse,
    DuplicateAnswer,
    SubscribedTwice,
    EventWithoutSubscription,
    UnknownSubscriptionId,
    NoWorkspace,
    /// The pasted options refuse requests: origin not accepted, outside its filter, key refused.
    PolicyRefused,
    /// The pasted options put requests over a rate limit (the error, then the quarantine).
    PolicyRateLimit,
    /// What the capture shows is not what the pasted options predict.
    PolicyDisagreement,
    /// userData keys hidden by read-allowed (by the options, or probably, without them).
    KeysHidden,
    /// Options read off the capture: a rate limit and quarantine in force, probable refusals.
    PolicyInferred,
    /// The pasted options leave out something the verdicts depend on.
    OptionsIncomplete,
    /// Requests posted to the app's own window (a popup posting to its parent, the reverse
    /// layout without targetWWEWindow): they never reached Workspace.
    WrongTargetWindow,
    /// Actions that failed or got no answer in a follower tab (multi-tab).
    FollowerTab,
    /// Requests that failed or got no answer while REALTIME_CONNECTION was down.
    RealtimeDown,
    /// A call shape that works but differs from the docs (a transfer target named with `type`).
    ParameterNote,
    /// An answer that could belong to the requests of several apps (same origin, same
    /// referenceId, no frameId): the pairing shown is a guess.
    AmbiguousPairing,
}

/// One problem: the records that show it, what is wrong, and what to do about it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// One line for a list.
    pub title: String,
    pub records: Vec<RecordRef>,
    pub problem: String,
    pub advice: String,
}

/// What the findings engine makes of a capture: the pairs, the policy audit (verdicts with the
/// options, inference without them) and every finding, the protocol's and the policy's.
#[derive(Clone, Debug, Default)]
pub struct Diagnosis {
    pub correlation: Correlation,
    pub audit: PolicyAudit,
    /// Most severe first; within a severity, the protocol's findings first.
    pub findings: Vec<Finding>,
}

/// The one findings engine the panel and the command line share: pairs the records, applies the
/// options (or reads what it can off the capture without them), and names every problem, a
/// timeout with its probable cause. [`AnalysisJob`] run to completion.
pub fn diagnose(
    frames: &[FrameInfo],
    records: &[(usize, &Facts)],
    now: f64,
    options: Option<&WorkspaceOptions>,
) -> Diagnosis {
    let mut job = AnalysisJob::new(frames, records.len(), now, options);
    while !job.step(records, &mut Budget::unlimited()) {}
    job.finish()
}

/// [`diagnose`], a bounded amount of work at a time: for a panel that must not block its main
/// thread for the seconds a million records take. Each [`AnalysisJob::step`] does at most about
/// the budget's units of work (a unit is about one record, exchange or request looked at once);
/// the same records must be given at every step (a caller whose records changed starts a new
/// job). Run to completion in any number of steps, it gives exactly what [`diagnose`] gives.
#[derive(Debug)]
pub struct AnalysisJob {
    frames: Vec<FrameInfo>,
    count: usize,
    options: Option<WorkspaceOptions>,
    stage: Stage,
    /// Work units done in the stages behind.
    done_before: usize,
}

#[derive(Debug)]
enum Stage {
    Correlate(Box<CorrelateJob>),
    Audit {
        correlation: Correlation,
        job: Box<AuditJob>,
    },
    Find {
        correlation: Correlation,
        audit: PolicyAudit,
        job: Box<FindJob>,
    },
    /// Each timeout given its probable cause: the audit's check of its request, looked up.
    Explain {
        diagnosis: Diagnosis,
        /// The timeouts' requests, and the check of each once found.
        wanted: HashMap<RecordRef, Option<usize>>,
        at: usize,
    },
    Done(Box<Diagnosis>),
    Taken,
}

impl AnalysisJob {
    /// A job over `count` records (given at each step) of `frames`, judged as of `now`.
    pub fn new(
        frames: &[FrameInfo],
        count: usize,
        now: f64,
        options: Option<&WorkspaceOptions>,
    ) -> AnalysisJob {
        AnalysisJob {
            frames: frames.to_vec(),
            count,
            options: options.cloned(),
            stage: Stage::Correlate(Box::new(CorrelateJob::new(frames, count, now))),
            done_before: 0,
        }
    }

    /// The number of records the job analyses.
    pub fn records(&self) -> usize {
        self.count
    }

    /// (work done, work in all), about: for "analysing… N%".
    pub fn progress(&self) -> (usize, usize) {
        let n = self.count;
        let total = (CorrelateJob::PASSES + AuditJob::PASSES + FindJob::PASSES) * n + 1;
        let current = match &self.stage {
            Stage::Correlate(job) => job.progress().0,
            Stage::Audit { job, .. } => job.progress().0,
            Stage::Find {
                job, correlation, ..
            } => job.progress(correlation.exchanges.len()).0,
            Stage::Explain { .. } => 0,
            Stage::Done(_) | Stage::Taken => return (total, total),
        };
        ((self.done_before + current).min(total - 1), total)
    }

    pub fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done(_) | Stage::Taken)
    }

    /// Analyses on within the budget; `true` once done.
    pub fn step<R: FactsSource + ?Sized>(&mut self, records: &R, budget: &mut Budget) -> bool {
        debug_assert_eq!(
            records.count(),
            self.count,
            "the same records at every step"
        );
        let n = self.count;
        loop {
            if budget.is_spent() && !self.is_done() {
                return false;
            }
            match &mut self.stage {
                Stage::Correlate(job) => {
                    if !job.step(records, budget) {
                        continue;
                    }
                    let Stage::Correlate(job) = std::mem::replace(&mut self.stage, Stage::Taken)
                    else {
                        unreachable!()
                    };
                    let correlated = job.finish();
                    let job = AuditJob::new(
                        &self.frames,
                        correlated.order,
                        correlated.exchange_of,
                        correlated.calls,
                        self.options.as_ref(),
                    );
                    self.done_before = CorrelateJob::PASSES * n;
                    self.stage = Stage::Audit {
                        correlation: correlated.correlation,
                        job: Box::new(job),
                    };
                }
                Stage::Audit { correlation, job } => {
                    if !job.step(records, correlation, budget) {
                        continue;
                    }
                    let Stage::Audit { correlation, job } =
                        std::mem::replace(&mut self.stage, Stage::Taken)
                    else {
                        unreachable!()
                    };
                    self.done_before = (CorrelateJob::PASSES + AuditJob::PASSES) * n;
                    self.stage = Stage::Find {
                        correlation,
                        audit: job.finish(),
                        job: Box::new(FindJob::new(&self.frames, n)),
                    };
                }
                Stage::Find {
                    correlation, job, ..
                } => {
                    if !job.step(records, correlation, budget) {
                        continue;
                    }
                    let Stage::Find {
                        correlation,
                        audit,
                        job,
                    } = std::mem::replace(&mut self.stage, Stage::Taken)
                    else {
                        unreachable!()
                    };
                    let findings = job.finish();
                    let wanted = findings
                        .iter()
                        .filter(|finding| finding.code == FindingCode::TimedOut)
                        .filter_map(|finding| finding.records.first())
                        .map(|record| (record.clone(), None))
                        .collect();
                    self.done_before =
                        (CorrelateJob::PASSES + AuditJob::PASSES + FindJob::PASSES) * n;
                    self.stage = Stage::Explain {
                        diagnosis: Diagnosis {
                            correlation,
                            audit,
                            findings,
                        },
                        wanted,
                        at: 0,
                    };
                }
                Stage::Explain {
                    diagnosis,
                    wanted,
                    at,
                } => {
                    let requests = &diagnosis.audit.requests;
                    let total = if wanted.is_empty() { 0 } else { requests.len() };
                    let range = chunk(*at, total, budget);
                    for (index, check) in requests[range.clone()].iter().enumerate() {
                        if let Some(slot) = wanted.get_mut(&check.record) {
                            *slot = Some(range.start + index);
                        }
                    }
                    *at = range.end;
                    if range.end < total {
                        continue;
                    }
                    let Stage::Explain {
                        mut diagnosis,
                        wanted,
                        ..
                    } = std::mem::replace(&mut self.stage, Stage::Taken)
                    else {
                        unreachable!()
                    };
                    let Diagnosis {
                        audit, findings, ..
                    } = &mut diagnosis;
                    findings.retain_mut(|finding| {
                        if finding.code != FindingCode::TimedOut {
                            return true;
                        }
                        let Some(check) = finding
                            .records
                            .first()
                            .and_then(|r| wanted.get(r).copied().flatten())
                            .map(|index| &audit.requests[index])
                        else {
                            return true;
                        };
                        explain_timeout(finding, check)
                    });
                    findings.extend(audit.findings.iter().cloned());
                    // Stable: within a severity, the protocol's findings come first.
                    findings.sort_by_key(|finding| finding.severity);
                    self.stage = Stage::Done(Box::new(diagnosis));
                }
                Stage::Done(_) | Stage::Taken => return true,
            }
        }
    }

    /// What the job found, once [`AnalysisJob::step`] said it is done (else nothing).
    pub fn finish(mut self) -> Diagnosis {
        match std::mem::replace(&mut self.stage, Stage::Taken) {
            Stage::Done(diagnosis) => *diagnosis,
            _ => Diagnosis::default(),
        }
    }
}

/// Gives a timeout its probable cause; `false` when another finding names it already (an unknown
/// name, a message posted to the app's own window).
fn explain_timeout(finding: &mut Finding, check: &RequestCheck) -> bool {
    let name = &check.name;
    match &check.inferred {
        // Named by their own finding, with the record that shows the circumstance: an unknown
        // name, a message posted to the app's own window, a follower tab, the realtime
        // connection down.
        Some(InferredCause::Circumstance(_)) => return false,
        Some(InferredCause::InQuarantine {
            until, evidence, ..
        }) => {
            let ignored = match until {
                None => "ignores further ones until Workspace is reloaded (service-client-api.rate-limit-quarantine-delay = 0)",
                Some(_) => "ignores further ones until the quarantine ends",
            };
            finding.problem = format!("No answer: an earlier `{name}` got the rate-limit error, and Workspace {ignored}. The client reported \"Request timeout\".");
            finding.advice = match until {
                None => format!("Reload Workspace to lift the quarantine; then send fewer `{name}` requests per minute, raise its limit, or set service-client-api.rate-limit-quarantine-delay to a number of seconds (0 = until reload)."),
                Some(_) => format!("Wait for the quarantine to end, and send fewer `{name}` requests per minute (or raise its limit)."),
            };
            finding.records.push(evidence.clone());
        }
        Some(InferredCause::OriginProbablyRefused) => {
            finding.problem = format!("No answer, and this app ({}) got no answer to any request: Workspace ignores origins that are not in service-client-api.accepted-web-content-origins (empty by default).", check.origin);
            finding.advice = format!(
                "Add `{}` to service-client-api.accepted-web-content-origins.",
                check.origin
            );
        }
        Some(InferredCause::ProbablyOutsideFilter) => {
            finding.problem = format!("No answer, although this app ({}) got answers to other requests: `{name}` is probably outside its origin's filter in service-client-api.accepted-web-content-origins.", check.origin);
            finding.advice = if name == "auth.getJwtToken" {
                format!("`auth.getJwtToken` must be named explicitly, `(*)` does not cover it: `{} (*, auth.getJwtToken)`.", check.origin)
            } else {
                format!("Add `{name}` to the filter of `{}` in service-client-api.accepted-web-content-origins.", check.origin)
            };
        }
        Some(InferredCause::Unexplained) | None => {}
    }
    true
}

/// Every finding of a capture, most severe first, then in capture order.
pub fn find(
    frames: &[FrameInfo],
    records: &[(usize, &Record)],
    correlation: &Correlation,
) -> Vec<Finding> {
    find_facts(frames, &as_refs(&facts_of(records)), correlation)
}

/// [`find`] over the facts of the records.
pub fn find_facts(
    frames: &[FrameInfo],
    records: &[(usize, &Facts)],
    correlation: &Correlation,
) -> Vec<Finding> {
    let mut job = FindJob::new(frames, records.len());
    while !job.step(records, correlation, &mut Budget::unlimited()) {}
    job.finish()
}

/// [`find_facts`] a bounded amount of work at a time.
#[derive(Debug)]
struct FindJob {
    frames: Vec<FrameInfo>,
    count: usize,
    phase: FindPhase,
    findings: Vec<Finding>,
    envelope: BTreeMap<(FindingCode, String), Vec<RecordRef>>,
    malformed: BTreeMap<String, Vec<RecordRef>>,
    unknown_events: BTreeMap<String, Vec<RecordRef>>,
    /// The requests, while nothing came from Workspace (the finding that says so names them).
    requests: Vec<RecordRef>,
    heard_workspace: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FindPhase {
    Records(usize),
    Exchanges(usize),
    Done,
}

impl FindJob {
    fn new(frames: &[FrameInfo], count: usize) -> FindJob {
        FindJob {
            frames: frames.to_vec(),
            count,
            phase: FindPhase::Records(0),
            findings: Vec::new(),
            envelope: BTreeMap::new(),
            malformed: BTreeMap::new(),
            unknown_events: BTreeMap::new(),
            requests: Vec::new(),
            heard_workspace: false,
        }
    }

    fn progress(&self, exchanges: usize) -> (usize, usize) {
        let n = self.count;
        let (index, at, len) = match self.phase {
            FindPhase::Records(at) => (0, at, n),
            FindPhase::Exchanges(at) => (1, at, exchanges),
            FindPhase::Done => (2, 0, n),
        };
        passes_progress(index, at, len, n, Self::PASSES)
    }

    const PASSES: usize = 2;

    fn step<R: FactsSource + ?Sized>(
        &mut self,
        records: &R,
        correlation: &Correlation,
        budget: &mut Budget,
    ) -> bool {
        loop {
            if budget.is_spent() && self.phase != FindPhase::Done {
                return false;
            }
            match self.phase {
                FindPhase::Records(at) => {
                    let range = chunk(at, self.count, budget);
                    for position in range.clone() {
                        let (frame, record) = records.at(position);
                        self.record(frame, record);
                    }
                    if range.end < self.count {
                        self.phase = FindPhase::Records(range.end);
                    } else {
                        self.envelope_findings();
                        self.phase = FindPhase::Exchanges(0);
                    }
                }
                FindPhase::Exchanges(at) => {
                    let total = correlation.exchanges.len();
                    let range = chunk(at, total, budget);
                    for exchange in &correlation.exchanges[range.clone()] {
                        exchange_finding(exchange, &mut self.findings);
                    }
                    if range.end < total {
                        self.phase = FindPhase::Exchanges(range.end);
                    } else {
                        subscription_findings(correlation, &mut self.findings);
                        self.no_workspace();
                        self.phase = FindPhase::Done;
                    }
                }
                FindPhase::Done => return true,
            }
        }
    }

    fn finish(mut self) -> Vec<Finding> {
        self.findings.sort_by_key(|finding| finding.severity);
        self.findings
    }

    /// One record, in capture order.
    fn record(&mut self, frame: usize, record: &Facts) {
        let frames = &self.frames;
        let this = || RecordRef {
            frame: frames[frame].key.clone(),
            seq: record.seq,
        };
        let findings = &mut self.findings;
        let kind = record.kind();
        let from_workspace = kind.is_from_workspace();
        if from_workspace && !self.heard_workspace {
            self.heard_workspace = true;
            self.requests = Vec::new();
        }
        let heard_workspace = self.heard_workspace;
        let requests = &mut self.requests;
        let mut remember_request = || {
            if !heard_workspace {
                requests.push(this());
            }
        };
        match &record.detail {
            Detail::Request {
                known,
                suggestion,
                problems,
                notes,
                ..
            } => {
                let request = &record.name;
                remember_request();
                for note in notes {
                    findings.push(Finding {
                        code: FindingCode::ParameterNote,
                        severity: Severity::Info,
                        title: format!("`{request}`: target named with `type`, the docs say `target`"),
                        records: vec![this()],
                        problem: format!("{note}. Both occur (the vendor sample sends `type`); if Workspace refuses the transfer, try `target`."),
                        advice: "Name the target type with `target` ({\"target\": \"AGENT\", \"destination\": …}), as the documentation does.".to_owned(),
                    });
                }
                if !known {
                    let advice = match suggestion {
                        Some(meant) => format!("Did you mean `{meant}`? Call genesys.wwe.service.{meant}(…)."),
                        None => "No such request exists in the Service Client API; check the namespace reference. The vendor client has no helper for it, so it was sent with sendMessage.".to_owned(),
                    };
                    findings.push(Finding {
                        code: FindingCode::UnknownRequest,
                        severity: Severity::Error,
                        title: format!("Unknown request `{request}`"),
                        records: vec![this()],
                        problem: format!("`{request}` is not a Service Client API request; Workspace will not carry it out."),
                        advice,
                    });
                } else if !problems.is_empty() {
                    findings.push(Finding {
                        code: FindingCode::BadParameters,
                        severity: Severity::Error,
                        title: format!("Wrong parameters for `{request}`"),
                        records: vec![this()],
                        problem: problems.join("; "),
                        advice: format!("Pass the parameters `{request}` expects, in order (see its reference page); a missing optional one is sent as null."),
                    });
                }
            }
            Detail::Subscribe { .. } | Detail::Unsubscribe { .. } => remember_request(),
            Detail::Event { known: false, .. } => {
                self.unknown_events
                    .entry(record.name.clone())
                    .or_default()
                    .push(this());
            }
            Detail::Malformed { problem } => self
                .malformed
                .entry(problem.clone())
                .or_default()
                .push(this()),
            _ => {}
        }
        if !matches!(record.detail, Detail::Other | Detail::Malformed { .. }) {
            let side = if from_workspace {
                "Workspace"
            } else {
                "client"
            };
            if !record.has_user_agent {
                self.envelope
                    .entry((FindingCode::MissingUserAgent, side.to_owned()))
                    .or_default()
                    .push(this());
            }
            match &record.protocol_version {
                ProtocolVersion::Missing => self
                    .envelope
                    .entry((FindingCode::MissingProtocolVersion, side.to_owned()))
                    .or_default()
                    .push(this()),
                ProtocolVersion::Other(version) => self
                    .envelope
                    .entry((
                        FindingCode::UnexpectedProtocolVersion,
                        format!("{side}\u{1f}{version}"),
                    ))
                    .or_default()
                    .push(this()),
                ProtocolVersion::Two => {}
            }
        }
    }

    /// After the records: the envelope's, malformed messages' and unknown events' findings.
    fn envelope_findings(&mut self) {
        let findings = &mut self.findings;
        let envelope = std::mem::take(&mut self.envelope);
        let malformed = std::mem::take(&mut self.malformed);
        let unknown_events = std::mem::take(&mut self.unknown_events);
        for ((code, detail), records) in envelope {
            let (side, version) = detail.split_once('\u{1f}').unwrap_or((detail.as_str(), ""));
            let count = records.len();
            let (title, problem, advice, severity) = match code {
            FindingCode::MissingUserAgent if side == "Workspace" => (
                format!("{count} message(s) from Workspace without userAgent"),
                "The client library only accepts messages whose userAgent contains \"WWE\": it ignores these.".to_owned(),
                "Workspace's own messages always carry userAgent \"WWE Server\"; whatever sent these is not Workspace, or a proxy stripped the field.".to_owned(),
                Severity::Error,
            ),
            FindingCode::MissingUserAgent => (
                format!("{count} client message(s) without userAgent"),
                "SCAPI requests carry userAgent \"WWE Client\"; these were built by hand.".to_owned(),
                "Send requests through wwe-service-client-api.js (genesys.wwe.service.…), or add userAgent and protocolVersion 2.".to_owned(),
                Severity::Warning,
            ),
            FindingCode::MissingProtocolVersion => (
                format!("{count} {side} message(s) without protocolVersion"),
                "Every SCAPI message carries protocolVersion 2.".to_owned(),
                "Use the vendor's client library, or add protocolVersion: 2 to hand-built messages.".to_owned(),
                Severity::Warning,
            ),
            _ => (
                format!("{count} {side} message(s) with protocolVersion {version}"),
                format!("protocolVersion is {version}; every client from 2014 to 2023 sends 2."),
                "Use the current wwe-service-client-api.js; an old or home-made client may not be understood.".to_owned(),
                Severity::Warning,
            ),
        };
            findings.push(Finding {
                code,
                severity,
                title,
                records,
                problem,
                advice,
            });
        }
        for (problem, records) in malformed {
            findings.push(Finding {
                code: FindingCode::Malformed,
                severity: Severity::Error,
                title: format!("Malformed SCAPI message: {problem}"),
                records,
                problem: format!(
                    "The message looks like SCAPI but {problem}; neither side can act on it."
                ),
                advice: "Build messages with the vendor's client library, or fix the field named."
                    .to_owned(),
            });
        }
        for (name, records) in unknown_events {
            findings.push(Finding {
            code: FindingCode::UnknownEventType,
            severity: Severity::Info,
            title: format!("Undocumented event `{name}`"),
            records,
            problem: format!("`{name}` is in none of the documented event types; it is shown typed as far as the envelope goes."),
            advice: "Check the Workspace version's release notes; handle unknown event types without failing.".to_owned(),
        });
        }
    }

    /// No answer, event or frameId from Workspace at all: the requests that went unheard.
    fn no_workspace(&mut self) {
        if !self.heard_workspace && !self.requests.is_empty() {
            self.findings.push(Finding {
            code: FindingCode::NoWorkspace,
            severity: Severity::Error,
            title: format!("{} request(s) and nothing ever came back from Workspace", self.requests.len()),
            records: std::mem::take(&mut self.requests),
            problem: "No response, event or frameId assignment from Workspace was captured in this tab.".to_owned(),
            advice: "Workspace ignores apps whose origin is not in service-client-api.accepted-web-content-origins (empty by default): add this app's origin. Also check that the app posts to the Workspace window (window.parent, window.opener, or targetWWEWindow).".to_owned(),
        });
        }
    }
}

/// The findings of one exchange.
fn exchange_finding(exchange: &Exchange, findings: &mut Vec<Finding>) {
    {
        let name = exchange
            .name
            .clone()
            .unwrap_or_else(|| "an unknown request".to_owned());
        let mut records: Vec<RecordRef> = exchange.request.iter().cloned().collect();
        records.extend(exchange.responses.iter().take(1).cloned());
        match exchange.state {
            ExchangeState::Failed => {
                let error = exchange.error_message.clone().unwrap_or_default();
                match parse_rate_limit(&error) {
                    Some(limit) => {
                        let ignored = match (limit.forever, limit.quarantine_seconds) {
                            (true, _) => "until Workspace is reloaded".to_owned(),
                            (false, Some(seconds)) => format!("for {seconds} s"),
                            (false, None) => "for the quarantine delay".to_owned(),
                        };
                        findings.push(Finding {
                            code: FindingCode::RateLimited,
                            severity: Severity::Error,
                            title: format!("Rate limit reached for `{}`", limit.request),
                            records,
                            problem: format!("Workspace refused `{name}`: the per-minute limit for `{}` was reached, and further `{}` requests are ignored {ignored} (no answer at all, so the client times out).", limit.request, limit.request),
                            advice: if limit.forever {
                                format!("Reload Workspace to lift the quarantine (service-client-api.rate-limit-quarantine-delay = 0 keeps it until then); send fewer `{}` requests per minute, raise service-client-api.rate-limit.{} / service-client-api.rate-limit, or set service-client-api.rate-limit-quarantine-delay to a number of seconds.", limit.request, limit.request)
                            } else {
                                format!("Send fewer `{}` requests per minute (the window is a fixed minute), or raise service-client-api.rate-limit.{} / service-client-api.rate-limit.", limit.request, limit.request)
                            },
                        });
                    }
                    None => findings.push(Finding {
                        code: FindingCode::RequestFailed,
                        severity: Severity::Error,
                        title: format!("`{name}` failed"),
                        records,
                        problem: format!("Workspace answered with errorMessage: {}", error.replace('\n', " ")),
                        advice: "Read the error; check the parameters and that the agent's state allows the action.".to_owned(),
                    }),
                }
            }
            ExchangeState::TimedOut => findings.push(Finding {
                code: FindingCode::TimedOut,
                severity: Severity::Error,
                title: format!("`{name}` got no answer within 10 s"),
                records,
                problem: "The client gave up after 10 s and reported \"Request timeout\".".to_owned(),
                advice: "Workspace ignores a request without answering when the app's origin is not accepted, when the request is outside the origin's filter (auth.getJwtToken must be named explicitly), or during a rate-limit quarantine. Check service-client-api.accepted-web-content-origins and the rate-limit options.".to_owned(),
            }),
            ExchangeState::Late => findings.push(Finding {
                code: FindingCode::LateAnswer,
                severity: Severity::Warning,
                title: format!("`{name}` answered after {:.1} s", exchange.latency_ms.unwrap_or(0.0) / 1000.0),
                records,
                problem: "The answer came after the client's 10 s timeout: the client had already reported \"Request timeout\" and ignored it.".to_owned(),
                advice: "Find what slows Workspace down (server round trips, a busy agent desktop); the client's timeout cannot be changed.".to_owned(),
            }),
            ExchangeState::Orphan => findings.push(Finding {
                code: FindingCode::OrphanResponse,
                severity: Severity::Warning,
                title: format!("Response to referenceId {} matches no request", exchange.reference_id),
                records: exchange.responses.clone(),
                problem: "No captured request of this frame has this referenceId.".to_owned(),
                advice: "If the capture started after the request, ignore this; otherwise another window sent it, or the app reloaded (referenceIds restart at \"0\").".to_owned(),
            }),
            _ => {}
        }
        if exchange.ambiguous {
            findings.push(Finding {
                code: FindingCode::AmbiguousPairing,
                severity: Severity::Warning,
                title: format!("`{name}` (referenceId {}): answer paired by guess", exchange.reference_id),
                records: exchange.request.iter().chain(exchange.responses.iter().take(1)).cloned().collect(),
                problem: format!("Several apps of origin {} sent referenceId {} without a frameId, and the capture does not say which frame each one is: this answer may belong to another app's request, and the latency shown may be wrong.", match &exchange.client { Client::Unresolved { origin, .. } => origin.as_str(), Client::Frame { frame } => frame }, exchange.reference_id),
                advice: "Capture with the extension (it records where each frame sits), or let Workspace assign frameIds; referenceIds restart at \"0\" in every app, so same-origin apps collide.".to_owned(),
            });
        }
        if exchange.responses.len() > 1 {
            findings.push(Finding {
                code: FindingCode::DuplicateAnswer,
                severity: Severity::Warning,
                title: format!("`{name}` answered {} times", exchange.responses.len()),
                records: exchange.request.iter().cloned().chain(exchange.responses.iter().cloned()).collect(),
                problem: "The client uses the first answer and ignores the rest.".to_owned(),
                advice: "Two Workspace windows may be answering (several tabs), or the request was sent to two targets.".to_owned(),
            });
        }
    }
}

fn client_label(client: &Client) -> String {
    match client {
        Client::Frame { frame } => format!("frame {frame}"),
        Client::Unresolved { origin, .. } => origin.clone(),
    }
}

fn subscription_findings(correlation: &Correlation, findings: &mut Vec<Finding>) {
    for issue in &correlation.subscription_issues {
        findings.push(match issue {
            SubscriptionIssue::SubscribedTwice { client, topic, first, again } => Finding {
                code: FindingCode::SubscribedTwice,
                severity: Severity::Warning,
                title: format!("Subscribed twice to `{topic}`"),
                records: vec![first.clone(), again.clone()],
                problem: format!("{} subscribed to `{topic}` again; the client library keeps only the last callback, so the first handler stops receiving events.", client_label(client)),
                advice: "Call genesys.wwe.service.subscribe once, with every topic in one list.".to_owned(),
            },
            SubscriptionIssue::EventWithoutSubscription { client, topic, events } => Finding {
                code: FindingCode::EventWithoutSubscription,
                severity: Severity::Info,
                title: format!("{} `{topic}` event(s) without a subscription", events.len()),
                records: events.clone(),
                problem: format!("{} received `{topic}` events but never subscribed to `{topic}` (or had unsubscribed).", client_label(client)),
                advice: format!("Add \"{topic}\" to the subscribe call if the app needs these events."),
            },
            SubscriptionIssue::UnknownSubscriptionId { client, subscription_id, unsubscribe } => Finding {
                code: FindingCode::UnknownSubscriptionId,
                severity: Severity::Warning,
                title: format!("Unsubscribe of unknown id {subscription_id}"),
                records: vec![unsubscribe.clone()],
                problem: format!("{} unsubscribed {subscription_id}, which no subscribe answer gave (or it was already unsubscribed).", client_label(client)),
                advice: "Unsubscribe with the subscriptionId the subscribe call returned.".to_owned(),
            },
        });
    }
}

#[cfg(test)]
mod tests;
