//! `service-client-api.accepted-web-content-origins`: which origins may call the API, and which
//! requests each may make.
//!
//! The seed's grammar: a comma-separated list of origins or `*`; each origin may be followed by a
//! filter in parentheses, `http://b (agent.*, voice.dial)`. No parentheses = every request;
//! `auth.getJwtToken` is allowed only where it is named explicitly, `(*, auth.getJwtToken)`.

use crate::requests::{catalog, spec, suggest};
use serde::{Deserialize, Serialize};

/// The request that a wildcard never covers.
pub const JWT_REQUEST: &str = "auth.getJwtToken";

/// One entry of the list: an origin (or `*`) with its filter.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OriginRule {
    /// The origin as written, lower-cased (`*` for every origin).
    pub origin: String,
    /// The filter between parentheses; `None` when there were none (every request but the JWT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Vec<RequestPattern>>,
}

/// One item of a filter.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "pattern", rename_all = "kebab-case")]
pub enum RequestPattern {
    /// `*`: every request (but `auth.getJwtToken`).
    Any,
    /// `agent.*`: every request of a namespace (but `auth.getJwtToken`).
    Namespace { namespace: String },
    /// `voice.dial`: that request.
    Request { name: String },
}

impl RequestPattern {
    pub fn text(&self) -> String {
        match self {
            RequestPattern::Any => "*".to_owned(),
            RequestPattern::Namespace { namespace } => format!("{namespace}.*"),
            RequestPattern::Request { name } => name.clone(),
        }
    }

    fn covers(&self, request: &str) -> bool {
        match self {
            RequestPattern::Request { name } => name == request,
            _ if request == JWT_REQUEST => false,
            RequestPattern::Any => true,
            RequestPattern::Namespace { namespace } => request
                .split_once('.')
                .is_some_and(|(ns, _)| ns == namespace),
        }
    }
}

impl OriginRule {
    /// The entry as it would be written in the option.
    pub fn text(&self) -> String {
        match &self.filter {
            None => self.origin.clone(),
            Some(patterns) => format!(
                "{} ({})",
                self.origin,
                patterns
                    .iter()
                    .map(RequestPattern::text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Whether this entry lets `request` through, and by which pattern.
    pub fn admits(&self, request: &str) -> FilterDecision {
        let Some(patterns) = &self.filter else {
            return if request == JWT_REQUEST {
                FilterDecision::JwtNotNamed
            } else {
                FilterDecision::Allowed { by: None }
            };
        };
        if let Some(pattern) = patterns.iter().find(|pattern| pattern.covers(request)) {
            return FilterDecision::Allowed {
                by: Some(pattern.text()),
            };
        }
        if request == JWT_REQUEST {
            FilterDecision::JwtNotNamed
        } else {
            FilterDecision::NotInFilter
        }
    }
}

/// What a rule says of one request name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterDecision {
    /// Allowed; `by` is the pattern that matched (`None`: the entry has no filter).
    Allowed { by: Option<String> },
    /// The entry's filter does not name it.
    NotInFilter,
    /// `auth.getJwtToken`, which only an explicit mention allows.
    JwtNotNamed,
}

/// The whole option, parsed.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AcceptedOrigins {
    pub rules: Vec<OriginRule>,
}

impl AcceptedOrigins {
    /// The entry that applies to an origin: its own entry, else a `*` entry.
    pub fn rule_for(&self, origin: &str) -> Option<&OriginRule> {
        let origin = origin.to_ascii_lowercase();
        self.rules
            .iter()
            .find(|rule| rule.origin == origin)
            .or_else(|| self.rules.iter().find(|rule| rule.origin == "*"))
    }

    /// The option's value as it would be written.
    pub fn text(&self) -> String {
        self.rules
            .iter()
            .map(OriginRule::text)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A problem in the option's value: `column` counts characters from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    pub column: usize,
    pub problem: String,
}

fn error(column: usize, problem: impl Into<String>) -> ValueError {
    ValueError {
        column,
        problem: problem.into(),
    }
}

/// Parses the option's value. Every problem is reported, each with the column it starts at.
pub fn parse_accepted_origins(value: &str) -> Result<AcceptedOrigins, Vec<ValueError>> {
    let mut errors = Vec::new();
    let mut rules: Vec<OriginRule> = Vec::new();
    for (start, entry) in split_top_level(value, &mut errors) {
        let trimmed = entry.trim();
        if trimmed.is_empty() {
            if !value.trim().is_empty() {
                errors.push(error(start + 1, "empty entry between two commas"));
            }
            continue;
        }
        let column = start + 1 + (entry.len() - entry.trim_start().len());
        let (origin_text, filter_text) = match trimmed.find('(') {
            Some(open) => (&trimmed[..open], Some((open, &trimmed[open..]))),
            None => (trimmed, None),
        };
        let origin = match check_origin(origin_text.trim()) {
            Ok(origin) => origin,
            Err(problem) => {
                errors.push(error(column, problem));
                continue;
            }
        };
        let filter = match filter_text {
            None => None,
            Some((open, text)) => match parse_filter(text, column + open, &mut errors) {
                Some(patterns) => Some(patterns),
                None => continue,
            },
        };
        if let Some(earlier) = rules.iter().find(|rule| rule.origin == origin) {
            errors.push(error(
                column,
                format!(
                    "`{origin}` is listed twice (first as `{}`): Workspace uses one entry per origin; merge the filters into one",
                    earlier.text()
                ),
            ));
            continue;
        }
        rules.push(OriginRule { origin, filter });
    }
    if errors.is_empty() {
        Ok(AcceptedOrigins { rules })
    } else {
        Err(errors)
    }
}

/// Splits at the commas outside parentheses; reports unbalanced parentheses.
fn split_top_level<'a>(value: &'a str, errors: &mut Vec<ValueError>) -> Vec<(usize, &'a str)> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut open_at = 0;
    let mut start = 0;
    for (at, c) in value.char_indices() {
        match c {
            '(' => {
                if depth == 0 {
                    open_at = at;
                }
                depth += 1;
                if depth > 1 {
                    errors.push(error(
                        char_column(value, at),
                        "a `(` inside a filter: filters do not nest",
                    ));
                }
            }
            ')' if depth == 0 => {
                errors.push(error(char_column(value, at), "`)` without a matching `(`"))
            }
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push((start, &value[start..at]));
                start = at + 1;
            }
            _ => {}
        }
    }
    if depth > 0 {
        errors.push(error(
            char_column(value, open_at),
            "`(` is never closed: the filter runs to the end of the option",
        ));
        return Vec::new();
    }
    parts.push((start, &value[start..]));
    parts
}

fn char_column(text: &str, byte: usize) -> usize {
    text[..byte].chars().count() + 1
}

/// An origin as Workspace compares it with `event.origin`: scheme, host and port, nothing more.
fn check_origin(text: &str) -> Result<String, String> {
    if text == "*" {
        return Ok("*".to_owned());
    }
    if text.is_empty() {
        return Err("a filter without an origin before it".to_owned());
    }
    if text.contains(char::is_whitespace) {
        return Err(format!(
            "`{text}` has a space inside: separate origins with commas, and put a filter in parentheses"
        ));
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!(
            "`{text}` is not an origin: write the scheme too, as in `https://{text}`"
        ));
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return Err(format!("`{text}` has no valid scheme before `://`"));
    }
    if let Some(at) = rest.find(['/', '?', '#']) {
        let host = &rest[..at];
        return Err(format!(
            "`{text}` has a path: an origin is scheme, host and port only, and the page's origin never matches a path; write `{scheme}://{host}`"
        ));
    }
    if rest.is_empty() {
        return Err(format!("`{text}` has no host"));
    }
    if rest.contains('*') {
        return Err(format!(
            "`{text}`: wildcards inside an origin are not supported; list each origin, or use `*` alone for every origin"
        ));
    }
    if let Some((_, port)) = rest.rsplit_once(':').filter(|_| !rest.ends_with(']')) {
        if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("`{text}` has a port that is not a number"));
        }
        let default_port = matches!((scheme, port), ("http", "80") | ("https", "443"));
        if default_port {
            return Err(format!(
                "`{text}` names the default port: the page's origin never includes it, so this entry never matches; write `{scheme}://{}`",
                &rest[..rest.len() - port.len() - 1]
            ));
        }
    }
    Ok(text.to_ascii_lowercase())
}

/// `(agent.*, voice.dial)` → patterns; `column` is where the `(` is.
fn parse_filter(
    text: &str,
    column: usize,
    errors: &mut Vec<ValueError>,
) -> Option<Vec<RequestPattern>> {
    let close = text.rfind(')')?;
    if !text[close + 1..].trim().is_empty() {
        errors.push(error(
            column + close + 1,
            format!(
                "`{}` after the filter: a comma must separate entries",
                text[close + 1..].trim()
            ),
        ));
        return None;
    }
    let inner = &text[1..close];
    if inner.trim().is_empty() {
        errors.push(error(
            column,
            "an empty filter `()` allows nothing; remove the parentheses to allow every request, or name the requests",
        ));
        return None;
    }
    let before = errors.len();
    let mut patterns = Vec::new();
    for item in inner.split(',') {
        let item = item.trim();
        match parse_pattern(item) {
            Ok(pattern) => patterns.push(pattern),
            Err(problem) => errors.push(error(column, problem)),
        }
    }
    (errors.len() == before).then_some(patterns)
}

fn parse_pattern(item: &str) -> Result<RequestPattern, String> {
    if item == "*" {
        return Ok(RequestPattern::Any);
    }
    if item.is_empty() {
        return Err("an empty item in a filter".to_owned());
    }
    if let Some(namespace) = item.strip_suffix(".*") {
        if catalog().iter().any(|spec| spec.namespace == namespace) {
            return Ok(RequestPattern::Namespace {
                namespace: namespace.to_owned(),
            });
        }
        let hint = catalog()
            .iter()
            .map(|spec| spec.namespace)
            .find(|known| known.eq_ignore_ascii_case(namespace))
            .map(|known| format!("; did you mean `{known}.*`?"))
            .unwrap_or_default();
        return Err(format!(
            "`{item}`: `{namespace}` is not a Service Client API namespace{hint}"
        ));
    }
    if spec(item).is_some() {
        return Ok(RequestPattern::Request {
            name: item.to_owned(),
        });
    }
    let hint = suggest(item)
        .map(|meant| format!("; did you mean `{meant}`?"))
        .unwrap_or_default();
    Err(format!(
        "`{item}` is not a Service Client API request{hint}"
    ))
}

#[cfg(test)]
mod tests;
