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
