//! The selected record in full: its facts and typed fields labelled, the exchange it belongs to,
//! what the Workspace policy says, its `userData` as a table (and how it changed since an earlier
//! message of the same interaction), "copy as call", and the raw data as a tree.

use crate::analysis::state_text;
use crate::store::{Entry, Frame};
use crate::user_data_diff::{diff, user_data_of, Change};
use crate::view::big::{clip, copier, cut_note, long_text, CutText, Paged, TEXT_SHOWN};
use crate::view::clock;
use crate::view::json_tree::JsonTree;
use crate::view::verdict::{read_section, request_section};
use scapi::correlate::{Exchange, RecordRef};
use scapi::message::Outcome;
use scapi::policy::audit::{ReadCheck, RequestCheck};
use scapi::policy::Verdict;
use scapi::results::{decode_result, TypedResult};
use scapi::{Message, Record};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Raw data up to this size (bytes of JSON) is also shown pretty-printed in full (the decoded
/// view, the hidden `raw-json` text); a larger message only as the tree, which shows what is open.
const PRETTY_UP_TO: usize = 1 << 20;
/// Characters of a pretty-printed block (the call, a typed result) shown before it is cut.
const BLOCK_SHOWN: usize = 10_000;

/// What the details show of a record that does not change while it stays selected: worked out
/// once, not at every render (a 50 MB message takes a while to parse and print).
struct Prepared {
    record: Rc<Record>,
    raw: Rc<Value>,
    /// The typed fields, labels and values cut once (see [`CutText`]).
    typed: (String, Vec<(CutText, CutText)>),
    /// The values of the `userData` shown ([`user_data_shown`]), in its order, cut once.
    user_data_values: Vec<CutText>,
    call: Option<String>,
    raw_pretty: Option<String>,
    decoded_pretty: Option<String>,
}

/// Which entry a [`Prepared`] is of: its frame, seq, and its text's address and length.
type EntryKey = (u32, u64, usize, usize);

thread_local! {
    static PREPARED: RefCell<Option<(EntryKey, Rc<Prepared>)>> = const { RefCell::new(None) };
}

/// The selected entry, prepared (the last one is kept).
fn prepared(entry: &Entry) -> Rc<Prepared> {
    let key = (
        entry.frame,
        entry.seq,
        entry.raw.as_ptr() as usize,
        entry.raw.len(),
    );
    PREPARED.with(|cell| {
        if let Some((known, prepared)) = &*cell.borrow() {
            if *known == key {
                return prepared.clone();
            }
        }
        let mut record = entry.record();
        let small = entry.raw.len() <= PRETTY_UP_TO;
        let (title, fields) = typed_fields(&record);
        let typed = (
            title,
            fields
                .into_iter()
                .map(|(label, value)| (CutText::new(label), value))
                .collect(),
        );
        let call = crate::snippet::as_call(&record);
        let raw_pretty = small.then(|| pretty(&record.raw));
        let decoded_pretty = small.then(|| pretty(&record.decoded));
        // The tree and the views read the one parsed copy (`Prepared::raw`): a 50 MB message is
        // not copied; the record keeps `Value::Null` in its place.
        let raw = Rc::new(std::mem::take(&mut record.raw));
        let user_data_values = user_data_shown(&record, &raw)
            .1
            .map(|data| data.values().cloned().map(CutText::of_value).collect())
            .unwrap_or_default();
        let prepared = Rc::new(Prepared {
            raw,
            typed,
            user_data_values,
            call,
            raw_pretty,
            decoded_pretty,
            record: Rc::new(record),
        });
        *cell.borrow_mut() = Some((key, prepared.clone()));
        prepared
    })
}

/// A pretty-printed block, cut past [`BLOCK_SHOWN`] characters.
fn block(
    text: &str,
    test_id: &'static str,
    class: &'static str,
    on_copy: &Callback<String>,
) -> Html {
    let (head, cut) = clip(text, BLOCK_SHOWN);
    html! {
        <pre class={class} data-testid={test_id}>{ head.to_owned() }{ cut.map(|length| cut_note(Some(length), copier(text, on_copy))).unwrap_or_default() }</pre>
    }
}

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
fn typed_fields(record: &Record) -> (String, Vec<(String, CutText)>) {
    let fields_of = |value: Value| -> Vec<(String, CutText)> {
        match value {
            Value::Object(fields) => fields
                .into_iter()
                .filter(|(key, _)| key != "call" && key != "shape" && key != "kind")
                .map(|(key, value)| (key, CutText::of_value(value)))
                .collect(),
            Value::Null => Vec::new(),
            other => vec![("value".to_owned(), CutText::of_value(other))],
        }
    };
    match &record.decoded.message {
        Message::Request { typed, .. } => {
            let mut fields = fields_of(serde_json::to_value(&typed.call).unwrap_or(Value::Null));
            for problem in &typed.problems {
                fields.push(("problem".to_owned(), problem.message.clone().into()));
            }
            if let Some(suggestion) = &typed.suggestion {
                fields.push(("did you mean".to_owned(), suggestion.clone().into()));
            }
            ("Parameters".to_owned(), fields)
        }
        Message::Event { typed, .. } => {
            let mut fields = fields_of(serde_json::to_value(&typed.body).unwrap_or(Value::Null));
            if let Some(group) = &typed.group {
                fields.insert(0, ("group".to_owned(), group.clone().into()));
            }
            for problem in &typed.shape_problems {
                fields.push(("problem".to_owned(), problem.clone().into()));
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
                    fields.push(("errorMessage".to_owned(), error_message.clone().into()));
                    if let Some(request) = request {
                        fields.push(("request".to_owned(), request.clone().into()));
                    }
                    if let Some(limit) = rate_limit {
                        fields.push(("rate limit of".to_owned(), limit.request.clone().into()));
                        let quarantine = match (limit.forever, limit.quarantine_seconds) {
                            (true, _) => "until Workspace reloads".to_owned(),
                            (false, Some(seconds)) => format!("{seconds} s"),
                            (false, None) => "not stated".to_owned(),
                        };
                        fields.push(("quarantine".to_owned(), quarantine.into()));
                    }
                }
                Outcome::Success { .. } => {
                    fields.push(("outcome".to_owned(), "success".to_owned().into()))
                }
            }
            if let Some(id) = subscription_id {
                fields.push(("subscriptionId".to_owned(), CutText::of_value(id.clone())));
            }
            ("Answer".to_owned(), fields)
        }
        Message::Subscribe { topics, .. } => (
            "Subscription".to_owned(),
            vec![("topics".to_owned(), topics.join(", ").into())],
        ),
        Message::Unsubscribe {
            subscription_id, ..
        } => (
            "Subscription".to_owned(),
            vec![(
                "subscriptionId".to_owned(),
                CutText::of_value(subscription_id.clone()),
            )],
        ),
        Message::FrameId { frame_id } => (
            "Handshake".to_owned(),
            vec![("frameId".to_owned(), CutText::of_value(frame_id.clone()))],
        ),
        Message::Legacy { text } => (
            "Legacy text".to_owned(),
            vec![("text".to_owned(), text.clone().into())],
        ),
        Message::Malformed { problem } => (
            "Malformed".to_owned(),
            vec![("problem".to_owned(), problem.clone().into())],
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
    let prepared = prepared(entry);
    let record = &*prepared.record;
    let message = &record.decoded.message;
    let field = |label: &str, value: String| {
        html! { <><dt>{ label.to_owned() }</dt><dd>{ long_text(&value, &on_copy) }</dd></> }
    };
    let frame_text = match frame.info.browser_frame_id {
        Some(id) => format!("{} (browser frame {id})", frame.info.url),
        None => frame.info.url.clone(),
    };
    let (typed_title, typed) = &prepared.typed;
    let result = typed_result(record, exchange);
    let call = prepared.call.clone();
    let copy_raw = {
        let on_copy = on_copy.clone();
        let raw = prepared.raw.clone();
        Callback::from(move |_| on_copy.emit(pretty(&*raw)))
    };
    let copy_call = call.clone().map(|call| {
        let on_copy = on_copy.clone();
        Callback::from(move |_| on_copy.emit(call.clone()))
    });
    let record_key = format!("{}:{}", entry.frame, entry.seq());
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
                <h3>{ typed_title.clone() }</h3>
                <dl data-testid="typed-fields">
                    { for typed.iter().map(|(label, value)| html! {
                        <><dt>{ label.view(&on_copy) }</dt><dd class="mono">{ value.view(&on_copy) }</dd></>
                    }) }
                </dl>
            }
            { check.map(request_section).unwrap_or_default() }
            { read_section(&reads) }
            { user_data_table(&prepared, check, &reads, &record_key, &on_copy) }
            { user_data_changes(&prepared.raw, &reads, &earlier, compare_with, on_compare, &record_key, &on_copy) }
            if let Some(result) = &result {
                <h3>{ "Result" }</h3>
                if let Some(problem) = &result.shape_problem {
                    <p class="shape-problem">{ problem.clone() }</p>
                }
                { block(&pretty(&result.result), "typed-result", "", &on_copy) }
            }
            <div class="copy-actions">
                if let Some((on_resend, on_edit)) = resend {
                    <button type="button" class="link" data-testid="resend" onclick={on_resend}
                        title="Send the same request again, as the same app (from its frame)">{ "Resend" }</button>
                    <button type="button" class="link" data-testid="edit-and-send" onclick={on_edit}
                        title="Open it in the console to change it before sending">{ "Edit and send" }</button>
                }
                if let Some(copy_call) = copy_call {
                    <button type="button" class="link" data-testid="copy-as-call" onclick={copy_call}>{ "Copy as genesys.wwe.service call" }</button>
                }
                <button type="button" class="link" data-testid="copy-raw" onclick={copy_raw}>{ "Copy raw JSON" }</button>
                if let Some(copied) = copied {
                    <span class="muted" role="status" data-testid="copy-status">{ copied }</span>
                }
            </div>
            if let Some(call) = &call {
                { block(call, "call-snippet", "call", &on_copy) }
            }
            <h3>{ "Raw" }</h3>
            <JsonTree key={record_key.clone()} value={prepared.raw.clone()} test_id="raw-tree" on_copy={on_copy.clone()} />
            <details class="decoded">
                <summary>{ "Decoded (as the core crate types it)" }</summary>
                if let Some(decoded) = &prepared.decoded_pretty {
                    <pre data-testid="decoded-json">{ decoded.clone() }</pre>
                } else {
                    <p class="muted" data-testid="decoded-left-out">{ format!(
                        "Left out: the message is {:.1} MB. The tree above shows it; Copy raw JSON copies it.",
                        entry.raw.len() as f64 / 1e6) }</p>
                }
            </details>
            if let Some(raw) = &prepared.raw_pretty {
                <pre data-testid="raw-json" hidden=true>{ raw.clone() }</pre>
            }
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
/// The `userData` a message carries, and how the details title it: a write's, or the first a
/// result or event shows.
fn user_data_shown<'a>(
    record: &'a Record,
    raw: &'a Value,
) -> (&'static str, Option<&'a Map<String, Value>>) {
    match &record.decoded.message {
        Message::Request { typed, .. } => match &typed.call {
            scapi::requests::Call::SetUserData { user_data, .. } => {
                ("User data written", user_data.as_ref())
            }
            _ => ("", None),
        },
        _ => (
            "User data shown",
            scapi::policy::user_data::user_data_in(raw)
                .into_iter()
                .next()
                .map(|(_, data)| data),
        ),
    }
}

fn user_data_table(
    prepared: &Prepared,
    check: Option<&RequestCheck>,
    reads: &[&ReadCheck],
    record_key: &str,
    on_copy: &Callback<String>,
) -> Html {
    let (title, user_data) = user_data_shown(&prepared.record, &prepared.raw);
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
    // (key, value as text, status, what it means), rendered a page at a time.
    type Row = (String, Option<CutText>, &'static str, &'static str);
    let items: Vec<Row> = user_data
        .iter()
        .zip(&prepared.user_data_values)
        .map(|((key, _), value)| {
            let (status, text) = if refused.contains(key) {
                ("refused", "refused by write-allowed")
            } else if unreadable.contains(&key) {
                ("unreadable", "read-allowed hides it, yet it came")
            } else {
                ("visible", "")
            };
            (key.clone(), Some(value.clone()), status, text)
        })
        .chain(
            hidden
                .iter()
                .map(|key| ((*key).clone(), None, "hidden", "hidden by read-allowed")),
        )
        .chain(probably.iter().map(|key| {
            (
                (*key).clone(),
                None,
                "probably-hidden",
                "written earlier, absent here",
            )
        }))
        .collect();
    let total = items.len();
    let item = {
        let on_copy = on_copy.clone();
        Callback::from(move |i: usize| {
            let (key, value, status, text) = &items[i];
            html! {
                <tr data-testid="user-data-row" data-key={clip(key, TEXT_SHOWN).0.to_owned()} data-status={*status}>
                    <td class="key">{ long_text(key, &on_copy) }</td>
                    <td class="mono">{ value.as_ref().map(|value| value.view(&on_copy)).unwrap_or_else(|| html! { "—" }) }</td>
                    <td class={classes!("status", *status)}>{ *text }</td>
                </tr>
            }
        })
    };
    let rows = html! { <Paged key={record_key.to_owned()} {total} {item} columns={3} /> };
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
    raw: &Value,
    reads: &[&ReadCheck],
    earlier: &[Earlier],
    compare_with: Option<(u32, u64)>,
    on_compare: Callback<(u32, u64)>,
    record_key: &str,
    on_copy: &Callback<String>,
) -> Html {
    let Some(id) = reads.iter().find_map(|read| read.interaction_id.clone()) else {
        return Html::default();
    };
    let Some(after) = user_data_of(raw, &id) else {
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
    let items: Vec<(String, &'static str, String, String)> = changes
        .iter()
        .map(|(key, change)| {
            let (kind, before, after) = match change {
                Change::Added(value) => ("added", "—".to_owned(), text_of(value)),
                Change::Removed(value) => ("removed", text_of(value), "—".to_owned()),
                Change::Changed { before, after } => ("changed", text_of(before), text_of(after)),
            };
            (key.clone(), kind, before, after)
        })
        .collect();
    let total = items.len();
    let item = {
        let on_copy = on_copy.clone();
        Callback::from(move |i: usize| {
            let (key, kind, before, after) = &items[i];
            html! {
                <tr data-testid="user-data-change" data-key={clip(key, TEXT_SHOWN).0.to_owned()} data-change={*kind}>
                    <td class="key">{ long_text(key, &on_copy) }</td><td>{ *kind }</td>
                    <td class="mono">{ long_text(before, &on_copy) }</td><td class="mono">{ long_text(after, &on_copy) }</td>
                </tr>
            }
        })
    };
    let rows = html! { <Paged key={format!("{record_key}-changes")} {total} {item} columns={4} /> };
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
