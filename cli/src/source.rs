//! Reading a capture for `convert` and `summary`, whatever its format, as one stream of frames
//! and records that is never held whole: a HAR (read by the core crate's streaming reader), or
//! lines — raw capture records, message payloads, or `decode`'s own JSON output.

use crate::input::{
    capture_problem, looks_like_capture_record, read_entry, Entry, InputFormat, Lines, Receiver,
};
use crate::pair::{synthetic_frame, unique_key, PAYLOAD_FRAME};
use scapi::findings::Finding;
use scapi::har::{read_har_stream, CaptureMeta, HarEvent, HarFlavor, Tool};
use scapi::{decode, FrameInfo, Record, SourceRelation};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Which format the input is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFrom {
    /// A HAR when the file is a JSON object whose first key is `log`, otherwise lines.
    Auto,
    /// A HAR file.
    Har,
    /// One message per line: raw capture records, payloads or `decode` output.
    Lines,
}

/// The format found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Har,
    Lines,
}

/// Where the input comes from: a file (which can be read twice) or standard input.
#[derive(Clone, Debug)]
pub enum InputPath {
    File(PathBuf),
    Stdin,
}

impl InputPath {
    pub fn new(file: Option<&Path>) -> InputPath {
        match file {
            Some(path) if path.as_os_str() != "-" => InputPath::File(path.to_owned()),
            _ => InputPath::Stdin,
        }
    }

    /// How messages name the input.
    pub fn name(&self) -> String {
        match self {
            InputPath::File(path) => path.display().to_string(),
            InputPath::Stdin => "standard input".to_owned(),
        }
    }

    pub fn open(&self) -> io::Result<Box<dyn Read>> {
        Ok(match self {
            InputPath::File(path) => Box::new(File::open(path)?),
            InputPath::Stdin => Box::new(io::stdin()),
        })
    }
}

/// How much of the input is looked at to tell a HAR from lines.
const SNIFF_BYTES: usize = 64 * 1024;

/// Tells the format from the first bytes, and gives back a reader of the whole input.
pub fn sniff(input: Box<dyn Read>, from: InputFrom) -> io::Result<(Format, Box<dyn Read>)> {
    let mut input = refuse_binary(input)?;
    match from {
        InputFrom::Har => return Ok((Format::Har, input)),
        InputFrom::Lines => return Ok((Format::Lines, input)),
        InputFrom::Auto => {}
    }
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    let format = loop {
        if let Some(format) = format_of(&head) {
            break format;
        }
        if head.len() >= SNIFF_BYTES {
            break Format::Lines;
        }
        let read = match input.read(&mut chunk) {
            Ok(0) => break format_of(&head).unwrap_or(Format::Lines),
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        head.extend_from_slice(&chunk[..read]);
    };
    Ok((format, Box::new(Cursor::new(head).chain(input))))
}

/// The input, given back whole, unless its first read shows binary data (a NUL byte, or more than 1 %
/// control characters other than tab, line feed, carriage return and escape): that is no
/// capture, and an error (`InvalidData`, "not a capture: …") rather than thousands of unreadable
/// lines. Text in another encoding than UTF-8 passes (its lines are named one by one).
pub fn refuse_binary(mut input: Box<dyn Read>) -> io::Result<Box<dyn Read>> {
    // One read: what a file gives at once, or what a pipe has so far (`tail -f` must not wait).
    let mut chunk = [0u8; 8192];
    let head = loop {
        match input.read(&mut chunk) {
            Ok(read) => break chunk[..read].to_vec(),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    };
    let control = head
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x1b))
        .count();
    if head.contains(&0) || control * 100 > head.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a capture: binary data, neither lines of text nor a HAR",
        ));
    }
    Ok(Box::new(Cursor::new(head).chain(input)))
}

/// `Some` once the start of the input decides: a JSON object whose first key is `log` is a HAR.
fn format_of(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut bytes = head.iter().copied().skip_while(u8::is_ascii_whitespace);
    match bytes.next()? {
        b'{' => {}
        _ => return Some(Format::Lines),
    }
    let mut bytes = bytes.skip_while(u8::is_ascii_whitespace);
    match bytes.next()? {
        b'"' => {}
        _ => return Some(Format::Lines),
    }
    let key: Vec<u8> = bytes.by_ref().take(4).collect();
    if key.len() < 4 {
        return None;
    }
    Some(if key == b"log\"" {
        Format::Har
    } else {
        Format::Lines
    })
}

/// One record of the stream.
pub struct Item<'a> {
    /// The record's position in the capture, from 0 (a HAR of ours says it; otherwise the
    /// order read).
    pub index: u64,
    /// The HAR entry it came from (0 for lines input).
    pub entry: usize,
    /// The input line, for lines input.
    pub line: Option<usize>,
    /// Index of the frame that received it, among the frames streamed so far.
    pub frame: usize,
    pub record: &'a Record,
    /// A payload line: the frame is made up (see `decode`), and the data is all there was.
    pub payload: bool,
    /// The data exactly as read, for lines input.
    pub raw_text: Option<&'a str>,
    /// Messages the hook lost just before this one (raw capture records).
    pub hook_dropped: u64,
}

/// What the stream brings, in order.
pub enum Event<'a> {
    /// A HAR of ours: the capture's facts (before its frames and records).
    Meta(&'a CaptureMeta),
    /// Another tool's HAR: its creator and first page.
    Creator(&'a Tool),
    Page {
        title: &'a str,
        started: Option<f64>,
    },
    /// A frame, numbered in the order they come.
    Frame(&'a FrameInfo),
    Record(Item<'a>),
    Findings(&'a [Finding]),
    /// A line that could not be read (the others go on), or a note about one (its text starts
    /// with `note:`).
    Problem {
        line: usize,
        text: &'a str,
    },
}

/// How a stream ended, when it could be read to its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamReport {
    pub records: u64,
    pub bad_lines: u64,
    /// For a HAR, whose it was.
    pub flavor: Option<HarFlavor>,
}

/// Why a stream stopped.
#[derive(Debug)]
pub enum StreamError {
    /// The input could not be read, or is not a capture: the message says why and where.
    Input(String),
    /// The receiver of the events failed (its output could not be written).
    Output(io::Error),
}

/// Reads the input as `format`, handing each event to `on`.
pub fn stream(
    format: Format,
    input: Box<dyn Read>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> Result<StreamReport, StreamError> {
    match format {
        Format::Har => stream_har(input, on),
        Format::Lines => stream_lines(input, on),
    }
}

fn stream_har(
    input: Box<dyn Read>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> Result<StreamReport, StreamError> {
    let mut state = HarState::default();
    let mut failure: Option<StreamError> = None;
    let result = read_har_stream(input, &mut |event| match state.handle(event, on) {
        Ok(()) => ControlFlow::Continue(()),
        Err(error) => {
            failure = Some(error);
            ControlFlow::Break(())
        }
    });
    match (result, failure) {
        (_, Some(error)) => Err(error),
        (Ok(flavor), None) => Ok(StreamReport {
            records: state.records,
            bad_lines: 0,
            flavor: Some(flavor),
        }),
        (Err(error), None) => Err(StreamError::Input(error.to_string())),
    }
}

/// The frames of a HAR seen so far, by key.
#[derive(Default)]
struct HarState {
    keys: HashMap<scapi::FrameKey, usize>,
    frames: usize,
    records: u64,
}

impl HarState {
    fn handle(
        &mut self,
        event: HarEvent,
        on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
    ) -> Result<(), StreamError> {
        match event {
            HarEvent::Creator(tool) => on(Event::Creator(&tool)),
            HarEvent::Page { title, started } => on(Event::Page {
                title: &title,
                started,
            }),
            HarEvent::Capture { meta, frames } => {
                on(Event::Meta(&meta)).map_err(StreamError::Output)?;
                for info in &frames {
                    self.frame(info, on)?;
                }
                Ok(())
            }
            HarEvent::Frame(info) => return self.frame(&info, on),
            HarEvent::Record {
                at,
                frame,
                index,
                record,
            } => {
                let Some(&frame_index) = self.keys.get(&frame) else {
                    return Err(StreamError::Input(format!(
                        "log.entries[{}]._webSocketMessages[{}]._scapi.frame {} is not one of log._scapiCapture.frames",
                        at.0,
                        at.1,
                        serde_json::Value::String(frame.to_string())
                    )));
                };
                let item = Item {
                    index: index.unwrap_or(self.records),
                    entry: at.0,
                    line: None,
                    frame: frame_index,
                    record: &record,
                    payload: false,
                    raw_text: None,
                    hook_dropped: 0,
                };
                self.records += 1;
                on(Event::Record(item))
            }
            HarEvent::Findings(findings) => on(Event::Findings(&findings)),
        }
        .map_err(StreamError::Output)
    }

    fn frame(
        &mut self,
        info: &FrameInfo,
        on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
    ) -> Result<(), StreamError> {
        self.keys.entry(info.key.clone()).or_insert(self.frames);
        self.frames += 1;
        on(Event::Frame(info)).map_err(StreamError::Output)
    }
}

/// Frames of lines input: one per distinct receiving frame (URL, origin, top or not), keyed by
/// URL as `decode --pair` keys them, and one for payload lines.
#[derive(Default)]
struct FrameTable {
    index: HashMap<(String, String, bool), usize>,
    used_keys: HashSet<String>,
    count: usize,
}

impl FrameTable {
    /// The frame of a line, and the frame itself when it is new.
    fn frame_of(&mut self, receiver: Option<&Receiver>) -> (usize, Option<FrameInfo>) {
        let identity = match receiver {
            Some(receiver) => (
                receiver.frame_url.clone(),
                receiver.frame_origin.clone(),
                receiver.is_top,
            ),
            None => (String::new(), crate::input::PAYLOAD_ORIGIN.to_owned(), true),
        };
        if let Some(&index) = self.index.get(&identity) {
            return (index, None);
        }
        let base = match receiver {
            Some(_) => identity.0.clone(),
            None => PAYLOAD_FRAME.to_owned(),
        };
        let key = unique_key(base, &mut self.used_keys);
        let frame = synthetic_frame(key, &identity.0, &identity.1, identity.2);
        let index = self.count;
        self.count += 1;
        self.index.insert(identity, index);
        (index, Some(frame))
    }
}

fn stream_lines(
    input: Box<dyn Read>,
    on: &mut dyn FnMut(Event<'_>) -> io::Result<()>,
) -> Result<StreamReport, StreamError> {
    let mut lines = Lines::new(input);
    let mut frames = FrameTable::default();
    let mut report = StreamReport::default();
    while let Some((number, text)) = lines
        .next_line()
        .map_err(|error| StreamError::Input(error.to_string()))?
    {
        let read = text.and_then(|text| read_line(number, text));
        let (entry, note) = match read {
            Ok(read) => read,
            Err(problem) => {
                report.bad_lines += 1;
                on(Event::Problem {
                    line: number,
                    text: &problem,
                })
                .map_err(StreamError::Output)?;
                continue;
            }
        };
        if let Some(note) = note {
            on(Event::Problem {
                line: number,
                text: &note,
            })
            .map_err(StreamError::Output)?;
        }
        let (frame, new_frame) = frames.frame_of(entry.receiver.as_ref());
        if let Some(info) = &new_frame {
            on(Event::Frame(info)).map_err(StreamError::Output)?;
        }
        let item = Item {
            index: report.records,
            entry: 0,
            line: Some(number),
            frame,
            record: &entry.record,
            payload: entry.receiver.is_none(),
            raw_text: Some(entry.raw_text.get()),
            hook_dropped: entry.receiver.as_ref().map_or(0, |r| r.hook_dropped),
        };
        report.records += 1;
        on(Event::Record(item)).map_err(StreamError::Output)?;
    }
    Ok(report)
}

/// One line: `decode` output, a raw capture record or a payload; with a note when a line shaped
/// like a raw capture record is read as a payload.
fn read_line(number: usize, text: &str) -> Result<(Entry, Option<String>), String> {
    if let Some(entry) = from_decode_output(number, text) {
        return Ok((entry, None));
    }
    let entry = read_entry(number, text, InputFormat::Auto)?;
    let note =
        (entry.receiver.is_none() && looks_like_capture_record(&entry.record.raw)).then(|| {
            let problem = capture_problem(text).unwrap_or_default();
            format!("note: shaped like a raw capture record, but {problem}; read as a payload")
        });
    Ok((entry, note))
}

/// A line `scapi-inspect decode` wrote (`{"line", "kind", …, "decoded", "raw"}`), read back into
/// the record it describes; the data is decoded again rather than trusted.
fn from_decode_output(number: usize, text: &str) -> Option<Entry> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct DecodeLine<'a> {
        #[allow(dead_code)]
        line: usize,
        #[allow(dead_code)]
        kind: &'a str,
        #[allow(dead_code)]
        decoded: serde::de::IgnoredAny,
        #[serde(borrow)]
        raw: &'a RawValue,
        frame: Option<FrameLine>,
        time: Option<f64>,
        wall: Option<f64>,
        origin: Option<String>,
        source: Option<SourceRelation>,
        child_index: Option<u32>,
        #[serde(default)]
        ports: u32,
        #[serde(default)]
        hook_dropped: u64,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct FrameLine {
        url: String,
        origin: String,
        is_top: bool,
    }
    // Cheap test first: most lines are raw records or payloads.
    if !text.contains("\"decoded\"") {
        return None;
    }
    let line: DecodeLine = serde_json::from_str(text).ok()?;
    let raw: serde_json::Value = serde_json::from_str(line.raw.get()).ok()?;
    let raw_text = line.raw.to_owned();
    let Some(frame) = line.frame else {
        // A payload line of the original input: read it as a payload again.
        return read_entry(number, line.raw.get(), InputFormat::Payload).ok();
    };
    let time = line.time?;
    Some(Entry {
        line: number,
        receiver: Some(Receiver {
            frame_url: frame.url,
            frame_origin: frame.origin,
            is_top: frame.is_top,
            hook_dropped: line.hook_dropped,
        }),
        record: Record {
            seq: number as u64,
            time,
            wall: line.wall.unwrap_or(time),
            origin: line.origin?,
            source: line.source?,
            child_index: line.child_index,
            ports: line.ports,
            decoded: decode(&raw),
            raw,
        },
        raw_text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_object_starting_with_log_is_a_har_and_anything_else_lines() {
        assert_eq!(format_of(b"{\"log\":{"), Some(Format::Har));
        assert_eq!(
            format_of(b"\xEF\xBB\xBF  {\n  \"log\": {"),
            Some(Format::Har)
        );
        assert_eq!(format_of(b"{\"v\":1,"), Some(Format::Lines));
        assert_eq!(format_of(b"[1]"), Some(Format::Lines));
        assert_eq!(format_of(b"\"wwe\""), Some(Format::Lines));
        assert_eq!(format_of(b"  {  \"lo"), None);
        assert_eq!(format_of(b""), None);
    }

    #[test]
    fn sniffing_gives_back_every_byte() {
        let text = "{\"log\": {\"entries\": []}}";
        let (format, mut reader) = sniff(Box::new(text.as_bytes()), InputFrom::Auto).unwrap();
        let mut again = String::new();
        reader.read_to_string(&mut again).unwrap();
        assert_eq!((format, again.as_str()), (Format::Har, text));
        let (format, _) = sniff(Box::new(&b""[..]), InputFrom::Auto).unwrap();
        assert_eq!(format, Format::Lines);
    }

    fn events_of(text: &'static str) -> (Vec<String>, StreamReport) {
        let mut seen = Vec::new();
        let report = stream(Format::Lines, Box::new(text.as_bytes()), &mut |event| {
            seen.push(match event {
                Event::Frame(frame) => format!("frame {}", frame.key),
                Event::Record(item) => format!(
                    "record {} line {:?} frame {} payload {} {}",
                    item.index,
                    item.line,
                    item.frame,
                    item.payload,
                    item.record.decoded.message.kind()
                ),
                Event::Problem { line, text } => format!("problem {line}: {text}"),
                _ => "other".to_owned(),
            });
            Ok(())
        })
        .unwrap();
        (seen, report)
    }

    #[test]
    fn lines_bring_frames_before_their_first_record_and_name_bad_lines() {
        let text = concat!(
            r#"{"v":1,"time":1.5,"wall":1,"frameUrl":"https://wwe.example/","frameOrigin":"https://wwe.example","isTop":true,"origin":"https://app.example","source":"child","childIndex":0,"ports":0,"data":{"request":"agent.getState","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}}"#,
            "\nnot json\n",
            r#"{"request":"agent.get","referenceId":"1","userAgent":"WWE Client","protocolVersion":2}"#,
            "\n",
        );
        let (seen, report) = events_of(text);
        assert_eq!(
            seen,
            [
                "frame https://wwe.example/",
                "record 0 line Some(1) frame 0 payload false request",
                "problem 2: not JSON: expected ident at column 2",
                "frame payload lines",
                "record 1 line Some(3) frame 1 payload true request",
            ]
        );
        assert_eq!((report.records, report.bad_lines), (2, 1));
    }

    #[test]
    fn decode_output_reads_back_as_the_record_it_shows() {
        let text = r#"{"line":1,"kind":"frame-id","name":"frameId","direction":"to-app","frame":{"url":"https://app.example/a.html","origin":"https://app.example","isTop":false},"time":10.5,"wall":10.0,"origin":"https://wwe.example","source":"parent","hookDropped":2,"decoded":{"kind":"frame-id","frameId":3,"envelope":{}},"raw":{"frameId":3,"userAgent":"WWE Server","protocolVersion":2}}"#;
        let entry = from_decode_output(4, text).unwrap();
        let receiver = entry.receiver.unwrap();
        assert_eq!(receiver.frame_url, "https://app.example/a.html");
        assert_eq!(receiver.hook_dropped, 2);
        assert_eq!(entry.record.time, 10.5);
        assert_eq!(entry.record.source, SourceRelation::Parent);
        assert_eq!(entry.record.decoded.message.kind(), "frame-id");
        assert_eq!(
            entry.raw_text.get(),
            r#"{"frameId":3,"userAgent":"WWE Server","protocolVersion":2}"#
        );
        let payload = r#"{"line":3,"kind":"request","name":"agent.get","direction":"to-workspace","decoded":{},"raw":{"request":"agent.get","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}}"#;
        let entry = from_decode_output(9, payload).unwrap();
        assert!(entry.receiver.is_none());
        assert_eq!(entry.record.time, 9.0);
        assert!(from_decode_output(1, r#"{"decoded": 1}"#).is_none());
    }
}
