//! What the panel keeps across sessions and reads from disk: the options pasted per site, its
//! preferences, an options file; and the clipboard. Browser only; elsewhere (native tests)
//! nothing is kept, read or copied.

use crate::prefs::Prefs;

const PREFS_KEY: &str = "scapi-inspector:prefs";

/// The preferences kept from the last session (defaults when none).
pub fn load_prefs() -> Prefs {
    #[cfg(target_arch = "wasm32")]
    {
        let stored = web_sys::window()
            .and_then(|window| window.local_storage().ok().flatten())
            .and_then(|storage| storage.get_item(PREFS_KEY).ok().flatten());
        if let Some(text) = stored {
            return Prefs::from_text(&text);
        }
    }
    Prefs::default()
}

pub fn save_prefs(prefs: &Prefs) {
    #[cfg(target_arch = "wasm32")]
    if let Some(storage) =
        web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    {
        let _ = storage.set_item(PREFS_KEY, &prefs.to_text());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (prefs, PREFS_KEY);
}

/// Saves text as a file the browser downloads.
pub fn download_text(name: &str, text: &str, mime: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::bridge::download_text(name, text, mime);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (name, text, mime);
}

/// Copies text to the clipboard; `on_done(true)` when it worked.
pub fn copy_text(text: &str, on_done: impl FnOnce(bool) + 'static) {
    #[cfg(target_arch = "wasm32")]
    crate::bridge::copy_text(text, on_done);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        on_done(false);
    }
}

/// Calls `on_loaded` with the options kept for `site` ("" when none).
pub fn load_options(site: &str, on_loaded: impl FnOnce(String) + 'static) {
    #[cfg(target_arch = "wasm32")]
    crate::bridge::load_options(site, on_loaded);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = site;
        on_loaded(String::new());
    }
}

/// Keeps the options of `site`; empty text forgets them.
pub fn save_options(site: &str, text: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::bridge::save_options(site, text);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (site, text);
}

/// Reads the file chosen in a file input: `on_text(text, file name)`.
pub fn read_chosen_file(
    input: &yew::NodeRef,
    on_text: impl FnOnce(String, String) + 'static,
    on_error: impl FnOnce(String) + 'static,
) {
    #[cfg(target_arch = "wasm32")]
    if let Some(input) = input.cast::<web_sys::HtmlInputElement>() {
        crate::bridge::read_chosen_file(&input, on_text, on_error);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (input, on_text);
        on_error("no files outside the browser".to_owned());
    }
}

/// Has the app frame `key` (or, for a frame known by its place only, the frame at `place`, JSON)
/// of the inspected tab post a console message (`detail`: the target and the message as JSON
/// text); `on_done(Err(reason))` when it was not posted.
pub fn send_as_app(
    key: &str,
    place: &str,
    detail: &str,
    on_done: impl FnOnce(Result<(), String>) + 'static,
) {
    #[cfg(target_arch = "wasm32")]
    match crate::bridge::tab_to_inspect() {
        Ok(tab_id) => {
            crate::bridge::send_as_app(tab_id, key, place, detail, move |posted| {
                on_done(if posted {
                    Ok(())
                } else {
                    Err("the frame did not post it: it went away, or the window it talks to is gone".to_owned())
                })
            })
        }
        Err(reason) => on_done(Err(reason)),
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (key, place, detail);
        on_done(Err("not running in a browser".to_owned()));
    }
}

/// Calls `on_loaded` with the text kept under `key` in extension storage ("" when none).
pub fn load_stored(key: &str, on_loaded: impl FnOnce(String) + 'static) {
    #[cfg(target_arch = "wasm32")]
    crate::bridge::load_stored(key, on_loaded);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        on_loaded(String::new());
    }
}

/// Keeps text under `key` in extension storage.
pub fn save_stored(key: &str, text: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::bridge::save_stored(key, text);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, text);
}

/// An import under way (see `import_task`): `cancel` stops it.
#[cfg(target_arch = "wasm32")]
pub type ImportRunning = crate::import_task::Running;

/// An import under way; outside the browser there are none.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct ImportRunning;

#[cfg(not(target_arch = "wasm32"))]
impl ImportRunning {
    pub fn cancel(&self) {}
}

/// Imports the HAR file chosen in `input` a slice at a time: `on_progress` as it goes, then
/// `on_done` (unless cancelled). `None` when no file was chosen or it was refused at once.
pub fn import_file(
    input: &yew::NodeRef,
    on_progress: impl Fn(crate::import_task::Progress) + 'static,
    on_done: impl FnOnce(Result<crate::har_io::Imported, String>) + 'static,
) -> Option<ImportRunning> {
    #[cfg(target_arch = "wasm32")]
    {
        let input = input.cast::<web_sys::HtmlInputElement>()?;
        crate::import_task::start(&input, on_progress, on_done)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (input, on_progress);
        on_done(Err("no files outside the browser".to_owned()));
        None
    }
}
