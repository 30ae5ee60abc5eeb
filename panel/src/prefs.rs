//! What the panel remembers across reloads (in the extension's local storage): the filter, the
//! quick toggles, the frame shown, preserve log and the record cap.

use crate::filter::Categories;
use crate::store::DEFAULT_CAP;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Prefs {
    pub filter: String,
    pub requests: bool,
    pub events: bool,
    pub errors: bool,
    pub foreign: bool,
    /// The frame shown alone, by URL (frame keys change on every reload).
    pub frame_url: Option<String>,
    pub preserve_log: bool,
    pub cap: usize,
    /// userData keys whose values a sanitized export keeps, comma-separated.
    pub keep_keys: String,
    /// Widths in pixels of the list's columns as the user resized them, all but the last
    /// (Summary takes the rest); empty: the stylesheet's.
    pub columns: Vec<u32>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            filter: String::new(),
            requests: false,
            events: false,
            errors: false,
            foreign: false,
            frame_url: None,
            preserve_log: false,
            cap: DEFAULT_CAP,
            keep_keys: String::new(),
            columns: Vec::new(),
        }
    }
}

impl Prefs {
    pub fn categories(&self) -> Categories {
        Categories {
            requests: self.requests,
            events: self.events,
            errors: self.errors,
            foreign: self.foreign,
        }
    }

    /// Reads stored text; anything unreadable gives the defaults.
    pub fn from_text(text: &str) -> Prefs {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Columns of the record list that can be resized: all but the last (Summary).
pub const RESIZABLE_COLUMNS: usize = 7;

/// The narrowest a resized column gets, in pixels.
pub const MIN_COLUMN_WIDTH: u32 = 36;

/// The value of the list's `--columns` style (its `grid-template-columns`) for resized widths,
/// or `None` for the stylesheet's: widths of another count (an older panel's) are ignored.
pub fn columns_value(columns: &[u32]) -> Option<String> {
    if columns.len() != RESIZABLE_COLUMNS {
        return None;
    }
    let widths: Vec<String> = columns
        .iter()
        .map(|width| format!("{}px", width.max(&MIN_COLUMN_WIDTH)))
        .collect();
    Some(format!("{} minmax(60px, 1fr)", widths.join(" ")))
}

/// The record caps offered.
pub const CAPS: [usize; 4] = [10_000, 50_000, 100_000, 250_000];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_round_trip_and_survive_garbage() {
        let prefs = Prefs {
            filter: "ns:voice -status:answered".into(),
            errors: true,
            frame_url: Some("http://localhost/app.html".into()),
            preserve_log: true,
            cap: 50_000,
            ..Prefs::default()
        };
        assert_eq!(Prefs::from_text(&prefs.to_text()), prefs);
        assert_eq!(Prefs::from_text("{not json"), Prefs::default());
        assert_eq!(Prefs::from_text("{\"filter\":\"x\"}").cap, DEFAULT_CAP);
    }

    #[test]
    fn resized_columns_are_kept_and_become_the_list_style() {
        let prefs = Prefs {
            columns: vec![92, 78, 200, 70, 240, 160, 20],
            ..Prefs::default()
        };
        let again = Prefs::from_text(&prefs.to_text());
        assert_eq!(again.columns, prefs.columns);
        assert_eq!(
            columns_value(&again.columns).as_deref(),
            Some("92px 78px 200px 70px 240px 160px 36px minmax(60px, 1fr)")
        );
        assert_eq!(columns_value(&[]), None);
        assert_eq!(columns_value(&[100, 100]), None);
        // Stored before columns could be resized: the defaults.
        assert!(Prefs::from_text("{\"filter\":\"x\"}").columns.is_empty());
    }
}
