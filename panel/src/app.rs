//! The panel's root component: connects to the background, keeps the store, renders the list and
//! the selected record.

use crate::store::Store;
use crate::view::{details::details, row::row, toolbar::toolbar, toolbar::Connection};
use std::rc::Rc;
use yew::prelude::*;

/// Bumped whenever the store changes, so that the component renders again.
#[derive(Default, PartialEq)]
struct Version(u64);

impl Reducible for Version {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Version(self.0 + 1))
    }
}

/// A record's identity that survives inserts before it: (frame index, seq).
type RecordId = (usize, u64);

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Connect to the background on mount (off in component tests, which feed the store directly).
    #[prop_or(true)]
    pub connect: bool,
    /// Batches to show at start, as JSON (used by tests).
    #[prop_or_default]
    pub initial_batches: Vec<String>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let store = use_mut_ref(|| {
        let mut store = Store::default();
        for text in &props.initial_batches {
            if let Ok(batch) = scapi::Batch::from_json(text) {
                store.apply(batch, -1);
            }
        }
        store
    });
    let version = use_reducer(Version::default);
    let connection = use_state(|| Connection::Connecting);
    let selected = use_state(|| None::<RecordId>);
    let list_ref = use_node_ref();
    let follow = use_mut_ref(|| true);

    {
        let store = store.clone();
        let bump = version.dispatcher();
        let connection = connection.setter();
        let connect = props.connect;
        use_effect_with((), move |_| {
            if connect {
                start(store, bump, connection);
            }
        });
    }
    {
        // Live tail: stay at the bottom while the user has not scrolled up.
        let list_ref = list_ref.clone();
        let follow = follow.clone();
        use_effect_with(version.0, move |_| {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                if *follow.borrow() {
                    list.set_scroll_top(list.scroll_height());
                }
            }
        });
    }

    let store_ref = store.borrow();
    let rows = store_ref.rows();
    let on_clear = {
        let store = store.clone();
        let bump = version.dispatcher();
        let selected = selected.clone();
        Callback::from(move |_| {
            store.borrow_mut().clear();
            selected.set(None);
            bump.dispatch(());
        })
    };
    let onscroll = {
        let list_ref = list_ref.clone();
        let follow = follow.clone();
        Callback::from(move |_: Event| {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                *follow.borrow_mut() =
                    list.scroll_top() + list.client_height() >= list.scroll_height() - 4;
            }
        })
    };
    let position =
        (*selected).and_then(|id| rows.iter().position(|r| (r.frame, r.record.seq) == id));
    let onkeydown = {
        let selected = selected.clone();
        let ids: Vec<RecordId> = rows.iter().map(|r| (r.frame, r.record.seq)).collect();
        Callback::from(move |event: KeyboardEvent| {
            let next = match (event.key().as_str(), position) {
                ("ArrowDown", Some(at)) => (at + 1).min(ids.len().saturating_sub(1)),
                ("ArrowUp", Some(at)) => at.saturating_sub(1),
                ("ArrowDown" | "ArrowUp", None) if !ids.is_empty() => ids.len() - 1,
                ("Escape", _) => {
                    selected.set(None);
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            selected.set(ids.get(next).copied());
        })
    };

    let list: Html = rows
        .iter()
        .map(|r| {
            let id = (r.frame, r.record.seq);
            let select = {
                let selected = selected.clone();
                Callback::from(move |_| selected.set(Some(id)))
            };
            row(r, store_ref.frame(r.frame), *selected == Some(id), select)
        })
        .collect();
    let detail = position
        .map(|at| details(&rows[at], store_ref.frame(rows[at].frame)))
        .unwrap_or_else(|| html! {
            <section class="details empty" data-testid="record-details-empty">{ "Select a record to see it in full." }</section>
        });

    html! {
        <div class="app">
            { toolbar(&connection, rows.len(), store_ref.dropped(), on_clear) }
            <main class="split">
                <div class="list" role="grid" aria-label="Captured SCAPI messages" tabindex="0"
                    ref={list_ref} {onscroll} {onkeydown}>
                    <div role="row" class="row head">
                        <span role="columnheader" class="cell time">{ "Time" }</span>
                        <span role="columnheader" class="cell direction">{ "Direction" }</span>
                        <span role="columnheader" class="cell frame">{ "Frame" }</span>
                        <span role="columnheader" class="cell kind">{ "Kind" }</span>
                        <span role="columnheader" class="cell name">{ "Name" }</span>
                        <span role="columnheader" class="cell summary">{ "Summary" }</span>
                    </div>
                    { list }
                    if rows.is_empty() {
                        <p class="placeholder">{ "No SCAPI traffic captured in this tab yet." }</p>
                    }
                </div>
                { detail }
            </main>
        </div>
    }
}

#[cfg(target_arch = "wasm32")]
fn start(
    store: Rc<std::cell::RefCell<Store>>,
    bump: UseReducerDispatcher<Version>,
    connection: UseStateSetter<Connection>,
) {
    use crate::bridge;
    if let Some(element) = gloo_utils_document_element() {
        let theme = match bridge::devtools_theme().as_deref() {
            Some("dark") => "dark",
            Some(_) => "light",
            None => "auto",
        };
        let _ = element.set_attribute("data-theme", theme);
    }
    let tab_id = match bridge::tab_to_inspect() {
        Ok(tab_id) => tab_id,
        Err(reason) => {
            connection.set(Connection::Failed(reason));
            return;
        }
    };
    let on_state = {
        let connection = connection.clone();
        move |state: String, detail: String| {
            connection.set(match state.as_str() {
                "connected" => Connection::Connected,
                "reconnecting" => Connection::Reconnecting,
                _ => Connection::Failed(detail),
            })
        }
    };
    bridge::connect(
        tab_id,
        move |json, browser_frame_id| match scapi::Batch::from_json(&json) {
            Ok(batch) => {
                if store.borrow_mut().apply(batch, browser_frame_id) > 0 {
                    bump.dispatch(());
                }
            }
            Err(error) => web_sys::console::warn_1(&error.into()),
        },
        on_state,
    );
}

#[cfg(target_arch = "wasm32")]
fn gloo_utils_document_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

#[cfg(not(target_arch = "wasm32"))]
fn start(
    _: Rc<std::cell::RefCell<Store>>,
    _: UseReducerDispatcher<Version>,
    connection: UseStateSetter<Connection>,
) {
    connection.set(Connection::Failed("not running in a browser".to_owned()));
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
