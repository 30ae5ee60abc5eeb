//! Reading the input: one message per line, either a raw capture record (what the page hook writes,
//! see `docs/formats.md`) or a bare message payload.

use scapi::{decode, HookRecord, Record, SourceRelation};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::{self, BufRead, BufReader, Read};

/// How the lines of the input are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Per line: a raw capture record when it reads as one, otherwise a payload.
    Auto,
    /// Every line is a raw capture record; any other line is an error.
    Raw,
    /// Every line is a message payload, even one shaped like a raw capture record.
    Payload,
}

/// The origin given to payload lines, as sender and as receiving frame alike: pairing then treats
/// every payload line as traffic of one frame talking to itself, which is what a list of payloads
/// without frames amounts to.
pub const PAYLOAD_ORIGIN: &str = "payload-input";

/// Where a raw capture record was delivered: what a payload line cannot say.
#[derive(Clone, Debug, PartialEq)]
pub struct Receiver {
    pub frame_url: String,
    pub frame_origin: String,
    pub is_top: bool,
    /// Messages the hook lost just before this one.
    pub hook_dropped: u64,
}

/// One decoded input line.
#[derive(Debug)]
pub struct Entry {
    /// 1-based line number in the input.
    pub line: usize,
    /// The receiving frame, for a raw capture record; `None` for a payload line.
    pub receiver: Option<Receiver>,
    /// The decoded message with its delivery facts. `seq` is the line number (unique across the
    /// whole input, so a record reference names its line). For a payload line the delivery facts
    /// are made up: time and wall = the line number in milliseconds, source `other`, origin
    /// [`PAYLOAD_ORIGIN`].
    pub record: Record,
    /// The payload exactly as it was read.
    pub raw_text: Box<RawValue>,
}

/// Reads one line of text. The error says what is wrong with the line, without its number.
pub fn read_entry(line: usize, text: &str, format: InputFormat) -> Result<Entry, String> {
    match format {
        InputFormat::Payload => from_payload(line, text),
        InputFormat::Raw => match HookRecord::parse(text) {
            Ok(hook) => from_hook(line, text, hook),
            Err(error) => Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Err(not_json) => not_json_message(&not_json),
                Ok(_) => without_line_position(&error.0),
            }),
        },
        InputFormat::Auto => match HookRecord::parse(text) {
            Ok(hook) => from_hook(line, text, hook),
            Err(_) => from_payload(line, text),
        },
    }
}

/// Whether a payload looks like a raw capture record that failed to read as one: in `auto` mode
/// it is then decoded as a payload, which is worth a note.
pub fn looks_like_capture_record(payload: &Value) -> bool {
    ["v", "frameUrl", "data"]
        .iter()
        .all(|key| payload.get(key).is_some())
}

/// Why a raw capture-shaped line did not read as a raw capture record (for the note `auto` mode
/// prints when it decodes such a line as a payload).
pub fn capture_problem(text: &str) -> Option<String> {
    HookRecord::parse(text)
        .err()
        .map(|error| without_line_position(&error.0))
}

fn from_hook(line: usize, text: &str, hook: HookRecord) -> Result<Entry, String> {
    /// Only the `data` field, borrowed as text, to repeat it exactly as captured.
    #[derive(Deserialize)]
    struct DataText<'a> {
        #[serde(borrow)]
        data: &'a RawValue,
    }
    let raw_text = serde_json::from_str::<DataText>(text)
        .map_err(|e| without_line_position(&format!("cannot read `data`: {e}")))?
        .data
        .to_owned();
    let receiver = Receiver {
        frame_url: hook.frame_url.clone(),
        frame_origin: hook.frame_origin.clone(),
        is_top: hook.is_top,
        hook_dropped: hook.hook_dropped,
    };
    Ok(Entry {
        line,
        receiver: Some(receiver),
        record: Record::from_hook(line as u64, hook),
        raw_text,
    })
}

fn from_payload(line: usize, text: &str) -> Result<Entry, String> {
    let payload: Value = serde_json::from_str(text).map_err(|e| not_json_message(&e))?;
    // The same text again, kept verbatim: `Value` would reformat numbers such as 1.50 or a
    // 20-digit integer.
    let raw_text: Box<RawValue> = serde_json::from_str(text).map_err(|e| not_json_message(&e))?;
    let time = line as f64;
    Ok(Entry {
        line,
        receiver: None,
        record: Record {
            seq: line as u64,
            time,
            wall: time,
            origin: PAYLOAD_ORIGIN.to_owned(),
            source: SourceRelation::Other,
            child_index: None,
            ports: 0,
            decoded: decode(&payload),
            raw: payload,
        },
        raw_text,
    })
}

fn not_json_message(error: &serde_json::Error) -> String {
    format!("not JSON: {}", without_line_position(&error.to_string()))
}

/// serde_json ends its messages with "at line 1 column N"; every line is parsed on its own, so
/// the line is always 1 and the caller names the real one.
fn without_line_position(message: &str) -> String {
    message.replace(" at line 1 column ", " at column ")
}

/// The lines of the input, numbered from 1, blank ones skipped. Text that is not UTF-8 is an error
/// of that line only.
pub struct Lines<R> {
    reader: BufReader<R>,
    buffer: Vec<u8>,
    number: usize,
}

/// What Windows editors put before the first line of a UTF-8 file.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

impl<R: Read> Lines<R> {
    pub fn new(reader: R) -> Lines<R> {
        Lines {
            reader: BufReader::with_capacity(64 * 1024, reader),
            buffer: Vec::new(),
            number: 0,
        }
    }

    /// The next non-blank line and its number; `Ok(None)` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<(usize, Result<&str, String>)>> {
        loop {
            self.buffer.clear();
            if self.reader.read_until(b'\n', &mut self.buffer)? == 0 {
                return Ok(None);
            }
            self.number += 1;
            if self.number == 1 && self.buffer.starts_with(BYTE_ORDER_MARK) {
                self.buffer.drain(..BYTE_ORDER_MARK.len());
            }
            match std::str::from_utf8(&self.buffer) {
                Err(e) => {
                    let problem = format!("not UTF-8 text: {e}");
                    return Ok(Some((self.number, Err(problem))));
                }
                Ok(text) if text.trim().is_empty() => continue,
                Ok(_) => break,
            }
        }
        // Checked above; borrowed again here, where no later iteration needs the buffer.
        let text = std::str::from_utf8(&self.buffer).unwrap_or_default().trim();
        Ok(Some((self.number, Ok(text))))
    }

    /// Nothing more is buffered: the next line may make the reader wait (a pipe, a terminal), so
    /// what was written so far should be flushed.
    pub fn would_wait(&self) -> bool {
        self.reader.buffer().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::Message;
    use serde_json::json;

    const HOOK_LINE: &str = r#"{"v":1,"time":1732467255123.25,"wall":1732467255123,"frameUrl":"https://wwe.example/ui/ad/v1/index.html","frameOrigin":"https://wwe.example","isTop":true,"origin":"https://app.example","source":"child","childIndex":0,"ports":0,"data":{"request":"interaction.setUserData","parameters":["1",{"MyKEY1":"MyValue1"}],"referenceId":"7","userAgent":"WWE Client","protocolVersion":2,"frameId":3}}"#;
    const PAYLOAD_LINE: &str = r#"{"request":"agent.getState","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}"#;

    #[test]
    fn auto_reads_a_raw_capture_record_with_its_frame() {
        let entry = read_entry(4, HOOK_LINE, InputFormat::Auto).unwrap();
        let receiver = entry.receiver.unwrap();
        assert_eq!(receiver.frame_origin, "https://wwe.example");
        assert!(receiver.is_top);
        assert_eq!(entry.record.source, SourceRelation::Child);
        assert_eq!(entry.record.child_index, Some(0));
        assert_eq!(entry.record.seq, 4);
        assert_eq!(
            entry.record.decoded.message.name(),
            "interaction.setUserData"
        );
        assert!(entry
            .raw_text
            .get()
            .starts_with(r#"{"request":"interaction.setUserData""#));
    }

    #[test]
    fn auto_reads_any_other_json_as_a_payload_timed_by_its_line() {
        let entry = read_entry(9, PAYLOAD_LINE, InputFormat::Auto).unwrap();
        assert_eq!(entry.receiver, None);
        assert_eq!(entry.record.time, 9.0);
        assert_eq!(entry.record.source, SourceRelation::Other);
        assert_eq!(entry.record.origin, PAYLOAD_ORIGIN);
        assert_eq!(entry.record.decoded.message.kind(), "request");
        assert_eq!(entry.raw_text.get(), PAYLOAD_LINE);
    }

    #[test]
    fn payload_mode_reads_even_a_raw_capture_record_as_a_payload() {
        let entry = read_entry(1, HOOK_LINE, InputFormat::Payload).unwrap();
        assert_eq!(entry.receiver, None);
        assert_eq!(entry.record.decoded.message, Message::Foreign);
    }

    #[test]
    fn raw_mode_names_the_bad_field() {
        let line = HOOK_LINE.replace(r#""source":"child""#, r#""source":"sibling""#);
        let error = read_entry(1, &line, InputFormat::Raw).unwrap_err();
        assert!(
            error.starts_with("not a raw capture record: unknown variant `sibling`"),
            "{error}"
        );
        assert!(!error.contains("line 1"), "{error}");
    }

    #[test]
    fn raw_mode_refuses_a_payload() {
        let error = read_entry(1, PAYLOAD_LINE, InputFormat::Raw).unwrap_err();
        assert!(error.starts_with("not a raw capture record"), "{error}");
    }

    #[test]
    fn text_that_is_not_json_is_named_with_its_column() {
        for format in [InputFormat::Auto, InputFormat::Raw, InputFormat::Payload] {
            let error = read_entry(7, "hello", format).unwrap_err();
            assert_eq!(error, "not JSON: expected value at column 1", "{format:?}");
        }
    }

    #[test]
    fn raw_text_keeps_numbers_and_key_order_as_written() {
        let text = r#"{"z":1.50,"a":123456789012345678901234,"request":"x"}"#;
        let entry = read_entry(1, text, InputFormat::Payload).unwrap();
        assert_eq!(entry.raw_text.get(), text);
        let hook = HOOK_LINE.replace(r#""frameId":3"#, r#""frameId":3.0"#);
        let entry = read_entry(1, &hook, InputFormat::Raw).unwrap();
        assert!(entry.raw_text.get().ends_with(r#""frameId":3.0}"#));
    }

    #[test]
    fn a_broken_raw_record_is_recognised_for_the_note() {
        let line = HOOK_LINE.replace(r#""v":1"#, r#""v":2"#);
        let entry = read_entry(1, &line, InputFormat::Auto).unwrap();
        assert!(looks_like_capture_record(&entry.record.raw));
        assert!(capture_problem(&line).unwrap().contains("version 2"));
        assert!(!looks_like_capture_record(&json!({"request": "agent.get"})));
    }

    #[test]
    fn lines_are_numbered_from_one_skipping_blank_ones() {
        let input: &[u8] = b"\xEF\xBB\xBF{\"a\":1}\r\n\n   \n\"wwe\"\n\xff\xfe\nlast";
        let mut lines = Lines::new(input);
        let mut seen = Vec::new();
        while let Some((number, text)) = lines.next_line().unwrap() {
            seen.push((number, text.map(str::to_owned)));
        }
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0], (1, Ok("{\"a\":1}".to_owned())));
        assert_eq!(seen[1], (4, Ok("\"wwe\"".to_owned())));
        assert_eq!(seen[2].0, 5);
        assert!(seen[2].1.as_ref().unwrap_err().starts_with("not UTF-8"));
        assert_eq!(seen[3], (6, Ok("last".to_owned())));
    }
}
