//! The panel's pieces of markup, one file each.

pub mod details;
pub mod findings;
pub mod row;
pub mod toolbar;

/// Local wall-clock time with milliseconds, as DevTools shows it.
pub fn clock(wall_ms: f64) -> String {
    chrono::DateTime::from_timestamp_millis(wall_ms as i64)
        .map(|utc| {
            utc.with_timezone(&chrono::Local)
                .format("%H:%M:%S%.3f")
                .to_string()
        })
        .unwrap_or_else(|| format!("{wall_ms} ms"))
}

/// A frame's short label: host and path, without the scheme.
pub fn frame_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    if rest.is_empty() {
        url.to_owned()
    } else {
        rest.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_labels_drop_scheme_query_and_fragment() {
        assert_eq!(
            frame_label("http://localhost:8080/app.html?x=1#y"),
            "localhost:8080/app.html"
        );
        assert_eq!(frame_label("about:blank"), "about:blank");
    }

    #[test]
    fn clock_has_milliseconds() {
        let text = clock(1_700_000_000_123.0);
        assert!(text.ends_with(".123"), "{text}");
        assert_eq!(text.len(), 12);
    }
}
