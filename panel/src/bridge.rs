//! Bindings to `js/port.js`, which wasm-bindgen ships beside the panel's wasm. Browser only.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/port.js")]
extern "C" {
    #[wasm_bindgen(js_name = inspectedTabId)]
    fn inspected_tab_id_js() -> Option<i32>;
    #[wasm_bindgen(js_name = devtoolsTheme)]
    fn devtools_theme_js() -> Option<String>;
    #[wasm_bindgen(js_name = connectToTab)]
    fn connect_to_tab_js(tab_id: i32, on_batch: &JsValue, on_state: &JsValue);
    #[wasm_bindgen(js_name = loadOptions)]
    fn load_options_js(site: &str, on_loaded: &JsValue);
    #[wasm_bindgen(js_name = saveOptions)]
    fn save_options_js(site: &str, text: &str);
    #[wasm_bindgen(js_name = downloadText)]
    fn download_text_js(name: &str, text: &str, mime: &str);
    #[wasm_bindgen(js_name = copyText)]
    fn copy_text_js(text: &str, on_done: &JsValue);
    #[wasm_bindgen(js_name = popupTabId)]
    fn popup_tab_id_js(on_tab: &JsValue);
    #[wasm_bindgen(js_name = readHistory)]
    fn read_history_js(tab_id: i32, on_batch: &JsValue, on_end: &JsValue);
    #[wasm_bindgen(js_name = openInspector)]
    pub fn open_inspector(tab_id: i32);
    #[wasm_bindgen(js_name = sendAsApp)]
    fn send_as_app_js(tab_id: i32, key: &str, place: &str, detail: &str, on_done: &JsValue);
    #[wasm_bindgen(js_name = loadStored)]
    fn load_stored_js(key: &str, on_loaded: &JsValue);
    #[wasm_bindgen(js_name = saveStored)]
    pub fn save_stored(key: &str, text: &str);
    #[wasm_bindgen(js_name = chosenFile)]
    fn chosen_file_js(input: &web_sys::HtmlInputElement) -> JsValue;
    #[wasm_bindgen(js_name = readBlock)]
    fn read_block_js(file: &JsValue, start: f64, end: f64, on_bytes: &JsValue, on_error: &JsValue);
    #[wasm_bindgen(js_name = later)]
    fn later_js(callback: &JsValue);
    #[wasm_bindgen(js_name = soon)]
    fn soon_js(callback: &JsValue);
    #[wasm_bindgen(js_name = watchShown)]
    fn watch_shown_js(on_change: &JsValue) -> bool;
    #[wasm_bindgen(js_name = readChosenFile)]
    fn read_chosen_file_js(
        input: &web_sys::HtmlInputElement,
        on_text: &JsValue,
        on_error: &JsValue,
    );
}

/// The options kept for a site in extension storage (empty when none); `on_loaded` runs once.
pub fn load_options(site: &str, on_loaded: impl FnOnce(String) + 'static) {
    let on_loaded = Closure::once_into_js(on_loaded);
    load_options_js(site, &on_loaded);
}

/// Keeps (or, for empty text, forgets) the options of a site across sessions.
pub fn save_options(site: &str, text: &str) {
    save_options_js(site, text);
}

/// Reads the file chosen in a file input.
pub fn read_chosen_file(
    input: &web_sys::HtmlInputElement,
    on_text: impl FnOnce(String, String) + 'static,
    on_error: impl FnOnce(String) + 'static,
) {
    let on_text = Closure::once_into_js(on_text);
    let on_error = Closure::once_into_js(on_error);
    read_chosen_file_js(input, &on_text, &on_error);
}

/// The tab to inspect: `?tabId=N` when the panel runs standalone, else DevTools' inspected tab.
pub fn tab_to_inspect() -> Result<i32, String> {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).map_err(|_| "bad URL")?;
    match params.get("tabId") {
        Some(text) => text
            .parse()
            .map_err(|_| format!("?tabId={text} is not a tab id (a whole number)")),
        None => inspected_tab_id_js().ok_or_else(|| {
            "No tab to inspect: open this page from DevTools, or as panel.html?tabId=N".to_owned()
        }),
    }
}

/// DevTools' theme, `"dark"` or `"default"`; `None` outside DevTools.
pub fn devtools_theme() -> Option<String> {
    devtools_theme_js()
}

/// Connects to the background for `tab_id`. The callbacks live as long as the page.
pub fn connect(
    tab_id: i32,
    on_batch: impl Fn(String, i32) + 'static,
    on_state: impl Fn(String, String) + 'static,
) {
    let on_batch = Closure::<dyn Fn(String, i32)>::new(on_batch).into_js_value();
    let on_state = Closure::<dyn Fn(String, String)>::new(on_state).into_js_value();
    connect_to_tab_js(tab_id, &on_batch, &on_state);
}

/// Calls `on_change(shown)` whenever DevTools shows or hides the panel; returns whether it is
/// shown now (standalone, or before DevTools said anything: shown).
pub fn watch_shown(on_change: impl Fn(bool) + 'static) -> bool {
    watch_shown_js(&Closure::<dyn Fn(bool)>::new(on_change).into_js_value())
}

/// Copies text to the clipboard; `on_done(true)` when it worked.
pub fn copy_text(text: &str, on_done: impl FnOnce(bool) + 'static) {
    let on_done = Closure::once_into_js(on_done);
    copy_text_js(text, &on_done);
}

/// Saves text as a file the browser downloads.
pub fn download_text(name: &str, text: &str, mime: &str) {
    download_text_js(name, text, mime);
}

/// The tab the toolbar popup is for (negative when none).
pub fn popup_tab_id(on_tab: impl FnOnce(i32) + 'static) {
    popup_tab_id_js(&Closure::once_into_js(on_tab));
}

/// Reads the tab's log once (no live records): `on_batch` per batch, then `on_end`.
pub fn read_history(
    tab_id: i32,
    on_batch: impl Fn(String) + 'static,
    on_end: impl FnOnce() + 'static,
) {
    let on_batch = Closure::<dyn Fn(String)>::new(on_batch).into_js_value();
    read_history_js(tab_id, &on_batch, &Closure::once_into_js(on_end));
}

/// Asks the background that the app frame `key` (or the one at `place`, JSON) of `tab_id` post a
/// console message (`detail`, see `js/port.js`); `on_done(true)` once the frame's page hook
/// posted it.
pub fn send_as_app(
    tab_id: i32,
    key: &str,
    place: &str,
    detail: &str,
    on_done: impl FnOnce(bool) + 'static,
) {
    send_as_app_js(tab_id, key, place, detail, &Closure::once_into_js(on_done));
}

/// Text kept in extension storage under `key` ("" when none); `on_loaded` runs once.
pub fn load_stored(key: &str, on_loaded: impl FnOnce(String) + 'static) {
    load_stored_js(key, &Closure::once_into_js(on_loaded));
}

/// The file chosen in a file input: (the File, its name, its size); the input is emptied.
pub fn chosen_file(input: &web_sys::HtmlInputElement) -> Option<(JsValue, String, u64)> {
    let file = chosen_file_js(input);
    if file.is_undefined() || file.is_null() {
        return None;
    }
    let field = |name: &str| js_sys::Reflect::get(&file, &JsValue::from_str(name)).ok();
    let name = field("name")
        .and_then(|name| name.as_string())
        .unwrap_or_default();
    let size = field("size").and_then(|size| size.as_f64()).unwrap_or(0.0) as u64;
    Some((file, name, size))
}

/// Reads bytes `start..end` of a File.
pub fn read_block(
    file: &JsValue,
    start: u64,
    end: u64,
    on_bytes: impl FnOnce(Vec<u8>) + 'static,
    on_error: impl FnOnce(String) + 'static,
) {
    let on_bytes = Closure::once_into_js(move |bytes: js_sys::Uint8Array| on_bytes(bytes.to_vec()));
    let on_error = Closure::once_into_js(on_error);
    read_block_js(file, start as f64, end as f64, &on_bytes, &on_error);
}

/// Runs `callback` once the browser has had its turn.
pub fn later(callback: impl FnOnce() + 'static) {
    later_js(&Closure::once_into_js(callback));
}

/// Runs `callback` in a task of its own, soon (no timer's minimum wait): the browser paints and
/// handles input first when it is due to.
pub fn soon(callback: impl FnOnce() + 'static) {
    soon_js(&Closure::once_into_js(callback));
}
