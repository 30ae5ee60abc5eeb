//! Reading a HAR: our own exports exactly, and any HAR with `_webSocketMessages` (say, one Chrome
//! DevTools saved from a WebSocket page) as well as it can.
//!
//! The reader streams: it walks the JSON with serde visitors and hands each message on as soon as
//! it is read ([`read_har_stream`]), never holding the entries or their messages, so a HAR of any
//! size reads in bounded memory. [`read_har`] collects everything into a [`Capture`].
//!
//! Errors say what is wrong and where: `log.entries[3]._webSocketMessages[7].time is a string,
//! expected a number at line 1 column 3456`.

use crate::findings::Finding;
use crate::har::time::parse_iso;
use crate::har::wire::{CaptureWire, MessageIn};
use crate::har::{Capture, CaptureMeta, Tool, HAR_FORMAT_VERSION};
use crate::message::decode;
use crate::record::{FrameInfo, FramePlacement, Record};
use crate::SourceRelation;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::ops::ControlFlow;

/// Where a HAR came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HarFlavor {
    /// One of our exports: `_scapiCapture` restores the capture exactly.
    #[default]
    Scapi,
    /// Another tool's HAR with `_webSocketMessages`: frames are made up, one per entry.
    WebSocket,
}

/// Why a HAR could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HarError {
    /// The text is not JSON.
    NotJson(String),
    /// JSON, but not a HAR, or a HAR whose content is wrong where the message says.
    Invalid(String),
    /// A HAR without WebSocket messages: HTTP traffic.
    NotScapi,
    /// The input could not be read.
    Io(String),
    /// The receiver of [`read_har_stream`]'s events asked to stop.
    Stopped,
}

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarError::NotJson(problem) => write!(f, "not JSON: {problem}"),
            HarError::Invalid(problem) => f.write_str(problem),
            HarError::NotScapi => f.write_str(
                "a HAR without any _webSocketMessages: this is HTTP traffic, not a SCAPI capture",
            ),
            HarError::Io(problem) => write!(f, "cannot read: {problem}"),
            HarError::Stopped => f.write_str("reading stopped"),
        }
    }
}

impl std::error::Error for HarError {}

/// What the streaming reader finds, in the order the file has it (our exports put the capture's
/// facts and frames before the entries, and the findings after them).
#[derive(Clone, Debug, PartialEq)]
pub enum HarEvent {
    /// `log.creator`.
    Creator(Tool),
    /// The first of `log.pages`: its title (Chrome writes the page URL there) and start.
    Page { title: String, started: Option<f64> },
    /// `log._scapiCapture`: the capture's facts and its frames.
    Capture {
        meta: CaptureMeta,
        frames: Vec<FrameInfo>,
    },
    /// A frame made up for an entry of another tool's HAR, before that entry's first record.
    Frame(FrameInfo),
    /// One message, as the record of the frame keyed `frame`.
    Record {
        /// Where it is: (entry, message) indexes.
        at: (usize, usize),
        frame: String,
        /// Its position in the capture (our exports); `None` for other HARs, whose messages come
        /// in file order.
        index: Option<u64>,
        /// Boxed: a record is much larger than the other events.
        record: Box<Record>,
    },
    /// `log._scapiFindings`.
    Findings(Vec<Finding>),
}

/// Reads a HAR from `input`, handing each thing it finds to `emit` as soon as it is read.
/// `emit` returns `ControlFlow::Break(())` to stop (the result is then [`HarError::Stopped`]).
pub fn read_har_stream(
    input: impl Read,
    emit: &mut dyn FnMut(HarEvent) -> ControlFlow<()>,
) -> Result<HarFlavor, HarError> {
    // serde_json reads byte by byte: unbuffered, each byte would be a read call.
    let input = std::io::BufReader::with_capacity(256 * 1024, input);
    let mut deserializer = serde_json::Deserializer::from_reader(input);
    run(&mut deserializer, emit)
}

/// Reads a whole HAR: one of our exports exactly, another tool's WebSocket HAR with a made-up
/// frame per entry (see [`HarFlavor`]).
pub fn read_har(text: &str) -> Result<Capture, HarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut collector = Collector::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let flavor = run(&mut deserializer, &mut |event| {
        collector.events.push(event);
        ControlFlow::Continue(())
    })?;
    collector.finish(flavor)
}

fn run<'de, R: serde_json::de::Read<'de>>(
    deserializer: &mut serde_json::Deserializer<R>,
    emit: &mut dyn FnMut(HarEvent) -> ControlFlow<()>,
) -> Result<HarFlavor, HarError> {
    let mut reader = Reader {
        emit,
        saw_capture: false,
        saw_messages: false,
        stopped: false,
    };
    let result = RootSeed(&mut reader)
        .deserialize(&mut *deserializer)
        .and_then(|()| deserializer.end());
    if reader.stopped {
        return Err(HarError::Stopped);
    }
    if let Err(error) = result {
        return Err(match error.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                HarError::NotJson(error.to_string())
            }
            serde_json::error::Category::Io => HarError::Io(error.to_string()),
            serde_json::error::Category::Data => HarError::Invalid(error.to_string()),
        });
    }
    match (reader.saw_capture, reader.saw_messages) {
        (true, _) => Ok(HarFlavor::Scapi),
        (false, true) => Ok(HarFlavor::WebSocket),
        (false, false) => Err(HarError::NotScapi),
    }
}

struct Reader<'e> {
    emit: &'e mut dyn FnMut(HarEvent) -> ControlFlow<()>,
    saw_capture: bool,
    saw_messages: bool,
    stopped: bool,
}

impl Reader<'_> {
    fn emit<E: de::Error>(&mut self, event: HarEvent) -> Result<(), E> {
        match (self.emit)(event) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => {
                self.stopped = true;
                Err(E::custom("stopped"))
            }
        }
    }
}

/// "a string", "an array", …: what a JSON value is, for error messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The scalar `visit_*` methods of a visitor that wants a container: each names what it found.
macro_rules! refuse_scalars {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.wrong("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.wrong("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.wrong("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.wrong("a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.wrong("a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.wrong("null"))
        }
    };
}

/// The whole file: an object with `log`.
struct RootSeed<'r, 'e>(&'r mut Reader<'e>);

impl RootSeed<'_, '_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!(
            "not a HAR: expected a JSON object with `log`, found {found}"
        ))
    }
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR: a JSON object with `log`")
    }

    refuse_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_log = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" && !saw_log {
                map.next_value_seed(LogSeed(&mut *self.0))?;
                saw_log = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if saw_log {
            Ok(())
        } else {
            Err(de::Error::custom(
                "not a HAR: the top-level object has no `log`",
            ))
        }
    }
}

/// `log`.
struct LogSeed<'r, 'e>(&'r mut Reader<'e>);

impl LogSeed<'_, '_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!("log is {found}, expected an object"))
    }
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`log` to be an object")
    }

    refuse_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let reader = self.0;
        let mut saw_entries = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "creator" => {
                    let creator: Value = map.next_value()?;
                    let text = |field: &str| {
                        creator
                            .get(field)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let tool = Tool {
                        name: text("name"),
                        version: text("version"),
                    };
                    reader.emit(HarEvent::Creator(tool))?;
                }
                "pages" => {
                    let pages: Value = map.next_value()?;
                    if let Some(page) = pages.get(0) {
                        let title = page.get("title").and_then(Value::as_str);
                        let started = page.get("startedDateTime").and_then(Value::as_str);
                        reader.emit(HarEvent::Page {
                            title: title.unwrap_or_default().to_owned(),
                            started: started.and_then(parse_iso),
                        })?;
                    }
                }
                "_scapiCapture" => {
                    let capture: Value = map.next_value()?;
                    let capture: CaptureWire = serde_json::from_value(capture)
                        .map_err(|e| de::Error::custom(format!("log._scapiCapture: {e}")))?;
                    if capture.format_version != HAR_FORMAT_VERSION {
                        return Err(de::Error::custom(format!(
                            "log._scapiCapture.formatVersion {} is not supported (expected {HAR_FORMAT_VERSION})",
                            capture.format_version
                        )));
                    }
                    reader.saw_capture = true;
                    reader.emit(HarEvent::Capture {
                        meta: capture.meta,
                        frames: capture.frames,
                    })?;
                }
                "_scapiFindings" => {
                    let findings: Value = map.next_value()?;
                    let findings: Vec<Finding> = serde_json::from_value(findings)
                        .map_err(|e| de::Error::custom(format!("log._scapiFindings: {e}")))?;
                    reader.emit(HarEvent::Findings(findings))?;
                }
                "entries" if !saw_entries => {
                    map.next_value_seed(EntriesSeed(&mut *reader))?;
                    saw_entries = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if saw_entries {
            Ok(())
        } else {
            Err(de::Error::custom("not a HAR: log.entries is missing"))
        }
    }
}

/// `log.entries`.
struct EntriesSeed<'r, 'e>(&'r mut Reader<'e>);

impl EntriesSeed<'_, '_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!("log.entries is {found}, expected an array"))
    }
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`log.entries` to be an array")
    }

    refuse_scalars!();

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong("an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
        let reader = self.0;
        let mut index = 0;
        while entries
            .next_element_seed(EntrySeed {
                reader: &mut *reader,
                index,
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }
}

/// One of `log.entries`.
struct EntrySeed<'r, 'e> {
    reader: &'r mut Reader<'e>,
    index: usize,
}

impl EntrySeed<'_, '_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!(
            "log.entries[{}] is {found}, expected an object",
            self.index
        ))
    }
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_, '_> {
    type Value = Option<()>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_, '_> {
    type Value = Option<()>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR entry (an object)")
    }

    refuse_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entry = EntryState {
            index: self.index,
            url: None,
            frame: None,
            next_seq: 0,
            waiting: Vec::new(),
        };
        let reader = self.reader;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "request" => {
                    let request: Value = map.next_value()?;
                    entry.url = request
                        .get("url")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
                "_webSocketMessages" => {
                    reader.saw_messages = true;
                    map.next_value_seed(MessagesSeed {
                        reader: &mut *reader,
                        entry: &mut entry,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        // Messages that came before `request` (and so before the entry's URL).
        let waiting = std::mem::take(&mut entry.waiting);
        for message in waiting {
            entry.emit_foreign(reader, message)?;
        }
        Ok(Some(()))
    }
}

/// A message of another tool's HAR, read but not yet handed on.
struct ForeignMessage {
    at: usize,
    time_ms: f64,
    raw: Value,
}

/// What an entry being read knows so far.
struct EntryState {
    index: usize,
    url: Option<String>,
    /// The key of the frame made up for this entry, once it is.
    frame: Option<String>,
    next_seq: u64,
    /// Foreign messages read before the entry's URL.
    waiting: Vec<ForeignMessage>,
}

impl EntryState {
    fn emit_foreign<E: de::Error>(
        &mut self,
        reader: &mut Reader<'_>,
        message: ForeignMessage,
    ) -> Result<(), E> {
        let frame = match &self.frame {
            Some(key) => key.clone(),
            None => {
                let url = self
                    .url
                    .clone()
                    .unwrap_or_else(|| format!("scapi://entry/{}", self.index));
                let frame = FrameInfo {
                    key: format!("har-entry-{}", self.index),
                    origin: origin_of(&url),
                    url,
                    is_top: false,
                    placement: FramePlacement::default(),
                    browser_frame_id: None,
                    started: 0.0,
                    ended: None,
                };
                let key = frame.key.clone();
                reader.emit(HarEvent::Frame(frame))?;
                self.frame = Some(key.clone());
                key
            }
        };
        // Both directions as one frame hearing itself: pairing then matches answers to requests
        // by origin and referenceId, as it does for payload lines.
        let origin = origin_of(self.url.as_deref().unwrap_or_default());
        let record = Record {
            seq: self.next_seq,
            time: message.time_ms,
            wall: message.time_ms,
            origin,
            source: SourceRelation::Other,
            child_index: None,
            ports: 0,
            decoded: decode(&message.raw),
            raw: message.raw,
        };
        self.next_seq += 1;
        reader.emit(HarEvent::Record {
            at: (self.index, message.at),
            frame,
            index: None,
            record: Box::new(record),
        })
    }
}

/// `scheme://host[:port]` of a URL; `"null"` when it has none (as browsers say for opaque ones).
fn origin_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "null".to_owned();
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if scheme.is_empty() || host.is_empty() {
        return "null".to_owned();
    }
    format!("{scheme}://{host}")
}

/// `log.entries[i]._webSocketMessages`.
struct MessagesSeed<'r, 'e, 's> {
    reader: &'r mut Reader<'e>,
    entry: &'s mut EntryState,
}

impl MessagesSeed<'_, '_, '_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        E::custom(format!(
            "log.entries[{}]._webSocketMessages is {found}, expected an array",
            self.entry.index
        ))
    }
}

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`_webSocketMessages` to be an array")
    }

    refuse_scalars!();

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.wrong("an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut messages: A) -> Result<(), A::Error> {
        let mut at = 0;
        // One message at a time: each is small, the array may be huge.
        while let Some(message) = messages.next_element::<Value>()? {
            read_message(self.reader, self.entry, at, message)?;
            at += 1;
        }
        Ok(())
    }
}

fn read_message<E: de::Error>(
    reader: &mut Reader<'_>,
    entry: &mut EntryState,
    at: usize,
    message: Value,
) -> Result<(), E> {
    let path = format!("log.entries[{}]._webSocketMessages[{at}]", entry.index);
    let Value::Object(mut fields) = message else {
        return Err(E::custom(format!(
            "{path} is {}, expected an object",
            kind_of(&message)
        )));
    };
    let wrong = |field: &str, value: Option<&Value>, expected: &str| -> E {
        match value {
            Some(value) => E::custom(format!(
                "{path}.{field} is {}, expected {expected}",
                kind_of(value)
            )),
            None => E::custom(format!("{path}.{field} is missing, expected {expected}")),
        }
    };
    match fields.get("type") {
        Some(Value::String(kind)) if kind == "send" || kind == "receive" => {}
        Some(Value::String(kind)) => {
            return Err(E::custom(format!(
                "{path}.type is {}, expected \"send\" or \"receive\"",
                Value::String(kind.clone())
            )))
        }
        other => return Err(wrong("type", other, "\"send\" or \"receive\"")),
    }
    let time = match fields.get("time") {
        Some(Value::Number(time)) => time.as_f64().unwrap_or(f64::NAN),
        other => return Err(wrong("time", other, "a number")),
    };
    let opcode = match fields.get("opcode") {
        None => None,
        Some(Value::Number(opcode)) => opcode.as_u64(),
        other => return Err(wrong("opcode", other, "a number")),
    };
    let data = match fields.remove("data") {
        Some(Value::String(data)) => data,
        other => return Err(wrong("data", other.as_ref(), "a string")),
    };
    if let Some(ours) = fields.remove("_scapi") {
        let ours: MessageIn =
            serde_json::from_value(ours).map_err(|e| E::custom(format!("{path}._scapi: {e}")))?;
        return reader.emit(HarEvent::Record {
            at: (entry.index, at),
            frame: ours.frame,
            index: Some(ours.index),
            record: Box::new(ours.record),
        });
    }
    let time_ms = time * 1000.0;
    if !time_ms.is_finite() {
        return Err(E::custom(format!(
            "{path}.time is {time}, out of range for epoch seconds"
        )));
    }
    // Text frames carry the message JSON; binary ones (opcode 2) base64, kept as text.
    let raw = match opcode {
        Some(2) => Value::String(data),
        _ => serde_json::from_str(&data).unwrap_or(Value::String(data)),
    };
    let message = ForeignMessage { at, time_ms, raw };
    if entry.url.is_some() {
        entry.emit_foreign(reader, message)
    } else {
        entry.waiting.push(message);
        Ok(())
    }
}

/// Gathers the events of one HAR into a [`Capture`].
#[derive(Default)]
struct Collector {
    events: Vec<HarEvent>,
}

impl Collector {
    fn finish(self, flavor: HarFlavor) -> Result<Capture, HarError> {
        let mut capture = Capture {
            flavor,
            ..Capture::default()
        };
        let mut creator = Tool::default();
        let mut page: Option<(String, Option<f64>)> = None;
        let mut saw_meta = false;
        let mut frame_index: HashMap<String, usize> = HashMap::new();
        let mut records: Vec<(Option<u64>, usize, Record)> = Vec::new();
        for event in self.events {
            match event {
                HarEvent::Creator(tool) => creator = tool,
                HarEvent::Page { title, started } => page = Some((title, started)),
                HarEvent::Capture { meta, frames } => {
                    capture.meta = meta;
                    saw_meta = true;
                    for frame in frames {
                        add_frame(&mut capture.frames, &mut frame_index, frame);
                    }
                }
                HarEvent::Frame(frame) => add_frame(&mut capture.frames, &mut frame_index, frame),
                HarEvent::Record {
                    at,
                    frame,
                    index,
                    record,
                } => {
                    let Some(&frame) = frame_index.get(&frame) else {
                        return Err(HarError::Invalid(format!(
                            "log.entries[{}]._webSocketMessages[{}]._scapi.frame {} is not one of log._scapiCapture.frames",
                            at.0,
                            at.1,
                            Value::String(frame)
                        )));
                    };
                    records.push((index, frame, *record));
                }
                HarEvent::Findings(findings) => capture.findings = Some(findings),
            }
        }
        // Our exports group records by channel; their index puts them back in capture order.
        if records.iter().all(|(index, _, _)| index.is_some()) {
            records.sort_by_key(|(index, _, _)| *index);
        }
        capture.records = records
            .into_iter()
            .map(|(_, frame, record)| (frame, record))
            .collect();
        if !saw_meta {
            let times = capture.records.iter().map(|(_, record)| record.time);
            let first = times.clone().fold(f64::INFINITY, f64::min);
            let last = times.fold(f64::NEG_INFINITY, f64::max);
            let (title, started) = page.unwrap_or_default();
            capture.meta = CaptureMeta {
                tool: creator,
                page_url: title.clone(),
                page_title: title,
                start: started.unwrap_or(if first.is_finite() { first } else { 0.0 }),
                end: if last.is_finite() { last } else { 0.0 },
                ..CaptureMeta::default()
            };
        }
        Ok(capture)
    }
}

fn add_frame(frames: &mut Vec<FrameInfo>, index: &mut HashMap<String, usize>, frame: FrameInfo) {
    index.entry(frame.key.clone()).or_insert(frames.len());
    frames.push(frame);
}
