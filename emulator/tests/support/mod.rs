//! A test bed: a service with client windows that post requests and read what comes back.

#![allow(dead_code)]

use scapi_emulator::{Action, Service, SourceKind};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The start of a minute, so rate windows in tests start with the test.
pub const T0: f64 = 1_700_000_040_000.0;
pub const APP_ORIGIN: &str = "http://localhost:8917";
pub const REFUSED_ORIGIN: &str = "http://127.0.0.1:8918";

/// The demo options, as the emulator ships them.
pub fn demo_options() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo-options.ini"))
        .expect("emulator/demo-options.ini")
}

/// Options that let the app call everything, the JWT included, and read every key.
pub const EVERYTHING: &str =
    "service-client-api.accepted-web-content-origins=http://localhost:8917 (*, auth.getJwtToken)\n";

pub struct Bed {
    pub service: Service,
    pub now: f64,
    next_reference: HashMap<String, u64>,
    /// Every message posted to each window, in order.
    pub inbox: HashMap<String, Vec<Value>>,
    /// Every broadcast for the other tabs.
    pub broadcasts: Vec<Value>,
    pub actions: Vec<Action>,
}

impl Bed {
    /// A Workspace tab with the app iframe `app` loaded (it got its frameId).
    pub fn new(options: &str) -> Bed {
        Bed::with_tab(options, "tab-a", T0)
    }

    pub fn with_tab(options: &str, tab: &str, now: f64) -> Bed {
        let service = Service::new(options, tab, now).expect("the options read");
        let mut bed = Bed {
            service,
            now,
            next_reference: HashMap::new(),
            inbox: HashMap::new(),
            broadcasts: Vec::new(),
            actions: Vec::new(),
        };
        let start = bed.service.start(now);
        bed.take(start);
        bed.embed("app", SourceKind::Iframe, APP_ORIGIN);
        bed
    }

    pub fn embed(&mut self, key: &str, kind: SourceKind, origin: &str) {
        self.service.register(key, kind, origin);
        let actions = self.service.attach(key, self.now);
        self.take(actions);
    }

    pub fn take(&mut self, actions: Vec<Action>) {
        for action in &actions {
            match action {
                Action::Post {
                    to,
                    target_origin,
                    message,
                } => {
                    // The service posts to the origin the window has (or `*`).
                    if let Some(source) = self.service.source(to) {
                        assert!(
                            target_origin == &source.origin || target_origin == "*",
                            "{target_origin} for {to}"
                        );
                    }
                    self.inbox
                        .entry(to.clone())
                        .or_default()
                        .push(message.clone());
                }
                Action::Broadcast { message } => self.broadcasts.push(message.clone()),
                _ => {}
            }
        }
        self.actions.extend(actions);
    }

    /// What `key` has received so far, and forgets it.
    pub fn drain(&mut self, key: &str) -> Vec<Value> {
        self.inbox.remove(key).unwrap_or_default()
    }

    fn reference(&mut self, key: &str) -> String {
        let next = self.next_reference.entry(key.to_owned()).or_insert(0);
        let id = next.to_string();
        *next += 1;
        id
    }

    /// Posts a message from `key` as the client library builds it.
    pub fn post(&mut self, key: &str, origin: &str, mut message: Value) -> String {
        let reference = self.reference(key);
        message["referenceId"] = json!(reference);
        message["userAgent"] = json!("WWE Client");
        message["protocolVersion"] = json!(2);
        if let Some(frame_id) = self.service.source(key).and_then(|s| s.frame_id) {
            message["frameId"] = json!(frame_id);
        }
        let actions = self.service.receive(key, origin, &message, self.now);
        self.take(actions);
        reference
    }

    pub fn request(&mut self, key: &str, request: &str, parameters: Option<Value>) -> String {
        let mut message = json!({"request": request});
        if let Some(parameters) = parameters {
            message["parameters"] = parameters;
        }
        self.post(key, APP_ORIGIN, message)
    }

    pub fn subscribe(&mut self, key: &str, topics: &[&str]) -> Value {
        let reference = self.post(
            key,
            APP_ORIGIN,
            json!({"event": "subscribe", "data": topics}),
        );
        self.answer(key, &reference).expect("a subscribe answer")
    }

    /// The answer `key` received to `reference`, if any.
    pub fn answer(&self, key: &str, reference: &str) -> Option<Value> {
        self.inbox.get(key).and_then(|messages| {
            messages
                .iter()
                .find(|m| m.get("event").is_none() && m["referenceId"] == json!(reference))
                .cloned()
        })
    }

    /// The events `key` received (without taking them).
    pub fn events(&self, key: &str) -> Vec<Value> {
        self.inbox
            .get(key)
            .map(|messages| {
                messages
                    .iter()
                    .filter(|m| m.get("event").is_some())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Lets time pass and runs the timers.
    pub fn advance(&mut self, ms: f64) {
        self.now += ms;
        let actions = self.service.tick(self.now);
        self.take(actions);
    }
}

/// `name` of an event message: `topic:eventType`, or `topic frameState` for the election event.
pub fn event_name(message: &Value) -> String {
    let topic = message["event"].as_str().unwrap_or_default();
    match message["data"].get("eventType").and_then(Value::as_str) {
        Some(event_type) => format!("{topic}:{event_type}"),
        None if message["data"].get("frameState").is_some() => format!("{topic}:frameState"),
        None => topic.to_owned(),
    }
}
