//! The bar above the list: connection state, counts, Clear, and the choice of side view.

use yew::prelude::*;

/// The panel's link to the background.
#[derive(Clone, Debug, PartialEq)]
pub enum Connection {
    Connecting,
    Connected,
    Reconnecting,
    Failed(String),
}

impl Connection {
    fn state(&self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Connected => "connected",
            Connection::Reconnecting => "reconnecting",
            Connection::Failed(_) => "error",
        }
    }

    fn text(&self) -> String {
        match self {
            Connection::Connecting => "Connecting…".to_owned(),
            Connection::Connected => "Live".to_owned(),
            Connection::Reconnecting => "Reconnecting…".to_owned(),
            Connection::Failed(reason) => reason.clone(),
        }
    }
}

/// What the pane beside the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The selected record.
    Details,
    Findings,
    /// The Workspace options and what they say.
    Policy,
    Rates,
    UserData,
}

/// What the toolbar shows and the buttons it offers.
pub struct ToolbarProps<'a> {
    pub connection: &'a Connection,
    pub records: usize,
    pub dropped: u64,
    /// Findings by severity: errors, warnings, information.
    pub findings: (usize, usize, usize),
    pub side: Side,
    /// `none`, `applied` or `rejected`: the state of the pasted options.
    pub options: &'static str,
    pub on_clear: Callback<MouseEvent>,
    /// Pressing the button of the side view already shown goes back to the details.
    pub on_side: Callback<Side>,
}

pub fn toolbar(props: ToolbarProps) -> Html {
    let ToolbarProps {
        connection,
        records,
        dropped,
        findings: (errors, warnings, infos),
        side,
        options,
        on_clear,
        on_side,
    } = props;
    let toggle = |target: Side| {
        let on_side = on_side.clone();
        Callback::from(move |_: MouseEvent| {
            on_side.emit(if side == target {
                Side::Details
            } else {
                target
            })
        })
    };
    let options_label = match options {
        "applied" => "Options ✓",
        "rejected" => "Options ✗",
        _ => "Options",
    };
    let plural = if records == 1 { "record" } else { "records" };
    let total = errors + warnings + infos;
    let findings_class = classes!(
        "findings-toggle",
        (errors > 0).then_some("has-errors"),
        (errors == 0 && warnings > 0).then_some("has-warnings")
    );
    html! {
        <header class="toolbar" role="toolbar" aria-label="Capture">
            <button type="button" onclick={on_clear} title="Clear the list">{ "Clear" }</button>
            <span class="title">{ "SCAPI Inspector" }</span>
            <button type="button" class={findings_class} data-testid="findings-toggle"
                aria-pressed={(side == Side::Findings).to_string()} onclick={toggle(Side::Findings)}
                title={format!("{errors} errors, {warnings} warnings, {infos} notes")}>
                { format!("Findings ({total})") }
            </button>
            <button type="button" class={classes!("options-toggle", options)} data-testid="policy-toggle"
                data-options={options} aria-pressed={(side == Side::Policy).to_string()}
                onclick={toggle(Side::Policy)} title="Workspace options: paste them to see what Workspace does with each request">
                { options_label }
            </button>
            <button type="button" data-testid="rates-toggle" aria-pressed={(side == Side::Rates).to_string()}
                onclick={toggle(Side::Rates)} title="Requests per minute, limits, quarantines">{ "Rate limits" }</button>
            <button type="button" data-testid="user-data-toggle" aria-pressed={(side == Side::UserData).to_string()}
                onclick={toggle(Side::UserData)} title="userData keys written, read, hidden and refused, per interaction">{ "User data" }</button>
            <span class="spacer"></span>
            if dropped > 0 {
                <span class="dropped" data-testid="dropped-count" role="status"
                    title="Records lost because a frame's buffer was full">{ format!("{dropped} dropped") }</span>
            }
            <span class="count" data-testid="record-count">{ format!("{records} {plural}") }</span>
            <span class="connection" data-testid="connection" data-state={connection.state()}>{ connection.text() }</span>
        </header>
    }
}
