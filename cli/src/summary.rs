//! `scapi-inspect summary`: what a capture holds, in one pass and bounded memory (the core crate's
//! `Summarizer`), as a table for reading or JSON for scripts.

use crate::convert::Failure;
use crate::convert::FINDINGS_RECORD_LIMIT;
use crate::source::{sniff, stream, Event, Format, InputFrom, InputPath};
use crate::table::lines_label;
use scapi::facts::{as_refs, Facts};
use scapi::findings::{diagnose, Finding, FindingCode, Severity};
use scapi::har::time::iso_millis;
use scapi::summary::FindingSummary;
use scapi::summary::{LatencySummary, Summarizer, Summary};
use scapi::FrameInfo;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Sections of aligned columns, for reading.
    Table,
    /// One JSON object.
    Json,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub from: InputFrom,
    pub format: SummaryFormat,
}

/// How a summary went, when it could be made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub records: u64,
    pub bad_lines: u64,
}

/// The JSON output: the summary with what was read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryOutput<'a> {
    input: &'a str,
    format: &'static str,
    bad_lines: u64,
    #[serde(flatten)]
    summary: &'a Summary,
    /// Each finding with its texts (problem, what to do) and records, from the findings engine
    /// the panel runs (without options); absent for captures of more than
    /// [`FINDINGS_RECORD_LIMIT`] records, where `findings` counts the protocol's findings only.
    #[serde(skip_serializing_if = "Option::is_none")]
    finding_list: Option<&'a [Finding]>,
}

pub fn run(
    options: &Options,
    input: &InputPath,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<Report, Failure> {
    let reader = input
        .open()
        .map_err(|error| Failure::Input(format!("cannot open: {error}")))?;
    let (format, reader) =
        sniff(reader, options.from).map_err(|error| Failure::Input(error.to_string()))?;
    let mut summarizer = Summarizer::new();
    // What the findings engine needs, while the capture is small enough to hold.
    let mut frames: Vec<FrameInfo> = Vec::new();
    // A file of lines too long for the engine is told by counting its lines first (a fast
    // scan): then no facts are kept at all, and memory stays that of the streaming pass.
    let too_many = format == Format::Lines
        && matches!(input, InputPath::File(_))
        && more_lines_than(input, FINDINGS_RECORD_LIMIT).unwrap_or(false);
    let mut kept: Option<Vec<(usize, Facts)>> = (!too_many).then(Vec::new);
    let mut ended: Option<f64> = None;
    let report = stream(format, reader, &mut |event| {
        match event {
            Event::Frame(frame) => {
                frames.push(frame.clone());
                summarizer.add_frame(frame.clone());
            }
            Event::Record(item) => {
                if let Some(facts) = &mut kept {
                    if facts.len() as u64 >= FINDINGS_RECORD_LIMIT {
                        kept = None;
                    } else {
                        facts.push((item.frame, Facts::of(item.record)));
                    }
                }
                summarizer.add(item.frame, item.record)
            }
            Event::Meta(meta) => {
                ended = Some(meta.end);
                summarizer.capture_ended(meta.end)
            }
            Event::Problem { line, text, .. } => {
                let _ = writeln!(errors, "line {line}: {text}");
            }
            _ => {}
        }
        Ok(())
    })?;
    let mut summary = summarizer.finish();
    let finding_list = kept.map(|facts| {
        let last = summary.last_time.unwrap_or(0.0);
        let now = ended.map_or(last, |end| end.max(last));
        diagnose(&frames, &as_refs(&facts), now, None).findings
    });
    match &finding_list {
        // The counts are those of the list: one engine, one set of findings.
        Some(list) => summary.findings = count_findings(list),
        None => {
            let _ = writeln!(
                errors,
                "note: {} records are more than the {FINDINGS_RECORD_LIMIT} the findings engine reads in memory: the findings counted are the protocol's (no texts, no inference)",
                report.records
            );
        }
    }
    let name = input.name();
    let format_name = match format {
        Format::Har => "har",
        Format::Lines => "lines",
    };
    let written = match options.format {
        SummaryFormat::Json => {
            let output = SummaryOutput {
                input: &name,
                format: format_name,
                bad_lines: report.bad_lines,
                summary: &summary,
                finding_list: finding_list.as_deref(),
            };
            serde_json::to_writer(&mut *out, &output)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
        }
        SummaryFormat::Table => {
            write_table(out, &name, format_name, &summary, finding_list.as_deref())
        }
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
        Err(error) => return Err(Failure::Write(error)),
    }
    Ok(Report {
        records: report.records,
        bad_lines: report.bad_lines,
    })
}

fn milliseconds(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

fn plural(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Writes the summary as sections of aligned columns.
fn write_table(
    out: &mut dyn Write,
    name: &str,
    format: &str,
    summary: &Summary,
    finding_list: Option<&[Finding]>,
) -> io::Result<()> {
    let span = match (summary.first_time, summary.last_time) {
        (Some(first), Some(last)) => format!(
            ", {} to {} ({})",
            iso_millis(first),
            iso_millis(last),
            milliseconds(last - first)
        ),
        _ => String::new(),
    };
    writeln!(
        out,
        "{name} ({format}): {}{span}",
        plural(summary.records, "record", "records")
    )?;

    let counts = |out: &mut dyn Write,
                  title: &str,
                  counts: &mut dyn Iterator<Item = (&String, &u64)>|
     -> io::Result<()> {
        let rows: Vec<(&String, &u64)> = counts.collect();
        if rows.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n{title}")?;
        let width = rows
            .iter()
            .map(|(label, _)| label.chars().count())
            .max()
            .unwrap_or(0);
        for (label, count) in rows {
            writeln!(out, "  {label:<width$}  {count:>9}")?;
        }
        Ok(())
    };
    counts(out, "By kind", &mut summary.by_kind.iter())?;
    counts(out, "By receiving frame", &mut summary.by_frame.iter())?;
    counts(out, "By sending origin", &mut summary.by_origin.iter())?;

    if !summary.requests.is_empty() {
        writeln!(out, "\nRequests")?;
        let width = summary
            .requests
            .keys()
            .map(|name| name.chars().count())
            .max()
            .unwrap_or(0)
            .max("NAME".len());
        writeln!(
            out,
            "  {:<width$}  {:>7}  {:>8}  {:>6}  {:>5}  {:>9}  {:>7}  {:>10}  {:>10}  {:>10}",
            "NAME",
            "COUNT",
            "ANSWERED",
            "FAILED",
            "LATE",
            "TIMED OUT",
            "PENDING",
            "MEDIAN",
            "P95",
            "MAX"
        )?;
        for (name, figures) in &summary.requests {
            let (median, p95, max) = match &figures.latency {
                Some(LatencySummary {
                    median, p95, max, ..
                }) => (
                    milliseconds(*median),
                    milliseconds(*p95),
                    milliseconds(*max),
                ),
                None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
            };
            writeln!(
                out,
                "  {name:<width$}  {:>7}  {:>8}  {:>6}  {:>5}  {:>9}  {:>7}  {median:>10}  {p95:>10}  {max:>10}",
                figures.count,
                figures.answered,
                figures.failed,
                figures.late,
                figures.timed_out,
                figures.pending,
            )?;
        }
    }

    if !summary.failures.is_empty() {
        writeln!(out, "\nFailures")?;
        for failure in &summary.failures {
            let text = failure
                .error_message
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            writeln!(out, "  {:>5} × {}: {text}", failure.count, failure.request)?;
        }
    }
    if !summary.rate_limits.is_empty() {
        writeln!(out, "\nRate limits reached")?;
        for limit in &summary.rate_limits {
            let quarantine = match (limit.forever, limit.quarantine_seconds) {
                (true, _) => "ignored until Workspace reloads".to_owned(),
                (false, Some(seconds)) => format!("then ignored for {seconds} s"),
                (false, None) => "quarantine not stated".to_owned(),
            };
            writeln!(
                out,
                "  {:>5} × {}: {quarantine}",
                limit.count, limit.request
            )?;
        }
    }
    let timeouts: Vec<(&String, u64)> = summary
        .requests
        .iter()
        .filter(|(_, figures)| figures.timed_out > 0)
        .map(|(name, figures)| (name, figures.timed_out))
        .collect();
    if !timeouts.is_empty() {
        writeln!(out, "\nTimeouts (no answer within 10 s)")?;
        for (name, count) in timeouts {
            writeln!(out, "  {count:>5} × {name}")?;
        }
    }
    if summary.orphans > 0 || summary.duplicates > 0 {
        writeln!(
            out,
            "\nAnswers without a request: {}; requests answered more than once: {}",
            summary.orphans, summary.duplicates
        )?;
    }
    let findings = &summary.findings;
    writeln!(
        out,
        "\nFindings: {}, {}, {} info",
        plural(findings.error, "error", "errors"),
        plural(findings.warning, "warning", "warnings"),
        findings.info
    )?;
    for (code, count) in &findings.by_code {
        writeln!(out, "  {count:>5} × {}", code_label(*code))?;
    }
    for finding in finding_list.unwrap_or_default() {
        let severity = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let lines: Vec<usize> = finding.records.iter().map(|r| r.seq as usize).collect();
        // Lines name records by line number; a HAR's by their place in the capture.
        let place = match format {
            "har" => lines_label(&lines).replacen("line", "record", 1),
            _ => lines_label(&lines),
        };
        writeln!(out, "\n  {severity:<8} {}  ({place})", finding.title)?;
        writeln!(out, "           {}", finding.problem)?;
        writeln!(out, "           {}", finding.advice)?;
    }
    if summary.closed_early > 0 {
        writeln!(
            out,
            "\nNote: {} exchanges were closed early to bound memory (unanswered ones count as timed out).",
            summary.closed_early
        )?;
    }
    Ok(())
}

/// Whether the input has more than `limit` non-blank lines (a scan of its bytes).
fn more_lines_than(input: &InputPath, limit: u64) -> io::Result<bool> {
    let mut reader = io::BufReader::with_capacity(1 << 20, input.open()?);
    let mut lines = 0u64;
    let mut blank = true;
    loop {
        let buffer = io::BufRead::fill_buf(&mut reader)?;
        if buffer.is_empty() {
            return Ok(lines + u64::from(!blank) > limit);
        }
        for &byte in buffer {
            if byte == b'\n' {
                lines += u64::from(!blank);
                blank = true;
            } else if !byte.is_ascii_whitespace() {
                blank = false;
            }
        }
        if lines > limit {
            return Ok(true);
        }
        let length = buffer.len();
        io::BufRead::consume(&mut reader, length);
    }
}

/// The findings counted by severity and code.
fn count_findings(findings: &[Finding]) -> FindingSummary {
    let mut counts = FindingSummary::default();
    for finding in findings {
        counts.add(finding.code, finding.severity, 1);
    }
    counts
}

/// The finding code as the JSON output spells it (`rate-limited`).
fn code_label(code: FindingCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}
