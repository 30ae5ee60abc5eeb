//! The selected record in full: labelled fields, the decoded record and the raw data.

use crate::store::{Frame, Row};
use crate::view::clock;
use yew::prelude::*;

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

pub fn details(row: &Row, frame: &Frame) -> Html {
    let record = &row.record;
    let message = &record.decoded.message;
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
                { field("Time", clock(record.wall)) }
                { field("Sequence", record.seq.to_string()) }
                { message.reference_id().map(|id| field("referenceId", id.to_owned())).unwrap_or_default() }
                { field("Ports transferred", record.ports.to_string()) }
            </dl>
            <h3>{ "Decoded" }</h3>
            <pre data-testid="decoded-json">{ pretty(&record.decoded) }</pre>
            <h3>{ "Raw" }</h3>
            <pre data-testid="raw-json">{ pretty(&record.raw) }</pre>
        </section>
    }
}
