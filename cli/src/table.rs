//! `--format table`: one fixed-width row per decoded line, for reading in a terminal, then the
//! findings as a list.

use crate::input::{Entry, Receiver};
use crate::pair::{lines_of, ExchangeView, Pairing};
use scapi::correlate::ExchangeState;
use scapi::findings::{Finding, Severity};
use scapi::Direction;
use std::collections::HashMap;
use std::io::{self, Write};

/// How wide the summary may get when the output is not a terminal.
pub const DEFAULT_SUMMARY_CHARS: usize = 100;
/// The least room the summary gets on a narrow terminal (the row then wraps).
const MIN_SUMMARY_CHARS: usize = 20;

/// Column widths, in characters, and headings; the summary takes what is left.
const COLUMNS: [(&str, usize); 7] = [
    ("LINE", 5),
    ("TIME (UTC)", 12),
    ("DIRECTION", 9),
    ("FRAME", 16),
    ("KIND", 11),
    ("NAME", 28),
    ("STATE", 16),
];
const GAP: &str = "  ";
/// The width of a row before its summary: 111 characters.
const FIXED_WIDTH: usize = {
    let mut width = 0;
    let mut column = 0;
    while column < COLUMNS.len() {
        width += COLUMNS[column].1 + GAP.len();
        column += 1;
    }
    width
};

/// Writes the table of `entries` (in input order) and, when given, the findings after it.
/// `terminal_width` is the terminal's width in columns when the output is one.
pub fn write_table(
    out: &mut impl Write,
    entries: &[Entry],
    pairing: &Pairing,
    findings: Option<&[Finding]>,
    terminal_width: Option<usize>,
) -> io::Result<()> {
    let summary_chars = match terminal_width {
        Some(width) => width.saturating_sub(FIXED_WIDTH).max(MIN_SUMMARY_CHARS),
        None => DEFAULT_SUMMARY_CHARS,
    };
    let frame_labels = frame_labels(entries);
    let headings: Vec<&str> = COLUMNS.iter().map(|(heading, _)| *heading).collect();
    write_row(out, &headings, "SUMMARY")?;
    for entry in entries {
        let record = &entry.record;
        let message = &record.decoded.message;
        let cells = [
            entry.line.to_string(),
            match &entry.receiver {
                Some(_) => clock_time(record.wall),
                None => "-".to_owned(),
            },
            message.direction().arrow().to_owned(),
            match &entry.receiver {
                Some(receiver) => frame_labels[&identity(receiver)].clone(),
                None => "-".to_owned(),
            },
            message.kind().to_owned(),
            message.name(),
            pairing
                .exchange(entry.line)
                .map(|exchange| state_cell(message.direction(), &exchange))
                .unwrap_or_default(),
        ];
        let cells: Vec<String> = cells
            .iter()
            .zip(COLUMNS)
            .map(|(cell, (_, width))| cut(cell, width))
            .collect();
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        write_row(out, &cells, &cut(&record.summary(), summary_chars))?;
    }
    if let Some(findings) = findings {
        write_findings(out, findings)?;
    }
    Ok(())
}

fn write_row(out: &mut impl Write, cells: &[&str], summary: &str) -> io::Result<()> {
    for (index, (cell, (_, width))) in cells.iter().zip(COLUMNS).enumerate() {
        // The line number is right-aligned, like any number in a column.
        if index == 0 {
            write!(out, "{cell:>width$}{GAP}")?;
        } else {
            write!(out, "{cell:<width$}{GAP}")?;
        }
    }
    writeln!(out, "{summary}")
}

fn write_findings(out: &mut impl Write, findings: &[Finding]) -> io::Result<()> {
    writeln!(out)?;
    if findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    writeln!(out, "Findings ({}):", findings.len())?;
    for finding in findings {
        let severity = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        writeln!(
            out,
            "  {severity:<8} {}  ({})",
            finding.title,
            lines_label(&lines_of(&finding.records))
        )?;
        // The problem names what is wrong precisely (which parameter, which key, which cause);
        // the advice says what to do.
        writeln!(out, "           {}", finding.problem)?;
        writeln!(out, "           {}", finding.advice)?;
    }
    Ok(())
}

/// "line 7", "lines 7, 9", or the first ten and how many more.
pub fn lines_label(lines: &[usize]) -> String {
    const SHOWN: usize = 10;
    let mut listed: Vec<String> = lines.iter().take(SHOWN).map(usize::to_string).collect();
    if lines.len() > SHOWN {
        listed.push(format!("… {} more", lines.len() - SHOWN));
    }
    match lines.len() {
        0 => "no line".to_owned(),
        1 => format!("line {}", listed[0]),
        _ => format!("lines {}", listed.join(", ")),
    }
}

/// The state of a request ("answered 12.5 ms"), or which request an answer belongs to.
fn state_cell(direction: Direction, exchange: &ExchangeView) -> String {
    if exchange.state == ExchangeState::Orphan {
        return "orphan".to_owned();
    }
    if direction == Direction::ToApp {
        return match exchange.paired_with.first() {
            Some(request) => format!("reply to {request}"),
            None => String::new(),
        };
    }
    match exchange.latency_ms {
        Some(latency) => format!("{} {}", exchange.state.label(), duration(latency)),
        None => exchange.state.label().to_owned(),
    }
}

fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// `HH:MM:SS.mmm` in UTC from epoch milliseconds.
pub fn clock_time(epoch_ms: f64) -> String {
    if !epoch_ms.is_finite() {
        return "-".to_owned();
    }
    const DAY_MS: i64 = 86_400_000;
    let of_day = (epoch_ms.round() as i64).rem_euclid(DAY_MS);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        of_day / 3_600_000,
        of_day / 60_000 % 60,
        of_day / 1000 % 60,
        of_day % 1000
    )
}

type FrameIdentity<'a> = (&'a str, &'a str, bool);

fn identity(receiver: &Receiver) -> FrameIdentity<'_> {
    (&receiver.frame_url, &receiver.frame_origin, receiver.is_top)
}

/// A short name per frame: its host, or, where frames share a host, the last part of its path.
fn frame_labels(entries: &[Entry]) -> HashMap<FrameIdentity<'_>, String> {
    let mut frames: Vec<FrameIdentity> = entries
        .iter()
        .filter_map(|entry| entry.receiver.as_ref().map(identity))
        .collect();
    frames.sort_unstable();
    frames.dedup();
    let mut per_host: HashMap<&str, usize> = HashMap::new();
    for (url, _, _) in &frames {
        *per_host.entry(host(url)).or_default() += 1;
    }
    frames
        .into_iter()
        .map(|frame @ (url, _, is_top)| {
            let label = if per_host[host(url)] == 1 {
                host(url).to_owned()
            } else {
                let page = page(url);
                if is_top {
                    format!("{page} (top)")
                } else {
                    page.to_owned()
                }
            };
            (frame, label)
        })
        .collect()
}

/// `wwe.example:8080` of `https://wwe.example:8080/ui/index.html`.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// `index.html` of `https://wwe.example/ui/index.html?x#y`: the last non-empty path segment.
fn page(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    path.rsplit('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or(path)
}

/// At most `max` characters, the last one an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{read_entry, InputFormat};
    use serde_json::json;

    #[test]
    fn clock_time_is_utc_with_milliseconds() {
        // 2024-11-24T16:54:15.123Z
        assert_eq!(clock_time(1732467255123.25), "16:54:15.123");
        assert_eq!(clock_time(0.0), "00:00:00.000");
        assert_eq!(clock_time(f64::NAN), "-");
    }

    #[test]
    fn cut_keeps_short_text_and_marks_a_cut() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("→→→→", 2), "→…");
    }

    #[test]
    fn hosts_and_pages_are_read_from_urls() {
        assert_eq!(
            host("https://wwe.example:8080/ui/index.html?a"),
            "wwe.example:8080"
        );
        assert_eq!(page("https://wwe.example/ui/index.html?a#b"), "index.html");
        assert_eq!(page("https://wwe.example/ui/"), "ui");
        assert_eq!(host("about:blank"), "about:blank");
    }

    #[test]
    fn states_read_as_words() {
        let answered = ExchangeView {
            state: ExchangeState::Answered,
            latency_ms: Some(12.5),
            paired_with: vec![4],
            result: None,
        };
        assert_eq!(
            state_cell(Direction::ToWorkspace, &answered),
            "answered 12.5 ms"
        );
        assert_eq!(
            state_cell(
                Direction::ToApp,
                &ExchangeView {
                    paired_with: vec![2],
                    ..answered.clone()
                }
            ),
            "reply to 2"
        );
        let late = ExchangeView {
            state: ExchangeState::Late,
            latency_ms: Some(12_345.0),
            paired_with: vec![9],
            result: None,
        };
        assert_eq!(state_cell(Direction::ToWorkspace, &late), "late 12.35 s");
        assert_eq!(lines_label(&[3]), "line 3");
        assert_eq!(
            lines_label(&(1..=12).collect::<Vec<_>>()),
            "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … 2 more"
        );
    }

    #[test]
    fn a_table_has_a_heading_and_one_row_per_line() {
        let lines = [
            json!({"request": "agent.getState", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}),
            json!({"referenceId": "0", "data": {"operationName": "Ready"}, "userAgent": "WWE Server", "protocolVersion": 2}),
        ];
        let entries: Vec<Entry> = lines
            .iter()
            .enumerate()
            .map(|(i, value)| read_entry(i + 1, &value.to_string(), InputFormat::Auto).unwrap())
            .collect();
        let pairing = Pairing::new(&entries);
        let mut out = Vec::new();
        write_table(&mut out, &entries, &pairing, Some(&[]), None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert!(rows[0].starts_with(" LINE  TIME (UTC)"), "{text}");
        assert!(
            rows[1].starts_with("    1  -             app → WWE  -"),
            "{text}"
        );
        assert!(rows[1].contains("answered 1.0 ms"), "{text}");
        assert!(rows[2].contains("reply to 1"), "{text}");
        assert!(
            rows[2].ends_with("ok: {\"operationName\":\"Ready\"}"),
            "{text}"
        );
        assert_eq!(rows[4], "No findings.");
    }

    #[test]
    fn the_summary_takes_what_the_terminal_leaves() {
        let long = json!({"request": "messenger.broadcastMessage", "parameters": ["c", "x".repeat(300)],
            "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2});
        let entries = vec![read_entry(1, &long.to_string(), InputFormat::Auto).unwrap()];
        let pairing = Pairing::new(&entries);
        for (width, expected) in [
            (None, 100),
            (Some(150), 150 - FIXED_WIDTH),
            (Some(80), MIN_SUMMARY_CHARS),
        ] {
            let mut out = Vec::new();
            write_table(&mut out, &entries, &pairing, None, width).unwrap();
            let text = String::from_utf8(out).unwrap();
            let row = text.lines().nth(1).unwrap();
            let summary = row.rsplit(GAP).next().unwrap();
            assert_eq!(summary.chars().count(), expected, "{width:?}: {row}");
        }
    }
}
