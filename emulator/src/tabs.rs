//! Several Workspace tabs: the leader election the seed describes ("Supporting multiple browser
//! tabs"). Tabs of one browser talk over a BroadcastChannel (the host page's glue carries the
//! messages); this module decides.
//!
//! The seed gives the states (LEADING, FOLLOWING, NEGOTIATING), not the algorithm. Inferred here:
//! a tab negotiates for [`ELECTION_MS`] after it opens or after the leader leaves; then a tab
//! follows when another leads, else the oldest tab leads. Tabs say they are alive every
//! [`HEARTBEAT_MS`]; one not heard for [`PEER_TIMEOUT_MS`] has gone. The last active tab is the
//! last one to open or get focus.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const ELECTION_MS: f64 = 600.0;
pub const HEARTBEAT_MS: f64 = 1_000.0;
pub const PEER_TIMEOUT_MS: f64 = 3_500.0;

/// A tab's part in the election: the values of the system event's `frameState`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum FrameState {
    Leading,
    Following,
    Negotiating,
}

impl FrameState {
    pub fn label(self) -> &'static str {
        match self {
            FrameState::Leading => "LEADING",
            FrameState::Following => "FOLLOWING",
            FrameState::Negotiating => "NEGOTIATING",
        }
    }
}

/// What tabs tell each other.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TabMessage {
    /// A tab opened.
    Hello { tab: String, since: f64 },
    /// A tab is alive (the answer to `hello`, and every heartbeat).
    Alive {
        tab: String,
        since: f64,
        state: FrameState,
    },
    /// A tab got focus: it is now the last active one.
    Active { tab: String },
    /// A tab closes.
    Bye { tab: String },
}

#[derive(Clone, Debug, PartialEq)]
struct Peer {
    since: f64,
    state: FrameState,
    last_heard: f64,
}

/// What the election wants done: messages for the other tabs, and the new state when it changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ElectionOutput {
    pub broadcasts: Vec<Value>,
    pub changed: Option<FrameState>,
}

/// One tab's view of the election.
#[derive(Clone, Debug)]
pub struct Election {
    tab: String,
    since: f64,
    state: FrameState,
    negotiating_since: f64,
    last_heartbeat: f64,
    last_active: bool,
    peers: BTreeMap<String, Peer>,
}

impl Election {
    /// A tab that just opened: negotiating, and the last active tab.
    pub fn new(tab: &str, now: f64) -> Election {
        Election {
            tab: tab.to_owned(),
            since: now,
            state: FrameState::Negotiating,
            negotiating_since: now,
            last_heartbeat: now,
            last_active: true,
            peers: BTreeMap::new(),
        }
    }

    pub fn state(&self) -> FrameState {
        self.state
    }

    pub fn is_last_active(&self) -> bool {
        self.last_active
    }

    pub fn tab(&self) -> &str {
        &self.tab
    }

    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// What a new tab says first.
    pub fn start(&self) -> ElectionOutput {
        ElectionOutput {
            broadcasts: vec![
                message(&TabMessage::Hello {
                    tab: self.tab.clone(),
                    since: self.since,
                }),
                message(&TabMessage::Active {
                    tab: self.tab.clone(),
                }),
            ],
            changed: None,
        }
    }

    fn alive(&self) -> Value {
        message(&TabMessage::Alive {
            tab: self.tab.clone(),
            since: self.since,
            state: self.state,
        })
    }

    /// A message from another tab; anything that is not a [`TabMessage`] is ignored.
    pub fn receive(&mut self, incoming: &Value, now: f64) -> ElectionOutput {
        let mut output = ElectionOutput::default();
        let Ok(incoming) = serde_json::from_value::<TabMessage>(incoming.clone()) else {
            return output;
        };
        match incoming {
            TabMessage::Hello { tab, since } if tab != self.tab => {
                self.peers.insert(
                    tab,
                    Peer {
                        since,
                        state: FrameState::Negotiating,
                        last_heard: now,
                    },
                );
                output.broadcasts.push(self.alive());
            }
            TabMessage::Alive { tab, since, state } if tab != self.tab => {
                self.peers.insert(
                    tab.clone(),
                    Peer {
                        since,
                        state,
                        last_heard: now,
                    },
                );
                // Two leaders (they decided at the same time): the younger one steps down.
                if state == FrameState::Leading
                    && self.state == FrameState::Leading
                    && (since, tab.as_str()) < (self.since, self.tab.as_str())
                {
                    self.set(FrameState::Following, &mut output);
                }
            }
            TabMessage::Active { tab } if tab != self.tab => self.last_active = false,
            TabMessage::Bye { tab } => {
                if let Some(peer) = self.peers.remove(&tab) {
                    if peer.state == FrameState::Leading {
                        self.renegotiate(now, &mut output);
                    }
                }
            }
            _ => {}
        }
        output
    }

    /// Time passes: heartbeats, peers that went silent, the end of a negotiation.
    pub fn tick(&mut self, now: f64) -> ElectionOutput {
        let mut output = ElectionOutput::default();
        let before = self.peers.len();
        let leader_lost = self.peers.values().any(|peer| {
            peer.state == FrameState::Leading && now - peer.last_heard > PEER_TIMEOUT_MS
        });
        self.peers
            .retain(|_, peer| now - peer.last_heard <= PEER_TIMEOUT_MS);
        if leader_lost || (self.peers.len() < before && !self.someone_leads()) {
            self.renegotiate(now, &mut output);
        }
        if self.state == FrameState::Negotiating && now - self.negotiating_since >= ELECTION_MS {
            let next = if self.someone_leads() || !self.is_oldest() {
                FrameState::Following
            } else {
                FrameState::Leading
            };
            self.set(next, &mut output);
        }
        if self.state == FrameState::Following
            && !self.someone_leads()
            && self
                .peers
                .values()
                .all(|p| p.state != FrameState::Negotiating)
            && self.is_oldest()
        {
            // Every peer follows and none leads (the leader left unnoticed): negotiate again.
            self.renegotiate(now, &mut output);
        }
        if now - self.last_heartbeat >= HEARTBEAT_MS {
            self.last_heartbeat = now;
            output.broadcasts.push(self.alive());
        }
        output
    }

    /// This tab got focus.
    pub fn activate(&mut self) -> ElectionOutput {
        self.last_active = true;
        ElectionOutput {
            broadcasts: vec![message(&TabMessage::Active {
                tab: self.tab.clone(),
            })],
            changed: None,
        }
    }

    /// This tab closes.
    pub fn leave(&self) -> ElectionOutput {
        ElectionOutput {
            broadcasts: vec![message(&TabMessage::Bye {
                tab: self.tab.clone(),
            })],
            changed: None,
        }
    }

    fn someone_leads(&self) -> bool {
        self.peers.values().any(|p| p.state == FrameState::Leading)
    }

    fn is_oldest(&self) -> bool {
        self.peers
            .iter()
            .all(|(tab, peer)| (self.since, self.tab.as_str()) < (peer.since, tab.as_str()))
    }

    fn renegotiate(&mut self, now: f64, output: &mut ElectionOutput) {
        self.negotiating_since = now;
        self.set(FrameState::Negotiating, output);
    }

    fn set(&mut self, state: FrameState, output: &mut ElectionOutput) {
        if self.state != state {
            self.state = state;
            output.changed = Some(state);
            output.broadcasts.push(self.alive());
        }
    }
}

fn message(message: &TabMessage) -> Value {
    serde_json::to_value(message).expect("plain JSON")
}

/// The `data` of the system event the seed shows for the election: `{frameState}` only.
pub fn frame_state_event(state: FrameState) -> Value {
    json!({"frameState": state.label()})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Delivers every broadcast of `from` to the other tabs, and their answers back, until quiet.
    fn deliver(tabs: &mut [Election], from: usize, output: ElectionOutput, now: f64) {
        let mut queue: Vec<(usize, Value)> =
            output.broadcasts.into_iter().map(|m| (from, m)).collect();
        while let Some((sender, message)) = queue.pop() {
            for (index, tab) in tabs.iter_mut().enumerate() {
                if index != sender {
                    let answer = tab.receive(&message, now);
                    queue.extend(answer.broadcasts.into_iter().map(|m| (index, m)));
                }
            }
        }
    }

    fn tick_all(tabs: &mut [Election], now: f64) -> Vec<Option<FrameState>> {
        let mut changes = Vec::new();
        for index in 0..tabs.len() {
            let output = tabs[index].tick(now);
            changes.push(output.changed);
            deliver(tabs, index, output, now);
        }
        changes
    }

    #[test]
    fn a_single_tab_leads_after_negotiating() {
        let mut tab = Election::new("a", 0.0);
        assert_eq!(tab.state(), FrameState::Negotiating);
        assert_eq!(tab.tick(ELECTION_MS - 1.0).changed, None);
        assert_eq!(tab.tick(ELECTION_MS).changed, Some(FrameState::Leading));
        assert!(tab.is_last_active());
    }

    #[test]
    fn a_second_tab_follows_and_leads_when_the_first_closes() {
        let mut tabs = vec![Election::new("a", 0.0)];
        tick_all(&mut tabs, ELECTION_MS);
        assert_eq!(tabs[0].state(), FrameState::Leading);

        tabs.push(Election::new("b", 5_000.0));
        let start = tabs[1].start();
        deliver(&mut tabs, 1, start, 5_000.0);
        assert!(!tabs[0].is_last_active());
        assert!(tabs[1].is_last_active());
        tick_all(&mut tabs, 5_000.0 + ELECTION_MS);
        assert_eq!(tabs[0].state(), FrameState::Leading);
        assert_eq!(tabs[1].state(), FrameState::Following);

        let bye = tabs[0].leave();
        deliver(&mut tabs, 0, bye, 6_000.0);
        tabs.remove(0);
        assert_eq!(tabs[0].state(), FrameState::Negotiating);
        let changes = tick_all(&mut tabs, 6_000.0 + ELECTION_MS);
        assert_eq!(changes, [Some(FrameState::Leading)]);
    }

    #[test]
    fn a_leader_that_goes_silent_is_replaced() {
        let mut tabs = vec![Election::new("a", 0.0), Election::new("b", 10.0)];
        let start = tabs[1].start();
        deliver(&mut tabs, 1, start, 10.0);
        tick_all(&mut tabs, 1_000.0);
        assert_eq!(tabs[0].state(), FrameState::Leading);
        assert_eq!(tabs[1].state(), FrameState::Following);
        // "a" crashes: only "b" keeps ticking.
        let later = 1_000.0 + PEER_TIMEOUT_MS + 1.0;
        assert_eq!(tabs[1].tick(later).changed, Some(FrameState::Negotiating));
        assert_eq!(
            tabs[1].tick(later + ELECTION_MS).changed,
            Some(FrameState::Leading)
        );
    }

    #[test]
    fn two_leaders_settle_on_the_older_one() {
        let mut older = Election::new("a", 0.0);
        let mut younger = Election::new("b", 1.0);
        older.tick(ELECTION_MS);
        younger.tick(ELECTION_MS + 1.0);
        assert_eq!(younger.state(), FrameState::Leading);
        let alive = older.tick(HEARTBEAT_MS + 1.0).broadcasts;
        let output = younger.receive(&alive[0], HEARTBEAT_MS + 1.0);
        assert_eq!(output.changed, Some(FrameState::Following));
    }

    #[test]
    fn the_frame_state_event_is_the_seeds() {
        assert_eq!(
            frame_state_event(FrameState::Negotiating),
            json!({"frameState": "NEGOTIATING"})
        );
        assert_eq!(
            serde_json::to_value(TabMessage::Bye { tab: "x".into() }).unwrap(),
            json!({"kind": "bye", "tab": "x"})
        );
    }
}
