//! The JS-facing shell, in a browser (wasm-bindgen-test): what `background.js` does with it.
#![cfg(target_arch = "wasm32")]

use super::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FRAME: &str = r#"{"key":"k1","url":"http://wwe.test/ui/ad/v1/index.html","origin":"http://wwe.test","isTop":true,"placement":{"depth":0,"hasOpener":false},"started":1764000000000}"#;

fn line(reference_id: u32) -> String {
    format!(
        r#"{{"v":1,"time":1764000000100,"wall":1764000000100,"frameUrl":"http://wwe.test/ui/ad/v1/index.html","frameOrigin":"http://wwe.test","isTop":true,"origin":"http://apps.test","source":"child","childIndex":0,"ports":0,"data":{{"request":"agent.getState","parameters":[],"referenceId":"{reference_id}","userAgent":"WWE Service Client","protocolVersion":2}}}}"#
    )
}

#[wasm_bindgen_test]
fn what_storage_session_holds_restores_the_same_log() {
    let mut background = Background::new();
    let text = [line(0), line(1)].join("\n");
    let batches = background
        .ingest(7.0, FRAME, 0, 0.0, &text, 0.0, 0.0, true)
        .unwrap();
    assert_eq!(
        batches.len(),
        1,
        "a panel listens: the new records come back"
    );
    assert!(batches[0].contains(r#""browserFrameId":0"#));
    let writes: serde_json::Value = serde_json::from_str(&background.take_writes()).unwrap();
    assert_eq!(writes["acks"], serde_json::json!([[7, "k1", 2]]));
    // As storage.session.get(null) hands it back: a plain object of strings.
    let stored = js_sys::Object::new();
    for (key, value) in writes["set"].as_object().unwrap() {
        js_sys::Reflect::set(&stored, &key.into(), &value.as_str().unwrap().into()).unwrap();
    }
    let mut restored = Background::new();
    assert!(restored.restore(&stored).is_empty());
    assert_eq!(restored.history(7.0), background.history(7.0));
    assert_eq!(restored.tabs(), [7.0]);
    // A chunk sent again after the restart is kept once.
    assert_eq!(
        restored
            .ingest(7.0, FRAME, 0, 0.0, &text, 0.0, 0.0, true)
            .unwrap(),
        Vec::<String>::new()
    );
    assert!(!restored.remove_tab(7.0).is_empty());
}

#[wasm_bindgen_test]
fn an_unreadable_frame_description_is_an_error_naming_it() {
    let error = Background::new()
        .ingest(1.0, "{nope", -1, 0.0, &line(0), 0.0, 0.0, false)
        .unwrap_err();
    assert!(
        error.contains("frame's description is unreadable"),
        "{error}"
    );
}

#[wasm_bindgen_test]
fn a_burst_larger_than_one_message_goes_to_the_panel_in_parts() {
    // 12,000 records of about 1 KB: over the 8 MiB a message to the panel may hold (Chrome refuses
    // any over 64 MiB: one 30,000-record burst of 1 KB messages made 76 MB and never arrived).
    let mut background = Background::new();
    let pad = "p".repeat(1000);
    let text: Vec<String> = (0..12_000)
        .map(|reference_id| {
            line(reference_id).replace("\"parameters\":[]", &format!("\"parameters\":[\"{pad}\"]"))
        })
        .collect();
    let live = background
        .ingest(7.0, FRAME, 0, 0.0, &text.join("\n"), 0.0, 0.0, true)
        .unwrap();
    let replayed = background.history(7.0);
    for parts in [&live, &replayed] {
        assert!(parts.len() > 1, "{} parts", parts.len());
        let mut seqs = Vec::new();
        for part in parts.iter() {
            assert!(part.len() <= PANEL_MESSAGE_BYTES, "{} bytes", part.len());
            seqs.extend(
                scapi::Batch::from_json(part)
                    .unwrap()
                    .digests
                    .iter()
                    .map(|digest| digest.facts.seq),
            );
        }
        assert_eq!(seqs, (0..12_000).collect::<Vec<u64>>());
    }
}

#[wasm_bindgen_test]
fn a_badge_is_counted_again_after_a_second_or_twenty_times_what_counting_took() {
    let mut background = Background::new();
    assert!(
        background.badge_wait(7.0, 5_000.0) <= 0.0,
        "never counted: now"
    );
    background
        .ingest(7.0, FRAME, 0, 0.0, &line(0), 0.0, 0.0, false)
        .unwrap();
    let now = js_sys::Date::now();
    background.counts(7.0, now);
    let took = js_sys::Date::now() - now;
    let wait = background.badge_wait(7.0, now + 200.0);
    assert!(
        wait >= 800.0 && wait <= (20.0 * took).max(1_000.0) - 200.0 + 1.0,
        "waits {wait} ms 200 ms after counting took {took} ms"
    );
    assert!(background.badge_wait(7.0, now + (20.0 * took).max(1_000.0) + 1.0) <= 0.0);
    // A log that takes a while to count waits twenty times that.
    let pad = "p".repeat(1000);
    let text: Vec<String> = (1..=12_000)
        .map(|reference_id| {
            line(reference_id).replace("\"parameters\":[]", &format!("\"parameters\":[\"{pad}\"]"))
        })
        .collect();
    background
        .ingest(7.0, FRAME, 0, 1.0, &text.join("\n"), 0.0, 0.0, false)
        .unwrap();
    let started = js_sys::Date::now();
    background.counts(7.0, started);
    let took = js_sys::Date::now() - started;
    let wait = background.badge_wait(7.0, started);
    assert!(
        wait >= 1_000.0 && wait <= (20.0 * took).max(1_000.0) + 1.0,
        "waits {wait} ms after counting took {took} ms"
    );
    // A closed tab starts afresh.
    background.remove_tab(7.0);
    assert!(background.badge_wait(7.0, started) <= 0.0);
}
