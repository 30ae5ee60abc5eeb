use super::*;
use scapi::{decode, SourceRelation};
use serde_json::json;

fn record(seq: u64, time: f64) -> Record {
    let raw = json!({"referenceId": seq.to_string(), "data": {}, "userAgent": "WWE Server"});
    Record {
        seq,
        time,
        wall: time,
        origin: "http://127.0.0.1:1".into(),
        source: SourceRelation::Parent,
        child_index: None,
        ports: 0,
        decoded: decode(&raw),
        raw,
    }
}

fn batch(key: &str, dropped: u64, records: Vec<Record>) -> Batch {
    Batch {
        digests: Vec::new(),
        captured: records.iter().map(|r| r.seq + 1).max().unwrap_or(0),
        frame: FrameInfo {
            key: key.into(),
            url: format!("http://localhost:1/{key}.html"),
            origin: "http://localhost:1".into(),
            is_top: key.starts_with("top"),
            browser_frame_id: None,
            ..Default::default()
        },
        dropped,
        replay: false,
        foreign_evicted: 0,
        unreadable: 0,
        records,
    }
}

fn times(store: &Store) -> Vec<f64> {
    store.entries().iter().map(Entry::time).collect()
}

#[test]
fn replayed_records_are_not_shown_twice() {
    let mut store = Store::default();
    assert_eq!(
        store
            .apply(batch("a", 0, vec![record(0, 1.0), record(1, 2.0)]), 3)
            .added,
        2
    );
    assert_eq!(
        store
            .apply(
                batch("a", 0, vec![record(0, 1.0), record(1, 2.0), record(2, 3.0)]),
                3
            )
            .added,
        1
    );
    assert_eq!(store.entries().len(), 3);
    assert_eq!(store.frame(0).info.browser_frame_id, Some(3));
}

#[test]
fn frames_interleave_in_time_order() {
    let mut store = Store::default();
    store.apply(batch("a", 0, vec![record(0, 1.0), record(1, 5.0)]), -1);
    store.apply(batch("b", 0, vec![record(0, 3.0), record(1, 7.0)]), -1);
    assert_eq!(times(&store), [1.0, 3.0, 5.0, 7.0]);
    assert_eq!(store.frames().len(), 2);
}

#[test]
fn same_seq_in_two_frames_are_two_records() {
    let mut store = Store::default();
    store.apply(batch("a", 0, vec![record(0, 1.0)]), -1);
    store.apply(batch("b", 0, vec![record(0, 1.0)]), -1);
    assert_eq!(store.entries().len(), 2);
}

#[test]
fn dropped_counts_add_up_across_frames_and_never_shrink() {
    let mut store = Store::default();
    store.apply(batch("a", 4, vec![]), -1);
    store.apply(batch("b", 2, vec![]), -1);
    store.apply(batch("a", 1, vec![]), -1);
    assert_eq!(store.dropped(), 6);
}

#[test]
fn cleared_records_stay_cleared_after_a_replay() {
    let mut store = Store::default();
    store.apply(batch("a", 0, vec![record(0, 1.0)]), -1);
    store.clear();
    assert_eq!(
        store
            .apply(batch("a", 0, vec![record(0, 1.0), record(1, 2.0)]), -1)
            .added,
        1
    );
    assert_eq!(store.entries().len(), 1);
}

#[test]
fn records_a_frame_captured_but_never_delivered_count_as_dropped() {
    let mut store = Store::default();
    // seq 0 and 1 were evicted in the page before the panel connected; seq 3 was unreadable.
    let mut first = batch("a", 0, vec![record(2, 1.0), record(4, 2.0)]);
    first.captured = 5;
    store.apply(first, -1);
    assert_eq!(store.dropped(), 3);
    // A later batch fills nothing in: still three missing, plus one lost in the hook.
    store.apply(batch("a", 1, vec![record(5, 3.0)]), -1);
    assert_eq!(store.dropped(), 4);
    // Clearing the list is not losing records.
    store.clear();
    assert_eq!(store.dropped(), 4);
}

#[test]
fn the_cap_drops_the_oldest_and_counts_them() {
    let mut store = Store::default();
    store.set_cap(3);
    store.apply(
        batch(
            "a",
            0,
            (0..5).map(|i| record(i, f64::from(i as u32))).collect(),
        ),
        -1,
    );
    assert_eq!(times(&store), [2.0, 3.0, 4.0]);
    assert_eq!(store.evicted(), 2);
    store.set_cap(1);
    assert_eq!(times(&store), [4.0]);
    assert_eq!(store.evicted(), 4);
}

#[test]
fn a_navigation_keeps_what_the_new_page_s_frames_sent_before_its_top_frame_did() {
    let mut store = Store::default();
    store.apply(batch("top1", 0, vec![record(0, 1.0)]), -1);
    store.apply(batch("app1", 0, vec![record(0, 2.0)]), -1);
    // The new page started at 50; its app's first batch comes before its top frame's.
    store.apply(batch("app2", 0, vec![record(0, 60.0)]), -1);
    let mut top = batch("top2", 0, vec![record(0, 70.0)]);
    top.frame.started = 50.0;
    assert!(store.apply(top, -1).cleared_by_navigation);
    assert_eq!(times(&store), [60.0, 70.0]);
}

#[test]
fn a_popup_the_tab_opened_is_no_navigation() {
    let mut store = Store::default();
    store.apply(batch("top1", 0, vec![record(0, 1.0)]), -1);
    let mut popup = batch("top-popup", 0, vec![record(0, 5.0)]);
    popup.frame.placement.has_opener = true;
    popup.frame.started = 4.0;
    assert!(!store.apply(popup, -1).cleared_by_navigation);
    assert_eq!(times(&store), [1.0, 5.0]);
}

#[test]
fn a_new_top_document_clears_the_log_unless_it_is_preserved() {
    let mut store = Store::default();
    store.apply(batch("top1", 0, vec![record(0, 1.0)]), -1);
    store.apply(batch("app", 0, vec![record(0, 2.0)]), -1);
    let applied = store.apply(batch("top2", 0, vec![record(0, 10.0)]), -1);
    assert!(applied.cleared_by_navigation);
    assert_eq!(times(&store), [10.0]);

    let mut preserved = Store::with(true, DEFAULT_CAP);
    preserved.apply(batch("top1", 0, vec![record(0, 1.0)]), -1);
    let applied = preserved.apply(batch("top2", 0, vec![record(0, 10.0)]), -1);
    assert!(!applied.cleared_by_navigation);
    assert_eq!(times(&preserved), [1.0, 10.0]);
}

#[test]
fn an_entry_keeps_what_the_list_and_filters_need_and_decodes_again_in_full() {
    let raw = json!({"request": "interaction.setUserData", "parameters": ["7", {"K": "v"}], "referenceId": "3", "userAgent": "WWE Client", "protocolVersion": 2});
    let write = Record {
        decoded: decode(&raw),
        raw,
        ..record(5, 9.5)
    };
    let entry = Entry::of(0, &write, &mut Strings::default());
    assert_eq!(entry.kind(), Kind::Request);
    assert_eq!(entry.direction(), Direction::ToWorkspace);
    assert_eq!(entry.facts.name, "interaction.setUserData");
    assert_eq!(entry.summary(), "[\"7\",{\"K\":\"v\"}]");
    assert_eq!(
        entry
            .interactions
            .iter()
            .map(|id| &**id)
            .collect::<Vec<_>>(),
        ["7"]
    );
    assert_eq!(entry.record(), write);

    let event = json!({"event": "interaction", "data": {"eventType": "ADDED", "interaction": {"interactionId": "8", "parentInteractionId": "7"}}, "userAgent": "WWE Server"});
    let entry = Entry::of(
        0,
        &Record {
            decoded: decode(&event),
            raw: event,
            ..record(6, 10.0)
        },
        &mut Strings::default(),
    );
    assert_eq!(
        entry
            .interactions
            .iter()
            .map(|id| &**id)
            .collect::<Vec<_>>(),
        ["8", "7"]
    );
}

#[test]
fn a_restored_capture_keeps_its_order_for_records_of_one_moment_across_frames() {
    let frame = |key: &str| (batch(key, 0, Vec::new()).frame, 0);
    // Frame b's record at 2.0 was shown before frame a's: a restore keeps that, where batches
    // applied frame by frame would put a's first.
    let saved = vec![
        (0, record(0, 1.0)),
        (1, record(0, 2.0)),
        (0, record(1, 2.0)),
        (1, record(1, 3.0)),
    ];
    let store = Store::restore(10, vec![frame("a"), frame("b")], saved, 0.0);
    let order: Vec<(u32, u64)> = store.entries().iter().map(|e| (e.frame, e.seq)).collect();
    assert_eq!(order, [(0, 0), (1, 0), (0, 1), (1, 1)]);
    assert!(
        store.preserve_log,
        "a saved capture is never cleared as a navigation"
    );
    assert_eq!(store.received(), 4);

    // A file from another tool out of time order is put in time order.
    let unordered = vec![
        (0, record(0, 5.0)),
        (0, record(1, 4.0)),
        (1, record(0, 6.0)),
    ];
    let store = Store::restore(10, vec![frame("a"), frame("b")], unordered, 9.0);
    assert_eq!(times(&store), [4.0, 5.0, 6.0]);
    assert_eq!(store.ended_at(), Some(9.0));
    assert_eq!(
        Store::default().ended_at(),
        None,
        "a live capture has no end"
    );
}

#[test]
fn a_replayed_history_keeps_earlier_documents_and_marks_where_the_page_navigated() {
    // The tab reloaded before the panel opened: its log replays both documents.
    let mut store = Store::default();
    let mut old_top = batch("top-old", 0, vec![record(0, 1.0), record(1, 2.0)]);
    old_top.replay = true;
    let mut new_top = batch("top-new", 0, vec![record(0, 5.0), record(1, 6.0)]);
    new_top.replay = true;
    assert!(!store.apply(old_top, -1).cleared_by_navigation);
    assert!(!store.apply(new_top, -1).cleared_by_navigation);
    assert_eq!(times(&store), [1.0, 2.0, 5.0, 6.0]);
    let new_frame = store.frame_position("top-new").unwrap();
    assert_eq!(store.navigations(), HashMap::from([(new_frame, 0)]));
    // Live, the DevTools meaning holds: a navigation while the panel is open clears.
    let live = batch("top-live", 0, vec![record(0, 9.0)]);
    assert!(store.apply(live, -1).cleared_by_navigation);
}

#[test]
fn foreign_messages_the_tab_let_go_are_not_counted_as_lost_scapi_records() {
    let mut store = Store::default();
    let mut app = batch("app", 2, vec![record(0, 1.0), record(7, 2.0)]);
    app.captured = 10;
    app.foreign_evicted = 5;
    app.unreadable = 1;
    store.apply(app, -1);
    let frame = store.frame(store.frame_position("app").unwrap());
    // 10 numbered, 2 received, 5 foreign let go, 1 unreadable: 2 SCAPI records missing, plus
    // the 2 the page lost before numbering them.
    assert_eq!(frame.dropped(), 4);
    assert_eq!(store.foreign_dropped(), 5);
}

#[test]
fn digests_make_the_entries_records_make() {
    let raw = json!({"request": "interaction.setUserData", "referenceId": "7",
        "parameters": ["0001", {"Tier": "Gold"}], "userAgent": "WWE Client", "protocolVersion": 2});
    let request = Record {
        decoded: decode(&raw),
        raw,
        ..record(2, 3.0)
    };
    let records = vec![record(0, 1.0), record(1, 2.0), request];
    let mut from_records = Store::default();
    from_records.apply(batch("a", 0, records.clone()), 3);
    let mut from_digests = Store::default();
    let mut digested = batch("a", 0, Vec::new());
    digested.captured = 3;
    digested.digests = records.iter().map(Digest::of).collect();
    assert_eq!(from_digests.apply(digested, 3).added, 3);
    assert_eq!(from_digests.entries(), from_records.entries());
    assert_eq!(&*from_digests.entries()[2].interactions, ["0001".into()]);
    assert_eq!(from_digests.entries()[2].record(), records[2]);
}
