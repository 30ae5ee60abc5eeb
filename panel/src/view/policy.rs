//! The Workspace options of the inspected site: paste or load them, see what the parser made of
//! them, how the capture fares under them, and what the capture itself says of the options in
//! force.

use crate::policy::{Outcome, PolicyState};
use scapi::policy::audit::{Agreement, PolicyAudit};
use yew::prelude::*;

pub struct PolicyViewProps<'a> {
    pub state: &'a PolicyState,
    pub audit: &'a PolicyAudit,
    /// The options text area and file input, read by the callbacks.
    pub text_ref: NodeRef,
    pub file_ref: NodeRef,
    pub on_apply: Callback<MouseEvent>,
    /// Keeps what the user types as the draft.
    pub on_input: Callback<InputEvent>,
    pub on_clear: Callback<MouseEvent>,
    pub on_file: Callback<Event>,
    /// A problem reading a file, shown until the next action.
    pub file_error: Option<String>,
}

const PLACEHOLDER: &str = "Paste the [interaction-workspace] options of this Workspace, e.g.\n\nservice-client-api.accepted-web-content-origins=https://crm.example (agent.*, voice.dial)\nservice-client-api.rate-limit.voice.dial=4\nservice-client-api.user-data.read-allowed=Key1,Key2\n\nkey=value lines, an ini file or JSON.";

pub fn policy_view(props: PolicyViewProps) -> Html {
    let PolicyViewProps {
        state,
        audit,
        text_ref,
        file_ref,
        on_apply,
        on_input,
        on_clear,
        on_file,
        file_error,
    } = props;
    let site = state
        .site
        .clone()
        .unwrap_or_else(|| "this tab (no Workspace frame captured yet)".to_owned());
    let outcome = match &state.outcome {
        Outcome::None => html! {
            <p class="policy-status" data-testid="options-status" data-state="none">
                { "No options applied: verdicts need them. Below, what the capture itself says." }
            </p>
        },
        Outcome::Applied(parsed) => html! {
            <>
                <p class="policy-status" data-testid="options-status" data-state="applied">
                    { format!("Applied: {} option(s) given; the others hold Workspace's defaults.", parsed.options.given.len()) }
                </p>
                if !parsed.notes.is_empty() {
                    <details class="policy-notes">
                        <summary>{ format!("{} line(s) ignored", parsed.notes.len()) }</summary>
                        <ul>{ for parsed.notes.iter().map(|note| html! { <li>{ format!("line {}: {}", note.line, note.note) }</li> }) }</ul>
                    </details>
                }
                <pre class="policy-effective" data-testid="options-effective">{ parsed.options.to_text() }</pre>
            </>
        },
        Outcome::Rejected(errors) => html! {
            <div class="policy-errors" role="alert">
                <p class="policy-status" data-testid="options-status" data-state="rejected">
                    { format!("Not applied: {} problem(s).", errors.len()) }
                </p>
                <ul>
                    { for errors.iter().map(|error| html! {
                        <li data-testid="options-error" data-line={error.line.to_string()}>{ error.to_string() }</li>
                    }) }
                </ul>
            </div>
        },
    };
    let tally = tally(audit);
    html! {
        <section class="side policy" data-testid="policy-view" aria-label="Workspace options">
            <h2>{ format!("Workspace options for {site}") }</h2>
            <textarea ref={text_ref} data-testid="options-text" aria-label="Workspace options"
                spellcheck="false" rows="8" placeholder={PLACEHOLDER} value={state.draft.clone()}
                oninput={on_input} />
            <div class="policy-actions">
                <button type="button" data-testid="options-apply" onclick={on_apply}>{ "Apply" }</button>
                <label class="file">
                    { "Load file…" }
                    <input ref={file_ref} type="file" data-testid="options-file" accept=".ini,.txt,.cfg,.conf,.json,.properties,text/*,application/json" onchange={on_file} />
                </label>
                <button type="button" data-testid="options-clear" onclick={on_clear}>{ "Clear options" }</button>
            </div>
            if let Some(error) = file_error {
                <p class="policy-errors" role="alert" data-testid="options-file-error">{ error }</p>
            }
            { outcome }
            if audit.with_options {
                <p data-testid="verdict-tally">
                    { format!("{} request(s): {} allowed, {} refused or limited; {} went otherwise than these options predict.", tally.0, tally.1, tally.2, tally.3) }
                </p>
            }
            <h3>{ "Read off the capture" }</h3>
            if audit.inferred.options_text.is_empty() {
                <p class="muted" data-testid="inferred-options-empty">{ "Nothing yet: no rate-limit error, unanswered request or hidden key in this capture." }</p>
            } else {
                <pre data-testid="inferred-options">{ audit.inferred.options_text.clone() }</pre>
            }
        </section>
    }
}

/// (requests, allowed, refused or limited, disagreements).
fn tally(audit: &PolicyAudit) -> (usize, usize, usize, usize) {
    let mut tally = (0, 0, 0, 0);
    for check in &audit.requests {
        let Some(verdict) = &check.verdict else {
            continue;
        };
        tally.0 += 1;
        if verdict.is_allowed() {
            tally.1 += 1;
        } else {
            tally.2 += 1;
        }
        if matches!(check.agreement, Agreement::Disagrees { .. }) {
            tally.3 += 1;
        }
    }
    tally
}
