//! The filter bar, in the style of Chrome's Network panel: `key:value` terms, `-` to negate, free
//! text, all combined; quick toggles by category; one frame or all. Pure: the list hands each
//! record's context in.

use crate::store::{Entry, Store, NONE};
use crate::view::frame_label;
use scapi::facts::Kind;

/// What a `key:` term looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `ns:voice`: the request's namespace (an answer counts as its request's).
    Namespace,
    /// `method:setUserData`: the request's method.
    Method,
    /// `event:interaction`: an event's topic.
    Event,
    /// `type:ATTACHED_DATA_CHANGED`: an event's eventType.
    Type,
    /// `frame:app.html`: the receiving frame's URL, label or origin, or its frameId.
    Frame,
    /// `interaction:1`: an interaction id the message names.
    Interaction,
    /// `status:failed`: the exchange's state (`pending`, `answered`, `failed`, `timed-out`, `late`,
    /// `orphan`; `error` for any of failed, timed-out, late, orphan).
    Status,
    /// `kind:event`: the message kind.
    Kind,
    /// `origin:localhost`: the sender's origin.
    Origin,
    /// `verdict:origin-refused`: the Workspace policy's verdict.
    Verdict,
    /// `ref:7`: the referenceId.
    Reference,
}

impl Field {
    fn parse(key: &str) -> Option<Field> {
        Some(match key.to_ascii_lowercase().as_str() {
            "ns" | "namespace" => Field::Namespace,
            "method" => Field::Method,
            "event" | "topic" => Field::Event,
            "type" | "eventtype" => Field::Type,
            "frame" => Field::Frame,
            "interaction" => Field::Interaction,
            "status" | "state" => Field::Status,
            "kind" | "is" => Field::Kind,
            "origin" => Field::Origin,
            "verdict" | "policy" => Field::Verdict,
            "ref" | "referenceid" => Field::Reference,
            _ => return None,
        })
    }

    /// The keys the filter bar understands, for its help text.
    pub const KEYS: &'static str =
        "ns: method: event: type: frame: interaction: status: kind: origin: verdict: ref:";
}

/// One term of the filter text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    /// `None` for free text.
    pub field: Option<Field>,
    /// Lower case.
    pub value: String,
}

/// The quick toggles. None selected = every record; several = any of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Categories {
    /// Requests, (un)subscribes and their answers.
    pub requests: bool,
    /// Events and frameId assignments.
    pub events: bool,
    /// Failed, unanswered, late or orphan exchanges, malformed messages, policy refusals.
    pub errors: bool,
    /// Foreign and legacy traffic.
    pub foreign: bool,
}

impl Categories {
    pub fn any(&self) -> bool {
        self.requests || self.events || self.errors || self.foreign
    }
}

/// The whole filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub terms: Vec<Term>,
    pub categories: Categories,
    /// Only the frames at this URL (frame keys change on every reload; URLs do not).
    pub frame_url: Option<String>,
}

/// Splits the text into terms: spaces separate them, double quotes keep spaces in one.
pub fn parse_terms(text: &str) -> Vec<Term> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .into_iter()
        .filter_map(|word| {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_owned()),
                _ => (false, word),
            };
            let (field, value) = match word.split_once(':') {
                Some((key, value)) => match Field::parse(key) {
                    Some(field) => (Some(field), value.to_owned()),
                    // An unknown key is text, as in Chrome (`messenger:chat` is an event name).
                    None => (None, word.clone()),
                },
                None => (None, word),
            };
            (!value.is_empty()).then(|| Term {
                negated,
                field,
                value: value.to_lowercase(),
            })
        })
        .collect()
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && !self.categories.any() && self.frame_url.is_none()
    }

    /// The filter made ready for the store's records: each term that looks at a shared string
    /// (a name, an origin, a topic, a frame) becomes a table by string id, so that testing a
    /// record compares numbers; only free text and ids read the record's own text.
    pub fn compile(&self, store: &Store, frame_ids: &[Option<String>]) -> Compiled {
        let strings = store.strings();
        let frames: Vec<FrameText> = store
            .frames()
            .iter()
            .map(|f| {
                (
                    f.info.url.clone(),
                    frame_label(&f.info.url),
                    f.info.origin.clone(),
                )
            })
            .collect();
        let frames_where = |test: &dyn Fn(usize, &FrameText) -> bool| -> Vec<bool> {
            frames
                .iter()
                .enumerate()
                .map(|(index, frame)| test(index, frame))
                .collect()
        };
        let terms = self
            .terms
            .iter()
            .map(|term| {
                let value = term.value.clone();
                let test = match term.field {
                    None => Test::Text {
                        names: strings.names.mark(|name| contains(name, &value)),
                        needle: value,
                    },
                    Some(Field::Namespace) => Test::RequestNames(strings.names.mark(|name| {
                        name.split_once('.')
                            .is_some_and(|(namespace, _)| namespace.eq_ignore_ascii_case(&value))
                    })),
                    Some(Field::Method) => Test::RequestNames(strings.names.mark(|name| {
                        name.split_once('.')
                            .is_some_and(|(_, method)| contains(method, &value))
                    })),
                    Some(Field::Event) => {
                        Test::Topics(strings.topics.mark(|topic| contains(topic, &value)))
                    }
                    Some(Field::Type) => Test::Types(
                        strings
                            .event_types
                            .mark(|event_type| contains(event_type, &value)),
                    ),
                    Some(Field::Frame) => {
                        Test::Frames(frames_where(&|index, (url, label, origin)| {
                            contains(url, &value)
                                || contains(label, &value)
                                || contains(origin, &value)
                                || frame_ids.get(index).and_then(Option::as_deref)
                                    == Some(value.as_str())
                        }))
                    }
                    Some(Field::Interaction) => Test::Interaction(value),
                    Some(Field::Status) => Test::Status(value),
                    Some(Field::Kind) => Test::Kind(value),
                    Some(Field::Origin) => {
                        Test::Origins(strings.origins.mark(|origin| contains(origin, &value)))
                    }
                    Some(Field::Verdict) => Test::Verdict(value),
                    Some(Field::Reference) => Test::Reference(value),
                };
                (term.negated, test)
            })
            .collect();
        Compiled {
            terms,
            categories: self.categories,
            frames: self
                .frame_url
                .as_ref()
                .map(|wanted| frames_where(&|_, (url, _, _)| url == wanted)),
            empty: self.is_empty(),
        }
    }
}

/// A frame as the filter reads it: URL, label, origin.
type FrameText = (String, String, String);

/// One term, ready to test records.
#[derive(Debug)]
enum Test {
    /// Free text: the record's name or its request's name (by id), or its data.
    Text {
        names: Vec<bool>,
        needle: String,
    },
    /// The request's name (an answer's request's), by id.
    RequestNames(Vec<bool>),
    Topics(Vec<bool>),
    Types(Vec<bool>),
    /// By frame index.
    Frames(Vec<bool>),
    Interaction(String),
    Status(String),
    Kind(String),
    Origins(Vec<bool>),
    Verdict(String),
    Reference(String),
}

/// A filter made ready for one store.
#[derive(Debug)]
pub struct Compiled {
    terms: Vec<(bool, Test)>,
    categories: Categories,
    frames: Option<Vec<bool>>,
    empty: bool,
}

/// What pairing and the policy say of a record; asked only when a term needs it.
pub struct Judged<'a> {
    /// The name id of the request a record is or answers.
    pub request_name: &'a dyn Fn() -> Option<u32>,
    pub status: &'a dyn Fn() -> Option<&'static str>,
    pub verdict: &'a dyn Fn() -> Option<&'static str>,
}

fn marked(table: &[bool], id: u32) -> bool {
    id != NONE && table.get(id as usize).copied().unwrap_or(false)
}

impl Compiled {
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    pub fn matches(&self, entry: &Entry, judged: &Judged) -> bool {
        if let Some(frames) = &self.frames {
            if !frames.get(entry.frame as usize).copied().unwrap_or(false) {
                return false;
            }
        }
        if self.categories.any() && !in_categories(&self.categories, entry.kind, judged) {
            return false;
        }
        self.terms
            .iter()
            .all(|(negated, test)| test_matches(test, entry, judged) != *negated)
    }
}

fn in_categories(categories: &Categories, kind: Kind, judged: &Judged) -> bool {
    (categories.requests && (kind.is_call() || kind == Kind::Response))
        || (categories.events && matches!(kind, Kind::Event | Kind::FrameId))
        || (categories.foreign && matches!(kind, Kind::Foreign | Kind::Legacy))
        || (categories.errors && is_error(kind, judged))
}

fn is_error(kind: Kind, judged: &Judged) -> bool {
    kind == Kind::Malformed
        || matches!(
            (judged.status)(),
            Some("failed" | "timed-out" | "late" | "orphan")
        )
        || matches!(
            (judged.verdict)(),
            Some(
                "origin-refused"
                    | "outside-filter"
                    | "rate-limit-reached"
                    | "in-quarantine"
                    | "key-refused"
            )
        )
}

/// Whether `haystack` contains `needle` (lower case) in any letter case. An ASCII needle — what
/// people type — is found by a byte search that needs no allocation, fast enough to run over the
/// data of 100,000 records on every keystroke; another is compared with the lower-cased text.
pub fn contains(haystack: &str, needle: &str) -> bool {
    if !needle.is_ascii() {
        return haystack.to_lowercase().contains(needle);
    }
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return true;
    }
    if haystack.len() < needle.len() {
        return false;
    }
    // Look for the needle's least common byte first: in JSON text quotes, colons and common
    // letters are everywhere, and each false start costs a comparison.
    let anchor = (0..needle.len())
        .max_by_key(|&at| rarity(needle[at]))
        .expect("not empty");
    let byte = needle[anchor];
    let (lower, upper) = (byte.to_ascii_lowercase(), byte.to_ascii_uppercase());
    let searched = &haystack[anchor..haystack.len() - (needle.len() - 1 - anchor)];
    memchr::memchr2_iter(lower, upper, searched)
        .any(|at| haystack[at..at + needle.len()].eq_ignore_ascii_case(needle))
}

/// How rare a byte is in SCAPI's JSON text, roughly: higher is rarer.
fn rarity(byte: u8) -> u8 {
    match byte.to_ascii_lowercase() {
        b'"' | b':' | b',' | b' ' | b'e' | b'a' | b't' | b'i' | b'o' | b'n' | b's' | b'r' => 0,
        b'l' | b'd' | b'c' | b'u' | b'm' | b'p' | b'{' | b'}' => 1,
        b'a'..=b'z' | b'0' | b'1' => 2,
        b'2'..=b'9' => 3,
        _ => 4,
    }
}

fn test_matches(test: &Test, entry: &Entry, judged: &Judged) -> bool {
    let request_name = || {
        if entry.kind.is_call() {
            Some(entry.name)
        } else {
            (judged.request_name)()
        }
    };
    match test {
        Test::Text { names, needle } => {
            marked(names, entry.name)
                || request_name().is_some_and(|name| marked(names, name))
                || contains(&entry.raw, needle)
        }
        Test::RequestNames(names) => request_name().is_some_and(|name| marked(names, name)),
        Test::Topics(topics) => marked(topics, entry.topic),
        Test::Types(types) => marked(types, entry.event_type),
        Test::Frames(frames) => frames.get(entry.frame as usize).copied().unwrap_or(false),
        Test::Interaction(value) => entry
            .interactions
            .iter()
            .any(|id| id.eq_ignore_ascii_case(value)),
        Test::Status(value) => {
            let status = (judged.status)();
            match value.as_str() {
                "error" | "errors" => {
                    matches!(status, Some("failed" | "timed-out" | "late" | "orphan"))
                }
                "timeout" | "timedout" | "timed-out" => status == Some("timed-out"),
                _ => status == Some(value.as_str()),
            }
        }
        Test::Kind(value) => entry.kind.label() == value,
        Test::Origins(origins) => marked(origins, entry.origin),
        Test::Verdict(value) => (judged.verdict)().is_some_and(|verdict| contains(verdict, value)),
        Test::Reference(value) => entry.facts.reference_id.as_deref() == Some(value.as_str()),
    }
}

#[cfg(test)]
mod tests;
