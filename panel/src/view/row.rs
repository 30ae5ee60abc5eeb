//! One line of the record list, written as HTML text.
//!
//! The list is drawn as one HTML string per draw (`rows_html`), not as Yew elements: while a
//! stream is followed every row shows another record at each draw, and reconciling some fifty rows
//! of twenty attributes and eight cells each was about 1,500 DOM calls a draw, a third of the
//! panel's script time. The browser parses the string in one call. Clicks are handled once on the
//! list (`row_position` finds the row clicked).

use crate::store::{Entry, Frame};
use crate::view::verdict::PolicyCell;
use crate::view::{clock, frame_label};
use html_escape::{encode_double_quoted_attribute_to_string, encode_text_to_string};
use std::fmt::Write;

/// Height of a row in pixels: the list is virtual, so every row has the same height.
pub const ROW_HEIGHT: f64 = 20.0;

/// How a row's request or response fared, from the pairing: `(text, state)`, e.g.
/// `("answered 12 ms", "answered")`, or for a response `("↩ agent.get 12 ms", "answered")`.
pub type Status = Option<(String, &'static str)>;

pub struct RowProps<'a> {
    pub entry: &'a Entry,
    pub frame: &'a Frame,
    /// The app the record belongs to (see `Analysis::app_of`): a frame URL, or an origin when
    /// the sender is not told apart (`false`).
    pub app: (String, bool),
    /// Position in the filtered list, from 0.
    pub index: usize,
    pub selected: bool,
    pub status: Status,
    pub policy: Option<PolicyCell>,
    /// The first record of a new top document: the inspected page navigated (or reloaded) here.
    pub navigated: bool,
}

/// Writes ` name="value"` (the value escaped).
fn attribute(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    encode_double_quoted_attribute_to_string(value, out);
    out.push('"');
}

/// Writes the attribute only when there is a value.
fn attribute_if(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        attribute(out, name, value);
    }
}

/// Writes `<span role="gridcell" class="…"…>text</span>`; `extra` are more attributes, written
/// as they are (the caller escapes them).
fn cell(out: &mut String, class: &str, extra: &str, text: &str) {
    out.push_str("<span role=\"gridcell\"");
    attribute(out, "class", class);
    out.push_str(extra);
    out.push('>');
    encode_text_to_string(text, out);
    out.push_str("</span>");
}

/// Appends one row's HTML to `out`.
pub fn row_html(out: &mut String, props: RowProps) {
    let RowProps {
        entry,
        frame,
        app: (app, app_is_frame),
        index,
        selected,
        status,
        policy,
        navigated,
    } = props;
    let kind = entry.kind().label();
    let direction = entry.direction();
    let name = entry.facts.name.as_str();
    // Sent from the console (or the answer to such a request): its referenceId says so.
    let console = entry
        .facts
        .reference_id
        .as_deref()
        .is_some_and(scapi::console::is_console_reference);
    let navigation = navigated.then(|| format!("Navigated: a new document, {}", frame.info.url));
    let (status_text, state) = match status {
        Some((text, state)) => (text, Some(state)),
        None => (String::new(), None),
    };
    let mut class = format!("row kind-{kind}");
    if selected {
        class.push_str(" selected");
    }
    if navigated {
        class.push_str(" navigated");
    }

    out.push_str("<div role=\"row\"");
    attribute(out, "class", &class);
    out.push_str(" data-testid=\"record-row\"");
    let _ = write!(
        out,
        " aria-selected=\"{selected}\" aria-rowindex=\"{}\" data-position=\"{index}\" style=\"transform:translateY({}px)\"",
        index + 2,
        index as f64 * ROW_HEIGHT
    );
    attribute(out, "data-kind", kind);
    attribute(out, "data-direction", direction.label());
    attribute(out, "data-name", name);
    attribute_if(
        out,
        "data-reference-id",
        entry.facts.reference_id.as_deref(),
    );
    attribute_if(out, "data-console", console.then_some("true"));
    attribute(out, "data-frame-url", &frame.info.url);
    attribute(out, "data-frame-origin", &frame.info.origin);
    attribute(out, "data-frame-key", &frame.info.key);
    let _ = write!(out, " data-seq=\"{}\"", entry.seq());
    attribute(out, "data-source", entry.source().label());
    attribute_if(out, "data-exchange-state", state);
    attribute_if(
        out,
        "data-verdict",
        policy.as_ref().map(|cell| cell.verdict),
    );
    attribute_if(
        out,
        "data-agreement",
        policy.as_ref().map(|cell| cell.agreement),
    );
    attribute_if(out, "data-navigation", navigation.as_deref());
    attribute_if(out, "title", navigation.as_deref());
    out.push('>');

    cell(out, "cell time", "", &clock(entry.time()));
    cell(
        out,
        &format!("cell direction {}", direction.label()),
        "",
        direction.arrow(),
    );
    let mut app_attributes = String::from(" data-testid=\"app-cell\"");
    attribute(&mut app_attributes, "data-app", &app);
    attribute(
        &mut app_attributes,
        "title",
        &format!("{}\nreceived by {}", app, frame.info.url),
    );
    let app_label = if app_is_frame { frame_label(&app) } else { app };
    cell(out, "cell frame", &app_attributes, &app_label);
    cell(out, "cell kind", "", kind);

    out.push_str("<span role=\"gridcell\" class=\"cell name\"");
    attribute(out, "title", name);
    out.push('>');
    if console {
        out.push_str(
            "<span class=\"console-mark\" data-testid=\"console-mark\" title=\"Sent from the inspector's console\">console</span>",
        );
    }
    encode_text_to_string(name, out);
    out.push_str("</span>");

    cell(
        out,
        &match state {
            Some(state) => format!("cell status {state}"),
            None => "cell status".to_owned(),
        },
        "",
        &status_text,
    );
    let (policy_class, policy_title, policy_text) = match &policy {
        Some(cell) => (
            format!("cell verdict {} {}", cell.verdict, cell.agreement),
            Some(cell.title.as_str()),
            cell.text.as_str(),
        ),
        None => ("cell verdict".to_owned(), None, ""),
    };
    let mut policy_attributes = String::new();
    attribute_if(&mut policy_attributes, "title", policy_title);
    cell(out, &policy_class, &policy_attributes, policy_text);
    cell(out, "cell summary", "", &entry.summary());
    out.push_str("</div>");
}

/// The position (in the filtered list) of the row an event happened in, if any.
#[cfg(target_arch = "wasm32")]
pub fn row_position(event: &web_sys::Event) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let row = target.closest("[data-testid=\"record-row\"]").ok()??;
    row.get_attribute("data-position")?.parse().ok()
}
