//! The bar above the list: capture controls (pause, clear, preserve log), counts and losses, the
//! connection, and the choice of side view.

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
    Frames,
    /// Export choices.
    Export,
    /// The request console.
    Console,
}

/// What the toolbar shows and the buttons it offers.
pub struct ToolbarProps<'a> {
    pub connection: &'a Connection,
    /// Records kept, and shown through the filter.
    pub records: usize,
    pub shown: usize,
    /// Lost in the page (a frame's buffer was full).
    pub dropped: u64,
    /// Dropped by the panel's cap.
    pub evicted: u64,
    pub paused: bool,
    /// Messages that arrived while paused (not recorded).
    pub not_recorded: u64,
    pub preserve_log: bool,
    /// Findings by severity: errors, warnings, information.
    pub findings: (usize, usize, usize),
    /// Percent done of the analysis being made (a large capture is analysed in slices; the
    /// findings shown meanwhile are the previous analysis').
    pub analysing: Option<u8>,
    pub side: Side,
    /// `none`, `applied` or `rejected`: the state of the pasted options.
    pub options: &'static str,
    /// A file is being reviewed instead of the live capture.
    pub importing: bool,
    pub import_input: NodeRef,
    pub on_export: Callback<MouseEvent>,
    pub on_import: Callback<Event>,
    pub on_pause: Callback<MouseEvent>,
    pub on_clear: Callback<MouseEvent>,
    pub on_preserve: Callback<Event>,
    /// Pressing the button of the side view already shown goes back to the details.
    pub on_side: Callback<Side>,
}

pub fn toolbar(props: ToolbarProps) -> Html {
    let ToolbarProps {
        connection,
        records,
        shown,
        dropped,
        evicted,
        paused,
        not_recorded,
        preserve_log,
        findings: (errors, warnings, infos),
        analysing,
        side,
        options,
        importing,
        import_input,
        on_export,
        on_import,
        on_pause,
        on_clear,
        on_preserve,
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
    let side_button = |target: Side,
                       test_id: &'static str,
                       label: String,
                       title: &'static str,
                       class: Classes| {
        html! {
            <button type="button" class={class} data-testid={test_id}
                aria-pressed={(side == target).to_string()} onclick={toggle(target)} {title}>{ label }</button>
        }
    };
    let total = errors + warnings + infos;
    let findings_class = classes!(
        "findings-toggle",
        (errors > 0).then_some("has-errors"),
        (errors == 0 && warnings > 0).then_some("has-warnings")
    );
    let options_label = match options {
        "applied" => "Options ✓",
        "rejected" => "Options ✗",
        _ => "Options",
    };
    let count = if shown == records {
        format!("{records} record{}", if records == 1 { "" } else { "s" })
    } else {
        format!("{shown} / {records} records")
    };
    html! {
        <header class="toolbar" role="toolbar" aria-label="Capture">
            <button type="button" class={classes!("record", (!paused && !importing).then_some("recording"))} data-testid="pause-toggle"
                aria-pressed={paused.to_string()} onclick={on_pause}
                title={if paused { "Resume recording" } else { "Pause recording: messages arriving meanwhile are counted, not kept" }}>
                { if paused { "Resume" } else { "Pause" } }
            </button>
            <button type="button" data-testid="clear" onclick={on_clear} title="Clear the list">{ "Clear" }</button>
            <label class="check" title="Keep records when the inspected page reloads or navigates">
                <input type="checkbox" data-testid="preserve-log" checked={preserve_log} onchange={on_preserve} />
                { "Preserve log" }
            </label>
            <span class="separator"></span>
            <button type="button" class={findings_class} data-testid="findings-toggle"
                aria-pressed={(side == Side::Findings).to_string()} onclick={toggle(Side::Findings)}
                title={format!("{errors} errors, {warnings} warnings, {infos} notes")}>
                { format!("Findings ({total})") }
            </button>
            if let Some(percent) = analysing {
                <span class="analysing" role="status" data-testid="analysing" data-percent={percent.to_string()}
                    title="The records are being analysed (pairs, findings, the policy); what is shown is the analysis before">
                    { format!("analysing… {percent}%") }
                </span>
            }
            <button type="button" class={classes!("options-toggle", options)} data-testid="policy-toggle"
                data-options={options} aria-pressed={(side == Side::Policy).to_string()}
                onclick={toggle(Side::Policy)} title="Workspace options: paste them to see what Workspace does with each request">
                { options_label }
            </button>
            { side_button(Side::Rates, "rates-toggle", "Rate limits".to_owned(), "Requests per minute, limits, quarantines", classes!()) }
            { side_button(Side::UserData, "user-data-toggle", "User data".to_owned(), "userData keys written, read, hidden and refused, per interaction", classes!()) }
            { side_button(Side::Frames, "frames-toggle", "Frames".to_owned(), "Every frame: role, attachment, frameId, subscriptions, tab state", classes!()) }
            { side_button(Side::Console, "console-toggle", "Console".to_owned(), "Send a request as one of the page's apps", classes!()) }
            <span class="separator"></span>
            <button type="button" data-testid="export-har" onclick={on_export}
                title="Download the records as a sanitized HAR file (JWTs, userData values, phone numbers and e-mail addresses masked)">{ "Export HAR" }</button>
            { side_button(Side::Export, "export-options", "▾".to_owned(), "Export choices: keep some userData values, or include sensitive data", classes!("narrow")) }
            <label class="file-button" title="Open a HAR file exported by this panel (or any HAR with WebSocket messages) to review it here">
                { "Import" }
                <input ref={import_input} type="file" data-testid="import-har" accept=".har,.json,application/json" onchange={on_import} />
            </label>
            <span class="spacer"></span>
            if paused && not_recorded > 0 {
                <span class="dropped" data-testid="not-recorded" role="status"
                    title="Messages that arrived while recording was paused">{ format!("{not_recorded} not recorded (paused)") }</span>
            }
            if dropped > 0 {
                <span class="dropped" data-testid="dropped-count" role="status"
                    title="SCAPI records lost before this panel got them: the page's queue overflowed, or the tab's store (50,000 SCAPI records per tab, 8 MB kept across tabs) let its oldest go">{ format!("{dropped} dropped") }</span>
            }
            if evicted > 0 {
                <span class="dropped" data-testid="evicted-count" role="status"
                    title="The oldest records, removed to stay within the record cap">{ format!("{evicted} over the cap") }</span>
            }
            <span class="count" data-testid="record-count" role="status">{ count }</span>
            <span class="connection" data-testid="connection" data-state={connection.state()}>{ connection.text() }</span>
        </header>
    }
}
