//! User data per interaction: the keys apps wrote, the keys results and events showed, and those
//! read-allowed hides or write-allowed refuses.

//!
//! Interactions and their keys show a page at a time ("Show next 200"): 10,000 keys build the
//! rows of the first 200, not 110,000 nodes.

use crate::analysis::Analysis;
use crate::view::big::{clip, long_text, Paged, TEXT_SHOWN};
use scapi::correlate::RecordRef;
use scapi::policy::audit::InteractionKeys;
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

pub fn user_data_view(
    analysis: Rc<Analysis>,
    on_show: Callback<Vec<RecordRef>>,
    on_copy: Callback<String>,
) -> Html {
    let audit = &analysis.audit;
    if audit.interactions.is_empty() {
        return html! {
            <section class="side user-data empty" data-testid="user-data-view" aria-label="User data">
                { "No userData written or read in this capture yet." }
            </section>
        };
    }
    html! {
        <section class="side user-data" data-testid="user-data-view" aria-label="User data">
            <h2>{ "User data" }</h2>
            <p class="muted">{ if audit.with_options {
                "Per interaction, under the pasted read-allowed and write-allowed lists."
            } else {
                "Per interaction, read off the capture: paste the options to see exactly what read-allowed hides."
            } }</p>
            <Paged total={audit.interactions.len()} item={{
                let analysis = analysis.clone();
                Callback::from(move |i: usize| {
                    interaction_view(&analysis.audit.interactions[i], on_show.clone(), on_copy.clone())
                })
            }} />
        </section>
    }
}

/// What became of one key, most telling first.
fn key_status(keys: &InteractionKeys, key: &str) -> (&'static str, &'static str) {
    if keys.refused.contains(key) {
        ("refused", "write refused")
    } else if keys.hidden.contains(key) {
        ("hidden", "hidden by read-allowed")
    } else if keys.probably_hidden.contains(key) {
        (
            "probably-hidden",
            "written, never read back: probably hidden",
        )
    } else if keys.deleted.contains(key) {
        ("deleted", "deleted")
    } else {
        ("visible", "visible")
    }
}

fn interaction_view(
    keys: &InteractionKeys,
    on_show: Callback<Vec<RecordRef>>,
    on_copy: Callback<String>,
) -> Html {
    let all: BTreeSet<&String> = keys
        .written
        .keys()
        .chain(&keys.read)
        .chain(&keys.hidden)
        .chain(&keys.probably_hidden)
        .chain(&keys.refused)
        .chain(&keys.deleted)
        .collect();
    // (key, status, what it means, its writes, read back), rendered a page at a time.
    type Row = (String, &'static str, &'static str, Vec<RecordRef>, bool);
    let items: Vec<Row> = all
        .into_iter()
        .map(|key| {
            let (status, text) = key_status(keys, key);
            let writes = keys.written.get(key).cloned().unwrap_or_default();
            (key.clone(), status, text, writes, keys.read.contains(key))
        })
        .collect();
    let total = items.len();
    let item = Callback::from(move |i: usize| {
        let (key, status, text, writes, read) = &items[i];
        let written = if writes.is_empty() {
            html! { { "—" } }
        } else {
            let on_show = on_show.clone();
            let count = writes.len();
            let writes = writes.clone();
            html! {
                <button type="button" class="link" onclick={Callback::from(move |_| on_show.emit(writes.clone()))}>
                    { format!("{count} write{}", if count == 1 { "" } else { "s" }) }
                </button>
            }
        };
        html! {
            <tr data-testid="user-data-key" data-key={clip(key, TEXT_SHOWN).0.to_owned()} data-status={*status}>
                <td class="key">{ long_text(key, &on_copy) }</td>
                <td>{ written }</td>
                <td>{ if *read { "yes" } else { "no" } }</td>
                <td class={classes!("status", *status)}>{ *text }</td>
            </tr>
        }
    });
    html! {
        <article class="interaction" data-testid="interaction-keys" data-interaction-id={keys.interaction_id.clone()}>
            <h3>{ format!("Interaction {}", keys.interaction_id) }</h3>
            <table>
                <thead><tr><th>{ "Key" }</th><th>{ "Written" }</th><th>{ "Read" }</th><th>{ "Status" }</th></tr></thead>
                <tbody><Paged key={keys.interaction_id.clone()} {total} {item} columns={4} /></tbody>
            </table>
        </article>
    }
}
