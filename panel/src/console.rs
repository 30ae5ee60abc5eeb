//! The request console's state and what it reads off the capture (pure; the view is
//! `view/console.rs`, the checks and the envelope are the core crate's `scapi::console`).
//!
//! The apps the console can act as are the frames that received Workspace's answers, events or a
//! frameId — the window those came from is the one the app talks to (its parent, its opener for a
//! popup, a child in the reverse layout) — and the frames whose requests Workspace received but
//! never answered (a refused origin): their target is where Workspace's frame saw them come from.
//! The app's envelope (userAgent, protocolVersion, frameId) is learned from its last request and
//! frameId assignment.

use crate::analysis::Analysis;
use crate::store::Store;
use scapi::console::{Draft, Identity, Sent, Target};
use scapi::correlate::{Client, Exchange};
use scapi::SourceRelation;
use std::collections::{HashMap, HashSet};

/// An app frame the console can send as.
#[derive(Clone, Debug, PartialEq)]
pub struct AppFrame {
    pub key: String,
    pub url: String,
    pub origin: String,
    pub target: Target,
    pub identity: Identity,
}

/// The app frames of the capture that are still there, in the order of their first record.
pub fn app_frames(store: &Store, analysis: &Analysis) -> Vec<AppFrame> {
    // Per frame index: the last Workspace → app record (its target), the last frameId
    // assignment, and the last request it sent (found through the pairing), by entry position.
    let mut order: Vec<u32> = Vec::new();
    let mut target: HashMap<u32, Target> = HashMap::new();
    let mut learn_from: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut last_request: HashMap<String, usize> = HashMap::new();
    // For an app Workspace never answered (a refused origin): the target as Workspace's frame
    // saw its requests come.
    let mut heard_by: HashMap<String, (SourceRelation, u32)> = HashMap::new();
    for (position, entry) in store.entries().iter().enumerate() {
        let kind = entry.kind();
        if kind.is_from_workspace() {
            if let Some(found) =
                Target::of(entry.source(), entry.facts.child_index, &entry.facts.origin)
            {
                if !target.contains_key(&entry.frame) {
                    order.push(entry.frame);
                }
                target.insert(entry.frame, found);
            }
            if kind == scapi::facts::Kind::FrameId {
                learn_from.entry(entry.frame).or_default().push(position);
            }
        } else if kind.is_call() {
            if let Some(Client::Frame { frame }) = analysis
                .exchange((entry.frame, entry.seq()))
                .map(|exchange| &exchange.client)
            {
                last_request.insert(frame.clone(), position);
                heard_by.insert(frame.clone(), (entry.source(), entry.frame));
            }
        }
    }
    for (key, (source, receiver)) in heard_by {
        let Some(index) = store.frame_position(&key) else {
            continue;
        };
        if target.contains_key(&index) {
            continue;
        }
        let app = &store.frame(index).info;
        let workspace = &store.frame(receiver).info;
        let relation = match source {
            // The app is a child of Workspace's frame: it posts to its parent.
            SourceRelation::Child => SourceRelation::Parent,
            // Workspace's frame is a child of the app (the reverse layout).
            SourceRelation::Parent => SourceRelation::Child,
            // A popup, in a window of its own.
            _ if app.placement.has_opener => SourceRelation::Opener,
            _ => continue,
        };
        let child_index = workspace.placement.index_in_parent;
        if let Some(found) = Target::of(relation, child_index, &workspace.origin) {
            order.push(index);
            target.insert(index, found);
        }
    }
    order.sort_unstable_by_key(|&index| {
        store
            .entries()
            .iter()
            .position(|entry| entry.frame == index)
    });
    order
        .into_iter()
        .filter_map(|index| {
            let frame = store.frame(index);
            if frame.info.ended.is_some() {
                return None;
            }
            let mut positions = learn_from.remove(&index).unwrap_or_default();
            positions.extend(last_request.get(&frame.info.key));
            positions.sort_unstable();
            let mut identity = Identity::default();
            for position in positions {
                if let Ok(data) = serde_json::from_str(&store.entries()[position].raw) {
                    identity.learn(&data);
                }
            }
            Some(AppFrame {
                key: frame.info.key.clone(),
                url: frame.info.url.clone(),
                origin: frame.info.origin.clone(),
                target: target.remove(&index)?,
                identity,
            })
        })
        .collect()
}

/// The exchange of a console request (its referenceId is unique to the console).
pub fn exchange_of<'a>(analysis: &'a Analysis, reference_id: &str) -> Option<&'a Exchange> {
    analysis
        .correlation
        .exchanges
        .iter()
        .rev()
        .find(|exchange| exchange.reference_id == reference_id)
}

/// A request the console sent in this session.
#[derive(Clone, Debug, PartialEq)]
pub struct SentNow {
    pub reference_id: String,
    pub app: String,
    pub name: String,
}

/// What the console holds while the panel is open.
#[derive(Debug)]
pub struct ConsoleState {
    pub draft: Draft,
    /// The app frame (key) chosen.
    pub app: Option<String>,
    /// Request names the user confirmed sending in this session.
    pub confirmed: HashSet<String>,
    /// A state-changing request waits for the user's confirmation.
    pub confirming: bool,
    /// The next referenceId's counter: it starts at the panel's start time (ms), so a reloaded
    /// panel or a second one does not give an id the Workspace page saw already.
    pub next_reference: u64,
    pub sent: Vec<SentNow>,
    /// Why the last send failed.
    pub error: Option<String>,
    /// The site's history (newest first), once loaded, and the site it is for.
    pub history: Vec<Sent>,
    pub history_site: Option<String>,
}

impl ConsoleState {
    pub fn new(start: u64) -> ConsoleState {
        ConsoleState {
            draft: Draft::Request {
                name: String::new(),
                parameters: String::new(),
            },
            app: None,
            confirmed: HashSet::new(),
            confirming: false,
            next_reference: start,
            sent: Vec::new(),
            error: None,
            history: Vec::new(),
            history_site: None,
        }
    }

    /// The chosen app among those there now (the first when none was chosen); `None` when the
    /// chosen one went away: a request is never sent as another app than the one chosen.
    pub fn chosen<'a>(&self, apps: &'a [AppFrame]) -> Option<&'a AppFrame> {
        match &self.app {
            Some(key) => apps.iter().find(|app| &app.key == key),
            None => apps.first(),
        }
    }
}

/// The key the history of a site is kept under in `storage.local`.
pub fn history_key(site: &str) -> String {
    format!("console:{site}")
}

#[cfg(test)]
mod tests;
