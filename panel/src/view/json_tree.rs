//! JSON as a collapsible tree: objects and arrays fold (the first two levels open), long lists
//! show their first items and say how many more there are.

use serde_json::Value;
use yew::prelude::*;

/// Children shown per object or array before "… N more".
const SHOWN: usize = 200;

pub fn json_tree(value: &Value, test_id: &'static str) -> Html {
    html! {
        <div class="json-tree" data-testid={test_id} role="tree">
            { node(None, value, 0) }
        </div>
    }
}

fn scalar(value: &Value) -> Html {
    let class = match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        _ => "null",
    };
    let text = serde_json::to_string(value).unwrap_or_default();
    html! { <span class={classes!("value", class)}>{ text }</span> }
}

fn key(name: Option<&str>) -> Html {
    match name {
        Some(name) => html! { <><span class="key">{ name.to_owned() }</span>{ ": " }</> },
        None => Html::default(),
    }
}

fn node(name: Option<&str>, value: &Value, depth: usize) -> Html {
    let (open_mark, close_mark, count, children): (&str, &str, usize, Vec<(String, &Value)>) =
        match value {
            Value::Object(fields) => (
                "{",
                "}",
                fields.len(),
                fields
                    .iter()
                    .take(SHOWN)
                    .map(|(key, value)| (key.clone(), value))
                    .collect(),
            ),
            Value::Array(items) => (
                "[",
                "]",
                items.len(),
                items
                    .iter()
                    .take(SHOWN)
                    .enumerate()
                    .map(|(index, value)| (index.to_string(), value))
                    .collect(),
            ),
            scalar_value => {
                return html! {
                    <div class="leaf" role="treeitem">{ key(name) }{ scalar(scalar_value) }</div>
                }
            }
        };
    if count == 0 {
        return html! {
            <div class="leaf" role="treeitem">{ key(name) }<span class="value">{ format!("{open_mark}{close_mark}") }</span></div>
        };
    }
    let noun = if matches!(value, Value::Object(_)) {
        if count == 1 {
            "key"
        } else {
            "keys"
        }
    } else if count == 1 {
        "item"
    } else {
        "items"
    };
    let more = count.saturating_sub(SHOWN);
    html! {
        <details class="branch" open={depth < 2} role="treeitem">
            <summary>{ key(name) }<span class="fold">{ format!("{open_mark} {count} {noun} {close_mark}") }</span></summary>
            <div class="children" role="group">
                { for children.into_iter().map(|(child_key, child)| node(Some(&child_key), child, depth + 1)) }
                if more > 0 {
                    <div class="leaf more">{ format!("… {more} more") }</div>
                }
            </div>
        </details>
    }
}
