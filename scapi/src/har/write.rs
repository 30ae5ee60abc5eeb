//! Writing a capture as HAR 1.2, streaming: entries and messages go out as they come, so a capture
//! of any size can be written without holding its JSON text.
//!
//! [`HarWriter`] writes the log piece by piece; [`write_har`] writes a capture that is in memory.
//! An entry's `startedDateTime`, `time` and `timings` depend on its first and last message, so
//! they are written after its `_webSocketMessages` (JSON objects have no key order).

use crate::findings::Finding;
use crate::har::channel::{channel_of, ChannelKey, ChannelResolver, FrameIds, MessageType};
use crate::har::sanitize::Sanitizer;
use crate::har::time::iso_millis;
use crate::har::wire::{CaptureWire, MessageOut};
use crate::har::{CaptureMeta, Channel, CREATOR_NAME, HAR_FORMAT_VERSION};
use crate::record::{FrameInfo, Record};
use serde::Serialize;
use serde_json::json;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

/// The id of the one page of an export.
const PAGE_ID: &str = "page_1";

/// How to export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportOptions {
    /// Write the data as captured. Off by default: the export is sanitized (see
    /// [`crate::har::sanitize`]).
    pub sensitive: bool,
    /// User-data keys whose values a sanitized export keeps.
    pub keep_keys: BTreeSet<String>,
}

impl ExportOptions {
    /// The sanitizer of one export, unless it is made with sensitive data.
    pub fn sanitizer(&self) -> Option<Sanitizer> {
        (!self.sensitive).then(|| Sanitizer::new(self.keep_keys.iter().cloned()))
    }
}

/// A capture as the writer takes it: the same inputs as [`crate::correlate::correlate`] and
/// [`crate::findings::find`], with the capture's facts and the findings.
#[derive(Clone, Copy, Debug)]
pub struct CaptureRef<'a> {
    pub meta: &'a CaptureMeta,
    pub frames: &'a [FrameInfo],
    /// (index into `frames`, record), in capture order.
    pub records: &'a [(usize, &'a Record)],
    pub findings: Option<&'a [Finding]>,
}

/// The capture's facts as an export writes them: sanitized when the export is, and saying so.
/// Call it after the frames were sanitized (masks are numbered in the order they are made).
pub fn export_meta(meta: &CaptureMeta, sanitizer: Option<&mut Sanitizer>) -> CaptureMeta {
    match sanitizer {
        None => meta.clone(),
        Some(sanitizer) => {
            let mut clean = sanitizer.meta(meta);
            let mut sanitized = sanitizer.summary();
            // Values of keys an earlier export did not keep are masked already.
            if let Some(earlier) = &meta.sanitized {
                sanitized
                    .kept_keys
                    .retain(|key| earlier.kept_keys.contains(key));
            }
            clean.sanitized = Some(sanitized);
            clean
        }
    }
}

/// Writes `capture` as HAR to `out`: one entry per channel, in the order channels first appear;
/// in each, its messages in capture order. Masks are numbered in the order frames, page, records
/// (in capture order) and findings are sanitized.
pub fn write_har(
    out: impl Write,
    capture: CaptureRef<'_>,
    options: &ExportOptions,
) -> io::Result<()> {
    let mut sanitizer = options.sanitizer();
    let frames: Vec<FrameInfo> = match &mut sanitizer {
        Some(sanitizer) => capture.frames.iter().map(|f| sanitizer.frame(f)).collect(),
        None => capture.frames.to_vec(),
    };
    let meta = export_meta(capture.meta, sanitizer.as_mut());

    let records: Vec<Cow<'_, Record>> = capture
        .records
        .iter()
        .map(|(_, record)| match &mut sanitizer {
            Some(sanitizer) => Cow::Owned(sanitizer.record(record)),
            None => Cow::Borrowed(*record),
        })
        .collect();
    // Channels are found on the records as written (masking changes no identity they rest on,
    // but a sanitized record is decoded again from its data: an imported record whose `decoded`
    // did not match its `raw` must land where reading the export back puts it).
    let mut frame_ids = FrameIds::default();
    for ((frame, _), record) in capture.records.iter().zip(&records) {
        if let Some(info) = capture.frames.get(*frame) {
            frame_ids.observe(&info.key, record);
        }
    }
    let resolver = ChannelResolver::new(capture.frames, frame_ids);
    let mut channels: Vec<ChannelKey> = Vec::new();
    let mut members: HashMap<ChannelKey, Vec<(usize, MessageType)>> = HashMap::new();
    for (position, ((frame, _), record)) in capture.records.iter().zip(&records).enumerate() {
        let (key, kind) = resolver.resolve(*frame, record);
        let list = members.entry(key.clone()).or_insert_with(|| {
            channels.push(key);
            Vec::new()
        });
        list.push((position, kind));
    }

    let findings = match (&mut sanitizer, capture.findings) {
        (Some(sanitizer), Some(findings)) => Some(Cow::Owned(sanitizer.findings(findings))),
        (_, findings) => findings.map(Cow::Borrowed),
    };

    let mut writer = HarWriter::begin(out, &meta, &frames)?;
    for key in &channels {
        writer.begin_entry(&channel_of(key, &frames))?;
        for &(position, kind) in &members[key] {
            let frame = capture.records[position].0;
            let frame_key = frames.get(frame).map_or("", |f| &*f.key);
            writer.message(position as u64, frame_key, &records[position], kind)?;
        }
        writer.end_entry()?;
    }
    writer.finish(findings.as_deref())?;
    Ok(())
}

/// [`write_har`] to a string.
pub fn to_har_string(capture: CaptureRef<'_>, options: &ExportOptions) -> String {
    let mut out = Vec::new();
    write_har(&mut out, capture, options).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes one `_webSocketMessages` item (no separator): the message text as Chrome shows it, and
/// the whole record under `_scapi`.
pub fn write_message(
    out: &mut impl Write,
    index: u64,
    frame_key: &str,
    record: &Record,
    kind: MessageType,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Message<'a> {
        #[serde(rename = "type")]
        kind: MessageType,
        /// Epoch seconds, as Chrome writes WebSocket message times.
        time: f64,
        opcode: u8,
        data: &'a str,
        /// Sent from the inspector's request console (its referenceId says so).
        #[serde(rename = "_scapiConsole", skip_serializing_if = "std::ops::Not::not")]
        console: bool,
        _scapi: MessageOut<'a>,
    }
    // JSON cannot carry NaN or infinities (serde_json would write null): no record read from
    // JSON has one, but a record built in memory might.
    let record = if record.time.is_finite() && record.wall.is_finite() {
        Cow::Borrowed(record)
    } else {
        let mut fixed = record.clone();
        fixed.time = finite(fixed.time);
        fixed.wall = finite(fixed.wall);
        Cow::Owned(fixed)
    };
    let data = serde_json::to_string(&record.raw)?;
    let message = Message {
        kind,
        time: record.time / 1000.0,
        opcode: 1,
        data: &data,
        console: record
            .decoded
            .message
            .reference_id()
            .is_some_and(crate::console::is_console_reference),
        _scapi: MessageOut {
            index,
            frame: frame_key,
            record: &record,
        },
    };
    serde_json::to_writer(&mut *out, &message)?;
    Ok(())
}

fn finite(number: f64) -> f64 {
    if number.is_finite() {
        number
    } else {
        0.0
    }
}

/// The first and last message time of the entry being written.
#[derive(Clone, Copy, Debug)]
struct EntrySpan {
    messages: u64,
    first_ms: f64,
    last_ms: f64,
}

/// Writes a HAR log piece by piece: [`HarWriter::begin`], then for each channel
/// [`HarWriter::begin_entry`], its messages, [`HarWriter::end_entry`]; then [`HarWriter::finish`].
pub struct HarWriter<W: Write> {
    out: W,
    entries: u64,
    entry: Option<EntrySpan>,
    /// The capture's start: the date of an entry without messages.
    start_ms: f64,
}

impl<W: Write> HarWriter<W> {
    /// Writes everything before the entries: version, creator, the page, `_scapiCapture`.
    pub fn begin(mut out: W, meta: &CaptureMeta, frames: &[FrameInfo]) -> io::Result<Self> {
        let page_url = if meta.page_url.is_empty() {
            frames
                .iter()
                .find(|frame| frame.is_top)
                .map(|frame| frame.url.clone())
                .unwrap_or_default()
        } else {
            meta.page_url.clone()
        };
        let capture = CaptureWire {
            format_version: HAR_FORMAT_VERSION,
            meta: CaptureMeta {
                start: finite(meta.start),
                end: finite(meta.end),
                ..meta.clone()
            },
            frames: frames.to_vec(),
        };
        let head = json!({
            "version": "1.2",
            "creator": {"name": CREATOR_NAME, "version": meta.tool.version},
            // Chrome DevTools writes the page's URL as its title, and reads it back as the
            // document URL of the page's requests.
            "pages": [{
                "startedDateTime": iso_millis(meta.start),
                "id": PAGE_ID,
                "title": page_url,
                "pageTimings": {"onContentLoad": -1, "onLoad": -1},
            }],
            "_scapiCapture": capture,
        });
        let head = serde_json::to_string(&head)?;
        // Everything but the closing brace: the entries follow.
        out.write_all(b"{\"log\":")?;
        out.write_all(&head.as_bytes()[..head.len() - 1])?;
        out.write_all(b",\"entries\":[")?;
        Ok(HarWriter {
            out,
            entries: 0,
            entry: None,
            start_ms: finite(meta.start),
        })
    }

    /// Opens the entry of one channel.
    pub fn begin_entry(&mut self, channel: &Channel) -> io::Result<()> {
        if self.entry.is_some() {
            self.end_entry()?;
        }
        let head = json!({
            "pageref": PAGE_ID,
            "_resourceType": "websocket",
            "request": {
                "method": "GET",
                "url": channel.app.url(),
                "httpVersion": "HTTP/1.1",
                "headers": [],
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": {
                "status": 101,
                "statusText": "Switching Protocols",
                "httpVersion": "HTTP/1.1",
                "headers": [],
                "cookies": [],
                "content": {"size": 0, "mimeType": ""},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": 0,
            },
            "cache": {},
            "_scapiChannel": channel,
        });
        let head = serde_json::to_string(&head)?;
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        self.out.write_all(&head.as_bytes()[..head.len() - 1])?;
        self.out.write_all(b",\"_webSocketMessages\":[")?;
        self.entries += 1;
        self.entry = Some(EntrySpan {
            messages: 0,
            first_ms: f64::INFINITY,
            last_ms: f64::NEG_INFINITY,
        });
        Ok(())
    }

    /// Writes one message of the open entry.
    pub fn message(
        &mut self,
        index: u64,
        frame_key: &str,
        record: &Record,
        kind: MessageType,
    ) -> io::Result<()> {
        self.separate(record.time)?;
        write_message(&mut self.out, index, frame_key, record, kind)
    }

    /// Writes one message of the open entry that [`write_message`] wrote before (to a spill
    /// file), `time_ms` being its record's time.
    pub fn written_message(&mut self, message: &[u8], time_ms: f64) -> io::Result<()> {
        self.separate(time_ms)?;
        self.out.write_all(message)
    }

    fn separate(&mut self, time_ms: f64) -> io::Result<()> {
        let entry = self
            .entry
            .as_mut()
            .ok_or_else(|| io::Error::other("a HAR message outside an entry"))?;
        if entry.messages > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        entry.messages += 1;
        if time_ms.is_finite() {
            entry.first_ms = entry.first_ms.min(time_ms);
            entry.last_ms = entry.last_ms.max(time_ms);
        }
        Ok(())
    }

    /// Closes the open entry: its date is its first message's, its duration spans its messages
    /// (as `timings.receive`: the channel was open and receiving all along).
    pub fn end_entry(&mut self) -> io::Result<()> {
        let Some(entry) = self.entry.take() else {
            return Ok(());
        };
        let (start, duration) = if entry.first_ms <= entry.last_ms {
            (entry.first_ms, finite(entry.last_ms - entry.first_ms))
        } else {
            (self.start_ms, 0.0)
        };
        let tail = json!({
            "startedDateTime": iso_millis(start),
            "time": duration,
            "timings": {
                "blocked": -1, "dns": -1, "connect": -1, "ssl": -1,
                "send": 0, "wait": 0, "receive": duration,
            },
        });
        let tail = serde_json::to_string(&tail)?;
        self.out.write_all(b"\n],")?;
        // The tail's fields without its braces.
        self.out.write_all(&tail.as_bytes()[1..])
    }

    /// Closes the log, adding `_scapiFindings` when the findings are known; returns the output.
    pub fn finish(mut self, findings: Option<&[Finding]>) -> io::Result<W> {
        self.end_entry()?;
        self.out.write_all(b"\n]")?;
        if let Some(findings) = findings {
            self.out.write_all(b",\"_scapiFindings\":")?;
            serde_json::to_writer(&mut self.out, findings)?;
        }
        self.out.write_all(b"}}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}
