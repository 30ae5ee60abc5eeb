//! The filter bar, in the style of Chrome's Network panel: `key:value` terms, `-` to negate, free
//! text, all combined; quick toggles by category; one frame or all. Pure: the list hands each
//! record's context in.

use scapi::facts::{Detail, Kind};

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

/// What a record offers the filter. Lookups that cost (pairing, policy) are closures, asked only
/// when a term needs them.
pub struct Context<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub detail: &'a Detail,
    /// The request an answer belongs to (the record's own name for a request).
    pub request_name: Option<&'a str>,
    pub reference_id: Option<&'a str>,
    pub origin: &'a str,
    pub frame_url: &'a str,
    pub frame_label: &'a str,
    pub frame_origin: &'a str,
    /// The frameId Workspace assigned to the receiving frame, as text.
    pub frame_id: Option<String>,
    pub interactions: &'a [Box<str>],
    pub raw: &'a str,
    pub status: &'a dyn Fn() -> Option<&'static str>,
    pub verdict: &'a dyn Fn() -> Option<&'static str>,
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

    pub fn matches(&self, context: &Context) -> bool {
        if self
            .frame_url
            .as_deref()
            .is_some_and(|url| url != context.frame_url)
        {
            return false;
        }
        if self.categories.any() && !in_categories(&self.categories, context) {
            return false;
        }
        self.terms
            .iter()
            .all(|term| term_matches(term, context) != term.negated)
    }
}

fn in_categories(categories: &Categories, context: &Context) -> bool {
    let kind = context.kind;
    (categories.requests && (kind.is_call() || kind == Kind::Response))
        || (categories.events && matches!(kind, Kind::Event | Kind::FrameId))
        || (categories.foreign && matches!(kind, Kind::Foreign | Kind::Legacy))
        || (categories.errors && is_error(context))
}

fn is_error(context: &Context) -> bool {
    matches!(context.kind, Kind::Malformed)
        || matches!(
            (context.status)(),
            Some("failed" | "timed-out" | "late" | "orphan")
        )
        || matches!(
            (context.verdict)(),
            Some(
                "origin-refused"
                    | "outside-filter"
                    | "rate-limit-reached"
                    | "in-quarantine"
                    | "key-refused"
            )
        )
}

fn contains(haystack: &str, needle: &str) -> bool {
    // Needles are lower case; most haystacks are ASCII, where this avoids an allocation.
    if haystack.is_ascii() {
        let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
        needle.is_empty()
            || haystack
                .windows(needle.len())
                .any(|window| window.eq_ignore_ascii_case(needle))
    } else {
        haystack.to_lowercase().contains(needle)
    }
}

fn term_matches(term: &Term, context: &Context) -> bool {
    let value = term.value.as_str();
    let namespace_and_method = || context.request_name.and_then(|name| name.split_once('.'));
    match term.field {
        None => {
            contains(context.name, value)
                || context
                    .request_name
                    .is_some_and(|name| contains(name, value))
                || contains(context.raw, value)
        }
        Some(Field::Namespace) => namespace_and_method()
            .is_some_and(|(namespace, _)| namespace.eq_ignore_ascii_case(value)),
        Some(Field::Method) => {
            namespace_and_method().is_some_and(|(_, method)| contains(method, value))
        }
        Some(Field::Event) => match context.detail {
            Detail::Event { topic, .. } => contains(topic, value),
            _ => false,
        },
        Some(Field::Type) => match context.detail {
            Detail::Event {
                event_type: Some(event_type),
                ..
            } => contains(event_type, value),
            _ => false,
        },
        Some(Field::Frame) => {
            contains(context.frame_url, value)
                || contains(context.frame_label, value)
                || contains(context.frame_origin, value)
                || context.frame_id.as_deref() == Some(value)
        }
        Some(Field::Interaction) => context
            .interactions
            .iter()
            .any(|id| id.eq_ignore_ascii_case(value)),
        Some(Field::Status) => {
            let status = (context.status)();
            match value {
                "error" | "errors" => {
                    matches!(status, Some("failed" | "timed-out" | "late" | "orphan"))
                }
                "timeout" | "timedout" | "timed-out" => status == Some("timed-out"),
                _ => status == Some(value),
            }
        }
        Some(Field::Kind) => context.kind.label() == value,
        Some(Field::Origin) => contains(context.origin, value),
        Some(Field::Verdict) => (context.verdict)().is_some_and(|verdict| contains(verdict, value)),
        Some(Field::Reference) => context.reference_id == Some(value),
    }
}

#[cfg(test)]
mod tests;
