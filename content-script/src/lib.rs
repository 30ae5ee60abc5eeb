//! The content script's wasm half. The loader (`extension/content/loader.js`) hands it each string
//! the page hook dispatched; it decodes them with the core crate into the frame's bounded buffer and
//! gives the loader JSON batches to post to the background.

use scapi::buffer::DEFAULT_FRAME_CAPACITY;
use scapi::{FrameBuffer, FrameInfo, HookRecord};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct ContentScript {
    buffer: FrameBuffer,
    /// Hook strings that were not raw capture records (should never happen; counted, not hidden).
    unreadable: u64,
}

#[wasm_bindgen]
impl ContentScript {
    /// `frame_key` names this document instance; `capacity` 0 means the default bound.
    #[wasm_bindgen(constructor)]
    pub fn new(
        frame_key: String,
        url: String,
        origin: String,
        is_top: bool,
        capacity: usize,
    ) -> ContentScript {
        let capacity = if capacity == 0 {
            DEFAULT_FRAME_CAPACITY
        } else {
            capacity
        };
        let frame = FrameInfo {
            key: frame_key,
            url,
            origin,
            is_top,
            browser_frame_id: None,
        };
        ContentScript {
            buffer: FrameBuffer::new(frame, capacity),
            unreadable: 0,
        }
    }

    /// Takes one record string from the page hook. Returns an error text for a string that is not
    /// a raw capture record; that message is then counted as dropped.
    pub fn ingest(&mut self, detail: &str) -> Result<(), JsError> {
        match HookRecord::parse(detail) {
            Ok(hook) => {
                self.buffer.push(hook);
                Ok(())
            }
            Err(error) => {
                self.unreadable += 1;
                self.buffer.count_dropped(1);
                Err(JsError::new(&format!("page hook record dropped: {error}")))
            }
        }
    }

    /// Counts messages the page lost before they reached this script.
    pub fn count_dropped(&mut self, count: u32) {
        self.buffer.count_dropped(count.into());
    }

    #[wasm_bindgen(js_name = hasNew)]
    pub fn has_new(&self) -> bool {
        self.buffer.has_new()
    }

    /// The batch of records captured since the last call, as JSON; `None` when there are none.
    #[wasm_bindgen(js_name = takeNew)]
    pub fn take_new(&mut self) -> Option<String> {
        self.buffer
            .has_new()
            .then(|| self.buffer.take_new().to_json())
    }

    /// Everything still buffered, as one JSON batch marked as a replay.
    pub fn replay(&mut self) -> String {
        // Replayed records count as sent: a panel that connects gets each record once from here.
        let _ = self.buffer.take_new();
        self.buffer.replay().to_json()
    }

    pub fn len(&self) -> usize {
        self.buffer.len()
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.buffer.is_empty()
    }

    pub fn dropped(&self) -> f64 {
        self.buffer.dropped() as f64
    }

    pub fn unreadable(&self) -> f64 {
        self.unreadable as f64
    }
}

#[cfg(test)]
mod tests;
