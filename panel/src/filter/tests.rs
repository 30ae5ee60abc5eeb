use super::*;
use scapi::{decode, Batch, FrameInfo, Record, SourceRelation};
use serde_json::{json, Value};

/// A store with one record per value, all received by the Workspace page's frame.
fn store(raws: Vec<Value>) -> Store {
    let mut store = Store::default();
    let records: Vec<Record> = raws
        .into_iter()
        .enumerate()
        .map(|(seq, raw)| Record {
            seq: seq as u64,
            time: seq as f64,
            wall: seq as f64,
            origin: "http://localhost:8080".into(),
            source: SourceRelation::Child,
            child_index: Some(0),
            ports: 0,
            decoded: decode(&raw),
            raw,
        })
        .collect();
    store.apply(
        Batch {
            digests: Vec::new(),
            frame: FrameInfo {
                key: "wwe".into(),
                url: "http://127.0.0.1:8080/workspace.html".into(),
                origin: "http://127.0.0.1:8080".into(),
                is_top: true,
                ..FrameInfo::default()
            },
            dropped: 0,
            captured: records.len() as u64,
            replay: false,
            foreign_evicted: 0,
            unreadable: 0,
            records,
        },
        -1,
    );
    store
}

/// Whether `filter_text` keeps the store's first record, given its pairing state and the name of
/// the request it answers.
fn keeps_in(
    store: &Store,
    filter_text: &str,
    status: Option<&'static str>,
    answers: Option<&str>,
) -> bool {
    let filter = Filter {
        terms: parse_terms(filter_text),
        ..Filter::default()
    };
    let compiled = filter.compile(store, &[Some("3".to_owned())]);
    let request_name = || answers.and_then(|name| store.strings().names.id(name));
    let status = move || status;
    let verdict = || None;
    compiled.matches(
        &store.entries()[0],
        &Judged {
            request_name: &request_name,
            status: &status,
            verdict: &verdict,
        },
    )
}

fn keeps(filter_text: &str, raw: Value, status: Option<&'static str>) -> bool {
    keeps_in(&store(vec![raw]), filter_text, status, None)
}

fn set_user_data() -> Value {
    json!({"request": "interaction.setUserData", "parameters": ["1", {"MyKEY1": "MyValue1"}], "referenceId": "7", "userAgent": "WWE Client", "protocolVersion": 2})
}

fn attached_data_changed() -> Value {
    json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"MyKEY1": "MyValue1"}}}, "userAgent": "WWE Server", "protocolVersion": 2})
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
    assert!(keeps("ns:interaction", set_user_data(), None));
    assert!(!keeps("ns:voice", set_user_data(), None));
    assert!(keeps("method:setUserData", set_user_data(), None));
    assert!(
        keeps("method:setuser", set_user_data(), None),
        "a method matches by part, any case"
    );
    assert!(
        keeps("myvalue1", set_user_data(), None),
        "free text looks into the data"
    );
    assert!(!keeps("-myvalue1", set_user_data(), None));
    assert!(
        keeps("ns:interaction -ns:voice myKEY1", set_user_data(), None),
        "terms combine"
    );
    // An answer counts as its request's.
    let answer_and_request = store(vec![
        json!({"referenceId": "7", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}),
        set_user_data(),
    ]);
    assert!(keeps_in(
        &answer_and_request,
        "ns:interaction",
        None,
        Some("interaction.setUserData")
    ));
    assert!(keeps_in(
        &answer_and_request,
        "setuserdata",
        None,
        Some("interaction.setUserData")
    ));
    assert!(!keeps_in(&answer_and_request, "ns:interaction", None, None));
}

#[test]
fn events_types_interactions_frames_and_refs() {
    assert!(keeps("event:interaction", attached_data_changed(), None));
    assert!(keeps(
        "type:ATTACHED_DATA_CHANGED",
        attached_data_changed(),
        None
    ));
    assert!(!keeps("type:ADDED", attached_data_changed(), None));
    assert!(keeps("interaction:1", attached_data_changed(), None));
    assert!(!keeps("interaction:2", attached_data_changed(), None));
    assert!(
        keeps("interaction:1", set_user_data(), None),
        "a request's interaction parameter"
    );
    assert!(keeps("frame:workspace", attached_data_changed(), None));
    assert!(
        keeps("frame:3", attached_data_changed(), None),
        "the assigned frameId"
    );
    assert!(!keeps("frame:client.html", attached_data_changed(), None));
    assert!(keeps("ref:7", set_user_data(), None));
    assert!(keeps("kind:event", attached_data_changed(), None));
    assert!(keeps("origin:localhost", attached_data_changed(), None));
    assert!(!keeps("origin:example.com", attached_data_changed(), None));
}

#[test]
fn text_matches_in_any_letter_case_and_in_other_scripts() {
    let data = json!({"request": "interaction.setUserData", "parameters": ["1", {"Note": "Café Ünïcode ÀB"}], "referenceId": "2"});
    assert!(keeps("café", data.clone(), None));
    assert!(
        keeps("CAFÉ", data.clone(), None),
        "the filter text is lower-cased, then compared"
    );
    assert!(keeps("ünïcode", data.clone(), None));
    assert!(keeps("àb", data.clone(), None));
    assert!(keeps("NOTE", data.clone(), None));
    assert!(!keeps("cafés", data, None));
    assert!(contains("abc", "") && !contains("ab", "abc") && contains("xABCx", "abc"));
    // The search starts from the needle's rarest byte, wherever it sits.
    assert!(contains("v7", "v7") && contains("xxV7", "v7") && contains("7vx", "7v"));
    assert!(!contains("v8 7", "v7") && !contains("7", "77"));
}

#[test]
fn status_and_its_aliases() {
    assert!(keeps("status:failed", set_user_data(), Some("failed")));
    assert!(keeps("status:error", set_user_data(), Some("timed-out")));
    assert!(keeps("status:timeout", set_user_data(), Some("timed-out")));
    assert!(!keeps("status:failed", set_user_data(), Some("answered")));
    assert!(keeps("-status:answered", set_user_data(), Some("pending")));
}

#[test]
fn categories_any_of_and_the_frame_selector() {
    let kept = |filter: Filter, raw: Value, status: Option<&'static str>| {
        let store = store(vec![raw]);
        let compiled = filter.compile(&store, &[]);
        let (request_name, verdict) = (|| None, || None);
        let status = move || status;
        compiled.matches(
            &store.entries()[0],
            &Judged {
                request_name: &request_name,
                status: &status,
                verdict: &verdict,
            },
        )
    };
    let with = |categories: Categories| Filter {
        categories,
        ..Filter::default()
    };
    let requests = Categories {
        requests: true,
        ..Categories::default()
    };
    assert!(kept(with(requests), set_user_data(), None));
    assert!(!kept(with(requests), attached_data_changed(), None));
    let events_or_foreign = Categories {
        events: true,
        foreign: true,
        ..Categories::default()
    };
    assert!(kept(with(events_or_foreign), attached_data_changed(), None));
    assert!(kept(
        with(events_or_foreign),
        json!({"type": "widget-ping"}),
        None
    ));
    assert!(!kept(with(events_or_foreign), set_user_data(), None));
    let errors = Categories {
        errors: true,
        ..Categories::default()
    };
    assert!(kept(with(errors), set_user_data(), Some("failed")));
    assert!(!kept(with(errors), set_user_data(), Some("answered")));
    let frame = |url: &str| Filter {
        frame_url: Some(url.to_owned()),
        ..Filter::default()
    };
    assert!(kept(
        frame("http://127.0.0.1:8080/workspace.html"),
        set_user_data(),
        None
    ));
    assert!(!kept(
        frame("http://localhost:8080/client.html"),
        set_user_data(),
        None
    ));
    assert!(Filter::default().is_empty());
}
