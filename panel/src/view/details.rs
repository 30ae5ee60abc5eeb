//! The selected record in full: its facts and typed fields labelled, the exchange it belongs to,
//! what the Workspace policy says, its `userData` as a table (and how it changed since an earlier
//! message of the same interaction), "copy as call", and the raw data as a tree.

use crate::analysis::state_text;
use crate::store::{Entry, Frame};
use crate::user_data_diff::{diff, user_data_of, Change};
use crate::view::clock;
use crate::view::json_tree::json_tree;
use crate::view::verdict::{read_section, request_section};
use scapi::correlate::{Exchange, RecordRef};
use scapi::message::Outcome;
use scapi::policy::audit::{ReadCheck, RequestCheck};
use scapi::policy::Verdict;
use scapi::results::{decode_result, TypedResult};
use scapi::{Message, Record};
use serde_json::{Map, Value};
use yew::prelude::*;

/// An earlier message carrying the same interaction's `userData`, to compare with.
#[derive(Clone, Debug, PartialEq)]
pub struct Earlier {
    pub id: (u32, u64),
    pub time: f64,
    pub name: String,
    pub raw: Value,
}

pub struct DetailsProps<'a> {
    pub entry: &'a Entry,
    pub frame: &'a Frame,
    /// The frameId Workspace assigned to the receiving frame.
    pub frame_id: Option<&'a Value>,
    pub exchange: Option<&'a Exchange>,
    pub check: Option<&'a RequestCheck>,
    pub reads: Vec<&'a ReadCheck>,
    /// Earlier messages of the interaction this one's `userData` belongs to, latest first.
    pub earlier: Vec<Earlier>,
    /// The earlier message chosen for the comparison (the latest when `None`).
    pub compare_with: Option<(u32, u64)>,
    pub on_compare: Callback<(u32, u64)>,
    pub select: Callback<RecordRef>,
    pub on_copy: Callback<String>,
    /// What the last copy did, for the status line.
    pub copied: Option<String>,
    /// For a request (or subscribe, unsubscribe): send it again as its app (Resend), or open it
    /// in the console (Edit and send).
    pub resend: Option<(Callback<MouseEvent>, Callback<MouseEvent>)>,
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The typed part of a record as (label, value) pairs: a request's named parameters, an event's
/// fields, a response's outcome.
fn typed_fields(record: &Record) -> (String, Vec<(String, String)>) {
    let fields_of = |value: Value| -> Vec<(String, String)> {
        match value {
            Value::Object(fields) => fields
                .into_iter()
                .filter(|(key, _)| key != "call" && key != "shape" && key != "kind")
                .map(|(key, value)| (key, text_of(&value)))
                .collect(),
            Value::Null => Vec::new(),
            other => vec![("value".to_owned(), text_of(&other))],
        }
    };
    match &record.decoded.message {
        Message::Request { typed, .. } => {
            let mut fields = fields_of(serde_json::to_value(&typed.call).unwrap_or(Value::Null));
            for problem in &typed.problems {
                fields.push(("problem".to_owned(), problem.message.clone()));
            }
            if let Some(suggestion) = &typed.suggestion {
                fields.push(("did you mean".to_owned(), suggestion.clone()));
            }
            ("Parameters".to_owned(), fields)
        }
        Message::Event { typed, .. } => {
            let mut fields = fields_of(serde_json::to_value(&typed.body).unwrap_or(Value::Null));
            if let Some(group) = &typed.group {
                fields.insert(0, ("group".to_owned(), group.clone()));
            }
            for problem in &typed.shape_problems {
                fields.push(("problem".to_owned(), problem.clone()));
            }
            ("Event".to_owned(), fields)
        }
        Message::Response {
            outcome,
            subscription_id,
            ..
        } => {
            let mut fields = Vec::new();
            match outcome {
                Outcome::Failure {
                    error_message,
                    request,
                    rate_limit,
                } => {
                    fields.push(("errorMessage".to_owned(), error_message.clone()));
                    if let Some(request) = request {
                        fields.push(("request".to_owned(), request.clone()));
                    }
                    if let Some(limit) = rate_limit {
                        fields.push(("rate limit of".to_owned(), limit.request.clone()));
                        let quarantine = match (limit.forever, limit.quarantine_seconds) {
                            (true, _) => "until Workspace reloads".to_owned(),
                            (false, Some(seconds)) => format!("{seconds} s"),
                            (false, None) => "not stated".to_owned(),
                        };
                        fields.push(("quarantine".to_owned(), quarantine));
                    }
                }
                Outcome::Success { .. } => {
                    fields.push(("outcome".to_owned(), "success".to_owned()))
                }
            }
            if let Some(id) = subscription_id {
                fields.push(("subscriptionId".to_owned(), text_of(id)));
            }
            ("Answer".to_owned(), fields)
        }
        Message::Subscribe { topics, .. } => (
            "Subscription".to_owned(),
            vec![("topics".to_owned(), topics.join(", "))],
        ),
        Message::Unsubscribe {
            subscription_id, ..
        } => (
            "Subscription".to_owned(),
            vec![("subscriptionId".to_owned(), text_of(subscription_id))],
        ),
        Message::FrameId { frame_id } => (
            "Handshake".to_owned(),
            vec![("frameId".to_owned(), text_of(frame_id))],
        ),
        Message::Legacy { text } => (
            "Legacy text".to_owned(),
            vec![("text".to_owned(), text.clone())],
        ),
        Message::Malformed { problem } => (
            "Malformed".to_owned(),
            vec![("problem".to_owned(), problem.clone())],
        ),
        Message::Foreign => ("Foreign".to_owned(), Vec::new()),
    }
}

/// For a successful answer: its data typed as what its request returns.
fn typed_result(record: &Record, exchange: Option<&Exchange>) -> Option<TypedResult> {
    let name = exchange?
        .name
        .as_deref()
        .filter(|name| name.contains('.'))?;
    match &record.decoded.message {
        Message::Response {
            outcome: Outcome::Success { data },
            ..
        } => Some(decode_result(name, data.as_ref().unwrap_or(&Value::Null))),
        _ => None,
    }
}

pub fn details(props: DetailsProps) -> Html {
    let DetailsProps {
        entry,
        frame,
        frame_id,
        exchange,
        check,
        reads,
        earlier,
        compare_with,
        on_compare,
        select,
        on_copy,
        copied,
        resend,
    } = props;
    let record = entry.record();
    let message = &record.decoded.message;
    let field = |label: &str, value: String| {
        html! { <><dt>{ label.to_owned() }</dt><dd>{ value }</dd></> }
    };
    let frame_text = match frame.info.browser_frame_id {
        Some(id) => format!("{} (browser frame {id})", frame.info.url),
        None => frame.info.url.clone(),
    };
    let (typed_title, typed) = typed_fields(&record);
    let result = typed_result(&record, exchange);
    let call = crate::snippet::as_call(&record);
    let raw_text = pretty(&record.raw);
    let copy = |text: String, label: &'static str, test_id: &'static str| {
        let on_copy = on_copy.clone();
        html! {
            <button type="button" class="link" data-testid={test_id}
                onclick={Callback::from(move |_| on_copy.emit(text.clone()))}>{ label }</button>
        }
    };
    html! {
        <section class="details" data-testid="record-details" aria-label="Selected record">
            <h2>{ message.name() }</h2>
            <dl>
                { field("Kind", message.kind().to_owned()) }
                { field("Direction", message.direction().arrow().to_owned()) }
                { field("Received by", frame_text) }
                { frame_id.map(|id| field("Its frameId", text_of(id))).unwrap_or_default() }
                { field("Sender origin", record.origin.clone()) }
                { field("Sender is", record.source.label().to_owned()) }
                { field("Time", clock(record.time)) }
                { field("Wall clock", clock(record.wall)) }
                { field("Sequence", record.seq.to_string()) }
                { message.reference_id().map(|id| field("referenceId", id.to_owned())).unwrap_or_default() }
                { field("Ports transferred", record.ports.to_string()) }
                { exchange.map(|exchange| exchange_fields(exchange, entry, frame, select.clone())).unwrap_or_default() }
            </dl>
            if !typed.is_empty() {
                <h3>{ typed_title }</h3>
                <dl data-testid="typed-fields">
                    { for typed.into_iter().map(|(label, value)| html! {
                        <><dt>{ label }</dt><dd class="mono">{ value }</dd></>
                    }) }
                </dl>
            }
            { check.map(request_section).unwrap_or_default() }
            { read_section(&reads) }
            { user_data_table(&record, check, &reads) }
            { user_data_changes(&record, &reads, &earlier, compare_with, on_compare) }
            if let Some(result) = &result {
                <h3>{ "Result" }</h3>
                if let Some(problem) = &result.shape_problem {
                    <p class="shape-problem">{ problem.clone() }</p>
                }
                <pre data-testid="typed-result">{ pretty(&result.result) }</pre>
            }
            <div class="copy-actions">
                if let Some((on_resend, on_edit)) = resend {
                    <button type="button" class="link" data-testid="resend" onclick={on_resend}
                        title="Send the same request again, as the same app (from its frame)">{ "Resend" }</button>
                    <button type="button" class="link" data-testid="edit-and-send" onclick={on_edit}
                        title="Open it in the console to change it before sending">{ "Edit and send" }</button>
                }
                if let Some(call) = call.clone() {
                    { copy(call, "Copy as genesys.wwe.service call", "copy-as-call") }
                }
                { copy(raw_text, "Copy raw JSON", "copy-raw") }
                if let Some(copied) = copied {
                    <span class="muted" role="status" data-testid="copy-status">{ copied }</span>
                }
            </div>
            if let Some(call) = call {
                <pre class="call" data-testid="call-snippet">{ call }</pre>
            }
            <h3>{ "Raw" }</h3>
            { json_tree(&record.raw, "raw-tree") }
            <details class="decoded">
                <summary>{ "Decoded (as the core crate types it)" }</summary>
                <pre data-testid="decoded-json">{ pretty(&record.decoded) }</pre>
            </details>
            <pre data-testid="raw-json" hidden=true>{ pretty(&record.raw) }</pre>
        </section>
    }
}

/// The pair's state and links to the other side (request ↔ answers).
fn exchange_fields(
    exchange: &Exchange,
    entry: &Entry,
    frame: &Frame,
    select: Callback<RecordRef>,
) -> Html {
    let this = RecordRef {
        frame: frame.info.key.clone(),
        seq: entry.seq(),
    };
    let link = |label: String, target: RecordRef| {
        let select = select.clone();
        html! {
            <button type="button" class="link" data-testid="partner-link"
                onclick={Callback::from(move |_| select.emit(target.clone()))}>{ label }</button>
        }
    };
    let request = exchange
        .request
        .iter()
        .filter(|request| **request != this)
        .map(|request| {
            link(
                format!("request {}", exchange.name.as_deref().unwrap_or("?")),
                request.clone(),
            )
        });
    let answers = exchange
        .responses
        .iter()
        .enumerate()
        .filter(|(_, response)| **response != this)
        .map(|(index, response)| {
            let label = if index == 0 {
                "answer".to_owned()
            } else {
                format!("duplicate answer {index}")
            };
            link(label, response.clone())
        });
    let partners: Html = request.chain(answers).collect();
    html! {
        <>
            <dt>{ "Exchange" }</dt>
            <dd data-testid="exchange-state">{ state_text(exchange) }</dd>
            <dt>{ "Paired with" }</dt>
            <dd>{ partners }</dd>
        </>
    }
}

/// The `userData` a message carries (a write's keys and values, or what a result or event
/// shows), with the keys the policy hides or refuses marked.
fn user_data_table(record: &Record, check: Option<&RequestCheck>, reads: &[&ReadCheck]) -> Html {
    let (title, user_data): (&str, Option<Map<String, Value>>) = match &record.decoded.message {
        Message::Request { typed, .. } => match &typed.call {
            scapi::requests::Call::SetUserData { user_data, .. } => {
                ("User data written", user_data.clone())
            }
            _ => ("", None),
        },
        _ => (
            "User data shown",
            scapi::policy::user_data::user_data_in(&record.raw)
                .into_iter()
                .next()
                .map(|(_, data)| data.clone()),
        ),
    };
    let Some(user_data) = user_data else {
        return Html::default();
    };
    let refused: Vec<String> = match check.and_then(|check| check.verdict.as_ref()) {
        Some(Verdict::KeysRefused { refused, .. }) => refused.clone(),
        _ => Vec::new(),
    };
    let hidden: Vec<&String> = reads.iter().flat_map(|read| read.hidden.iter()).collect();
    let probably: Vec<&String> = reads
        .iter()
        .flat_map(|read| read.probably_hidden.iter())
        .collect();
    let unreadable: Vec<&String> = reads
        .iter()
        .flat_map(|read| read.unreadable_delivered.iter())
        .collect();
    let row = |key: &str, value: Option<&Value>, status: &'static str, text: &'static str| {
        html! {
            <tr data-testid="user-data-row" data-key={key.to_owned()} data-status={status}>
                <td class="key">{ key.to_owned() }</td>
                <td class="mono">{ value.map(text_of).unwrap_or_else(|| "—".to_owned()) }</td>
                <td class={classes!("status", status)}>{ text }</td>
            </tr>
        }
    };
    let rows: Html = user_data
        .iter()
        .map(|(key, value)| {
            let (status, text) = if refused.contains(key) {
                ("refused", "refused by write-allowed")
            } else if unreadable.contains(&key) {
                ("unreadable", "read-allowed hides it, yet it came")
            } else {
                ("visible", "")
            };
            row(key, Some(value), status, text)
        })
        .chain(
            hidden
                .iter()
                .map(|key| row(key, None, "hidden", "hidden by read-allowed")),
        )
        .chain(
            probably
                .iter()
                .map(|key| row(key, None, "probably-hidden", "written earlier, absent here")),
        )
        .collect();
    html! {
        <>
            <h3>{ title }</h3>
            <table class="user-data-table" data-testid="user-data-table">
                <thead><tr><th>{ "Key" }</th><th>{ "Value" }</th><th>{ "" }</th></tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </>
    }
}

/// How the interaction's `userData` changed since an earlier message.
fn user_data_changes(
    record: &Record,
    reads: &[&ReadCheck],
    earlier: &[Earlier],
    compare_with: Option<(u32, u64)>,
    on_compare: Callback<(u32, u64)>,
) -> Html {
    let Some(id) = reads.iter().find_map(|read| read.interaction_id.clone()) else {
        return Html::default();
    };
    let Some(after) = user_data_of(&record.raw, &id) else {
        return Html::default();
    };
    if earlier.is_empty() {
        return Html::default();
    }
    let chosen = compare_with
        .and_then(|wanted| earlier.iter().find(|e| e.id == wanted))
        .unwrap_or(&earlier[0]);
    let before = user_data_of(&chosen.raw, &id).unwrap_or_default();
    let changes = diff(&before, &after);
    let onchange = Callback::from(move |event: Event| {
        let value = event
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default();
        if let Some((frame, seq)) = value.split_once(':') {
            if let (Ok(frame), Ok(seq)) = (frame.parse(), seq.parse()) {
                on_compare.emit((frame, seq));
            }
        }
    });
    let option = |e: &Earlier| {
        let value = format!("{}:{}", e.id.0, e.id.1);
        html! { <option {value} selected={e.id == chosen.id}>{ format!("{} {}", clock(e.time), e.name) }</option> }
    };
    let rows: Html = changes
        .iter()
        .map(|(key, change)| {
            let (kind, before, after) = match change {
                Change::Added(value) => ("added", "—".to_owned(), text_of(value)),
                Change::Removed(value) => ("removed", text_of(value), "—".to_owned()),
                Change::Changed { before, after } => ("changed", text_of(before), text_of(after)),
            };
            html! {
                <tr data-testid="user-data-change" data-key={key.clone()} data-change={kind}>
                    <td class="key">{ key.clone() }</td><td>{ kind }</td>
                    <td class="mono">{ before }</td><td class="mono">{ after }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <>
            <h3>{ format!("Changes to interaction {id}'s userData") }</h3>
            <label class="compare">{ "since " }
                <select data-testid="compare-with" {onchange}>{ for earlier.iter().map(option) }</select>
            </label>
            if changes.is_empty() {
                <p class="muted" data-testid="user-data-unchanged">{ "No key changed." }</p>
            } else {
                <table class="user-data-table" data-testid="user-data-diff">
                    <thead><tr><th>{ "Key" }</th><th>{ "" }</th><th>{ "Before" }</th><th>{ "After" }</th></tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            }
        </>
    }
}
