//! The panel's root component: connects to the background, keeps the store and the site's
//! Workspace options, renders the list and the side pane (the selected record, the findings, the
//! options, rate limits, user data).

use crate::analysis::{state_text, Analysis};
use crate::persist;
use crate::policy::{Outcome, PolicyState};
use crate::store::{Row, Store};
use crate::view::details::details;
use crate::view::findings::findings;
use crate::view::policy::{policy_view, PolicyViewProps};
use crate::view::rates::rates_view;
use crate::view::row::{row, Status};
use crate::view::toolbar::{toolbar, Connection, Side, ToolbarProps};
use crate::view::user_data::user_data_view;
use crate::view::verdict::{read_cell, request_cell, PolicyCell};
use scapi::correlate::RecordRef;
use scapi::findings::Severity;
use scapi::Message;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Bumped whenever the store changes, so that the component renders again.
#[derive(Default, PartialEq)]
pub struct Version(u64);

impl Reducible for Version {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Version(self.0 + 1))
    }
}

/// A record's identity that survives inserts before it: (frame index, seq).
type RecordId = (usize, u64);

/// The analysis and the store version it was made for.
type AnalysisCache = Rc<RefCell<Option<(u64, Analysis)>>>;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Connect to the background on mount (off in component tests, which feed the store directly).
    #[prop_or(true)]
    pub connect: bool,
    /// Batches to show at start, as JSON (used by tests).
    #[prop_or_default]
    pub initial_batches: Vec<String>,
}

/// The time states are judged at: now in the browser, the last record's time elsewhere.
fn now(store: &Store) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = store;
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        store.rows().last().map_or(0.0, |row| row.record.time)
    }
}

fn refresh(cache: &AnalysisCache, store: &Store, policy: &PolicyState, version: u64) {
    let at = now(store);
    let mut cache = cache.borrow_mut();
    let current = matches!(&*cache, Some((v, analysis)) if *v == version && !analysis.stale_at(at));
    if !current {
        *cache = Some((version, Analysis::of(store, at, policy.options())));
    }
}

/// The site whose options apply: the origin of the tab's top frame, once captured.
fn site_of(store: &Store) -> Option<String> {
    store
        .frames()
        .iter()
        .find(|frame| frame.info.is_top)
        .map(|frame| frame.info.origin.clone())
}

fn policy_cell(analysis: &Analysis, row: &Row, frame_key: &str) -> Option<PolicyCell> {
    match analysis.request_check(frame_key, row.record.seq) {
        Some(check) => request_cell(check),
        None => read_cell(&analysis.read_checks(frame_key, row.record.seq)),
    }
}

fn status(analysis: &Analysis, row: &Row, frame_key: &str) -> Status {
    let exchange = analysis.exchange(frame_key, row.record.seq)?;
    let text = state_text(exchange);
    let text = match &row.record.decoded.message {
        Message::Response { .. } => match &exchange.name {
            Some(name) => format!(
                "↩ {name} {}",
                text.split_once(' ').map_or("", |(_, rest)| rest)
            ),
            None => text,
        },
        _ => text,
    };
    Some((text.trim_end().to_owned(), exchange.state.label()))
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
    let side = use_state(|| Side::Details);
    let cache: AnalysisCache = use_mut_ref(|| None);
    let policy = use_mut_ref(PolicyState::default);
    let options_text = use_node_ref();
    let options_file = use_node_ref();
    let file_error = use_state(|| None::<String>);
    let list_ref = use_node_ref();
    let follow = use_mut_ref(|| true);

    {
        let store = store.clone();
        let bump = version.dispatcher();
        let connection = connection.setter();
        let cache = cache.clone();
        let connect = props.connect;
        use_effect_with((), move |_| {
            if connect {
                start(store, bump, connection, cache);
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

    {
        // Once the tab's top frame is known, load the options kept for its site.
        let site = site_of(&store.borrow());
        let policy = policy.clone();
        let bump = version.dispatcher();
        use_effect_with(site, move |site| {
            if let Some(site) = site.clone() {
                let key = site.clone();
                persist::load_options(&key, move |text| {
                    let mut state = policy.borrow_mut();
                    // Text pasted before the site was known stays; it is kept for the site.
                    if state.text.is_empty() {
                        state.set(Some(site), text);
                    } else {
                        state.site = Some(site.clone());
                        if state.worth_keeping() {
                            persist::save_options(&site, &state.text);
                        }
                    }
                    drop(state);
                    bump.dispatch(());
                });
            }
        });
    }

    refresh(&cache, &store.borrow(), &policy.borrow(), version.0);
    let cache_ref = cache.borrow();
    let analysis = &cache_ref.as_ref().expect("refreshed above").1;
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
    let on_side = {
        let side = side.clone();
        Callback::from(move |target: Side| side.set(target))
    };
    // Options: apply what is in the text area, clear them, or load a file into it.
    let apply_text = {
        let policy = policy.clone();
        let bump = version.dispatcher();
        let file_error = file_error.clone();
        let store = store.clone();
        Callback::from(move |text: String| {
            let site = site_of(&store.borrow());
            let mut state = policy.borrow_mut();
            state.set(site.clone(), text);
            if let Some(site) = &site {
                if state.worth_keeping() {
                    persist::save_options(site, &state.text);
                }
            }
            drop(state);
            file_error.set(None);
            bump.dispatch(());
        })
    };
    let on_apply = {
        let options_text = options_text.clone();
        let apply_text = apply_text.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = options_text.cast::<web_sys::HtmlTextAreaElement>() {
                apply_text.emit(area.value());
            }
        })
    };
    let on_clear_options = {
        let apply_text = apply_text.clone();
        let options_text = options_text.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = options_text.cast::<web_sys::HtmlTextAreaElement>() {
                area.set_value("");
            }
            apply_text.emit(String::new());
        })
    };
    let on_file = {
        let options_file = options_file.clone();
        let options_text = options_text.clone();
        let apply_text = apply_text.clone();
        let file_error = file_error.clone();
        Callback::from(move |_: Event| {
            let options_text = options_text.clone();
            let apply_text = apply_text.clone();
            let file_error = file_error.clone();
            persist::read_chosen_file(
                &options_file,
                move |text| {
                    if let Some(area) = options_text.cast::<web_sys::HtmlTextAreaElement>() {
                        area.set_value(&text);
                    }
                    apply_text.emit(text);
                },
                move |error| file_error.set(Some(error)),
            );
        })
    };
    // Select a record named by frame key and seq, show it in the details and scroll to it.
    let select_ref = {
        let store = store.clone();
        let selected = selected.clone();
        let side = side.clone();
        let follow = follow.clone();
        Callback::from(move |target: RecordRef| {
            if let Some(frame) = store.borrow().frame_position(&target.frame) {
                *follow.borrow_mut() = false;
                selected.set(Some((frame, target.seq)));
                side.set(Side::Details);
                scroll_to(&target);
            }
        })
    };
    let on_show = {
        let select_ref = select_ref.clone();
        Callback::from(move |records: Vec<RecordRef>| {
            if let Some(first) = records.into_iter().next() {
                select_ref.emit(first);
            }
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
            let frame = store_ref.frame(r.frame);
            let status = status(analysis, r, &frame.info.key);
            let policy = policy_cell(analysis, r, &frame.info.key);
            row(r, frame, *selected == Some(id), status, policy, select)
        })
        .collect();
    let policy_ref = policy.borrow();
    let pane = match *side {
        Side::Findings => findings(&analysis.findings, on_show),
        Side::Policy => policy_view(PolicyViewProps {
            state: &policy_ref,
            audit: &analysis.audit,
            text_ref: options_text.clone(),
            file_ref: options_file.clone(),
            on_apply,
            on_clear: on_clear_options,
            on_file,
            file_error: (*file_error).clone(),
        }),
        Side::Rates => rates_view(&analysis.audit, on_show),
        Side::UserData => user_data_view(&analysis.audit, on_show),
        Side::Details => match position {
            Some(at) => {
                let frame = store_ref.frame(rows[at].frame);
                let seq = rows[at].record.seq;
                let exchange = analysis
                    .exchange(&frame.info.key, seq)
                    .map(|exchange| (exchange, select_ref.clone()));
                let checks = (
                    analysis.request_check(&frame.info.key, seq),
                    analysis.read_checks(&frame.info.key, seq),
                );
                details(&rows[at], frame, exchange, checks)
            }
            None => html! {
                <section class="details empty" data-testid="record-details-empty">{ "Select a record to see it in full." }</section>
            },
        },
    };
    let options_state = match policy_ref.outcome {
        Outcome::None => "none",
        Outcome::Applied(_) => "applied",
        Outcome::Rejected(_) => "rejected",
    };
    let count = |severity: Severity| {
        analysis
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };

    html! {
        <div class="app">
            { toolbar(ToolbarProps {
                connection: &connection,
                records: rows.len(),
                dropped: store_ref.dropped(),
                findings: (count(Severity::Error), count(Severity::Warning), count(Severity::Info)),
                side: *side,
                options: options_state,
                on_clear,
                on_side,
            }) }
            <main class="split">
                <div class="list" role="grid" aria-label="Captured SCAPI messages" tabindex="0"
                    ref={list_ref} {onscroll} {onkeydown}>
                    <div role="row" class="row head">
                        <span role="columnheader" class="cell time">{ "Time" }</span>
                        <span role="columnheader" class="cell direction">{ "Direction" }</span>
                        <span role="columnheader" class="cell frame">{ "Frame" }</span>
                        <span role="columnheader" class="cell kind">{ "Kind" }</span>
                        <span role="columnheader" class="cell name">{ "Name" }</span>
                        <span role="columnheader" class="cell status">{ "Status" }</span>
                        <span role="columnheader" class="cell verdict" title="What Workspace does with it under the pasted options (with ? : read off the capture)">{ "Policy" }</span>
                        <span role="columnheader" class="cell summary">{ "Summary" }</span>
                    </div>
                    { list }
                    if rows.is_empty() {
                        <p class="placeholder">{ "No SCAPI traffic captured in this tab yet." }</p>
                    }
                </div>
                { pane }
            </main>
        </div>
    }
}

/// Brings a record's row into view (after the render that selects it).
fn scroll_to(target: &RecordRef) {
    #[cfg(target_arch = "wasm32")]
    {
        let selector = format!(
            "[data-testid=record-row][data-frame-key=\"{}\"][data-seq=\"{}\"]",
            target.frame, target.seq
        );
        let scroll = move || {
            if let Some(row) = web_sys::window()
                .and_then(|window| window.document())
                .and_then(|document| document.query_selector(&selector).ok().flatten())
            {
                row.scroll_into_view_with_bool(false);
            }
        };
        let callback = wasm_bindgen::closure::Closure::once_into_js(scroll);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(callback.unchecked_ref());
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = target;
}

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

#[cfg(target_arch = "wasm32")]
fn start(
    store: Rc<RefCell<Store>>,
    bump: UseReducerDispatcher<Version>,
    connection: UseStateSetter<Connection>,
    cache: AnalysisCache,
) {
    use crate::bridge;
    if let Some(element) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
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
    // A pending request turns "timed out" 10 s after it was sent, with or without new records.
    {
        let bump = bump.clone();
        let tick = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            let stale = cache
                .borrow()
                .as_ref()
                .is_some_and(|(_, analysis)| analysis.stale_at(js_sys::Date::now()));
            if stale {
                bump.dispatch(());
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                1000,
            );
        }
        tick.forget(); // lives as long as the panel
    }
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

#[cfg(not(target_arch = "wasm32"))]
fn start(
    _: Rc<RefCell<Store>>,
    _: UseReducerDispatcher<Version>,
    connection: UseStateSetter<Connection>,
    _: AnalysisCache,
) {
    connection.set(Connection::Failed("not running in a browser".to_owned()));
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
