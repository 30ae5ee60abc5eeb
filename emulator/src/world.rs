//! What the emulated Workspace holds: the agent and its states, media channels, interactions,
//! outbound campaigns, toasts, dialogs, menu-bar views and configuration options.
//!
//! The data follows the seed's examples where it has them (the ATTACHED_DATA_CHANGED voice
//! interaction, the outbound preview record and its chained records, the campaign name "Offer of
//! the Month"); everything else is plausible demo data, and names no real person.

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The chained records of the seed's RECORDS_RETRIEVED example, verbatim.
const SEED_CHAINED_RECORDS: &str = include_str!("data/chained-records.json");
/// The `userData` of the seed's outbound preview record, verbatim.
const SEED_PREVIEW_USER_DATA: &str = include_str!("data/preview-user-data.json");

/// One entry of `agent.getStateList`: `{operationName, displayName}` as documented, with the
/// not-ready reason where there is one (inferred fields).
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AgentState {
    pub operation_name: String,
    pub display_name: String,
    /// What agent STATE_CHANGED events carry as `mediaState` (the seed shows `READY` and
    /// `NOT_READY_ACTION_CODE`).
    #[serde(skip)]
    pub media_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
}

impl AgentState {
    fn new(
        operation_name: &str,
        display_name: &str,
        media_state: &'static str,
        reason: Option<(&str, &str)>,
    ) -> AgentState {
        AgentState {
            operation_name: operation_name.to_owned(),
            display_name: display_name.to_owned(),
            media_state,
            reason: reason.map(|(reason, _)| reason.to_owned()),
            reason_code: reason.map(|(_, code)| code.to_owned()),
        }
    }

    /// The `data` of the agent STATE_CHANGED event for this state (the seed's two examples).
    pub fn changed_event_data(&self) -> Value {
        let mut data = json!({"eventType": "STATE_CHANGED", "mediaState": self.media_state});
        if let (Some(reason), Some(code)) = (&self.reason, &self.reason_code) {
            data["reason"] = json!(reason);
            data["reasonCode"] = json!(code);
        }
        data
    }
}

/// One media channel of `media.getMediaList`: `{media, state}` (the state by display name).
#[derive(Clone, Debug, PartialEq)]
pub struct MediaChannel {
    pub media: String,
    /// Index into the state list.
    pub state: usize,
}

/// A party of an interaction; the docs promise `name` only.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Party {
    pub name: String,
}

/// An outbound record behind an interaction: what the outbound requests read and change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutboundRecord {
    pub campaign: String,
    pub fields: Map<String, Value>,
    pub call_result: Option<i64>,
    pub do_not_call: bool,
    /// `(date and time as sent, callback type)` of a reschedule.
    pub rescheduled: Option<(String, String)>,
}

/// `interaction.blockMarkdone` in force.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkdoneBlock {
    pub warning_message: String,
    /// When the block lapses (service-client-api.block-markdone-timeout); `None` = until unblocked.
    pub until: Option<f64>,
}

/// The Interaction object of protocol section 5, as results and interaction events carry it.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Interaction {
    pub interaction_id: String,
    pub parent_interaction_id: Option<String>,
    pub case_id: String,
    pub user_data: Map<String, Value>,
    pub state: String,
    pub previous_state: String,
    pub parties: Vec<Party>,
    pub is_consultation: bool,
    pub is_main_case_interaction: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_uuid: Option<String>,
    pub direction: String,
    pub call_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ani: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_state: Option<String>,
    pub media: String,
    pub capabilities: Vec<String>,
    pub is_case_selected: bool,
    pub is_case_expanded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chained_records: Option<Vec<Map<String, Value>>>,
    #[serde(skip)]
    pub bundle_id: String,
    #[serde(skip)]
    pub outbound: Option<OutboundRecord>,
    #[serde(skip)]
    pub markdone_block: Option<MarkdoneBlock>,
}

impl Interaction {
    /// Moves to `state`, keeping the one before in `previousState`.
    pub fn move_to(&mut self, state: &str, capabilities: &[&str]) {
        self.previous_state = std::mem::replace(&mut self.state, state.to_owned());
        self.capabilities = capabilities.iter().map(|c| (*c).to_owned()).collect();
    }

    pub fn is_voice(&self) -> bool {
        self.media == "voice"
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("an interaction is plain JSON")
    }

    /// The `data` of an interaction event: `{eventType, media, interaction}` (the seed's
    /// ATTACHED_DATA_CHANGED example).
    pub fn event_data(&self, event_type: &str) -> Value {
        json!({"eventType": event_type, "media": self.media, "interaction": self.to_value()})
    }
}

/// An outbound campaign of `outbound.getCampaigns` (`{name, mode}`, inferred fields).
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub name: String,
    pub mode: String,
    pub loaded: bool,
    pub started: bool,
}

/// A toast shown by `system.popupToast`.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: String,
    pub spec: Map<String, Value>,
}

/// A dialog opened by `system.openDialog`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dialog {
    pub id: String,
    pub url: String,
    pub label: String,
}

/// The real-time connection to Genesys Web Services, as REALTIME_CONNECTION events report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connected,
    Disconnected,
    Down,
}

/// The whole Workspace state of one host page.
#[derive(Clone, Debug)]
pub struct World {
    pub agent: Value,
    pub states: Vec<AgentState>,
    pub current_state: usize,
    pub media: Vec<MediaChannel>,
    pub interactions: Vec<Interaction>,
    next_interaction: u64,
    next_uid: u64,
    pub selected_case: Option<String>,
    pub campaigns: Vec<Campaign>,
    pub direct_push_preview: bool,
    pub toasts: Vec<Toast>,
    next_toast: u64,
    pub dialogs: Vec<Dialog>,
    next_dialog: u64,
    pub menu_views: Vec<Map<String, Value>>,
    pub microphone_muted: bool,
    pub speaker_muted: bool,
    pub connection: Connection,
    /// Configuration options, `Section/option` → value.
    pub config: Vec<(String, String)>,
    /// Next record handle of a pulled preview record.
    next_record_handle: i64,
    next_token: u64,
}

/// The case and bundle of the seed's voice interaction.
pub const SEED_VOICE_CASE: &str = "4dda1ab6-aeab-4a33-f5d0-0153c9fdb43b";
pub const SEED_VOICE_BUNDLE: &str = "dfaca66c-4149-42a1-7244-337e949a12b5";
/// The case and bundle of the seed's outbound preview record.
pub const SEED_PREVIEW_CASE: &str = "a26f59d2-2979-43c5-5c1d-b0757f9ab077";
pub const SEED_PREVIEW_BUNDLE: &str = "27458420-0348-4345-c693-45bd95b5c81f";
/// The campaign of the seed's outbound examples.
pub const SEED_CAMPAIGN: &str = "Offer of the Month";

/// An ISO 8601 date with milliseconds, as the seed's JWT expiration.
pub fn iso_date(at_ms: f64) -> String {
    DateTime::from_timestamp_millis(at_ms as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl World {
    /// The Workspace as the agent finds it: one call in progress (the seed's voice interaction
    /// with its case data), a chat and an inbound e-mail waiting, a second call ringing, and the
    /// seed's outbound preview record with its chain.
    pub fn new(now: f64, given_options: &[(String, String)]) -> World {
        let mut world = World {
            agent: json!({
                "employeeId": "1001",
                "firstname": "Alex",
                "lastname": "Morgan",
                "username": "amorgan",
                "roles": ["ROLE_AGENT"],
            }),
            states: vec![
                AgentState::new("Ready", "Ready", "READY", None),
                AgentState::new("NotReady", "Not Ready", "NOT_READY", None),
                AgentState::new(
                    "NotReadyBreak",
                    "Not Ready - Break",
                    "NOT_READY_ACTION_CODE",
                    Some(("Break", "1511")),
                ),
                AgentState::new(
                    "NotReadyLunch",
                    "Not Ready - Lunch",
                    "NOT_READY_ACTION_CODE",
                    Some(("Lunch", "1512")),
                ),
                AgentState::new(
                    "AfterCallWork",
                    "After Call Work",
                    "NOT_READY_AFTER_CALL_WORK",
                    None,
                ),
            ],
            current_state: 0,
            media: ["voice", "chat", "email"]
                .iter()
                .map(|media| MediaChannel {
                    media: (*media).to_owned(),
                    state: 0,
                })
                .collect(),
            interactions: Vec::new(),
            next_interaction: 1,
            next_uid: 1,
            selected_case: Some(SEED_VOICE_CASE.to_owned()),
            campaigns: vec![
                Campaign {
                    name: SEED_CAMPAIGN.to_owned(),
                    mode: "PREVIEW".to_owned(),
                    loaded: false,
                    started: false,
                },
                Campaign {
                    name: "Outbound Campaign Custom".to_owned(),
                    mode: "PUSH_PREVIEW".to_owned(),
                    loaded: true,
                    started: true,
                },
            ],
            direct_push_preview: false,
            toasts: Vec::new(),
            next_toast: 0,
            dialogs: Vec::new(),
            next_dialog: 1,
            menu_views: Vec::new(),
            microphone_muted: false,
            speaker_muted: false,
            connection: Connection::Connected,
            config: Vec::new(),
            next_record_handle: 285,
            next_token: 1,
        };
        world.config = default_config(given_options);
        world.seed_interactions(now);
        world
    }

    fn seed_interactions(&mut self, now: f64) {
        // 1: the seed's voice call, in progress, with its case data.
        let mut call = self.voice_call(
            now - 95_000.0,
            "IN",
            "INBOUND",
            "+14155550123",
            "5000",
            SEED_VOICE_CASE,
            SEED_VOICE_BUNDLE,
        );
        call.move_to("TALKING", &["HANGUP", "HOLD"]);
        call.previous_state = "RINGING".to_owned();
        call.call_uuid = Some("4L6JGNEE9H7DT671FRPTKE6CQ000000G".to_owned());
        call.is_case_selected = true;
        call.is_case_expanded = true;
        call.user_data.extend(object(json!({
            "IWAttachedDataInformation": {
                "DispositionCode.Label": "DispositionCode",
                "Option.interaction.case-data.header-foreground-color": "#FFFFFF",
                "CaseDataBusinessAttribute": "CaseData",
                "DispositionCode.Key": "ChooseDisposition",
                "Option.interaction.case-data.frame-color": "#17849D"
            },
            "Key1": "Gold",
            "Key2": "Renewal",
            "Key3": "Web",
            "CustomerName": "Jordan Lee",
            "AccountNumber": "4411-2290-7781",
        })));
        self.interactions.push(call);

        // 2: a chat invitation.
        let chat = self.open_media(
            now - 20_000.0,
            "chat",
            "IN",
            "INVITED",
            &["ACCEPT", "REJECT"],
            "Riley Chen",
        );
        self.interactions.push(chat);

        // 3: an inbound e-mail invitation.
        let email = self.open_media(
            now - 15_000.0,
            "email",
            "IN",
            "INVITED",
            &["ACCEPT", "REJECT"],
            "sam.taylor@example.com",
        );
        self.interactions.push(email);

        // 4: the seed's outbound preview record and its chain of records.
        let mut record = self.preview_record("Outbound Campaign Custom", 283);
        record.case_id = SEED_PREVIEW_CASE.to_owned();
        record.bundle_id = SEED_PREVIEW_BUNDLE.to_owned();
        record
            .user_data
            .insert("IW_CaseUid".to_owned(), json!(SEED_PREVIEW_CASE));
        record
            .user_data
            .insert("IW_BundleUid".to_owned(), json!(SEED_PREVIEW_BUNDLE));
        record.chained_records = Some(seed_chained_records());
        self.interactions.push(record);

        // 5: a second call ringing (call waiting).
        let case = self.uid();
        let bundle = self.uid();
        let mut ringing = self.voice_call(
            now - 3_000.0,
            "IN",
            "INBOUND",
            "+14155550188",
            "5000",
            &case,
            &bundle,
        );
        ringing.move_to("RINGING", &["ANSWER"]);
        self.interactions.push(ringing);
    }

    /// A deterministic UUID-shaped identifier (case, bundle, call ids): the demo is reproducible.
    pub fn uid(&mut self) -> String {
        let n = self.next_uid;
        self.next_uid += 1;
        let a = splitmix(n);
        let b = splitmix(a);
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    pub fn next_interaction_id(&mut self) -> String {
        let id = self.next_interaction;
        self.next_interaction += 1;
        id.to_string()
    }

    /// A voice interaction before its first state (callers move it).
    #[allow(clippy::too_many_arguments)]
    pub fn voice_call(
        &mut self,
        started: f64,
        direction: &str,
        call_type: &str,
        ani: &str,
        dnis: &str,
        case_id: &str,
        bundle_id: &str,
    ) -> Interaction {
        let id = self.next_interaction_id();
        let other_party = if direction == "IN" { ani } else { dnis };
        let call_uuid = self.uid().replace('-', "").to_uppercase()[..32].to_owned();
        Interaction {
            interaction_id: id,
            parent_interaction_id: None,
            case_id: case_id.to_owned(),
            user_data: case_user_data(case_id, bundle_id),
            state: "UNKNOWN".to_owned(),
            previous_state: "UNKNOWN".to_owned(),
            parties: vec![Party {
                name: other_party.to_owned(),
            }],
            is_consultation: false,
            is_main_case_interaction: true,
            start_date: Some(iso_date(started)),
            end_date: None,
            call_uuid: Some(call_uuid),
            direction: direction.to_owned(),
            call_type: call_type.to_owned(),
            ani: Some(ani.to_owned()),
            dnis: Some(dnis.to_owned()),
            recording_state: Some("STOPPED".to_owned()),
            media: "voice".to_owned(),
            capabilities: Vec::new(),
            is_case_selected: false,
            is_case_expanded: false,
            chained_records: None,
            bundle_id: bundle_id.to_owned(),
            outbound: None,
            markdone_block: None,
        }
    }

    /// A chat or e-mail interaction.
    pub fn open_media(
        &mut self,
        started: f64,
        media: &str,
        direction: &str,
        state: &str,
        capabilities: &[&str],
        party: &str,
    ) -> Interaction {
        let id = self.next_interaction_id();
        let case_id = self.uid();
        let bundle_id = self.uid();
        let mut interaction = Interaction {
            interaction_id: id,
            parent_interaction_id: None,
            user_data: case_user_data(&case_id, &bundle_id),
            case_id,
            state: "UNKNOWN".to_owned(),
            previous_state: "UNKNOWN".to_owned(),
            parties: vec![Party {
                name: party.to_owned(),
            }],
            is_consultation: false,
            is_main_case_interaction: true,
            start_date: Some(iso_date(started)),
            end_date: None,
            call_uuid: None,
            direction: direction.to_owned(),
            call_type: if direction == "IN" {
                "INBOUND"
            } else {
                "OUTBOUND"
            }
            .to_owned(),
            ani: None,
            dnis: None,
            recording_state: None,
            media: media.to_owned(),
            capabilities: Vec::new(),
            is_case_selected: false,
            is_case_expanded: false,
            chained_records: None,
            bundle_id,
            outbound: None,
            markdone_block: None,
        };
        interaction.move_to(state, capabilities);
        interaction.previous_state = "UNKNOWN".to_owned();
        interaction
    }

    /// A pull-preview record of a campaign (the seed's preview record, with a fresh handle). It
    /// has not started as a call: the seed shows null dates.
    pub fn preview_record(&mut self, campaign: &str, handle: i64) -> Interaction {
        let id = self.next_interaction_id();
        let case_id = self.uid();
        let bundle_id = self.uid();
        let mut user_data = seed_preview_user_data();
        user_data.insert("GSW_CAMPAIGN_NAME".to_owned(), json!(campaign));
        user_data.insert("GSW_RECORD_HANDLE".to_owned(), json!(handle.to_string()));
        user_data.insert("IW_CaseUid".to_owned(), json!(case_id));
        user_data.insert("IW_BundleUid".to_owned(), json!(bundle_id));
        let phone = user_data
            .get("GSW_PHONE")
            .and_then(Value::as_str)
            .unwrap_or("+33647005")
            .to_owned();
        let mut fields = seed_chained_records()
            .into_iter()
            .next()
            .unwrap_or_default();
        fields.insert("GSW_RECORD_HANDLE".to_owned(), json!(handle));
        fields.insert("GSW_CAMPAIGN_NAME".to_owned(), json!(campaign));
        Interaction {
            interaction_id: id,
            parent_interaction_id: None,
            case_id,
            user_data,
            state: "PREVIEWING".to_owned(),
            previous_state: "UNKNOWN".to_owned(),
            parties: vec![Party { name: phone }],
            is_consultation: false,
            is_main_case_interaction: true,
            start_date: None,
            end_date: None,
            call_uuid: None,
            direction: "OUT".to_owned(),
            call_type: "OUTBOUND_PREVIEW".to_owned(),
            ani: None,
            dnis: None,
            recording_state: None,
            media: "voice".to_owned(),
            capabilities: ["CALL", "REJECT_RECORD", "CANCEL_RECORD"]
                .map(str::to_owned)
                .to_vec(),
            is_case_selected: false,
            is_case_expanded: false,
            chained_records: None,
            bundle_id,
            outbound: Some(OutboundRecord {
                campaign: campaign.to_owned(),
                fields,
                ..OutboundRecord::default()
            }),
            markdone_block: None,
        }
    }

    pub fn next_record_handle(&mut self) -> i64 {
        let handle = self.next_record_handle;
        self.next_record_handle += 1;
        handle
    }

    pub fn next_toast_id(&mut self) -> String {
        let id = format!("wweCustomToast{}", self.next_toast);
        self.next_toast += 1;
        id
    }

    pub fn next_dialog_id(&mut self) -> String {
        let id = format!("wweCustomDialog{}", self.next_dialog);
        self.next_dialog += 1;
        id
    }

    pub fn next_token_serial(&mut self) -> u64 {
        let serial = self.next_token;
        self.next_token += 1;
        serial
    }

    pub fn interaction(&self, id: &str) -> Option<&Interaction> {
        self.interactions.iter().find(|i| i.interaction_id == id)
    }

    pub fn interaction_mut(&mut self, id: &str) -> Option<&mut Interaction> {
        self.interactions
            .iter_mut()
            .find(|i| i.interaction_id == id)
    }

    pub fn current_state(&self) -> &AgentState {
        &self.states[self.current_state]
    }

    /// A state by operation name; the vendor client's helper passes a state-list index, which is
    /// read too.
    pub fn state_index(&self, operation: &Value) -> Option<usize> {
        match operation {
            Value::String(name) => self.states.iter().position(|s| s.operation_name == *name),
            Value::Number(index) => index
                .as_u64()
                .map(|i| i as usize)
                .filter(|i| *i < self.states.len()),
            _ => None,
        }
    }

    pub fn media_item(&self, channel: &MediaChannel) -> Value {
        json!({"media": channel.media, "state": self.states[channel.state].display_name})
    }

    /// Option values for `configuration.getOption`: exact names, or a prefix ending in `*`.
    pub fn options(&self, names: &[String]) -> Map<String, Value> {
        let mut found = Map::new();
        for name in names {
            let matches = |option: &str| match name.strip_suffix('*') {
                Some(prefix) => option.starts_with(prefix),
                None => option == name,
            };
            for (option, value) in self.config.iter().filter(|(option, _)| matches(option)) {
                found.insert(option.clone(), json!(value));
            }
        }
        found
    }
}

/// The case-data keys Workspace attaches to every interaction (the seed's `IW_CaseUid` and
/// `IW_BundleUid`).
fn case_user_data(case_id: &str, bundle_id: &str) -> Map<String, Value> {
    object(json!({"IW_CaseUid": case_id, "IW_BundleUid": bundle_id}))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn seed_chained_records() -> Vec<Map<String, Value>> {
    serde_json::from_str(SEED_CHAINED_RECORDS).expect("the seed's chained records are JSON")
}

fn seed_preview_user_data() -> Map<String, Value> {
    serde_json::from_str(SEED_PREVIEW_USER_DATA).expect("the seed's preview userData is JSON")
}

/// Workspace options an app may read with `configuration.getOption`: a few of the
/// `interaction-workspace` section (demo values), then the Service Client API options the
/// options file gives.
fn default_config(given_options: &[(String, String)]) -> Vec<(String, String)> {
    let mut config: Vec<(String, String)> = [
        ("interaction-workspace/voice.auto-answer", "false"),
        ("interaction-workspace/voice.prompt-for-end", "false"),
        ("interaction-workspace/chat.auto-answer", "false"),
        (
            "interaction-workspace/interaction.case-data.format-business-attribute",
            "CaseData",
        ),
        (
            "interaction-workspace/interaction.disposition.key-name",
            "DispositionCode",
        ),
        (
            "interaction-workspace/interaction.web-content",
            "DemoApp,DemoHiddenApp",
        ),
        ("DemoApp/label", "Demo app"),
        ("DemoApp/url", "client/app.html"),
        ("DemoHiddenApp/label", "Hidden demo app"),
    ]
    .iter()
    .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
    .collect();
    config.extend(
        given_options
            .iter()
            .map(|(name, value)| (format!("interaction-workspace/{name}"), value.clone())),
    );
    config
}

/// A 64-bit mix (splitmix64): spreads a counter over every bit of an identifier.
fn splitmix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_interactions_are_there() {
        let world = World::new(1_700_000_000_000.0, &[]);
        let ids: Vec<&str> = world
            .interactions
            .iter()
            .map(|i| i.interaction_id.as_str())
            .collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5"]);
        let call = world.interaction("1").unwrap();
        assert_eq!(call.case_id, SEED_VOICE_CASE);
        assert_eq!(call.user_data["IW_BundleUid"], SEED_VOICE_BUNDLE);
        assert_eq!(call.state, "TALKING");
        let record = world.interaction("4").unwrap();
        assert_eq!(record.call_type, "OUTBOUND_PREVIEW");
        assert_eq!(record.chained_records.as_ref().unwrap().len(), 2);
        assert_eq!(record.user_data["IW_CaseUid"], SEED_PREVIEW_CASE);
    }

    #[test]
    fn identifiers_are_uuid_shaped_and_distinct() {
        let mut world = World::new(0.0, &[]);
        let a = world.uid();
        let b = world.uid();
        assert_ne!(a, b);
        let lengths: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn dates_are_iso_with_milliseconds() {
        assert_eq!(iso_date(1_586_872_011_846.0), "2020-04-14T13:46:51.846Z");
    }

    #[test]
    fn options_match_exactly_or_by_prefix() {
        let world = World::new(
            0.0,
            &[(
                "service-client-api.rate-limit.voice.dial".to_owned(),
                "4".to_owned(),
            )],
        );
        let exact = world.options(&["interaction-workspace/voice.auto-answer".to_owned()]);
        assert_eq!(exact.len(), 1);
        let prefix = world.options(&["interaction-workspace/service-client-api.*".to_owned()]);
        assert_eq!(
            prefix["interaction-workspace/service-client-api.rate-limit.voice.dial"],
            "4"
        );
    }
}
