//! What keeps a huge record from freezing the panel: long texts shown cut with their length and
//! a way to copy them whole, long lists shown a page at a time. The views render what is visible,
//! whatever a page sent (a 5 MB key, a 50 MB message, 10,000 userData keys).

use yew::prelude::*;

/// Characters of a text shown before it is cut.
pub const TEXT_SHOWN: usize = 300;
/// Items of a list shown at first, and added by each "Show next".
pub const PAGE: usize = 200;

/// `text` cut to at most `max` characters (on a character boundary), and its length in
/// characters when it was cut.
pub fn clip(text: &str, max: usize) -> (&str, Option<usize>) {
    match text.char_indices().nth(max) {
        None => (text, None),
        Some((end, _)) => (&text[..end], Some(text.chars().count())),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(number: usize) -> String {
    crate::har_io::thousands(number as u64)
}

/// A text shown cut past [`TEXT_SHOWN`] characters, with its length and a button that copies
/// it whole.
pub fn long_text(text: &str, on_copy: &Callback<String>) -> Html {
    let (head, cut) = clip(text, TEXT_SHOWN);
    match cut {
        None => html! { { text.to_owned() } },
        Some(length) => html! {
            <>{ head.to_owned() }{ cut_note(text, length, on_copy) }</>
        },
    }
}

/// A text cut once for [`long_text`]'s view, so that rendering it again neither scans nor copies
/// it (a typed field of a 50 MB message is a 50 MB text): the head, the length in characters
/// when cut, and the whole, shared, copied out only when asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct CutText {
    head: String,
    length: Option<usize>,
    whole: std::rc::Rc<str>,
}

impl CutText {
    pub fn new(text: String) -> CutText {
        let (head, length) = clip(&text, TEXT_SHOWN);
        CutText {
            head: head.to_owned(),
            length,
            whole: text.into(),
        }
    }

    /// What [`long_text`] shows of the text.
    pub fn view(&self, on_copy: &Callback<String>) -> Html {
        let Some(length) = self.length else {
            return html! { { self.head.clone() } };
        };
        let whole = self.whole.clone();
        let on_copy = on_copy.clone();
        html! {
            <>{ self.head.clone() }
            <span class="cut" data-testid="cut-text" data-length={length.to_string()}>
                { format!("… ({} characters) ", thousands(length)) }
                <button type="button" class="link" data-testid="copy-whole"
                    onclick={Callback::from(move |_| on_copy.emit(whole.to_string()))}>{ "Copy" }</button>
            </span></>
        }
    }
}

/// "… (N characters) Copy": what follows a cut text.
pub fn cut_note(whole: &str, length: usize, on_copy: &Callback<String>) -> Html {
    let whole = whole.to_owned();
    let on_copy = on_copy.clone();
    html! {
        <span class="cut" data-testid="cut-text" data-length={length.to_string()}>
            { format!("… ({} characters) ", thousands(length)) }
            <button type="button" class="link" data-testid="copy-whole"
                onclick={Callback::from(move |_| on_copy.emit(whole.clone()))}>{ "Copy" }</button>
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct PagedProps {
    /// How many items there are.
    pub total: usize,
    /// Renders item `i`.
    pub item: Callback<usize, Html>,
    /// In a table: the columns the "Show next" row spans (0 outside a table).
    #[prop_or_default]
    pub columns: usize,
}

/// A list shown [`PAGE`] items at a time, then "Show next 200 (N more)".
#[function_component(Paged)]
pub fn paged(props: &PagedProps) -> Html {
    let shown = use_state(|| PAGE);
    let count = (*shown).min(props.total);
    let more = props.total - count;
    let button = (more > 0).then(|| {
        let shown = shown.clone();
        let next = PAGE.min(more);
        html! {
            <button type="button" class="link" data-testid="show-more"
                onclick={Callback::from(move |_| shown.set(*shown + PAGE))}>
                { format!("Show next {next} ({} more)", thousands(more)) }
            </button>
        }
    });
    html! {
        <>
            { for (0..count).map(|i| props.item.emit(i)) }
            if let Some(button) = button {
                if props.columns > 0 {
                    <tr class="more"><td colspan={props.columns.to_string()}>{ button }</td></tr>
                } else {
                    <div class="more">{ button }</div>
                }
            }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_on_a_character_boundary_and_counts_characters() {
        assert_eq!(clip("short", 10), ("short", None));
        assert_eq!(clip("ééééé", 2), ("éé", Some(5)));
        let long = "x".repeat(5_000_000);
        let (head, length) = clip(&long, TEXT_SHOWN);
        assert_eq!((head.len(), length), (TEXT_SHOWN, Some(5_000_000)));
    }
}
