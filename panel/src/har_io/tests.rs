use super::*;
use scapi::correlate::ExchangeState;
use scapi::{decode, Batch, FrameInfo, FramePlacement, SourceRelation};
use serde_json::{json, Value};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudDEifQ.c2lnbmF0dXJlLXNlY3JldA";

fn frame(key: &str, origin: &str, depth: u32) -> FrameInfo {
    FrameInfo {
        key: key.into(),
        url: format!("{origin}/{key}.html"),
        origin: origin.into(),
        is_top: depth == 0,
        placement: FramePlacement {
            depth,
            index_in_parent: (depth > 0).then_some(0),
            has_opener: false,
        },
        browser_frame_id: Some(i64::from(depth)),
        started: 1_700_000_000_000.0,
        ended: None,
    }
}

fn records(origin: &str, source: SourceRelation, raws: Vec<(f64, Value)>) -> Vec<Record> {
    raws.into_iter()
        .enumerate()
        .map(|(seq, (time, raw))| Record {
            seq: seq as u64,
            time,
            wall: time,
            origin: origin.into(),
            source,
            child_index: (source == SourceRelation::Child).then_some(0),
            ports: 0,
            decoded: decode(&raw),
            raw,
        })
        .collect()
}

/// Workspace and an app: a setUserData with a phone number and an e-mail, a JWT answer, an event
/// with userData.
fn store() -> Store {
    let t = 1_700_000_000_100.0;
    let mut store = Store::default();
    store.apply(
        Batch {
            digests: Vec::new(),
            frame: frame("wwe", "http://127.0.0.1:8080", 0),
            dropped: 0,
            captured: 2,
            replay: false,
            records: records("http://localhost:8080", SourceRelation::Child, vec![
                (t, json!({"request": "interaction.setUserData", "parameters": ["1", {"Phone": "+33 6 12 34 56 78", "Mail": "jane.doe@example.com"}], "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2})),
                (t + 20.0, json!({"request": "auth.getJwtToken", "referenceId": "1", "userAgent": "WWE Client", "protocolVersion": 2})),
            ]),
            foreign_evicted: 0, unreadable: 0,
        },
        -1,
    );
    store.apply(
        Batch {
            digests: Vec::new(),
            frame: frame("app", "http://localhost:8080", 1),
            dropped: 3,
            captured: 3,
            replay: false,
            records: records("http://127.0.0.1:8080", SourceRelation::Parent, vec![
                (t + 5.0, json!({"referenceId": "0", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2})),
                (t + 6.0, json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"Phone": "+33 6 12 34 56 78", "Mail": "jane.doe@example.com"}}}, "userAgent": "WWE Server", "protocolVersion": 2})),
                (t + 25.0, json!({"referenceId": "1", "data": {"expiration": "2020-04-14T13:26:51.846Z", "jwtToken": JWT}, "userAgent": "WWE Server", "protocolVersion": 2})),
            ]),
            foreign_evicted: 0, unreadable: 0,
        },
        -1,
    );
    store
}

/// The HAR of the store with its sensitive data, without options.
fn export_sensitive(store: &Store, analysis: &Analysis, at: f64) -> String {
    let choice = ExportChoice {
        sensitive: true,
        ..ExportChoice::default()
    };
    export(store, analysis, None, &choice, at)
}

const OPTIONS: &str = "service-client-api.accepted-web-content-origins=http://localhost:8080";

#[test]
fn an_export_imports_back_to_the_same_records_findings_and_options() {
    let store = store();
    let analysis = Analysis::of(&store, 1_700_000_001_000.0, None);
    let choice = ExportChoice {
        sensitive: true,
        ..ExportChoice::default()
    };
    let text = export(
        &store,
        &analysis,
        Some(OPTIONS),
        &choice,
        1_700_000_001_000.0,
    );
    let imported = import("t.har", &text).unwrap();
    assert_eq!(imported.records, 5);
    assert_eq!(imported.policy_options.as_deref(), Some(OPTIONS));
    assert!(!imported.sanitized);
    let records =
        |store: &Store| -> Vec<Record> { store.entries().iter().map(|e| e.record()).collect() };
    assert_eq!(records(&imported.store), records(&store));
    assert_eq!(
        imported.store.dropped(),
        3,
        "the losses travel with the file"
    );
    // Exported again, the file says the same.
    let again_analysis = Analysis::of(&imported.store, 1_700_000_001_000.0, None);
    assert_eq!(again_analysis.findings, analysis.findings);
    let again = export(
        &imported.store,
        &again_analysis,
        imported.policy_options.as_deref(),
        &choice,
        1_700_000_001_000.0,
    );
    let strip = |text: &str| {
        let mut value: Value = serde_json::from_str(text).unwrap();
        value["log"]["_scapiCapture"]["meta"].take();
        value["log"]["_scapiCapture"]["dropped"].take();
        value
    };
    assert_eq!(
        strip(&again)["log"]["entries"],
        strip(&text)["log"]["entries"]
    );
    assert_eq!(
        strip(&again)["log"]["_scapiFindings"],
        strip(&text)["log"]["_scapiFindings"]
    );
}

#[test]
fn a_sanitized_export_holds_no_secret_and_says_it_was_sanitized() {
    let store = store();
    let analysis = Analysis::of(&store, 1_700_000_001_000.0, None);
    let sanitized = export(
        &store,
        &analysis,
        None,
        &ExportChoice::default(),
        1_700_000_001_000.0,
    );
    for secret in [
        JWT,
        "jane.doe@example.com",
        "+33 6 12 34 56 78",
        "c2lnbmF0dXJlLXNlY3JldA",
    ] {
        assert!(!sanitized.contains(secret), "{secret} leaked");
    }
    assert!(import("t.har", &sanitized).unwrap().sanitized);
    let sensitive = export_sensitive(&store, &analysis, 1_700_000_001_000.0);
    assert!(sensitive.contains(JWT) && sensitive.contains("jane.doe@example.com"));
    // A kept key keeps its value.
    let kept = export(
        &store,
        &analysis,
        None,
        &ExportChoice {
            sensitive: false,
            keep_keys: keep_keys(" Mail , "),
        },
        1_700_000_001_000.0,
    );
    assert!(
        kept.contains("jane.doe@example.com") || kept.contains("jane.doe"),
        "Mail kept"
    );
    assert!(!kept.contains("+33 6 12 34 56 78"));
}

#[test]
fn file_names_and_bad_files() {
    let store = store();
    assert_eq!(
        file_name(&store, 1_700_000_001_000.0),
        "scapi-127.0.0.1_8080-20231114-221321.har"
    );
    assert!(import("t.har", "{\"log\": 3}").unwrap_err().contains("log"));
    assert!(import("t.har", "not json")
        .unwrap_err()
        .starts_with("t.har: not JSON"));
    let http = r#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [{"request": {"method": "GET", "url": "https://x/"}, "response": {"status": 200}}]}}"#;
    assert_eq!(
        import("t.har", http).unwrap_err(),
        "t.har: a HAR without any _webSocketMessages: this is HTTP traffic, not a SCAPI capture"
    );
}

#[test]
fn records_of_one_moment_in_two_frames_import_in_the_order_they_were_shown() {
    // Workspace's answer and the app's event arrive at one moment, the app's batch first: the
    // live list shows the app's record first, and so must the imported one.
    let t = 1_700_000_000_500.0;
    let mut store = store();
    let answer =
        json!({"referenceId": "9", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2});
    let event = json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"}, "userAgent": "WWE Server", "protocolVersion": 2});
    let mut app = records(
        "http://127.0.0.1:8080",
        SourceRelation::Parent,
        vec![(t, event)],
    );
    app[0].seq = 3;
    let mut wwe = records(
        "http://localhost:8080",
        SourceRelation::Child,
        vec![(t, answer)],
    );
    wwe[0].seq = 2;
    for (frame, records) in [
        (frame("app", "http://localhost:8080", 1), app),
        (frame("wwe", "http://127.0.0.1:8080", 0), wwe),
    ] {
        let captured = records[0].seq + 1;
        store.apply(
            Batch {
                digests: Vec::new(),
                frame,
                dropped: 0,
                captured,
                replay: false,
                records,
                foreign_evicted: 0,
                unreadable: 0,
            },
            -1,
        );
    }
    let shown = |store: &Store| -> Vec<(String, u64)> {
        store
            .entries()
            .iter()
            .map(|e| (store.frame(e.frame).info.key.to_string(), e.seq))
            .collect()
    };
    assert_eq!(
        shown(&store)[5..],
        [("app".to_owned(), 3), ("wwe".to_owned(), 2)]
    );
    let analysis = Analysis::of(&store, t + 1000.0, None);
    let text = export_sensitive(&store, &analysis, t + 1000.0);
    assert_eq!(shown(&import("t.har", &text).unwrap().store), shown(&store));
}

#[test]
fn an_imported_capture_is_judged_as_of_its_end_not_as_of_today() {
    // The app's last request got no answer before the export, 0.9 s after it was sent: pending
    // then, and pending in the file whenever it is opened.
    let store = store();
    let exported_at = 1_700_000_001_000.0;
    let mut late = records(
        "http://localhost:8080",
        SourceRelation::Child,
        vec![(
            exported_at - 900.0,
            json!({"request": "agent.getState", "referenceId": "7", "userAgent": "WWE Client", "protocolVersion": 2}),
        )],
    );
    late[0].seq = 2;
    let mut store = store;
    store.apply(
        Batch {
            digests: Vec::new(),
            frame: frame("wwe", "http://127.0.0.1:8080", 0),
            dropped: 0,
            captured: 3,
            replay: false,
            records: late,
            foreign_evicted: 0,
            unreadable: 0,
        },
        -1,
    );
    let analysis = Analysis::of(&store, exported_at, None);
    let imported = import("t.har", &export_sensitive(&store, &analysis, exported_at)).unwrap();
    assert_eq!(imported.store.ended_at(), Some(exported_at));
    let state_of_last_request = |analysis: &Analysis| {
        analysis
            .correlation
            .exchanges
            .iter()
            .find(|e| e.name.as_deref() == Some("agent.getState"))
            .map(|e| e.state)
    };
    let reviewed = Analysis::of(&imported.store, imported.store.ended_at().unwrap(), None);
    assert_eq!(
        state_of_last_request(&reviewed),
        Some(ExchangeState::Pending)
    );
    assert_eq!(reviewed.findings, analysis.findings);
}

#[test]
fn a_file_larger_than_the_panel_holds_is_refused_before_it_is_read() {
    let too_big = IMPORT_LIMITS.bytes + 1;
    let Err(problem) = Importer::new("huge.har", too_big, IMPORT_LIMITS) else {
        panic!("a file over the limit was accepted");
    };
    assert_eq!(
        problem,
        "huge.har: it is 268.4 MB, more than the panel holds (files of at most 256 MiB and \
         1,000,000 records). The command-line tool scapi-inspect streams files of any size: \
         scapi-inspect summary huge.har, or scapi-inspect decode huge.har"
    );
    assert!(Importer::new("fits.har", IMPORT_LIMITS.bytes, IMPORT_LIMITS).is_ok());
    assert_eq!(thousands(1_500_000), "1,500,000");
    assert_eq!(thousands(999), "999");
}
