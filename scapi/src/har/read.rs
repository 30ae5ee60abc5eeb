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
use crate::message::type_name;
use crate::record::{FrameInfo, FramePlacement, Record};
use crate::SourceRelation;
use serde::de::{self, IgnoredAny};
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

impl HarError {
    /// A record of one of our exports naming a frame its `_scapiCapture` does not list.
    pub fn unknown_frame(at: (usize, usize), frame: &str) -> HarError {
        HarError::Invalid(format!(
            "log.entries[{}]._webSocketMessages[{}]._scapi.frame {} is not one of log._scapiCapture.frames",
            at.0,
            at.1,
            Value::String(frame.to_owned())
        ))
    }
}

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
        frame: crate::FrameKey,
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
    mut input: impl Read,
    emit: &mut dyn FnMut(HarEvent) -> ControlFlow<()>,
) -> Result<HarFlavor, HarError> {
    let mut reader = HarReader::new();
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        let read = match input.read(&mut chunk) {
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(HarError::Io(error.to_string())),
        };
        if read == 0 {
            return reader.finish(emit);
        }
        reader.feed(&chunk[..read], emit)?;
    }
}

/// Reads a whole HAR: one of our exports exactly, another tool's WebSocket HAR with a made-up
/// frame per entry (see [`HarFlavor`]).
pub fn read_har(text: &str) -> Result<Capture, HarError> {
    let mut collector = Collector::default();
    let mut collect = |event| {
        collector.events.push(event);
        ControlFlow::Continue(())
    };
    let mut reader = HarReader::new();
    reader.feed(text.as_bytes(), &mut collect)?;
    let flavor = reader.finish(&mut collect)?;
    collector.finish(flavor)
}

/// A HAR read as its bytes arrive, in pieces of any size: what the panel uses to read a file a
/// slice at a time between frames, and what [`read_har_stream`] and [`read_har`] run on.
///
/// It walks the HAR's outer structure itself (the document, `log`, `log.entries`, each entry and
/// its `_webSocketMessages`) and hands every value below it whole to serde_json, so it holds at
/// most one such value (one message) beside the piece being fed: memory does not grow with the
/// file, and reading can stop after any piece and go on with the next one.
pub struct HarReader {
    /// Bytes fed and not yet consumed (and the value being read, from its start).
    buf: Vec<u8>,
    /// The next byte of `buf` to look at.
    at: usize,
    /// Where `buf[0]` is in the file: its line (from 1) and its column (from 0).
    line: u64,
    column: u64,
    /// The containers being walked, outermost first, and what comes next in the innermost.
    levels: Vec<Level>,
    expect: Expect,
    /// A value below the walked structure whose end has not been fed yet.
    value: Option<ValueScan>,
    bom_checked: bool,
    saw_capture: bool,
    saw_messages: bool,
    fed: u64,
    /// Set once an error was returned: the reader reads nothing more.
    failed: bool,
}

/// A container of the HAR's outer structure.
enum Level {
    Root { saw_log: bool },
    Log { saw_entries: bool },
    Entries { next: usize },
    Entry(EntryState),
    Messages { next: usize },
}

impl Level {
    fn is_array(&self) -> bool {
        matches!(self, Level::Entries { .. } | Level::Messages { .. })
    }
}

/// What the walk expects next.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    /// The document itself.
    Document,
    /// In an object: a key or its end (not after a comma).
    Key {
        first: bool,
    },
    Colon(String),
    /// In an object: the value of this key.
    Member(String),
    /// In an array: an element or its end (not after a comma).
    Element {
        first: bool,
    },
    /// A comma or the end of the innermost container.
    Next,
    /// After the document: nothing but white space.
    End,
}

/// How far a value below the walked structure has been scanned for its end.
struct ValueScan {
    /// Its first byte in `buf`.
    start: usize,
    /// The next byte to scan.
    scan: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
}

/// Why reading stopped, and where (an index into `buf`, or its end).
struct Fail {
    kind: FailKind,
    message: String,
    at: Place,
}

enum FailKind {
    NotJson,
    Invalid,
    Io,
    Stopped,
}

#[derive(Clone, Copy)]
enum Place {
    /// The byte at this index of `buf`.
    Byte(usize),
    /// The end of what was fed (the file's end).
    End,
    /// A line and column serde_json named.
    LineColumn(u64, u64),
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// What the JSON value at the start of `bytes` is, for error messages; `None` when it is none
/// (a literal is checked as far as it goes).
fn kind_at(bytes: &[u8]) -> Option<&'static str> {
    let literal = |word: &[u8]| {
        let n = word.len().min(bytes.len());
        bytes[..n] == word[..n]
    };
    match bytes.first()? {
        b't' if !literal(b"true") => None,
        b'f' if !literal(b"false") => None,
        b'n' if !literal(b"null") => None,
        &byte => kind_of_start(byte),
    }
}

/// What a JSON value starting with `byte` is, for error messages; `None` when nothing can.
fn kind_of_start(byte: u8) -> Option<&'static str> {
    Some(match byte {
        b'{' => "an object",
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "a number",
        _ => return None,
    })
}

impl Default for HarReader {
    fn default() -> Self {
        HarReader::new()
    }
}

impl HarReader {
    pub fn new() -> HarReader {
        HarReader {
            buf: Vec::new(),
            at: 0,
            line: 1,
            column: 0,
            levels: Vec::new(),
            expect: Expect::Document,
            value: None,
            bom_checked: false,
            saw_capture: false,
            saw_messages: false,
            fed: 0,
            failed: false,
        }
    }

    /// Bytes fed so far.
    pub fn bytes_fed(&self) -> u64 {
        self.fed
    }

    /// Bytes held: the unfinished value and what was fed after it.
    pub fn bytes_held(&self) -> usize {
        self.buf.capacity()
    }

    /// Reads the next piece of the file, handing on everything it completes.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        emit: &mut dyn FnMut(HarEvent) -> ControlFlow<()>,
    ) -> Result<(), HarError> {
        if self.failed {
            return Err(HarError::Invalid(
                "the reader stopped at an error".to_owned(),
            ));
        }
        self.compact();
        self.buf.extend_from_slice(bytes);
        self.fed += bytes.len() as u64;
        let result = self.run(emit, false);
        self.settle(result)
    }

    /// The file ended: checks it is complete and says what kind of HAR it was.
    pub fn finish(
        mut self,
        emit: &mut dyn FnMut(HarEvent) -> ControlFlow<()>,
    ) -> Result<HarFlavor, HarError> {
        if self.failed {
            return Err(HarError::Invalid(
                "the reader stopped at an error".to_owned(),
            ));
        }
        let result = self.run(emit, true);
        self.settle(result)?;
        match (self.saw_capture, self.saw_messages) {
            (true, _) => Ok(HarFlavor::Scapi),
            (false, true) => Ok(HarFlavor::WebSocket),
            (false, false) => Err(HarError::NotScapi),
        }
    }

    fn settle(&mut self, result: Result<(), Fail>) -> Result<(), HarError> {
        let Err(fail) = result else {
            return Ok(());
        };
        self.failed = true;
        let (line, column) = self.place(fail.at);
        let message = format!("{} at line {line} column {column}", fail.message);
        Err(match fail.kind {
            FailKind::NotJson => HarError::NotJson(message),
            FailKind::Invalid => HarError::Invalid(message),
            FailKind::Io => HarError::Io(message),
            FailKind::Stopped => HarError::Stopped,
        })
    }

    /// The line and column (from 1; at the end, the column of the last byte) of a place.
    fn place(&self, place: Place) -> (u64, u64) {
        let (index, end) = match place {
            Place::Byte(index) => (index.min(self.buf.len()), false),
            Place::End => (self.buf.len(), true),
            Place::LineColumn(line, column) => return (line, column),
        };
        let before = &self.buf[..index];
        let lines = before.iter().filter(|&&byte| byte == b'\n').count() as u64;
        let column = match before.iter().rposition(|&byte| byte == b'\n') {
            Some(newline) => (index - newline - 1) as u64,
            None => self.column + index as u64,
        };
        (self.line + lines, if end { column } else { column + 1 })
    }

    /// Lets go of the bytes read, keeping an unfinished value.
    fn compact(&mut self) {
        let keep = self.value.as_ref().map_or(self.at, |value| value.start);
        if keep == 0 {
            return;
        }
        let gone = &self.buf[..keep];
        match gone.iter().rposition(|&byte| byte == b'\n') {
            Some(newline) => {
                self.line += gone.iter().filter(|&&byte| byte == b'\n').count() as u64;
                self.column = (keep - newline - 1) as u64;
            }
            None => self.column += keep as u64,
        }
        self.buf.drain(..keep);
        self.at -= keep;
        if let Some(value) = &mut self.value {
            value.start -= keep;
            value.scan -= keep;
        }
    }

    fn fail(&self, kind: FailKind, message: impl Into<String>, at: Place) -> Fail {
        Fail {
            kind,
            message: message.into(),
            at,
        }
    }

    fn run(
        &mut self,
        emit: &mut dyn FnMut(HarEvent) -> ControlFlow<()>,
        last: bool,
    ) -> Result<(), Fail> {
        if !self.bom_checked {
            if self.buf.len() < 3 && !last && b"\xef\xbb\xbf".starts_with(&self.buf) {
                return Ok(());
            }
            if self.buf.starts_with(b"\xef\xbb\xbf") {
                self.at = 3;
            }
            self.bom_checked = true;
        }
        let mut reader = Reader {
            emit,
            stopped: false,
        };
        loop {
            if let Some(end) = self.value_end(last) {
                let Some(scan) = self.value.take() else {
                    unreachable!("value_end is Some only for a value");
                };
                self.at = end;
                self.complete(&mut reader, scan.start, end)?;
                continue;
            }
            if self.value.is_some() {
                if last {
                    // Cut short: serde_json says how.
                    let start = self.value.as_ref().map_or(0, |value| value.start);
                    return Err(self.json_error(start, self.buf.len()));
                }
                return Ok(());
            }
            while self.at < self.buf.len() && is_space(self.buf[self.at]) {
                self.at += 1;
            }
            let Some(&byte) = self.buf.get(self.at) else {
                if last && self.expect != Expect::End {
                    let what = match (&self.expect, self.levels.last()) {
                        (Expect::Document | Expect::Member(_) | Expect::Element { .. }, _) => {
                            "a value"
                        }
                        (_, Some(level)) if level.is_array() => "a list",
                        _ => "an object",
                    };
                    return Err(self.fail(
                        FailKind::NotJson,
                        format!("EOF while parsing {what}"),
                        Place::End,
                    ));
                }
                return Ok(());
            };
            let here = Place::Byte(self.at);
            match std::mem::replace(&mut self.expect, Expect::End) {
                Expect::Document => {
                    if byte != b'{' {
                        return Err(match kind_at(&self.buf[self.at..]) {
                            Some(kind) => self.fail(
                                FailKind::Invalid,
                                format!(
                                    "not a HAR: expected a JSON object with `log`, found {kind}"
                                ),
                                here,
                            ),
                            None => self.fail(FailKind::NotJson, "expected value", here),
                        });
                    }
                    self.open(Level::Root { saw_log: false });
                }
                Expect::Key { first } => match byte {
                    b'}' if first => self.close(&mut reader)?,
                    b'}' => return Err(self.fail(FailKind::NotJson, "trailing comma", here)),
                    b'"' => {
                        self.value = Some(ValueScan {
                            start: self.at,
                            scan: self.at,
                            depth: 0,
                            in_string: false,
                            escaped: false,
                        });
                        // The key is read whole, as a value is; `complete` sees `Key`.
                        self.expect = Expect::Key { first };
                    }
                    _ => return Err(self.fail(FailKind::NotJson, "key must be a string", here)),
                },
                Expect::Colon(key) => {
                    if byte != b':' {
                        return Err(self.fail(FailKind::NotJson, "expected `:`", here));
                    }
                    self.at += 1;
                    self.expect = Expect::Member(key);
                }
                Expect::Member(key) => self.member(byte, key)?,
                Expect::Element { first } => {
                    if byte == b']' {
                        if !first {
                            return Err(self.fail(FailKind::NotJson, "trailing comma", here));
                        }
                        self.close(&mut reader)?;
                    } else {
                        self.element(byte)?;
                    }
                }
                Expect::Next => {
                    let array = self.levels.last().is_some_and(Level::is_array);
                    match (byte, array) {
                        (b',', true) => {
                            self.at += 1;
                            self.expect = Expect::Element { first: false };
                        }
                        (b',', false) => {
                            self.at += 1;
                            self.expect = Expect::Key { first: false };
                        }
                        (b']', true) | (b'}', false) => self.close(&mut reader)?,
                        (_, true) => {
                            return Err(self.fail(FailKind::NotJson, "expected `,` or `]`", here))
                        }
                        (_, false) => {
                            return Err(self.fail(FailKind::NotJson, "expected `,` or `}`", here))
                        }
                    }
                }
                Expect::End => {
                    return Err(self.fail(FailKind::NotJson, "trailing characters", here));
                }
            }
        }
    }

    /// Enters a container of the walked structure (its opening byte is at `at`).
    fn open(&mut self, level: Level) {
        self.at += 1;
        self.expect = if level.is_array() {
            Expect::Element { first: true }
        } else {
            Expect::Key { first: true }
        };
        self.levels.push(level);
    }

    /// Leaves the innermost container (its closing byte is at `at`).
    fn close(&mut self, reader: &mut Reader<'_>) -> Result<(), Fail> {
        let here = Place::Byte(self.at);
        self.at += 1;
        let level = self.levels.pop();
        self.expect = if self.levels.is_empty() {
            Expect::End
        } else {
            Expect::Next
        };
        match level {
            Some(Level::Root { saw_log: false }) => Err(self.fail(
                FailKind::Invalid,
                "not a HAR: the top-level object has no `log`",
                here,
            )),
            Some(Level::Log { saw_entries: false }) => {
                Err(self.fail(FailKind::Invalid, "not a HAR: log.entries is missing", here))
            }
            Some(Level::Entry(mut entry)) => {
                // Messages that came before `request` (and so before the entry's URL).
                for message in std::mem::take(&mut entry.waiting) {
                    entry
                        .emit_foreign::<serde_json::Error>(reader, message)
                        .map_err(|error| self.handler_fail(reader, error, here))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A member's value starts with `byte`: a container walked into, or a value read whole.
    fn member(&mut self, byte: u8, key: String) -> Result<(), Fail> {
        let here = Place::Byte(self.at);
        let wrong = |reader: &HarReader, path: String, expected: &str| match kind_at(
            &reader.buf[reader.at..],
        ) {
            Some(kind) => reader.fail(
                FailKind::Invalid,
                format!("{path} is {kind}, expected {expected}"),
                here,
            ),
            None => reader.fail(FailKind::NotJson, "expected value", here),
        };
        match (self.levels.last_mut(), key.as_str()) {
            (Some(Level::Root { saw_log }), "log") if !*saw_log => {
                *saw_log = true;
                if byte != b'{' {
                    return Err(wrong(self, "log".to_owned(), "an object"));
                }
                self.open(Level::Log { saw_entries: false });
            }
            (Some(Level::Log { saw_entries }), "entries") if !*saw_entries => {
                *saw_entries = true;
                if byte != b'[' {
                    return Err(wrong(self, "log.entries".to_owned(), "an array"));
                }
                self.open(Level::Entries { next: 0 });
            }
            (Some(Level::Entry(entry)), "_webSocketMessages") => {
                let path = format!("log.entries[{}]._webSocketMessages", entry.index);
                self.saw_messages = true;
                if byte != b'[' {
                    return Err(wrong(self, path, "an array"));
                }
                self.open(Level::Messages { next: 0 });
            }
            _ => {
                if kind_of_start(byte).is_none() {
                    return Err(self.fail(FailKind::NotJson, "expected value", here));
                }
                self.start_value();
                self.expect = Expect::Member(key);
            }
        }
        Ok(())
    }

    /// An array's element starts with `byte`.
    fn element(&mut self, byte: u8) -> Result<(), Fail> {
        let here = Place::Byte(self.at);
        let Some(kind) = kind_at(&self.buf[self.at..]) else {
            return Err(self.fail(FailKind::NotJson, "expected value", here));
        };
        match self.levels.last_mut() {
            Some(Level::Entries { next }) => {
                let index = *next;
                *next += 1;
                if byte != b'{' {
                    return Err(self.fail(
                        FailKind::Invalid,
                        format!("log.entries[{index}] is {kind}, expected an object"),
                        here,
                    ));
                }
                self.open(Level::Entry(EntryState {
                    index,
                    url: None,
                    frame: None,
                    next_seq: 0,
                    waiting: Vec::new(),
                }));
            }
            _ => {
                self.start_value();
                self.expect = Expect::Element { first: false };
            }
        }
        Ok(())
    }

    fn start_value(&mut self) {
        self.value = Some(ValueScan {
            start: self.at,
            scan: self.at,
            depth: 0,
            in_string: false,
            escaped: false,
        });
    }

    /// Where the value being read ends (one past its last byte), once it is all fed.
    fn value_end(&mut self, last: bool) -> Option<usize> {
        let value = self.value.as_mut()?;
        let buf = &self.buf;
        let first = buf[value.start];
        if !matches!(first, b'"' | b'{' | b'[') {
            // A number or a literal: up to the next delimiter.
            let from = value.scan;
            return match buf[from..]
                .iter()
                .position(|&byte| is_space(byte) || matches!(byte, b',' | b'}' | b']'))
            {
                Some(offset) => Some(from + offset),
                None if last => Some(buf.len()),
                None => {
                    value.scan = buf.len();
                    None
                }
            };
        }
        let mut index = value.scan;
        while index < buf.len() {
            let byte = buf[index];
            if value.in_string {
                if value.escaped {
                    value.escaped = false;
                } else if byte == b'\\' {
                    value.escaped = true;
                } else if byte == b'"' {
                    value.in_string = false;
                    if value.depth == 0 {
                        return Some(index + 1);
                    }
                } else {
                    // Runs of plain string bytes: skip to the next quote or backslash.
                    let rest = &buf[index..];
                    if let Some(offset) = rest.iter().position(|&b| b == b'"' || b == b'\\') {
                        index += offset;
                        continue;
                    }
                    index = buf.len();
                    break;
                }
            } else {
                match byte {
                    b'"' => value.in_string = true,
                    b'{' | b'[' => value.depth += 1,
                    b'}' | b']' => {
                        value.depth = value.depth.saturating_sub(1);
                        if value.depth == 0 {
                            return Some(index + 1);
                        }
                    }
                    _ => {}
                }
            }
            index += 1;
        }
        value.scan = index;
        None
    }

    /// serde_json's error for the value in `buf[start..end]`, placed in the file.
    fn json_error(&self, start: usize, end: usize) -> Fail {
        let error = match serde_json::from_slice::<IgnoredAny>(&self.buf[start..end]) {
            Err(error) => error,
            Ok(_) => {
                return self.fail(FailKind::NotJson, "EOF while parsing a value", Place::End);
            }
        };
        self.serde_fail(error, start, "")
    }

    /// A serde_json error on the value starting at `start`, placed in the file.
    fn serde_fail(&self, error: serde_json::Error, start: usize, prefix: &str) -> Fail {
        let kind = match error.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                FailKind::NotJson
            }
            serde_json::error::Category::Io => FailKind::Io,
            serde_json::error::Category::Data => FailKind::Invalid,
        };
        let text = error.to_string();
        let bare = match text.rsplit_once(" at line ") {
            Some((bare, _)) if error.line() > 0 => bare.to_owned(),
            _ => text,
        };
        // serde_json counts the value's lines and columns from its start.
        let (line, column) = self.place(Place::Byte(start));
        let at = if error.line() <= 1 {
            (line, column + error.column() as u64 - 1)
        } else {
            (line + error.line() as u64 - 1, error.column() as u64)
        };
        Fail {
            kind,
            message: format!("{prefix}{bare}"),
            at: Place::LineColumn(at.0, at.1),
        }
    }

    /// An error a value's reader returned, placed at the value's end.
    fn handler_fail(&self, reader: &Reader<'_>, error: serde_json::Error, at: Place) -> Fail {
        if reader.stopped {
            return self.fail(FailKind::Stopped, "stopped", at);
        }
        let kind = match error.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                FailKind::NotJson
            }
            _ => FailKind::Invalid,
        };
        self.fail(kind, error.to_string(), at)
    }

    /// A value read whole: a key, a member's value, or an element of `_webSocketMessages`.
    fn complete(&mut self, reader: &mut Reader<'_>, start: usize, end: usize) -> Result<(), Fail> {
        let at_end = Place::Byte(end - 1);
        let slice = &self.buf[start..end];
        match std::mem::replace(&mut self.expect, Expect::End) {
            Expect::Key { .. } => {
                let key: String = serde_json::from_slice(slice)
                    .map_err(|error| self.serde_fail(error, start, ""))?;
                self.expect = Expect::Colon(key);
                Ok(())
            }
            Expect::Member(key) => {
                self.expect = Expect::Next;
                let parsed = |reader: &HarReader| -> Result<Value, Fail> {
                    serde_json::from_slice(&reader.buf[start..end])
                        .map_err(|error| reader.serde_fail(error, start, ""))
                };
                let result = match (self.levels.last_mut(), key.as_str()) {
                    (
                        Some(Level::Log { .. }),
                        "creator" | "pages" | "_scapiCapture" | "_scapiFindings",
                    ) => {
                        let value = parsed(self)?;
                        log_member(reader, &key, value, &mut self.saw_capture)
                    }
                    (Some(Level::Entry(_)), "request") => {
                        let value = parsed(self)?;
                        if let Some(Level::Entry(entry)) = self.levels.last_mut() {
                            entry.url = value.get("url").and_then(Value::as_str).map(str::to_owned);
                        }
                        Ok(())
                    }
                    _ => {
                        // Not needed: checked as JSON all the same.
                        serde_json::from_slice::<IgnoredAny>(slice)
                            .map_err(|error| self.serde_fail(error, start, ""))?;
                        Ok(())
                    }
                };
                result.map_err(|error| self.handler_fail(reader, error, at_end))
            }
            Expect::Element { .. } => {
                self.expect = Expect::Next;
                let value: Value = serde_json::from_slice(slice)
                    .map_err(|error| self.serde_fail(error, start, ""))?;
                let levels = self.levels.len();
                let result = match &mut self.levels[..] {
                    [.., Level::Entry(entry), Level::Messages { next }] => {
                        let at = *next;
                        *next += 1;
                        read_message::<serde_json::Error>(reader, entry, at, value)
                    }
                    _ => {
                        unreachable!("values are read whole only in _webSocketMessages ({levels})")
                    }
                };
                result.map_err(|error| self.handler_fail(reader, error, at_end))
            }
            other => unreachable!("a value completed while expecting {other:?}"),
        }
    }
}

/// One of `log`'s members the reader wants.
fn log_member(
    reader: &mut Reader<'_>,
    key: &str,
    value: Value,
    saw_capture: &mut bool,
) -> Result<(), serde_json::Error> {
    use serde::de::Error;
    match key {
        "creator" => {
            let text = |field: &str| {
                value
                    .get(field)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let tool = Tool {
                name: text("name"),
                version: text("version"),
            };
            reader.emit(HarEvent::Creator(tool))
        }
        "pages" => {
            let Some(page) = value.get(0) else {
                return Ok(());
            };
            let title = page.get("title").and_then(Value::as_str);
            let started = page.get("startedDateTime").and_then(Value::as_str);
            reader.emit(HarEvent::Page {
                title: title.unwrap_or_default().to_owned(),
                started: started.and_then(parse_iso),
            })
        }
        "_scapiCapture" => {
            let capture: CaptureWire = serde_json::from_value(value)
                .map_err(|e| Error::custom(format!("log._scapiCapture: {e}")))?;
            if capture.format_version != HAR_FORMAT_VERSION {
                return Err(Error::custom(format!(
                    "log._scapiCapture.formatVersion {} is not supported (expected {HAR_FORMAT_VERSION})",
                    capture.format_version
                )));
            }
            *saw_capture = true;
            reader.emit(HarEvent::Capture {
                meta: capture.meta,
                frames: capture.frames,
            })
        }
        _ => {
            let findings: Vec<Finding> = serde_json::from_value(value)
                .map_err(|e| Error::custom(format!("log._scapiFindings: {e}")))?;
            reader.emit(HarEvent::Findings(findings))
        }
    }
}

/// Where events go while a piece is read.
struct Reader<'e> {
    emit: &'e mut dyn FnMut(HarEvent) -> ControlFlow<()>,
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
    frame: Option<crate::FrameKey>,
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
                    key: format!("har-entry-{}", self.index).into(),
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
            type_name(&message)
        )));
    };
    let wrong = |field: &str, value: Option<&Value>, expected: &str| -> E {
        match value {
            Some(value) => E::custom(format!(
                "{path}.{field} is {}, expected {expected}",
                type_name(value)
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
        let mut frame_index: HashMap<crate::FrameKey, usize> = HashMap::new();
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
                        return Err(HarError::unknown_frame(at, &frame));
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

fn add_frame(
    frames: &mut Vec<FrameInfo>,
    index: &mut HashMap<crate::FrameKey, usize>,
    frame: FrameInfo,
) {
    index.entry(frame.key.clone()).or_insert(frames.len());
    frames.push(frame);
}
