//! What the panel keeps across sessions and reads from disk: the options pasted per site, an
//! options file. Browser only; elsewhere (native tests) nothing is kept and nothing is read.

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

/// Reads the file chosen in the options file input.
pub fn read_chosen_file(
    input: &yew::NodeRef,
    on_text: impl FnOnce(String) + 'static,
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
