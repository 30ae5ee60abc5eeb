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

pub fn toolbar(
    connection: &Connection,
    records: usize,
    dropped: u64,
    on_clear: Callback<MouseEvent>,
) -> Html {
    let plural = if records == 1 { "record" } else { "records" };
    html! {
        <header class="toolbar" role="toolbar" aria-label="Capture">
            <button type="button" onclick={on_clear} title="Clear the list">{ "Clear" }</button>
            <span class="title">{ "SCAPI Inspector" }</span>
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
