//! One line of the record list.

use crate::store::{Frame, Row};
use crate::view::verdict::PolicyCell;
use crate::view::{clock, frame_label};
use yew::prelude::*;

/// How a row's request or response fared, from the pairing: `(text, state)`, e.g.
/// `("answered 12 ms", "answered")`, or for a response `("↩ agent.get 12 ms", "answered")`.
pub type Status = Option<(String, &'static str)>;

pub fn row(
    row: &Row,
    frame: &Frame,
    selected: bool,
    status: Status,
    policy: Option<PolicyCell>,
    onclick: Callback<MouseEvent>,
) -> Html {
    let record = &row.record;
    let message = &record.decoded.message;
    let direction = message.direction();
    let kind = message.kind();
    let name = message.name();
    let class = classes!(
        "row",
        format!("kind-{kind}"),
        selected.then_some("selected")
    );
    let (status_text, state) = match status {
        Some((text, state)) => (text, Some(state)),
        None => (String::new(), None),
    };
    let (policy_text, verdict, agreement, policy_title) = match policy {
        Some(cell) => (
            cell.text,
            Some(cell.verdict),
            Some(cell.agreement),
            Some(cell.title),
        ),
        None => (String::new(), None, None, None),
    };
    html! {
        <div role="row" class={class} data-testid="record-row" aria-selected={selected.to_string()}
            data-kind={kind} data-direction={direction.label()} data-name={name.clone()}
            data-reference-id={message.reference_id().map(str::to_owned)}
            data-frame-url={frame.info.url.clone()} data-frame-origin={frame.info.origin.clone()}
            data-frame-key={frame.info.key.clone()} data-seq={record.seq.to_string()}
            data-source={record.source.label()} data-exchange-state={state}
            data-verdict={verdict} data-agreement={agreement} {onclick}>
            <span role="gridcell" class="cell time">{ clock(record.time) }</span>
            <span role="gridcell" class={classes!("cell", "direction", direction.label())}>{ direction.arrow() }</span>
            <span role="gridcell" class="cell frame" title={frame.info.url.clone()}>{ frame_label(&frame.info.url) }</span>
            <span role="gridcell" class="cell kind">{ kind }</span>
            <span role="gridcell" class="cell name">{ name }</span>
            <span role="gridcell" class={classes!("cell", "status", state)}>{ status_text }</span>
            <span role="gridcell" class={classes!("cell", "verdict", verdict, agreement)} title={policy_title}>{ policy_text }</span>
            <span role="gridcell" class="cell summary">{ record.summary() }</span>
        </div>
    }
}
