//! The panel's capture as a HAR file, and a HAR file as a capture to review offline. Pure: the
//! download and the file reading are in `persist.rs`.

use crate::analysis::Analysis;
use crate::store::Store;
use scapi::har::{read_har, to_har_string, Capture, CaptureMeta, ExportOptions, Tool};
use scapi::Record;
use std::collections::{BTreeMap, BTreeSet};

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
        .map(|f| (f.info.key.clone(), f.dropped()))
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
    pub store: Store,
    pub policy_options: Option<String>,
    pub records: usize,
    /// The file was sanitized when exported.
    pub sanitized: bool,
}

/// Reads a HAR file (ours, or any HAR with WebSocket messages) into a store of its own; a file
/// that is not one gets the reader's error, which says what is wrong and where.
pub fn import(text: &str) -> Result<Imported, String> {
    let capture = read_har(text).map_err(|error| error.to_string())?;
    let records = capture.records.len();
    // Nothing the file holds is dropped by the panel's cap, and nothing is cleared as a
    // navigation: the file is shown as it was exported. What the exporting panel counted as
    // lost, gaps included, is not counted again from gaps.
    let frames = capture
        .frames
        .into_iter()
        .map(|info| {
            let dropped = capture.meta.dropped.get(&info.key).copied().unwrap_or(0);
            (info, dropped)
        })
        .collect();
    let store = Store::restore(
        records.max(crate::store::DEFAULT_CAP),
        frames,
        capture.records,
        capture.meta.end,
    );
    Ok(Imported {
        store,
        policy_options: capture.meta.policy_options,
        records,
        sanitized: capture.meta.sanitized.is_some(),
    })
}

#[cfg(test)]
mod tests;
