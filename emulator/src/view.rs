//! The Workspace page's own view of its state, as HTML the glue puts in the page: the agent, the
//! interactions (with the `userData` keys apps cannot read marked), toasts, menu-bar views,
//! campaigns, the embedded windows and the service log.

use crate::service::{LogKind, Service};
use crate::world::Connection;
use chrono::DateTime;
use serde_json::Value;
use std::fmt::Write;

/// How many log lines the view shows (the newest).
const LOG_SHOWN: usize = 60;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn clock(at_ms: f64) -> String {
    DateTime::from_timestamp_millis(at_ms as i64)
        .map(|t| t.format("%H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

/// How many keys of each kind a row names before it only counts.
const KEYS_SHOWN: usize = 4;

/// The attached-data keys of an interaction: those apps can read, then those read-allowed hides
/// (struck through); long lists end with a count.
fn key_list(readable: &[&String], hidden: &[&String]) -> String {
    let mut parts: Vec<String> = readable
        .iter()
        .take(KEYS_SHOWN)
        .map(|key| escape(key))
        .collect();
    if readable.len() > KEYS_SHOWN {
        parts.push(format!("+{} more", readable.len() - KEYS_SHOWN));
    }
    parts.extend(
        hidden
            .iter()
            .take(KEYS_SHOWN)
            .map(|key| format!(r#"<s title="not in read-allowed">{}</s>"#, escape(key))),
    );
    if hidden.len() > KEYS_SHOWN {
        parts.push(format!(
            r#"<s title="not in read-allowed">+{} more hidden</s>"#,
            hidden.len() - KEYS_SHOWN
        ));
    }
    parts.join(", ")
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl Service {
    /// The whole state panel of the host page.
    pub fn view_html(&self) -> String {
        let mut html = String::new();
        self.agent_html(&mut html);
        self.interactions_html(&mut html);
        self.toasts_html(&mut html);
        self.windows_html(&mut html);
        self.log_html(&mut html);
        html
    }

    fn agent_html(&self, html: &mut String) {
        let world = &self.world;
        let agent = &world.agent;
        let state = world.current_state();
        let connection = match world.connection {
            Connection::Connected => "connected",
            Connection::Disconnected => "DISCONNECTED",
            Connection::Down => "DOWN",
        };
        let last_active = if self.election.is_last_active() {
            ", last active"
        } else {
            ""
        };
        let _ = write!(
            html,
            r#"<section class="agent" data-testid="agent"><h2>{} {}</h2><p><span class="state" data-testid="agent-state">{}</span> · real-time connection: <span data-testid="connection">{connection}</span> · this tab: <span data-testid="frame-state">{}</span>{last_active} ({} other tab{})</p>"#,
            escape(&text_of(&agent["firstname"])),
            escape(&text_of(&agent["lastname"])),
            escape(&state.display_name),
            self.election.state().label(),
            self.election.peer_count(),
            if self.election.peer_count() == 1 {
                ""
            } else {
                "s"
            },
        );
        if !world.menu_views.is_empty() {
            html.push_str(r#"<p class="menu-bar" data-testid="menu-bar">"#);
            for view in &world.menu_views {
                let label = view
                    .get("label")
                    .or_else(|| view.get("name"))
                    .map(text_of)
                    .unwrap_or_default();
                let tooltip = view.get("tooltip").map(text_of).unwrap_or_default();
                let _ = write!(
                    html,
                    r#"<span class="menu-view" title="{}">{}</span>"#,
                    escape(&tooltip),
                    escape(&label)
                );
            }
            html.push_str("</p>");
        }
        let campaigns: Vec<String> = world
            .campaigns
            .iter()
            .map(|c| {
                let status = match (c.loaded, c.started) {
                    (_, true) => "started",
                    (true, false) => "loaded",
                    _ => "not loaded",
                };
                format!("{} ({}, {status})", escape(&c.name), escape(&c.mode))
            })
            .collect();
        let _ = write!(html, "<p>Campaigns: {}</p></section>", campaigns.join("; "));
    }

    fn interactions_html(&self, html: &mut String) {
        html.push_str(r#"<section class="interactions"><h3>Interactions</h3><table data-testid="interactions"><thead><tr><th>id</th><th>media</th><th>state</th><th>type</th><th>parties</th><th>attached data (struck: hidden from apps)</th></tr></thead><tbody>"#);
        let read_allowed = &self.policy.options().read_allowed;
        for interaction in &self.world.interactions {
            let parties: Vec<&str> = interaction
                .parties
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            let (readable, hidden): (Vec<&String>, Vec<&String>) = interaction
                .user_data
                .keys()
                .partition(|key| read_allowed.allows(key));
            let keys = key_list(&readable, &hidden);
            let selected = if interaction.is_case_selected {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                html,
                r#"<tr class="interaction{selected}" data-interaction-id="{id}" title="case {case}"><td>{id}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                escape(&interaction.media),
                escape(&interaction.state),
                escape(&interaction.call_type),
                escape(&parties.join(", ")),
                keys,
                id = escape(&interaction.interaction_id),
                case = escape(&interaction.case_id),
            );
        }
        html.push_str("</tbody></table></section>");
    }

    fn toasts_html(&self, html: &mut String) {
        if self.world.toasts.is_empty() {
            return;
        }
        html.push_str(r#"<section class="toasts" data-testid="toasts">"#);
        for toast in &self.world.toasts {
            let field = |name: &str| toast.spec.get(name).map(text_of).unwrap_or_default();
            let _ = write!(
                html,
                r#"<div class="toast" data-toast-id="{}"><strong>{}</strong> <em>{}</em><p>{}</p>"#,
                escape(&toast.id),
                escape(&field("title")),
                escape(&field("subject")),
                escape(&field("message")),
            );
            if let Some(Value::Array(buttons)) = toast.spec.get("buttons") {
                for (index, button) in buttons.iter().enumerate() {
                    let _ = write!(
                        html,
                        r#"<button type="button" data-toast="{}" data-button="{index}">{}</button>"#,
                        escape(&toast.id),
                        escape(&text_of(button)),
                    );
                }
            }
            html.push_str("</div>");
        }
        html.push_str("</section>");
    }

    fn windows_html(&self, html: &mut String) {
        html.push_str(r#"<section class="windows"><h3>Embedded windows</h3><table data-testid="windows"><thead><tr><th>window</th><th>kind</th><th>origin</th><th>frameId</th><th>subscribed to</th></tr></thead><tbody>"#);
        for (key, source) in &self.sources {
            let accepted = self.policy.origin_verdict(&source.origin).is_ok();
            let topics: Vec<String> = source
                .subscriptions
                .iter()
                .map(|s| format!("{} ({})", s.topics.join(", "), s.id))
                .collect();
            let _ = write!(
                html,
                r#"<tr data-window="{key}"><td>{key}</td><td>{}</td><td class="{}">{}{}</td><td>{}</td><td>{}</td></tr>"#,
                source.kind.label(),
                if accepted { "accepted" } else { "refused" },
                escape(&source.origin),
                if accepted { "" } else { " (not accepted)" },
                source.frame_id.map(|id| id.to_string()).unwrap_or_default(),
                escape(&topics.join("; ")),
                key = escape(key),
            );
        }
        html.push_str("</tbody></table></section>");
    }

    fn log_html(&self, html: &mut String) {
        html.push_str(
            r#"<section class="log"><h3>Service log <small>(newest first)</small></h3><ol data-testid="service-log">"#,
        );
        for entry in self.log.iter().rev().take(LOG_SHOWN) {
            let kind = match entry.kind {
                LogKind::Answered => "answered",
                LogKind::Failed => "failed",
                LogKind::Silent => "silent",
                LogKind::Info => "info",
            };
            let _ = write!(
                html,
                r#"<li class="{kind}"><time>{}</time> <b>{}</b> {}</li>"#,
                clock(entry.at),
                escape(&entry.source),
                escape(&entry.text),
            );
        }
        html.push_str("</ol></section>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_key_lists_end_with_counts_and_hidden_keys_are_struck() {
        let keys: Vec<String> = (1..=7).map(|n| format!("K{n}")).collect();
        let readable: Vec<&String> = keys.iter().collect();
        let hidden_key = "Secret<1>".to_owned();
        let list = key_list(&readable, &[&hidden_key]);
        assert_eq!(
            list,
            r#"K1, K2, K3, K4, +3 more, <s title="not in read-allowed">Secret&lt;1&gt;</s>"#
        );
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }
}
