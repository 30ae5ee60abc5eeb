//! Export choices: sanitized by default (which userData values to keep), or with sensitive data
//! as an explicit choice with a warning.

use yew::prelude::*;

pub struct ExportViewProps<'a> {
    pub keep_keys: &'a str,
    pub sensitive: bool,
    pub records: usize,
    pub on_keep_keys: Callback<String>,
    pub on_sensitive: Callback<bool>,
    pub on_export: Callback<MouseEvent>,
}

pub fn export_view(props: ExportViewProps) -> Html {
    let ExportViewProps {
        keep_keys,
        sensitive,
        records,
        on_keep_keys,
        on_sensitive,
        on_export,
    } = props;
    let oninput = Callback::from(move |event: InputEvent| {
        if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
            on_keep_keys.emit(input.value());
        }
    });
    let onchange = Callback::from(move |event: Event| {
        if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
            on_sensitive.emit(input.checked());
        }
    });
    html! {
        <section class="side export" data-testid="export-view" aria-label="Export">
            <h2>{ format!("Export {records} records as HAR") }</h2>
            <p class="muted">{ "A HAR 1.2 file: Chrome DevTools' HAR import shows the messages (as WebSocket traffic); this panel and scapi-inspect restore everything — records, frames, findings and the pasted options." }</p>
            <h3>{ "Sanitized (the default)" }</h3>
            <p>{ "JWT tokens, userData values, phone numbers and e-mail addresses are masked, the same value always with the same mask, so pairing and changes still read right." }</p>
            <label class="keep">{ "Keep the values of these userData keys: " }
                <input type="text" data-testid="export-keep-keys" value={keep_keys.to_owned()} {oninput}
                    placeholder="Key1, Key2" aria-label="userData keys whose values are kept" />
            </label>
            <h3>{ "With sensitive data" }</h3>
            <label class="check">
                <input type="checkbox" data-testid="export-sensitive" checked={sensitive} {onchange} />
                { " Include everything as captured" }
            </label>
            if sensitive {
                <p class="warning" role="alert" data-testid="export-warning">
                    { "This file will hold the agent's tokens and the customers' data as captured. Share it only where such data may go." }
                </p>
            }
            <p>
                <button type="button" class={classes!("primary", sensitive.then_some("danger"))}
                    data-testid="export-with-choice" onclick={on_export}>
                    { if sensitive { "Export HAR with sensitive data" } else { "Export sanitized HAR" } }
                </button>
            </p>
        </section>
    }
}
