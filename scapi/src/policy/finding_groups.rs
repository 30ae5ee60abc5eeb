//! The findings of the pasted options, grouped as they are told: one per refused origin, per
//! request outside an origin's filter, per refused key set, per rate-limited request name, per
//! reason of a disagreement, for keys delivered that read-allowed hides, and per interaction with
//! hidden keys. The groups are fed check by check, so that the whole-capture audit
//! ([`super::audit::audit_facts`]) and the streaming checker ([`super::checker::Checker`]) say
//! the same things in the same words; each group keeps its full count and its first records, up
//! to a sample limit (none for the audit).

use super::audit::{Agreement, Observed, ReadCheck, RequestCheck};
use super::engine::Verdict;
use super::limiter::LimitKind;
use super::options::{WorkspaceOptions, ACCEPTED_ORIGINS, RATE_LIMIT, READ_ALLOWED, WRITE_ALLOWED};
use super::origins::JWT_REQUEST;
use crate::circumstance::Circumstance;
use crate::correlate::RecordRef;
use crate::findings::{Finding, FindingCode, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// The records of a group: how many, and the first ones.
#[derive(Clone, Debug)]
pub(crate) struct Sample<R> {
    count: u64,
    records: Vec<R>,
}

impl<R> Default for Sample<R> {
    fn default() -> Self {
        Sample {
            count: 0,
            records: Vec::new(),
        }
    }
}

impl<R: PartialEq> Sample<R> {
    fn push(&mut self, record: R, limit: usize) {
        self.count += 1;
        if self.records.len() < limit {
            self.records.push(record);
        }
    }

    /// Takes back a record pushed before (a check that was revised).
    fn remove(&mut self, record: &R) {
        self.count = self.count.saturating_sub(1);
        if let Some(position) = self.records.iter().position(|r| r == record) {
            self.records.remove(position);
        }
    }
}

/// A refusal: its records, and the explanation and advice of its first request.
#[derive(Clone, Debug)]
struct RefusalGroup<R> {
    records: Sample<R>,
    problem: String,
    advice: String,
}

/// One request name over its rate limit: the requests that get the error, those then ignored.
#[derive(Clone, Debug)]
struct RateGroup<R> {
    errors: Sample<R>,
    ignored: Sample<R>,
}

impl<R> Default for RateGroup<R> {
    fn default() -> Self {
        RateGroup {
            errors: Sample::default(),
            ignored: Sample::default(),
        }
    }
}

/// One interaction's hidden keys: the reads that hide some, and per key the writes of it.
#[derive(Clone, Debug)]
struct HiddenGroup<R> {
    reads: Sample<R>,
    keys: BTreeMap<String, Sample<R>>,
}

impl<R> Default for HiddenGroup<R> {
    fn default() -> Self {
        HiddenGroup {
            reads: Sample::default(),
            keys: BTreeMap::new(),
        }
    }
}

/// The findings under pasted options, as the checks come.
#[derive(Clone, Debug)]
pub(crate) struct PolicyFindingGroups<R> {
    sample_limit: usize,
    any_request: bool,
    /// By (0 origin / 1 filter / 2 keys, origin, request or keys): what to change.
    refusals: BTreeMap<(u8, String, String), RefusalGroup<R>>,
    rates: BTreeMap<String, RateGroup<R>>,
    disagreements: BTreeMap<String, Sample<R>>,
    delivered: Sample<R>,
    delivered_keys: BTreeSet<String>,
    hidden: BTreeMap<String, HiddenGroup<R>>,
    /// Requests that failed or got no answer in a circumstance the capture shows, by (0 sent to
    /// itself / 1 follower tab / 2 realtime down, origin).
    circumstances: BTreeMap<(u8, String), CircumstanceGroup<R>>,
}

/// Requests that failed or got no answer in one circumstance: the first one's, and its records.
#[derive(Clone, Debug)]
struct CircumstanceGroup<R> {
    first: Circumstance,
    name: String,
    records: Sample<R>,
    names: BTreeSet<String>,
}

impl<R: Clone + PartialEq> PolicyFindingGroups<R> {
    /// Groups keeping at most `sample_limit` records each (`usize::MAX`: all of them).
    pub(crate) fn new(sample_limit: usize) -> PolicyFindingGroups<R> {
        PolicyFindingGroups {
            sample_limit,
            any_request: false,
            refusals: BTreeMap::new(),
            rates: BTreeMap::new(),
            disagreements: BTreeMap::new(),
            delivered: Sample::default(),
            delivered_keys: BTreeSet::new(),
            hidden: BTreeMap::new(),
            circumstances: BTreeMap::new(),
        }
    }

    /// A request's check, in arrival order.
    pub(crate) fn add_request(&mut self, check: &RequestCheck, record: R) {
        self.any_request = true;
        let limit = self.sample_limit;
        let unsuccessful = matches!(
            check.observed,
            Observed::NoAnswer | Observed::Failed { .. } | Observed::Pending | Observed::Late
        );
        let rank = match check.circumstance.as_deref() {
            Some(Circumstance::SentToItself) => Some(0),
            Some(Circumstance::FollowerTab { .. }) if unsuccessful => Some(1),
            Some(Circumstance::RealtimeDown { .. }) if unsuccessful => Some(2),
            _ => None,
        };
        if let (Some(rank), Some(circumstance)) = (rank, check.circumstance.as_deref()) {
            let group = self
                .circumstances
                .entry((rank, check.origin.clone()))
                .or_insert_with(|| CircumstanceGroup {
                    first: circumstance.clone(),
                    name: check.name.clone(),
                    records: Sample::default(),
                    names: BTreeSet::new(),
                });
            group.records.push(record.clone(), limit);
            group.names.insert(check.name.clone());
        }
        if let Agreement::Disagrees { why } = &check.agreement {
            self.disagreements
                .entry(why.clone())
                .or_default()
                .push(record.clone(), limit);
        }
        let Some(verdict) = &check.verdict else {
            return;
        };
        match verdict {
            Verdict::RateLimitReached { .. } => self
                .rates
                .entry(check.name.clone())
                .or_default()
                .errors
                .push(record, limit),
            Verdict::InQuarantine { .. } => self
                .rates
                .entry(check.name.clone())
                .or_default()
                .ignored
                .push(record, limit),
            _ => {
                if let Some((rank, subject, advice)) = refusal(check, verdict) {
                    self.refusals
                        .entry((rank, check.origin.clone(), subject))
                        .or_insert_with(|| RefusalGroup {
                            records: Sample::default(),
                            problem: verdict.explain(&check.name),
                            advice,
                        })
                        .records
                        .push(record, limit);
                }
            }
        }
    }

    /// A request's check was revised (a late answer after "no answer"): its agreement moves.
    pub(crate) fn revise_agreement(&mut self, before: &Agreement, after: &Agreement, record: R) {
        if let Agreement::Disagrees { why } = before {
            if let Some(group) = self.disagreements.get_mut(why) {
                group.remove(&record);
                if group.count == 0 {
                    self.disagreements.remove(why);
                }
            }
        }
        if let Agreement::Disagrees { why } = after {
            self.disagreements
                .entry(why.clone())
                .or_default()
                .push(record, self.sample_limit);
        }
    }

    /// A result's or event's `userData`, in time order.
    pub(crate) fn add_read(&mut self, read: &ReadCheck, record: R) {
        let limit = self.sample_limit;
        if !read.unreadable_delivered.is_empty() {
            self.delivered.push(record.clone(), limit);
            self.delivered_keys
                .extend(read.unreadable_delivered.iter().cloned());
        }
        let Some(id) = &read.interaction_id else {
            return;
        };
        if read.hidden.is_empty() {
            return;
        }
        let group = self.hidden.entry(id.clone()).or_default();
        group.reads.push(record, limit);
        for key in &read.hidden {
            group.keys.entry(key.clone()).or_default();
        }
    }

    /// A `setUserData` that writes `key` of interaction `id`, a key read-allowed hides (written,
    /// so the interaction holds it, and no app can read it back).
    pub(crate) fn add_hidden_write(&mut self, id: &str, key: &str, record: R) {
        let limit = self.sample_limit;
        self.hidden
            .entry(id.to_owned())
            .or_default()
            .keys
            .entry(key.to_owned())
            .or_default()
            .push(record, limit);
    }

    /// The findings, most severe first, each with its full count; `reference` names a record.
    /// What the capture shows about the requests that failed or got no answer: posted to the
    /// app's own window, sent from a follower tab, sent while the realtime connection was down.
    /// With options or without.
    /// `recoveries` are the realtime outages that ended ([`crate::circumstance::TabState::recoveries`]).
    pub(crate) fn circumstance_findings(
        &self,
        reference: impl Fn(&R) -> RecordRef,
        recoveries: &[(RecordRef, RecordRef)],
    ) -> Vec<(Finding, u64)> {
        let limit = self.sample_limit;
        let mut findings = Vec::new();
        for ((rank, origin), group) in &self.circumstances {
            // The record that shows the circumstance counts among the finding's records.
            let count = group.records.count + u64::from(group.first.evidence().is_some());
            let requests = group.records.count;
            let names = group
                .names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut records: Vec<RecordRef> = group
                .records
                .records
                .iter()
                .take(limit)
                .map(&reference)
                .collect();
            if let Some(evidence) = group.first.evidence() {
                records.insert(0, evidence.clone());
            }
            let (code, title, problem) = match rank {
                0 => (
                    FindingCode::WrongTargetWindow,
                    format!("{count} message(s) from {origin} never reached Workspace: posted to the app's own window"),
                    format!("{names} arrived at the app's own frame with source `self`: the app posted to itself, so Workspace never saw them and the client times out. This happens when the app is a popup posting to window.parent (a popup's parent is itself) instead of window.opener, or when Workspace is in an iframe of the app and targetWWEWindow was not called."),
                ),
                1 => (
                    FindingCode::FollowerTab,
                    format!("{requests} action(s) sent from a follower tab failed or got no answer"),
                    format!("{} {}", group.first.why(&group.name), if group.names.len() > 1 { format!("Requests: {names}.") } else { String::new() }).trim_end().to_owned(),
                ),
                _ => {
                    // The record that said the connection was back, when the capture holds it.
                    let back = group.first.evidence().and_then(|since| {
                        recoveries.iter().find(|(began, _)| began == since).map(|(_, back)| back.clone())
                    });
                    let recovery = match &back {
                        Some(_) => " The connection came back later (the last REALTIME_CONNECTION record named here): requests sent from then on were carried out, and these can be sent again.",
                        None => " The capture ends before the connection came back.",
                    };
                    records.extend(back);
                    (
                        FindingCode::RealtimeDown,
                        format!("{requests} request(s) failed or got no answer while the realtime connection was down"),
                        format!("{}{}{recovery}", group.first.why(&group.name), if group.names.len() > 1 { format!(" Requests: {names}.") } else { String::new() }),
                    )
                }
            };
            findings.push((
                Finding {
                    code,
                    severity: Severity::Error,
                    title,
                    records,
                    problem,
                    advice: group.first.advice(),
                },
                count,
            ));
        }
        findings
    }

    pub(crate) fn findings(
        &self,
        options: &WorkspaceOptions,
        reference: impl Fn(&R) -> RecordRef,
    ) -> Vec<(Finding, u64)> {
        let limit = self.sample_limit;
        let references = |records: &mut dyn Iterator<Item = &R>| -> Vec<RecordRef> {
            records.take(limit).map(&reference).collect()
        };
        let mut findings = Vec::new();
        if !options.is_given(ACCEPTED_ORIGINS) && self.any_request {
            findings.push((
                Finding {
                    code: FindingCode::OptionsIncomplete,
                    severity: Severity::Warning,
                    title: format!("{ACCEPTED_ORIGINS} is not in the pasted options"),
                    records: Vec::new(),
                    problem: "Its default is empty: no origin is accepted, so every request is judged refused.".to_owned(),
                    advice: format!("Paste {ACCEPTED_ORIGINS} too, as set for this Workspace."),
                },
                0,
            ));
        }
        for ((rank, origin, subject), group) in &self.refusals {
            let count = group.records.count;
            let title = match rank {
                0 => format!("Origin `{origin}` is not accepted: {count} request(s) refused"),
                1 => format!("`{subject}` is outside the filter of `{origin}` ({count})"),
                _ => format!("Writing `{subject}` is refused by {WRITE_ALLOWED} ({count})"),
            };
            findings.push((
                Finding {
                    code: FindingCode::PolicyRefused,
                    severity: Severity::Error,
                    title,
                    records: references(&mut group.records.records.iter()),
                    problem: group.problem.clone(),
                    advice: group.advice.clone(),
                },
                count,
            ));
        }
        for (request, group) in &self.rates {
            if group.errors.count == 0 {
                continue;
            }
            let limit_text = match options.rate_limits.limit_for(request) {
                0 => format!("{RATE_LIMIT} = {}", options.rate_limits.global),
                limit => format!("{} = {limit}", LimitKind::Request.option_name(request)),
            };
            findings.push((
                Finding {
                    code: FindingCode::PolicyRateLimit,
                    severity: Severity::Error,
                    title: format!(
                        "`{request}` over its rate limit: {} error(s), {} ignored in quarantine",
                        group.errors.count, group.ignored.count
                    ),
                    records: references(
                        &mut group.errors.records.iter().chain(&group.ignored.records),
                    ),
                    problem: if options.rate_limits.quarantine_forever() {
                        format!("Under {limit_text} per fixed minute, the first `{request}` over the limit gets the explicit error, and with service-client-api.rate-limit-quarantine-delay = 0 the next ones are ignored without an answer until Workspace is reloaded.")
                    } else {
                        format!("Under {limit_text} per fixed minute, the first `{request}` over the limit gets the explicit error and the next ones are ignored without an answer until the quarantine ends.")
                    },
                    advice: if options.rate_limits.quarantine_forever() {
                        format!("Reload Workspace to lift the quarantine; send fewer `{request}` requests per minute or raise {limit_text}, and set service-client-api.rate-limit-quarantine-delay to a number of seconds (0 = until reload).")
                    } else {
                        format!("Space the `{request}` requests out (the count restarts each minute on the minute), or raise {limit_text}.")
                    },
                },
                group.errors.count + group.ignored.count,
            ));
        }
        for (why, group) in &self.disagreements {
            findings.push((
                Finding {
                    code: FindingCode::PolicyDisagreement,
                    severity: Severity::Error,
                    title: format!(
                        "{} request(s) went otherwise than the pasted options predict",
                        group.count
                    ),
                    records: references(&mut group.records.iter()),
                    problem: why.clone(),
                    advice: "Check that the pasted options are the ones this Workspace runs with (application, agent group and agent levels can override them), then look at the requests named.".to_owned(),
                },
                group.count,
            ));
        }
        if self.delivered.count > 0 {
            let keys = &self.delivered_keys;
            findings.push((
                Finding {
                    code: FindingCode::PolicyDisagreement,
                    severity: Severity::Error,
                    title: format!("userData keys delivered that the pasted {READ_ALLOWED} hides"),
                    records: references(&mut self.delivered.records.iter()),
                    problem: format!(
                        "{} reached the app, so the read-allowed in force lets {} through.",
                        quoted_list(keys.iter().map(String::as_str)),
                        if keys.len() == 1 { "it" } else { "them" }
                    ),
                    advice: "The options in force are not the ones pasted: check the levels that can override them.".to_owned(),
                },
                self.delivered.count,
            ));
        }
        for (id, group) in &self.hidden {
            let records = references(
                &mut group
                    .reads
                    .records
                    .iter()
                    .chain(group.keys.values().flat_map(|writes| &writes.records)),
            );
            let count = group.reads.count + group.keys.values().map(|w| w.count).sum::<u64>();
            let finding = hidden_keys_finding(
                id,
                group.keys.keys().map(String::as_str),
                "read-allowed hides them",
                Severity::Info,
                records,
            );
            findings.push((finding, count));
        }
        findings.sort_by_key(|(finding, _)| finding.severity);
        findings
    }
}

/// What a refusal is grouped by and what to change: (rank, subject, advice).
fn refusal(check: &RequestCheck, verdict: &Verdict) -> Option<(u8, String, String)> {
    Some(match verdict {
        Verdict::OriginNotAccepted { origin, .. } => (
            0,
            String::new(),
            format!("Add `{origin}` to {ACCEPTED_ORIGINS} (with a filter in parentheses if the app needs only some requests)."),
        ),
        Verdict::OutsideFilter {
            rule,
            jwt_needs_explicit,
            ..
        } => (
            1,
            check.name.clone(),
            if *jwt_needs_explicit {
                format!("Name it explicitly in the entry: `{} ({}{JWT_REQUEST})`.", check.origin, filter_prefix(rule))
            } else {
                format!("Add `{}` (or `{}.*`) to the filter of `{}` in {ACCEPTED_ORIGINS}; the entry is now `{rule}`.", check.name, check.name.split('.').next().unwrap_or(""), check.origin)
            },
        ),
        Verdict::KeysRefused { refused, .. } => (
            2,
            refused.join(","),
            format!("Add {} to {WRITE_ALLOWED}, or stop writing {}.", refused.join(", "), if refused.len() == 1 { "it" } else { "them" }),
        ),
        _ => return None,
    })
}

fn filter_prefix(rule: &str) -> String {
    match rule.split_once('(') {
        Some((_, inner)) => format!("{}, ", inner.trim_end_matches(')').trim()),
        None => "*, ".to_owned(),
    }
}

/// `` `a`, `b` ``
fn quoted_list<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    keys.map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The finding of one interaction's keys that no app can read (hidden by the pasted
/// read-allowed, or probably hidden, without options).
pub(crate) fn hidden_keys_finding<'a>(
    interaction_id: &str,
    hidden: impl Iterator<Item = &'a str>,
    how: &str,
    severity: Severity,
    records: Vec<RecordRef>,
) -> Finding {
    let list = quoted_list(hidden);
    Finding {
        code: FindingCode::KeysHidden,
        severity,
        title: format!("Interaction {interaction_id}: {list} not readable"),
        records,
        problem: format!("{list}: {how}. The app never sees these keys in results or events, although they are attached."),
        advice: format!("Add the keys to {READ_ALLOWED} if the app must read them."),
    }
}
