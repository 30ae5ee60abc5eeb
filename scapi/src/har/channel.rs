//! Channels: the HAR export puts the traffic between one Workspace frame and one app frame in one
//! entry, as Chrome DevTools puts one WebSocket connection in one entry.
//!
//! A record is captured where it was delivered: a request in Workspace's frame, its answer in the
//! app's frame. Both belong to the same channel, found the way [`crate::correlate`] finds a
//! request's client: by the `frameId` Workspace assigned, else by where the sender sits relative
//! to the receiver (child k, parent, opener) and its origin. A frame whose place among its
//! siblings is unknown (a raw capture names none) matches any child index. A sender that cannot
//! be told apart stays named by its origin. Traffic that is not SCAPI (foreign, legacy, malformed)
//! goes on the channel of the two windows that exchanged it, oriented by their places: the parent
//! or opener is taken as the Workspace side, as it is in the usual layout. Nothing is dropped.

use crate::message::{Direction, Message};
use crate::record::{FrameInfo, Record};
use crate::SourceRelation;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// One side of a channel, as the resolver names it: a captured frame (its index), or a sender
/// that could not be resolved to one (its origin).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Frame(usize),
    Origin(String),
}

/// The two sides of a channel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChannelKey {
    pub workspace: Endpoint,
    pub app: Endpoint,
}

/// Which way a message went on its channel, in Chrome DevTools' WebSocket terms: `send` is app →
/// Workspace (requests, subscribe, unsubscribe), `receive` is Workspace → app (responses, events,
/// frameId assignments).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MessageType {
    Send,
    Receive,
}

/// One side of a channel as the export writes it under `_scapiChannel`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub enum ChannelEnd {
    /// A captured frame.
    Frame(FrameInfo),
    /// A sender no captured frame matches: its origin.
    Unresolved { origin: String },
}

impl ChannelEnd {
    /// The URL the entry's `request.url` shows for this side: the frame's URL, or a `scapi://`
    /// URL naming what is known when there is none (the frame's key, the sender's origin).
    pub fn url(&self) -> String {
        match self {
            ChannelEnd::Frame(frame) if !frame.url.is_empty() => frame.url.clone(),
            ChannelEnd::Frame(frame) => format!("scapi://frame/{}", percent_encode(&frame.key)),
            ChannelEnd::Unresolved { origin } => {
                format!("scapi://unresolved/{}", percent_encode(origin))
            }
        }
    }
}

/// `_scapiChannel`: both sides of an entry's channel.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub workspace: ChannelEnd,
    pub app: ChannelEnd,
}

/// The frameId Workspace assigned to each frame (by frame key), from the `frame-id` records: what
/// identifies an app in its later requests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameIds(HashMap<String, Value>);

impl FrameIds {
    /// Notes the frameId a record assigns to the frame that received it (the last one wins, as in
    /// [`crate::correlate::correlate`]).
    pub fn observe(&mut self, frame_key: &str, record: &Record) {
        if let Message::FrameId { frame_id } = &record.decoded.message {
            self.0.insert(frame_key.to_owned(), frame_id.clone());
        }
    }

    pub fn of(&self, frame_key: &str) -> Option<&Value> {
        self.0.get(frame_key)
    }
}

/// Finds the channel of each record of a capture whose frames are all known.
pub struct ChannelResolver<'a> {
    frames: &'a [FrameInfo],
    frame_ids: FrameIds,
}

impl<'a> ChannelResolver<'a> {
    pub fn new(frames: &'a [FrameInfo], frame_ids: FrameIds) -> ChannelResolver<'a> {
        ChannelResolver { frames, frame_ids }
    }

    /// The channel a record received by `frames[receiver]` travelled on, and which way.
    pub fn resolve(&self, receiver: usize, record: &Record) -> (ChannelKey, MessageType) {
        let here = Endpoint::Frame(receiver);
        let sender = self.sender(receiver, record);
        match record.decoded.message.direction() {
            Direction::ToWorkspace => (
                ChannelKey {
                    workspace: here,
                    app: sender,
                },
                MessageType::Send,
            ),
            Direction::ToApp => (
                ChannelKey {
                    workspace: sender,
                    app: here,
                },
                MessageType::Receive,
            ),
            // Not SCAPI: the parent (or opener) plays Workspace, as in the usual layout.
            Direction::Unknown => match record.source {
                SourceRelation::Parent | SourceRelation::Opener => (
                    ChannelKey {
                        workspace: sender,
                        app: here,
                    },
                    MessageType::Receive,
                ),
                _ => (
                    ChannelKey {
                        workspace: here,
                        app: sender,
                    },
                    MessageType::Send,
                ),
            },
        }
    }

    /// The window that posted a record: a captured frame when exactly one fits, else its origin.
    fn sender(&self, receiver: usize, record: &Record) -> Endpoint {
        let Some(receiver_frame) = self.frames.get(receiver) else {
            return Endpoint::Origin(record.origin.clone());
        };
        let same_origin = |frame: &FrameInfo| frame.origin == record.origin;
        // The frameId Workspace assigned is the protocol's own identity of an app; only requests
        // carry it (a frameId assignment carries the receiver's own id).
        if record.decoded.message.direction() == Direction::ToWorkspace {
            if let Some(frame_id) = &record.decoded.envelope.frame_id {
                let found = self.unique(|frame| {
                    same_origin(frame) && self.frame_ids.of(&frame.key) == Some(frame_id)
                });
                if let Some(index) = found {
                    return Endpoint::Frame(index);
                }
            }
        }
        let depth = receiver_frame.placement.depth;
        let found = match record.source {
            SourceRelation::SelfWindow => Some(receiver),
            SourceRelation::Child => {
                let child =
                    |frame: &FrameInfo| same_origin(frame) && frame.placement.depth == depth + 1;
                self.unique(|frame| {
                    child(frame) && frame.placement.index_in_parent == record.child_index
                })
                .or_else(|| {
                    self.unique(|frame| child(frame) && frame.placement.index_in_parent.is_none())
                })
            }
            SourceRelation::Parent if depth > 0 => {
                self.unique(|frame| same_origin(frame) && frame.placement.depth == depth - 1)
            }
            SourceRelation::Opener => self.unique(|frame| {
                same_origin(frame) && frame.key != receiver_frame.key && frame.is_top
            }),
            _ => None,
        };
        match found {
            Some(index) => Endpoint::Frame(index),
            None => Endpoint::Origin(record.origin.clone()),
        }
    }

    /// The index of the only frame that fits, if exactly one does.
    fn unique(&self, fits: impl Fn(&FrameInfo) -> bool) -> Option<usize> {
        let mut matches = self
            .frames
            .iter()
            .enumerate()
            .filter(|(_, frame)| fits(frame));
        let (first, _) = matches.next()?;
        matches.next().is_none().then_some(first)
    }
}

/// How the export names one side of a channel, `frames` being the capture's (possibly sanitized)
/// frames.
pub fn channel_end(endpoint: &Endpoint, frames: &[FrameInfo]) -> ChannelEnd {
    match endpoint {
        Endpoint::Frame(index) => match frames.get(*index) {
            Some(frame) => ChannelEnd::Frame(frame.clone()),
            // Only a record naming a frame the capture lacks gets here.
            None => ChannelEnd::Unresolved {
                origin: String::new(),
            },
        },
        Endpoint::Origin(origin) => ChannelEnd::Unresolved {
            origin: origin.clone(),
        },
    }
}

/// `_scapiChannel` of the channel `key`.
pub fn channel_of(key: &ChannelKey, frames: &[FrameInfo]) -> Channel {
    Channel {
        workspace: channel_end(&key.workspace, frames),
        app: channel_end(&key.app, frames),
    }
}

/// Percent-encodes everything but unreserved URL characters, so any origin or key makes a valid
/// URL path segment.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_capture::{frame, frames, Capture, APP, WWE};
    use serde_json::json;

    fn resolve_all(frames: &[FrameInfo], capture: &Capture) -> Vec<(ChannelKey, MessageType)> {
        let mut frame_ids = FrameIds::default();
        for (index, record) in &capture.records {
            frame_ids.observe(&frames[*index].key, record);
        }
        let resolver = ChannelResolver::new(frames, frame_ids);
        capture
            .records
            .iter()
            .map(|(index, record)| resolver.resolve(*index, record))
            .collect()
    }

    fn key(workspace: Endpoint, app: Endpoint) -> ChannelKey {
        ChannelKey { workspace, app }
    }

    #[test]
    fn a_request_and_its_answer_share_the_channel_of_the_two_frames() {
        let mut capture = Capture::new();
        capture.request(0, 10.0, "agent.getState", "0");
        capture.answer(1, 12.0, "0", json!({"data": {}}));
        capture.request(1, 20.0, "agent.getState", "0");
        capture.answer(2, 21.0, "0", json!({"data": {}}));
        let resolved = resolve_all(&frames(), &capture);
        let cross = key(Endpoint::Frame(0), Endpoint::Frame(1));
        let same = key(Endpoint::Frame(0), Endpoint::Frame(2));
        assert_eq!(
            resolved,
            [
                (cross.clone(), MessageType::Send),
                (cross, MessageType::Receive),
                (same.clone(), MessageType::Send),
                (same, MessageType::Receive),
            ]
        );
    }

    #[test]
    fn the_assigned_frame_id_finds_the_app_when_its_place_is_unknown() {
        // Two apps of one origin whose places are unknown: only the frameId tells them apart.
        let frames = vec![
            frame("wwe", WWE, 0, None),
            frame("a", APP, 1, None),
            frame("b", APP, 1, None),
        ];
        let mut capture = Capture::new();
        capture.add(
            2,
            1.0,
            SourceRelation::Parent,
            None,
            WWE,
            json!({"frameId": 7, "userAgent": "WWE Server", "protocolVersion": 2}),
        );
        capture.add(
            0,
            2.0,
            SourceRelation::Child,
            Some(1),
            APP,
            json!({"request": "agent.get", "referenceId": "0", "frameId": 7,
                   "userAgent": "WWE Client", "protocolVersion": 2}),
        );
        capture.add(
            0,
            3.0,
            SourceRelation::Child,
            Some(0),
            APP,
            json!({"request": "agent.get", "referenceId": "0",
                   "userAgent": "WWE Client", "protocolVersion": 2}),
        );
        let resolved = resolve_all(&frames, &capture);
        assert_eq!(resolved[0].0, key(Endpoint::Frame(0), Endpoint::Frame(2)));
        assert_eq!(resolved[1].0, key(Endpoint::Frame(0), Endpoint::Frame(2)));
        assert_eq!(
            resolved[2].0,
            key(Endpoint::Frame(0), Endpoint::Origin(APP.to_owned()))
        );
    }

    #[test]
    fn an_unknown_place_matches_any_child_index_when_one_frame_fits() {
        let frames = vec![frame("wwe", WWE, 0, None), frame("app", APP, 1, None)];
        let mut capture = Capture::new();
        capture.request(0, 1.0, "agent.get", "0");
        let resolved = resolve_all(&frames, &capture);
        assert_eq!(resolved[0].0, key(Endpoint::Frame(0), Endpoint::Frame(1)));
    }

    #[test]
    fn foreign_traffic_gets_a_channel_oriented_by_place() {
        let mut capture = Capture::new();
        capture.add(
            1,
            1.0,
            SourceRelation::Parent,
            None,
            WWE,
            json!({"source": "widget", "hello": true}),
        );
        capture.add(
            0,
            2.0,
            SourceRelation::Other,
            None,
            "https://ads.example",
            json!("ping"),
        );
        let resolved = resolve_all(&frames(), &capture);
        assert_eq!(
            resolved[0],
            (
                key(Endpoint::Frame(0), Endpoint::Frame(1)),
                MessageType::Receive
            )
        );
        assert_eq!(
            resolved[1],
            (
                key(
                    Endpoint::Frame(0),
                    Endpoint::Origin("https://ads.example".into())
                ),
                MessageType::Send
            )
        );
    }

    #[test]
    fn urls_of_unknown_sides_are_valid_scapi_urls() {
        let unresolved = ChannelEnd::Unresolved {
            origin: "https://app.example:8443".into(),
        };
        assert_eq!(
            unresolved.url(),
            "scapi://unresolved/https%3A%2F%2Fapp.example%3A8443"
        );
        let mut nameless = frame("k 1", APP, 1, None);
        nameless.url.clear();
        assert_eq!(ChannelEnd::Frame(nameless).url(), "scapi://frame/k%201");
    }
}
