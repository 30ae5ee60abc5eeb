//! Frames, subscriptions and events: the handshake, who receives what, the host page's controls,
//! and the leader election between two Workspace tabs.

mod support;

use scapi::events::decode_event;
use scapi::{decode, Message};
use scapi_emulator::handlers::{ANSWER_DELAY_MS, DOWN_DELAY_MS};
use scapi_emulator::tabs::ELECTION_MS;
use scapi_emulator::{Action, HostAction, SourceKind};
use serde_json::{json, Value};
use support::{event_name, Bed, APP_ORIGIN, EVERYTHING, T0};

fn assert_seed_shape(event: &Value) {
    let typed = decode_event(event["event"].as_str().unwrap(), &event["data"]);
    assert!(typed.known(), "unknown: {event}");
    assert!(
        typed.shape_problems.is_empty(),
        "{:?}: {event}",
        typed.shape_problems
    );
}

#[test]
fn frames_get_their_frame_id_on_load_and_popups_on_first_contact() {
    let mut bed = Bed::new(EVERYTHING);
    let handshake = bed.drain("app");
    assert_eq!(
        handshake,
        [json!({"frameId": 1, "userAgent": "WWE Server", "protocolVersion": 2})]
    );
    assert!(matches!(
        decode(&handshake[0]).message,
        Message::FrameId { .. }
    ));
    bed.embed("hidden", SourceKind::Hidden, APP_ORIGIN);
    assert_eq!(bed.drain("hidden")[0]["frameId"], 2);

    // A popup: the page cannot see it load, so its first message brings the frameId, then the
    // answer.
    bed.service.register("popup", SourceKind::Popup, APP_ORIGIN);
    let reference = bed.request("popup", "agent.getState", None);
    let received = bed.drain("popup");
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0]["frameId"], 3);
    assert_eq!(received[1]["referenceId"], json!(reference));
    // A window nobody registered is treated like a popup.
    bed.request("stranger", "agent.getState", None);
    assert_eq!(bed.drain("stranger")[0]["frameId"], 4);
}

#[test]
fn events_go_only_to_windows_subscribed_to_their_topic() {
    let mut bed = Bed::new(EVERYTHING);
    bed.embed("hidden", SourceKind::Hidden, APP_ORIGIN);
    let answer = bed.subscribe("app", &["agent"]);
    assert_eq!(answer["subscriptionId"], "subscription-1");
    bed.subscribe("hidden", &["interaction"]);
    bed.drain("app");
    bed.drain("hidden");
    bed.request("app", "agent.setState", Some(json!(["NotReadyBreak"])));
    let app_events = bed.events("app");
    assert_eq!(app_events.len(), 1);
    assert_eq!(
        app_events[0]["data"],
        json!({"eventType": "STATE_CHANGED", "mediaState": "NOT_READY_ACTION_CODE", "reason": "Break", "reasonCode": "1511"})
    );
    assert!(bed.events("hidden").is_empty());

    // Subscribing twice to a topic: answered with a new id, the events still come once.
    let again = bed.subscribe("app", &["agent", "system"]);
    assert_eq!(again["subscriptionId"], "subscription-3");
    bed.drain("app");
    bed.take_host(HostAction::AgentReady);
    assert_eq!(bed.events("app").len(), 1);
    let log: Vec<String> = bed.service.log().map(|l| l.text.clone()).collect();
    assert!(
        log.iter()
            .any(|l| l.contains("already subscribed to agent")),
        "{log:#?}"
    );

    // Unsubscribing both ends the agent events; the unsubscribe is answered.
    for id in ["subscription-1", "subscription-3"] {
        let reference = bed.post(
            "app",
            APP_ORIGIN,
            json!({"event": "unsubscribe", "data": id}),
        );
        assert!(bed
            .answer("app", &reference)
            .unwrap()
            .get("errorMessage")
            .is_none());
    }
    bed.drain("app");
    bed.take_host(HostAction::AgentNotReady);
    assert!(bed.events("app").is_empty());
    let reference = bed.post(
        "app",
        APP_ORIGIN,
        json!({"event": "unsubscribe", "data": "subscription-9"}),
    );
    assert!(bed.answer("app", &reference).unwrap()["errorMessage"]
        .as_str()
        .unwrap()
        .contains("subscription-9"));
}

#[test]
fn messenger_broadcasts_reach_the_other_subscribed_frames() {
    let mut bed = Bed::new(EVERYTHING);
    bed.embed("hidden", SourceKind::Hidden, APP_ORIGIN);
    bed.embed("dialog", SourceKind::Dialog, APP_ORIGIN);
    for key in ["app", "hidden"] {
        bed.subscribe(key, &["messenger:demo"]);
    }
    bed.subscribe("dialog", &["messenger:other"]);
    bed.request(
        "app",
        "messenger.broadcastMessage",
        Some(json!(["demo", {"text": "hi"}])),
    );
    assert_eq!(
        bed.events("hidden"),
        [
            json!({"event": "messenger:demo", "data": {"text": "hi"}, "userAgent": "WWE Server", "protocolVersion": 2})
        ]
    );
    assert!(bed.events("app").is_empty());
    assert!(bed.events("dialog").is_empty());
}

#[test]
fn host_controls_send_the_seeds_events() {
    let mut bed = Bed::new(EVERYTHING);
    bed.subscribe("app", &["agent", "interaction", "system", "outbound"]);
    bed.drain("app");
    for action in HostAction::ALL {
        bed.take_host(action);
    }
    bed.advance(DOWN_DELAY_MS);
    let events = bed.events("app");
    for event in &events {
        assert_seed_shape(event);
    }
    let names: Vec<String> = events.iter().map(event_name).collect();
    for name in [
        "interaction:RINGING",
        "interaction:INVITED",
        "agent:STATE_CHANGED",
        "interaction:ATTACHED_DATA_CHANGED",
        "interaction:CASE_ID_CHANGED",
        "outbound:CampaignLoaded",
        "outbound:CampaignStarted",
        "outbound:CampaignStopped",
        "outbound:CampaignUnloaded",
        "system:REALTIME_CONNECTION",
    ] {
        assert!(names.iter().any(|n| n == name), "no {name} in {names:?}");
    }
    let case_change = events
        .iter()
        .find(|e| e["data"]["eventType"] == "CASE_ID_CHANGED")
        .unwrap();
    assert_eq!(
        case_change["data"]["previousCaseId"],
        "4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b"
    );
    let started = events
        .iter()
        .find(|e| e["data"]["eventType"] == "CampaignStarted")
        .unwrap();
    assert_eq!(started["data"]["campaign"], "Offer of the Month");
    assert!(started["data"]["mode"].is_string());
    // The connection: lost, restored at once (host order), then no DOWN since it came back.
    let states: Vec<&Value> = events
        .iter()
        .filter(|e| e["data"]["eventType"] == "REALTIME_CONNECTION")
        .map(|e| &e["data"]["state"])
        .collect();
    assert_eq!(states, [&json!("DISCONNECTED"), &json!("RECONNECTED")]);

    // Lost and not restored: DOWN after the delay.
    bed.drain("app");
    bed.take_host(HostAction::ConnectionLost);
    bed.advance(DOWN_DELAY_MS - 1.0);
    bed.advance(1.0);
    let states: Vec<Value> = bed
        .events("app")
        .iter()
        .map(|e| e["data"]["state"].clone())
        .collect();
    assert_eq!(states, [json!("DISCONNECTED"), json!("DOWN")]);
}

#[test]
fn a_dialed_call_is_established_when_the_other_side_answers() {
    let mut bed = Bed::new(EVERYTHING);
    bed.subscribe("app", &["interaction"]);
    bed.drain("app");
    bed.request("app", "voice.dial", Some(json!(["5001", null])));
    let names: Vec<String> = bed.events("app").iter().map(event_name).collect();
    assert_eq!(names, ["interaction:ADDED", "interaction:DIALING"]);
    let dialing = &bed.events("app")[1]["data"]["interaction"];
    // The seed's dial to 5001.
    assert_eq!(dialing["callType"], "Internal");
    assert_eq!(dialing["direction"], "OUT");
    assert_eq!(dialing["dnis"], "5001");
    bed.advance(ANSWER_DELAY_MS);
    let established = bed.events("app").last().unwrap().clone();
    assert_eq!(event_name(&established), "interaction:ESTABLISHED");
    assert_eq!(established["data"]["interaction"]["state"], "TALKING");
    assert_eq!(
        established["data"]["interaction"]["previousState"],
        "DIALING"
    );
}

#[test]
fn a_toast_button_click_comes_back_as_a_system_event() {
    let mut bed = Bed::new(EVERYTHING);
    bed.subscribe("app", &["system"]);
    let reference = bed.request(
        "app",
        "system.popupToast",
        Some(json!([{"title": "Callback", "buttons": ["Open", "Later"]}])),
    );
    let toast_id = bed.answer("app", &reference).unwrap()["data"]
        .as_str()
        .unwrap()
        .to_owned();
    bed.drain("app");
    let actions = bed.service.toast_button_clicked(&toast_id, 1, bed.now);
    bed.take(actions);
    let events = bed.events("app");
    assert_eq!(
        events[0]["data"],
        json!({"eventType": "CUSTOM_TOAST_BUTTON_CLICK", "customToastId": "wweCustomToast0", "buttonIndex": 1})
    );
    assert_seed_shape(&events[0]);
    assert!(bed.service.world().toasts.is_empty());
}

#[test]
fn dialogs_open_and_close_on_the_host_page() {
    let mut bed = Bed::new(EVERYTHING);
    let reference = bed.request(
        "app",
        "system.openDialog",
        Some(json!(["http://localhost:8917/client/app.html?role=dialog", {"label": "Survey", "width": 480, "height": "40%"}])),
    );
    let dialog_id = bed.answer("app", &reference).unwrap()["data"].clone();
    assert!(bed.actions.contains(&Action::OpenDialog {
        dialog_id: "wweCustomDialog1".to_owned(),
        url: "http://localhost:8917/client/app.html?role=dialog".to_owned(),
        label: "Survey".to_owned(),
        width: json!(480),
        height: json!("40%"),
    }));
    bed.request("app", "system.closeDialog", Some(json!([dialog_id])));
    assert!(bed.actions.contains(&Action::CloseDialog {
        dialog_id: "wweCustomDialog1".to_owned()
    }));
}

/// Two tabs of one browser: every broadcast of one reaches the other.
struct TwoTabs {
    tabs: Vec<Bed>,
}

impl TwoTabs {
    fn relay(&mut self) {
        loop {
            let mut moved = false;
            for from in 0..self.tabs.len() {
                let messages: Vec<Value> = std::mem::take(&mut self.tabs[from].broadcasts);
                for message in messages {
                    moved = true;
                    for to in 0..self.tabs.len() {
                        if to != from {
                            let now = self.tabs[to].now;
                            let actions = self.tabs[to].service.tab_message(&message, now);
                            self.tabs[to].take(actions);
                        }
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }

    fn advance(&mut self, ms: f64) {
        for tab in &mut self.tabs {
            tab.advance(ms);
        }
        self.relay();
    }

    fn ask(&mut self, tab: usize, request: &str) -> Value {
        let reference = self.tabs[tab].request("app", request, None);
        self.tabs[tab].answer("app", &reference).unwrap()["data"].clone()
    }

    fn frame_states(&self, tab: usize) -> Vec<String> {
        self.tabs[tab]
            .events("app")
            .iter()
            .filter_map(|e| e["data"]["frameState"].as_str().map(str::to_owned))
            .collect()
    }
}

#[test]
fn two_tabs_elect_a_leader_and_the_follower_takes_over() {
    let mut first = Bed::with_tab(EVERYTHING, "tab-a", T0);
    first.subscribe("app", &["system"]);
    let mut tabs = TwoTabs { tabs: vec![first] };
    tabs.advance(ELECTION_MS);
    assert_eq!(tabs.frame_states(0), ["LEADING"]);
    assert_eq!(tabs.ask(0, "system.isFrameLeading"), true);

    let mut second = Bed::with_tab(EVERYTHING, "tab-b", T0 + ELECTION_MS);
    second.subscribe("app", &["system"]);
    tabs.tabs.push(second);
    tabs.relay();
    assert_eq!(tabs.ask(1, "system.isFrameNegotiating"), true);
    assert_eq!(tabs.ask(1, "system.isFrameLeadingOrNegotiating"), true);
    tabs.advance(ELECTION_MS);
    assert_eq!(tabs.frame_states(1), ["FOLLOWING"]);
    assert_eq!(tabs.ask(1, "system.isFrameFollowing"), true);
    assert_eq!(tabs.ask(1, "system.isFrameLeading"), false);
    assert_eq!(tabs.ask(1, "system.isLastActiveFrame"), true);
    assert_eq!(tabs.ask(0, "system.isLastActiveFrame"), false);
    assert_eq!(tabs.ask(0, "system.isFrameLeading"), true);

    // The leader closes: the follower negotiates, then leads.
    let now = tabs.tabs[0].now;
    let bye = tabs.tabs[0].service.tab_closing(now);
    tabs.tabs[0].take(bye);
    tabs.relay();
    tabs.tabs.remove(0);
    tabs.advance(ELECTION_MS);
    assert_eq!(
        tabs.frame_states(0),
        ["FOLLOWING", "NEGOTIATING", "LEADING"]
    );
    for event in tabs.tabs[0].events("app") {
        assert_seed_shape(&event);
    }
}

impl Bed {
    fn take_host(&mut self, action: HostAction) {
        let actions = self.service.host_action(action, self.now);
        self.take(actions);
    }
}
