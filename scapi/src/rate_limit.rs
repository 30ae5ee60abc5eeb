//! Reading Workspace's rate-limit error text into the refused request and the quarantine.
//!
//! The seed shows one text, sent to the first request after a limit is reached:
//!
//! ```text
//! The rate limit for the request 'voice.dial' has been reached.
//! Further requests of the same type will be ignored for 30 seconds.
//! ```
//!
//! Only that form is documented. Inferred, and accepted: any whitespace (or a literal `\n`)
//! between and within the sentences, any letter case, the name in straight, double, curly or back
//! quotes or unquoted, a missing final period, a singular `1 second`, minutes and hours, and for
//! `rate-limit-quarantine-delay=0` ("ignored forever") the words `forever`, `indefinitely` or
//! `permanently`, or a templated `0 seconds`.

use serde::{Deserialize, Serialize};

/// A parsed rate-limit error.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitError {
    /// The request whose limit was reached (the response's own `request` field may name
    /// another one: keep both).
    pub request: String,
    /// How long further requests of that name are ignored; `None` when the text does not say
    /// or says forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine_seconds: Option<u64>,
    /// Further requests are ignored until Workspace reloads (quarantine delay 0).
    #[serde(default)]
    pub forever: bool,
}

const LIMIT_PHRASE: &str = "rate limit for the request";
const IGNORED_PHRASE: &str = "ignored";

/// Reads a rate-limit error text; `None` when the text is not one.
pub fn parse_rate_limit(error_message: &str) -> Option<RateLimitError> {
    let text = normalize(error_message);
    let lower = text.to_ascii_lowercase();
    let after_phrase = lower.find(LIMIT_PHRASE)? + LIMIT_PHRASE.len();
    let (request, name_end) = request_name(&text, after_phrase)?;
    let (quarantine_seconds, forever) = match lower[name_end..].find(IGNORED_PHRASE) {
        Some(at) => quarantine(&lower[name_end + at + IGNORED_PHRASE.len()..]),
        None => (None, false),
    };
    Some(RateLimitError {
        request,
        quarantine_seconds,
        forever,
    })
}

/// Turns every run of whitespace, and a literal `\n`, into one space.
fn normalize(text: &str) -> String {
    text.replace("\\r\\n", " ")
        .replace("\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The request name starting after `from` (quoted or not) and the byte offset after it.
fn request_name(text: &str, from: usize) -> Option<(String, usize)> {
    const QUOTES: &[char] = &['\'', '"', '`', '‘', '’', '“', '”'];
    let rest = &text[from..];
    let trimmed = rest.trim_start();
    let start = from + (rest.len() - trimmed.len());
    let (name, end) = match trimmed.chars().next() {
        Some(quote) if QUOTES.contains(&quote) => {
            let inner = &trimmed[quote.len_utf8()..];
            let close = inner.find(QUOTES)?;
            let closing_len = inner[close..].chars().next().map_or(0, char::len_utf8);
            (
                &inner[..close],
                start + quote.len_utf8() + close + closing_len,
            )
        }
        _ => {
            let word_end = trimmed.find(' ').unwrap_or(trimmed.len());
            (&trimmed[..word_end], start + word_end)
        }
    };
    let name = name.trim();
    (!name.is_empty()).then(|| (name.to_owned(), end))
}

/// Reads what follows "ignored": `for 30 seconds`, `for 2 minutes`, `forever`.
fn quarantine(rest: &str) -> (Option<u64>, bool) {
    let words: Vec<&str> = rest
        .split(' ')
        .map(|word| word.trim_matches(|c: char| c.is_ascii_punctuation()))
        .filter(|word| !word.is_empty())
        .collect();
    if words
        .iter()
        .take(2)
        .any(|word| ["forever", "indefinitely", "permanently"].contains(word))
    {
        return (None, true);
    }
    let ["for", amount, unit, ..] = words.as_slice() else {
        return (None, false);
    };
    let Ok(amount) = amount.parse::<u64>() else {
        return (None, false);
    };
    let seconds_per_unit = match *unit {
        "second" | "seconds" | "sec" | "secs" | "s" => 1,
        "minute" | "minutes" | "min" | "mins" => 60,
        "hour" | "hours" | "h" => 3600,
        _ => return (None, false),
    };
    match amount.checked_mul(seconds_per_unit) {
        Some(0) => (None, true),
        Some(seconds) => (Some(seconds), false),
        None => (None, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(request: &str, seconds: u64) -> Option<RateLimitError> {
        Some(RateLimitError {
            request: request.to_owned(),
            quarantine_seconds: Some(seconds),
            forever: false,
        })
    }

    #[test]
    fn the_seeds_text() {
        assert_eq!(
            parse_rate_limit(
                "The rate limit for the request 'voice.dial' has been reached.\nFurther requests \
                 of the same type will be ignored for 30 seconds."
            ),
            seconds("voice.dial", 30)
        );
    }

    #[test]
    fn whitespace_and_quote_variants() {
        for text in [
            "The rate limit for the request 'voice.dial' has been reached. Further requests of the same type will be ignored for 30 seconds.",
            "The rate limit for the request 'voice.dial' has been reached.\r\n  Further requests of the same type will be ignored for 30 seconds",
            "The rate limit for the request 'voice.dial' has been reached.\\nFurther requests of the same type will be ignored for 30 seconds.",
            "the RATE LIMIT for the request \"voice.dial\" has been reached. Further requests of the same type will be ignored for 30 seconds.",
            "The rate limit for the request ‘voice.dial’ has been reached. Further requests of the same type will be ignored for 30 seconds.",
            "The rate limit for the request voice.dial has been reached. Further requests of the same type will be ignored for 30 seconds.",
        ] {
            assert_eq!(parse_rate_limit(text), seconds("voice.dial", 30), "{text}");
        }
    }

    #[test]
    fn units() {
        let text = |tail: &str| {
            format!("The rate limit for the request 'email.create' has been reached.\nFurther requests of the same type will be ignored for {tail}")
        };
        assert_eq!(
            parse_rate_limit(&text("1 second.")),
            seconds("email.create", 1)
        );
        assert_eq!(
            parse_rate_limit(&text("2 minutes.")),
            seconds("email.create", 120)
        );
        assert_eq!(
            parse_rate_limit(&text("1 hour.")),
            seconds("email.create", 3600)
        );
    }

    #[test]
    fn forever() {
        let forever = Some(RateLimitError {
            request: "voice.dial".to_owned(),
            quarantine_seconds: None,
            forever: true,
        });
        for tail in ["forever.", "indefinitely", "for 0 seconds."] {
            let text = format!("The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored {tail}");
            assert_eq!(parse_rate_limit(&text), forever, "{tail}");
        }
    }

    #[test]
    fn a_missing_or_unreadable_quarantine_keeps_the_request() {
        let unstated = Some(RateLimitError {
            request: "voice.dial".to_owned(),
            quarantine_seconds: None,
            forever: false,
        });
        assert_eq!(
            parse_rate_limit("The rate limit for the request 'voice.dial' has been reached."),
            unstated
        );
        assert_eq!(
            parse_rate_limit("The rate limit for the request 'voice.dial' has been reached. Further requests of the same type will be ignored for a while."),
            unstated
        );
    }

    #[test]
    fn other_errors_are_not_rate_limits() {
        for text in [
            "",
            "Request timeout",
            "The rate limit for the request",
            "The rate limit for the request '' has been reached.",
            "Unknown request 'voice.dial'",
        ] {
            assert_eq!(parse_rate_limit(text), None, "{text}");
        }
    }

    #[test]
    fn round_trips() {
        let parsed = parse_rate_limit("The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.").unwrap();
        let text = serde_json::to_string(&parsed).unwrap();
        assert_eq!(
            text,
            r#"{"request":"voice.dial","quarantineSeconds":30,"forever":false}"#
        );
        assert_eq!(
            serde_json::from_str::<RateLimitError>(&text).unwrap(),
            parsed
        );
    }
}
