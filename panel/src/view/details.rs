//! The selected record in full: labelled fields, the decoded record and the raw data.

use crate::analysis::state_text;
use crate::store::{Frame, Row};
use crate::view::clock;
use crate::view::verdict::{read_section, request_section};
use scapi::correlate::{Exchange, RecordRef};
use scapi::policy::audit::{ReadCheck, RequestCheck};
use scapi::results::TypedResult;
use yew::prelude::*;

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// `exchange` is the pair the record belongs to, with a way to select its partner records.
pub fn details(
    row: &Row,
    frame: &Frame,
    exchange: Option<(&Exchange, Callback<RecordRef>)>,
    policy: (Option<&RequestCheck>, Vec<&ReadCheck>),
) -> Html {
    let record = &row.record;
    let message = &record.decoded.message;
    let typed_result = exchange_result(&exchange);
    let field = |label: &str, value: String| {
        html! { <><dt>{ label.to_owned() }</dt><dd>{ value }</dd></> }
    };
    let frame_text = match frame.info.browser_frame_id {
        Some(id) => format!("{} (browser frame {id})", frame.info.url),
        None => frame.info.url.clone(),
    };
    html! {
        <section class="details" data-testid="record-details" aria-label="Selected record">
            <h2>{ message.name() }</h2>
            <dl>
                { field("Kind", message.kind().to_owned()) }
                { field("Direction", message.direction().arrow().to_owned()) }
                { field("Received by", frame_text) }
                { field("Sender origin", record.origin.clone()) }
                { field("Sender is", record.source.label().to_owned()) }
                { field("Time", clock(record.time)) }
                { field("Wall clock", clock(record.wall)) }
                { field("Sequence", record.seq.to_string()) }
                { message.reference_id().map(|id| field("referenceId", id.to_owned())).unwrap_or_default() }
                { field("Ports transferred", record.ports.to_string()) }
                { exchange.map(|(exchange, select)| exchange_fields(exchange, row, frame, select)).unwrap_or_default() }
            </dl>
            { policy.0.map(request_section).unwrap_or_default() }
            { read_section(&policy.1) }
            { result_section(record, typed_result) }
            <h3>{ "Decoded" }</h3>
            <pre data-testid="decoded-json">{ pretty(&record.decoded) }</pre>
            <h3>{ "Raw" }</h3>
            <pre data-testid="raw-json">{ pretty(&record.raw) }</pre>
        </section>
    }
}

/// The pair's state and links to the other side (request ↔ answers).
fn exchange_fields(
    exchange: &Exchange,
    row: &Row,
    frame: &Frame,
    select: Callback<RecordRef>,
) -> Html {
    let this = RecordRef {
        frame: frame.info.key.clone(),
        seq: row.record.seq,
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

fn exchange_result<'a>(
    exchange: &Option<(&'a Exchange, Callback<RecordRef>)>,
) -> Option<&'a TypedResult> {
    exchange
        .as_ref()
        .and_then(|(exchange, _)| exchange.result.as_deref())
}

/// For a successful answer: its data typed as what the request returns.
fn result_section(record: &scapi::Record, result: Option<&TypedResult>) -> Html {
    let is_answer = matches!(record.decoded.message, scapi::Message::Response { .. });
    match result {
        Some(result) if is_answer => html! {
            <>
                <h3>{ "Result" }</h3>
                if let Some(problem) = &result.shape_problem {
                    <p class="shape-problem">{ problem.clone() }</p>
                }
                <pre data-testid="typed-result">{ pretty(&result.result) }</pre>
            </>
        },
        _ => Html::default(),
    }
}
