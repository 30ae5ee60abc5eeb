//! Importing a HAR file without freezing the panel: the file is read a block at a time
//! (`File.slice`), each block fed to the [`Importer`] in small pieces until a slice's time is up,
//! then the panel yields to the browser (paint, input, the live capture) before the next slice.
//! Progress is reported as it goes; a cancelled import lets the file go and leaves the list as
//! it was. The pure part ([`Feed`], [`run_slice`]) is tested natively; the driver is browser only.

use crate::har_io::Importer;

/// Bytes read from the file at a time (one `File.slice`).
pub const BLOCK: usize = 4 * 1024 * 1024;
/// Bytes fed to the importer at a time: about a hundred records, well under a millisecond.
pub const PIECE: usize = 16 * 1024;
/// Work per slice before the panel yields: under a frame (16 ms) with room for the paint.
pub const SLICE_MS: f64 = 12.0;

/// The block of the file being fed.
#[derive(Debug, Default)]
pub struct Feed {
    block: Vec<u8>,
    at: usize,
}

impl Feed {
    /// The next block of the file, read.
    pub fn load(&mut self, block: Vec<u8>) {
        self.block = block;
        self.at = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.block.len()
    }
}

/// What a slice ended with.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Its time was up: go on after yielding.
    Yield,
    /// The block is fed: read the next one (or finish at the file's end).
    NeedBlock,
    /// The file cannot be imported (not a HAR, or beyond the panel's limits).
    Failed(String),
}

/// Feeds the block piece by piece until `budget_ms` of `clock` has passed since the slice began
/// (at least one piece per slice, so an import always moves on).
pub fn run_slice(
    importer: &mut Importer,
    feed: &mut Feed,
    clock: &mut dyn FnMut() -> f64,
    budget_ms: f64,
) -> Step {
    let started = clock();
    loop {
        if feed.is_empty() {
            feed.block = Vec::new();
            return Step::NeedBlock;
        }
        let end = (feed.at + PIECE).min(feed.block.len());
        if let Err(problem) = importer.feed(&feed.block[feed.at..end]) {
            return Step::Failed(problem);
        }
        feed.at = end;
        if clock() - started >= budget_ms {
            return Step::Yield;
        }
    }
}

/// How far an import is.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub name: String,
    pub records: usize,
    pub bytes: u64,
    pub size: u64,
}

#[cfg(target_arch = "wasm32")]
pub use driver::{start, Running};

#[cfg(target_arch = "wasm32")]
mod driver {
    use super::*;
    use crate::bridge;
    use crate::har_io::{Imported, IMPORT_LIMITS};
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    type Done = Box<dyn FnOnce(Result<Imported, String>)>;

    /// An import under way: cancel it with [`Running::cancel`].
    #[derive(Clone, Debug)]
    pub struct Running {
        cancelled: Rc<Cell<bool>>,
    }

    impl Running {
        /// Stops reading: the file is let go, `on_done` is never called.
        pub fn cancel(&self) {
            self.cancelled.set(true);
        }
    }

    struct Task {
        importer: Option<Importer>,
        feed: Feed,
        file: wasm_bindgen::JsValue,
        name: String,
        size: u64,
        /// Where the next block starts.
        offset: u64,
        cancelled: Rc<Cell<bool>>,
        last_progress: f64,
        on_progress: Rc<dyn Fn(Progress)>,
        on_done: Option<Done>,
    }

    impl Task {
        fn done(&mut self, result: Result<Imported, String>) {
            self.importer = None;
            if let Some(on_done) = self.on_done.take() {
                on_done(result);
            }
        }

        fn progress(&mut self, force: bool) {
            let now = js_sys::Date::now();
            if !force && now - self.last_progress < 100.0 {
                return;
            }
            self.last_progress = now;
            if let Some(importer) = &self.importer {
                (self.on_progress)(Progress {
                    name: self.name.clone(),
                    records: importer.records(),
                    bytes: importer.bytes_read(),
                    size: self.size,
                });
            }
        }
    }

    /// Starts importing the file chosen in `input`; `None` when none is.
    pub fn start(
        input: &web_sys::HtmlInputElement,
        on_progress: impl Fn(Progress) + 'static,
        on_done: impl FnOnce(Result<Imported, String>) + 'static,
    ) -> Option<Running> {
        let (file, name, size) = bridge::chosen_file(input)?;
        let cancelled = Rc::new(Cell::new(false));
        let importer = match Importer::new(&name, size, IMPORT_LIMITS) {
            Ok(importer) => importer,
            Err(problem) => {
                on_done(Err(problem));
                return None;
            }
        };
        let task = Rc::new(RefCell::new(Task {
            importer: Some(importer),
            feed: Feed::default(),
            file,
            name,
            size,
            offset: 0,
            cancelled: cancelled.clone(),
            last_progress: 0.0,
            on_progress: Rc::new(on_progress),
            on_done: Some(Box::new(on_done)),
        }));
        task.borrow_mut().progress(true);
        slice(task);
        Some(Running { cancelled })
    }

    fn slice(task: Rc<RefCell<Task>>) {
        let mut state = task.borrow_mut();
        if state.cancelled.get() {
            state.importer = None;
            return;
        }
        let Task { importer, feed, .. } = &mut *state;
        let Some(importer) = importer.as_mut() else {
            return;
        };
        match run_slice(importer, feed, &mut js_sys::Date::now, SLICE_MS) {
            Step::Yield => {
                state.progress(false);
                drop(state);
                bridge::later(move || slice(task));
            }
            Step::Failed(problem) => state.done(Err(problem)),
            Step::NeedBlock if state.offset >= state.size => {
                // All read: the progress shows it, the browser paints, then the store is made.
                state.progress(true);
                drop(state);
                bridge::later(move || {
                    let mut state = task.borrow_mut();
                    if state.cancelled.get() {
                        state.importer = None;
                        return;
                    }
                    if let Some(result) = state.importer.take().map(Importer::finish) {
                        state.done(result);
                    }
                });
            }
            Step::NeedBlock => {
                state.progress(false);
                let start = state.offset;
                let end = (start + BLOCK as u64).min(state.size);
                state.offset = end;
                let file = state.file.clone();
                drop(state);
                let failed = task.clone();
                bridge::read_block(
                    &file,
                    start,
                    end,
                    move |block| {
                        task.borrow_mut().feed.load(block);
                        slice(task);
                    },
                    move |problem| {
                        let mut state = failed.borrow_mut();
                        if !state.cancelled.get() {
                            state.done(Err(problem));
                        }
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
