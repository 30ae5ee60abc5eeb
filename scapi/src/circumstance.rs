//! What the capture shows about the moment a request was sent, beside the Workspace options:
//! the tab following another (multi-tab), the realtime connection down, a message posted to the
//! app's own window, a name Workspace does not know. These explain a request that got no answer
//! (or failed) better than the options do, so the findings name them and `check` does not blame
//! the options for them.
//!
//! [`TabState`] is fed every record in time order (streaming: it keeps two states), and asked
//! at each request what held when it was sent.

use crate::correlate::RecordRef;
use crate::facts::{Detail, Facts};
use crate::SourceRelation;
use serde::{Deserialize, Serialize};

/// Why a request could not be carried out, read off the capture around it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "circumstance",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Circumstance {
    /// The message was posted to the app's own window (source `self`): it never reached
    /// Workspace.
    SentToItself,
    /// The name is not a Service Client API request: Workspace carries nothing out.
    UnknownRequest {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggestion: Option<String>,
    },
    /// The tab was a follower (`frameState` FOLLOWING, or `system.isFrameLeading` answered
    /// false): actions that only the leader tab performs are not carried out here.
    FollowerTab { since: RecordRef },
    /// The realtime connection to the Genesys servers was DISCONNECTED or DOWN.
    RealtimeDown { since: RecordRef, state: String },
}

impl Circumstance {
    /// One sentence: what held when the request was sent.
    pub fn why(&self, name: &str) -> String {
        match self {
            Circumstance::SentToItself => format!("`{name}` was posted to the app's own window (the message arrived with source `self`), so it never reached Workspace."),
            Circumstance::UnknownRequest { suggestion: Some(meant) } => format!("`{name}` is not a Service Client API request (did you mean `{meant}`?): Workspace carries nothing out for it, whatever the options."),
            Circumstance::UnknownRequest { suggestion: None } => format!("`{name}` is not a Service Client API request: Workspace carries nothing out for it, whatever the options."),
            Circumstance::FollowerTab { .. } => format!("`{name}` was sent from a follower tab (frameState FOLLOWING / system.isFrameLeading false): with several Workspace tabs open, actions are carried out by the leader tab."),
            Circumstance::RealtimeDown { state, .. } => format!("`{name}` was sent while Workspace's realtime connection was {state} (system REALTIME_CONNECTION): Workspace could not reach the Genesys servers."),
        }
    }

    /// What to do about it.
    pub fn advice(&self) -> String {
        match self {
            Circumstance::SentToItself => "Post to the Workspace window: the vendor client posts to the window set with genesys.wwe.service.targetWWEWindow(win), else window.opener (a popup Workspace opened), else window.parent. A popup must post to window.opener, not window.parent (its own window); in the reverse layout call targetWWEWindow with Workspace's iframe.".to_owned(),
            Circumstance::UnknownRequest { suggestion: Some(meant) } => format!("Call `{meant}` (genesys.wwe.service.{meant}(…))."),
            Circumstance::UnknownRequest { suggestion: None } => "Use a request name from the Service Client API reference.".to_owned(),
            Circumstance::FollowerTab { .. } => "Act from the leader tab: check system.isFrameLeading (or the system events' frameState) before sending actions, or close the other Workspace tabs.".to_owned(),
            Circumstance::RealtimeDown { .. } => "Wait for REALTIME_CONNECTION RECONNECTED and retry; if it stays down, check the agent's network and the Genesys Web Services server.".to_owned(),
        }
    }

    /// The record that shows it, if another than the request.
    pub fn evidence(&self) -> Option<&RecordRef> {
        match self {
            Circumstance::FollowerTab { since } | Circumstance::RealtimeDown { since, .. } => {
                Some(since)
            }
            _ => None,
        }
    }
}

/// The tab's state as the capture tells it, record after record.
#[derive(Clone, Debug, Default)]
pub struct TabState {
    /// Since when the tab follows (the record that said so).
    following: Option<RecordRef>,
    /// Since when the realtime connection is down, and the state that said so.
    realtime_down: Option<(RecordRef, String)>,
    /// Outages that ended: the record that began each, and the one that said the connection was
    /// back (the last [`RECOVERIES_KEPT`]).
    recoveries: Vec<(RecordRef, RecordRef)>,
}

/// Ended outages a [`TabState`] remembers.
pub const RECOVERIES_KEPT: usize = 64;

impl TabState {
    /// A record, in time order: `system` events change the state.
    pub fn observe(&mut self, record: RecordRef, facts: &Facts) {
        let Detail::Event {
            topic,
            state: Some(state),
            event_type,
            ..
        } = &facts.detail
        else {
            return;
        };
        if topic != "system" {
            return;
        }
        match (event_type.as_deref(), state.as_str()) {
            (Some("REALTIME_CONNECTION"), "DISCONNECTED" | "DOWN") => {
                // The first record of the outage stays its start; DOWN (over a minute) is the
                // state named.
                let since = match self.realtime_down.take() {
                    Some((since, _)) => since,
                    None => record,
                };
                self.realtime_down = Some((since, state.clone()));
            }
            (Some("REALTIME_CONNECTION"), _) => {
                if let Some((since, _)) = self.realtime_down.take() {
                    if self.recoveries.len() == RECOVERIES_KEPT {
                        self.recoveries.remove(0);
                    }
                    self.recoveries.push((since, record));
                }
            }
            (None, "FOLLOWING") => {
                self.following.get_or_insert(record);
            }
            (None, _) => self.following = None,
            _ => {}
        }
    }

    /// Outages that ended: (the record that began it, the record that said it was back).
    pub fn recoveries(&self) -> &[(RecordRef, RecordRef)] {
        &self.recoveries
    }

    /// A boolean answer to `name`: `system.isFrameLeading` false or `system.isFrameFollowing`
    /// true says the tab follows; the opposite says it does not.
    pub fn answered(&mut self, name: &str, flag: bool, record: RecordRef) {
        let following = match name {
            "system.isFrameLeading" | "system.isFrameLeadingOrNegotiating" => !flag,
            "system.isFrameFollowing" => flag,
            _ => return,
        };
        match (following, &self.following) {
            (true, None) => self.following = Some(record),
            (false, _) => self.following = None,
            _ => {}
        }
    }

    /// What held when the request, subscribe or unsubscribe in `facts` was sent.
    pub fn circumstance(&self, facts: &Facts) -> Option<Circumstance> {
        if facts.source == SourceRelation::SelfWindow {
            return Some(Circumstance::SentToItself);
        }
        if let Detail::Request {
            known: false,
            suggestion,
            ..
        } = &facts.detail
        {
            return Some(Circumstance::UnknownRequest {
                suggestion: suggestion.clone(),
            });
        }
        // Reading the tab's state is no action: a follower answers it.
        if let Some(since) = &self.following {
            if !facts.name.starts_with("system.isFrame")
                && !facts.name.starts_with("system.isLastActive")
                && facts.kind().is_call()
                && matches!(facts.detail, Detail::Request { .. })
            {
                return Some(Circumstance::FollowerTab {
                    since: since.clone(),
                });
            }
        }
        self.realtime_down
            .as_ref()
            .map(|(since, state)| Circumstance::RealtimeDown {
                since: since.clone(),
                state: state.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Facts;
    use crate::record::Record;
    use serde_json::json;

    fn facts(seq: u64, source: SourceRelation, data: serde_json::Value) -> Facts {
        Facts::of(&Record {
            seq,
            time: seq as f64,
            wall: seq as f64,
            origin: "https://crm.example".into(),
            source,
            child_index: None,
            ports: 0,
            decoded: crate::decode(&data),
            raw: data,
        })
    }

    fn at(seq: u64) -> RecordRef {
        RecordRef {
            frame: "app".into(),
            seq,
        }
    }

    #[test]
    fn a_follower_tab_and_a_down_connection_are_what_held_when_a_request_was_sent() {
        let mut tab = TabState::default();
        let accept = facts(
            3,
            SourceRelation::Child,
            json!({"request": "interaction.accept", "parameters": ["1"], "referenceId": "2",
                "userAgent": "WWE Client", "protocolVersion": 2}),
        );
        assert_eq!(tab.circumstance(&accept), None);
        tab.observe(
            at(1),
            &facts(
                1,
                SourceRelation::Parent,
                json!({"event": "system", "data": {"frameState": "FOLLOWING"},
                    "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
        );
        assert_eq!(
            tab.circumstance(&accept),
            Some(Circumstance::FollowerTab { since: at(1) })
        );
        tab.observe(
            at(4),
            &facts(
                4,
                SourceRelation::Parent,
                json!({"event": "system", "data": {"frameState": "LEADING"},
                    "userAgent": "WWE Server", "protocolVersion": 2}),
            ),
        );
        assert_eq!(tab.circumstance(&accept), None);
        tab.answered("system.isFrameLeading", false, at(5));
        assert!(matches!(
            tab.circumstance(&accept),
            Some(Circumstance::FollowerTab { .. })
        ));
        tab.answered("system.isFrameLeading", true, at(6));
        let down = |seq, state: &str| {
            facts(
                seq,
                SourceRelation::Parent,
                json!({"event": "system", "data": {"eventType": "REALTIME_CONNECTION", "state": state},
                    "userAgent": "WWE Server", "protocolVersion": 2}),
            )
        };
        tab.observe(at(7), &down(7, "DISCONNECTED"));
        tab.observe(at(8), &down(8, "DOWN"));
        assert_eq!(
            tab.circumstance(&accept),
            Some(Circumstance::RealtimeDown {
                since: at(7),
                state: "DOWN".into()
            })
        );
        tab.observe(at(9), &down(9, "RECONNECTED"));
        assert_eq!(tab.circumstance(&accept), None);
        // The outage is remembered with the record that ended it, for the finding.
        assert_eq!(tab.recoveries(), [(at(7), at(9))]);
    }

    #[test]
    fn a_message_to_itself_and_an_unknown_name_are_named_first() {
        let tab = TabState::default();
        let to_itself = facts(
            1,
            SourceRelation::SelfWindow,
            json!({"request": "agent.getState", "referenceId": "0",
                "userAgent": "WWE Client", "protocolVersion": 2}),
        );
        assert_eq!(
            tab.circumstance(&to_itself),
            Some(Circumstance::SentToItself)
        );
        let typo = facts(
            2,
            SourceRelation::Child,
            json!({"request": "voice.pauseRecording", "parameters": ["1"], "referenceId": "0",
                "userAgent": "WWE Client", "protocolVersion": 2}),
        );
        assert_eq!(
            tab.circumstance(&typo),
            Some(Circumstance::UnknownRequest {
                suggestion: Some("voice.pauseCallRecording".into())
            })
        );
    }
}
