//! The findings list: what is wrong in the capture, its cause and what to do.

use scapi::correlate::RecordRef;
use scapi::findings::{Finding, Severity};
use yew::prelude::*;

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// `on_show` gets the records of the chosen finding.
pub fn findings(findings: &[Finding], on_show: Callback<Vec<RecordRef>>) -> Html {
    if findings.is_empty() {
        return html! {
            <section class="findings empty" data-testid="findings" aria-label="Findings">
                { "No findings: every request was answered and every message is well formed." }
            </section>
        };
    }
    let items: Html = findings
        .iter()
        .map(|finding| {
            let records = finding.records.clone();
            let on_show = on_show.clone();
            let code = serde_json::to_value(finding.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let severity = severity_label(finding.severity);
            let count = finding.records.len();
            html! {
                <article class={classes!("finding", severity)} data-testid="finding" data-code={code}
                    data-severity={severity}>
                    <h3>{ finding.title.clone() }</h3>
                    <p class="problem">{ finding.problem.clone() }</p>
                    <p class="advice">{ finding.advice.clone() }</p>
                    <button type="button" onclick={Callback::from(move |_| on_show.emit(records.clone()))}>
                        { format!("Show {count} record{}", if count == 1 { "" } else { "s" }) }
                    </button>
                </article>
            }
        })
        .collect();
    html! {
        <section class="findings" data-testid="findings" aria-label="Findings">{ items }</section>
    }
}
