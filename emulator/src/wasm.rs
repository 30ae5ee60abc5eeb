//! The host page's handle on the service (wasm-bindgen). Every method that can make the page act
//! returns a JSON array of [`Action`]s as text; the glue (`site/host.js`) parses and carries them
//! out. Times are `Date.now()` from the page.

use crate::service::{Action, HostAction, Service, SourceKind};
use serde_json::Value;
use wasm_bindgen::prelude::*;

fn actions_json(actions: Vec<Action>) -> String {
    serde_json::to_string(&actions).expect("actions are plain JSON")
}

#[wasm_bindgen]
pub struct EmulatorService {
    inner: Service,
}

#[wasm_bindgen]
impl EmulatorService {
    /// A Workspace tab under the options text; throws the option errors (line, column, problem)
    /// when it does not read.
    #[wasm_bindgen(constructor)]
    pub fn new(options_text: &str, tab_id: &str, now: f64) -> Result<EmulatorService, JsError> {
        Service::new(options_text, tab_id, now)
            .map(|inner| EmulatorService { inner })
            .map_err(|errors| {
                JsError::new(
                    &errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            })
    }

    /// What this tab tells the other tabs when it opens.
    pub fn start(&mut self, now: f64) -> String {
        actions_json(self.inner.start(now))
    }

    /// A window the page embeds: `kind` is `iframe`, `hidden`, `dialog`, `popup` or `window`;
    /// `origin` is the origin of the URL it loads.
    pub fn register(&mut self, key: &str, kind: &str, origin: &str) -> Result<(), JsError> {
        let kind = SourceKind::parse(kind)
            .ok_or_else(|| JsError::new(&format!("unknown window kind `{kind}`")))?;
        self.inner.register(key, kind, origin);
        Ok(())
    }

    /// The window finished loading: it gets its frameId when its origin is accepted.
    pub fn attach(&mut self, key: &str, now: f64) -> String {
        actions_json(self.inner.attach(key, now))
    }

    pub fn detach(&mut self, key: &str) {
        self.inner.detach(key);
    }

    /// A message the window `key` posted, as JSON text, with its `event.origin`.
    pub fn receive(&mut self, key: &str, origin: &str, data_json: &str, now: f64) -> String {
        match serde_json::from_str::<Value>(data_json) {
            Ok(data) => actions_json(self.inner.receive(key, origin, &data, now)),
            Err(_) => "[]".to_owned(),
        }
    }

    /// Timers: calls answered, toasts closing, the connection going down, the tab election.
    pub fn tick(&mut self, now: f64) -> String {
        actions_json(self.inner.tick(now))
    }

    /// A message from another Workspace tab (BroadcastChannel), as JSON text.
    #[wasm_bindgen(js_name = tabMessage)]
    pub fn tab_message(&mut self, message_json: &str, now: f64) -> String {
        match serde_json::from_str::<Value>(message_json) {
            Ok(message) => actions_json(self.inner.tab_message(&message, now)),
            Err(_) => "[]".to_owned(),
        }
    }

    #[wasm_bindgen(js_name = tabActivated)]
    pub fn tab_activated(&mut self, now: f64) -> String {
        actions_json(self.inner.tab_activated(now))
    }

    #[wasm_bindgen(js_name = tabClosing)]
    pub fn tab_closing(&mut self, now: f64) -> String {
        actions_json(self.inner.tab_closing(now))
    }

    #[wasm_bindgen(js_name = setTabVisible)]
    pub fn set_tab_visible(&mut self, visible: bool) {
        self.inner.set_tab_visible(visible);
    }

    /// A host control by name (`incomingCall`, `connectionLost`, …).
    #[wasm_bindgen(js_name = hostAction)]
    pub fn host_action(&mut self, name: &str, now: f64) -> Result<String, JsError> {
        let action = HostAction::parse(name)
            .ok_or_else(|| JsError::new(&format!("unknown host action `{name}`")))?;
        Ok(actions_json(self.inner.host_action(action, now)))
    }

    /// The names of every host control, as a JSON array.
    #[wasm_bindgen(js_name = hostActions)]
    pub fn host_actions() -> String {
        serde_json::to_string(&HostAction::ALL).expect("plain JSON")
    }

    #[wasm_bindgen(js_name = toastButtonClicked)]
    pub fn toast_button_clicked(&mut self, toast_id: &str, index: u32, now: f64) -> String {
        actions_json(self.inner.toast_button_clicked(toast_id, index, now))
    }

    #[wasm_bindgen(js_name = dialogClosed)]
    pub fn dialog_closed(&mut self, dialog_id: &str, now: f64) {
        self.inner.dialog_closed(dialog_id, now);
    }

    /// The state panel of the page, as HTML.
    #[wasm_bindgen(js_name = viewHtml)]
    pub fn view_html(&self) -> String {
        self.inner.view_html()
    }
}
