//! `scapi-inspect decode`: reads the input line by line and writes what each line decodes to.
//!
//! Without pairing, each line is written as soon as it is decoded and nothing is kept, so memory
//! stays constant however long the capture. Pairing (`--pair`, `--findings`, `--format table`)
//! needs every line before it can say how any request ended, so it keeps them all.

use crate::input::{capture_problem, looks_like_capture_record, read_entry, InputFormat, Lines};
use crate::json::{write_finding, write_record};
use crate::pair::Pairing;
use crate::table::write_table;
use std::io::{self, Read, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One JSON object per line (JSON Lines).
    Json,
    /// A fixed-width table for reading.
    Table,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub input: InputFormat,
    pub format: OutputFormat,
    pub pair: bool,
    pub findings: bool,
    /// The terminal's width, when the output is a terminal (for the table's summary column).
    pub terminal_width: Option<usize>,
}

impl Options {
    fn keeps_every_line(&self) -> bool {
        self.pair || self.findings || self.format == OutputFormat::Table
    }
}

/// How a run went, when it could run at all.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    pub decoded: usize,
    /// Lines that could not be read (each already named on the error output).
    pub bad: usize,
}

/// Why a run stopped early.
#[derive(Debug)]
pub enum Failure {
    /// The input could not be read.
    Read(io::Error),
    /// The output could not be written (other than a closed pipe, which just ends the run).
    Write(io::Error),
}

/// Decodes `input` to `out`, naming each bad line on `errors`.
pub fn run(
    options: &Options,
    input: impl Read,
    out: &mut impl Write,
    errors: &mut impl Write,
) -> Result<Report, Failure> {
    let mut report = Report { decoded: 0, bad: 0 };
    match decode(options, input, out, errors, &mut report) {
        Ok(()) => Ok(report),
        // The reader went away (`| head`): stop quietly, as other line tools do.
        Err(Failure::Write(error)) if error.kind() == io::ErrorKind::BrokenPipe => Ok(report),
        Err(failure) => Err(failure),
    }
}

fn decode(
    options: &Options,
    input: impl Read,
    out: &mut impl Write,
    errors: &mut impl Write,
    report: &mut Report,
) -> Result<(), Failure> {
    let keep = options.keeps_every_line();
    let mut lines = Lines::new(input);
    let mut kept = Vec::new();
    while let Some((number, text)) = lines.next_line().map_err(Failure::Read)? {
        let entry = text.and_then(|text| {
            let entry = read_entry(number, text, options.input)?;
            if options.input == InputFormat::Auto
                && entry.receiver.is_none()
                && looks_like_capture_record(&entry.record.raw)
            {
                let problem = capture_problem(text).unwrap_or_default();
                // Not an error (auto mode reads any JSON as a payload), but most likely not
                // what was meant.
                let _ = writeln!(
                    errors,
                    "line {number}: note: shaped like a raw capture record, but {problem}; decoded as a payload (--input raw makes this an error)"
                );
            }
            Ok(entry)
        });
        match entry {
            Ok(entry) => {
                report.decoded += 1;
                if keep {
                    kept.push(entry);
                } else {
                    write_record(out, &entry, None).map_err(Failure::Write)?;
                    if lines.would_wait() {
                        out.flush().map_err(Failure::Write)?;
                    }
                }
            }
            Err(problem) => {
                report.bad += 1;
                let _ = writeln!(errors, "line {number}: {problem}");
            }
        }
    }
    if keep {
        write_paired(options, &kept, out).map_err(Failure::Write)?;
    }
    out.flush().map_err(Failure::Write)
}

fn write_paired(
    options: &Options,
    entries: &[crate::input::Entry],
    out: &mut impl Write,
) -> io::Result<()> {
    let pairing = Pairing::new(entries);
    let findings = options.findings.then(|| pairing.findings());
    match options.format {
        OutputFormat::Json => {
            for entry in entries {
                write_record(out, entry, pairing.exchange(entry.line))?;
            }
            for finding in findings.iter().flatten() {
                write_finding(out, finding)?;
            }
            Ok(())
        }
        OutputFormat::Table => write_table(
            out,
            entries,
            &pairing,
            findings.as_deref(),
            options.terminal_width,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const REQUEST: &str = r#"{"request":"agent.getState","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}"#;
    const ANSWER: &str = r#"{"referenceId":"0","data":{"operationName":"Ready"},"userAgent":"WWE Server","protocolVersion":2}"#;

    fn options(pair: bool) -> Options {
        Options {
            input: InputFormat::Auto,
            format: OutputFormat::Json,
            pair,
            findings: false,
            terminal_width: None,
        }
    }

    fn decode_text(options: &Options, input: &str) -> (Report, Vec<Value>, String) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let report = run(options, input.as_bytes(), &mut out, &mut errors).unwrap();
        let values = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (report, values, String::from_utf8(errors).unwrap())
    }

    #[test]
    fn bad_lines_are_named_and_the_rest_decoded() {
        let input = format!("{REQUEST}\n\nnope\n{ANSWER}\n");
        let (report, values, errors) = decode_text(&options(false), &input);
        assert_eq!(report, Report { decoded: 2, bad: 1 });
        assert_eq!(errors, "line 3: not JSON: expected ident at column 2\n");
        let lines: Vec<&Value> = values.iter().map(|v| &v["line"]).collect();
        assert_eq!(lines, [1, 4]);
    }

    #[test]
    fn without_pairing_there_is_no_exchange() {
        let (_, values, _) = decode_text(&options(false), &format!("{REQUEST}\n{ANSWER}"));
        assert!(values.iter().all(|v| v.get("exchange").is_none()));
    }

    #[test]
    fn pairing_attaches_the_exchange_to_both_sides() {
        let (_, values, _) = decode_text(&options(true), &format!("{REQUEST}\n{ANSWER}"));
        assert_eq!(values[0]["exchange"]["state"], "answered");
        assert_eq!(values[0]["exchange"]["pairedWith"], serde_json::json!([2]));
        assert_eq!(values[1]["exchange"]["pairedWith"], serde_json::json!([1]));
    }

    #[test]
    fn a_broken_raw_record_in_auto_mode_gets_a_note_not_an_error() {
        let line = r#"{"v":2,"time":1,"wall":1,"frameUrl":"x","frameOrigin":"x","isTop":true,"origin":"x","source":"self","ports":0,"data":{}}"#;
        let (report, values, errors) = decode_text(&options(false), line);
        assert_eq!(report.bad, 0);
        assert_eq!(values[0]["kind"], "foreign");
        assert!(errors.starts_with("line 1: note: shaped like a raw capture record, but raw capture format version 2 is not supported"), "{errors}");
    }

    /// An output whose reader has gone away.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_output_pipe_ends_the_run_quietly() {
        let mut errors = Vec::new();
        let result = run(
            &options(false),
            REQUEST.as_bytes(),
            &mut ClosedPipe,
            &mut errors,
        );
        assert!(result.is_ok());
        assert!(errors.is_empty());
    }
}
