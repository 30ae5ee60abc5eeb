//! JSON as a collapsible tree. Only what is open is rendered: a branch's children exist in the
//! page once it is opened, a page of 200 at a time ("Show next 200"); the top level is open, the
//! next one too unless a branch holds more than a few hundred values; keys and strings longer than a few
//! hundred characters are cut, with their length, "Show more" and "Copy". A tree of any size shows
//! in bounded time (issue 17.5).

use crate::view::big::{clip, thousands, PAGE, TEXT_SHOWN};
use serde_json::Value;
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// A branch at depth < 2 opens by default when it holds fewer values than this.
const OPEN_BELOW: usize = 300;
/// Characters a cut text grows by with each "Show more".
const TEXT_STEP: usize = 10_000;

#[derive(Properties, PartialEq)]
pub struct JsonTreeProps {
    pub value: Rc<Value>,
    pub test_id: &'static str,
    /// Copies a text (a cut key or string, whole).
    pub on_copy: Callback<String>,
}

/// What the user changed: branches opened or closed, pages shown, texts shown further; by the
/// node's path (child positions, `0.3.1`).
#[derive(Clone, Default, PartialEq)]
struct Shown {
    open: HashMap<String, bool>,
    pages: HashMap<String, usize>,
    texts: HashMap<String, usize>,
}

enum Change {
    Open(String, bool),
    Page(String),
    Text(String),
}

impl Reducible for Shown {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut shown = (*self).clone();
        match change {
            Change::Open(path, open) => {
                shown.open.insert(path, open);
            }
            Change::Page(path) => *shown.pages.entry(path).or_insert(PAGE) += PAGE,
            Change::Text(path) => *shown.texts.entry(path).or_insert(TEXT_SHOWN) += TEXT_STEP,
        }
        Rc::new(shown)
    }
}

#[function_component(JsonTree)]
pub fn json_tree(props: &JsonTreeProps) -> Html {
    let shown = use_reducer(Shown::default);
    let tree = Tree {
        shown: &shown,
        change: shown.dispatcher(),
        on_copy: &props.on_copy,
    };
    html! {
        <div class="json-tree" data-testid={props.test_id} role="tree">
            { tree.node(None, &props.value, 0, String::new()) }
        </div>
    }
}

/// Values in `value`, counted up to `limit`.
fn weight(value: &Value, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        count += 1;
        if count >= limit {
            return limit;
        }
        match value {
            Value::Object(fields) => stack.extend(fields.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

struct Tree<'a> {
    shown: &'a Shown,
    change: UseReducerDispatcher<Shown>,
    on_copy: &'a Callback<String>,
}

impl Tree<'_> {
    /// A text cut past what is shown at `path` (quoted, as JSON, when `quoted`).
    fn text(&self, text: &str, path: &str, quoted: bool, class: &'static str) -> Html {
        let max = self.shown.texts.get(path).copied().unwrap_or(TEXT_SHOWN);
        let (head, cut) = clip(text, max);
        let shown = if quoted {
            let json = serde_json::to_string(head).unwrap_or_default();
            if cut.is_some() {
                json[..json.len() - 1].to_owned()
            } else {
                json
            }
        } else {
            head.to_owned()
        };
        let Some(length) = cut else {
            return html! { <span class={class}>{ shown }</span> };
        };
        let more = {
            let change = self.change.clone();
            let path = path.to_owned();
            Callback::from(move |_| change.dispatch(Change::Text(path.clone())))
        };
        let copy = {
            let on_copy = self.on_copy.clone();
            let whole = text.to_owned();
            Callback::from(move |_| on_copy.emit(whole.clone()))
        };
        html! {
            <>
                <span class={class}>{ shown }</span>
                <span class="cut" data-testid="cut-text" data-length={length.to_string()}>
                    { format!("… ({} characters) ", thousands(length)) }
                    <button type="button" class="link" data-testid="show-more-text" onclick={more}>{ "Show more" }</button>
                    { " " }
                    <button type="button" class="link" data-testid="copy-whole" onclick={copy}>{ "Copy" }</button>
                </span>
            </>
        }
    }

    fn key(&self, name: Option<&str>, path: &str) -> Html {
        match name {
            Some(name) => html! {
                <>{ self.text(name, &format!("{path}:key"), false, "key") }{ ": " }</>
            },
            None => Html::default(),
        }
    }

    fn scalar(&self, value: &Value, path: &str) -> Html {
        match value {
            Value::String(text) => self.text(text, path, true, "value string"),
            other => {
                let class = match other {
                    Value::Number(_) => "number",
                    Value::Bool(_) => "boolean",
                    _ => "null",
                };
                let text = serde_json::to_string(other).unwrap_or_default();
                html! { <span class={classes!("value", class)}>{ text }</span> }
            }
        }
    }

    fn node(&self, name: Option<&str>, value: &Value, depth: usize, path: String) -> Html {
        let (open_mark, close_mark, count) = match value {
            Value::Object(fields) => ("{", "}", fields.len()),
            Value::Array(items) => ("[", "]", items.len()),
            scalar => {
                return html! {
                    <div class="leaf" role="treeitem">{ self.key(name, &path) }{ self.scalar(scalar, &path) }</div>
                }
            }
        };
        if count == 0 {
            return html! {
                <div class="leaf" role="treeitem">{ self.key(name, &path) }<span class="value">{ format!("{open_mark}{close_mark}") }</span></div>
            };
        }
        let noun = match (value, count) {
            (Value::Object(_), 1) => "key",
            (Value::Object(_), _) => "keys",
            (_, 1) => "item",
            _ => "items",
        };
        let open =
            self.shown.open.get(&path).copied().unwrap_or_else(|| {
                depth == 0 || (depth < 2 && weight(value, OPEN_BELOW) < OPEN_BELOW)
            });
        // The summary's click (Enter and Space too) opens or closes the branch through the
        // state, which renders its children only while it is open.
        let onclick = {
            let change = self.change.clone();
            let path = path.clone();
            Callback::from(move |event: MouseEvent| {
                event.prevent_default();
                change.dispatch(Change::Open(path.clone(), !open));
            })
        };
        let children = if open {
            let limit = self.shown.pages.get(&path).copied().unwrap_or(PAGE);
            let child_path = |i: usize| {
                if path.is_empty() {
                    i.to_string()
                } else {
                    format!("{path}.{i}")
                }
            };
            let rows: Html = match value {
                Value::Object(fields) => fields
                    .iter()
                    .take(limit)
                    .enumerate()
                    .map(|(i, (key, child))| self.node(Some(key), child, depth + 1, child_path(i)))
                    .collect(),
                Value::Array(items) => items
                    .iter()
                    .take(limit)
                    .enumerate()
                    .map(|(i, child)| {
                        self.node(Some(&i.to_string()), child, depth + 1, child_path(i))
                    })
                    .collect(),
                _ => Html::default(),
            };
            let more = count.saturating_sub(limit);
            let next = {
                let change = self.change.clone();
                let path = path.clone();
                Callback::from(move |_| change.dispatch(Change::Page(path.clone())))
            };
            html! {
                <div class="children" role="group">
                    { rows }
                    if more > 0 {
                        <div class="leaf more">
                            <button type="button" class="link" data-testid="show-more" onclick={next}>
                                { format!("Show next {} ({} more)", PAGE.min(more), thousands(more)) }
                            </button>
                        </div>
                    }
                </div>
            }
        } else {
            Html::default()
        };
        html! {
            <details class="branch" {open} role="treeitem">
                <summary {onclick}>{ self.key(name, &path) }<span class="fold">{ format!("{open_mark} {count} {noun} {close_mark}") }</span></summary>
                { children }
            </details>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn weight_counts_values_up_to_its_limit() {
        assert_eq!(weight(&json!({"a": [1, 2], "b": "x"}), 100), 5);
        let big: Vec<u32> = (0..1_000_000).collect();
        assert_eq!(weight(&json!(big), OPEN_BELOW), OPEN_BELOW);
    }
}
