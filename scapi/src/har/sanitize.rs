//! Sanitizing an export, on by default: secrets and personal data are replaced by masks, the same
//! value by the same mask everywhere in one export (`«email#3»`, `«phone#1»`, `«jwt#1»`,
//! `«value#12»`), so pairing, diffs and "same value" reasoning survive.
//!
//! What is masked:
//! - JWTs: `jwtToken` and any value under a key naming a token, password or secret, and anything
//!   shaped like a JWT (`eyJ….….…`, base64url) in any text;
//! - user data: every value under `userData`, `extensions`, `recordFields`, `keyValues`, in
//!   outbound records (`chainedRecords`, and any object with `GSW_` fields), and in the request
//!   parameters of those names (`interaction.setUserData`, `voice.dial`, transfers, …), except
//!   the keys the caller keeps;
//! - phone numbers: `ani`, `dnis`, `destination`, any key naming a phone, party names that are
//!   numbers, and phone-shaped numbers (7 to 15 digits) in any text;
//! - e-mail addresses in any text.
//!
//! Never masked: keys, identifiers (referenceId, request names, event types, interaction, case,
//! frame, subscription and toast ids), numbers and booleans outside user data and phone fields,
//! `null` and empty strings, and what a placeholder says about a value JSON cannot carry (its type
//! name and sizes: `{"__unserializable":"Cycle"}` stays as it is; see `docs/formats.md`). A mask in the input is kept as it is, so sanitizing twice changes
//! nothing.
//!
//! The caller masks the message data ([`Sanitizer::record`]) and decodes it again: the typed
//! record is derived from the masked data, never patched.

use crate::findings::Finding;
use crate::har::CaptureMeta;
use crate::message::decode;
use crate::record::{FrameInfo, Record};
use crate::requests::spec;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// How an export was sanitized, as `_scapiCapture.sanitized` records it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Sanitized {
    /// User-data keys whose values were kept.
    pub kept_keys: Vec<String>,
}

/// Values of these keys identify things and are never masked.
const IDENTIFIERS: &[&str] = &[
    "referenceId",
    "request",
    "event",
    "eventType",
    "interactionId",
    "parentInteractionId",
    "consultInteractionId",
    "frameId",
    "subscriptionId",
    "userAgent",
    "protocolVersion",
    "caseId",
    "previousCaseId",
    "selectedCaseId",
    "callUuid",
    "customToastId",
    "toastId",
    "dialogId",
];

/// Objects of key/value pairs attached to interactions or records: every value is masked.
const KEY_VALUE_KEYS: &[&str] = &["userData", "extensions", "recordFields", "keyValues"];

/// Lists of outbound records (calling-list rows), masked like user data.
const RECORD_LIST_KEYS: &[&str] = &["chainedRecords"];

/// Keys whose whole value is a phone number or an address.
const PHONE_KEYS: &[&str] = &["ani", "dnis", "destination", "msisdn"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MaskKind {
    Email,
    Phone,
    Jwt,
    Value,
}

impl MaskKind {
    const ALL: [MaskKind; 4] = [
        MaskKind::Email,
        MaskKind::Phone,
        MaskKind::Jwt,
        MaskKind::Value,
    ];

    fn label(self) -> &'static str {
        match self {
            MaskKind::Email => "email",
            MaskKind::Phone => "phone",
            MaskKind::Jwt => "jwt",
            MaskKind::Value => "value",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Masks one export. Keep one `Sanitizer` for the whole export: it remembers which mask each
/// value got.
#[derive(Debug, Default)]
pub struct Sanitizer {
    keep: BTreeSet<String>,
    /// Original text → its mask.
    masks: HashMap<String, String>,
    /// The last number given out per kind.
    counters: [u64; 4],
}

impl Sanitizer {
    /// A sanitizer that keeps the values of the user-data keys in `keep_keys`.
    pub fn new(keep_keys: impl IntoIterator<Item = String>) -> Sanitizer {
        Sanitizer {
            keep: keep_keys.into_iter().collect(),
            ..Sanitizer::default()
        }
    }

    /// What to write in `_scapiCapture.sanitized`.
    pub fn summary(&self) -> Sanitized {
        Sanitized {
            kept_keys: self.keep.iter().cloned().collect(),
        }
    }

    /// The record with its data masked and decoded again from the masked data.
    pub fn record(&mut self, record: &Record) -> Record {
        let raw = self.message(&record.raw);
        Record {
            seq: record.seq,
            time: record.time,
            wall: record.wall,
            origin: record.origin.clone(),
            source: record.source,
            child_index: record.child_index,
            ports: record.ports,
            decoded: decode(&raw),
            raw,
        }
    }

    /// One message's data, masked.
    pub fn message(&mut self, data: &Value) -> Value {
        let Value::Object(object) = data else {
            return self.free(data);
        };
        let request = object.get("request").and_then(Value::as_str);
        let masked = object
            .iter()
            .map(|(key, value)| {
                let value = match (key.as_str(), request) {
                    ("parameters", Some(request)) => self.parameters(request, value),
                    _ => self.field(key, value),
                };
                (key.clone(), value)
            })
            .collect();
        Value::Object(masked)
    }

    /// A frame with personal data in its URL (and its key, which may be the URL) masked.
    pub fn frame(&mut self, frame: &FrameInfo) -> FrameInfo {
        FrameInfo {
            key: self.text(&frame.key).into(),
            url: self.text(&frame.url),
            ..frame.clone()
        }
    }

    /// The capture's facts with personal data masked in the page's URL and title; the pasted
    /// options are kept verbatim (origins and key names, not personal data).
    pub fn meta(&mut self, meta: &CaptureMeta) -> CaptureMeta {
        CaptureMeta {
            page_url: self.text(&meta.page_url),
            page_title: self.text(&meta.page_title),
            dropped: meta
                .dropped
                .iter()
                .map(|(frame, count)| (self.text(frame), *count))
                .collect(),
            ..meta.clone()
        }
    }

    /// Findings as the masked records would show them: texts scrubbed, and strings quoted from
    /// the data (`the string "…"`) masked as values.
    pub fn findings(&mut self, findings: &[Finding]) -> Vec<Finding> {
        findings
            .iter()
            .map(|finding| Finding {
                title: self.finding_text(&finding.title),
                problem: self.finding_text(&finding.problem),
                advice: self.finding_text(&finding.advice),
                records: finding
                    .records
                    .iter()
                    .map(|reference| crate::correlate::RecordRef {
                        frame: self.text(&reference.frame).into(),
                        seq: reference.seq,
                    })
                    .collect(),
                ..finding.clone()
            })
            .collect()
    }

    /// Free text with every JWT, e-mail address and phone number in it masked.
    pub fn text(&mut self, text: &str) -> String {
        if self.known_mask(text) {
            return text.to_owned();
        }
        let spans = sensitive_spans(text);
        if spans.is_empty() {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end, kind) in spans {
            out.push_str(&text[at..start]);
            out.push_str(&self.mask(&text[start..end], kind));
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    fn finding_text(&mut self, text: &str) -> String {
        const QUOTED: &str = "the string ";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(QUOTED) {
            let (before, after) = rest.split_at(at + QUOTED.len());
            out.push_str(&self.text(before));
            // The quoted JSON string that follows (possibly cut, with "…" after it).
            let mut literal = serde_json::Deserializer::from_str(after).into_iter::<String>();
            match literal.next() {
                Some(Ok(quoted)) => {
                    let masked = self.whole_text(&quoted, MaskKind::Value);
                    out.push_str(&Value::String(masked).to_string());
                    rest = &after[literal.byte_offset()..];
                }
                _ => rest = after,
            }
        }
        out.push_str(&self.text(rest));
        out
    }

    fn parameters(&mut self, request: &str, parameters: &Value) -> Value {
        let (Value::Array(values), Some(spec)) = (parameters, spec(request)) else {
            return self.free(parameters);
        };
        let masked = values
            .iter()
            .enumerate()
            .map(
                |(index, value)| match spec.parameters.get(index).map(|p| p.name) {
                    Some("targetQuery") if value.is_string() => self.whole(value, MaskKind::Phone),
                    // Key names (`deleteUserData`'s key) are never masked.
                    Some("key") => value.clone(),
                    Some(name) => self.field(name, value),
                    None => self.free(value),
                },
            )
            .collect();
        Value::Array(masked)
    }

    /// A value under `key` in message data.
    fn field(&mut self, key: &str, value: &Value) -> Value {
        let lower = key.to_ascii_lowercase();
        if IDENTIFIERS.contains(&key) {
            value.clone()
        } else if KEY_VALUE_KEYS.contains(&key) {
            self.key_values(value)
        } else if RECORD_LIST_KEYS.contains(&key) {
            match value {
                Value::Array(records) => {
                    Value::Array(records.iter().map(|r| self.key_values(r)).collect())
                }
                other => self.key_values(other),
            }
        } else if PHONE_KEYS.contains(&key) || lower.contains("phone") {
            self.whole(value, MaskKind::Phone)
        } else if ["token", "password", "secret", "authorization"]
            .iter()
            .any(|word| lower.contains(word))
        {
            self.whole(value, MaskKind::Value)
        } else if key == "parties" {
            match value {
                Value::Array(parties) => {
                    Value::Array(parties.iter().map(|party| self.party(party)).collect())
                }
                other => self.free(other),
            }
        } else {
            self.free(value)
        }
    }

    /// A party of an interaction: its name is a phone number when it looks like one.
    fn party(&mut self, party: &Value) -> Value {
        let Value::Object(fields) = party else {
            return self.free(party);
        };
        let masked = fields
            .iter()
            .map(|(key, value)| {
                let value = match value {
                    Value::String(name) if key == "name" && looks_like_phone(name, 3) => {
                        self.whole(value, MaskKind::Phone)
                    }
                    _ => self.field(key, value),
                };
                (key.clone(), value)
            })
            .collect();
        Value::Object(masked)
    }

    /// Data with no known meaning: texts scrubbed, outbound records masked, keys looked at.
    fn free(&mut self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.text(text)),
            Value::Array(items) => Value::Array(items.iter().map(|item| self.free(item)).collect()),
            Value::Object(object) if is_outbound_record(object) => self.key_values(value),
            Value::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| (key.clone(), self.field(key, value)))
                    .collect(),
            ),
            Value::Null | Value::Bool(_) | Value::Number(_) => value.clone(),
        }
    }

    /// Key/value pairs: every value masked, but those of kept keys.
    fn key_values(&mut self, value: &Value) -> Value {
        self.whole(value, MaskKind::Value)
    }

    /// Every string and number in `value` masked whole (as `default` unless it looks like a JWT,
    /// an e-mail address or a phone number); object keys stay, and so do the values of kept keys.
    fn whole(&mut self, value: &Value, default: MaskKind) -> Value {
        match value {
            Value::String(text) => Value::String(self.whole_text(text, default)),
            Value::Number(number) => Value::String(self.whole_text(&number.to_string(), default)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.whole(item, default)).collect())
            }
            Value::Object(object) => {
                let placeholder = placeholder_type(object);
                let masked: Map<String, Value> = object
                    .iter()
                    .map(|(key, value)| {
                        let value = if self.keep.contains(key)
                            || placeholder.is_some_and(|kind| describes(kind, key, value))
                        {
                            value.clone()
                        } else {
                            self.whole(value, default)
                        };
                        (key.clone(), value)
                    })
                    .collect();
                Value::Object(masked)
            }
            Value::Null | Value::Bool(_) => value.clone(),
        }
    }

    fn whole_text(&mut self, text: &str, default: MaskKind) -> String {
        if text.is_empty() || self.known_mask(text) {
            return text.to_owned();
        }
        let kind = if is_jwt(text) {
            MaskKind::Jwt
        } else if email_end(text.as_bytes(), 0) == Some(text.len()) {
            MaskKind::Email
        } else if looks_like_phone(text, 3) {
            MaskKind::Phone
        } else {
            default
        };
        self.mask(text, kind)
    }

    fn mask(&mut self, original: &str, kind: MaskKind) -> String {
        if let Some(mask) = self.masks.get(original) {
            return mask.clone();
        }
        let counter = &mut self.counters[kind.slot()];
        *counter += 1;
        let mask = format!("«{}#{}»", kind.label(), counter);
        self.masks.insert(original.to_owned(), mask.clone());
        mask
    }

    /// Whether `text` is a mask already (from an earlier sanitizing); new masks of its kind then
    /// number after it.
    fn known_mask(&mut self, text: &str) -> bool {
        let Some(inner) = text
            .strip_prefix('«')
            .and_then(|rest| rest.strip_suffix('»'))
        else {
            return false;
        };
        let Some((label, number)) = inner.split_once('#') else {
            return false;
        };
        let Some(kind) = MaskKind::ALL.into_iter().find(|kind| kind.label() == label) else {
            return false;
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let number: u64 = number.parse().unwrap_or(u64::MAX);
        let counter = &mut self.counters[kind.slot()];
        *counter = (*counter).max(number);
        true
    }
}

/// The type a placeholder names (`{"__unserializable":"Date","value":…}`, see `docs/formats.md`):
/// the page hook's description of a value JSON cannot carry. `None` for any other object. Only a
/// name shaped like a JavaScript type name counts (a page could send such a key itself).
fn placeholder_type(object: &Map<String, Value>) -> Option<&str> {
    let name = object.get(PLACEHOLDER_KEY)?.as_str()?;
    let mut chars = name.chars();
    let first = chars.next()?;
    let shaped = (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    shaped.then_some(name)
}

/// The key a placeholder names its type under.
const PLACEHOLDER_KEY: &str = "__unserializable";

/// Whether the field `key` of a placeholder of type `kind` only describes the value (its type,
/// sizes, a blob's MIME type, why it was cut), so it holds no user data and stays readable in a sanitized export.
/// What the value held (a date, a string's head, a map's entries, an error's message, a file's
/// name) is masked like any user data.
fn describes(kind: &str, key: &str, value: &Value) -> bool {
    match key {
        PLACEHOLDER_KEY => true,
        "size" | "length" | "byteLength" => value.is_number(),
        "reason" => kind == "Truncated",
        "type" => matches!(kind, "Blob" | "File") && value.is_string(), // a MIME type
        // NaN, Infinity and -Infinity say which number JSON could not carry, not what it was.
        "value" => {
            kind == "Number" && matches!(value.as_str(), Some("NaN" | "Infinity" | "-Infinity"))
        }
        _ => false,
    }
}

/// An object with calling-list fields (`GSW_PHONE`, `GSW_RECORD_HANDLE`, …): an outbound record.
fn is_outbound_record(object: &Map<String, Value>) -> bool {
    object
        .keys()
        .any(|key| key.starts_with("GSW_") || key.starts_with("GSW "))
}

/// The byte ranges of `text` that are a JWT, an e-mail address or a phone number, in order and
/// without overlap.
fn sensitive_spans(text: &str) -> Vec<(usize, usize, MaskKind)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut covered = vec![false; bytes.len()];
    fn claim(
        spans: &mut Vec<(usize, usize, MaskKind)>,
        covered: &mut [bool],
        (start, end): (usize, usize),
        kind: MaskKind,
    ) {
        for flag in &mut covered[start..end] {
            *flag = true;
        }
        spans.push((start, end, kind));
    }

    // JWTs: runs of base64url characters and dots.
    let mut at = 0;
    while at < bytes.len() {
        if !is_token_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_token_byte(bytes[at]) {
            at += 1;
        }
        let run = &text[start..at];
        let token = run.trim_end_matches('.');
        if is_jwt(run) {
            claim(&mut spans, &mut covered, (start, at), MaskKind::Jwt);
        } else if is_jwt(token) {
            claim(
                &mut spans,
                &mut covered,
                (start, start + token.len()),
                MaskKind::Jwt,
            );
        }
    }

    // E-mail addresses, around each `@`.
    let covered_now = spans.clone();
    let inside = |position: usize| {
        covered_now
            .iter()
            .any(|&(s, e, _)| s <= position && position < e)
    };
    for (position, _) in text.match_indices('@') {
        if inside(position) {
            continue;
        }
        let mut start = position;
        while start > 0 && is_local_byte(bytes[start - 1]) && !inside(start - 1) {
            start -= 1;
        }
        while start < position && bytes[start] == b'.' {
            start += 1;
        }
        if let Some(end) = email_end(bytes, start) {
            if spans.iter().all(|&(s, e, _)| end <= s || e <= start) {
                claim(&mut spans, &mut covered, (start, end), MaskKind::Email);
            }
        }
    }

    // Phone numbers: runs of digits and separators, standing alone.
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let starts = (byte.is_ascii_digit() || byte == b'+' || byte == b'(')
            && !covered[at]
            // After `#` it is the number of a mask (`«value#1234567»`).
            && (at == 0 || !(is_word_byte(bytes[at - 1]) || bytes[at - 1] == b'#'))
            && !inside_hyphenated_word(bytes, at);
        if !starts {
            at += 1;
            continue;
        }
        let start = at;
        let mut end = at + 1;
        while end < bytes.len() && !covered[end] && is_phone_byte(bytes[end]) {
            end += 1;
        }
        let last_digit = (start..end).rev().find(|&i| bytes[i].is_ascii_digit());
        let Some(last_digit) = last_digit else {
            at = end;
            continue;
        };
        let number_end = last_digit + 1;
        let stands_alone = number_end == bytes.len()
            || (!is_word_byte(bytes[number_end]) && !inside_hyphenated_word(bytes, number_end));
        if stands_alone && looks_like_phone(&text[start..number_end], 7) {
            claim(
                &mut spans,
                &mut covered,
                (start, number_end),
                MaskKind::Phone,
            );
        }
        at = end;
    }
    spans.sort_unstable_by_key(|&(start, _, _)| start);
    spans
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// A `-` that joins `at` to a word (a UUID, `ab-12`): a number there is part of that word.
fn inside_hyphenated_word(bytes: &[u8], at: usize) -> bool {
    let joined_before = at >= 2 && bytes[at - 1] == b'-' && is_word_byte(bytes[at - 2]);
    let joined_after =
        bytes.get(at) == Some(&b'-') && bytes.get(at + 1).is_some_and(|&b| is_word_byte(b));
    joined_before || joined_after
}

fn is_phone_byte(byte: u8) -> bool {
    byte.is_ascii_digit() || matches!(byte, b' ' | b'-' | b'.' | b'(' | b')')
}

fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')
}

fn is_local_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// A JWT: three base64url parts joined by dots (the last may be empty), the first a JSON header
/// (`eyJ`, base64 of `{"`).
fn is_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    let base64url = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[0].len() >= 4
        && parts[1].len() >= 2
        && parts.iter().all(|part| base64url(part))
}

/// Where the e-mail address starting at `start` ends: `local@domain.tld`, the top-level domain
/// of two letters or more.
fn email_end(bytes: &[u8], start: usize) -> Option<usize> {
    let at = start + bytes[start..].iter().position(|&b| b == b'@')?;
    if at == start || !bytes[start..at].iter().all(|&b| is_local_byte(b)) {
        return None;
    }
    let mut end = at + 1;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'-'))
    {
        end += 1;
    }
    while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = std::str::from_utf8(&bytes[at + 1..end]).ok()?;
    let labels: Vec<&str> = domain.split('.').collect();
    let top = labels.last()?;
    let valid = labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty())
        && top.len() >= 2
        && top.bytes().all(|b| b.is_ascii_alphabetic());
    valid.then_some(end)
}

/// Whether the whole of `text` reads as a phone number of at least `min_digits` digits: digits
/// with spaces, dashes, dots or parentheses, an optional leading `+`; not a date, a decimal, a
/// version or an IPv4 address.
fn looks_like_phone(text: &str, min_digits: usize) -> bool {
    let text = text.trim();
    let body = text.strip_prefix('+').unwrap_or(text);
    if body.is_empty() || !body.bytes().all(is_phone_byte) {
        return false;
    }
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    if !(min_digits..=15).contains(&digits) {
        return false;
    }
    let bytes = body.as_bytes();
    let is_date = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit);
    if is_date {
        return false;
    }
    let only_dots =
        body.contains('.') && !body.bytes().any(|b| matches!(b, b' ' | b'-' | b'(' | b')'));
    if only_dots && !text.starts_with('+') {
        let groups: Vec<&str> = body.split('.').collect();
        let ipv4 = groups.len() == 4 && groups.iter().all(|g| (1..=3).contains(&g.len()));
        if groups.len() < 3 || ipv4 {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JWT: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZ2VudDEifQ.c2lnbmF0dXJlLXNlY3JldA";

    fn masked(text: &str) -> String {
        Sanitizer::default().text(text)
    }

    #[test]
    fn free_text_loses_its_jwts_emails_and_phone_numbers() {
        let text = format!("Bearer {JWT}. Call +33 6 47 00 50 05 or mail jane.doe@example.com.");
        assert_eq!(
            masked(&text),
            "Bearer «jwt#1». Call «phone#1» or mail «email#1»."
        );
    }

    #[test]
    fn dates_ids_decimals_and_short_numbers_are_not_phone_numbers() {
        for text in [
            "2021-03-17 14:42:39",
            "2020-04-14T13:26:51.846Z",
            "4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b",
            "a26f59d2-2979-43c5-5c1d-b0757f9ab077",
            "003DC7H6HG84DBRT1KMIF1TAES000031",
            "Outbound Campaign Custom@Agent Group Outbound",
            "interaction.setUserData",
            "16.64 and 1234567.89",
            "192.168.100.200",
            "extension 5001",
            "wweCustomToast0",
        ] {
            assert_eq!(masked(text), text);
        }
        assert_eq!(masked("06.12.34.56.78"), "«phone#1»");
        assert_eq!(masked("tel: (555) 123-4567!"), "tel: «phone#1»!");
    }

    #[test]
    fn the_same_value_gets_the_same_mask_everywhere() {
        let mut sanitizer = Sanitizer::default();
        let first = sanitizer.message(&json!({"event": "interaction", "data": {
            "eventType": "ADDED", "interaction": {"interactionId": "1", "ani": "+33647005",
            "userData": {"Email": "a@b.example", "Phone": "+33647005"}}}}));
        let second = sanitizer.text("call back +33647005 or a@b.example");
        let interaction = &first["data"]["interaction"];
        assert_eq!(interaction["ani"], "«phone#1»");
        assert_eq!(interaction["userData"]["Phone"], "«phone#1»");
        assert_eq!(interaction["userData"]["Email"], "«email#1»");
        assert_eq!(second, "call back «phone#1» or «email#1»");
        assert_eq!(interaction["interactionId"], "1");
    }

    #[test]
    fn user_data_values_are_masked_but_kept_keys_and_all_keys_stay() {
        let mut sanitizer = Sanitizer::new(["DispositionCode.Key".to_owned()]);
        let data = json!({"request": "interaction.setUserData", "referenceId": "7",
            "parameters": ["1", {"MyKEY1": "MyValue1", "Amount": 12.5, "VIP": true, "Empty": "",
                                 "DispositionCode.Key": "ChooseDisposition",
                                 "Nested": {"Inner": "deep secret"}}],
            "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3});
        let out = sanitizer.message(&data);
        assert_eq!(
            out,
            json!({"request": "interaction.setUserData", "referenceId": "7",
            "parameters": ["1", {"MyKEY1": "«value#1»", "Amount": "«value#2»", "VIP": true,
                                 "Empty": "", "DispositionCode.Key": "ChooseDisposition",
                                 "Nested": {"Inner": "«value#3»"}}],
            "userAgent": "WWE Client", "protocolVersion": 2, "frameId": 3})
        );
        assert_eq!(sanitizer.summary().kept_keys, ["DispositionCode.Key"]);
    }

    #[test]
    fn placeholders_under_user_data_keep_their_type_and_sizes_but_not_what_they_held() {
        let mut sanitizer = Sanitizer::default();
        let data = json!({"request": "interaction.setUserData", "referenceId": "8",
            "parameters": ["1", {
                "Loop": {"__unserializable": "Cycle"},
                "Missing": {"__unserializable": "undefined"},
                "Ratio": {"__unserializable": "Number", "value": "NaN"},
                "Boxed": {"__unserializable": "Number", "value": 42},
                "When": {"__unserializable": "Date", "value": "2020-04-14T13:26:51.846Z"},
                "Tags": {"__unserializable": "Map", "size": 1, "entries": [["k", "secret"]]},
                "Bytes": {"__unserializable": "Uint8Array", "length": 16, "byteLength": 16},
                "Doc": {"__unserializable": "File", "name": "cv.pdf", "size": 3, "type": "x"},
                "Cut": {"__unserializable": "Truncated", "reason": "too many values"},
                "Long": {"__unserializable": "LongString", "length": 2000000, "head": "abc"},
                "Forged": {"__unserializable": "Jane Doe <jane@doe.example>"}}],
            "userAgent": "WWE Client", "protocolVersion": 2});
        let out = sanitizer.message(&data);
        let user_data = &out["parameters"][1];
        assert_eq!(user_data["Loop"], json!({"__unserializable": "Cycle"}));
        assert_eq!(
            user_data["Missing"],
            json!({"__unserializable": "undefined"})
        );
        assert_eq!(
            user_data["Ratio"],
            json!({"__unserializable": "Number", "value": "NaN"})
        );
        assert_eq!(
            user_data["Boxed"],
            json!({"__unserializable": "Number", "value": "«value#1»"})
        );
        assert_eq!(user_data["When"]["__unserializable"], "Date");
        assert_eq!(user_data["When"]["value"], "«value#2»");
        assert_eq!(
            user_data["Tags"],
            json!({"__unserializable": "Map", "size": 1, "entries": [["«value#3»", "«value#4»"]]})
        );
        assert_eq!(
            user_data["Bytes"],
            json!({"__unserializable": "Uint8Array", "length": 16, "byteLength": 16})
        );
        assert_eq!(user_data["Doc"]["name"], "«value#5»");
        assert_eq!(user_data["Doc"]["size"], 3);
        assert_eq!(user_data["Doc"]["type"], "x");
        assert_eq!(user_data["Cut"], data["parameters"][1]["Cut"]);
        assert_eq!(user_data["Long"]["length"], 2000000);
        assert_eq!(user_data["Long"]["head"], "«value#6»");
        // Not a type name: whatever a page put under that key itself is masked.
        assert_eq!(user_data["Forged"]["__unserializable"], "«value#7»");
        // Sanitizing again changes nothing.
        assert_eq!(Sanitizer::default().message(&out), out);
    }

    #[test]
    fn dial_destinations_transfer_targets_and_party_numbers_are_phone_numbers() {
        let mut sanitizer = Sanitizer::default();
        let dial = sanitizer.message(&json!({"request": "voice.dial", "referenceId": "3",
            "parameters": ["5001", {"Case": "x"}], "userAgent": "WWE Client", "protocolVersion": 2}));
        assert_eq!(
            dial["parameters"],
            json!(["«phone#1»", {"Case": "«value#1»"}])
        );
        let transfer = sanitizer.message(&json!({"request": "interaction.singleStepTransfer",
            "referenceId": "4", "parameters": ["1", {"target": "AGENT", "destination": "5001"},
            {"Note": "x"}, null], "userAgent": "WWE Client", "protocolVersion": 2}));
        assert_eq!(
            transfer["parameters"],
            json!(["1", {"target": "AGENT", "destination": "«phone#1»"}, {"Note": "«value#1»"}, null])
        );
        let parties = sanitizer.message(&json!({"parties": [{"name": "5001"}, {"name": "Jane"}]}));
        assert_eq!(
            parties["parties"],
            json!([{"name": "«phone#1»"}, {"name": "Jane"}])
        );
    }

    #[test]
    fn tokens_and_outbound_records_are_masked() {
        let mut sanitizer = Sanitizer::default();
        let answer = sanitizer.message(&json!({"referenceId": "5", "data": {
            "expiration": "2020-04-14T13:26:51.846Z", "jwtToken": JWT}}));
        assert_eq!(answer["data"]["jwtToken"], "«jwt#1»");
        assert_eq!(answer["data"]["expiration"], "2020-04-14T13:26:51.846Z");
        let record = sanitizer.message(&json!({"referenceId": "6", "data": {
            "GSW_PHONE": "+33647005", "GSW_RECORD_HANDLE": 283, "GSW_CALLING_LIST": "Calling List Custom"}}));
        assert_eq!(
            record["data"],
            json!({"GSW_PHONE": "«phone#1»", "GSW_RECORD_HANDLE": "«phone#2»",
                   "GSW_CALLING_LIST": "«value#1»"})
        );
    }

    #[test]
    fn sanitizing_twice_changes_nothing_and_numbers_new_masks_after_old_ones() {
        let mut first = Sanitizer::default();
        let once = first.message(&json!({"userData": {"A": "x", "B": "y"}, "ani": "+331234567"}));
        let mut second = Sanitizer::default();
        assert_eq!(second.message(&once), once);
        assert_eq!(second.text("z@z.example"), "«email#1»");
        assert_eq!(second.whole_text("new", MaskKind::Value), "«value#3»");
    }

    #[test]
    fn the_record_is_decoded_from_the_masked_data() {
        let raw = json!({"referenceId": "1", "errorMessage": "no agent jane@x.example",
            "userAgent": "WWE Server", "protocolVersion": 2});
        let record = Record {
            seq: 4,
            time: 1.5,
            wall: 1.0,
            origin: "https://wwe.example".into(),
            source: crate::SourceRelation::Parent,
            child_index: None,
            ports: 0,
            decoded: decode(&raw),
            raw,
        };
        let clean = Sanitizer::default().record(&record);
        assert_eq!(clean.raw["errorMessage"], "no agent «email#1»");
        assert_eq!(clean.decoded, decode(&clean.raw));
        assert_eq!(
            (clean.seq, clean.time, clean.origin.as_str()),
            (4, 1.5, "https://wwe.example")
        );
    }

    #[test]
    fn findings_lose_quoted_values_and_free_text_secrets() {
        let finding = Finding {
            code: crate::findings::FindingCode::BadParameters,
            severity: crate::findings::Severity::Error,
            title: "Wrong parameters for `interaction.setUserData`".into(),
            records: vec![crate::correlate::RecordRef {
                frame: "https://app.example/?user=jane@x.example".into(),
                seq: 1,
            }],
            problem: "parameter 2 `userData` should be an object, got the string \"my secret\""
                .into(),
            advice: "Call +33 6 47 00 50 05.".into(),
        };
        let mut sanitizer = Sanitizer::default();
        sanitizer.whole_text("my secret", MaskKind::Value);
        let clean = &sanitizer.findings(&[finding])[0];
        assert_eq!(
            clean.problem,
            "parameter 2 `userData` should be an object, got the string \"«value#1»\""
        );
        assert_eq!(clean.advice, "Call «phone#1».");
        assert_eq!(
            &*clean.records[0].frame,
            "https://app.example/?user=«email#1»"
        );
    }
}
