//! The request console: compose a request (or subscribe, unsubscribe) as one of the page's apps,
//! see what is wrong with it as it is typed, and send it; its answer is shown here and paired in
//! the list. The checks are `scapi::console`'s; this file only renders them and asks the
//! background to have the app's frame post the message (`persist::send_as_app`).

use crate::analysis::{state_text, Analysis};
use crate::console::{exchange_of, history_key, AppFrame, ConsoleState, SentNow};
use crate::persist;
use crate::store::Store;
use crate::view::frame_label;
use scapi::console::{check, envelope, reference_id, remember, Draft, Sent};
use scapi::correlate::RecordRef;
use scapi::requests::catalog;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

pub type SharedConsole = Rc<RefCell<ConsoleState>>;

/// A change a field makes to the console's state, given the field's value.
type Edit = Rc<dyn Fn(&mut ConsoleState, String)>;

/// How an app is named in the console: as the list's App column names it, with its origin (a
/// frame known by its place only: the origin and the place).
pub fn app_label(app: &AppFrame) -> String {
    match app.place {
        Some(_) => app.key.clone(),
        None => format!("{} ({})", frame_label(&app.url), app.origin),
    }
}

/// Sends the console's draft as the chosen app, after the checks: nothing is sent while a file
/// is reviewed, with problems, or — for a request that changes the desktop — before the user
/// confirmed that name once in this session (`confirmed_now` is that confirmation).
pub fn send(
    state: &SharedConsole,
    apps: &[AppFrame],
    reviewing: bool,
    confirmed_now: bool,
    site: Option<String>,
    now: f64,
    bump: Callback<()>,
) {
    let mut console = state.borrow_mut();
    console.error = None;
    if reviewing {
        console.error =
            Some("Sending is off while a file is reviewed: go back to the live capture.".into());
        return;
    }
    let Some(app) = console.chosen(apps).cloned() else {
        console.error = Some(match &console.app {
            Some(_) => "Not sent: the app chosen is no longer on the page (its frame went away). Choose another.".into(),
            None => "Not sent: no app to send as — no frame has heard from Workspace yet.".into(),
        });
        return;
    };
    let checked = check(&console.draft);
    if !checked.is_ready() {
        return;
    }
    let name = console.draft.name().to_owned();
    if checked.changes_state() && !console.confirmed.contains(&name) {
        if !confirmed_now {
            console.confirming = true;
            return;
        }
        console.confirmed.insert(name.clone());
    }
    console.confirming = false;
    let id = reference_id(console.next_reference);
    console.next_reference += 1;
    let Some(message) = envelope(&checked, &id, &app.identity) else {
        return;
    };
    let mut detail = serde_json::to_value(&app.target).unwrap_or_default();
    detail["text"] = serde_json::Value::String(message.to_string());
    console.sent.push(SentNow {
        reference_id: id.clone(),
        app: app.key.clone(),
        name,
    });
    if let Some(site) = &site {
        let draft = console.draft.clone();
        remember(
            &mut console.history,
            Sent {
                draft,
                app: app.url.clone(),
                at: now,
            },
        );
        if let Ok(text) = serde_json::to_string(&console.history) {
            persist::save_stored(&history_key(site), &text);
        }
    }
    drop(console);
    let state = state.clone();
    let label = app_label(&app);
    let place = serde_json::to_string(&app.place).unwrap_or_else(|_| "null".into());
    persist::send_as_app(&app.key, &place, &detail.to_string(), move |result| {
        if let Err(reason) = result {
            let mut console = state.borrow_mut();
            console.sent.retain(|sent| sent.reference_id != id);
            console.error = Some(format!("Not sent as {label}: {reason}."));
        }
        bump.emit(());
    });
}

pub struct ConsoleViewProps<'a> {
    pub state: SharedConsole,
    pub apps: Rc<Vec<AppFrame>>,
    pub reviewing: bool,
    pub site: Option<String>,
    pub analysis: &'a Analysis,
    pub store: &'a Store,
    pub now: f64,
    pub bump: Callback<()>,
    /// Shows a record in the list.
    pub select: Callback<RecordRef>,
}

fn draft_kind(draft: &Draft) -> &'static str {
    match draft {
        Draft::Request { .. } => "request",
        Draft::Subscribe { .. } => "subscribe",
        Draft::Unsubscribe { .. } => "unsubscribe",
    }
}

pub fn console_view(props: ConsoleViewProps) -> Html {
    let ConsoleViewProps {
        state,
        apps,
        reviewing,
        site,
        analysis,
        store,
        now,
        bump,
        select,
    } = props;
    let console = state.borrow();
    let checked = check(&console.draft);
    let chosen = console.chosen(&apps).cloned();
    let change = |f: Edit| {
        let state = state.clone();
        let bump = bump.clone();
        Callback::from(move |event: Event| {
            let value = event
                .target()
                .and_then(|target| {
                    use wasm_bindgen::JsCast;
                    target
                        .dyn_ref::<web_sys::HtmlInputElement>()
                        .map(|input| input.value())
                        .or_else(|| {
                            target
                                .dyn_ref::<web_sys::HtmlTextAreaElement>()
                                .map(|area| area.value())
                        })
                        .or_else(|| {
                            target
                                .dyn_ref::<web_sys::HtmlSelectElement>()
                                .map(|select| select.value())
                        })
                })
                .unwrap_or_default();
            let mut console = state.borrow_mut();
            f(&mut console, value);
            console.confirming = false;
            drop(console);
            bump.emit(());
        })
    };
    let input = |f: Edit| {
        let on = change(f);
        Callback::from(move |event: InputEvent| on.emit(event.into()))
    };
    let on_app = change(Rc::new(|console, key| console.app = Some(key)));
    let on_kind = change(Rc::new(|console, kind| {
        console.draft = match kind.as_str() {
            "subscribe" => Draft::Subscribe {
                topics: r#"["agent", "interaction"]"#.into(),
            },
            "unsubscribe" => Draft::Unsubscribe {
                subscription: String::new(),
            },
            _ => Draft::Request {
                name: String::new(),
                parameters: String::new(),
            },
        }
    }));
    let on_name = input(Rc::new(|console, text| {
        if let Draft::Request { name, .. } = &mut console.draft {
            *name = text;
        }
    }));
    let on_value = input(Rc::new(|console, text| match &mut console.draft {
        Draft::Request { parameters, .. } => *parameters = text,
        Draft::Subscribe { topics } => *topics = text,
        Draft::Unsubscribe { subscription } => *subscription = text,
    }));
    let send_with = |confirmed_now: bool| {
        let (state, apps, site, bump) = (state.clone(), apps.clone(), site.clone(), bump.clone());
        Callback::from(move |_: MouseEvent| {
            send(
                &state,
                &apps,
                reviewing,
                confirmed_now,
                site.clone(),
                now,
                bump.clone(),
            );
            bump.emit(());
        })
    };
    let on_cancel = {
        let (state, bump) = (state.clone(), bump.clone());
        Callback::from(move |_: MouseEvent| {
            state.borrow_mut().confirming = false;
            bump.emit(());
        })
    };

    let (value, placeholder, value_label) = match &console.draft {
        Draft::Request { parameters, .. } => (
            parameters.clone(),
            r#"["Ready"]"#,
            "Parameters (a JSON array, in order)",
        ),
        Draft::Subscribe { topics } => (
            topics.clone(),
            r#"["agent", "interaction"]"#,
            "Topics (a topic or a JSON array of them)",
        ),
        Draft::Unsubscribe { subscription } => (
            subscription.clone(),
            r#""subscription id""#,
            "Subscription id (JSON, as the subscribe answer gave it)",
        ),
    };
    let name_field = match &console.draft {
        Draft::Request { name, .. } => html! {
            <label class="console-field">{ "Request" }
                <input type="text" list="console-names" data-testid="console-name" autocomplete="off"
                    spellcheck="false" placeholder="agent.getState" value={name.clone()} oninput={on_name} />
            </label>
        },
        _ => html! {},
    };
    let spec_view = checked.spec.map(|spec| {
        let parameters: Html = spec
            .parameters
            .iter()
            .map(|p| {
                html! {
                    <li data-param={p.name}><code>{ p.name }</code>{ format!(": {}{}", p.expected(), if p.optional { ", optional" } else { "" }) }</li>
                }
            })
            .collect();
        html! {
            <div class="console-spec" data-testid="console-spec" data-changes-state={spec.changes_state().to_string()}>
                if spec.parameters.is_empty() {
                    <p>{ "No parameters." }</p>
                } else {
                    <ol data-testid="console-params">{ parameters }</ol>
                }
                <p class="console-effect">{ if spec.changes_state() { "Changes the agent's desktop: asks once before sending." } else { "Read-only." } }</p>
            </div>
        }
    });
    let problems: Html = checked
        .problems
        .iter()
        .map(|p| html! { <li>{ &p.message }</li> })
        .collect();
    let names: Html = catalog()
        .iter()
        .map(|spec| html! { <option value={spec.name}></option> })
        .collect();
    let app_options: Html = apps
        .iter()
        .map(|app| {
            let selected = chosen.as_ref().is_some_and(|c| c.key == app.key);
            html! { <option value={app.key.clone()} {selected}>{ app_label(app) }</option> }
        })
        .collect();
    let ready = checked.is_ready() && chosen.is_some() && !reviewing;
    let send_label = match &chosen {
        Some(app) => format!("Send as {}", frame_label(&app.url)),
        None => "Send".to_owned(),
    };
    // The last request sent, and what became of it.
    let last = console.sent.last().map(|sent| {
        let exchange = exchange_of(analysis, &sent.reference_id);
        let (state_label, text) = match exchange {
            Some(exchange) => (exchange.state.label(), state_text(exchange)),
            None => ("sent", "sent, not captured yet".to_owned()),
        };
        let answer = exchange
            .and_then(|exchange| exchange.responses.first())
            .and_then(|record| analysis.id_of(record))
            .and_then(|(frame, seq)| store.position(frame, seq))
            .map(|position| {
                let raw = &store.entries()[position].raw;
                serde_json::from_str::<serde_json::Value>(raw)
                    .ok()
                    .and_then(|value| serde_json::to_string_pretty(&value).ok())
                    .unwrap_or_else(|| raw.to_string())
            });
        let request = exchange.and_then(|exchange| exchange.request.clone());
        let show = request.map(|record| {
            let select = select.clone();
            html! { <button type="button" class="link" data-testid="console-show" onclick={Callback::from(move |_| select.emit(record.clone()))}>{ "Show in the list" }</button> }
        });
        html! {
            <div class="console-result" data-testid="console-result" data-state={state_label}
                data-reference-id={sent.reference_id.clone()}>
                <p><code>{ &sent.name }</code>{ format!(" ({}): {text} ", sent.reference_id) }{ for show }</p>
                if let Some(answer) = answer {
                    <pre data-testid="console-answer">{ answer }</pre>
                }
            </div>
        }
    });
    let history: Html = console
        .history
        .iter()
        .enumerate()
        .map(|(index, sent)| {
            let again = |send_now: bool| {
                let (state, apps, site, bump) =
                    (state.clone(), apps.clone(), site.clone(), bump.clone());
                let sent = sent.clone();
                Callback::from(move |_: MouseEvent| {
                    {
                        let mut console = state.borrow_mut();
                        console.draft = sent.draft.clone();
                        console.confirming = false;
                        if let Some(app) = apps.iter().find(|app| app.url == sent.app) {
                            console.app = Some(app.key.clone());
                        }
                    }
                    if send_now {
                        send(&state, &apps, reviewing, false, site.clone(), now, bump.clone());
                    }
                    bump.emit(());
                })
            };
            let detail = match &sent.draft {
                Draft::Request { parameters, .. } => parameters.clone(),
                Draft::Subscribe { topics } => topics.clone(),
                Draft::Unsubscribe { subscription } => subscription.clone(),
            };
            html! {
                <li data-testid="console-history-item" data-index={index.to_string()}>
                    <code>{ sent.draft.name() }</code>{ format!(" {detail} — as {}", frame_label(&sent.app)) }
                    <button type="button" class="link" data-testid="console-history-send" disabled={reviewing} onclick={again(true)}>{ "Send again" }</button>
                    <button type="button" class="link" data-testid="console-history-edit" onclick={again(false)}>{ "Edit" }</button>
                </li>
            }
        })
        .collect();
    let kind = draft_kind(&console.draft);
    html! {
        <section class="side console" data-testid="console" aria-label="Request console">
            <h2>{ "Console" }</h2>
            <p class="hint">{ "Sends a request as one of the page's apps: from its frame, in its envelope, to the window it talks to. Workspace treats it as the app's own (origin, filter, rate limit, user data)." }</p>
            if reviewing {
                <p class="console-off" role="status" data-testid="console-reviewing">{ "Sending is off while a file is reviewed." }</p>
            }
            <label class="console-field">{ "Send as" }
                <select data-testid="console-app" onchange={on_app} disabled={apps.is_empty()}>
                    if chosen.is_none() && console.app.is_some() {
                        <option value="" selected=true>{ "— the app chosen went away —" }</option>
                    }
                    { app_options }
                </select>
            </label>
            if apps.is_empty() {
                <p class="hint" data-testid="console-no-apps">{ "No app yet: a frame shows here once Workspace answered it, sent it an event or gave it a frameId." }</p>
            }
            <label class="console-field">{ "Message" }
                <select data-testid="console-kind" onchange={on_kind}>
                    <option value="request" selected={kind == "request"}>{ "request" }</option>
                    <option value="subscribe" selected={kind == "subscribe"}>{ "subscribe" }</option>
                    <option value="unsubscribe" selected={kind == "unsubscribe"}>{ "unsubscribe" }</option>
                </select>
            </label>
            { name_field }
            <datalist id="console-names">{ names }</datalist>
            { for spec_view }
            <label class="console-field">{ value_label }
                <textarea data-testid="console-parameters" rows="3" spellcheck="false" {placeholder}
                    value={value} oninput={on_value} />
            </label>
            if !checked.notes.is_empty() {
                <ul class="console-notes" data-testid="console-notes">
                    { for checked.notes.iter().map(|note| html! { <li>{ note }</li> }) }
                </ul>
            }
            if !checked.problems.is_empty() {
                <ul class="console-problems" role="alert" data-testid="console-problems">{ problems }</ul>
            }
            if console.confirming {
                <div class="console-confirm" role="alertdialog" data-testid="console-confirm">
                    <p>{ format!("{} changes the agent's desktop. Send it as {}? (Asked once per request name in this session.)", console.draft.name(), chosen.as_ref().map(app_label).unwrap_or_default()) }</p>
                    <button type="button" data-testid="console-confirm-send" onclick={send_with(true)}>{ "Send" }</button>
                    <button type="button" data-testid="console-confirm-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            } else {
                <button type="button" class="console-send" data-testid="console-send" disabled={!ready} onclick={send_with(false)}>{ send_label }</button>
            }
            if let Some(error) = &console.error {
                <p class="console-error" role="alert" data-testid="console-error">{ error }</p>
            }
            { for last }
            if !console.history.is_empty() {
                <h3>{ "History (this site, the last 50)" }</h3>
                <ul class="console-history" data-testid="console-history">{ history }</ul>
            }
        </section>
    }
}
