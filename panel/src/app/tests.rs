//! The panel component rendered in headless Chromium (wasm-bindgen-test).

use super::*;
use scapi::{decode, Batch, FrameInfo, Record, SourceRelation};
use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A record as Workspace (top) receives it from its child 0, an app on localhost.
fn record(seq: u64, time: f64, raw: Value) -> Record {
    Record {
        seq,
        time,
        wall: 1_700_000_000_000.0 + time,
        origin: "http://localhost:1".into(),
        source: SourceRelation::Child,
        child_index: Some(0),
        ports: 0,
        decoded: decode(&raw),
        raw,
    }
}

fn batch(key: &str, url: &str, records: Vec<Record>, dropped: u64) -> String {
    let is_top = key != "app";
    Batch {
        digests: Vec::new(),
        frame: FrameInfo {
            key: key.into(),
            url: url.into(),
            origin: if is_top {
                "http://127.0.0.1:1"
            } else {
                "http://localhost:1"
            }
            .into(),
            is_top,
            placement: scapi::FramePlacement {
                depth: u32::from(!is_top),
                index_in_parent: (!is_top).then_some(0),
                has_opener: false,
            },
            browser_frame_id: None,
            started: 0.0,
            ended: None,
        },
        dropped,
        captured: 0,
        replay: false,
        foreign_evicted: 0,
        unreadable: 0,
        records,
    }
    .to_json()
}

async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn mount(batches: Vec<String>) -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            connect: false,
            initial_batches: batches,
        },
    )
    .render();
    root
}

/// The row selected in the list.
fn selected_row(root: &web_sys::Element) -> web_sys::Element {
    root.query_selector("[data-testid=record-row][aria-selected=true]")
        .unwrap()
        .expect("a selected row")
}

fn rows(root: &web_sys::Element) -> Vec<web_sys::Element> {
    let list = root.query_selector_all("[data-testid=record-row]").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn rows_show_kind_direction_app_and_name() {
    let top = batch(
        "top",
        "http://127.0.0.1:1/workspace.html",
        vec![record(
            0,
            1.0,
            json!({"request": "interaction.setUserData", "parameters": ["1", {"MyKEY1": "MyValue1"}],
                "referenceId": "7", "userAgent": "WWE Client", "protocolVersion": 2}),
        )],
        0,
    );
    let app = batch(
        "app",
        "http://localhost:1/app.html",
        vec![record(
            0,
            2.0,
            json!({"referenceId": "7", "data": {}, "userAgent": "WWE Server", "protocolVersion": 2}),
        )],
        3,
    );
    let root = mount(vec![app, top]);
    settle().await;
    let rows = rows(&root);
    assert_eq!(rows.len(), 2);
    // Time order, whatever order the batches came in.
    assert_eq!(rows[0].get_attribute("data-kind").unwrap(), "request");
    assert_eq!(
        rows[0].get_attribute("data-direction").unwrap(),
        "to-workspace"
    );
    assert_eq!(
        rows[0].get_attribute("data-name").unwrap(),
        "interaction.setUserData"
    );
    assert_eq!(rows[0].get_attribute("data-reference-id").unwrap(), "7");
    assert_eq!(
        rows[0].get_attribute("data-frame-url").unwrap(),
        "http://127.0.0.1:1/workspace.html"
    );
    assert_eq!(rows[1].get_attribute("data-kind").unwrap(), "response");
    assert_eq!(rows[1].get_attribute("data-direction").unwrap(), "to-app");
    // The App column names the app for the request (received by Workspace) and its answer.
    for row in &rows {
        let app = row
            .query_selector("[data-testid=app-cell]")
            .unwrap()
            .unwrap();
        assert_eq!(
            app.get_attribute("data-app").unwrap(),
            "http://localhost:1/app.html"
        );
        assert_eq!(app.text_content().unwrap().trim(), "app.html");
    }
    let text = rows[0].text_content().unwrap();
    assert!(text.contains("app → WWE"), "{text}");
    assert!(text.contains("MyKEY1"), "{text}");
    let count = root
        .query_selector("[data-testid=record-count]")
        .unwrap()
        .unwrap();
    assert_eq!(count.text_content().unwrap(), "2 records");
    let dropped = root
        .query_selector("[data-testid=dropped-count]")
        .unwrap()
        .unwrap();
    assert_eq!(dropped.text_content().unwrap(), "3 dropped");
}

#[wasm_bindgen_test]
async fn selecting_a_row_shows_decoded_and_raw_json() {
    let root = mount(vec![batch(
        "app",
        "http://localhost:1/app.html",
        vec![record(
            0,
            1.0,
            json!({"event": "agent", "data": {"eventType": "STATE_CHANGED", "mediaState": "READY"},
                "userAgent": "WWE Server", "protocolVersion": 2}),
        )],
        0,
    )]);
    settle().await;
    assert!(root
        .query_selector("[data-testid=record-details]")
        .unwrap()
        .is_none());
    let row: web_sys::HtmlElement = rows(&root)[0].clone().dyn_into().unwrap();
    row.click();
    settle().await;
    assert_eq!(
        rows(&root)[0].get_attribute("aria-selected").unwrap(),
        "true"
    );
    let raw = root
        .query_selector("[data-testid=raw-json]")
        .unwrap()
        .unwrap();
    let raw: Value = serde_json::from_str(&raw.text_content().unwrap()).unwrap();
    assert_eq!(raw["data"]["mediaState"], "READY");
    let decoded = root
        .query_selector("[data-testid=decoded-json]")
        .unwrap()
        .unwrap();
    let decoded: Value = serde_json::from_str(&decoded.text_content().unwrap()).unwrap();
    assert_eq!(decoded["kind"], "event");
    assert_eq!(decoded["eventType"], "STATE_CHANGED");
}

#[wasm_bindgen_test]
async fn clear_empties_the_list() {
    let root = mount(vec![batch(
        "app",
        "http://localhost:1/app.html",
        vec![record(0, 1.0, json!({"type": "widget-ping"}))],
        0,
    )]);
    settle().await;
    assert_eq!(rows(&root).len(), 1);
    let clear: web_sys::HtmlElement = root
        .query_selector("[data-testid=clear]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    clear.click();
    settle().await;
    assert!(rows(&root).is_empty());
    assert!(root.text_content().unwrap().contains("No SCAPI traffic"));
}

/// The app's view: what it receives from its parent, Workspace.
fn received(seq: u64, time: f64, raw: Value) -> Record {
    Record {
        origin: "http://127.0.0.1:1".into(),
        source: SourceRelation::Parent,
        child_index: None,
        ..record(seq, time, raw)
    }
}

fn text_of(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn requests_show_their_answer_and_findings_lead_to_records() {
    let top = batch(
        "top",
        "http://127.0.0.1:1/workspace.html",
        vec![
            record(
                0,
                1.0,
                json!({"request": "voice.dial", "parameters": ["5001", null], "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}),
            ),
            record(
                1,
                2.0,
                json!({"request": "voice.pauseRecording", "parameters": ["1"], "referenceId": "1", "userAgent": "WWE Client", "protocolVersion": 2}),
            ),
        ],
        0,
    );
    let app = batch(
        "app",
        "http://localhost:1/app.html",
        vec![received(
            0,
            9.0,
            json!({"referenceId": "0", "errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.", "userAgent": "WWE Server", "protocolVersion": 2}),
        )],
        0,
    );
    let root = mount(vec![top, app]);
    settle().await;
    let rows = rows(&root);
    assert_eq!(
        rows[0].get_attribute("data-exchange-state").unwrap(),
        "failed"
    );
    assert!(rows[0].text_content().unwrap().contains("failed 8 ms"));
    assert_eq!(
        rows[2].get_attribute("data-exchange-state").unwrap(),
        "failed"
    );
    assert!(rows[2].text_content().unwrap().contains("↩ voice.dial"));

    let toggle: web_sys::HtmlElement = root
        .query_selector("[data-testid=findings-toggle]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(toggle.text_content().unwrap().starts_with("Findings ("));
    toggle.click();
    settle().await;
    let codes: Vec<String> = {
        let list = root.query_selector_all("[data-testid=finding]").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .dyn_into::<web_sys::Element>()
                    .unwrap()
                    .get_attribute("data-code")
                    .unwrap()
            })
            .collect()
    };
    assert!(codes.contains(&"rate-limited".to_owned()), "{codes:?}");
    assert!(codes.contains(&"unknown-request".to_owned()), "{codes:?}");
    let unknown: web_sys::Element = root
        .query_selector("[data-testid=finding][data-code=unknown-request]")
        .unwrap()
        .unwrap();
    assert!(unknown
        .text_content()
        .unwrap()
        .contains("voice.pauseCallRecording"));
    let show: web_sys::HtmlElement = unknown
        .query_selector("button")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    show.click();
    settle().await;
    // The finding's record is selected and shown in full.
    let selected = selected_row(&root);
    assert_eq!(
        selected.get_attribute("data-name").unwrap(),
        "voice.pauseRecording"
    );
    assert!(text_of(&root, "[data-testid=record-details]").contains("voice.pauseRecording"));
    // Sent long before now (the records' clock starts at 0) and never answered.
    assert_eq!(text_of(&root, "[data-testid=exchange-state]"), "timed out");
}

#[wasm_bindgen_test]
async fn the_details_link_to_the_paired_answer() {
    let top = batch(
        "top",
        "http://127.0.0.1:1/workspace.html",
        vec![record(
            0,
            1.0,
            json!({"request": "agent.getState", "referenceId": "0", "userAgent": "WWE Client", "protocolVersion": 2}),
        )],
        0,
    );
    let app = batch(
        "app",
        "http://localhost:1/app.html",
        vec![received(
            0,
            4.0,
            json!({"referenceId": "0", "data": {"operationName": "Ready"}, "userAgent": "WWE Server", "protocolVersion": 2}),
        )],
        0,
    );
    let root = mount(vec![top, app]);
    settle().await;
    let first: web_sys::HtmlElement = rows(&root)[0].clone().dyn_into().unwrap();
    first.click();
    settle().await;
    assert_eq!(
        text_of(&root, "[data-testid=exchange-state]"),
        "answered 3 ms"
    );
    let link: web_sys::HtmlElement = root
        .query_selector("[data-testid=partner-link]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(link.text_content().unwrap(), "answer");
    link.click();
    settle().await;
    let selected = selected_row(&root);
    assert_eq!(selected.get_attribute("data-kind").unwrap(), "response");
    // The answer's data, typed as what agent.getState returns.
    let result: Value =
        serde_json::from_str(&text_of(&root, "[data-testid=typed-result]")).unwrap();
    assert_eq!(result["shape"], "mediaState");
    assert_eq!(result["state"]["operationName"], "Ready");
}

fn click(root: &web_sys::Element, selector: &str) {
    let element: web_sys::HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap();
    element.click();
}

fn options_area(root: &web_sys::Element) -> web_sys::HtmlTextAreaElement {
    root.query_selector("[data-testid=options-text]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

async fn apply_options(root: &web_sys::Element, text: &str) {
    click(root, "[data-testid=policy-toggle]");
    settle().await;
    let area = options_area(root);
    area.set_value(text);
    click(root, "[data-testid=options-apply]");
    settle().await;
}

/// Three dials (the third gets the rate-limit error) and a write of Key1 and Key4, then an event
/// that shows only Key1.
fn policy_capture() -> Vec<String> {
    let request = |seq: u64, time: f64, name: &str, parameters: Value| {
        record(
            seq,
            time,
            json!({"request": name, "parameters": parameters, "referenceId": seq.to_string(), "userAgent": "WWE Client", "protocolVersion": 2}),
        )
    };
    let top = batch(
        "top",
        "http://127.0.0.1:1/workspace.html",
        vec![
            request(0, 1.0, "voice.dial", json!(["5001", null])),
            request(1, 2.0, "voice.dial", json!(["5002", null])),
            request(2, 3.0, "voice.dial", json!(["5003", null])),
            request(
                3,
                4.0,
                "interaction.setUserData",
                json!(["1", {"Key1": "a", "Key4": "b"}]),
            ),
        ],
        0,
    );
    let answer = |seq: u64, time: f64, body: Value| {
        let mut raw = json!({"referenceId": seq.to_string(), "userAgent": "WWE Server", "protocolVersion": 2});
        for (key, value) in body.as_object().unwrap() {
            raw[key] = value.clone();
        }
        received(seq, time, raw)
    };
    let app = batch(
        "app",
        "http://localhost:1/app.html",
        vec![
            answer(0, 1.5, json!({"data": {}})),
            answer(1, 2.5, json!({"data": {}})),
            answer(
                2,
                3.5,
                json!({"errorMessage": "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.", "request": "voice.dial"}),
            ),
            answer(3, 4.5, json!({"data": {}})),
            received(
                4,
                5.0,
                json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"Key1": "a"}}}, "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
        ],
        0,
    );
    vec![top, app]
}

fn attribute_of(rows: &[web_sys::Element], name: &str, attribute: &str) -> Vec<String> {
    rows.iter()
        .filter(|row| row.get_attribute("data-name").as_deref() == Some(name))
        .map(|row| row.get_attribute(attribute).unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn pasted_options_give_every_request_a_verdict_and_fill_the_rate_and_user_data_views() {
    let root = mount(policy_capture());
    settle().await;
    // Without options: the rate-limit error is read off the capture, nothing is judged.
    assert!(attribute_of(&rows(&root), "voice.dial", "data-verdict")
        .iter()
        .all(String::is_empty));
    apply_options(
        &root,
        "[interaction-workspace]\nservice-client-api.accepted-web-content-origins=http://localhost:1 (voice.dial, interaction.*)\nservice-client-api.rate-limit.voice.dial=2\nservice-client-api.user-data.read-allowed=Key1,Key2",
    )
    .await;
    assert_eq!(
        text_of(&root, "[data-testid=options-status]"),
        "Applied: 3 option(s) given; the others hold Workspace's defaults."
    );
    let rows = rows(&root);
    assert_eq!(
        attribute_of(&rows, "voice.dial", "data-verdict"),
        ["allowed", "allowed", "rate-limit-reached"]
    );
    assert_eq!(
        attribute_of(&rows, "voice.dial", "data-agreement"),
        ["agrees", "agrees", "agrees"]
    );
    assert_eq!(
        attribute_of(&rows, "interaction.setUserData", "data-verdict"),
        ["allowed"]
    );
    assert_eq!(
        attribute_of(&rows, "interaction:ATTACHED_DATA_CHANGED", "data-verdict"),
        ["read-hidden"]
    );
    assert!(text_of(&root, "[data-testid=verdict-tally]")
        .starts_with("4 request(s): 3 allowed, 1 refused"));

    click(&root, "[data-testid=rates-toggle]");
    settle().await;
    let dial = root
        .query_selector("[data-testid=rate-usage][data-request=\"voice.dial\"]")
        .unwrap()
        .unwrap();
    assert_eq!(dial.get_attribute("data-hits").unwrap(), "1");
    assert!(dial.text_content().unwrap().contains("limit 2 per minute"));
    let window = dial
        .query_selector("[data-testid=rate-window]")
        .unwrap()
        .unwrap();
    assert_eq!(window.get_attribute("data-arrived").unwrap(), "3");
    assert_eq!(window.get_attribute("data-counted").unwrap(), "2");
    assert_eq!(
        dial.query_selector_all("[data-testid=quarantine-span]")
            .unwrap()
            .length(),
        2,
        "predicted by the options and announced by the error"
    );

    click(&root, "[data-testid=user-data-toggle]");
    settle().await;
    let key4 = root
        .query_selector("[data-testid=interaction-keys][data-interaction-id=\"1\"] [data-testid=user-data-key][data-key=Key4]")
        .unwrap()
        .unwrap();
    assert_eq!(key4.get_attribute("data-status").unwrap(), "hidden");

    // The details of the third dial say why.
    click(&root, "[data-testid=user-data-toggle]");
    settle().await;
    let third: web_sys::HtmlElement = rows
        .iter()
        .filter(|row| row.get_attribute("data-name").as_deref() == Some("voice.dial"))
        .nth(2)
        .unwrap()
        .clone()
        .dyn_into()
        .unwrap();
    third.click();
    settle().await;
    let verdict = text_of(&root, "[data-testid=policy-verdict]");
    assert!(
        verdict.contains("service-client-api.rate-limit.voice.dial = 2"),
        "{verdict}"
    );
}

#[wasm_bindgen_test]
async fn bad_options_are_refused_with_their_line_and_nothing_is_judged() {
    let root = mount(policy_capture());
    settle().await;
    apply_options(
        &root,
        "service-client-api.rate-limit.voice.dial=4\nservice-client-api.accepted-web-content-origins=http://localhost:1/app.html",
    )
    .await;
    let status = root
        .query_selector("[data-testid=options-status]")
        .unwrap()
        .unwrap();
    assert_eq!(status.get_attribute("data-state").unwrap(), "rejected");
    let error = root
        .query_selector("[data-testid=options-error]")
        .unwrap()
        .unwrap();
    assert_eq!(error.get_attribute("data-line").unwrap(), "2");
    assert!(error.text_content().unwrap().contains("has a path"));
    assert!(attribute_of(&rows(&root), "voice.dial", "data-verdict")
        .iter()
        .all(String::is_empty));
    let toggle = root
        .query_selector("[data-testid=policy-toggle]")
        .unwrap()
        .unwrap();
    assert_eq!(toggle.get_attribute("data-options").unwrap(), "rejected");
}

#[wasm_bindgen_test]
async fn options_being_typed_survive_a_render_before_they_are_applied() {
    // Records stream in while the user types: each render must leave the text area alone.
    let root = mount(policy_capture());
    settle().await;
    click(&root, "[data-testid=policy-toggle]");
    settle().await;
    let area = options_area(&root);
    let typed = "service-client-api.rate-limit.voice.dial=2";
    area.set_value(typed);
    area.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    // Any render will do: pause and resume.
    click(&root, "[data-testid=pause-toggle]");
    settle().await;
    click(&root, "[data-testid=pause-toggle]");
    settle().await;
    assert_eq!(area.value(), typed, "a render put back the applied text");
    click(&root, "[data-testid=options-apply]");
    settle().await;
    let status = root
        .query_selector("[data-testid=options-status]")
        .unwrap()
        .unwrap();
    assert_eq!(status.get_attribute("data-state").unwrap(), "applied");
}

/// A capture too large to analyse in one go is analysed in slices between frames: the list shows
/// at once, the toolbar says "analysing… N%", and then the analysis of every record is shown
/// (its findings, the requests' states).
#[wasm_bindgen_test]
async fn a_large_capture_is_analysed_in_slices_while_the_list_shows() {
    const PAIRS: u64 = 3_000;
    let mut requests = Vec::new();
    let mut answers = Vec::new();
    for i in 0..PAIRS {
        let name = if i == PAIRS / 2 {
            "voice.pauseRecording"
        } else {
            "agent.getState"
        };
        requests.push(record(
            i,
            i as f64 * 10.0,
            json!({"request": name, "referenceId": i.to_string(),
            "userAgent": "WWE Client", "protocolVersion": 2}),
        ));
        answers.push(record(
            i,
            i as f64 * 10.0 + 3.0,
            json!({"referenceId": i.to_string(), "data": {},
            "userAgent": "WWE Server", "protocolVersion": 2}),
        ));
    }
    let root = mount(vec![
        batch("top", "http://127.0.0.1:1/workspace.html", requests, 0),
        batch("app", "http://localhost:1/app.html", answers, 0),
    ]);
    let analysed = |root: &web_sys::Element| {
        root.query_selector(".app")
            .unwrap()
            .unwrap()
            .get_attribute("data-analysed")
            .unwrap()
    };
    settle().await;
    // The list is there before the analysis is.
    assert!(!rows(&root).is_empty());
    assert_eq!(analysed(&root), "0");
    let mut saw_progress = false;
    for _ in 0..1000 {
        if analysed(&root) == (2 * PAIRS).to_string() {
            break;
        }
        saw_progress |= root
            .query_selector("[data-testid=analysing]")
            .unwrap()
            .is_some();
        settle().await;
    }
    assert_eq!(analysed(&root), (2 * PAIRS).to_string());
    assert!(saw_progress, "no \"analysing… N%\" shown");
    settle().await;
    assert!(root
        .query_selector("[data-testid=analysing]")
        .unwrap()
        .is_none());
    let findings = root
        .query_selector("[data-testid=findings-toggle]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(findings, "Findings (1)", "the misspelled request");
    let status = rows(&root)[0]
        .query_selector(".cell.status")
        .unwrap()
        .map(|cell| cell.text_content().unwrap());
    assert_eq!(status.as_deref().map(str::trim), Some("answered 3 ms"));
}

#[wasm_bindgen_test]
async fn captured_text_in_a_row_stays_text_and_a_click_in_any_cell_selects_the_row() {
    // Rows are written as HTML text: what a page posted must never become markup.
    let hostile = r#"<img src=x onerror="window.rowInjected=1">'&"#;
    let root = mount(vec![batch(
        "app",
        r#"http://localhost:1/app.html?q="><b>x</b>"#,
        vec![
            record(
                0,
                1.0,
                json!({"request": hostile, "referenceId": "<i>1</i>", "userAgent": "WWE Client",
                    "protocolVersion": 2}),
            ),
            record(
                1,
                2.0,
                json!({"event": "agent", "data": {"eventType": "STATE_CHANGED"},
                    "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
        ],
        0,
    )]);
    settle().await;
    let rows = rows(&root);
    assert_eq!(rows.len(), 2);
    assert!(root
        .query_selector(".rows img, .rows b, .rows i")
        .unwrap()
        .is_none());
    assert_eq!(rows[0].get_attribute("data-name").unwrap(), hostile);
    assert_eq!(
        rows[0].get_attribute("data-reference-id").unwrap(),
        "<i>1</i>"
    );
    assert_eq!(
        rows[0].get_attribute("data-frame-url").unwrap(),
        r#"http://localhost:1/app.html?q="><b>x</b>"#
    );
    let name = rows[0].query_selector(".cell.name").unwrap().unwrap();
    assert_eq!(name.text_content().unwrap(), hostile);
    assert_eq!(name.get_attribute("title").unwrap(), hostile);
    // A click lands on a cell, not on the row itself: the list finds the row.
    let cell: web_sys::HtmlElement = root
        .query_selector("[data-testid=record-row][data-seq=\"1\"] .cell.summary")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    cell.click();
    settle().await;
    let selected = selected_row(&root);
    assert_eq!(selected.get_attribute("data-seq").unwrap(), "1");
    assert_eq!(selected.class_name(), "row kind-event selected");
    // A click beside the rows (the list's empty space) selects nothing else.
    let rows_area: web_sys::HtmlElement = root
        .query_selector(".rows")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    rows_area.click();
    settle().await;
    let selected = selected_row(&root);
    assert_eq!(selected.get_attribute("data-seq").unwrap(), "1");
    assert!(
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"rowInjected".into())
            .unwrap()
            .is_undefined()
    );
}
