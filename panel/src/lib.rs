//! The DevTools panel: a live list of the inspected tab's SCAPI traffic, in Yew.
//!
//! * [`store`]: the records received so far, compact, deduplicated and in time order.
//! * [`analysis`]: pairs, subscriptions, findings and the policy audit over the store's facts.
//! * [`filter`], [`prefs`], [`policy`], [`snippet`], [`user_data_diff`]: the filter grammar, the
//!   remembered preferences, the pasted options, "copy as call", userData changes (all pure).
//! * [`import_task`]: a HAR file imported in slices, with progress and cancel.
//! * [`persist`]: storage, files and the clipboard (browser only).
//! * [`bridge`]: the port to the background and the DevTools environment (`js/port.js`).
//! * [`app`] and [`view`]: the components; [`popup`]: the toolbar button's popup.

pub mod analysis;
pub mod app;
pub mod arrival;
#[cfg(target_arch = "wasm32")]
pub mod bridge;
pub mod console;
pub mod filter;
pub mod har_io;
pub mod import_task;
pub mod persist;
pub mod policy;
pub mod popup;
pub mod prefs;
pub mod snippet;
pub mod store;
pub mod user_data_diff;
pub mod view;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body())
        .expect("panel.html has a body");
    // popup.html loads the same wasm for the toolbar button's popup.
    if root.dataset().get("view").as_deref() == Some("popup") {
        yew::Renderer::<popup::Popup>::with_root(root.into()).render();
        return;
    }
    let props = app::AppProps {
        connect: true,
        initial_batches: Vec::new(),
    };
    yew::Renderer::<app::App>::with_root_and_props(root.into(), props).render();
}
