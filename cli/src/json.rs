//! `--format json`: one JSON object per decoded line, then one per finding (see `docs/cli.md`).

use crate::input::Entry;
use crate::pair::{lines_of, ExchangeView};
use scapi::findings::Finding;
use scapi::{Decoded, Direction, SourceRelation};
use serde::Serialize;
use serde_json::value::RawValue;
use std::io::{self, Write};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordLine<'a> {
    line: usize,
    kind: &'static str,
    name: String,
    direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frame: Option<FrameLine<'a>>,
    #[serde(flatten)]
    delivery: Option<Delivery<'a>>,
    decoded: &'a Decoded,
    raw: &'a RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    exchange: Option<ExchangeView>,
}

/// The frame that received a raw capture record.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FrameLine<'a> {
    url: &'a str,
    origin: &'a str,
    is_top: bool,
}

/// How a raw capture record was delivered (payload lines have none of it).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Delivery<'a> {
    time: f64,
    wall: f64,
    origin: &'a str,
    source: SourceRelation,
    #[serde(skip_serializing_if = "Option::is_none")]
    child_index: Option<u32>,
    #[serde(skip_serializing_if = "is_zero_u32")]
    ports: u32,
    #[serde(skip_serializing_if = "is_zero_u64")]
    hook_dropped: u64,
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

/// A finding, with the lines of the records it names.
#[derive(Serialize)]
struct FindingLine<'a> {
    finding: FindingWithLines<'a>,
}

#[derive(Serialize)]
struct FindingWithLines<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    lines: Vec<usize>,
}

/// Writes one decoded line as a line of JSON.
pub fn write_record(
    out: &mut impl Write,
    entry: &Entry,
    exchange: Option<ExchangeView>,
) -> io::Result<()> {
    let record = &entry.record;
    let message = &record.decoded.message;
    let line = RecordLine {
        line: entry.line,
        kind: message.kind(),
        name: message.name(),
        direction: message.direction(),
        reference_id: message.reference_id(),
        frame: entry.receiver.as_ref().map(|receiver| FrameLine {
            url: &receiver.frame_url,
            origin: &receiver.frame_origin,
            is_top: receiver.is_top,
        }),
        delivery: entry.receiver.as_ref().map(|receiver| Delivery {
            time: record.time,
            wall: record.wall,
            origin: &record.origin,
            source: record.source,
            child_index: record.child_index,
            ports: record.ports,
            hook_dropped: receiver.hook_dropped,
        }),
        decoded: &record.decoded,
        raw: &entry.raw_text,
        exchange,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// Writes one finding as `{"finding": {…, "lines": […]}}`.
pub fn write_finding(out: &mut impl Write, finding: &Finding) -> io::Result<()> {
    let line = FindingLine {
        finding: FindingWithLines {
            finding,
            lines: lines_of(&finding.records),
        },
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{read_entry, InputFormat};
    use crate::pair::Pairing;
    use serde_json::{json, Value};

    fn written(entry: &Entry, exchange: Option<ExchangeView>) -> Value {
        let mut out = Vec::new();
        write_record(&mut out, entry, exchange).unwrap();
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn a_payload_line_has_no_frame_nor_delivery() {
        let text = r#"{"request":"agent.getState","referenceId":"0","userAgent":"WWE Client","protocolVersion":2}"#;
        let entry = read_entry(3, text, InputFormat::Auto).unwrap();
        let value = written(&entry, None);
        assert_eq!(value["line"], 3);
        assert_eq!(value["kind"], "request");
        assert_eq!(value["name"], "agent.getState");
        assert_eq!(value["direction"], "to-workspace");
        assert_eq!(value["referenceId"], "0");
        assert_eq!(value["decoded"]["typed"]["call"]["call"], "noParameters");
        assert_eq!(value["raw"], serde_json::from_str::<Value>(text).unwrap());
        for absent in ["frame", "time", "wall", "origin", "source", "exchange"] {
            assert!(value.get(absent).is_none(), "{absent} in {value}");
        }
    }

    #[test]
    fn a_raw_record_has_its_frame_and_delivery_and_keeps_key_order() {
        let text =
            json!({"v": 1, "time": 10.5, "wall": 10.0, "frameUrl": "https://app.example/a.html",
            "frameOrigin": "https://app.example", "isTop": false, "origin": "https://wwe.example",
            "source": "parent", "ports": 0, "hookDropped": 2,
            "data": {"userAgent": "WWE Server", "protocolVersion": 2, "frameId": 3}})
            .to_string();
        let entry = read_entry(1, &text, InputFormat::Auto).unwrap();
        let mut out = Vec::new();
        write_record(&mut out, &entry, None).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(r#""raw":{"userAgent":"WWE Server","protocolVersion":2,"frameId":3}"#),
            "{out}"
        );
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value["frame"],
            json!({"url": "https://app.example/a.html", "origin": "https://app.example", "isTop": false})
        );
        assert_eq!(value["kind"], "frame-id");
        assert_eq!(value["time"], 10.5);
        assert_eq!(value["source"], "parent");
        assert_eq!(value["hookDropped"], 2);
        assert!(value.get("ports").is_none());
        assert!(value.get("referenceId").is_none());
    }

    #[test]
    fn findings_carry_their_lines() {
        let text = r#"{"request":"voice.pauseRecording","parameters":["1"],"referenceId":"0","userAgent":"WWE Client","protocolVersion":2}"#;
        let entries = vec![read_entry(5, text, InputFormat::Auto).unwrap()];
        let pairing = Pairing::new(&entries);
        let findings = pairing.findings();
        let mut out = Vec::new();
        write_finding(&mut out, &findings[0]).unwrap();
        let value: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["finding"]["code"], "unknown-request");
        assert_eq!(value["finding"]["lines"], json!([5]));
    }
}
