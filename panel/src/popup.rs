//! The toolbar button's popup: what the current tab captured so far, without DevTools — for the
//! agent who sees the problem and the support engineer who is not at the desk. It reads the tab's
//! log from the background once, counts its requests with the panel's own analysis, saves the
//! same sanitized HAR as the panel's Export, and opens the panel in a tab.

use crate::analysis::Analysis;
use crate::har_io::{self, ExportChoice};
use crate::persist;
use crate::policy::PolicyState;
use crate::store::{Store, DEFAULT_CAP};
use scapi::tab_log::{counts, Counts};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the popup shows of a tab's log.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub records: usize,
    pub counts: Counts,
    /// The tab's site (its top frame's origin), when known.
    pub site: Option<String>,
}

impl Summary {
    pub fn of(store: &Store, analysis: &Analysis) -> Summary {
        Summary {
            records: store.entries().len(),
            counts: counts(&analysis.correlation),
            site: crate::app::site_of(store),
        }
    }
}

/// A store holding a tab's log as the background replays it.
pub fn store_of(batches: impl IntoIterator<Item = scapi::Batch>) -> Store {
    let mut store = Store::with(true, DEFAULT_CAP);
    for batch in batches {
        store.apply(batch, -1);
    }
    store
}

/// The log once read: the store, its options and their analysis.
struct Loaded {
    store: Store,
    policy: PolicyState,
    analysis: Analysis,
}

// Outside a browser the log is never read (native tests render nothing).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Clone, PartialEq)]
enum State {
    Reading,
    NoTab,
    Ready(Summary),
}

#[function_component(Popup)]
pub fn popup() -> Html {
    let state = use_state(|| State::Reading);
    let tab = use_state(|| -1);
    let loaded: Rc<RefCell<Option<Loaded>>> = use_mut_ref(|| None);
    {
        let state = state.clone();
        let tab = tab.clone();
        let loaded = loaded.clone();
        use_effect_with((), move |_| {
            read(state, tab, loaded);
        });
    }
    let on_save = {
        let loaded = loaded.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(loaded) = loaded.borrow().as_ref() {
                let at = js_now();
                let options = loaded.policy.options().map(|_| loaded.policy.text.as_str());
                let text = har_io::export(
                    &loaded.store,
                    &loaded.analysis,
                    options,
                    &ExportChoice::default(),
                    at,
                );
                persist::download_text(
                    &har_io::file_name(&loaded.store, at),
                    &text,
                    "application/json",
                );
            }
        })
    };
    let on_open = {
        let tab = *tab;
        Callback::from(move |_: MouseEvent| open_inspector(tab))
    };
    let body = match &*state {
        State::Reading => html! { <p class="popup-note">{ "Reading this tab's capture…" }</p> },
        State::NoTab => html! { <p class="popup-note">{ "No tab to show." }</p> },
        State::Ready(summary) => summary_view(summary),
    };
    let ready = matches!(&*state, State::Ready(summary) if summary.records > 0);
    html! {
        <main class="popup" data-testid="popup" data-state={ if ready { "ready" } else { "empty" } }>
            <h1>{ "SCAPI Inspector" }</h1>
            { body }
            <div class="popup-actions">
                <button data-testid="popup-save" disabled={!ready} onclick={on_save}
                    title="The same sanitized HAR file as the panel's Export">{ "Save log…" }</button>
                <button data-testid="popup-open" disabled={*tab < 0} onclick={on_open}
                    title="The SCAPI panel for this tab, in a tab of its own">{ "Open inspector" }</button>
            </div>
        </main>
    }
}

fn summary_view(summary: &Summary) -> Html {
    let Counts {
        requests,
        failed,
        timed_out,
        rate_limited,
    } = summary.counts;
    let item = |label: &str, id: &str, value: u64, bad: bool| {
        html! {
            <div class={classes!("popup-count", (bad && value > 0).then_some("bad"))}>
                <dt>{ label.to_owned() }</dt>
                <dd data-testid={id.to_owned()}>{ value }</dd>
            </div>
        }
    };
    html! {
        <>
            <p class="popup-site" data-testid="popup-site">
                { summary.site.clone().unwrap_or_else(|| "No SCAPI traffic captured on this tab yet".to_owned()) }
            </p>
            <dl class="popup-counts">
                { item("Requests", "popup-requests", requests, false) }
                { item("Failed", "popup-failed", failed, true) }
                { item("Timed out", "popup-timed-out", timed_out, true) }
                { item("Rate-limit hits", "popup-rate-limited", rate_limited, true) }
            </dl>
            <p class="popup-note" data-testid="popup-records">
                { format!("{} messages captured", summary.records) }
            </p>
        </>
    }
}

#[cfg(target_arch = "wasm32")]
fn js_now() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(target_arch = "wasm32"))]
fn js_now() -> f64 {
    0.0
}

#[cfg(target_arch = "wasm32")]
fn open_inspector(tab: i32) {
    crate::bridge::open_inspector(tab);
}

#[cfg(not(target_arch = "wasm32"))]
fn open_inspector(_: i32) {}

#[cfg(target_arch = "wasm32")]
fn read(
    state: UseStateHandle<State>,
    tab: UseStateHandle<i32>,
    loaded: Rc<RefCell<Option<Loaded>>>,
) {
    crate::bridge::popup_tab_id(move |id| {
        if id < 0 {
            state.set(State::NoTab);
            return;
        }
        tab.set(id);
        let batches: Rc<RefCell<Vec<scapi::Batch>>> = Rc::default();
        let gathered = batches.clone();
        crate::bridge::read_history(
            id,
            move |json| match scapi::Batch::from_json(&json) {
                Ok(batch) => gathered.borrow_mut().push(batch),
                Err(error) => web_sys::console::warn_1(&error.into()),
            },
            move || {
                let store = store_of(batches.take());
                let Some(site) = crate::app::site_of(&store) else {
                    finish(store, PolicyState::default(), &state, &loaded);
                    return;
                };
                persist::load_options(&site.clone(), move |text| {
                    let mut policy = PolicyState::default();
                    policy.set(Some(site), text);
                    finish(store, policy, &state, &loaded);
                });
            },
        );
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn read(state: UseStateHandle<State>, _: UseStateHandle<i32>, _: Rc<RefCell<Option<Loaded>>>) {
    state.set(State::NoTab);
}

#[cfg(target_arch = "wasm32")]
fn finish(
    store: Store,
    policy: PolicyState,
    state: &UseStateHandle<State>,
    loaded: &Rc<RefCell<Option<Loaded>>>,
) {
    let analysis = Analysis::of(&store, js_now(), policy.options());
    state.set(State::Ready(Summary::of(&store, &analysis)));
    *loaded.borrow_mut() = Some(Loaded {
        store,
        policy,
        analysis,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use scapi::tab_log::TabLog;
    use scapi::FrameInfo;

    #[test]
    fn the_summary_counts_what_the_tab_log_replays() {
        // A request at the Workspace frame and its failure at the app frame, as captured.
        let wwe = FrameInfo {
            key: "wwe".into(),
            url: "http://wwe.test/ui/ad/v1/index.html".into(),
            origin: "http://wwe.test".into(),
            is_top: true,
            ..Default::default()
        };
        let app = FrameInfo {
            key: "app".into(),
            url: "http://apps.test/app.html".into(),
            origin: "http://apps.test".into(),
            placement: scapi::FramePlacement {
                depth: 1,
                index_in_parent: Some(0),
                has_opener: false,
            },
            ..Default::default()
        };
        let line = |receiver: &FrameInfo, origin: &str, source: &str, child: &str, data: &str| {
            format!(
                r#"{{"v":1,"time":1000,"wall":1000,"frameUrl":"{}","frameOrigin":"{}","isTop":{},"origin":"{origin}","source":"{source}"{child},"ports":0,"data":{data}}}"#,
                receiver.url, receiver.origin, receiver.is_top
            )
        };
        let mut log = TabLog::new();
        log.ingest(
            wwe.clone(),
            0,
            &line(&wwe, "http://apps.test", "child", r#","childIndex":0"#,
                r#"{"request":"voice.dial","parameters":["5001",null],"referenceId":"0","userAgent":"WWE Service Client","protocolVersion":2}"#),
            0,
            0,
            true,
        );
        log.ingest(
            app.clone(),
            0,
            &line(&app, "http://wwe.test", "parent", "",
                r#"{"referenceId":"0","errorMessage":"The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.","request":"voice.dial","userAgent":"WWE Server","protocolVersion":2}"#),
            0,
            0,
            true,
        );
        let store = store_of(log.history());
        let analysis = Analysis::of(&store, 2000.0, None);
        let summary = Summary::of(&store, &analysis);
        assert_eq!(summary.records, 2);
        assert_eq!(summary.site.as_deref(), Some("http://wwe.test"));
        assert_eq!(
            summary.counts,
            Counts {
                requests: 1,
                failed: 1,
                timed_out: 0,
                rate_limited: 1
            }
        );
    }
}
