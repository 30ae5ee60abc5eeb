//! The content script's wasm half. The loader (`extension/content/loader.js`) hands it the lines
//! the page hook dispatched; it keeps them in the frame's bounded buffer and, when a panel listens,
//! decodes them with the core crate into JSON batches for the background.

use scapi::buffer::DEFAULT_FRAME_CAPACITY;
use scapi::{FrameBuffer, FrameInfo, FramePlacement};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct ContentScript {
    buffer: FrameBuffer,
}

#[wasm_bindgen]
impl ContentScript {
    /// `frame_key` names this document instance; `depth` counts its ancestors,
    /// `index_in_parent` is its index in `parent.frames` (negative for none); `started` is the
    /// document's `performance.timeOrigin`; `capacity` 0 means the default bound.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        frame_key: String,
        url: String,
        origin: String,
        depth: u32,
        index_in_parent: i32,
        has_opener: bool,
        started: f64,
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
            is_top: depth == 0,
            placement: FramePlacement {
                depth,
                index_in_parent: u32::try_from(index_in_parent).ok(),
                has_opener,
            },
            browser_frame_id: None,
            started,
        };
        ContentScript {
            buffer: FrameBuffer::new(frame, capacity),
        }
    }

    /// Keeps the hook's raw capture records, one per line (the hook batches them).
    #[wasm_bindgen(js_name = ingestLines)]
    pub fn ingest_lines(&mut self, lines: &str) {
        for line in lines.split('\n').filter(|line| !line.is_empty()) {
            self.buffer.push_line(line.to_owned());
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
        self.buffer.replay().to_json()
    }

    /// Why a hook line could not be read (once), for the console.
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&mut self) -> Option<String> {
        self.buffer.take_error()
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
}

#[cfg(test)]
mod tests;
