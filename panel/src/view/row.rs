//! One line of the record list.

use crate::store::{Entry, Frame};
use crate::view::verdict::PolicyCell;
use crate::view::{clock, frame_label};
use yew::prelude::*;

/// Height of a row in pixels: the list is virtual, so every row has the same height.
pub const ROW_HEIGHT: f64 = 20.0;

/// How a row's request or response fared, from the pairing: `(text, state)`, e.g.
/// `("answered 12 ms", "answered")`, or for a response `("↩ agent.get 12 ms", "answered")`.
pub type Status = Option<(String, &'static str)>;

pub struct RowProps<'a> {
    pub entry: &'a Entry,
    pub frame: &'a Frame,
    /// The app the record belongs to (see `Analysis::app_of`): a frame URL, or an origin when
    /// the sender is not told apart (`false`).
    pub app: (String, bool),
    /// Position in the filtered list, from 0.
    pub index: usize,
    pub selected: bool,
    pub status: Status,
    pub policy: Option<PolicyCell>,
    /// The first record of a new top document: the inspected page navigated (or reloaded) here.
    pub navigated: bool,
    pub onclick: Callback<MouseEvent>,
}

pub fn row(props: RowProps) -> Html {
    let RowProps {
        entry,
        frame,
        app: (app, app_is_frame),
        index,
        selected,
        status,
        policy,
        navigated,
        onclick,
    } = props;
    let kind = entry.kind().label();
    let direction = entry.direction();
    let name = entry.facts.name.clone();
    // Sent from the console (or the answer to such a request): its referenceId says so.
    let console = entry
        .facts
        .reference_id
        .as_deref()
        .is_some_and(scapi::console::is_console_reference);
    let class = classes!(
        "row",
        format!("kind-{kind}"),
        selected.then_some("selected"),
        navigated.then_some("navigated")
    );
    let navigation = navigated.then(|| format!("Navigated: a new document, {}", frame.info.url));
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
    let style = format!("transform:translateY({}px)", index as f64 * ROW_HEIGHT);
    html! {
        <div role="row" class={class} data-testid="record-row" aria-selected={selected.to_string()}
            aria-rowindex={(index + 2).to_string()} {style}
            data-kind={kind} data-direction={direction.label()} data-name={name.clone()}
            data-reference-id={entry.facts.reference_id.clone()}
            data-console={console.then_some("true")}
            data-frame-url={frame.info.url.clone()} data-frame-origin={frame.info.origin.clone()}
            data-frame-key={frame.info.key.to_string()} data-seq={entry.seq().to_string()}
            data-source={entry.source().label()} data-exchange-state={state}
            data-verdict={verdict} data-agreement={agreement} data-navigation={navigation.clone()}
            title={navigation} {onclick}>
            <span role="gridcell" class="cell time">{ clock(entry.time()) }</span>
            <span role="gridcell" class={classes!("cell", "direction", direction.label())}>{ direction.arrow() }</span>
            <span role="gridcell" class="cell frame" data-testid="app-cell" data-app={app.clone()}
                title={format!("{}\nreceived by {}", app, frame.info.url)}>
                { if app_is_frame { frame_label(&app) } else { app.clone() } }
            </span>
            <span role="gridcell" class="cell kind">{ kind }</span>
            <span role="gridcell" class="cell name" title={name.clone()}>
                if console {
                    <span class="console-mark" data-testid="console-mark" title="Sent from the inspector's console">{ "console" }</span>
                }
                { name }
            </span>
            <span role="gridcell" class={classes!("cell", "status", state)}>{ status_text }</span>
            <span role="gridcell" class={classes!("cell", "verdict", verdict, agreement)} title={policy_title}>{ policy_text }</span>
            <span role="gridcell" class="cell summary">{ entry.summary() }</span>
        </div>
    }
}
