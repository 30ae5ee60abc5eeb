//! `scapi-inspect convert`: a capture from one format to another — raw capture lines, `decode`'s
//! JSON lines, HAR — sanitized unless `--sensitive`.
//!
//! Nothing is held whole. Lines and JSON lines go out as each record is read. A HAR has one entry
//! per channel, each with all its messages, while the input comes in capture order; so HAR output
//! reads the input twice: the first pass learns the frames (and the frameIds Workspace assigned,
//! which say which app sent a request), the second writes each message to a spill file of its
//! channel; then the spill files are copied into the entries, in the order the channels first
//! appear. Standard input is kept in a spill file to be read twice. Findings need every record in
//! memory (pairing looks anywhere in the capture), so a HAR gets them only for captures of up to
//! [`FINDINGS_RECORD_LIMIT`] records, unless the input HAR carries its own.

use crate::input::{Entry, Receiver};
use crate::json::write_record;
use crate::source::{sniff, stream, Event, Format, InputFrom, InputPath, Item, StreamError};
use crate::spill::{keep, merge_in_order, Spill, SpillDir, MERGED_PARTS};
use scapi::facts::{as_refs, facts_of};
use scapi::findings::{diagnose, Finding};
use scapi::har::channel::{channel_of, ChannelKey, ChannelResolver, FrameIds};
use scapi::har::write::{export_meta, write_message};
use scapi::har::{CaptureMeta, ExportOptions, HarWriter, Tool};
use scapi::{FrameInfo, HookRecord, Record};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

/// Captures up to this many records get findings in their HAR.
pub const FINDINGS_RECORD_LIMIT: u64 = 100_000;

/// The tool a capture made on the command line names.
pub fn this_tool() -> Tool {
    Tool {
        name: "scapi-inspect".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// HAR 1.2, one WebSocket-style entry per channel (see docs/formats.md).
    Har,
    /// `decode`'s JSON lines, one object per record.
    Jsonl,
    /// Raw capture records as the page hook writes them (payload lines stay payloads).
    Raw,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub to: Target,
    pub from: InputFrom,
    pub export: ExportOptions,
    /// Workspace options text to keep in the HAR (`--policy FILE`).
    pub policy: Option<String>,
    /// A HAR gets findings for captures of up to this many records ([`FINDINGS_RECORD_LIMIT`]).
    pub findings_record_limit: u64,
}

/// How a conversion went, when it could run to the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub records: u64,
    pub bad_lines: u64,
}

/// Why a conversion stopped.
#[derive(Debug)]
pub enum Failure {
    /// The input could not be read, or is not a capture.
    Input(String),
    /// The output (or a spill file) could not be written.
    Write(io::Error),
}

impl From<StreamError> for Failure {
    fn from(error: StreamError) -> Failure {
        match error {
            StreamError::Input(problem) => Failure::Input(problem),
            StreamError::Output(error) => Failure::Write(error),
        }
    }
}

/// Converts `input` to `out`, naming bad lines and notes on `errors`.
pub fn run(
    options: &Options,
    input: &InputPath,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<Report, Failure> {
    let result = match options.to {
        Target::Har => to_har(options, input, out, errors),
        Target::Jsonl | Target::Raw => to_lines(options, input, out, errors),
    };
    match result {
        // The reader went away (`| head`): stop quietly, as other line tools do.
        Err(Failure::Write(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            Ok(Report::default())
        }
        other => other,
    }
}

fn opened(input: &InputPath, from: InputFrom) -> Result<(Format, Box<dyn io::Read>), Failure> {
    let reader = input
        .open()
        .map_err(|error| Failure::Input(format!("cannot open: {error}")))?;
    sniff(reader, from).map_err(|error| Failure::Input(error.to_string()))
}

fn problem(errors: &mut dyn Write, line: usize, text: &str) {
    // Problems are reported, never fatal: a closed error output does not stop the conversion.
    let _ = writeln!(errors, "line {line}: {text}");
}

/// JSON lines or raw lines: one pass, each record written as it is read. A HAR holds its records
/// entry by entry (channel by channel), each entry in capture order; they are spilled per entry
/// and merged back into capture order.
fn to_lines(
    options: &Options,
    input: &InputPath,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<Report, Failure> {
    let (format, reader) = opened(input, options.from)?;
    let spill_dir = match format {
        Format::Har => Some(SpillDir::new().map_err(Failure::Write)?),
        Format::Lines => None,
    };
    let mut spill = spill_dir.as_ref().map(Spill::new);
    let mut entries = 0;
    let mut sanitizer = options.export.sanitizer();
    let mut frames: Vec<FrameInfo> = Vec::new();
    // Frames as written: sanitized once, when first used.
    let mut written_frames: Vec<Option<FrameInfo>> = Vec::new();
    let mut line = Vec::new();
    let report = stream(format, reader, &mut |event| match event {
        Event::Frame(frame) => {
            frames.push(frame.clone());
            written_frames.push(None);
            Ok(())
        }
        Event::Problem { line, text } => {
            problem(errors, line, text);
            Ok(())
        }
        Event::Record(item) => {
            let Some(frame) = frames.get(item.frame) else {
                return Ok(());
            };
            let frame = written_frames[item.frame].get_or_insert_with(|| match &mut sanitizer {
                Some(sanitizer) => sanitizer.frame(frame),
                None => frame.clone(),
            });
            let record = match &mut sanitizer {
                Some(sanitizer) => Cow::Owned(sanitizer.record(item.record)),
                None => Cow::Borrowed(item.record),
            };
            // Lines read as they were, unless masking changed them.
            let text_as_read = item.raw_text.filter(|_| sanitizer.is_none());
            line.clear();
            match options.to {
                Target::Jsonl => write_json_line(&mut line, &item, frame, &record, text_as_read)?,
                _ => write_raw_line(&mut line, &item, frame, &record)?,
            }
            match &mut spill {
                None => out.write_all(&line),
                Some(spill) => {
                    entries = entries.max(item.entry + 1);
                    let writer = spill.writer(item.entry)?;
                    write!(writer, "{}\t", item.index)?;
                    writer.write_all(&line)
                }
            }
        }
        _ => Ok(()),
    })?;
    if let Some(spill) = &mut spill {
        spill.close_all().map_err(Failure::Write)?;
        merge(spill, entries, out, errors).map_err(Failure::Write)?;
    }
    out.flush().map_err(Failure::Write)?;
    Ok(Report {
        records: report.records,
        bad_lines: report.bad_lines,
    })
}

/// Writes the spilled lines of `entries` parts in capture order (see [`merge_in_order`]).
fn merge(
    spill: &Spill<'_>,
    entries: usize,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> io::Result<()> {
    if entries > MERGED_PARTS {
        let _ = writeln!(
            errors,
            "note: {entries} HAR entries: records are written entry by entry, not in capture order"
        );
    }
    merge_in_order(spill, entries, &mut |line| {
        out.write_all(line)?;
        out.write_all(b"\n")
    })
}

fn write_json_line(
    out: &mut Vec<u8>,
    item: &Item<'_>,
    frame: &FrameInfo,
    record: &Record,
    text_as_read: Option<&str>,
) -> io::Result<()> {
    let raw_text = match text_as_read {
        Some(text) => RawValue::from_string(text.to_owned())?,
        None => RawValue::from_string(serde_json::to_string(&record.raw)?)?,
    };
    let entry = Entry {
        line: item.line.unwrap_or(item.index as usize + 1),
        receiver: (!item.payload).then(|| Receiver {
            frame_url: frame.url.clone(),
            frame_origin: frame.origin.clone(),
            is_top: frame.is_top,
            hook_dropped: item.hook_dropped,
        }),
        record: record.clone(),
        raw_text,
    };
    write_record(out, &entry, None)
}

fn write_raw_line(
    out: &mut Vec<u8>,
    item: &Item<'_>,
    frame: &FrameInfo,
    record: &Record,
) -> io::Result<()> {
    if item.payload {
        serde_json::to_writer(&mut *out, &record.raw)?;
    } else {
        let hook = HookRecord {
            v: scapi::capture::CAPTURE_FORMAT_VERSION,
            time: record.time,
            wall: record.wall,
            frame_url: frame.url.clone(),
            frame_origin: frame.origin.clone(),
            is_top: frame.is_top,
            origin: record.origin.clone(),
            source: record.source,
            child_index: record.child_index,
            ports: record.ports,
            hook_dropped: item.hook_dropped,
            data: record.raw.clone(),
        };
        serde_json::to_writer(&mut *out, &hook)?;
    }
    out.write_all(b"\n")
}

/// What the first pass learns.
#[derive(Default)]
struct Survey {
    frames: Vec<FrameInfo>,
    frame_ids: FrameIds,
    meta: Option<CaptureMeta>,
    creator: Option<Tool>,
    page: Option<(String, Option<f64>)>,
    findings: Option<Vec<Finding>>,
    first_time: Option<f64>,
    last_time: Option<f64>,
    hook_dropped: BTreeMap<String, u64>,
}

impl Survey {
    /// The capture's facts: a HAR of ours has them; otherwise they are gathered from the records.
    fn meta(&self, policy: Option<&String>) -> CaptureMeta {
        let mut meta = match &self.meta {
            Some(meta) => meta.clone(),
            None => {
                let (title, started) = self.page.clone().unwrap_or_default();
                let page_url = match &self.page {
                    Some(_) => title.clone(),
                    None => self
                        .frames
                        .iter()
                        .find(|frame| frame.is_top && !frame.url.is_empty())
                        .map(|frame| frame.url.clone())
                        .unwrap_or_default(),
                };
                CaptureMeta {
                    tool: self.creator.clone().unwrap_or_else(this_tool),
                    page_url,
                    page_title: if self.page.is_some() {
                        title
                    } else {
                        String::new()
                    },
                    start: started.or(self.first_time).unwrap_or(0.0),
                    end: self.last_time.unwrap_or(0.0),
                    dropped: self.hook_dropped.clone(),
                    policy_options: None,
                    sanitized: None,
                }
            }
        };
        if let Some(policy) = policy {
            meta.policy_options = Some(policy.clone());
        }
        meta
    }
}

fn to_har(
    options: &Options,
    input: &InputPath,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<Report, Failure> {
    let spill_dir = SpillDir::new().map_err(Failure::Write)?;
    // The input is read twice: standard input is kept in a file first.
    let input = match input {
        InputPath::Stdin => {
            let path = keep(&spill_dir, "input", &mut io::stdin().lock())
                .map_err(|error| Failure::Input(error.to_string()))?;
            InputPath::File(path)
        }
        file => file.clone(),
    };

    // Pass 1: frames, frameIds, the capture's facts.
    let (format, reader) = opened(&input, options.from)?;
    let mut survey = Survey::default();
    let first = stream(format, reader, &mut |event| {
        match event {
            Event::Meta(meta) => survey.meta = Some(meta.clone()),
            Event::Creator(tool) => survey.creator = Some(tool.clone()),
            Event::Page { title, started } => survey.page = Some((title.to_owned(), started)),
            Event::Frame(frame) => survey.frames.push(frame.clone()),
            Event::Findings(findings) => survey.findings = Some(findings.to_vec()),
            Event::Problem { line, text, .. } => problem(errors, line, text),
            Event::Record(item) => {
                let Some(frame) = survey.frames.get(item.frame) else {
                    return Ok(());
                };
                survey.frame_ids.observe(&frame.key, item.record);
                let time = item.record.time;
                survey.first_time = Some(survey.first_time.map_or(time, |t| t.min(time)));
                survey.last_time = Some(survey.last_time.map_or(time, |t| t.max(time)));
                if item.hook_dropped > 0 {
                    *survey
                        .hook_dropped
                        .entry(frame.key.to_string())
                        .or_default() += item.hook_dropped;
                }
            }
        }
        Ok(())
    })?;

    // Masks are numbered as the core crate's write_har numbers them: frames, page, records in
    // capture order, findings.
    let mut sanitizer = options.export.sanitizer();
    let frames_out: Vec<FrameInfo> = match &mut sanitizer {
        Some(sanitizer) => survey.frames.iter().map(|f| sanitizer.frame(f)).collect(),
        None => survey.frames.clone(),
    };
    let meta_out = export_meta(&survey.meta(options.policy.as_ref()), sanitizer.as_mut());
    let findings_given = survey.findings.take();
    let keep_for_findings =
        findings_given.is_none() && first.records <= options.findings_record_limit;

    // Pass 2: each message to the spill file of its channel.
    let resolver = ChannelResolver::new(&survey.frames, std::mem::take(&mut survey.frame_ids));
    let mut channels: Vec<ChannelKey> = Vec::new();
    let mut channel_index: HashMap<ChannelKey, usize> = HashMap::new();
    let mut spill = Spill::new(&spill_dir);
    let mut kept: Vec<(usize, Record)> = Vec::new();
    let (format, reader) = opened(&input, options.from)?;
    stream(format, reader, &mut |event| {
        let Event::Record(item) = event else {
            return Ok(());
        };
        let record = match &mut sanitizer {
            Some(sanitizer) => Cow::Owned(sanitizer.record(item.record)),
            None => Cow::Borrowed(item.record),
        };
        // On the record as written, as write_har does: a sanitized record is decoded again.
        let (key, kind) = resolver.resolve(item.frame, &record);
        let part = *channel_index.entry(key.clone()).or_insert_with(|| {
            channels.push(key);
            channels.len() - 1
        });
        let frame_key = frames_out.get(item.frame).map_or("", |f| &*f.key);
        let writer = spill.writer(part)?;
        // The record's time first: the entry's date and duration come from it.
        write!(writer, "{}\t", record.time)?;
        write_message(writer, item.index, frame_key, &record, kind)?;
        writer.write_all(b"\n")?;
        if keep_for_findings {
            kept.push((item.frame, item.record.clone()));
        }
        Ok(())
    })?;
    spill.close_all().map_err(Failure::Write)?;

    let findings = match findings_given {
        Some(findings) => Some(findings),
        None if keep_for_findings => {
            let refs: Vec<(usize, &Record)> = kept.iter().map(|(f, r)| (*f, r)).collect();
            // As of the capture's end: a saved file says when; otherwise its last record.
            let last = survey.last_time.unwrap_or(0.0);
            let now = survey.meta.as_ref().map_or(last, |meta| meta.end.max(last));
            // The findings engine the panel runs, without options.
            let facts = facts_of(&refs);
            Some(diagnose(&survey.frames, &as_refs(&facts), now, None).findings)
        }
        None => {
            let _ = writeln!(
                errors,
                "note: the HAR has no findings: {} records are more than the {} that `convert` pairs in memory (`scapi-inspect summary` counts findings of any capture)",
                first.records, options.findings_record_limit
            );
            None
        }
    };
    drop(kept);
    let findings = match (&mut sanitizer, findings) {
        (Some(sanitizer), Some(findings)) => Some(sanitizer.findings(&findings)),
        (_, findings) => findings,
    };

    let mut writer = HarWriter::begin(&mut *out, &meta_out, &frames_out).map_err(Failure::Write)?;
    for (part, key) in channels.iter().enumerate() {
        writer
            .begin_entry(&channel_of(key, &frames_out))
            .map_err(Failure::Write)?;
        let file = File::open(spill.path(part)).map_err(Failure::Write)?;
        for line in BufReader::with_capacity(64 * 1024, file).split(b'\n') {
            let line = line.map_err(Failure::Write)?;
            let Some(tab) = line.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let time: f64 = std::str::from_utf8(&line[..tab])
                .ok()
                .and_then(|text| text.parse().ok())
                .unwrap_or(0.0);
            writer
                .written_message(&line[tab + 1..], time)
                .map_err(Failure::Write)?;
        }
        writer.end_entry().map_err(Failure::Write)?;
    }
    writer.finish(findings.as_deref()).map_err(Failure::Write)?;
    Ok(Report {
        records: first.records,
        bad_lines: first.bad_lines,
    })
}

#[cfg(test)]
mod tests;
