//! Every frame of the tab that captured something: where it sits, what it is to SCAPI, its
//! frameId, subscriptions and leader state.

use crate::analysis::Analysis;
use crate::store::Store;
use scapi::correlate::Client;
use scapi::facts::Kind;
use scapi::requests::{decode_call, Call};
use serde_json::Value;
use yew::prelude::*;

/// One frame as the Frames view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameRow {
    pub index: u32,
    pub key: String,
    pub url: String,
    pub origin: String,
    /// `workspace`, `app`, `both` or `none` (no SCAPI traffic).
    pub role: &'static str,
    /// `top`, `iframe k`, `popup`, `dialog`.
    pub attachment: String,
    pub frame_id: Option<String>,
    pub subscriptions: Vec<String>,
    /// The latest frameState a `system` event told it: LEADING, FOLLOWING, NEGOTIATING.
    pub frame_state: Option<String>,
    pub records: usize,
    pub dropped: u64,
    /// Foreign messages the tab's store let go (apart from SCAPI losses).
    pub foreign_dropped: u64,
    /// When its document went (a closed dialog or popup, a removed iframe, an earlier page).
    pub ended: Option<f64>,
}

/// What the store and the analysis say of each frame.
pub fn frame_rows(store: &Store, analysis: &Analysis) -> Vec<FrameRow> {
    let frames = store.frames();
    let mut received_calls = vec![false; frames.len()];
    let mut received_answers = vec![false; frames.len()];
    let mut records = vec![0usize; frames.len()];
    let mut frame_states: Vec<Option<String>> = vec![None; frames.len()];
    let mut dialog_urls: Vec<String> = Vec::new();
    for entry in store.entries() {
        let frame = entry.frame as usize;
        records[frame] += 1;
        let kind = entry.kind();
        received_calls[frame] |= kind.is_call();
        received_answers[frame] |= kind.is_from_workspace();
        // The frameState event is a `system` event without an eventType.
        if entry.facts.name == "system" {
            if let Ok(raw) = serde_json::from_str::<Value>(&entry.raw) {
                if let Some(state) = raw["data"]["frameState"].as_str() {
                    frame_states[frame] = Some(state.to_owned());
                }
            }
        }
        if kind == Kind::Request && entry.facts.name == "system.openDialog" {
            if let Ok(raw) = serde_json::from_str::<Value>(&entry.raw) {
                if let Call::OpenDialog { url: Some(url), .. } =
                    decode_call("system.openDialog", raw.get("parameters")).call
                {
                    dialog_urls.push(url);
                }
            }
        }
    }
    frames
        .iter()
        .enumerate()
        .map(|(index, frame)| {
            let info = &frame.info;
            let placement = &info.placement;
            let attachment =
                if placement.depth > 0 && dialog_urls.iter().any(|url| opened(url, &info.url)) {
                    "dialog".to_owned()
                } else if placement.depth == 0 && placement.has_opener {
                    "popup".to_owned()
                } else if placement.depth == 0 {
                    "top".to_owned()
                } else {
                    match placement.index_in_parent {
                        Some(k) => format!("iframe {k} (depth {})", placement.depth),
                        None => format!("iframe (depth {})", placement.depth),
                    }
                };
            let role = match (received_calls[index], received_answers[index]) {
                (true, true) => "both",
                (true, false) => "workspace",
                (false, true) => "app",
                (false, false) => "none",
            };
            let subscriptions = analysis
                .correlation
                .subscriptions
                .iter()
                .filter(|s| {
                    s.unsubscribe.is_none()
                        && matches!(&s.client, Client::Frame { frame } if *frame == info.key)
                })
                .flat_map(|s| s.topics.iter().cloned())
                .collect();
            FrameRow {
                index: index as u32,
                key: info.key.to_string(),
                url: info.url.clone(),
                origin: info.origin.clone(),
                role,
                attachment,
                frame_id: analysis
                    .correlation
                    .frame_ids
                    .get(&info.key)
                    .map(|id| match id {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    }),
                subscriptions,
                frame_state: frame_states[index].clone(),
                records: records[index],
                dropped: frame.dropped(),
                foreign_dropped: frame.foreign_dropped,
                ended: info.ended,
            }
        })
        .collect()
}

fn records_text(row: &FrameRow) -> String {
    let mut text = row.records.to_string();
    if row.dropped > 0 {
        text.push_str(&format!(", {} lost", row.dropped));
    }
    if row.foreign_dropped > 0 {
        text.push_str(&format!(
            ", {} foreign messages not kept",
            row.foreign_dropped
        ));
    }
    text
}

fn role_text(role: &str) -> &'static str {
    match role {
        "workspace" => "Workspace",
        "app" => "embedded app",
        "both" => "Workspace and app",
        _ => "no SCAPI traffic",
    }
}

/// `on_only` shows only the records of frames at that URL in the list.
pub fn frames_view(rows: &[FrameRow], on_only: Callback<String>) -> Html {
    if rows.is_empty() {
        return html! {
            <section class="side frames empty" data-testid="frames-view" aria-label="Frames">
                { "No frame has captured anything yet." }
            </section>
        };
    }
    let card = |row: &FrameRow| {
        let url = row.url.clone();
        let on_only = on_only.clone();
        let subscriptions = if row.subscriptions.is_empty() {
            "none".to_owned()
        } else {
            row.subscriptions.join(", ")
        };
        html! {
            <article class={classes!("frame-card", format!("role-{}", row.role))} data-testid="frame-card" data-role={row.role}
                data-attachment={row.attachment.clone()} data-frame-key={row.key.clone()}
                data-frame-id={row.frame_id.clone()} data-frame-state={row.frame_state.clone()}
                data-ended={row.ended.map(|at| at.to_string())}>
                <h3>{ crate::view::frame_label(&row.url) }
                    if let Some(at) = row.ended {
                        <span class="gone" data-testid="frame-gone" title="Its document is gone: its records were kept by the extension">
                            { format!(" — gone at {}", crate::view::clock(at)) }
                        </span>
                    }
                </h3>
                <dl>
                    <dt>{ "Role" }</dt><dd>{ role_text(row.role) }</dd>
                    <dt>{ "Attached as" }</dt><dd>{ row.attachment.clone() }</dd>
                    <dt>{ "Origin" }</dt><dd>{ row.origin.clone() }</dd>
                    <dt>{ "URL" }</dt><dd class="mono">{ row.url.clone() }</dd>
                    <dt>{ "frameId" }</dt><dd>{ row.frame_id.clone().unwrap_or_else(|| "not assigned".to_owned()) }</dd>
                    <dt>{ "Subscribed to" }</dt><dd data-testid="frame-subscriptions">{ subscriptions }</dd>
                    <dt>{ "Tab state" }</dt><dd>{ row.frame_state.clone().unwrap_or_else(|| "not told".to_owned()) }</dd>
                    <dt>{ "Records" }</dt><dd data-testid="frame-records">{ records_text(row) }</dd>
                </dl>
                <button type="button" class="link" onclick={Callback::from(move |_| on_only.emit(url.clone()))}>
                    { "Show only this frame" }
                </button>
            </article>
        }
    };
    html! {
        <section class="side frames" data-testid="frames-view" aria-label="Frames">
            <h2>{ format!("{} frame(s)", rows.len()) }</h2>
            { for rows.iter().map(card) }
        </section>
    }
}

/// Whether a frame's URL is the page `system.openDialog` was asked to open (absolute, or
/// relative to the app that asked).
fn opened(requested: &str, frame_url: &str) -> bool {
    let requested = requested.trim_start_matches("./");
    !requested.is_empty()
        && (frame_url == requested || frame_url.ends_with(&format!("/{requested}")))
}
