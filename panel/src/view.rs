//! The panel's pieces of markup, one file each.

pub mod big;
pub mod console;
pub mod details;
pub mod export;
pub mod filter_bar;
pub mod findings;
pub mod frames;
pub mod json_tree;
pub mod policy;
pub mod rates;
pub mod row;
pub mod toolbar;
pub mod user_data;
pub mod verdict;
pub mod waterfall;

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

/// A frame's short label: the page's file name and query (what tells embedded apps apart), or
/// the host for a site root, without the scheme and fragment.
pub fn frame_label(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else {
        return url.to_owned(); // about:blank, about:srcdoc
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let last = path.rsplit('/').next().unwrap_or(path);
    if last.is_empty() || last.starts_with('?') {
        format!("{host}/{last}").trim_end_matches('/').to_owned()
    } else {
        last.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_labels_keep_the_file_and_query() {
        assert_eq!(
            frame_label("http://localhost:8080/apps/app.html?x=1#y"),
            "app.html?x=1"
        );
        assert_eq!(frame_label("https://wwe.example/"), "wwe.example");
        assert_eq!(
            frame_label("https://wwe.example/?tab=2"),
            "wwe.example/?tab=2"
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
