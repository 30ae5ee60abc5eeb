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
}
