//! The panel's root component: connects to the background, keeps the store, the site's Workspace
//! options and the panel's preferences, and renders the toolbar, the filter bar, the overview, the
//! virtual list and the side pane.

use crate::analysis::{state_text, Analysis, AnalysisBuild, RecordId};
use crate::console::{app_frames, history_key, ConsoleState};
use crate::filter::{parse_terms, Filter, Judged};
use crate::har_io::{self, ExportChoice};
use crate::persist;
use crate::policy::{Outcome, PolicyState};
use crate::prefs::{columns_value, Prefs, MIN_COLUMN_WIDTH, RESIZABLE_COLUMNS};
use crate::store::{Entry, Store};
use crate::view::console::{console_view, ConsoleViewProps};
use crate::view::details::{details, DetailsProps, Earlier};
use crate::view::export::{export_view, ExportViewProps};
use crate::view::filter_bar::{filter_bar, FilterBarProps};
use crate::view::findings::findings;
use crate::view::frames::{frame_rows, frames_view};
use crate::view::policy::{policy_view, PolicyViewProps};
use crate::view::rates::rates_view;
use crate::view::row::{row, RowProps, Status, ROW_HEIGHT};
use crate::view::toolbar::{toolbar, Connection, Side, ToolbarProps};
use crate::view::user_data::user_data_view;
use crate::view::verdict::{read_cell, request_cell, PolicyCell};
use crate::view::waterfall::{waterfall, Overview};
use scapi::correlate::RecordRef;
use scapi::facts::Kind;
use scapi::findings::Severity;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Bumped whenever something the view shows changed, so that the component renders again.
#[derive(Default, PartialEq)]
pub struct Version(u64);

impl Reducible for Version {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Version(self.0 + 1))
    }
}

/// Rows drawn above and below the visible ones, so fast scrolling shows no blank.
const OVERSCAN: usize = 12;
/// While batches stream in, the list is drawn at most every 50 ms (capture to screen stays well
/// within 250 ms: the page hook and content script batch for up to 150 ms before), and at most
/// once in eight times what the last draw took (its render and layout), up to 160 ms: a panel with
/// many records, or on a slow machine, leaves most of the time to the page it inspects, which
/// shares the machine with it. (Eight, not four: a fifth less drawing during round trips, the
/// same latency at 500 records a second; sixteen put that latency's p95 over 250 ms.) A fast
/// stream draws less often still (`arrival`).
#[cfg(target_arch = "wasm32")]
const DRAW_PACE: scapi::pace::Pace = scapi::pace::Pace {
    least_ms: 50.0,
    duty: 8.0,
    most_ms: 160.0,
};

thread_local! {
    /// When the last streamed draw started, and what it took (until the list was scrolled).
    static DRAW_TIMES: Cell<(f64, f64)> = const { Cell::new((f64::NAN, 0.0)) };
}

/// The analysis, what it was made from, and when, so that a stream of batches re-analyses at a
/// pace the capture's size allows.
#[derive(Default)]
struct AnalysisCache {
    analysis: Option<Rc<Analysis>>,
    store_version: u64,
    policy_generation: u64,
    /// When it was computed, and how long it took (ms).
    computed_at: f64,
    took: f64,
    refresh_scheduled: bool,
    /// Bumped on every new analysis, for the caches that depend on it.
    stamp: u64,
    /// It is of a saved capture, judged as of its end: the clock does not age it.
    of_saved_capture: bool,
    /// An analysis being made in slices (a large capture), the one shown staying meanwhile.
    building: Option<Building>,
    /// Old analyses and the records they were made of, let go a piece at a time.
    trash: scapi::job::Shredder,
    /// A slice of analysis work is scheduled.
    slice_scheduled: bool,
    /// Asks for a render at the pace the list is drawn at while records stream in (set once the
    /// panel listens; without it, a render is asked for at once). Every render draws the list
    /// again, and during a fast stream each draw lays some fifty changed rows out.
    paced_render: Option<Rc<dyn Fn()>>,
}

/// An analysis being made, and what of.
struct Building {
    build: AnalysisBuild,
    store_version: u64,
    policy_generation: u64,
    of_saved_capture: bool,
    /// Milliseconds of work so far (the slices, not the waits between them).
    work: f64,
    /// When the shown progress last changed (ms).
    shown_at: f64,
    shown_percent: u8,
}

/// A render to show what the analysis made: at the list's drawing pace where there is one.
fn render_for_analysis(cache: &SharedCache, bump: &UseReducerDispatcher<Version>) {
    let paced = cache.borrow().paced_render.clone();
    match paced {
        Some(render) => render(),
        None => bump.dispatch(()),
    }
}

impl AnalysisCache {
    /// Percent done of the analysis being made, if one is.
    fn analysing(&self) -> Option<u8> {
        self.building
            .as_ref()
            .map(|building| building.shown_percent)
    }

    fn discard_build(&mut self) {
        if let Some(building) = self.building.take() {
            // Its records and what it found so far go a piece at a time.
            let _ = building.build.finish_into(&mut self.trash);
        }
    }

    /// Lets an analysis go: a piece at a time when nothing else holds it.
    fn throw_away(&mut self, analysis: Option<Rc<Analysis>>) {
        if let Some(analysis) = analysis.and_then(|analysis| Rc::try_unwrap(analysis).ok()) {
            analysis.shred(&mut self.trash);
        }
    }
}

type SharedCache = Rc<RefCell<AnalysisCache>>;

/// A stream of batches is analysed again at most once in sixteen times the last analysis took,
/// and at least every 3 s.
const ANALYSIS_PACE: scapi::pace::Pace = scapi::pace::Pace {
    least_ms: 0.0,
    duty: 16.0,
    most_ms: 3000.0,
};
/// Records analysed in one go: a few milliseconds of work (the analysis costs a few
/// microseconds a record). Larger captures are analysed in slices between frames.
const ANALYSE_AT_ONCE: usize = 5_000;
/// Work units of an analysis step (about a record each): well under a millisecond.
const STEP_UNITS: usize = 1_000;
/// Work per slice before the panel yields (to a frame when one is due: see `bridge::soon`).
const SLICE_MS: f64 = 10.0;

/// The filtered list and what it was made from.
#[derive(Default)]
struct FilterCache {
    key: Option<(u64, u64, String)>,
    indexes: Rc<Vec<u32>>,
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Connect to the background on mount (off in component tests, which feed the store directly).
    #[prop_or(true)]
    pub connect: bool,
    /// Batches to show at start, as JSON (used by tests).
    #[prop_or_default]
    pub initial_batches: Vec<String>,
}

/// Milliseconds on the wall clock: in the browser, now; elsewhere, the last record's time.
fn now(store: &Store) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = store;
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        store.entries().last().map_or(0.0, Entry::time)
    }
}

/// The analysis for the current store and options: recomputed when they changed, but during a
/// stream of batches at most every few times the last computation took (a later render catches
/// up), so that 100,000 records keep the panel responsive. A large capture is analysed in slices
/// between frames ([`analysis_slice`]): the analysis shown meanwhile is the previous one (none
/// at first), and the toolbar says how far the new one is.
fn analysis_for(
    cache: &SharedCache,
    shared_store: &Rc<RefCell<Store>>,
    store: &Store,
    policy: &PolicyState,
    policy_generation: u64,
    bump: &UseReducerDispatcher<Version>,
) -> Rc<Analysis> {
    let clock = now(store);
    // A saved capture is judged as of its end; a live one as of now.
    let at = store.ended_at().unwrap_or(clock);
    let mut state = cache.borrow_mut();
    let current = |state: &AnalysisCache| state.analysis.clone().unwrap_or_default();
    let changed = state.store_version != store.version()
        || state.policy_generation != policy_generation
        || state.analysis.as_ref().is_none_or(|a| a.stale_at(at));
    if let (false, Some(analysis)) = (changed, &state.analysis) {
        return analysis.clone();
    }
    if let Some(building) = &state.building {
        if building.policy_generation == policy_generation && building.build.is_of(store) {
            // Under way: when it is done, a render shows it (and a later one catches up).
            return current(&state);
        }
        // Other options, or another store (cleared, a file imported): what it makes is of no use.
        state.discard_build();
    }
    let since = clock - state.computed_at;
    // Sixteen times: the analysis is the largest part of a render (a flood of 50,000 events
    // spent 0.8 s of the panel's 3 s in it with four), and the page shares the machine: a live
    // stream re-analyses the whole capture each time, so this bounds the analysis to about 6 %
    // of the panel's time (round trips with the panel open: a quarter of its main thread at 8).
    let wait = ANALYSIS_PACE.gap(state.took);
    let first = state.analysis.is_none() || state.policy_generation != policy_generation;
    if first || since >= wait || !cfg!(target_arch = "wasm32") {
        if store.entries().len() > ANALYSE_AT_ONCE && cfg!(target_arch = "wasm32") {
            // In slices; the analysis shown stays until the new one is made.
            state.building = Some(Building {
                build: AnalysisBuild::new(store, at, policy.options()),
                store_version: store.version(),
                policy_generation,
                of_saved_capture: store.ended_at().is_some(),
                work: 0.0,
                shown_at: clock,
                shown_percent: 0,
            });
            schedule_slice(&mut state, cache, shared_store, bump);
            return current(&state);
        }
        // Free the old analysis first: two at once would double the peak, and a wasm memory
        // never shrinks.
        let old = state.analysis.take();
        state.throw_away(old);
        let started = now(store);
        let analysis = Rc::new(Analysis::of(store, at, policy.options()));
        state.took = (now(store) - started).max(0.0);
        state.computed_at = now(store);
        state.store_version = store.version();
        state.policy_generation = policy_generation;
        state.stamp += 1;
        state.of_saved_capture = store.ended_at().is_some();
        state.analysis = Some(analysis.clone());
        if !state.trash.is_empty() {
            schedule_slice(&mut state, cache, shared_store, bump);
        }
        return analysis;
    }
    if !state.refresh_scheduled {
        state.refresh_scheduled = true;
        let cache = cache.clone();
        let bump = bump.clone();
        later((wait - since).max(16.0), move || {
            cache.borrow_mut().refresh_scheduled = false;
            render_for_analysis(&cache, &bump);
        });
    }
    current(&state)
}

/// Schedules the next slice of analysis work (or of letting old analyses go), once.
fn schedule_slice(
    state: &mut AnalysisCache,
    cache: &SharedCache,
    store: &Rc<RefCell<Store>>,
    bump: &UseReducerDispatcher<Version>,
) {
    if state.slice_scheduled {
        return;
    }
    state.slice_scheduled = true;
    let (cache, store, bump) = (cache.clone(), store.clone(), bump.clone());
    #[cfg(target_arch = "wasm32")]
    crate::bridge::soon(move || analysis_slice(cache, store, bump));
    #[cfg(not(target_arch = "wasm32"))]
    later(0.0, move || analysis_slice(cache, store, bump));
}

/// One slice of analysis work, [`SLICE_MS`] long at most: the analysis being made moves on (a
/// render shows it once it is done, and its progress now and then), else old analyses are let go.
fn analysis_slice(
    cache: SharedCache,
    store: Rc<RefCell<Store>>,
    bump: UseReducerDispatcher<Version>,
) {
    let mut state = cache.borrow_mut();
    state.slice_scheduled = false;
    let Ok(store_ref) = store.try_borrow() else {
        schedule_slice(&mut state, &cache, &store, &bump);
        return;
    };
    let started = clock_ms();
    let mut render = false;
    if let Some(mut building) = state.building.take() {
        if !building.build.is_of(&store_ref) {
            // Cleared, or another store: the next render starts again.
            let _ = building.build.finish_into(&mut state.trash);
            render = true;
        } else {
            let mut done = false;
            while !done && clock_ms() - started < SLICE_MS {
                done = building
                    .build
                    .step(&store_ref, &mut scapi::job::Budget::new(STEP_UNITS));
            }
            let finished = clock_ms();
            building.work += finished - started;
            if done {
                let analysis = Rc::new(building.build.finish_into(&mut state.trash));
                let old = state.analysis.replace(analysis);
                state.throw_away(old);
                state.took = building.work;
                state.computed_at = finished;
                state.store_version = building.store_version;
                state.policy_generation = building.policy_generation;
                state.of_saved_capture = building.of_saved_capture;
                state.stamp += 1;
                render = true;
            } else {
                let (work, all) = building.build.progress();
                let percent = (work * 100 / all.max(1)).min(99) as u8;
                // The progress shows at most every 100 ms (a render of its own).
                if percent != building.shown_percent && finished - building.shown_at >= 100.0 {
                    building.shown_percent = percent;
                    building.shown_at = finished;
                    render = true;
                }
                state.building = Some(building);
            }
        }
    }
    // What is left of the slice lets old analyses go.
    while !state.trash.is_empty() && clock_ms() - started < SLICE_MS {
        state
            .trash
            .step(&mut scapi::job::Budget::new(STEP_UNITS * 4));
    }
    drop(store_ref);
    if state.building.is_some() || !state.trash.is_empty() {
        schedule_slice(&mut state, &cache, &store, &bump);
    }
    drop(state);
    if render {
        render_for_analysis(&cache, &bump);
    }
}

/// Milliseconds, for timing slices (in the browser the wall clock; elsewhere none passes).
fn clock_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Runs `f` after `ms` milliseconds (in the browser; elsewhere never).
fn later(ms: f64, f: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        let callback = wasm_bindgen::closure::Closure::once_into_js(f);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                ms as i32,
            );
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (ms, f);
}

/// The site whose options apply: the origin of the tab's top frame, once captured.
pub(crate) fn site_of(store: &Store) -> Option<String> {
    store
        .frames()
        .iter()
        .rev()
        .find(|frame| crate::store::is_tab_top(&frame.info))
        .map(|frame| frame.info.origin.clone())
}

fn status(analysis: &Analysis, entry: &Entry) -> Status {
    let exchange = analysis.exchange((entry.frame, entry.seq()))?;
    let text = state_text(exchange);
    let text = match entry.kind() {
        Kind::Response => match &exchange.name {
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

fn policy_cell(analysis: &Analysis, entry: &Entry) -> Option<PolicyCell> {
    let id = (entry.frame, entry.seq());
    match analysis.request_check(id) {
        Some(check) => request_cell(check),
        None => read_cell(&analysis.read_checks(id)),
    }
}

fn verdict_key(analysis: &Analysis, entry: &Entry) -> Option<&'static str> {
    policy_cell(analysis, entry).map(|cell| cell.verdict)
}

/// [`filtered`]'s count, for the timing example.
#[doc(hidden)]
pub fn filtered_for_bench(store: &Store, analysis: &Analysis, filter: &Filter) -> usize {
    filtered(store, analysis, filter).len()
}

/// The records the filter keeps, as positions in the store.
fn filtered(store: &Store, analysis: &Analysis, filter: &Filter) -> Vec<u32> {
    let entries = store.entries();
    if filter.is_empty() {
        return (0..entries.len() as u32).collect();
    }
    let frame_ids: Vec<Option<String>> = store
        .frames()
        .iter()
        .map(|f| {
            analysis
                .correlation
                .frame_ids
                .get(&f.info.key)
                .map(|id| match id {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
        })
        .collect();
    let compiled = filter.compile(store, &frame_ids);
    entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| {
            let id = (entry.frame, entry.seq);
            let request_name = || analysis.request_name(id);
            let status = || analysis.exchange(id).map(|e| e.state.label());
            let verdict = || verdict_key(analysis, entry);
            compiled.matches(
                entry,
                &Judged {
                    request_name: &request_name,
                    status: &status,
                    verdict: &verdict,
                },
            )
        })
        .map(|(index, _)| index as u32)
        .collect()
}

/// Earlier messages carrying the same interaction's `userData` as the selected one, latest first.
fn earlier_of(store: &Store, position: usize, interaction: &str) -> Vec<Earlier> {
    store.entries()[..position]
        .iter()
        .rev()
        .filter(|entry| {
            entry
                .facts
                .user_data()
                .iter()
                .any(|seen| seen.interaction_id.as_deref() == Some(interaction))
        })
        .take(20)
        .map(|entry| Earlier {
            id: (entry.frame, entry.seq()),
            time: entry.time(),
            name: entry.facts.name.clone(),
            raw: serde_json::from_str(&entry.raw).unwrap_or(Value::Null),
        })
        .collect()
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let prefs = use_mut_ref(persist::load_prefs);
    let store = {
        let prefs = prefs.clone();
        let batches = props.initial_batches.clone();
        use_mut_ref(move || {
            let prefs = prefs.borrow();
            let mut store = Store::with(prefs.preserve_log, prefs.cap);
            for text in &batches {
                if let Ok(batch) = scapi::Batch::from_json(text) {
                    store.apply(batch, -1);
                }
            }
            store
        })
    };
    let version = use_reducer(Version::default);
    let connection = use_state(|| Connection::Connecting);
    let selected = use_state(|| None::<RecordId>);
    let side = use_state(|| Side::Details);
    let cache: SharedCache = use_mut_ref(AnalysisCache::default);
    let filter_cache = use_mut_ref(FilterCache::default);
    let policy = use_mut_ref(PolicyState::default);
    let policy_generation = use_mut_ref(|| 0u64);
    let options_text = use_node_ref();
    let options_file = use_node_ref();
    let filter_input = use_node_ref();
    let list_ref = use_node_ref();
    let canvas_ref = use_node_ref();
    let file_error = use_state(|| None::<String>);
    let copied = use_state(|| None::<String>);
    let compare_with = use_state(|| None::<RecordId>);
    let scroll = use_state(|| (0.0f64, 600.0f64));
    let follow = use_mut_ref(|| true);
    let received_when_unfollowed = use_mut_ref(|| 0u64);
    // Where the list last scrolled itself to follow the tail: a scroll event that reports the
    // list higher than the bottom is the user's only if it is above that place (rows added since
    // the list scrolled itself make the old bottom look "not at the bottom").
    let followed_to = use_mut_ref(|| 0f64);
    let scroll_request = use_mut_ref(|| None::<f64>);
    let last_filter = use_mut_ref(String::new);
    let overview_cache = use_mut_ref(|| None::<((u64, u64), Rc<Overview>)>);
    let resized = use_mut_ref(|| 0u64);
    let paused = use_mut_ref(|| Rc::new(Cell::new(false)));
    // While a HAR file is reviewed, the live capture (and its options) wait here, still filled
    // by the live batches.
    let live = use_mut_ref(|| Rc::new(RefCell::new(None::<Store>)));
    let live_policy = use_mut_ref(|| None::<PolicyState>);
    let imported = use_state(|| None::<(String, usize, bool)>);
    let import_error = use_state(|| None::<String>);
    let import_input = use_node_ref();
    let import_progress = use_state(|| None::<crate::import_task::Progress>);
    let import_running = use_mut_ref(|| None::<persist::ImportRunning>);
    let export_sensitive = use_state(|| false);
    let not_recorded = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let console = use_mut_ref(|| ConsoleState::new(now(&Store::default()) as u64));
    // The console's apps, made again only with a new analysis (not on every keystroke).
    let console_apps = use_mut_ref(|| None::<(u64, Rc<Vec<crate::console::AppFrame>>)>);
    let bump = version.dispatcher();

    {
        let store = store.clone();
        let bump = bump.clone();
        let connection = connection.setter();
        let cache = cache.clone();
        let paused = paused.borrow().clone();
        let not_recorded = not_recorded.borrow().clone();
        let live = live.borrow().clone();
        let connect = props.connect;
        use_effect_with((), move |_| {
            if connect {
                start(store, live, bump, connection, cache, paused, not_recorded);
            }
        });
    }
    {
        // `/` anywhere focuses the filter, as in DevTools.
        let filter_input = filter_input.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                let options = gloo_events::EventListenerOptions::enable_prevent_default();
                gloo_events::EventListener::new_with_options(
                    &window,
                    "keydown",
                    options,
                    move |event| {
                        let Some(event) =
                            wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(event)
                        else {
                            return;
                        };
                        let typing = event
                            .target()
                            .and_then(|t| {
                                wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()
                            })
                            .is_some_and(|t| {
                                matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                            });
                        if event.key() == "/" && !typing {
                            if let Some(input) = filter_input.cast::<web_sys::HtmlElement>() {
                                event.prevent_default();
                                let _ = input.focus();
                            }
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }
    {
        // Redraw the overview when the panel is resized.
        let bump = bump.clone();
        let resized = resized.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                gloo_events::EventListener::new(&window, "resize", move |_| {
                    *resized.borrow_mut() += 1;
                    bump.dispatch(())
                })
            });
            move || drop(listener)
        });
    }
    {
        // Once the tab's top frame is known, load the options kept for its site.
        let site = site_of(&store.borrow());
        let policy = policy.clone();
        let policy_generation = policy_generation.clone();
        let bump = bump.clone();
        let reviewing = live.borrow().borrow().is_some();
        use_effect_with(site, move |site| {
            // A reviewed file brings its own options, if any; the site's stay in storage.
            if let (Some(site), false) = (site.clone(), reviewing) {
                let key = site.clone();
                persist::load_options(&key, move |text| {
                    let mut state = policy.borrow_mut();
                    // Text pasted before the site was known stays; it is kept for the site.
                    if state.text.is_empty() {
                        // What the user is typing stays in the text area.
                        let draft = std::mem::take(&mut state.draft);
                        state.set(Some(site), text);
                        if !draft.is_empty() {
                            state.draft = draft;
                        }
                    } else {
                        state.site = Some(site.clone());
                        if state.worth_keeping() {
                            persist::save_options(&site, &state.text);
                        }
                    }
                    drop(state);
                    *policy_generation.borrow_mut() += 1;
                    bump.dispatch(());
                });
            }
        });
    }

    {
        // The console's history of the site (storage.local), once the site is known.
        let site = site_of(&store.borrow());
        let console = console.clone();
        let bump = bump.clone();
        use_effect_with(site, move |site| {
            if let Some(site) = site.clone() {
                persist::load_stored(&history_key(&site), move |text| {
                    let mut console = console.borrow_mut();
                    console.history =
                        scapi::console::read_history(&text).unwrap_or_else(|problem| {
                            console.error = Some(problem);
                            Vec::new()
                        });
                    console.history_site = Some(site);
                    drop(console);
                    bump.dispatch(());
                });
            }
        });
    }

    let analysis = analysis_for(
        &cache,
        &store,
        &store.borrow(),
        &policy.borrow(),
        *policy_generation.borrow(),
        &bump,
    );
    let analysis_stamp = cache.borrow().stamp;
    let store_ref = store.borrow();
    let prefs_ref = prefs.borrow().clone();
    let filter = Filter {
        terms: parse_terms(&prefs_ref.filter),
        categories: prefs_ref.categories(),
        frame_url: prefs_ref.frame_url.clone(),
    };
    let indexes = {
        let key = (
            store_ref.version(),
            analysis_stamp,
            format!(
                "{:?}",
                (&filter.terms, filter.categories, &filter.frame_url)
            ),
        );
        let mut cache = filter_cache.borrow_mut();
        if cache.key.as_ref() != Some(&key) {
            cache.indexes = Rc::new(filtered(&store_ref, &analysis, &filter));
            cache.key = Some(key);
        }
        cache.indexes.clone()
    };
    let entries = store_ref.entries();
    let position_of = |id: RecordId| {
        indexes.iter().position(|&i| {
            let entry = &entries[i as usize];
            (entry.frame, entry.seq()) == id
        })
    };
    let selected_position = (*selected).and_then(position_of);
    {
        // A new filter keeps the selection in view, as DevTools does.
        let key = format!(
            "{:?}",
            (&filter.terms, filter.categories, &filter.frame_url)
        );
        let mut last = last_filter.borrow_mut();
        if *last != key {
            *last = key;
            if let Some(position) = selected_position {
                *follow.borrow_mut() = false;
                let (_, height) = *scroll;
                *scroll_request.borrow_mut() =
                    Some((position as f64 * ROW_HEIGHT - height / 2.0).max(0.0));
            }
        }
    }
    let selected_entry = (*selected).and_then(|(frame, seq)| {
        entries
            .iter()
            .rposition(|e| e.frame == frame && e.seq() == seq)
    });

    let column_drag = use_mut_ref(ColumnDrag::default);

    // --- callbacks -------------------------------------------------------------------------
    let save_prefs = {
        let prefs = prefs.clone();
        let bump = bump.clone();
        Rc::new(move |change: &dyn Fn(&mut Prefs)| {
            let mut prefs = prefs.borrow_mut();
            change(&mut prefs);
            persist::save_prefs(&prefs);
            drop(prefs);
            bump.dispatch(());
        })
    };
    let on_text = {
        let save_prefs = save_prefs.clone();
        Callback::from(move |text: String| save_prefs(&|prefs| prefs.filter = text.clone()))
    };
    let on_category = {
        let save_prefs = save_prefs.clone();
        Callback::from(move |index: usize| {
            save_prefs(&|prefs| match index {
                0 => prefs.requests = !prefs.requests,
                1 => prefs.events = !prefs.events,
                2 => prefs.errors = !prefs.errors,
                _ => prefs.foreign = !prefs.foreign,
            })
        })
    };
    let on_frame = {
        let save_prefs = save_prefs.clone();
        Callback::from(move |url: Option<String>| {
            save_prefs(&|prefs| prefs.frame_url = url.clone())
        })
    };
    let on_cap = {
        let save_prefs = save_prefs.clone();
        let store = store.clone();
        Callback::from(move |cap: usize| {
            store.borrow_mut().set_cap(cap);
            save_prefs(&|prefs| prefs.cap = cap)
        })
    };
    let on_preserve = {
        let save_prefs = save_prefs.clone();
        let store = store.clone();
        Callback::from(move |event: Event| {
            let checked = event
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|input| input.checked());
            store.borrow_mut().preserve_log = checked;
            save_prefs(&|prefs| prefs.preserve_log = checked)
        })
    };
    let on_pause = {
        let paused = paused.borrow().clone();
        let not_recorded = not_recorded.borrow().clone();
        let bump = bump.clone();
        Callback::from(move |_: MouseEvent| {
            let now_paused = !paused.get();
            paused.set(now_paused);
            if now_paused {
                not_recorded.set(0);
            }
            bump.dispatch(());
        })
    };
    let on_clear = {
        let store = store.clone();
        let bump = bump.clone();
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
    // Export: sanitized by default, from the toolbar; with choices from the Export view.
    let export_with = {
        let store = store.clone();
        // The analysis is read when the export happens: a callback that held it would keep every
        // old analysis alive beside the next one (with 100,000 records, tens of megabytes).
        let cache = cache.clone();
        let policy = policy.clone();
        Rc::new(move |choice: ExportChoice| {
            let Some(analysis) = cache.borrow().analysis.clone() else {
                return;
            };
            let store = store.borrow();
            let at = now(&store);
            let policy = policy.borrow();
            let options = policy.options().map(|_| policy.text.as_str());
            let text = har_io::export(&store, &analysis, options, &choice, at);
            persist::download_text(&har_io::file_name(&store, at), &text, "application/json");
        })
    };
    let on_export = {
        let export_with = export_with.clone();
        let keep_keys = prefs_ref.keep_keys.clone();
        Callback::from(move |_: MouseEvent| {
            export_with(ExportChoice {
                sensitive: false,
                keep_keys: har_io::keep_keys(&keep_keys),
            })
        })
    };
    let on_export_choice = {
        let export_with = export_with.clone();
        let keep_keys = prefs_ref.keep_keys.clone();
        let sensitive = *export_sensitive;
        Callback::from(move |_: MouseEvent| {
            export_with(ExportChoice {
                sensitive,
                keep_keys: har_io::keep_keys(&keep_keys),
            })
        })
    };
    let on_keep_keys = {
        let save_prefs = save_prefs.clone();
        Callback::from(move |text: String| save_prefs(&|prefs| prefs.keep_keys = text.clone()))
    };
    let on_sensitive = {
        let export_sensitive = export_sensitive.clone();
        Callback::from(move |on: bool| export_sensitive.set(on))
    };
    // Import: the file's capture replaces the list until the review is closed; the live capture
    // goes on meanwhile, aside. The file is read in slices (`import_task`), with progress and
    // Cancel; the list changes only once it is all read.
    let on_import = {
        let import_input = import_input.clone();
        let store = store.clone();
        let live = live.borrow().clone();
        let live_policy = live_policy.clone();
        let policy = policy.clone();
        let policy_generation = policy_generation.clone();
        let imported = imported.clone();
        let import_error = import_error.clone();
        let import_progress = import_progress.clone();
        let import_running = import_running.clone();
        let selected = selected.clone();
        let bump = bump.clone();
        Callback::from(move |_: Event| {
            import_error.set(None);
            let (store, live, live_policy, policy) = (
                store.clone(),
                live.clone(),
                live_policy.clone(),
                policy.clone(),
            );
            let (policy_generation, imported, import_error, selected, bump) = (
                policy_generation.clone(),
                imported.clone(),
                import_error.clone(),
                selected.clone(),
                bump.clone(),
            );
            let on_done = {
                let import_progress = import_progress.clone();
                let import_running = import_running.clone();
                move |result: Result<har_io::Imported, String>| {
                    import_progress.set(None);
                    *import_running.borrow_mut() = None;
                    match result {
                        Ok(file) => {
                            let previous = std::mem::replace(&mut *store.borrow_mut(), file.store);
                            let mut live = live.borrow_mut();
                            if live.is_none() {
                                // The first import: what was shown is the live capture.
                                *live = Some(previous);
                                *live_policy.borrow_mut() = Some(policy.borrow().clone());
                            }
                            let mut state = policy.borrow_mut();
                            state.set(None, file.policy_options.clone().unwrap_or_default());
                            drop(state);
                            *policy_generation.borrow_mut() += 1;
                            selected.set(None);
                            import_error.set(None);
                            imported.set(Some((file.name.clone(), file.records, file.sanitized)));
                            bump.dispatch(());
                        }
                        Err(problem) => import_error.set(Some(problem)),
                    }
                }
            };
            // A new file replaces one still being read.
            if let Some(running) = import_running.borrow_mut().take() {
                running.cancel();
            }
            let progress = import_progress.clone();
            let running = persist::import_file(
                &import_input,
                move |now: crate::import_task::Progress| progress.set(Some(now)),
                on_done,
            );
            *import_running.borrow_mut() = running;
        })
    };
    let on_cancel_import = {
        let import_progress = import_progress.clone();
        let import_running = import_running.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(running) = import_running.borrow_mut().take() {
                running.cancel();
            }
            import_progress.set(None);
        })
    };
    let on_close_import = {
        let store = store.clone();
        let live = live.borrow().clone();
        let live_policy = live_policy.clone();
        let policy = policy.clone();
        let policy_generation = policy_generation.clone();
        let imported = imported.clone();
        let selected = selected.clone();
        let bump = bump.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(capture) = live.borrow_mut().take() {
                *store.borrow_mut() = capture;
            }
            if let Some(state) = live_policy.borrow_mut().take() {
                *policy.borrow_mut() = state;
            }
            *policy_generation.borrow_mut() += 1;
            selected.set(None);
            imported.set(None);
            bump.dispatch(());
        })
    };
    let on_dismiss_import_error = {
        let import_error = import_error.clone();
        Callback::from(move |_: MouseEvent| import_error.set(None))
    };
    // Options: apply what is in the text area, clear them, or load a file into it.
    let apply_text = {
        let policy = policy.clone();
        let policy_generation = policy_generation.clone();
        let bump = bump.clone();
        let file_error = file_error.clone();
        let store = store.clone();
        let live = live.borrow().clone();
        Callback::from(move |text: String| {
            // Options pasted while a file is reviewed are for the file: not kept for a site.
            let site = if live.borrow().is_some() {
                None
            } else {
                site_of(&store.borrow())
            };
            let mut state = policy.borrow_mut();
            state.set(site.clone(), text);
            if let Some(site) = &site {
                if state.worth_keeping() {
                    persist::save_options(site, &state.text);
                }
            }
            drop(state);
            *policy_generation.borrow_mut() += 1;
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
    let on_options_input = {
        let policy = policy.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                policy.borrow_mut().draft = area.value();
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
                move |text, _name| {
                    if let Some(area) = options_text.cast::<web_sys::HtmlTextAreaElement>() {
                        area.set_value(&text);
                    }
                    apply_text.emit(text);
                },
                move |error| file_error.set(Some(error)),
            );
        })
    };
    // Bring a row into view: the list is virtual, so the scroll position is computed.
    let reveal = {
        let scroll_request = scroll_request.clone();
        let follow = follow.clone();
        let scroll = scroll.clone();
        Rc::new(move |position: usize| {
            // While following the tail, the position kept is not the list's (it is not updated
            // for a scroll to the bottom): the row is scrolled to in any case.
            let was_following = std::mem::replace(&mut *follow.borrow_mut(), false);
            let (top, height) = *scroll;
            let row_top = position as f64 * ROW_HEIGHT;
            let body_height = (height - ROW_HEIGHT).max(ROW_HEIGHT);
            if was_following || row_top < top || row_top + ROW_HEIGHT > top + body_height {
                *scroll_request.borrow_mut() = Some((row_top - body_height / 2.0).max(0.0));
            }
        })
    };
    // Select a record named by frame key and seq, show it in the details and scroll to it.
    let select_ref = {
        let store = store.clone();
        let selected = selected.clone();
        let side = side.clone();
        let reveal = reveal.clone();
        let indexes = indexes.clone();
        Callback::from(move |target: RecordRef| {
            let store = store.borrow();
            if let Some(frame) = store.frame_position(&target.frame) {
                selected.set(Some((frame, target.seq)));
                side.set(Side::Details);
                let entries = store.entries();
                if let Some(position) = indexes.iter().position(|&i| {
                    let e = &entries[i as usize];
                    e.frame == frame && e.seq() == target.seq
                }) {
                    reveal(position);
                }
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
    let on_pick_time = {
        let indexes = indexes.clone();
        let store = store.clone();
        let selected = selected.clone();
        let reveal = reveal.clone();
        Callback::from(move |time: f64| {
            let store = store.borrow();
            let entries = store.entries();
            let position = indexes.partition_point(|&i| entries[i as usize].time() < time);
            if let Some(&index) = indexes.get(position.min(indexes.len().saturating_sub(1))) {
                let entry = &entries[index as usize];
                selected.set(Some((entry.frame, entry.seq())));
                reveal(position.min(indexes.len() - 1));
            }
        })
    };
    let on_only_frame = {
        let on_frame = on_frame.clone();
        let side = side.clone();
        Callback::from(move |url: String| {
            on_frame.emit(Some(url));
            side.set(Side::Details);
        })
    };
    let on_copy = {
        let copied = copied.clone();
        Callback::from(move |text: String| {
            let copied = copied.clone();
            let length = text.chars().count();
            persist::copy_text(&text, move |ok| {
                copied.set(Some(if ok {
                    format!("Copied {length} characters.")
                } else {
                    "Could not copy: the browser refused the clipboard.".to_owned()
                }))
            });
        })
    };
    // Resend a captured request as its app, or open it in the console (Edit and send).
    let bump_callback = {
        let bump = bump.clone();
        Callback::from(move |_: ()| bump.dispatch(()))
    };
    let reviewing = imported.is_some();
    let console_from = {
        let (store, cache, console, side, bump) = (
            store.clone(),
            cache.clone(),
            console.clone(),
            side.clone(),
            bump_callback.clone(),
        );
        Rc::new(move |id: RecordId, send_now: bool| {
            let store = store.borrow();
            let Some(analysis) = cache.borrow().analysis.clone() else {
                return;
            };
            let Some(position) = store.position(id.0, id.1) else {
                return;
            };
            let Some(draft) = serde_json::from_str(&store.entries()[position].raw)
                .ok()
                .and_then(|raw| scapi::console::draft_of(&raw))
            else {
                return;
            };
            {
                let mut state = console.borrow_mut();
                state.draft = draft;
                state.confirming = false;
                state.error = None;
                // The app that sent it: the client of its exchange.
                state.app = Some(
                    analysis
                        .exchange(id)
                        .and_then(|exchange| crate::console::app_key(&store, &exchange.client))
                        .unwrap_or_default(),
                );
            }
            side.set(Side::Console);
            if send_now {
                let apps = app_frames(&store, &analysis);
                crate::view::console::send(
                    &console,
                    &apps,
                    reviewing,
                    false,
                    site_of(&store),
                    now(&store),
                    bump.clone(),
                );
            }
            bump.emit(());
        })
    };
    let on_compare = {
        let compare_with = compare_with.clone();
        Callback::from(move |id: RecordId| compare_with.set(Some(id)))
    };
    let onscroll = {
        let list_ref = list_ref.clone();
        let follow = follow.clone();
        let scroll = scroll.clone();
        let received_when_unfollowed = received_when_unfollowed.clone();
        let followed_to = followed_to.clone();
        let received = store_ref.received();
        Callback::from(move |_: Event| {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                let top = f64::from(list.scroll_top());
                let height = f64::from(list.client_height());
                let at_bottom =
                    list.scroll_top() + list.client_height() >= list.scroll_height() - 4;
                let mut follow = follow.borrow_mut();
                let was_following = *follow;
                if at_bottom {
                    *follow = true;
                } else if *follow && top + 4.0 < *followed_to.borrow() {
                    *received_when_unfollowed.borrow_mut() = received;
                    *follow = false;
                }
                // While the list follows the tail, the rows drawn are the last ones whatever the
                // position: a new position alone is no reason to draw again. (Scrolled to the
                // bottom by the user, it draws: the rows shown were of the old position.)
                // The position kept is not updated while following: a list that stops following
                // draws again even where the kept position is the same.
                let tailing = was_following && at_bottom && scroll.1 == height;
                if !tailing && (*scroll != (top, height) || was_following != *follow) {
                    scroll.set((top, height));
                }
            }
        })
    };
    let on_resume_tail = {
        let follow = follow.clone();
        let bump = bump.clone();
        Callback::from(move |_: MouseEvent| {
            *follow.borrow_mut() = true;
            bump.dispatch(());
        })
    };
    let onkeydown = {
        let selected = selected.clone();
        let side = side.clone();
        let indexes = indexes.clone();
        let store = store.clone();
        let reveal = reveal.clone();
        let page = ((scroll.1 / ROW_HEIGHT) as usize).saturating_sub(2).max(1);
        Callback::from(move |event: KeyboardEvent| {
            let last = indexes.len().saturating_sub(1);
            let next = match (event.key().as_str(), selected_position) {
                (_, _) if indexes.is_empty() => return,
                ("ArrowDown", Some(at)) => (at + 1).min(last),
                ("ArrowUp", Some(at)) => at.saturating_sub(1),
                ("PageDown", Some(at)) => (at + page).min(last),
                ("PageUp", Some(at)) => at.saturating_sub(page),
                ("Home", _) => 0,
                ("End", _) => last,
                ("ArrowDown" | "ArrowUp" | "PageDown" | "PageUp", None) => last,
                ("Enter", Some(_)) => {
                    side.set(Side::Details);
                    event.prevent_default();
                    return;
                }
                ("Escape", _) => {
                    if *side != Side::Details {
                        side.set(Side::Details);
                    } else {
                        selected.set(None);
                    }
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            let store = store.borrow();
            let entry = &store.entries()[indexes[next] as usize];
            selected.set(Some((entry.frame, entry.seq())));
            reveal(next);
        })
    };
    let on_filter_key = {
        let list_ref = list_ref.clone();
        Callback::from(move |event: KeyboardEvent| {
            if matches!(event.key().as_str(), "Escape" | "Enter" | "ArrowDown") {
                if let Some(list) = list_ref.cast::<web_sys::HtmlElement>() {
                    event.prevent_default();
                    let _ = list.focus();
                }
            }
        })
    };

    // Scroll after the render: to a requested row, or to the bottom while following.
    {
        let list_ref = list_ref.clone();
        let scroll_request = scroll_request.clone();
        let follow = follow.clone();
        let scroll = scroll.clone();
        let followed_to = followed_to.clone();
        use_effect(move || {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                let requested = scroll_request.borrow_mut().take();
                // A streamed draw ends here, once the list is laid out (by the scroll below).
                let end_draw = || {
                    #[cfg(target_arch = "wasm32")]
                    DRAW_TIMES.with(|times| {
                        let (started, took) = times.get();
                        let took = if started.is_nan() {
                            took
                        } else {
                            js_sys::Date::now() - started
                        };
                        times.set((f64::NAN, took));
                    });
                };
                let tail = (requested.is_none() && *follow.borrow())
                    .then(|| f64::from(list.scroll_height()));
                if let Some(target) = requested.or(tail) {
                    list.set_scroll_top(target as i32);
                }
                if tail.is_some() {
                    *followed_to.borrow_mut() = f64::from(list.scroll_top());
                }
                let now = (
                    f64::from(list.scroll_top()),
                    f64::from(list.client_height()),
                );
                // Following the tail, the render already drew the last rows: only a new height
                // needs another render (each batch drew twice before, the second time for
                // nothing).
                let changed = if tail.is_some() {
                    now.1 != scroll.1
                } else {
                    now != *scroll
                };
                end_draw();
                if changed && now.1 > 0.0 {
                    scroll.set(now);
                }
            }
        });
    }

    // --- the overview ----------------------------------------------------------------------
    // Made again only with a new analysis (which a stream of batches gets at a bounded pace);
    // drawn only then, or on resize.
    let overview = {
        let key = (0, analysis_stamp);
        let mut cache = overview_cache.borrow_mut();
        match &*cache {
            Some((made_for, overview)) if *made_for == key => overview.clone(),
            _ => {
                let overview = Rc::new(Overview::of(&store_ref, &analysis, now(&store_ref)));
                *cache = Some((key, overview.clone()));
                overview
            }
        }
    };
    {
        let overview = overview.clone();
        let canvas_ref = canvas_ref.clone();
        let drawn_for = (analysis_stamp, *resized.borrow(), *side);
        use_effect_with(drawn_for, move |_| {
            #[cfg(target_arch = "wasm32")]
            crate::view::waterfall::draw(&overview, &canvas_ref);
            #[cfg(not(target_arch = "wasm32"))]
            let _ = (overview, canvas_ref);
        });
    }

    // --- the virtual list ------------------------------------------------------------------
    let (scroll_top, viewport) = *scroll;
    // The list is about to be scrolled (after this render): to a requested row, or to its bottom
    // while following the tail. The rows drawn are those of where it will be.
    let scroll_top = match *scroll_request.borrow() {
        Some(target) => target,
        None if *follow.borrow() => (indexes.len() as f64 * ROW_HEIGHT - viewport).max(0.0),
        None => scroll_top,
    };
    let first = ((scroll_top / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
    let visible = (viewport / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
    let last = (first + visible).min(indexes.len());
    let navigations = store_ref.navigations();
    let rows: Html = (first.min(last)..last)
        .map(|position| {
            let entry = &entries[indexes[position] as usize];
            let id = (entry.frame, entry.seq());
            let select = {
                let selected = selected.clone();
                let side = side.clone();
                // Choosing a record shows it, whatever the side pane showed.
                Callback::from(move |_| {
                    selected.set(Some(id));
                    side.set(Side::Details);
                })
            };
            row(RowProps {
                entry,
                frame: store_ref.frame(entry.frame),
                app: analysis.app_of(&store_ref, entry),
                index: position,
                selected: *selected == Some(id),
                status: status(&analysis, entry),
                policy: policy_cell(&analysis, entry),
                navigated: navigations.get(&entry.frame) == Some(&entry.seq()),
                onclick: select,
            })
        })
        .collect();
    let new_records = if *follow.borrow() {
        0
    } else {
        store_ref
            .received()
            .saturating_sub(*received_when_unfollowed.borrow())
    };
    let hidden_selection =
        selected.is_some() && selected_position.is_none() && selected_entry.is_some();

    // --- the list's columns: resized by dragging a header's right edge, kept in the prefs ----
    let header_cells: Html = COLUMNS
        .iter()
        .enumerate()
        .map(|(column, (class, label, title))| {
            let handle = (column < RESIZABLE_COLUMNS).then(|| {
                let onpointerdown = resize_columns(
                    column,
                    list_ref.clone(),
                    column_drag.clone(),
                    save_prefs.clone(),
                );
                html! {
                    <span class="col-resize" role="separator" aria-orientation="vertical"
                        data-testid="col-resize" aria-label={format!("Resize the {label} column")}
                        {onpointerdown}></span>
                }
            });
            html! {
                <span role="columnheader" class={classes!("cell", *class)} title={*title}>
                    <span class="label">{ *label }</span>
                    { for handle }
                </span>
            }
        })
        .collect();

    // --- the side pane ---------------------------------------------------------------------
    let policy_ref = policy.borrow();
    let pane = match *side {
        Side::Findings => findings(&analysis.findings, on_show),
        Side::Policy => policy_view(PolicyViewProps {
            state: &policy_ref,
            audit: &analysis.audit,
            text_ref: options_text.clone(),
            file_ref: options_file.clone(),
            on_apply,
            on_input: on_options_input,
            on_clear: on_clear_options,
            on_file,
            file_error: (*file_error).clone(),
        }),
        Side::Rates => rates_view(&analysis.audit, on_show),
        Side::UserData => user_data_view(analysis.clone(), on_show, on_copy.clone()),
        Side::Frames => frames_view(&frame_rows(&store_ref, &analysis), on_only_frame),
        Side::Console => console_view(ConsoleViewProps {
            state: console.clone(),
            apps: {
                let mut cache = console_apps.borrow_mut();
                match &*cache {
                    Some((stamp, apps)) if *stamp == analysis_stamp => apps.clone(),
                    _ => {
                        let apps = Rc::new(app_frames(&store_ref, &analysis));
                        *cache = Some((analysis_stamp, apps.clone()));
                        apps
                    }
                }
            },
            reviewing,
            site: site_of(&store_ref),
            analysis: &analysis,
            store: &store_ref,
            now: now(&store_ref),
            bump: bump_callback.clone(),
            select: select_ref.clone(),
        }),
        Side::Export => export_view(ExportViewProps {
            keep_keys: &prefs_ref.keep_keys,
            sensitive: *export_sensitive,
            records: entries.len(),
            on_keep_keys,
            on_sensitive,
            on_export: on_export_choice,
        }),
        Side::Details => match selected_entry {
            Some(position) => {
                let entry = &entries[position];
                let frame = store_ref.frame(entry.frame);
                let id = (entry.frame, entry.seq());
                let reads = analysis.read_checks(id);
                let earlier = reads
                    .iter()
                    .find_map(|read| read.interaction_id.clone())
                    .map(|interaction| earlier_of(&store_ref, position, &interaction))
                    .unwrap_or_default();
                details(DetailsProps {
                    entry,
                    frame,
                    frame_id: analysis.correlation.frame_ids.get(&frame.info.key),
                    exchange: analysis.exchange(id),
                    check: analysis.request_check(id),
                    reads,
                    earlier,
                    compare_with: *compare_with,
                    on_compare,
                    select: select_ref.clone(),
                    on_copy,
                    copied: (*copied).clone(),
                    resend: (entry.kind().is_call() && !reviewing).then(|| {
                        let (again, edit) = (console_from.clone(), console_from.clone());
                        (
                            Callback::from(move |_: MouseEvent| again(id, true)),
                            Callback::from(move |_: MouseEvent| edit(id, false)),
                        )
                    }),
                })
            }
            None => html! {
                <section class="details empty" data-testid="record-details-empty">
                    { "Select a record to see it in full (↑/↓ in the list, / to filter, Esc to go back)." }
                </section>
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
    let mut frame_urls: Vec<String> = Vec::new();
    for frame in store_ref.frames() {
        if !frame_urls.contains(&frame.info.url) {
            frame_urls.push(frame.info.url.clone());
        }
    }
    let categories = [
        prefs_ref.requests,
        prefs_ref.events,
        prefs_ref.errors,
        prefs_ref.foreign,
    ];

    let analysing = cache.borrow().analysing();
    html! {
        <div class="app" data-analysed={analysis.records().to_string()}>
            { toolbar(ToolbarProps {
                connection: &connection,
                records: entries.len(),
                shown: indexes.len(),
                dropped: store_ref.dropped(),
                evicted: store_ref.evicted(),
                paused: paused.borrow().get(),
                not_recorded: not_recorded.borrow().get(),
                preserve_log: store_ref.preserve_log,
                findings: (count(Severity::Error), count(Severity::Warning), count(Severity::Info)),
                analysing,
                side: *side,
                options: options_state,
                importing: imported.is_some(),
                import_input: import_input.clone(),
                on_export,
                on_import,
                on_pause,
                on_clear,
                on_preserve,
                on_side,
            }) }
            <div onkeydown={on_filter_key}>
                { filter_bar(FilterBarProps {
                    input: filter_input.clone(),
                    text: &prefs_ref.filter,
                    categories,
                    frames: frame_urls,
                    frame: prefs_ref.frame_url.clone(),
                    cap: store_ref.cap(),
                    on_text,
                    on_category,
                    on_frame,
                    on_cap,
                }) }
            </div>
            if let Some((name, records, sanitized)) = &*imported {
                <div class="import-banner" role="status" data-testid="import-banner">
                    { format!("Reviewing {name}: {records} records{}. The live capture goes on meanwhile. ", if *sanitized { ", sanitized when exported" } else { "" }) }
                    <button type="button" class="link" data-testid="close-import" onclick={on_close_import}>{ "Back to the live capture" }</button>
                </div>
            }
            if let Some(progress) = &*import_progress {
                <div class="import-progress" role="status" data-testid="import-progress"
                    data-records={progress.records.to_string()} data-bytes={progress.bytes.to_string()}>
                    { format!("Importing {}: {} records, {} of {} read ",
                        progress.name,
                        har_io::thousands(progress.records as u64),
                        har_io::megabytes(progress.bytes),
                        har_io::megabytes(progress.size)) }
                    <progress max={progress.size.max(1).to_string()} value={progress.bytes.to_string()}></progress>
                    <button type="button" class="link" data-testid="import-cancel" onclick={on_cancel_import}>{ "Cancel" }</button>
                </div>
            }
            if let Some(problem) = &*import_error {
                <div class="import-error" role="alert" data-testid="import-error">
                    { format!("Cannot import {problem}") }
                    <button type="button" class="link" onclick={on_dismiss_import_error}>{ "Dismiss" }</button>
                </div>
            }
            if !overview.lanes.is_empty() {
                { waterfall(&overview, canvas_ref.clone(), on_pick_time) }
            }
            <main class="split">
                <div class="list" role="grid" aria-label="Captured SCAPI messages" tabindex="0"
                    style={columns_value(&prefs_ref.columns).map(|value| format!("--columns: {value}"))}
                    aria-rowcount={(indexes.len() + 1).to_string()}
                    ref={list_ref} {onscroll} {onkeydown}>
                    <div role="row" class="row head" aria-rowindex="1">
                        { header_cells }
                    </div>
                    <div class="rows" role="rowgroup" style={format!("height:{}px", indexes.len() as f64 * ROW_HEIGHT)}>
                        { rows }
                    </div>
                    if entries.is_empty() {
                        <p class="placeholder">{ "No SCAPI traffic captured in this tab yet." }</p>
                    } else if indexes.is_empty() {
                        <p class="placeholder" data-testid="nothing-matches">{ "No record matches the filter." }</p>
                    }
                </div>
                { pane }
            </main>
            if new_records > 0 {
                <button type="button" class="resume-tail" data-testid="resume-tail" onclick={on_resume_tail}>
                    { format!("↓ {new_records} new — follow the live tail") }
                </button>
            }
            if hidden_selection {
                <p class="hidden-selection" role="status" data-testid="selection-filtered">{ "The selected record is hidden by the filter." }</p>
            }
        </div>
    }
}

/// The list's columns: CSS class, header, tooltip.
const COLUMNS: [(&str, &str, Option<&str>); 8] = [
    ("time", "Time", None),
    ("direction", "Direction", None),
    (
        "frame",
        "App",
        Some("The app (client frame): who sent a request, who received an answer or an event"),
    ),
    ("kind", "Kind", None),
    ("name", "Name", None),
    ("status", "Status", None),
    (
        "verdict",
        "Policy",
        Some(
            "What Workspace does with it under the pasted options (with ? : read off the capture)",
        ),
    ),
    ("summary", "Summary", None),
];

/// A column being resized: which, where the pointer started, the widths then; the window's
/// listeners (kept until the next drag: one must not drop a listener from its own callback).
#[derive(Default)]
struct ColumnDrag {
    active: Option<(usize, f64, Vec<f64>)>,
    listeners: Vec<gloo_events::EventListener>,
}

/// Changes the preferences and stores them.
type SavePrefs = Rc<dyn Fn(&dyn Fn(&mut Prefs))>;

/// The widths of the resizable columns when a drag of `column` by `dx` pixels ends there.
fn dragged_widths(widths: &[f64], column: usize, dx: f64) -> Vec<u32> {
    widths
        .iter()
        .enumerate()
        .map(|(index, &width)| {
            let width = if index == column { width + dx } else { width };
            (width.round().max(0.0) as u32).max(MIN_COLUMN_WIDTH)
        })
        .collect()
}

/// Starts resizing `column`: the list follows the pointer, and the widths are saved on release.
fn resize_columns(
    column: usize,
    list_ref: NodeRef,
    drag: Rc<RefCell<ColumnDrag>>,
    save_prefs: SavePrefs,
) -> Callback<PointerEvent> {
    Callback::from(move |event: PointerEvent| {
        event.prevent_default();
        event.stop_propagation();
        let Some(list) = list_ref.cast::<web_sys::HtmlElement>() else {
            return;
        };
        let Some(head) = list.first_element_child() else {
            return;
        };
        let mut widths = Vec::new();
        let mut cell = head.first_element_child();
        while let Some(element) = cell {
            if widths.len() == RESIZABLE_COLUMNS {
                break;
            }
            widths.push(element.get_bounding_client_rect().width());
            cell = element.next_element_sibling();
        }
        if widths.len() != RESIZABLE_COLUMNS {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let start = f64::from(event.client_x());
        let moved = {
            let drag = drag.clone();
            let list = list.clone();
            gloo_events::EventListener::new(&window, "pointermove", move |event| {
                let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::MouseEvent>(event)
                else {
                    return;
                };
                let drag = drag.borrow();
                let Some((column, start, widths)) = &drag.active else {
                    return;
                };
                let widths = dragged_widths(widths, *column, f64::from(event.client_x()) - start);
                if let Some(value) = columns_value(&widths) {
                    let _ = list.style().set_property("--columns", &value);
                }
            })
        };
        let released = {
            let drag = drag.clone();
            let save_prefs = save_prefs.clone();
            gloo_events::EventListener::new(&window, "pointerup", move |event| {
                let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::MouseEvent>(event)
                else {
                    return;
                };
                let Some((column, start, widths)) = drag.borrow_mut().active.take() else {
                    return;
                };
                let widths = dragged_widths(&widths, column, f64::from(event.client_x()) - start);
                save_prefs(&|prefs| prefs.columns = widths.clone());
            })
        };
        let mut drag = drag.borrow_mut();
        drag.active = Some((column, start, widths));
        // The previous drag's listeners go now (not from within their own callbacks).
        drag.listeners = vec![moved, released];
    })
}

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

#[cfg(target_arch = "wasm32")]
fn start(
    store: Rc<RefCell<Store>>,
    live: Rc<RefCell<Option<Store>>>,
    bump: UseReducerDispatcher<Version>,
    connection: UseStateSetter<Connection>,
    cache: SharedCache,
    paused: Rc<Cell<bool>>,
    not_recorded: Rc<Cell<u64>>,
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
    // DevTools keeps the page of a panel it hides (another of its tools is shown): it keeps
    // every record, but draws and analyses nothing until shown again (the draw asked for
    // meanwhile is owed). Set once the draws below exist.
    let shown = Rc::new(Cell::new(true));
    let owed = Rc::new(Cell::new(false));
    // A pending request turns "timed out" 10 s after it was sent, with or without new records.
    {
        let bump = bump.clone();
        let cache = cache.clone();
        let shown = shown.clone();
        let tick = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            if !shown.get() {
                return;
            }
            let cache = cache.borrow();
            let stale = !cache.of_saved_capture
                && cache
                    .analysis
                    .as_ref()
                    .is_some_and(|analysis| analysis.stale_at(js_sys::Date::now()));
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
    // Batches are applied as they come; the list is drawn again at most once per animation frame
    // and, while batches keep coming, at the pace of DRAW_PACE (a replay of 50,000 records in
    // ten batches, or a stream of forty batches a second from two frames, is a few renders, not
    // one per batch: each render lays the list out again, and the panel shares the machine with
    // the page it inspects). A panel that is not shown draws when it is.
    let render_soon: Rc<dyn Fn(usize)> = Rc::new({
        let scheduled = Rc::new(Cell::new(false));
        let arrivals = Rc::new(Cell::new(crate::arrival::ArrivalRate::default()));
        let last_draw = Rc::new(Cell::new(f64::NEG_INFINITY));
        // The animation frame and the backstop timer of the draw asked for: whichever comes
        // first draws and cancels the other. (A backstop left armed once drew the next request
        // early, whatever its pace: a fast stream was drawn every 100 ms instead of 250.)
        let armed = Rc::new(Cell::new(None::<(i32, i32)>));
        let draw: Rc<wasm_bindgen::closure::Closure<dyn Fn()>> = {
            let scheduled = scheduled.clone();
            let last_draw = last_draw.clone();
            let armed = armed.clone();
            let bump = bump.clone();
            Rc::new(wasm_bindgen::closure::Closure::new(move || {
                if let (Some((frame, timer)), Some(window)) = (armed.take(), web_sys::window()) {
                    let _ = window.cancel_animation_frame(frame);
                    window.clear_timeout_with_handle(timer);
                }
                if scheduled.replace(false) {
                    let started = js_sys::Date::now();
                    last_draw.set(started);
                    DRAW_TIMES.with(|times| times.set((started, times.get().1)));
                    bump.dispatch(());
                }
            }))
        };
        // The next animation frame draws; a timer is the backstop where frames do not come (a
        // page in the background), so records still show within a moment.
        let next_frame: Rc<wasm_bindgen::closure::Closure<dyn Fn()>> = {
            let draw = draw.clone();
            Rc::new(wasm_bindgen::closure::Closure::new(move || {
                if let Some(window) = web_sys::window() {
                    let callback = (*draw).as_ref().unchecked_ref();
                    let frame = window.request_animation_frame(callback).unwrap_or(0);
                    let timer = window
                        .set_timeout_with_callback_and_timeout_and_arguments_0(callback, 100)
                        .unwrap_or(0);
                    armed.set(Some((frame, timer)));
                }
            }))
        };
        let (shown, owed) = (shown.clone(), owed.clone());
        move |added: usize| {
            let now = js_sys::Date::now();
            let mut rate = arrivals.get();
            rate.add(added, now);
            arrivals.set(rate);
            if !shown.get() {
                owed.set(true);
                return;
            }
            if scheduled.replace(true) {
                return;
            }
            let took = DRAW_TIMES.with(|times| times.get().1);
            let pace = scapi::pace::Pace {
                least_ms: rate.least_draw_gap(now, DRAW_PACE.least_ms),
                ..DRAW_PACE
            };
            let gap = pace.gap(took);
            let wait = last_draw.get() + gap - now;
            if wait <= 0.0 {
                (*next_frame)
                    .as_ref()
                    .unchecked_ref::<js_sys::Function>()
                    .call0(&wasm_bindgen::JsValue::NULL)
                    .ok();
            } else if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    (*next_frame).as_ref().unchecked_ref(),
                    wait.ceil() as i32,
                );
            }
        }
    });
    shown.set(bridge::watch_shown({
        let (shown, render_soon) = (shown.clone(), render_soon.clone());
        move |now_shown| {
            shown.set(now_shown);
            if now_shown && owed.replace(false) {
                render_soon(0);
            }
        }
    }));
    // What the analysis made shows at the same pace (a fast stream's analyses would otherwise
    // each draw the list again, besides the paced draws).
    cache.borrow_mut().paced_render = Some({
        let render_soon = render_soon.clone();
        Rc::new(move || render_soon(0))
    });
    bridge::connect(
        tab_id,
        move |json, browser_frame_id| match scapi::Batch::from_json(&json) {
            Ok(batch) => {
                if paused.get() {
                    // Recording is paused: say how much was not kept, keep nothing.
                    not_recorded.set(not_recorded.get() + batch.len() as u64);
                    render_soon(0);
                    return;
                }
                // While a file is reviewed, the live capture is aside: keep filling it.
                if let Some(live) = live.borrow_mut().as_mut() {
                    live.apply(batch, browser_frame_id);
                    return;
                }
                let applied = store.borrow_mut().apply(batch, browser_frame_id);
                if applied.added > 0 || applied.cleared_by_navigation {
                    render_soon(applied.added);
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
    _: Rc<RefCell<Option<Store>>>,
    _: UseReducerDispatcher<Version>,
    connection: UseStateSetter<Connection>,
    _: SharedCache,
    _: Rc<Cell<bool>>,
    _: Rc<Cell<u64>>,
) {
    connection.set(Connection::Failed("not running in a browser".to_owned()));
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
