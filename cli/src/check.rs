//! `scapi-inspect check`: the Workspace options applied to a log, in one pass and bounded memory
//! (the core crate's policy `Checker`): each request's verdict against what the log shows, as
//! soon as it is settled, then the counts and findings.
//!
//! Lines are checked as they are read. A HAR holds its records entry by entry (channel by
//! channel), while the checker needs them in capture order: each entry's records go to a spill
//! file (their facts, a few hundred bytes each), and the files are merged back into capture order
//! by each record's index, as `convert` does.

use crate::convert::Failure;
use crate::source::{sniff, stream, Event, Format, InputFrom, InputPath};
use crate::spill::{merge_in_order, Spill, SpillDir, MERGED_PARTS};
use crate::table::{clock_time, cut};
use scapi::circumstance::Circumstance;
use scapi::correlate::RecordRef;
use scapi::facts::Facts;
use scapi::findings::Severity;
use scapi::policy::audit::{Agreement, InferredCause, Observed, ReadCheck, RequestCheck};
use scapi::policy::checker::{CheckSummary, Checked, Checker, SampledFinding};
use scapi::policy::{Expected, WorkspaceOptions};
use scapi::rate_limit::RateLimitError;
use serde::Serialize;
use serde_json::Value;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// One JSON object per check as it is settled, then one with the summary.
    Json,
    /// Aligned columns per check, then the counts and findings.
    Table,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub from: InputFrom,
    pub format: CheckFormat,
}

/// How a check went, when it could run to the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub records: u64,
    pub bad_lines: u64,
    /// Requests and reads where the log is not what the options predict.
    pub disagreements: u64,
}

/// How records are named in the output: by input line, or by position in a HAR's capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    Line,
    Index,
}

pub fn run(
    options: &Options,
    workspace: WorkspaceOptions,
    input: &InputPath,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<Report, Failure> {
    match check(options, workspace, input, out, errors) {
        // The reader went away (`| head`): stop quietly, as other line tools do.
        Err(Failure::Write(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            Ok(Report::default())
        }
        other => other,
    }
}

fn check(
    options: &Options,
    workspace: WorkspaceOptions,
    input: &InputPath,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<Report, Failure> {
    let reader = input
        .open()
        .map_err(|error| Failure::Input(format!("cannot open: {error}")))?;
    let (format, reader) =
        sniff(reader, options.from).map_err(|error| Failure::Input(error.to_string()))?;
    let position = match format {
        Format::Har => Position::Index,
        Format::Lines => Position::Line,
    };
    let mut checker = Checker::new(workspace);
    let mut output = Output::new(options.format, position, out);
    output.begin()?;
    let report = match format {
        Format::Lines => stream(format, reader, &mut |event| {
            match event {
                Event::Frame(frame) => {
                    checker.add_frame(frame.clone());
                }
                // Facts name a record by `seq`, which for lines is the line number.
                Event::Record(item) => {
                    checker.add(item.frame, &Facts::of(item.record), |c| output.check(&c));
                    output.failure()?;
                }
                Event::Problem { line, text } => {
                    let _ = writeln!(errors, "line {line}: {text}");
                }
                _ => {}
            }
            Ok(())
        })?,
        Format::Har => {
            let spill_dir = SpillDir::new().map_err(Failure::Write)?;
            let mut spill = Spill::new(&spill_dir);
            let mut entries = 0;
            let report = stream(format, reader, &mut |event| {
                match event {
                    Event::Frame(frame) => {
                        checker.add_frame(frame.clone());
                    }
                    Event::Meta(meta) => checker.capture_ended(meta.end),
                    Event::Record(item) => {
                        // Named by their place in the capture: `seq` counts per frame only.
                        let mut facts = Facts::of(item.record);
                        facts.seq = item.index;
                        entries = entries.max(item.entry + 1);
                        let writer = spill.writer(item.entry)?;
                        write!(writer, "{}\t{}\t", item.index, item.frame)?;
                        serde_json::to_writer(&mut *writer, &facts)?;
                        writer.write_all(b"\n")?;
                    }
                    _ => {}
                }
                Ok(())
            })?;
            spill.close_all().map_err(Failure::Write)?;
            if entries > MERGED_PARTS {
                let _ = writeln!(
                    errors,
                    "note: {entries} HAR entries: records are checked entry by entry, not in capture order, so pairing and rate windows may be wrong"
                );
            }
            merge_in_order(&spill, entries, &mut |line| {
                let (frame, facts) = spilled(line)?;
                checker.add(frame, &facts, |c| output.check(&c));
                output.failure()
            })
            .map_err(Failure::Write)?;
            report
        }
    };
    let summary = checker.finish(|c| output.check(&c));
    output.failure().map_err(Failure::Write)?;
    let name = input.name();
    output
        .summary(&summary, &name, format, report.bad_lines)
        .map_err(Failure::Write)?;
    Ok(Report {
        records: report.records,
        bad_lines: report.bad_lines,
        disagreements: summary.disagreements(),
    })
}

/// A spilled record: `frame\tfacts`.
fn spilled(line: &[u8]) -> io::Result<(usize, Facts)> {
    let broken = || io::Error::other("a spill file is not as written");
    let tab = line.iter().position(|&b| b == b'\t').ok_or_else(broken)?;
    let frame = std::str::from_utf8(&line[..tab])
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or_else(broken)?;
    let facts = serde_json::from_slice(&line[tab + 1..])?;
    Ok((frame, facts))
}

/// Writes checks as they come; the first write error is kept (the checker's callback cannot
/// return one) and stops the run.
struct Output<'a> {
    format: CheckFormat,
    position: Position,
    out: &'a mut dyn Write,
    error: Option<io::Error>,
}

const TIME_WIDTH: usize = 12;
const ORIGIN_WIDTH: usize = 28;
const NAME_WIDTH: usize = 30;
const VERDICT_WIDTH: usize = 18;
const OBSERVED_WIDTH: usize = 16;

impl<'a> Output<'a> {
    fn new(format: CheckFormat, position: Position, out: &'a mut dyn Write) -> Output<'a> {
        Output {
            format,
            position,
            out,
            error: None,
        }
    }

    fn failure(&mut self) -> io::Result<()> {
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn begin(&mut self) -> Result<(), Failure> {
        if self.format == CheckFormat::Table {
            let position = match self.position {
                Position::Line => "LINE",
                Position::Index => "INDEX",
            };
            self.row(
                position,
                "TIME (UTC)",
                "ORIGIN",
                "NAME",
                "VERDICT",
                "OBSERVED",
                "AGREEMENT",
            )
            .map_err(Failure::Write)?;
        }
        Ok(())
    }

    fn check(&mut self, checked: &Checked) {
        if self.error.is_some() {
            return;
        }
        let written = match self.format {
            CheckFormat::Json => self.json(checked),
            CheckFormat::Table => self.table(checked),
        };
        if let Err(error) = written {
            self.error = Some(error);
        }
    }

    fn json(&mut self, checked: &Checked) -> io::Result<()> {
        let position = self.position;
        match checked {
            Checked::Request {
                time,
                check,
                revised,
            } => serde_json::to_writer(
                &mut *self.out,
                &RequestLine::of(position, *time, check, *revised),
            )?,
            Checked::Read { time, check } => {
                serde_json::to_writer(&mut *self.out, &ReadLine::of(position, *time, check))?
            }
        }
        self.out.write_all(b"\n")
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        position: &str,
        time: &str,
        origin: &str,
        name: &str,
        verdict: &str,
        observed: &str,
        agreement: &str,
    ) -> io::Result<()> {
        writeln!(
            self.out,
            "{position:>7}  {time:<TIME_WIDTH$}  {:<ORIGIN_WIDTH$}  {:<NAME_WIDTH$}  {:<VERDICT_WIDTH$}  {:<OBSERVED_WIDTH$}  {agreement}",
            cut(origin, ORIGIN_WIDTH),
            cut(name, NAME_WIDTH),
            cut(verdict, VERDICT_WIDTH),
            cut(observed, OBSERVED_WIDTH),
        )
    }

    fn table(&mut self, checked: &Checked) -> io::Result<()> {
        match checked {
            Checked::Request {
                time,
                check,
                revised,
            } => {
                let verdict = check.verdict.as_ref().map_or("-", |v| v.label());
                let agreement = match (&check.agreement, revised) {
                    (agreement, false) => agreement_label(agreement).to_owned(),
                    (agreement, true) => format!("{} (revised)", agreement_label(agreement)),
                };
                self.row(
                    &check.record.seq.to_string(),
                    &clock_time(*time),
                    &check.origin,
                    &check.name,
                    verdict,
                    check.observed.label(),
                    &agreement,
                )
            }
            Checked::Read { time, check } => {
                let name = match &check.interaction_id {
                    Some(id) => format!("userData of {id}"),
                    None => "userData".to_owned(),
                };
                let hides = if check.hidden.is_empty() {
                    "-".to_owned()
                } else {
                    format!("hides {}", check.hidden.join(","))
                };
                let shows = if check.unreadable_delivered.is_empty() {
                    "-".to_owned()
                } else {
                    format!("shows {}", check.unreadable_delivered.join(","))
                };
                self.row(
                    &check.record.seq.to_string(),
                    &clock_time(*time),
                    "",
                    &name,
                    &hides,
                    &shows,
                    read_agreement(check),
                )
            }
        }
    }

    fn summary(
        &mut self,
        summary: &CheckSummary,
        input: &str,
        format: Format,
        bad_lines: u64,
    ) -> io::Result<()> {
        match self.format {
            CheckFormat::Json => {
                let mut value = serde_json::to_value(summary)?;
                let findings: Vec<Value> = summary
                    .findings
                    .iter()
                    .map(|finding| self.finding_json(finding))
                    .collect();
                if let Value::Object(fields) = &mut value {
                    fields.insert("findings".to_owned(), Value::Array(findings));
                    fields.insert("disagreements".to_owned(), summary.disagreements().into());
                    fields.insert("badLines".to_owned(), bad_lines.into());
                    fields.insert("format".to_owned(), format_name(format).into());
                    fields.insert("input".to_owned(), input.into());
                }
                serde_json::to_writer(&mut *self.out, &serde_json::json!({ "summary": value }))?;
                self.out.write_all(b"\n")?;
            }
            CheckFormat::Table => self.summary_table(summary, input, format)?,
        }
        self.out.flush()
    }

    fn finding_json(&self, finding: &SampledFinding) -> Value {
        let mut value = serde_json::to_value(finding).unwrap_or(Value::Null);
        if let Value::Object(fields) = &mut value {
            fields.remove("records");
            let positions: Vec<u64> = finding.finding.records.iter().map(|r| r.seq).collect();
            let key = match self.position {
                Position::Line => "lines",
                Position::Index => "indexes",
            };
            fields.insert(key.to_owned(), positions.into());
        }
        value
    }

    fn summary_table(
        &mut self,
        summary: &CheckSummary,
        input: &str,
        format: Format,
    ) -> io::Result<()> {
        let out = &mut *self.out;
        write!(
            out,
            "\n{input} ({}): {} requests checked, {} agree, {} disagree, {} undecided",
            format_name(format),
            summary.requests,
            summary.agrees,
            summary.disagrees,
            summary.undecided
        )?;
        if summary.explained > 0 {
            write!(
                out,
                ", {} explained by the capture (not the options)",
                summary.explained
            )?;
        }
        writeln!(out)?;
        let counts = |out: &mut dyn Write,
                      title: &str,
                      counts: &std::collections::BTreeMap<String, u64>|
         -> io::Result<()> {
            let listed: Vec<String> = counts
                .iter()
                .filter(|(_, count)| **count > 0)
                .map(|(label, count)| format!("{count} {label}"))
                .collect();
            writeln!(
                out,
                "  {title}: {}",
                if listed.is_empty() {
                    "none".to_owned()
                } else {
                    listed.join(", ")
                }
            )
        };
        counts(out, "verdicts", &summary.by_verdict)?;
        counts(out, "observed", &summary.by_observed)?;
        if summary.revised > 0 {
            writeln!(
                out,
                "  {} request(s) first without an answer were answered late (revised)",
                summary.revised
            )?;
        }
        writeln!(
            out,
            "  userData reads: {}, {} hiding keys, {} showing keys read-allowed hides",
            summary.reads, summary.reads_hiding, summary.reads_disagreeing
        )?;
        if summary.closed_early > 0 {
            writeln!(
                out,
                "  note: {} request(s) were settled as without an answer before their 10 s, to bound memory",
                summary.closed_early
            )?;
        }
        writeln!(out)?;
        if summary.findings.is_empty() {
            return writeln!(out, "No findings.");
        }
        writeln!(out, "Findings ({}):", summary.findings.len())?;
        let (singular, plural) = match self.position {
            Position::Line => ("line", "lines"),
            Position::Index => ("index", "indexes"),
        };
        for sampled in &summary.findings {
            let finding = &sampled.finding;
            let severity = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let positions: Vec<String> =
                finding.records.iter().map(|r| r.seq.to_string()).collect();
            let shown = match (positions.len() as u64, sampled.count) {
                (0, _) => String::new(),
                (1, 1) => format!("  ({singular} {})", positions[0]),
                (shown, count) if shown == count => {
                    format!("  ({plural} {})", positions.join(", "))
                }
                (_, count) => format!("  ({plural} {}, … {count} in all)", positions.join(", ")),
            };
            writeln!(out, "  {severity:<8} {}{shown}", finding.title)?;
            writeln!(out, "           {}", finding.problem.replace('\n', " "))?;
            writeln!(out, "           {}", finding.advice)?;
        }
        Ok(())
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Har => "har",
        Format::Lines => "lines",
    }
}

fn agreement_label(agreement: &Agreement) -> &'static str {
    match agreement {
        Agreement::Agrees => "agrees",
        Agreement::Disagrees { .. } => "disagrees",
        Agreement::Undecided => "undecided",
        Agreement::Explained { .. } => "explained",
    }
}

fn read_agreement(read: &ReadCheck) -> &'static str {
    if read.unreadable_delivered.is_empty() {
        "agrees"
    } else {
        "disagrees"
    }
}

fn expected_label(expected: &Expected) -> &'static str {
    match expected {
        Expected::Answer => "answer",
        Expected::Error { .. } => "error",
        Expected::NoAnswer => "no answer",
        Expected::ErrorOrNoAnswer => "error or no answer",
    }
}

fn cause_label(cause: &InferredCause) -> &'static str {
    match cause {
        InferredCause::InQuarantine { .. } => "in-quarantine",
        InferredCause::OriginProbablyRefused => "origin-probably-refused",
        InferredCause::ProbablyOutsideFilter => "probably-outside-filter",
        InferredCause::Circumstance(circumstance) => match circumstance {
            Circumstance::SentToItself => "sent-to-itself",
            Circumstance::UnknownRequest { .. } => "unknown-request",
            Circumstance::FollowerTab { .. } => "follower-tab",
            Circumstance::RealtimeDown { .. } => "realtime-down",
        },
        InferredCause::Unexplained => "unexplained",
    }
}

/// `{"check": "request", …}`: one request's check.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestLine<'a> {
    check: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<u64>,
    time: f64,
    origin: &'a str,
    name: &'a str,
    verdict: &'static str,
    /// What Workspace does and why, in a sentence.
    explanation: String,
    expected: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_error: Option<String>,
    observed: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<&'a RateLimitError>,
    agreement: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<&'static str>,
    /// For a cause `in-quarantine`: the request whose rate-limit error announced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    cause_evidence: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    revised: bool,
}

impl<'a> RequestLine<'a> {
    fn of(position: Position, time: f64, check: &'a RequestCheck, revised: bool) -> Self {
        let (line, index) = positioned(position, &check.record);
        let expected = check.verdict.as_ref().map(|v| v.expected());
        let (error_message, rate_limit) = match &check.observed {
            Observed::Failed {
                error_message,
                rate_limit,
            } => (Some(error_message.as_str()), rate_limit.as_ref()),
            _ => (None, None),
        };
        RequestLine {
            check: "request",
            line,
            index,
            time,
            origin: &check.origin,
            name: &check.name,
            verdict: check.verdict.as_ref().map_or("-", |v| v.label()),
            explanation: check
                .verdict
                .as_ref()
                .map(|v| v.explain(&check.name))
                .unwrap_or_default(),
            expected: expected.as_ref().map_or("-", expected_label),
            expected_error: match expected {
                Some(Expected::Error { error_message }) => Some(error_message),
                _ => None,
            },
            observed: check.observed.label(),
            error_message,
            rate_limit,
            agreement: agreement_label(&check.agreement),
            why: match &check.agreement {
                Agreement::Disagrees { why } | Agreement::Explained { why } => Some(why),
                _ => None,
            },
            cause: check.inferred.as_ref().map(cause_label),
            cause_evidence: match &check.inferred {
                Some(InferredCause::InQuarantine { evidence, .. }) => Some(evidence.seq),
                Some(InferredCause::Circumstance(circumstance)) => {
                    circumstance.evidence().map(|evidence| evidence.seq)
                }
                _ => None,
            },
            revised,
        }
    }
}

/// `{"check": "read", …}`: the `userData` of one result or event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReadLine<'a> {
    check: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<u64>,
    time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    interaction_id: Option<&'a str>,
    present: &'a [String],
    hidden: &'a [String],
    unreadable_delivered: &'a [String],
    agreement: &'static str,
}

impl<'a> ReadLine<'a> {
    fn of(position: Position, time: f64, check: &'a ReadCheck) -> Self {
        let (line, index) = positioned(position, &check.record);
        ReadLine {
            check: "read",
            line,
            index,
            time,
            interaction_id: check.interaction_id.as_deref(),
            present: &check.present,
            hidden: &check.hidden,
            unreadable_delivered: &check.unreadable_delivered,
            agreement: read_agreement(check),
        }
    }
}

/// (line, index) of a record: its `seq` is one or the other.
fn positioned(position: Position, record: &RecordRef) -> (Option<u64>, Option<u64>) {
    match position {
        Position::Line => (Some(record.seq), None),
        Position::Index => (None, Some(record.seq)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::policy::parse_options;

    const LOG: &str = concat!(
        r#"{"v":1,"time":1000.0,"wall":1000.0,"frameUrl":"https://wwe.example/","frameOrigin":"https://wwe.example","isTop":true,"origin":"https://app.example","source":"child","childIndex":0,"ports":0,"data":{"request":"agent.getState","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}}"#,
        "\n",
        r#"{"v":1,"time":1005.0,"wall":1005.0,"frameUrl":"https://app.example/a.html","frameOrigin":"https://app.example","isTop":false,"origin":"https://wwe.example","source":"parent","ports":0,"data":{"referenceId":"0","data":{},"userAgent":"WWE Server","protocolVersion":2}}"#,
        "\n",
    );

    fn checked(text: &str, options: &str, format: CheckFormat) -> (String, Report) {
        let path = std::env::temp_dir().join(format!(
            "scapi-inspect-check-unit-{}-{}.jsonl",
            std::process::id(),
            options.len() + text.len()
        ));
        std::fs::write(&path, text).unwrap();
        let mut out = Vec::new();
        let report = run(
            &Options {
                from: InputFrom::Auto,
                format,
            },
            parse_options(options).unwrap().options,
            &InputPath::File(path.clone()),
            &mut out,
            &mut io::sink(),
        )
        .unwrap();
        let _ = std::fs::remove_file(path);
        (String::from_utf8(out).unwrap(), report)
    }

    #[test]
    fn json_names_each_check_by_line_then_sums_up() {
        let (out, report) = checked(
            LOG,
            "service-client-api.accepted-web-content-origins=https://app.example (voice.*)",
            CheckFormat::Json,
        );
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(lines[0]["check"], "request");
        assert_eq!(lines[0]["line"], 1);
        assert_eq!(lines[0]["verdict"], "outside filter");
        assert_eq!(lines[0]["expected"], "error or no answer");
        assert_eq!(lines[0]["observed"], "answered");
        assert_eq!(lines[0]["agreement"], "disagrees");
        assert!(lines[0]["why"]
            .as_str()
            .unwrap()
            .contains("the options in force accept it"));
        let summary = &lines[1]["summary"];
        assert_eq!(summary["disagreements"], 1);
        assert_eq!(summary["byVerdict"]["outside filter"], 1);
        assert_eq!(summary["findings"][0]["lines"], serde_json::json!([1]));
        assert!(summary["findings"][0].get("records").is_none());
        assert_eq!(report.disagreements, 1);
    }

    #[test]
    fn a_table_row_per_check_then_the_findings() {
        let (out, report) = checked(
            LOG,
            "service-client-api.accepted-web-content-origins=https://app.example",
            CheckFormat::Table,
        );
        let mut lines = out.lines();
        let heading = lines.next().unwrap();
        assert!(
            heading.trim_start().starts_with("LINE  TIME (UTC)"),
            "{out}"
        );
        let row = lines.next().unwrap();
        for cell in [
            "1",
            "00:00:01.000",
            "https://app.example",
            "agent.getState",
            "allowed",
            "answered",
            "agrees",
        ] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
        assert!(
            out.contains("1 requests checked, 1 agree, 0 disagree"),
            "{out}"
        );
        assert!(out.contains("No findings."), "{out}");
        assert_eq!(report.disagreements, 0);
    }
}
