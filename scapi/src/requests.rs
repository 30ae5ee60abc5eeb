//! The request catalog (protocol section 8) and typed reading of a request's positional parameters.
//!
//! `genesys.wwe.service.sendMessage` lets an integrator send any name with any parameters, so what
//! reaches the wire is often not what the docs describe: doc-only names, old names, typos, an index
//! where an operation name belongs. [`decode_call`] therefore never refuses: it reads what it can
//! into a typed [`Call`] and names every deviation as a [`ParamProblem`] a support engineer can act
//! on; [`suggest`] turns an unknown name into "did you mean …".

use crate::interaction::wire::{describe, wire_struct, NumberOrText};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Number, Value};

/// A JSON type a positional parameter accepts.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum JsonType {
    String,
    Number,
    Boolean,
    Object,
    Array,
    /// Any JSON value (a broadcast message).
    Any,
}

impl JsonType {
    pub fn matches(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (JsonType::String, Value::String(_))
                | (JsonType::Number, Value::Number(_))
                | (JsonType::Boolean, Value::Bool(_))
                | (JsonType::Object, Value::Object(_))
                | (JsonType::Array, Value::Array(_))
                | (JsonType::Any, _)
        )
    }

    fn with_article(self) -> &'static str {
        match self {
            JsonType::String => "a string",
            JsonType::Number => "a number",
            JsonType::Boolean => "a boolean",
            JsonType::Object => "an object",
            JsonType::Array => "an array",
            JsonType::Any => "any JSON value",
        }
    }
}

/// One positional parameter of a request.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name the client library and the docs use.
    pub name: &'static str,
    /// The JSON types that are right here.
    pub types: &'static [JsonType],
    /// An optional parameter may be missing or `null` (the client sends `null` for it).
    pub optional: bool,
    /// A short example or explanation, shown in problem messages.
    pub hint: &'static str,
}

impl ParamSpec {
    /// "a string (an operation name such as "Ready")".
    pub fn expected(&self) -> String {
        let types: Vec<&str> = self.types.iter().map(|t| t.with_article()).collect();
        let types = types.join(" or ");
        if self.hint.is_empty() {
            types
        } else {
            format!("{types} ({})", self.hint)
        }
    }
}

/// Where a request name is confirmed (see the labels of the protocol reference).
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The vendor's client library has a helper for it.
    Client,
    /// Only the documentation names it; it can only be sent with `sendMessage`.
    DocOnly,
    /// Only the vendor's sample page uses it.
    VendorSampleOnly,
}

/// The result a successful response carries under `data`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ResultShape {
    /// Not documented: shown as JSON.
    Unspecified,
    /// `{employeeId, firstname, lastname, username, roles}`.
    Agent,
    /// One media state, `{operationName, displayName, …}`.
    MediaState,
    /// An array of media states.
    MediaStates,
    /// One Interaction.
    Interaction,
    /// An array of Interactions.
    Interactions,
    /// One `{media, state}` item.
    MediaItem,
    /// An array of `{media, state}` items.
    MediaList,
    /// Outbound campaigns (inferred shape).
    Campaigns,
    /// Outbound call results (inferred shape).
    CallResults,
    /// A toast id such as `wweCustomToast0`.
    ToastId,
    /// A dialog id such as `wweCustomDialog1`.
    DialogId,
    /// `{expiration, jwtToken}`.
    Jwt,
    /// `true` or `false`.
    Boolean,
    /// The request names this client may use (inferred shape).
    ServiceNames,
    /// Option names and their values (inferred shape).
    OptionValues,
}

impl ResultShape {
    /// What the shape is, in words, for "expected …, got …" messages.
    pub fn expected(self) -> &'static str {
        match self {
            ResultShape::Unspecified => "any JSON",
            ResultShape::Agent => "an agent object",
            ResultShape::MediaState => "a media state object",
            ResultShape::MediaStates => "an array of media state objects",
            ResultShape::Interaction => "an interaction object",
            ResultShape::Interactions => "an array of interaction objects",
            ResultShape::MediaItem => "a {media, state} object",
            ResultShape::MediaList => "an array of {media, state} objects",
            ResultShape::Campaigns => "an array of campaigns (names or objects)",
            ResultShape::CallResults => "an array of call results (names, codes or objects)",
            ResultShape::ToastId => "a toast id string",
            ResultShape::DialogId => "a dialog id string",
            ResultShape::Jwt => "an {expiration, jwtToken} object",
            ResultShape::Boolean => "a boolean",
            ResultShape::ServiceNames => "an array of request names",
            ResultShape::OptionValues => "an object of option names and values",
        }
    }
}

/// Which [`Call`] variant a request's parameters are read into.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum CallShape {
    NoParameters,
    SetState,
    SetMediaState,
    InteractionId,
    ConsultInteractionId,
    CaseId,
    BundleId,
    SetUserData,
    DeleteUserData,
    BlockMarkdone,
    TransferConferenceConsult,
    Dial,
    DialEx,
    CreateEmail,
    MediaName,
    CampaignName,
    UpdateRecordFields,
    CallPreviewRecord,
    RescheduleRecord,
    SetCallResult,
    PopupToast,
    UpdateToast,
    ToastId,
    OpenDialog,
    DialogId,
    UpdateViewInApplicationMenuBar,
    ViewName,
    BroadcastMessage,
    GetOption,
    GetContextualOption,
    GetPureCloudToken,
}

/// One request of the catalog.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RequestSpec {
    /// `namespace.method`, as on the wire.
    pub name: &'static str,
    pub namespace: &'static str,
    pub method: &'static str,
    /// The positional parameters, in order.
    pub parameters: &'static [ParamSpec],
    pub source: Source,
    pub result: ResultShape,
    pub call_shape: CallShape,
}

impl RequestSpec {
    /// True when the name is not in the vendor's client library (doc-only or sample-only).
    pub fn is_doc_or_sample_only(&self) -> bool {
        self.source != Source::Client
    }

    /// How many parameters must be present.
    pub fn required_parameters(&self) -> usize {
        self.parameters.iter().filter(|p| !p.optional).count()
    }
}

const fn param(
    name: &'static str,
    types: &'static [JsonType],
    optional: bool,
    hint: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        types,
        optional,
        hint,
    }
}

const STRING: &[JsonType] = &[JsonType::String];
const OBJECT: &[JsonType] = &[JsonType::Object];

const OPERATION_NAME: ParamSpec = param(
    "operationName",
    STRING,
    false,
    "an operation name such as \"Ready\"",
);
const INTERACTION_ID: ParamSpec = param(
    "interactionId",
    STRING,
    false,
    "an interaction id such as \"1\"",
);
const CONSULT_INTERACTION_ID: ParamSpec = param(
    "consultInteractionId",
    STRING,
    false,
    "the consultation's interaction id, such as \"2\"",
);
const USER_DATA: ParamSpec = param("userData", OBJECT, false, "key/value pairs to attach");
const OPTIONAL_USER_DATA: ParamSpec = param("userData", OBJECT, true, "key/value pairs to attach");
const OPTIONAL_EXTENSIONS: ParamSpec = param("extensions", OBJECT, true, "key/value pairs");
const DESTINATION: ParamSpec = param("destination", STRING, false, "a phone number or an address");
const TARGET_QUERY: ParamSpec = param(
    "targetQuery",
    &[JsonType::String, JsonType::Object],
    false,
    "a destination such as \"5001\", or {target, destination, media}",
);
const RECORD_HANDLE: ParamSpec = param(
    "recordHandle",
    &[JsonType::Number, JsonType::String],
    false,
    "the record handle, such as 283",
);
const TOAST: ParamSpec = param("toast", OBJECT, false, "{title, message, buttons, …}");
const TOAST_ID: ParamSpec = param(
    "toastId",
    STRING,
    false,
    "a toast id such as \"wweCustomToast0\"",
);
const OPTIONS: ParamSpec = param(
    "options",
    &[JsonType::String, JsonType::Array],
    false,
    "\"Section/option\" or a list of them",
);

/// Builds a catalog entry from `namespace.method`, so the name is spelled once.
macro_rules! request {
    (
        $namespace:ident . $method:ident,
        $source:ident,
        $shape:ident -> $result:ident,
        [$($param:expr),* $(,)?]
    ) => {
        RequestSpec {
            name: concat!(stringify!($namespace), ".", stringify!($method)),
            namespace: stringify!($namespace),
            method: stringify!($method),
            parameters: &[$($param),*],
            source: Source::$source,
            result: ResultShape::$result,
            call_shape: CallShape::$shape,
        }
    };
}

static CATALOG: &[RequestSpec] = &[
    // agent
    request!(agent.get, Client, NoParameters -> Agent, []),
    request!(agent.getState, Client, NoParameters -> MediaState, []),
    request!(agent.getStateList, Client, NoParameters -> MediaStates, []),
    request!(agent.setState, Client, SetState -> Unspecified, [OPERATION_NAME]),
    // interaction
    request!(interaction.getInteractions, Client, NoParameters -> Interactions, []),
    request!(interaction.getByInteractionId, Client, InteractionId -> Interaction,
        [INTERACTION_ID]),
    request!(interaction.getByBundleId, DocOnly, BundleId -> Interactions,
        [param("id", STRING, false, "a bundle id")]),
    request!(interaction.getByCaseId, DocOnly, CaseId -> Interactions,
        [param("id", STRING, false, "a case id")]),
    request!(interaction.setUserData, Client, SetUserData -> Unspecified,
        [INTERACTION_ID, USER_DATA]),
    request!(interaction.deleteUserData, Client, DeleteUserData -> Unspecified,
        [INTERACTION_ID, param("key", STRING, false, "the user-data key to delete")]),
    request!(interaction.selectCaseByCaseId, Client, CaseId -> Unspecified,
        [param("caseId", STRING, false, "a case id")]),
    request!(interaction.markdone, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(interaction.accept, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(interaction.reject, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(interaction.unblockMarkdone, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(interaction.blockMarkdone, Client, BlockMarkdone -> Unspecified,
        [INTERACTION_ID, param("warningMessage", STRING, false,
            "the text shown when the agent tries to mark done")]),
    request!(interaction.singleStepTransfer, Client, TransferConferenceConsult -> Unspecified,
        [INTERACTION_ID, TARGET_QUERY, OPTIONAL_USER_DATA, OPTIONAL_EXTENSIONS]),
    request!(interaction.singleStepConference, Client, TransferConferenceConsult -> Unspecified,
        [INTERACTION_ID, TARGET_QUERY, OPTIONAL_USER_DATA, OPTIONAL_EXTENSIONS]),
    request!(interaction.consult, Client, TransferConferenceConsult -> Unspecified,
        [INTERACTION_ID, TARGET_QUERY, OPTIONAL_USER_DATA, OPTIONAL_EXTENSIONS]),
    request!(interaction.completeTransfer, Client, ConsultInteractionId -> Unspecified,
        [CONSULT_INTERACTION_ID]),
    request!(interaction.completeConference, Client, ConsultInteractionId -> Unspecified,
        [CONSULT_INTERACTION_ID]),
    // voice
    request!(voice.dial, Client, Dial -> Unspecified, [DESTINATION, OPTIONAL_USER_DATA]),
    request!(voice.dialEx, Client, DialEx -> Unspecified,
        [DESTINATION, OPTIONAL_USER_DATA, OPTIONAL_EXTENSIONS]),
    request!(voice.answer, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.hold, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.resume, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.hangUp, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.startCallRecording, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.stopCallRecording, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.pauseCallRecording, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(voice.resumeCallRecording, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    // sipEndpoint
    request!(sipEndpoint.muteMicrophone, Client, NoParameters -> Unspecified, []),
    request!(sipEndpoint.unmuteMicrophone, Client, NoParameters -> Unspecified, []),
    request!(sipEndpoint.muteSpeaker, Client, NoParameters -> Unspecified, []),
    request!(sipEndpoint.unmuteSpeaker, Client, NoParameters -> Unspecified, []),
    request!(sipEndpoint.isMicrophoneMute, Client, NoParameters -> Boolean, []),
    request!(sipEndpoint.isSpeakerMute, Client, NoParameters -> Boolean, []),
    // email
    request!(email.create, Client, CreateEmail -> Unspecified,
        [param("destination", STRING, false, "an e-mail address"), OPTIONAL_USER_DATA]),
    // media
    request!(media.getMediaList, Client, NoParameters -> MediaList, []),
    request!(media.getMediaByName, Client, MediaName -> MediaItem,
        [param("name", STRING, false, "a media name such as \"voice\"")]),
    request!(media.setState, Client, SetMediaState -> Unspecified,
        [param("mediaName", STRING, false, "a media name such as \"voice\""), OPERATION_NAME]),
    // outbound
    request!(outbound.getCampaigns, Client, NoParameters -> Campaigns, []),
    request!(outbound.getListOfCallResults, Client, NoParameters -> CallResults, []),
    request!(outbound.startDirectPushPreview, Client, NoParameters -> Unspecified, []),
    request!(outbound.stopDirectPushPreview, Client, NoParameters -> Unspecified, []),
    request!(outbound.getPreviewRecord, Client, CampaignName -> Unspecified,
        [param("campaignName", STRING, false, "an outbound campaign name")]),
    request!(outbound.getChainedRecords, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.getRecordFields, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.rejectPreviewRecord, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.cancelPreviewRecord, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.cancelReschedule, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.getCallResult, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.setDoNotCall, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.removeDoNotCall, Client, InteractionId -> Unspecified, [INTERACTION_ID]),
    request!(outbound.updateRecordFields, Client, UpdateRecordFields -> Unspecified,
        [INTERACTION_ID, param("recordFields", OBJECT, false,
            "calling-list fields and their new values")]),
    request!(outbound.callPreviewRecord, Client, CallPreviewRecord -> Unspecified,
        [INTERACTION_ID, RECORD_HANDLE]),
    request!(outbound.rescheduleRecord, Client, RescheduleRecord -> Unspecified,
        [INTERACTION_ID, RECORD_HANDLE,
         param("dateTime", STRING, false, "\"M/D/YYYY H:m\""),
         param("callbackType", STRING, false, "such as \"CAMPAIGN\" or \"PERSONAL\"")]),
    request!(outbound.setCallResult, Client, SetCallResult -> Unspecified,
        [INTERACTION_ID, param("callResult", &[JsonType::Number], false,
            "a call result code such as 6")]),
    // system
    request!(system.getAllowedServices, Client, NoParameters -> ServiceNames, []),
    request!(system.triggerActivity, Client, NoParameters -> Unspecified, []),
    request!(system.amIVisible, Client, NoParameters -> Boolean, []),
    request!(system.isFrameLeading, Client, NoParameters -> Boolean, []),
    request!(system.isFrameFollowing, Client, NoParameters -> Boolean, []),
    request!(system.isFrameNegotiating, Client, NoParameters -> Boolean, []),
    request!(system.isFrameLeadingOrNegotiating, Client, NoParameters -> Boolean, []),
    request!(system.isLastActiveFrame, Client, NoParameters -> Boolean, []),
    request!(system.popupToast, Client, PopupToast -> ToastId, [TOAST]),
    request!(system.updateToast, Client, UpdateToast -> Unspecified, [TOAST_ID, TOAST]),
    request!(system.closeToast, Client, ToastId -> Unspecified, [TOAST_ID]),
    request!(system.openDialog, Client, OpenDialog -> DialogId,
        [param("url", STRING, false, "the page to open in the dialog"),
         param("options", OBJECT, true, "{label, width, height}")]),
    request!(system.closeDialog, Client, DialogId -> Unspecified,
        [param("dialogId", STRING, false, "a dialog id such as \"wweCustomDialog1\"")]),
    request!(system.updateViewInApplicationMenuBar, Client,
        UpdateViewInApplicationMenuBar -> Unspecified,
        [param("view", OBJECT, false, "{name, label, iconUrl, …}")]),
    request!(system.closeViewInApplicationMenuBar, Client, ViewName -> Unspecified,
        [param("name", STRING, false, "the name given to updateViewInApplicationMenuBar")]),
    // messenger
    request!(messenger.broadcastMessage, Client, BroadcastMessage -> Unspecified,
        [param("channel", STRING, false, "a channel name such as \"my-channel\""),
         param("message", &[JsonType::Any], false, "")]),
    // configuration
    request!(configuration.getOption, Client, GetOption -> OptionValues, [OPTIONS]),
    request!(configuration.getContextualOption, DocOnly, GetContextualOption -> OptionValues,
        [OPTIONS, INTERACTION_ID]),
    // auth
    request!(auth.getJwtToken, Client, NoParameters -> Jwt, []),
    request!(auth.getPureCloudToken, VendorSampleOnly, GetPureCloudToken -> Unspecified,
        [param("forceNewToken", &[JsonType::Boolean], true, "true to get a fresh token")]),
];

/// Every request name the protocol reference lists, in its order.
pub fn catalog() -> &'static [RequestSpec] {
    CATALOG
}

/// The catalog entry of a request name (exact spelling).
pub fn spec(name: &str) -> Option<&'static RequestSpec> {
    CATALOG.iter().find(|spec| spec.name == name)
}

/// Names seen in real integrations that are not requests, with the request that was meant.
pub const KNOWN_MISTAKES: &[(&str, &str)] = &[
    ("voice.pauseRecording", "voice.pauseCallRecording"),
    ("voice.resumeRecording", "voice.resumeCallRecording"),
    // Inferred from the two above: the same shortening of the other recording calls.
    ("voice.startRecording", "voice.startCallRecording"),
    ("voice.stopRecording", "voice.stopCallRecording"),
];

/// For a name not in the catalog, the closest catalog name; `None` for a known name or when
/// nothing is close. Tries, in order: known mistakes, a case-insensitive match, a small edit in
/// the method within the same namespace, the same method in another namespace, then a small edit
/// anywhere in the name.
pub fn suggest(name: &str) -> Option<&'static str> {
    if spec(name).is_some() {
        return None;
    }
    if let Some((_, meant)) = KNOWN_MISTAKES.iter().find(|(wrong, _)| *wrong == name) {
        return Some(meant);
    }
    let lower = name.to_lowercase();
    if let Some(found) = CATALOG
        .iter()
        .find(|spec| spec.name.to_lowercase() == lower)
    {
        return Some(found.name);
    }
    let (namespace, method) = match lower.split_once('.') {
        Some((namespace, method)) => (Some(namespace), method),
        None => (None, lower.as_str()),
    };
    if let Some(namespace) = namespace {
        let same_namespace = CATALOG
            .iter()
            .filter(|spec| spec.namespace.to_lowercase() == namespace);
        if let Some(found) = closest(same_namespace, method, |spec| spec.method) {
            return Some(found);
        }
    }
    let same_method: Vec<&RequestSpec> = CATALOG
        .iter()
        .filter(|spec| spec.method.to_lowercase() == method)
        .collect();
    if let [only] = same_method.as_slice() {
        return Some(only.name);
    }
    if namespace.is_some() {
        return closest(CATALOG.iter(), &lower, |spec| spec.name);
    }
    None
}

/// The candidate whose `key` is within a small edit distance of `wanted`, the nearest first.
fn closest(
    candidates: impl Iterator<Item = &'static RequestSpec>,
    wanted: &str,
    key: impl Fn(&RequestSpec) -> &str,
) -> Option<&'static str> {
    let allowed = match wanted.chars().count() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    };
    let wanted_length = wanted.chars().count();
    candidates
        // The distance is at least the difference in length: most names are ruled out without
        // computing it (this runs on every unknown name a page sends).
        .filter(|spec| key(spec).chars().count().abs_diff(wanted_length) <= allowed)
        .map(|spec| (edit_distance(&key(spec).to_lowercase(), wanted), spec))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, spec)| spec.name)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = Vec::with_capacity(b.len() + 1);
    for (i, a_char) in a.chars().enumerate() {
        current.clear();
        current.push(i + 1);
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// One thing wrong with a request's parameters.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ParamProblem {
    /// 1-based, as the message says it ("parameter 1"); `None` for the list as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// The parameter's name in the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub message: String,
}

/// A request's parameters read against the catalog.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TypedCall {
    pub call: Call,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ParamProblem>,
    /// For a name not in the catalog: the name probably meant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl TypedCall {
    /// True when the request name is in the catalog.
    pub fn is_known(&self) -> bool {
        !matches!(self.call, Call::Unknown { .. })
    }
}

/// A transfer, conference or consult target.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum TargetQuery {
    /// A plain destination such as `"5001"`.
    Text(String),
    /// `{target, destination, media}`; the vendor sample sends `type` instead of `target`.
    Structured {
        /// AGENT, AGENT_GROUP, SKILL, INTERACTION_QUEUE, ROUTING_POINT or CUSTOM_CONTACT.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
        /// Which key named the target type; `None` when neither was there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_used: Option<TargetKey>,
        /// Any other field, and known fields whose value had another type.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_fields: Map<String, Value>,
    },
}

/// The key that named a structured target's type.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum TargetKey {
    /// The documented key.
    Target,
    /// The key the vendor sample sends.
    Type,
}

/// The target types the docs list.
pub const TARGET_TYPES: &[&str] = &[
    "AGENT",
    "AGENT_GROUP",
    "SKILL",
    "INTERACTION_QUEUE",
    "ROUTING_POINT",
    "CUSTOM_CONTACT",
];

wire_struct! {
    /// The options of `system.popupToast` and `system.updateToast`.
    pub struct ToastSpec {
        title: String = "title",
        icon_url: String = "iconUrl",
        subject: String = "subject",
        message: String = "message",
        key_values: Map<String, Value> = "keyValues",
        /// Button labels; a click comes back as a CUSTOM_TOAST_BUTTON_CLICK system event.
        buttons: Vec<String> = "buttons",
        button_show_dismiss: bool = "buttonShowDismiss",
        /// Milliseconds.
        auto_close_timeout: Number = "autoCloseTimeout",
        send_to_my_message: bool = "sendToMyMessage",
        width: NumberOrText = "width",
    }
}

wire_struct! {
    /// The view of `system.updateViewInApplicationMenuBar`.
    pub struct MenuBarView {
        name: String = "name",
        icon_url: String = "iconUrl",
        label: String = "label",
        short_label: String = "shortLabel",
        tooltip: String = "tooltip",
        background_color: String = "backgroundColor",
        label_color: String = "labelColor",
    }
}

/// A request's parameters, typed by request family. Fields are `None` when the parameter was
/// missing, `null`, or of a type that could not be read (the [`ParamProblem`]s say which).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(
    tag = "call",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Call {
    /// A request that takes no parameters (old clients send `[]`).
    NoParameters,
    /// `agent.setState`.
    SetState {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operation_name: Option<String>,
    },
    /// `media.setState`.
    SetMediaState {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operation_name: Option<String>,
    },
    /// The many requests that take one interaction id. A number is read as its text.
    InteractionId {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
    },
    /// `interaction.completeTransfer`, `interaction.completeConference`.
    ConsultInteractionId {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consult_interaction_id: Option<String>,
    },
    /// `interaction.selectCaseByCaseId`, `interaction.getByCaseId`.
    CaseId {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case_id: Option<String>,
    },
    /// `interaction.getByBundleId`.
    BundleId {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bundle_id: Option<String>,
    },
    /// `interaction.setUserData`.
    SetUserData {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_data: Option<Map<String, Value>>,
    },
    /// `interaction.deleteUserData`.
    DeleteUserData {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    /// `interaction.blockMarkdone`.
    BlockMarkdone {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning_message: Option<String>,
    },
    /// `interaction.singleStepTransfer`, `interaction.singleStepConference`, `interaction.consult`.
    TransferConferenceConsult {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<TargetQuery>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_data: Option<Map<String, Value>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extensions: Option<Map<String, Value>>,
    },
    /// `voice.dial`.
    Dial {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_data: Option<Map<String, Value>>,
    },
    /// `voice.dialEx`.
    DialEx {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_data: Option<Map<String, Value>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extensions: Option<Map<String, Value>>,
    },
    /// `email.create`.
    CreateEmail {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_data: Option<Map<String, Value>>,
    },
    /// `media.getMediaByName`.
    MediaName {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// `outbound.getPreviewRecord`.
    CampaignName {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign_name: Option<String>,
    },
    /// `outbound.updateRecordFields`.
    UpdateRecordFields {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_fields: Option<Map<String, Value>>,
    },
    /// `outbound.callPreviewRecord`.
    CallPreviewRecord {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_handle: Option<NumberOrText>,
    },
    /// `outbound.rescheduleRecord`.
    RescheduleRecord {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_handle: Option<NumberOrText>,
        /// `M/D/YYYY H:m`, as the vendor sample builds it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        date_time: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        callback_type: Option<String>,
    },
    /// `outbound.setCallResult`.
    SetCallResult {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call_result: Option<i64>,
    },
    /// `system.popupToast`.
    PopupToast {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        toast: Option<ToastSpec>,
    },
    /// `system.updateToast`.
    UpdateToast {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        toast_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        toast: Option<ToastSpec>,
    },
    /// `system.closeToast`.
    ToastId {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        toast_id: Option<String>,
    },
    /// `system.openDialog`.
    OpenDialog {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// Such as `"430px"` or `"40%"`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        width: Option<NumberOrText>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        height: Option<NumberOrText>,
        /// Any other option, and known options whose value had another type.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        other_options: Map<String, Value>,
    },
    /// `system.closeDialog`.
    DialogId {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dialog_id: Option<String>,
    },
    /// `system.updateViewInApplicationMenuBar`.
    UpdateViewInApplicationMenuBar {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        view: Option<MenuBarView>,
    },
    /// `system.closeViewInApplicationMenuBar`.
    ViewName {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// `messenger.broadcastMessage`: other frames receive `message` as a `messenger:<channel>`
    /// event.
    BroadcastMessage {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// `null` when missing.
        #[serde(default)]
        message: Value,
    },
    /// `configuration.getOption`: one name or a list, read as a list.
    GetOption { options: Vec<String> },
    /// `configuration.getContextualOption`.
    GetContextualOption {
        options: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interaction_id: Option<String>,
    },
    /// `auth.getPureCloudToken`.
    GetPureCloudToken {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        force_new_token: Option<bool>,
    },
    /// A name not in the catalog: the parameters as they came (`None` when absent).
    Unknown {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        parameters: Option<Value>,
    },
}

/// Keeps `"parameters": null` apart from a missing field.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Reads a request's positional parameters against the catalog. Never panics; every deviation
/// from the catalog becomes a [`ParamProblem`] and whatever can be read is kept.
pub fn decode_call(name: &str, parameters: Option<&Value>) -> TypedCall {
    let Some(spec) = spec(name) else {
        return TypedCall {
            call: Call::Unknown {
                parameters: parameters.cloned(),
            },
            problems: Vec::new(),
            suggestion: suggest(name).map(str::to_owned),
        };
    };
    let mut args = Args {
        spec,
        values: Vec::new(),
        problems: Vec::new(),
    };
    args.read_list(parameters);
    args.check_arity_and_types();
    let call = args.build();
    TypedCall {
        call,
        problems: args.problems,
        suggestion: None,
    }
}

/// The positional values of one request, and the problems found so far.
struct Args<'a> {
    spec: &'static RequestSpec,
    values: Vec<&'a Value>,
    problems: Vec<ParamProblem>,
}

impl<'a> Args<'a> {
    fn read_list(&mut self, parameters: Option<&'a Value>) {
        match parameters {
            // A `null` list is read like a missing one: both mean "no arguments".
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => self.values = items.iter().collect(),
            Some(other) => {
                // Someone called sendMessage with a bare value: read it as the first argument.
                let reading = if self.spec.parameters.is_empty() {
                    String::new()
                } else {
                    self.values = vec![other];
                    "; read as parameter 1".to_owned()
                };
                self.problems.push(ParamProblem {
                    position: None,
                    parameter: None,
                    message: format!(
                        "`parameters` should be an array of positional arguments, got {}{reading}",
                        describe(other)
                    ),
                });
            }
        }
    }

    fn check_arity_and_types(&mut self) {
        let spec = self.spec;
        for (index, param) in spec.parameters.iter().enumerate() {
            let message = match self.values.get(index) {
                None if param.optional => continue,
                None => format!(
                    "parameter {} `{}` is missing: expected {}",
                    index + 1,
                    param.name,
                    param.expected()
                ),
                Some(Value::Null) if param.optional => continue,
                Some(value) if param.types.iter().any(|t| t.matches(value)) => continue,
                Some(value) => format!(
                    "parameter {} `{}` should be {}, got {}",
                    index + 1,
                    param.name,
                    param.expected(),
                    describe(value)
                ),
            };
            self.problem(index, message);
        }
        let given = self.values.len();
        let takes = spec.parameters.len();
        if given > takes {
            let takes_text = match takes {
                0 => "none".to_owned(),
                1 => "1".to_owned(),
                n => format!("at most {n}"),
            };
            self.problems.push(ParamProblem {
                position: Some(takes + 1),
                parameter: None,
                message: format!(
                    "{given} parameter{} given, but `{}` takes {takes_text}",
                    if given == 1 { "" } else { "s" },
                    spec.name
                ),
            });
        }
    }

    fn problem(&mut self, index: usize, message: String) {
        self.problems.push(ParamProblem {
            position: Some(index + 1),
            parameter: self.spec.parameters.get(index).map(|p| p.name.to_owned()),
            message,
        });
    }

    /// The value at `index`, `None` when missing or `null`.
    fn get(&self, index: usize) -> Option<&'a Value> {
        self.values
            .get(index)
            .copied()
            .filter(|value| !value.is_null())
    }

    fn text(&self, index: usize) -> Option<String> {
        self.get(index)?.as_str().map(str::to_owned)
    }

    /// An id: a string, or a number read as its text (already reported as a problem).
    fn id(&self, index: usize) -> Option<String> {
        match self.get(index)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    fn object(&self, index: usize) -> Option<Map<String, Value>> {
        self.get(index)?.as_object().cloned()
    }

    fn build(&mut self) -> Call {
        match self.spec.call_shape {
            CallShape::NoParameters => Call::NoParameters,
            CallShape::SetState => Call::SetState {
                operation_name: self.text(0),
            },
            CallShape::SetMediaState => Call::SetMediaState {
                media_name: self.text(0),
                operation_name: self.text(1),
            },
            CallShape::InteractionId => Call::InteractionId {
                interaction_id: self.id(0),
            },
            CallShape::ConsultInteractionId => Call::ConsultInteractionId {
                consult_interaction_id: self.id(0),
            },
            CallShape::CaseId => Call::CaseId {
                case_id: self.id(0),
            },
            CallShape::BundleId => Call::BundleId {
                bundle_id: self.id(0),
            },
            CallShape::SetUserData => Call::SetUserData {
                interaction_id: self.id(0),
                user_data: self.object(1),
            },
            CallShape::DeleteUserData => Call::DeleteUserData {
                interaction_id: self.id(0),
                key: self.text(1),
            },
            CallShape::BlockMarkdone => Call::BlockMarkdone {
                interaction_id: self.id(0),
                warning_message: self.text(1),
            },
            CallShape::TransferConferenceConsult => Call::TransferConferenceConsult {
                interaction_id: self.id(0),
                target: self.target_query(1),
                user_data: self.object(2),
                extensions: self.object(3),
            },
            CallShape::Dial => Call::Dial {
                destination: self.id(0),
                user_data: self.object(1),
            },
            CallShape::DialEx => Call::DialEx {
                destination: self.id(0),
                user_data: self.object(1),
                extensions: self.object(2),
            },
            CallShape::CreateEmail => Call::CreateEmail {
                destination: self.text(0),
                user_data: self.object(1),
            },
            CallShape::MediaName => Call::MediaName { name: self.text(0) },
            CallShape::CampaignName => Call::CampaignName {
                campaign_name: self.text(0),
            },
            CallShape::UpdateRecordFields => Call::UpdateRecordFields {
                interaction_id: self.id(0),
                record_fields: self.object(1),
            },
            CallShape::CallPreviewRecord => Call::CallPreviewRecord {
                interaction_id: self.id(0),
                record_handle: self.get(1).and_then(NumberOrText::from_value),
            },
            CallShape::RescheduleRecord => Call::RescheduleRecord {
                interaction_id: self.id(0),
                record_handle: self.get(1).and_then(NumberOrText::from_value),
                date_time: self.date_time(2),
                callback_type: self.text(3),
            },
            CallShape::SetCallResult => Call::SetCallResult {
                interaction_id: self.id(0),
                call_result: self.call_result(1),
            },
            CallShape::PopupToast => Call::PopupToast {
                toast: self.wire::<ToastSpec>(0),
            },
            CallShape::UpdateToast => Call::UpdateToast {
                toast_id: self.text(0),
                toast: self.wire::<ToastSpec>(1),
            },
            CallShape::ToastId => Call::ToastId {
                toast_id: self.text(0),
            },
            CallShape::OpenDialog => self.open_dialog(),
            CallShape::DialogId => Call::DialogId {
                dialog_id: self.text(0),
            },
            CallShape::UpdateViewInApplicationMenuBar => Call::UpdateViewInApplicationMenuBar {
                view: self.wire::<MenuBarView>(0),
            },
            CallShape::ViewName => Call::ViewName { name: self.text(0) },
            CallShape::BroadcastMessage => Call::BroadcastMessage {
                channel: self.text(0),
                message: self.values.get(1).map_or(Value::Null, |v| (*v).clone()),
            },
            CallShape::GetOption => Call::GetOption {
                options: self.option_names(0),
            },
            CallShape::GetContextualOption => Call::GetContextualOption {
                options: self.option_names(0),
                interaction_id: self.id(1),
            },
            CallShape::GetPureCloudToken => Call::GetPureCloudToken {
                force_new_token: self.get(0).and_then(Value::as_bool),
            },
        }
    }

    /// A wire struct parameter; its mistyped fields become problems.
    fn wire<T>(&mut self, index: usize) -> Option<T>
    where
        T: From<Map<String, Value>> + MistypedFields,
    {
        let typed = T::from(self.object(index)?);
        for problem in typed.mistyped() {
            let name = self.spec.parameters[index].name;
            self.problem(
                index,
                format!("parameter {} `{name}`: {problem}", index + 1),
            );
        }
        Some(typed)
    }

    fn target_query(&mut self, index: usize) -> Option<TargetQuery> {
        match self.get(index)? {
            Value::String(text) => Some(TargetQuery::Text(text.clone())),
            Value::Object(fields) => Some(self.structured_target(index, fields.clone())),
            _ => None,
        }
    }

    fn structured_target(&mut self, index: usize, mut fields: Map<String, Value>) -> TargetQuery {
        let prefix = format!("parameter {} `targetQuery`", index + 1);
        let take_text = |fields: &mut Map<String, Value>, key: &str| {
            take_as(fields, key, |value| value.as_str().map(str::to_owned))
        };
        let by_target = take_text(&mut fields, "target");
        let by_type = take_text(&mut fields, "type");
        let destination = take_text(&mut fields, "destination");
        let media = take_text(&mut fields, "media");
        let (target_type, key_used) = match (by_target, by_type) {
            (Some(target), Some(kind)) => {
                if target != kind {
                    self.problem(
                        index,
                        format!(
                            "{prefix} has both `target` ({}) and `type` ({}); the docs name \
                             `target`",
                            Value::String(target.clone()),
                            Value::String(kind.clone())
                        ),
                    );
                }
                // Both kept: the `type` value goes back among the other fields.
                fields.insert("type".to_owned(), Value::String(kind));
                (Some(target), Some(TargetKey::Target))
            }
            (Some(target), None) => (Some(target), Some(TargetKey::Target)),
            (None, Some(kind)) => (Some(kind), Some(TargetKey::Type)),
            (None, None) => {
                self.problem(
                    index,
                    format!("{prefix} has no `target` (or `type`) string naming the target type"),
                );
                (None, None)
            }
        };
        if let Some(target_type) = &target_type {
            if !TARGET_TYPES.contains(&target_type.as_str()) {
                self.problem(
                    index,
                    format!(
                        "{prefix}: target type {} is not one of {}",
                        Value::String(target_type.clone()),
                        TARGET_TYPES.join(", ")
                    ),
                );
            }
        }
        for key in ["target", "type", "destination", "media"] {
            if let Some(value) = fields.get(key).filter(|value| !value.is_string()) {
                let message = format!(
                    "{prefix}: `{key}` should be a string, got {}",
                    describe(value)
                );
                self.problem(index, message);
            }
        }
        if destination.is_none() && !fields.contains_key("destination") {
            self.problem(index, format!("{prefix} has no `destination`"));
        }
        TargetQuery::Structured {
            target_type,
            destination,
            media,
            key_used,
            other_fields: fields,
        }
    }

    /// Checks the `M/D/YYYY H:m` form the vendor sample builds; a different form is kept.
    fn date_time(&mut self, index: usize) -> Option<String> {
        let text = self.text(index)?;
        if !is_month_day_year_time(&text) {
            self.problem(
                index,
                format!(
                    "parameter {} `dateTime` {} is not in the M/D/YYYY H:m form the vendor \
                     sample sends",
                    index + 1,
                    Value::String(text.clone())
                ),
            );
        }
        Some(text)
    }

    /// A whole number; a string of digits is read too (its type is already reported).
    fn call_result(&mut self, index: usize) -> Option<i64> {
        let value = self.get(index)?;
        if let Some(number) = value.as_i64() {
            return Some(number);
        }
        if let Some(number) = value.as_str().and_then(|text| text.trim().parse().ok()) {
            return Some(number);
        }
        if value.is_number() {
            self.problem(
                index,
                format!(
                    "parameter {} `callResult` should be a whole number, got {}",
                    index + 1,
                    describe(value)
                ),
            );
        }
        None
    }

    fn open_dialog(&mut self) -> Call {
        let mut options = self.object(1).unwrap_or_default();
        let label = take_as(&mut options, "label", |v| v.as_str().map(str::to_owned));
        let width = take_as(&mut options, "width", NumberOrText::from_value);
        let height = take_as(&mut options, "height", NumberOrText::from_value);
        for (key, expected) in [
            ("label", "a string"),
            ("width", "a number or a string"),
            ("height", "a number or a string"),
        ] {
            if let Some(value) = options.get(key).filter(|value| !value.is_null()) {
                let message = format!(
                    "parameter 2 `options`: `{key}` should be {expected}, got {}",
                    describe(value)
                );
                self.problem(1, message);
            }
        }
        Call::OpenDialog {
            url: self.text(0),
            label,
            width,
            height,
            other_options: options,
        }
    }

    /// One option name or a list of them; non-string items are reported and skipped.
    fn option_names(&mut self, index: usize) -> Vec<String> {
        match self.get(index) {
            Some(Value::String(name)) => vec![name.clone()],
            Some(Value::Array(items)) => {
                let mut names = Vec::new();
                for (item_index, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(name) => names.push(name.to_owned()),
                        None => {
                            let message = format!(
                                "parameter {} `options`: item {} should be a string, got {}",
                                index + 1,
                                item_index + 1,
                                describe(item)
                            );
                            self.problem(index, message);
                        }
                    }
                }
                names
            }
            _ => Vec::new(),
        }
    }
}

/// Moves `key` out of `fields` when `read` accepts its value.
fn take_as<T>(
    fields: &mut Map<String, Value>,
    key: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    let typed = read(fields.get(key)?)?;
    fields.shift_remove(key);
    Some(typed)
}

/// `M/D/YYYY H:m`: one or two digits, one or two, four; then one or two, one or two.
fn is_month_day_year_time(text: &str) -> bool {
    let digits = |part: &str, min: usize, max: usize| {
        (min..=max).contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit())
    };
    let Some((date, time)) = text.split_once(' ') else {
        return false;
    };
    let date: Vec<&str> = date.split('/').collect();
    let time: Vec<&str> = time.split(':').collect();
    matches!(date.as_slice(), [m, d, y] if digits(m, 1, 2) && digits(d, 1, 2) && digits(y, 4, 4))
        && matches!(time.as_slice(), [h, m] if digits(h, 1, 2) && digits(m, 1, 2))
}

/// Lets [`Args::wire`] ask any wire struct for its mistyped fields.
trait MistypedFields {
    fn mistyped(&self) -> Vec<String>;
}

impl MistypedFields for ToastSpec {
    fn mistyped(&self) -> Vec<String> {
        self.mistyped_fields()
    }
}

impl MistypedFields for MenuBarView {
    fn mistyped(&self) -> Vec<String> {
        self.mistyped_fields()
    }
}

#[cfg(test)]
mod tests;
