use super::*;
use crate::store::Entry;
use scapi::{decode, Record, SourceRelation};
use serde_json::{json, Value};

fn entry(raw: Value) -> Entry {
    Entry::of(
        0,
        &Record {
            seq: 0,
            time: 1.0,
            wall: 1.0,
            origin: "http://localhost:8080".into(),
            source: SourceRelation::Child,
            child_index: Some(0),
            ports: 0,
            decoded: decode(&raw),
            raw,
        },
    )
}

fn none() -> Option<&'static str> {
    None
}

/// Whether `filter_text` keeps the entry, with the given pairing state and verdict.
fn keeps(
    filter_text: &str,
    entry: &Entry,
    status: Option<&'static str>,
    request_name: Option<&str>,
) -> bool {
    let status = move || status;
    let filter = Filter {
        terms: parse_terms(filter_text),
        ..Filter::default()
    };
    filter.matches(&context(entry, &status, &none, request_name))
}

fn context<'a>(
    entry: &'a Entry,
    status: &'a dyn Fn() -> Option<&'static str>,
    verdict: &'a dyn Fn() -> Option<&'static str>,
    request_name: Option<&'a str>,
) -> Context<'a> {
    Context {
        kind: entry.kind(),
        name: &entry.facts.name,
        detail: &entry.facts.detail,
        request_name: request_name.or(entry.kind().is_call().then_some(entry.facts.name.as_str())),
        reference_id: entry.facts.reference_id.as_deref(),
        origin: &entry.facts.origin,
        frame_url: "http://127.0.0.1:8080/workspace.html",
        frame_label: "workspace.html",
        frame_origin: "http://127.0.0.1:8080",
        frame_id: Some("3".into()),
        interactions: &entry.interactions,
        raw: &entry.raw,
        status,
        verdict,
    }
}

fn set_user_data() -> Entry {
    entry(
        json!({"request": "interaction.setUserData", "parameters": ["1", {"MyKEY1": "MyValue1"}], "referenceId": "7", "userAgent": "WWE Client", "protocolVersion": 2}),
    )
}

fn attached_data_changed() -> Entry {
    entry(
        json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"MyKEY1": "MyValue1"}}}, "userAgent": "WWE Server", "protocolVersion": 2}),
    )
}

#[test]
fn terms_split_on_spaces_keep_quotes_and_negation() {
    let terms = parse_terms(r#"ns:voice -status:failed "Two words" -  messenger:chat"#);
    assert_eq!(
        terms,
        [
            Term {
                negated: false,
                field: Some(Field::Namespace),
                value: "voice".into()
            },
            Term {
                negated: true,
                field: Some(Field::Status),
                value: "failed".into()
            },
            Term {
                negated: false,
                field: None,
                value: "two words".into()
            },
            Term {
                negated: false,
                field: None,
                value: "-".into()
            },
            // An unknown key is text.
            Term {
                negated: false,
                field: None,
                value: "messenger:chat".into()
            },
        ]
    );
    assert!(
        parse_terms("ns:").is_empty(),
        "a key without a value is no term"
    );
}

#[test]
fn namespace_method_and_free_text() {
    let write = set_user_data();
    assert!(keeps("ns:interaction", &write, None, None));
    assert!(!keeps("ns:voice", &write, None, None));
    assert!(keeps("method:setUserData", &write, None, None));
    assert!(
        keeps("method:setuser", &write, None, None),
        "a method matches by part, any case"
    );
    assert!(
        keeps("myvalue1", &write, None, None),
        "free text looks into the data"
    );
    assert!(!keeps("-myvalue1", &write, None, None));
    assert!(
        keeps("ns:interaction -ns:voice myKEY1", &write, None, None),
        "terms combine"
    );
    // An answer counts as its request's.
    let answer = entry(
        json!({"referenceId": "7", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    assert!(keeps(
        "ns:interaction",
        &answer,
        None,
        Some("interaction.setUserData")
    ));
    assert!(!keeps("ns:interaction", &answer, None, None));
}

#[test]
fn events_types_interactions_frames_and_refs() {
    let event = attached_data_changed();
    assert!(keeps("event:interaction", &event, None, None));
    assert!(keeps("type:ATTACHED_DATA_CHANGED", &event, None, None));
    assert!(!keeps("type:ADDED", &event, None, None));
    assert!(keeps("interaction:1", &event, None, None));
    assert!(!keeps("interaction:2", &event, None, None));
    assert!(
        keeps("interaction:1", &set_user_data(), None, None),
        "a request's interaction parameter"
    );
    assert!(keeps("frame:workspace", &event, None, None));
    assert!(keeps("frame:3", &event, None, None), "the assigned frameId");
    assert!(!keeps("frame:client.html", &event, None, None));
    assert!(keeps("ref:7", &set_user_data(), None, None));
    assert!(keeps("kind:event", &event, None, None));
    assert!(keeps("origin:localhost", &event, None, None));
}

#[test]
fn status_and_its_aliases() {
    let write = set_user_data();
    assert!(keeps("status:failed", &write, Some("failed"), None));
    assert!(keeps("status:error", &write, Some("timed-out"), None));
    assert!(keeps("status:timeout", &write, Some("timed-out"), None));
    assert!(!keeps("status:failed", &write, Some("answered"), None));
    assert!(keeps("-status:answered", &write, Some("pending"), None));
}

#[test]
fn categories_any_of_and_the_frame_selector() {
    let write = set_user_data();
    let event = attached_data_changed();
    let foreign = entry(json!({"type": "widget-ping"}));
    let filter = |categories: Categories, frame_url: Option<&str>| Filter {
        terms: Vec::new(),
        categories,
        frame_url: frame_url.map(str::to_owned),
    };
    let kept = |filter: &Filter, entry: &Entry, status: Option<&'static str>| {
        let status = move || status;
        filter.matches(&context(entry, &status, &none, None))
    };
    let requests = filter(
        Categories {
            requests: true,
            ..Categories::default()
        },
        None,
    );
    assert!(kept(&requests, &write, None));
    assert!(!kept(&requests, &event, None));
    let events_or_foreign = filter(
        Categories {
            events: true,
            foreign: true,
            ..Categories::default()
        },
        None,
    );
    assert!(kept(&events_or_foreign, &event, None) && kept(&events_or_foreign, &foreign, None));
    assert!(!kept(&events_or_foreign, &write, None));
    let errors = filter(
        Categories {
            errors: true,
            ..Categories::default()
        },
        None,
    );
    assert!(kept(&errors, &write, Some("failed")));
    assert!(!kept(&errors, &write, Some("answered")));
    assert!(kept(
        &filter(
            Categories::default(),
            Some("http://127.0.0.1:8080/workspace.html")
        ),
        &write,
        None
    ));
    assert!(!kept(
        &filter(
            Categories::default(),
            Some("http://localhost:8080/client.html")
        ),
        &write,
        None
    ));
    assert!(Filter::default().is_empty());
}
