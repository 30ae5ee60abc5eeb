//! HAR dates: ISO 8601 text in UTC with milliseconds, which `new Date()`, har-schema's pattern and
//! Chrome DevTools' importer all read.

use chrono::{DateTime, SecondsFormat};

/// 0000-01-01T00:00:00.000Z: earlier years need a sign, which neither har-schema's pattern nor
/// every `Date` parser accepts.
const EARLIEST_MS: f64 = -62_167_219_200_000.0;
/// 9999-12-31T23:59:59.999Z: later years need more than four digits.
const LATEST_MS: f64 = 253_402_300_799_999.0;

/// `2024-11-24T16:54:15.123Z` for epoch milliseconds `ms` (sub-milliseconds dropped). A time
/// outside years 0–9999 is clamped to that range and a non-finite one reads as the epoch, so the
/// text always parses.
pub fn iso_millis(ms: f64) -> String {
    let ms = if ms.is_finite() {
        ms.clamp(EARLIEST_MS, LATEST_MS)
    } else {
        0.0
    };
    DateTime::from_timestamp_millis(ms.floor() as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Epoch milliseconds of an RFC 3339 date (`2024-11-24T16:54:15.123Z`, `…+02:00`); `None` when
/// the text is not one.
pub fn parse_iso(text: &str) -> Option<f64> {
    let date = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    Some(date.timestamp_millis() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utc_with_milliseconds() {
        assert_eq!(iso_millis(1_732_467_255_123.75), "2024-11-24T16:54:15.123Z");
        assert_eq!(iso_millis(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(-1.5), "1969-12-31T23:59:59.998Z");
    }

    #[test]
    fn times_outside_four_digit_years_are_clamped_and_nan_is_the_epoch() {
        assert_eq!(iso_millis(1e300), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso_millis(-1e300), "0000-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(f64::NAN), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(f64::INFINITY), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn reads_what_it_writes_and_offsets() {
        let ms = 1_732_467_255_123.0;
        assert_eq!(parse_iso(&iso_millis(ms)), Some(ms));
        assert_eq!(parse_iso("2024-11-24T18:54:15.123+02:00"), Some(ms));
        assert_eq!(parse_iso("yesterday"), None);
    }
}
