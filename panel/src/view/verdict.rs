//! What the Workspace policy says of one record: the list's Policy cell and the details' section.

use scapi::circumstance::Circumstance;
use scapi::policy::audit::{Agreement, InferredCause, ReadCheck, RequestCheck};
use scapi::policy::{Expected, Verdict};
use yew::prelude::*;

/// The Policy cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyCell {
    pub text: String,
    /// `data-verdict`: `allowed`, `origin-refused`, …, `inferred-…` without options, `read`.
    pub verdict: &'static str,
    /// `data-agreement`: `agrees`, `disagrees` or `undecided`.
    pub agreement: &'static str,
    pub title: String,
}

fn verdict_key(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Allowed { .. } => "allowed",
        Verdict::OriginNotAccepted { .. } => "origin-refused",
        Verdict::OutsideFilter { .. } => "outside-filter",
        Verdict::RateLimitReached { .. } => "rate-limit-reached",
        Verdict::InQuarantine { .. } => "in-quarantine",
        Verdict::KeysRefused { .. } => "key-refused",
    }
}

fn agreement_key(agreement: &Agreement) -> &'static str {
    match agreement {
        Agreement::Agrees => "agrees",
        Agreement::Disagrees { .. } => "disagrees",
        Agreement::Undecided => "undecided",
        Agreement::Explained { .. } => "explained",
    }
}

fn cause_text(cause: &InferredCause) -> Option<(&'static str, &'static str)> {
    match cause {
        InferredCause::InQuarantine { .. } => Some(("in quarantine?", "inferred-in-quarantine")),
        InferredCause::OriginProbablyRefused => {
            Some(("origin refused?", "inferred-origin-refused"))
        }
        InferredCause::ProbablyOutsideFilter => {
            Some(("outside filter?", "inferred-outside-filter"))
        }
        InferredCause::Circumstance(circumstance) => Some(match circumstance {
            Circumstance::SentToItself => ("sent to itself", "inferred-wrong-window"),
            Circumstance::UnknownRequest { .. } => ("unknown request", "inferred-unknown-request"),
            Circumstance::FollowerTab { .. } => ("follower tab", "inferred-follower-tab"),
            Circumstance::RealtimeDown { .. } => ("connection down", "inferred-realtime-down"),
        }),
        InferredCause::Unexplained => None,
    }
}

fn cause_sentence(cause: &InferredCause) -> &'static str {
    match cause {
        InferredCause::Circumstance(Circumstance::SentToItself) => "Posted to the app's own window: it never reached Workspace.",
        InferredCause::Circumstance(Circumstance::UnknownRequest { .. }) => "Not a Service Client API request: Workspace carries nothing out for it.",
        InferredCause::Circumstance(Circumstance::FollowerTab { .. }) => "Sent from a follower tab: actions are carried out by the leader tab.",
        InferredCause::Circumstance(Circumstance::RealtimeDown { .. }) => "Sent while the realtime connection was down.",
        InferredCause::InQuarantine { .. } => "No answer, within the quarantine a rate-limit error announced for this request.",
        InferredCause::OriginProbablyRefused => "This app never got any answer: its origin is probably not in service-client-api.accepted-web-content-origins.",
        InferredCause::ProbablyOutsideFilter => "This app got answers to other requests but never to this one: probably outside its origin's filter (auth.getJwtToken must be named explicitly).",
        InferredCause::Unexplained => "No answer, and nothing in the capture explains it.",
    }
}

pub fn request_cell(check: &RequestCheck) -> Option<PolicyCell> {
    match (&check.verdict, &check.inferred) {
        (Some(verdict), _) => {
            let mut title = verdict.explain(&check.name);
            let mut text = verdict.label().to_owned();
            if let Agreement::Disagrees { why } = &check.agreement {
                text.push_str(" ≠ seen");
                title.push_str("\nBut: ");
                title.push_str(why);
            }
            Some(PolicyCell {
                text,
                verdict: verdict_key(verdict),
                agreement: agreement_key(&check.agreement),
                title,
            })
        }
        (None, Some(cause)) => cause_text(cause).map(|(text, verdict)| PolicyCell {
            text: text.to_owned(),
            verdict,
            agreement: "undecided",
            title: cause_sentence(cause).to_owned(),
        }),
        (None, None) => None,
    }
}

pub fn read_cell(reads: &[&ReadCheck]) -> Option<PolicyCell> {
    let keys = |pick: fn(&ReadCheck) -> &Vec<String>| -> Vec<String> {
        reads
            .iter()
            .flat_map(|read| pick(read).iter().cloned())
            .collect()
    };
    let (hidden, probably, delivered) = (
        keys(|r| &r.hidden),
        keys(|r| &r.probably_hidden),
        keys(|r| &r.unreadable_delivered),
    );
    let (text, verdict, agreement, title) = if !delivered.is_empty() {
        (
            format!("shows {}", delivered.join(", ")),
            "read-unreadable",
            "disagrees",
            "Keys that the pasted read-allowed hides reached the app: the options in force differ."
                .to_owned(),
        )
    } else if !hidden.is_empty() {
        (
            format!("hides {}", hidden.join(", ")),
            "read-hidden",
            "agrees",
            "read-allowed hides these keys of the interaction from the app.".to_owned(),
        )
    } else if !probably.is_empty() {
        (
            format!("hides {}?", probably.join(", ")),
            "inferred-read-hidden",
            "undecided",
            "Written earlier and absent here: probably hidden by read-allowed.".to_owned(),
        )
    } else {
        return None;
    };
    Some(PolicyCell {
        text,
        verdict,
        agreement,
        title,
    })
}

fn expected_text(expected: &Expected) -> String {
    match expected {
        Expected::Answer => "an answer".to_owned(),
        Expected::Error { error_message } => {
            format!("the error \"{}\"", error_message.replace('\n', " "))
        }
        Expected::NoAnswer => "no answer (the client times out after 10 s)".to_owned(),
        Expected::ErrorOrNoAnswer => {
            "an errorMessage or no answer (Workspace's text is not public)".to_owned()
        }
    }
}

/// The details' Policy section for a request (nothing when there is neither a verdict nor a
/// probable cause to tell).
pub fn request_section(check: &RequestCheck) -> Html {
    if check.verdict.is_none() && check.inferred.is_none() {
        return Html::default();
    }
    let field =
        |label: &str, value: String| html! { <><dt>{ label.to_owned() }</dt><dd>{ value }</dd></> };
    let verdict = check.verdict.as_ref().map(|verdict| {
        html! {
            <>
                <dt>{ "Verdict" }</dt>
                <dd data-testid="policy-verdict" data-verdict={verdict_key(verdict)}>
                    <strong>{ verdict.label() }</strong>{ " — " }{ verdict.explain(&check.name) }
                </dd>
                { field("Expected", expected_text(&verdict.expected())) }
            </>
        }
    });
    let agreement = match &check.agreement {
        Agreement::Agrees => field(
            "Agreement",
            "what the capture shows is what the options predict".to_owned(),
        ),
        Agreement::Disagrees { why } => html! {
            <><dt>{ "Agreement" }</dt><dd class="disagrees" data-testid="policy-disagreement">{ why.clone() }</dd></>
        },
        Agreement::Explained { why } => html! {
            <><dt>{ "Agreement" }</dt><dd data-testid="policy-explained">{ format!("Not what the options predict, and not their doing: {why}") }</dd></>
        },
        Agreement::Undecided => Html::default(),
    };
    let inferred = check
        .inferred
        .as_ref()
        .map(|cause| field("Probable cause", cause_sentence(cause).to_owned()));
    html! {
        <>
            <h3>{ "Workspace policy" }</h3>
            <dl data-testid="policy-section">
                { verdict.unwrap_or_default() }
                { field("Observed", check.observed.label().to_owned()) }
                { agreement }
                { inferred.unwrap_or_default() }
            </dl>
        </>
    }
}

/// The details' section for a result or event carrying userData: what the policy hides there
/// (nothing when it hides nothing; the keys themselves are in the userData table).
pub fn read_section(reads: &[&ReadCheck]) -> Html {
    let telling = |read: &&&ReadCheck| {
        !read.hidden.is_empty()
            || !read.probably_hidden.is_empty()
            || !read.unreadable_delivered.is_empty()
    };
    if !reads.iter().any(|read| telling(&read)) {
        return Html::default();
    }
    let list = |keys: &[String]| keys.join(", ");
    html! {
        <>
            <h3>{ "User data and read-allowed" }</h3>
            { for reads.iter().filter(telling).map(|read| html! {
                <dl data-testid="read-section" data-interaction-id={read.interaction_id.clone()}>
                    <dt>{ "Interaction" }</dt><dd>{ read.interaction_id.clone().unwrap_or_else(|| "(no interactionId)".to_owned()) }</dd>
                    <dt>{ "Keys delivered" }</dt><dd>{ list(&read.present) }</dd>
                    if !read.hidden.is_empty() {
                        <dt>{ "Hidden by read-allowed" }</dt><dd data-testid="hidden-keys">{ list(&read.hidden) }</dd>
                    }
                    if !read.probably_hidden.is_empty() {
                        <dt>{ "Probably hidden" }</dt><dd data-testid="probably-hidden-keys">{ list(&read.probably_hidden) }</dd>
                    }
                    if !read.unreadable_delivered.is_empty() {
                        <dt>{ "Delivered though read-allowed hides them" }</dt><dd class="disagrees">{ list(&read.unreadable_delivered) }</dd>
                    }
                </dl>
            }) }
        </>
    }
}
