//! What keeps a huge record from freezing the panel: long texts shown cut with their length and
//! a way to copy them whole, long lists shown a page at a time. The views render what is visible,
//! whatever a page sent (a 5 MB key, a 50 MB message, 10,000 userData keys).

use std::rc::Rc;
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
        Some((end, _)) => (&text[..end], Some(count_chars(text))),
    }
}

/// Characters in `text`: its bytes less the UTF-8 continuation bytes (`10xxxxxx`), counted
/// eight at a time (a 50 MB text is counted often enough for this to matter: wasm has 64-bit
/// integers and a popcount, and `chars().count()` works a 32-bit word at a time there).
fn count_chars(text: &str) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut words = bytes.chunks_exact(8);
    let mut continuation = 0usize;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // Bit 7 set and bit 6 clear: (x << 1) moves each byte's bit 6 onto its bit 7.
        continuation += (x & !(x << 1) & HIGH).count_ones() as usize;
    }
    continuation += words
        .remainder()
        .iter()
        .filter(|&&byte| byte & 0xC0 == 0x80)
        .count();
    bytes.len() - continuation
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
            <>{ head.to_owned() }{ cut_note(Some(length), copier(text, on_copy)) }</>
        },
    }
}

/// A text cut once for [`long_text`]'s view, so that rendering it again neither scans nor copies
/// it (a typed field of a 50 MB message is a 50 MB text): the head, the length in characters
/// when cut and known, and the whole, shared, made and copied out only when asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct CutText {
    head: String,
    /// Characters of the whole, when it was cut: `None` for JSON text written only as far as
    /// its head.
    length: Option<usize>,
    whole: Whole,
}

#[derive(Clone, Debug, PartialEq)]
enum Whole {
    Text(Rc<str>),
    /// JSON text made on Copy.
    Json(Rc<serde_json::Value>),
}

/// Bytes of JSON text written for a value's head: enough for [`TEXT_SHOWN`] characters.
const JSON_HEAD_BYTES: usize = TEXT_SHOWN * 4;

impl CutText {
    pub fn new(text: String) -> CutText {
        let (head, length) = clip(&text, TEXT_SHOWN);
        CutText {
            head: head.to_owned(),
            length,
            whole: Whole::Text(text.into()),
        }
    }

    /// A string as it is; any other value as its JSON text, written only as far as the head
    /// shows when it is longer (the `interaction` of a 50 MB event is not written out).
    pub fn of_value(value: serde_json::Value) -> CutText {
        let value = match value {
            serde_json::Value::String(text) => return CutText::new(text),
            other => other,
        };
        let mut out = Bounded(Vec::new());
        if serde_json::to_writer(&mut out, &value).is_ok() {
            return CutText::new(String::from_utf8(out.0).unwrap_or_default());
        }
        let bytes = &out.0;
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default(),
        };
        CutText {
            head: clip(text, TEXT_SHOWN).0.to_owned(),
            length: None,
            whole: Whole::Json(Rc::new(value)),
        }
    }

    /// Whether the head is less than the whole: a text measured longer, or JSON text written
    /// only as far as its head.
    fn is_cut(&self) -> bool {
        self.length.is_some() || matches!(self.whole, Whole::Json(_))
    }

    /// The whole text (what Copy copies).
    pub fn whole(&self) -> String {
        match &self.whole {
            Whole::Text(text) => text.to_string(),
            Whole::Json(value) => serde_json::to_string(&**value).unwrap_or_default(),
        }
    }

    /// What [`long_text`] shows of the text.
    pub fn view(&self, on_copy: &Callback<String>) -> Html {
        if !self.is_cut() {
            return html! { { self.head.clone() } };
        }
        let this = self.clone();
        let on_copy = on_copy.clone();
        let copy = Callback::from(move |_| on_copy.emit(this.whole()));
        html! { <>{ self.head.clone() }{ cut_note(self.length, copy) }</> }
    }
}

impl From<String> for CutText {
    fn from(text: String) -> CutText {
        CutText::new(text)
    }
}

/// A writer that takes [`JSON_HEAD_BYTES`] and then refuses more.
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = JSON_HEAD_BYTES.saturating_sub(self.0.len());
        if room == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        let taken = buf.len().min(room);
        self.0.extend_from_slice(&buf[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// "… (N characters) Copy": what follows a cut text; `copy` copies it whole. Without a length
/// (a JSON text written only as far as its head), "… Copy".
pub fn cut_note(length: Option<usize>, copy: Callback<MouseEvent>) -> Html {
    let told = match length {
        Some(length) => format!("… ({} characters) ", thousands(length)),
        None => "… ".to_owned(),
    };
    html! {
        <span class="cut" data-testid="cut-text" data-length={length.map(|length| length.to_string())}>
            { told }
            <button type="button" class="link" data-testid="copy-whole" onclick={copy}>{ "Copy" }</button>
        </span>
    }
}

/// A Copy button's action: `whole` to the clipboard.
pub fn copier(whole: &str, on_copy: &Callback<String>) -> Callback<MouseEvent> {
    let whole = whole.to_owned();
    let on_copy = on_copy.clone();
    Callback::from(move |_| on_copy.emit(whole.clone()))
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

    #[test]
    fn characters_are_counted_as_chars_counts_them() {
        for text in [
            "",
            "a",
            "é",
            "ééééééééé",
            "x😀yé€\u{10FFFF}abcdefgh",
            &"aé😀€".repeat(1_001),
        ] {
            for start in 0..text.len() {
                if let Some(tail) = text.get(start..) {
                    assert_eq!(count_chars(tail), tail.chars().count(), "{tail:?}");
                }
            }
        }
    }

    #[test]
    fn a_value_is_written_only_as_far_as_its_head_and_copied_whole() {
        use serde_json::json;
        // A short value: its whole JSON text, not cut.
        let short = CutText::of_value(json!({"a": [1, 2]}));
        assert_eq!(
            (short.head.as_str(), short.is_cut()),
            (r#"{"a":[1,2]}"#, false)
        );
        // A string is the string, its length counted when cut.
        let text = CutText::of_value(json!("é".repeat(1_000)));
        assert_eq!((text.is_cut(), text.length), (true, Some(1_000)));
        assert_eq!(text.head.chars().count(), TEXT_SHOWN);
        // A 5 MB object: a head of at most TEXT_SHOWN characters (whole characters, though the
        // JSON text was cut by bytes among 'é's), no length, and Copy writes it whole.
        let big = json!({"userData": {"Big": "é".repeat(2_500_000)}, "list": [1, 2, 3]});
        let cut = CutText::of_value(big.clone());
        assert!(cut.is_cut() && cut.length.is_none());
        assert!(
            cut.head
                .starts_with(r#"{"list":[1,2,3],"userData":{"Big":"éé"#)
                || cut.head.starts_with(r#"{"userData":{"Big":"éé"#),
            "{}",
            cut.head
        );
        assert_eq!(cut.head.chars().count(), TEXT_SHOWN);
        assert_eq!(cut.whole(), serde_json::to_string(&big).unwrap());
    }
}
