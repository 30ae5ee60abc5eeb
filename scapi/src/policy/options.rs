//! The Workspace options of the seed's "Security configuration", read from what people paste:
//! `key=value` lines, an ini file with an `[interaction-workspace]` section, a tab-separated copy
//! of an options table, or JSON. Every problem is an error naming its line (and column where it
//! helps) — a bad option is never replaced by a silent default.

use super::limiter::RateLimits;
use super::origins::{parse_accepted_origins, AcceptedOrigins};
use super::user_data::KeyAccess;
use crate::requests::{catalog, edit_distance, spec, suggest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The section Workspace reads these options from.
pub const SECTION: &str = "interaction-workspace";
const PREFIX: &str = "service-client-api.";

pub const ACCEPTED_ORIGINS: &str = "service-client-api.accepted-web-content-origins";
pub const RATE_LIMIT: &str = "service-client-api.rate-limit";
pub const QUARANTINE_DELAY: &str = "service-client-api.rate-limit-quarantine-delay";
pub const READ_ALLOWED: &str = "service-client-api.user-data.read-allowed";
pub const WRITE_ALLOWED: &str = "service-client-api.user-data.write-allowed";
pub const BLOCK_MARKDONE_TIMEOUT: &str = "service-client-api.block-markdone-timeout";

/// The option names with a fixed spelling (`rate-limit.<request>` aside).
pub const OPTION_NAMES: [&str; 6] = [
    ACCEPTED_ORIGINS,
    RATE_LIMIT,
    QUARANTINE_DELAY,
    READ_ALLOWED,
    WRITE_ALLOWED,
    BLOCK_MARKDONE_TIMEOUT,
];

/// Seconds of quarantine when the option is not set.
pub const DEFAULT_QUARANTINE_SECONDS: u64 = 30;

/// The Service Client API options in force, with Workspace's defaults for those not given.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceOptions {
    /// Default: empty, so no origin is accepted.
    pub accepted_origins: AcceptedOrigins,
    pub rate_limits: RateLimits,
    /// Default `*` (the 9.x default).
    pub read_allowed: KeyAccess,
    /// Default `*` (the 9.x default).
    pub write_allowed: KeyAccess,
    /// Milliseconds; `None` when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_markdone_timeout_ms: Option<u64>,
    /// The option names that were given (the others hold Workspace's default).
    pub given: Vec<String>,
}

impl Default for WorkspaceOptions {
    fn default() -> Self {
        WorkspaceOptions {
            accepted_origins: AcceptedOrigins::default(),
            rate_limits: RateLimits {
                global: 0,
                per_request: Vec::new(),
                quarantine_seconds: DEFAULT_QUARANTINE_SECONDS,
            },
            read_allowed: KeyAccess::All,
            write_allowed: KeyAccess::All,
            block_markdone_timeout_ms: None,
            given: Vec::new(),
        }
    }
}

impl WorkspaceOptions {
    pub fn is_given(&self, name: &str) -> bool {
        self.given.iter().any(|given| given == name)
    }

    /// The options as `key=value` lines, defaults marked, for display and for files.
    pub fn to_text(&self) -> String {
        let mut lines = Vec::new();
        let mut line = |name: &str, value: String| {
            if !self.is_given(name) {
                lines.push("# not given, Workspace's default:".to_owned());
            }
            lines.push(format!("{name}={value}"));
        };
        line(ACCEPTED_ORIGINS, self.accepted_origins.text());
        line(RATE_LIMIT, self.rate_limits.global.to_string());
        for (request, limit) in &self.rate_limits.per_request {
            line(&format!("{RATE_LIMIT}.{request}"), limit.to_string());
        }
        line(
            QUARANTINE_DELAY,
            self.rate_limits.quarantine_seconds.to_string(),
        );
        line(READ_ALLOWED, self.read_allowed.text());
        line(WRITE_ALLOWED, self.write_allowed.text());
        if let Some(ms) = self.block_markdone_timeout_ms {
            line(BLOCK_MARKDONE_TIMEOUT, ms.to_string());
        }
        lines.join("\n")
    }
}

/// Something in the input that is not an option of this API, kept as a note (never an error:
/// a pasted section holds many other Workspace options).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OptionNote {
    pub line: usize,
    pub note: String,
}

/// What the parser read.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ParsedOptions {
    pub options: WorkspaceOptions,
    pub notes: Vec<OptionNote>,
}

/// One problem in the input.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OptionError {
    /// 1-based line of the input.
    pub line: usize,
    /// 1-based column, where it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The option the problem is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    pub problem: String,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        if let Some(option) = &self.option {
            write!(f, ": {option}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// Reads pasted options. On any problem, every problem found is returned.
pub fn parse_options(text: &str) -> Result<ParsedOptions, Vec<OptionError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::default();
    if text.trim_start().starts_with('{') {
        reader.json(text);
    } else {
        reader.lines(text);
    }
    if reader.errors.is_empty() {
        Ok(ParsedOptions {
            options: reader.options,
            notes: reader.notes,
        })
    } else {
        Err(reader.errors)
    }
}

#[derive(Default)]
struct Reader {
    options: WorkspaceOptions,
    notes: Vec<OptionNote>,
    errors: Vec<OptionError>,
    /// (option name as given, line) of every option set so far.
    seen: Vec<(String, usize)>,
}

/// Where a value starts, so a problem inside it gets a column.
#[derive(Clone, Copy)]
struct At {
    line: usize,
    value_column: Option<usize>,
}

impl Reader {
    fn lines(&mut self, text: &str) {
        let mut section: Option<String> = None;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty()
                || trimmed.starts_with('#')
                || trimmed.starts_with(';')
                || trimmed.starts_with("//")
            {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('[') {
                match rest.strip_suffix(']') {
                    Some(name) => section = Some(name.trim().to_owned()),
                    None => self.errors.push(OptionError {
                        line,
                        column: None,
                        option: None,
                        problem: format!("`{trimmed}`: a section header must end with `]`"),
                    }),
                }
                continue;
            }
            let Some((key, value, value_offset)) = split_key_value(raw) else {
                self.errors.push(OptionError {
                    line,
                    column: None,
                    option: None,
                    problem: format!(
                        "`{trimmed}` is not `option=value` (nor an `[section]` header or a `#` comment)"
                    ),
                });
                continue;
            };
            let value_column = raw[..value_offset].chars().count() + 1;
            let at = At {
                line,
                value_column: Some(value_column),
            };
            if let Some(other) = section.as_deref().filter(|name| *name != SECTION) {
                if is_scapi_option(key) {
                    self.errors.push(OptionError {
                        line,
                        column: None,
                        option: Some(key.to_owned()),
                        problem: format!(
                            "this option is in the section [{other}]; Workspace reads it from [{SECTION}]"
                        ),
                    });
                } else {
                    self.note(
                        line,
                        format!("[{other}] {key}: not a Service Client API option, ignored"),
                    );
                }
                continue;
            }
            self.option(key, value, at);
        }
    }

    fn json(&mut self, text: &str) {
        let root: Value = match serde_json::from_str(text) {
            Ok(root) => root,
            Err(error) => {
                self.errors.push(OptionError {
                    line: error.line().max(1),
                    column: Some(error.column().max(1)),
                    option: None,
                    problem: format!("not JSON: {error}"),
                });
                return;
            }
        };
        let Value::Object(root) = root else {
            self.errors.push(OptionError {
                line: 1,
                column: None,
                option: None,
                problem: "JSON options must be an object of `\"option\": value`".to_owned(),
            });
            return;
        };
        for (key, value) in &root {
            match value {
                Value::Object(section) if key == SECTION => {
                    for (key, value) in section {
                        self.json_option(text, key, value);
                    }
                }
                Value::Object(_) if is_scapi_option(key) => self.json_option(text, key, value),
                Value::Object(_) => {
                    let line = line_of_key(text, key);
                    self.note(line, format!("section `{key}`: not [{SECTION}], ignored"));
                }
                _ => self.json_option(text, key, value),
            }
        }
    }

    fn json_option(&mut self, text: &str, key: &str, value: &Value) {
        let line = line_of_key(text, key);
        let at = At {
            line,
            value_column: None,
        };
        let value = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            // A list option written as a JSON array.
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            other => {
                self.errors.push(OptionError {
                    line,
                    column: None,
                    option: Some(key.to_owned()),
                    problem: format!(
                        "the value should be a string or a number, not {}",
                        crate::interaction::wire::describe(other)
                    ),
                });
                return;
            }
        };
        self.option(key, &value, at);
    }

    fn note(&mut self, line: usize, note: String) {
        self.notes.push(OptionNote { line, note });
    }

    fn error(&mut self, at: At, option: &str, column_in_value: Option<usize>, problem: String) {
        self.errors.push(OptionError {
            line: at.line,
            column: at
                .value_column
                .map(|start| start + column_in_value.unwrap_or(1) - 1),
            option: Some(option.to_owned()),
            problem,
        });
    }

    /// One `key=value`, wherever it came from.
    fn option(&mut self, key: &str, value: &str, at: At) {
        let key = key
            .strip_prefix(&format!("{SECTION}/"))
            .unwrap_or(key)
            .trim();
        if !is_scapi_option(key) {
            self.note(
                at.line,
                format!("{key}: not a Service Client API option, ignored"),
            );
            return;
        }
        // The option names are lower case; a request name keeps its case (`voice.dial`).
        let name = canonical_name(key);
        if let Some((_, earlier)) = self.seen.iter().find(|(seen, _)| *seen == name) {
            let earlier = *earlier;
            self.error(
                at,
                &name,
                None,
                format!("set twice (also on line {earlier}): Workspace keeps only one value; remove one"),
            );
            return;
        }
        self.seen.push((name.clone(), at.line));
        let value = unquote(value.trim());
        let options = &mut self.options;
        let result: Result<(), (Option<usize>, String)> = match name.as_str() {
            ACCEPTED_ORIGINS => parse_accepted_origins(value)
                .map(|origins| options.accepted_origins = origins)
                .map_err(|errors| {
                    let first = &errors[0];
                    let more = errors[1..]
                        .iter()
                        .map(|e| format!("; column {}: {}", e.column, e.problem))
                        .collect::<String>();
                    (Some(first.column), format!("{}{more}", first.problem))
                }),
            RATE_LIMIT => count(value, "requests per minute, 0 for unlimited")
                .map(|limit| options.rate_limits.global = limit),
            QUARANTINE_DELAY => seconds(value).map(|s| options.rate_limits.quarantine_seconds = s),
            READ_ALLOWED => KeyAccess::parse(value)
                .map(|keys| options.read_allowed = keys)
                .map_err(|problem| (None, problem)),
            WRITE_ALLOWED => KeyAccess::parse(value)
                .map(|keys| options.write_allowed = keys)
                .map_err(|problem| (None, problem)),
            BLOCK_MARKDONE_TIMEOUT => {
                milliseconds(value).map(|ms| options.block_markdone_timeout_ms = Some(ms))
            }
            _ => match name.strip_prefix(&format!("{RATE_LIMIT}.")) {
                Some(request) if spec(request).is_some() => {
                    count(value, "requests per minute, 0 for unlimited").map(|limit| {
                        options
                            .rate_limits
                            .per_request
                            .push((request.to_owned(), limit))
                    })
                }
                Some(request) => Err((
                    None,
                    format!(
                        "`{request}` is not a Service Client API request{}",
                        suggest(request)
                            .map(|meant| format!("; did you mean `{RATE_LIMIT}.{meant}`?"))
                            .unwrap_or_default()
                    ),
                )),
                None => Err((None, unknown_option(&name))),
            },
        };
        match result {
            Ok(()) => self.options.given.push(name),
            Err((column, problem)) => {
                // An unknown name is a problem of the key, not of the value.
                let at = if problem.starts_with("unknown option") {
                    At {
                        value_column: None,
                        ..at
                    }
                } else {
                    at
                };
                self.error(at, &name, column, problem);
            }
        }
    }
}

fn is_scapi_option(key: &str) -> bool {
    let key = key.strip_prefix(&format!("{SECTION}/")).unwrap_or(key);
    key.get(..PREFIX.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(PREFIX))
}

/// Option words in lower case; after `rate-limit.` the request name as written.
fn canonical_name(key: &str) -> String {
    let lower = key.to_ascii_lowercase();
    let per_request = format!("{RATE_LIMIT}.");
    if lower.starts_with(&per_request) {
        format!("{per_request}{}", &key[per_request.len()..])
    } else {
        lower
    }
}

fn unknown_option(name: &str) -> String {
    let mut candidates: Vec<String> = OPTION_NAMES.iter().map(|n| (*n).to_owned()).collect();
    candidates.extend(
        catalog()
            .iter()
            .map(|spec| format!("{RATE_LIMIT}.{}", spec.name)),
    );
    let nearest = candidates
        .iter()
        .map(|candidate| (edit_distance(candidate, name), candidate))
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= 3);
    match nearest {
        Some((_, meant)) => format!("unknown option; did you mean `{meant}`?"),
        None => format!(
            "unknown option; the Service Client API options are {}",
            OPTION_NAMES.join(", ") + ", service-client-api.rate-limit.<request>"
        ),
    }
}

/// `key=value`, `key = value`, or a tab-separated `key<TAB>value` copied from an options table;
/// returns the value's byte offset in the line.
fn split_key_value(line: &str) -> Option<(&str, &str, usize)> {
    if let Some(at) = line.find('=') {
        let value = &line[at + 1..];
        let offset = at + 1 + (value.len() - value.trim_start().len());
        return Some((line[..at].trim(), value, offset));
    }
    let trimmed_start = line.len() - line.trim_start().len();
    let rest = &line[trimmed_start..];
    let gap = rest.find(char::is_whitespace)?;
    // Without `=`, only a dotted option name followed by its value (a copied table row).
    if !rest[..gap].contains('.') {
        return None;
    }
    let value = &rest[gap..];
    let offset = trimmed_start + gap + (value.len() - value.trim_start().len());
    Some((&rest[..gap], value, offset))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

fn count(value: &str, meaning: &str) -> Result<u32, (Option<usize>, String)> {
    whole_number(value, meaning).and_then(|n| {
        u32::try_from(n).map_err(|_| (None, format!("`{value}` is too large: {meaning}")))
    })
}

fn seconds(value: &str) -> Result<u64, (Option<usize>, String)> {
    whole_number(value, "seconds, 0 to ignore further requests forever")
}

fn milliseconds(value: &str) -> Result<u64, (Option<usize>, String)> {
    whole_number(value, "milliseconds")
}

fn whole_number(value: &str, meaning: &str) -> Result<u64, (Option<usize>, String)> {
    if value.is_empty() {
        return Err((
            None,
            format!("no value: expected a whole number of {meaning}"),
        ));
    }
    if let Some(rest) = value.strip_prefix('-') {
        if rest.parse::<f64>().is_ok() {
            return Err((
                None,
                format!("`{value}` is negative: expected a whole number of {meaning}"),
            ));
        }
    }
    value.parse::<u64>().map_err(|_| {
        (
            None,
            format!("`{value}` is not a whole number: expected {meaning}"),
        )
    })
}

/// The line where `"key"` first appears in JSON text (1 when not found).
fn line_of_key(text: &str, key: &str) -> usize {
    let quoted = serde_json::to_string(key).unwrap_or_default();
    text.find(&quoted)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests;
