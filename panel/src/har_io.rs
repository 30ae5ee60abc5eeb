//! The panel's capture as a HAR file, and a HAR file as a capture to review offline. Pure: the
//! download and the file reading are in `persist.rs`.

use crate::analysis::Analysis;
use crate::store::{Restoring, Store};
use scapi::har::{
    to_har_string, Capture, CaptureMeta, ExportOptions, HarError, HarEvent, HarReader, Tool,
};
use scapi::Record;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

/// The exporter's name in `_scapiCapture.tool`.
pub const TOOL_NAME: &str = "SCAPI Inspector panel";

/// What the user chose for an export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportChoice {
    /// Everything as captured: JWTs, userData values, phone numbers and e-mail addresses.
    pub sensitive: bool,
    /// userData keys whose values a sanitized export keeps.
    pub keep_keys: BTreeSet<String>,
}

/// Reads the comma-separated keys to keep.
pub fn keep_keys(text: &str) -> BTreeSet<String> {
    text.split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The store as a capture: its frames, its records in time order (decoded again from their
/// text), the findings and the pasted options.
pub fn capture_of(
    store: &Store,
    analysis: &Analysis,
    policy_options: Option<&str>,
    exported_at: f64,
) -> Capture {
    let frames: Vec<_> = store.frames().iter().map(|f| f.info.clone()).collect();
    let records: Vec<(usize, Record)> = store
        .entries()
        .iter()
        .map(|entry| (entry.frame as usize, entry.record()))
        .collect();
    let top = store
        .frames()
        .iter()
        .rev()
        .find(|f| crate::store::is_tab_top(&f.info));
    let dropped: BTreeMap<String, u64> = store
        .frames()
        .iter()
        .filter(|f| f.dropped() > 0)
        .map(|f| (f.info.key.to_string(), f.dropped()))
        .collect();
    let start = records
        .first()
        .map_or(exported_at, |(_, record)| record.wall);
    Capture {
        meta: CaptureMeta {
            tool: Tool {
                name: TOOL_NAME.to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            page_url: top.map(|f| f.info.url.clone()).unwrap_or_default(),
            page_title: top
                .map(|f| crate::view::frame_label(&f.info.url))
                .unwrap_or_default(),
            start,
            end: exported_at.max(start),
            dropped,
            policy_options: policy_options.map(str::to_owned),
            sanitized: None,
        },
        frames,
        records,
        findings: Some(analysis.findings.clone()),
        flavor: Default::default(),
    }
}

/// The HAR text of the store.
pub fn export(
    store: &Store,
    analysis: &Analysis,
    policy_options: Option<&str>,
    choice: &ExportChoice,
    exported_at: f64,
) -> String {
    let capture = capture_of(store, analysis, policy_options, exported_at);
    let refs = capture.refs();
    to_har_string(
        capture.as_ref(&refs),
        &ExportOptions {
            sensitive: choice.sensitive,
            keep_keys: choice.keep_keys.clone(),
        },
    )
}

/// `scapi-<site>-<date>-<time>.har`, in UTC, safe for every file system.
pub fn file_name(store: &Store, exported_at: f64) -> String {
    let site = store
        .frames()
        .iter()
        .rev()
        .find(|f| crate::store::is_tab_top(&f.info))
        .map(|f| {
            f.info
                .origin
                .split("://")
                .nth(1)
                .unwrap_or(&f.info.origin)
                .to_owned()
        })
        .unwrap_or_else(|| "capture".to_owned());
    let site: String = site
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stamp = chrono::DateTime::from_timestamp_millis(exported_at as i64)
        .map(|at| at.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    format!("scapi-{site}-{stamp}.har")
}

/// A HAR file read back: a store holding its capture, and the options it was exported with.
#[derive(Debug)]
pub struct Imported {
    /// The file's name.
    pub name: String,
    pub store: Store,
    pub policy_options: Option<String>,
    pub records: usize,
    /// The file was sanitized when exported.
    pub sanitized: bool,
}

/// How much of a file the panel holds. A file beyond either bound is refused (before it is
/// read, for its size; as soon as the count is passed, for its records): `scapi-inspect` reads
/// files of any size in bounded memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportLimits {
    /// The file's size, in bytes.
    pub bytes: u64,
    /// Records in the file.
    pub records: usize,
}

/// The panel's limits: 256 MiB and 1,000,000 records. Each imported record costs about what a
/// live one does (its compact entry, see `docs/formats.md`), so a file at the limits stays far
/// from the 4 GiB a WebAssembly memory can have, beside the live capture and the analysis.
pub const IMPORT_LIMITS: ImportLimits = ImportLimits {
    bytes: 256 * 1024 * 1024,
    records: 1_000_000,
};

/// `1234567` as `1,234,567`.
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Bytes as MB (10⁶), one decimal.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

impl ImportLimits {
    /// Why `name` is refused: what it holds beyond the limit, what the panel holds, and the tool
    /// that reads it.
    fn refusal(&self, name: &str, beyond: String) -> String {
        format!(
            "{name}: {beyond}, more than the panel holds (files of at most {} MiB and {} records). \
             The command-line tool scapi-inspect streams files of any size: \
             scapi-inspect summary {name}, or scapi-inspect decode {name}",
            self.bytes >> 20,
            thousands(self.records as u64)
        )
    }
}

/// A HAR file read into a store a piece at a time (see `HarReader`), records counted as they
/// come: the panel feeds it between frames, and stops it when the user cancels (the list it
/// shows is only replaced by [`Importer::finish`]).
pub struct Importer {
    name: String,
    limits: ImportLimits,
    reader: HarReader,
    restoring: Restoring,
    meta: Option<CaptureMeta>,
    /// The latest record time (a file without `_scapiCapture` ends there).
    last_time: f64,
    records: usize,
    /// The reader's error, or the refusal; kept so that later pieces are not read.
    failed: Option<String>,
}

impl Importer {
    /// Starts reading `name`, of `size` bytes; refuses a file larger than the limit at once.
    pub fn new(name: &str, size: u64, limits: ImportLimits) -> Result<Importer, String> {
        if size > limits.bytes {
            return Err(limits.refusal(name, format!("it is {}", megabytes(size))));
        }
        Ok(Importer {
            name: name.to_owned(),
            limits,
            reader: HarReader::new(),
            restoring: Restoring::new(),
            meta: None,
            last_time: f64::NEG_INFINITY,
            records: 0,
            failed: None,
        })
    }

    /// Records read so far.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes_fed()
    }

    fn event(&mut self, event: HarEvent) -> Result<(), String> {
        match event {
            HarEvent::Capture { meta, frames } => {
                for info in frames {
                    let dropped = meta.dropped.get(&*info.key).copied().unwrap_or(0);
                    self.restoring.frame(info, dropped);
                }
                self.meta = Some(meta);
            }
            HarEvent::Frame(info) => {
                self.restoring.frame(info, 0);
            }
            HarEvent::Record {
                at,
                frame,
                index,
                record,
            } => {
                let Some(position) = self.restoring.frame_position(&frame) else {
                    return Err(HarError::unknown_frame(at, &frame).to_string());
                };
                if self.records == self.limits.records {
                    return Err(self.limits.refusal(
                        &self.name,
                        format!(
                            "it holds more than {} records",
                            thousands(self.records as u64)
                        ),
                    ));
                }
                self.records += 1;
                self.last_time = self.last_time.max(record.time);
                self.restoring.record(position, index, &record);
            }
            // The panel finds for itself; the file's title and creator are not shown.
            HarEvent::Creator(_) | HarEvent::Page { .. } | HarEvent::Findings(_) => {}
        }
        Ok(())
    }

    /// Reads the next piece of the file.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        if let Some(problem) = &self.failed {
            return Err(problem.clone());
        }
        let mut problem = None;
        let mut events = Vec::new();
        let result = self.reader.feed(bytes, &mut |event| {
            events.push(event);
            ControlFlow::Continue(())
        });
        for event in events {
            if let Err(refused) = self.event(event) {
                problem = Some(refused);
                break;
            }
        }
        let problem = problem.or_else(|| result.err().map(|error| self.located(error)));
        match problem {
            Some(problem) => {
                self.failed = Some(problem.clone());
                Err(problem)
            }
            None => Ok(()),
        }
    }

    fn located(&self, error: HarError) -> String {
        format!("{}: {error}", self.name)
    }

    /// The file is read: the store holding it.
    pub fn finish(mut self) -> Result<Imported, String> {
        if let Some(problem) = self.failed.take() {
            return Err(problem);
        }
        let mut events = Vec::new();
        let reader = std::mem::take(&mut self.reader);
        let result = reader.finish(&mut |event| {
            events.push(event);
            ControlFlow::Continue(())
        });
        for event in events {
            self.event(event)?;
        }
        result.map_err(|error| self.located(error))?;
        let meta = self.meta.unwrap_or_default();
        let records = self.restoring.len();
        // Nothing the file holds is dropped by the panel's cap, and nothing is cleared as a
        // navigation: the file is shown as it was exported. What the exporting panel counted as
        // lost, gaps included, is not counted again from gaps.
        let ended_at = if meta.end > 0.0 {
            meta.end
        } else if self.last_time.is_finite() {
            self.last_time
        } else {
            0.0
        };
        let store = self
            .restoring
            .finish(records.max(crate::store::DEFAULT_CAP), ended_at);
        Ok(Imported {
            name: self.name,
            store,
            policy_options: meta.policy_options,
            records: self.records,
            sanitized: meta.sanitized.is_some(),
        })
    }
}

/// Reads a whole HAR text (ours, or any HAR with WebSocket messages) into a store of its own,
/// within the panel's limits; a file that is not one gets the reader's error, which says what is
/// wrong and where.
pub fn import(name: &str, text: &str) -> Result<Imported, String> {
    let mut importer = Importer::new(name, text.len() as u64, IMPORT_LIMITS)?;
    for piece in text.as_bytes().chunks(1 << 20) {
        importer.feed(piece)?;
    }
    importer.finish()
}

#[cfg(test)]
mod tests;
