//! The filter bar: the filter text, quick toggles by category, one frame or all, and the record
//! cap.

use crate::filter::Field;
use crate::prefs::CAPS;
use crate::view::frame_label;
use yew::prelude::*;

/// The quick toggles, in order: (label, test id, title).
pub const CATEGORIES: [(&str, &str, &str); 4] = [
    (
        "Requests",
        "requests",
        "Requests, subscriptions and their answers",
    ),
    ("Events", "events", "Events and frameId assignments"),
    (
        "Errors",
        "errors",
        "Failed, unanswered, late or orphan exchanges, malformed messages, policy refusals",
    ),
    (
        "Foreign",
        "foreign",
        "Other postMessage traffic on the page, and legacy text messages",
    ),
];

pub struct FilterBarProps<'a> {
    pub input: NodeRef,
    pub text: &'a str,
    /// Which quick toggles are on, in [`CATEGORIES`] order.
    pub categories: [bool; 4],
    /// The URL of every frame, and the one whose records are shown alone.
    pub frames: Vec<String>,
    pub frame: Option<String>,
    pub cap: usize,
    pub on_text: Callback<String>,
    pub on_category: Callback<usize>,
    pub on_frame: Callback<Option<String>>,
    pub on_cap: Callback<usize>,
}

pub fn filter_bar(props: FilterBarProps) -> Html {
    let FilterBarProps {
        input,
        text,
        categories,
        frames,
        frame,
        cap,
        on_text,
        on_category,
        on_frame,
        on_cap,
    } = props;
    let oninput = Callback::from(move |event: InputEvent| {
        if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
            on_text.emit(input.value());
        }
    });
    let toggles: Html = CATEGORIES
        .iter()
        .enumerate()
        .map(|(index, (label, id, title))| {
            let on_category = on_category.clone();
            html! {
                <button type="button" class="chip" data-testid={format!("category-{id}")}
                    aria-pressed={categories[index].to_string()} title={*title}
                    onclick={Callback::from(move |_| on_category.emit(index))}>{ *label }</button>
            }
        })
        .collect();
    let on_frame_change = Callback::from(move |event: Event| {
        if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
            let url = select.value();
            on_frame.emit((!url.is_empty()).then_some(url));
        }
    });
    let on_cap_change = Callback::from(move |event: Event| {
        if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
            if let Ok(cap) = select.value().parse() {
                on_cap.emit(cap);
            }
        }
    });
    html! {
        <div class="filter-bar" role="search">
            <input ref={input} type="search" class="filter" data-testid="filter" value={text.to_owned()} {oninput}
                placeholder="Filter (/)   ns:voice  type:ATTACHED_DATA_CHANGED  status:failed  -frame:app  text"
                aria-label={format!("Filter records. Keys: {}; - negates; terms combine", Field::KEYS)}
                title={format!("Keys: {}\n-term excludes; several terms must all match; other words are searched in names and data.", Field::KEYS)} />
            <span class="chips" role="group" aria-label="Show only">{ toggles }</span>
            <label class="frame-select">{ "Frame " }
                <select data-testid="frame-select" onchange={on_frame_change} aria-label="Show the records of one frame">
                    <option value="" selected={frame.is_none()}>{ "All frames" }</option>
                    { for frames.iter().map(|url| html! {
                        <option value={url.clone()} selected={frame.as_deref() == Some(url.as_str())} title={url.clone()}>{ frame_label(url) }</option>
                    }) }
                </select>
            </label>
            <label class="cap-select" title="Records kept; the oldest beyond it are dropped and counted">{ "Keep " }
                <select data-testid="cap-select" onchange={on_cap_change} aria-label="Records kept">
                    { for CAPS.iter().map(|&option| html! {
                        <option value={option.to_string()} selected={option == cap}>{ format!("{}k", option / 1000) }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
