use super::*;
use crate::policy::options::parse_options;
use serde_json::json;

fn engine(options: &str) -> PolicyEngine {
    PolicyEngine::new(parse_options(options).unwrap().options)
}

const MINUTE: f64 = 1_764_072_000_000.0;

/// The seed's four-server example.
const FOUR_SERVERS: &str = "service-client-api.accepted-web-content-origins=http://my-web-server0, http://my-web-server1 (*), http://my-web-server2 (agent.*, voice.dial), http://my-web-server3 (agent.*, interaction.*)";

#[test]
fn the_four_server_example_judged_request_by_request() {
    let mut engine = engine(FOUR_SERVERS);
    let mut judge = |origin: &str, request: &str| engine.judge(origin, request, None, MINUTE);
    assert!(judge("http://my-web-server0", "interaction.setUserData").is_allowed());
    assert!(judge("http://my-web-server1", "voice.answer").is_allowed());
    assert_eq!(
        judge("http://my-web-server2", "agent.getStateList"),
        Verdict::Allowed {
            rule: "http://my-web-server2 (agent.*, voice.dial)".into(),
            pattern: Some("agent.*".into()),
            counted: None
        }
    );
    assert!(judge("http://my-web-server2", "voice.dial").is_allowed());
    let refused = judge("http://my-web-server2", "voice.answer");
    assert_eq!(
        refused,
        Verdict::OutsideFilter {
            origin: "http://my-web-server2".into(),
            rule: "http://my-web-server2 (agent.*, voice.dial)".into(),
            jwt_needs_explicit: false
        }
    );
    assert_eq!(refused.expected(), Expected::ErrorOrNoAnswer);
    assert!(refused
        .explain("voice.answer")
        .contains("outside the filter"));
    assert!(judge("http://my-web-server3", "interaction.markdone").is_allowed());
    assert!(!judge("http://my-web-server3", "voice.dial").is_allowed());
    let jwt = judge("http://my-web-server1", "auth.getJwtToken");
    assert!(
        matches!(
            jwt,
            Verdict::OutsideFilter {
                jwt_needs_explicit: true,
                ..
            }
        ),
        "{jwt:?}"
    );
    assert!(jwt.explain("auth.getJwtToken").contains("named explicitly"));
    let stranger = judge("http://my-web-server4", "agent.get");
    assert!(matches!(stranger, Verdict::OriginNotAccepted { .. }));
    assert_eq!(
        stranger.emulated_error("agent.get"),
        None,
        "an unaccepted origin gets silence"
    );
}

#[test]
fn the_rate_limit_sample_gives_the_error_then_silence() {
    let mut engine = engine("service-client-api.accepted-web-content-origins=*\nservice-client-api.rate-limit=0\nservice-client-api.rate-limit.voice.dial=4\nservice-client-api.rate-limit.email.create=2");
    let params = json!(["5001", null]);
    for i in 0..4 {
        let verdict = engine.judge(
            "http://app",
            "voice.dial",
            Some(&params),
            MINUTE + f64::from(i),
        );
        assert!(
            matches!(&verdict, Verdict::Allowed { counted: Some(WindowCount { request_count, .. }), .. } if *request_count == i + 1),
            "{verdict:?}"
        );
    }
    let fifth = engine.judge("http://app", "voice.dial", Some(&params), MINUTE + 10.0);
    assert_eq!(
        fifth.expected(),
        Expected::Error { error_message: "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.".into() }
    );
    let sixth = engine.judge("http://app", "voice.dial", Some(&params), MINUTE + 20.0);
    assert_eq!(sixth.expected(), Expected::NoAnswer);
    assert_eq!(sixth.emulated_error("voice.dial"), None);
    assert!(engine
        .judge("http://app", "email.create", None, MINUTE + 30.0)
        .is_allowed());
}

#[test]
fn refused_requests_do_not_count_against_a_limit() {
    let mut engine = engine("service-client-api.accepted-web-content-origins=http://ok\nservice-client-api.rate-limit.voice.dial=2");
    for i in 0..10 {
        assert!(matches!(
            engine.judge("http://other", "voice.dial", None, MINUTE + f64::from(i)),
            Verdict::OriginNotAccepted { .. }
        ));
    }
    assert!(engine
        .judge("http://ok", "voice.dial", None, MINUTE + 20.0)
        .is_allowed());
    assert!(engine
        .judge("http://ok", "voice.dial", None, MINUTE + 21.0)
        .is_allowed());
    assert!(matches!(
        engine.judge("http://ok", "voice.dial", None, MINUTE + 22.0),
        Verdict::RateLimitReached { .. }
    ));
}

#[test]
fn the_key_example_refuses_writes_outside_write_allowed_and_hides_reads() {
    // The seed: write Key1, Key3; read Key1, Key2, Key3.
    let mut engine = engine("service-client-api.accepted-web-content-origins=*\nservice-client-api.user-data.write-allowed=Key1,Key3\nservice-client-api.user-data.read-allowed=Key1,Key2,Key3");
    let write = |keys: serde_json::Value| json!(["1", keys]);
    assert!(engine
        .judge(
            "http://a",
            "interaction.setUserData",
            Some(&write(json!({"Key1": "x", "Key3": "y"}))),
            MINUTE
        )
        .is_allowed());
    let refused = engine.judge(
        "http://a",
        "interaction.setUserData",
        Some(&write(json!({"Key1": "x", "Key2": "y"}))),
        MINUTE,
    );
    assert_eq!(
        refused,
        Verdict::KeysRefused {
            interaction_id: Some("1".into()),
            refused: vec!["Key2".into()],
            write_allowed: "Key1,Key3".into()
        }
    );
    assert!(refused
        .explain("interaction.setUserData")
        .contains("`Key2` is not in service-client-api.user-data.write-allowed"));
    assert!(refused
        .emulated_error("interaction.setUserData")
        .unwrap()
        .contains("'Key2'"));
    assert!(matches!(
        engine.judge(
            "http://a",
            "interaction.deleteUserData",
            Some(&json!(["1", "Key2"])),
            MINUTE
        ),
        Verdict::KeysRefused { .. }
    ));
    assert!(engine
        .judge(
            "http://a",
            "interaction.deleteUserData",
            Some(&json!(["1", "Key3"])),
            MINUTE
        )
        .is_allowed());
    // voice.dial's user data is not limited by write-allowed.
    assert!(engine
        .judge(
            "http://a",
            "voice.dial",
            Some(&json!(["5001", {"Key2": "x"}])),
            MINUTE
        )
        .is_allowed());

    let mut event = json!({"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": "1", "userData": {"Key1": "a", "Key2": "b", "Key4": "c"}}});
    assert_eq!(engine.hide_unreadable(&mut event), ["Key4"]);
    assert_eq!(
        event["interaction"]["userData"],
        json!({"Key1": "a", "Key2": "b"})
    );
}

#[test]
fn subscriptions_need_only_an_accepted_origin() {
    let engine = engine("service-client-api.accepted-web-content-origins=http://a (voice.dial)");
    assert_eq!(
        engine.origin_verdict("http://a"),
        Ok("http://a (voice.dial)".to_owned())
    );
    assert!(engine.origin_verdict("http://b").is_err());
}
