//! The background's wasm half. `extension/background.js` moves messages and storage writes; every
//! decision about what a tab keeps, what is lost and what a panel is sent is made here, by
//! [`scapi::tab_log`].

use scapi::pace::Pace;
use scapi::tab_log::{Logs, PANEL_MESSAGE_BYTES};
use scapi::FrameInfo;
use std::collections::{BTreeMap, HashMap};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
#[derive(Default)]
pub struct Background {
    logs: Logs,
    /// Per tab: when its badge was last counted, and what counting took (ms).
    badged: HashMap<i64, (f64, f64)>,
}

/// The badge is counted after a batch (never per message), at most once a second, and at most
/// once in twenty times what counting took: it pairs the whole log (a burst of round trips
/// spent 15 % of the background's time in it counted every second).
const BADGE_PACE: Pace = Pace {
    least_ms: 1000.0,
    duty: 20.0,
    most_ms: f64::INFINITY,
};

#[wasm_bindgen]
impl Background {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Background {
        Background::default()
    }

    /// Rebuilds every tab's log from what `storage.session` holds (`get(null)`), after the
    /// browser stopped the background. Returns why any tab could not be restored.
    pub fn restore(&mut self, stored: &JsValue) -> Vec<String> {
        let mut entries = BTreeMap::new();
        for entry in js_sys::Object::entries(&js_sys::Object::from(stored.clone())).iter() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(key), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                entries.insert(key, value);
            }
        }
        let (logs, errors) = Logs::restore(&entries);
        self.logs = logs;
        errors
    }

    /// Keeps the lines a frame sent (`frame_json`: its [`FrameInfo`] as the content script
    /// describes it; `browser_frame_id` negative when not stamped; `lost` and `foreign_lost` its
    /// running totals). Returns the new records as
    /// the JSON of batches of at most [`PANEL_MESSAGE_BYTES`] each when `want_batch` (a panel
    /// listens) and there are any (a burst can make a batch larger than one message may be).
    #[allow(clippy::too_many_arguments)]
    pub fn ingest(
        &mut self,
        tab: f64,
        frame_json: &str,
        browser_frame_id: i32,
        first_seq: f64,
        text: &str,
        lost: f64,
        foreign_lost: f64,
        want_batch: bool,
    ) -> Result<Vec<String>, String> {
        let mut frame: FrameInfo = serde_json::from_str(frame_json)
            .map_err(|e| format!("a frame's description is unreadable: {e}: {frame_json}"))?;
        frame.browser_frame_id = (browser_frame_id >= 0).then_some(browser_frame_id.into());
        let batch = self.logs.tab(tab as i64).ingest(
            frame,
            first_seq as u64,
            text,
            lost as u64,
            foreign_lost as u64,
            want_batch,
        );
        if !want_batch || batch.is_empty() {
            return Ok(Vec::new());
        }
        Ok(batch.to_json_parts(PANEL_MESSAGE_BYTES))
    }

    /// A frame's document went (its port closed, or it said goodbye).
    #[wasm_bindgen(js_name = endFrame)]
    pub fn end_frame(&mut self, tab: f64, key: &str, at: f64) {
        if self.logs.get(tab as i64).is_some() {
            self.logs.tab(tab as i64).end_frame(key, at);
        }
    }

    /// Everything a tab holds, as replay batches (JSON) for a panel that connects.
    pub fn history(&mut self, tab: f64) -> Vec<String> {
        if self.logs.get(tab as i64).is_none() {
            return Vec::new();
        }
        let history = self.logs.tab(tab as i64).history();
        history
            .iter()
            .flat_map(|batch| batch.to_json_parts(PANEL_MESSAGE_BYTES))
            .collect()
    }

    /// The tab's requests and how they ended, as JSON (`requests`, `failed`, `timedOut`,
    /// `rateLimited`), for its badge: what counting took sets when it may be counted again
    /// ([`Background::badge_wait`]).
    pub fn counts(&mut self, tab: f64, now: f64) -> String {
        let counts = if self.logs.get(tab as i64).is_some() {
            self.logs.tab(tab as i64).counts(now)
        } else {
            Default::default()
        };
        self.badged
            .insert(tab as i64, (now, (js_sys::Date::now() - now).max(0.0)));
        serde_json::to_string(&counts).expect("counts always serialize")
    }

    /// How long from `now` (ms) until the tab's badge may be counted again; zero or less: now.
    #[wasm_bindgen(js_name = badgeWait)]
    pub fn badge_wait(&self, tab: f64, now: f64) -> f64 {
        match self.badged.get(&(tab as i64)) {
            Some(&(last, took)) => BADGE_PACE.wait(last, took, now),
            None => 0.0,
        }
    }

    /// Storage writes since the last call, as JSON: `set` (key → text), `remove` (keys) and
    /// `acks` ([tab, frame key, next seq]: what frames may stop holding once written).
    #[wasm_bindgen(js_name = takeWrites)]
    pub fn take_writes(&mut self) -> String {
        serde_json::to_string(&self.logs.take_writes()).expect("writes always serialize")
    }

    /// Forgets a closed tab; returns the storage keys to remove.
    #[wasm_bindgen(js_name = removeTab)]
    pub fn remove_tab(&mut self, tab: f64) -> Vec<String> {
        self.badged.remove(&(tab as i64));
        self.logs.remove(tab as i64)
    }

    /// Tabs that hold a log.
    pub fn tabs(&self) -> Vec<f64> {
        self.logs.tabs().map(|tab| tab as f64).collect()
    }

    /// Why a line of the tab could not be read, once (for the console).
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&mut self, tab: f64) -> Option<String> {
        self.logs.get(tab as i64)?;
        self.logs.tab(tab as i64).take_error()
    }
}

#[cfg(test)]
mod tests;
