//! The bar above the list: connection state, counts and Clear.

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

/// What the toolbar shows and the buttons it offers.
pub struct ToolbarProps<'a> {
    pub connection: &'a Connection,
    pub records: usize,
    pub dropped: u64,
    /// Findings by severity: errors, warnings, information.
    pub findings: (usize, usize, usize),
    pub findings_open: bool,
    pub on_clear: Callback<MouseEvent>,
    pub on_findings: Callback<MouseEvent>,
}

pub fn toolbar(props: ToolbarProps) -> Html {
    let ToolbarProps {
        connection,
        records,
        dropped,
        findings: (errors, warnings, infos),
        findings_open,
        on_clear,
        on_findings,
    } = props;
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
                aria-pressed={findings_open.to_string()} onclick={on_findings}
                title={format!("{errors} errors, {warnings} warnings, {infos} notes")}>
                { format!("Findings ({total})") }
            </button>
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
