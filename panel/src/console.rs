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
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// An app frame the console can send as.
#[derive(Clone, Debug, PartialEq)]
pub struct AppFrame {
    pub key: String,
    pub url: String,
    pub origin: String,
    pub target: Target,
    pub identity: Identity,
    /// For a frame that never captured a message: where it sits (its content script matches it).
    pub place: Option<Place>,
}

/// Where an app frame that never captured a message sits (a refused app hears nothing, so it
/// sent the panel nothing): the frame at `depth`, index `index` in its parent, with `origin` —
/// the place the pairing gives a sender it cannot name otherwise. Its content script matches it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub depth: u32,
    pub index: u32,
    pub origin: String,
}

/// The key the console names an app by: its frame key, or for a frame known by its place only,
/// the place.
pub fn app_key(store: &Store, client: &Client) -> Option<String> {
    match client {
        Client::Frame { frame } => Some(frame.to_string()),
        Client::Unresolved { .. } => place_of(store, client).map(|place| place_key(&place)),
    }
}

fn place_key(place: &Place) -> String {
    format!(
        "{} (frame {} at depth {})",
        place.origin, place.index, place.depth
    )
}

/// The place of a sender heard as a child of a captured Workspace frame.
fn place_of(store: &Store, client: &Client) -> Option<Place> {
    let Client::Unresolved {
        receiver,
        origin,
        source: SourceRelation::Child,
        child_index: Some(index),
    } = client
    else {
        return None;
    };
    let receiver = store.frame(store.frame_position(receiver)?);
    Some(Place {
        depth: receiver.info.placement.depth + 1,
        index: *index,
        origin: origin.clone(),
    })
}

/// An app being gathered from the records: where its first record is, its target, the records
/// its envelope is learned from.
struct Gathered {
    first: usize,
    target: Option<Target>,
    learn_from: Vec<usize>,
    /// The last request it sent, and how Workspace's frame (an index) heard it.
    request: Option<(usize, SourceRelation, u32)>,
}

impl Gathered {
    fn new(first: usize) -> Gathered {
        Gathered {
            first,
            target: None,
            learn_from: Vec::new(),
            request: None,
        }
    }
}

/// The app frames of the capture that are still there, in the order of their first record.
pub fn app_frames(store: &Store, analysis: &Analysis) -> Vec<AppFrame> {
    let mut frames: HashMap<String, Gathered> = HashMap::new();
    let mut places: HashMap<String, (Place, Gathered)> = HashMap::new();
    for (position, entry) in store.entries().iter().enumerate() {
        let kind = entry.kind();
        if kind.is_from_workspace() {
            let target = Target::of(entry.source(), entry.facts.child_index, &entry.facts.origin);
            let is_frame_id = kind == scapi::facts::Kind::FrameId;
            if target.is_none() && !is_frame_id {
                continue;
            }
            let key = &store.frame(entry.frame).info.key;
            let app = frames
                .entry(key.to_string())
                .or_insert_with(|| Gathered::new(position));
            if target.is_some() {
                app.target = target;
            }
            if is_frame_id {
                app.learn_from.push(position);
            }
        } else if kind.is_call() {
            let Some(client) = analysis
                .exchange((entry.frame, entry.seq()))
                .map(|exchange| &exchange.client)
            else {
                continue;
            };
            let heard = Some((position, entry.source(), entry.frame));
            match client {
                Client::Frame { frame } => {
                    frames
                        .entry(frame.to_string())
                        .or_insert_with(|| Gathered::new(position))
                        .request = heard;
                }
                Client::Unresolved { .. } => {
                    if let Some(place) = place_of(store, client) {
                        places
                            .entry(place_key(&place))
                            .or_insert_with(|| (place, Gathered::new(position)))
                            .1
                            .request = heard;
                    }
                }
            }
        }
    }
    let identity = |app: &Gathered| {
        let mut positions = app.learn_from.clone();
        positions.extend(app.request.map(|(position, _, _)| position));
        positions.sort_unstable();
        let mut identity = Identity::default();
        for position in positions {
            if let Ok(data) = serde_json::from_str(&store.entries()[position].raw) {
                identity.learn(&data);
            }
        }
        identity
    };
    // Without a message from Workspace, the target is where Workspace's frame heard it from.
    let heard_target = |app: &Gathered, has_opener: bool| {
        let (_, source, receiver) = app.request?;
        let workspace = &store.frame(receiver).info;
        let relation = match source {
            // The app is a child of Workspace's frame: it posts to its parent.
            SourceRelation::Child => SourceRelation::Parent,
            // Workspace's frame is a child of the app (the reverse layout).
            SourceRelation::Parent => SourceRelation::Child,
            // A popup, in a window of its own.
            _ if has_opener => SourceRelation::Opener,
            _ => return None,
        };
        Target::of(
            relation,
            workspace.placement.index_in_parent,
            &workspace.origin,
        )
    };
    let mut apps: Vec<(usize, AppFrame)> = Vec::new();
    for (key, app) in &frames {
        let Some(index) = store.frame_position(key) else {
            continue;
        };
        let info = &store.frame(index).info;
        if info.ended.is_some() {
            continue;
        }
        let Some(target) = app
            .target
            .clone()
            .or_else(|| heard_target(app, info.placement.has_opener))
        else {
            continue;
        };
        apps.push((
            app.first,
            AppFrame {
                key: key.clone(),
                url: info.url.clone(),
                origin: info.origin.clone(),
                target,
                identity: identity(app),
                place: None,
            },
        ));
    }
    for (key, (place, app)) in &places {
        let Some(target) = heard_target(app, false) else {
            continue;
        };
        apps.push((
            app.first,
            AppFrame {
                key: key.clone(),
                url: place.origin.clone(),
                origin: place.origin.clone(),
                target,
                identity: identity(app),
                place: Some(place.clone()),
            },
        ));
    }
    apps.sort_by_key(|(first, _)| *first);
    apps.into_iter().map(|(_, app)| app).collect()
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
