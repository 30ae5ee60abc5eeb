use super::*;

/// The seed's example value of the option.
const SEED_EXAMPLE: &str = "http://my-web-server0, http://my-web-server1 (*), http://my-web-server2 (agent.*, voice.dial), http://my-web-server3 (agent.*, interaction.*)";

fn allowed(origins: &AcceptedOrigins, origin: &str, request: &str) -> bool {
    origins
        .rule_for(origin)
        .is_some_and(|rule| matches!(rule.admits(request), FilterDecision::Allowed { .. }))
}

#[test]
fn the_seed_example_allows_what_the_seed_says() {
    let origins = parse_accepted_origins(SEED_EXAMPLE).unwrap();
    assert_eq!(origins.rules.len(), 4);
    // "everything is allowed for the http://my-web-server0 and http://my-web-server1"
    for origin in ["http://my-web-server0", "http://my-web-server1"] {
        for request in [
            "voice.dial",
            "interaction.setUserData",
            "agent.getState",
            "system.popupToast",
        ] {
            assert!(allowed(&origins, origin, request), "{origin} {request}");
        }
    }
    // "only the agent.getStateList, agent.setState, agent.getState and voice.dial requests"
    let server2 = "http://my-web-server2";
    for request in [
        "agent.getStateList",
        "agent.setState",
        "agent.getState",
        "voice.dial",
    ] {
        assert!(allowed(&origins, server2, request), "{request}");
    }
    for request in ["voice.answer", "interaction.setUserData", "email.create"] {
        assert!(!allowed(&origins, server2, request), "{request}");
    }
    let server3 = "http://my-web-server3";
    assert!(allowed(&origins, server3, "interaction.setUserData"));
    assert!(allowed(&origins, server3, "agent.setState"));
    assert!(!allowed(&origins, server3, "voice.dial"));
    assert!(origins.rule_for("http://my-web-server4").is_none());
    assert_eq!(origins.text(), SEED_EXAMPLE);
}

#[test]
fn the_jwt_request_needs_its_own_name() {
    let origins = parse_accepted_origins(
        "http://a, http://b (*), http://c (*, auth.getJwtToken), http://d (auth.*)",
    )
    .unwrap();
    let decision = |origin: &str| origins.rule_for(origin).unwrap().admits(JWT_REQUEST);
    assert_eq!(decision("http://a"), FilterDecision::JwtNotNamed);
    assert_eq!(decision("http://b"), FilterDecision::JwtNotNamed);
    assert_eq!(decision("http://d"), FilterDecision::JwtNotNamed);
    assert_eq!(
        decision("http://c"),
        FilterDecision::Allowed {
            by: Some(JWT_REQUEST.to_owned())
        }
    );
    // auth.* still covers the other auth request.
    assert!(allowed(&origins, "http://d", "auth.getPureCloudToken"));
}

#[test]
fn star_accepts_every_origin_but_an_own_entry_wins() {
    let origins = parse_accepted_origins("* (agent.*), https://crm.example").unwrap();
    assert!(allowed(&origins, "https://other.example", "agent.get"));
    assert!(!allowed(&origins, "https://other.example", "voice.dial"));
    assert!(allowed(&origins, "https://crm.example", "voice.dial"));
    // Origins compare without regard to case, as browsers serialize them lower-case.
    assert!(allowed(&origins, "HTTPS://CRM.example", "voice.dial"));
}

#[test]
fn an_empty_value_accepts_nothing() {
    let origins = parse_accepted_origins("").unwrap();
    assert!(origins.rules.is_empty());
    assert!(origins.rule_for("http://a").is_none());
}

fn first_error(value: &str) -> ValueError {
    parse_accepted_origins(value).unwrap_err().remove(0)
}

#[test]
fn an_origin_with_a_path_is_an_error_with_its_column() {
    let error = first_error("http://a, https://crm.example/app/index.html (agent.*)");
    assert_eq!(error.column, 11);
    assert!(error.problem.contains("has a path"), "{}", error.problem);
    assert!(
        error.problem.contains("`https://crm.example`"),
        "{}",
        error.problem
    );
    assert!(first_error("https://crm.example/")
        .problem
        .contains("has a path"));
}

#[test]
fn unbalanced_parentheses_are_errors() {
    let error = first_error("http://a (agent.*, voice.dial");
    assert_eq!(error.column, 10);
    assert!(error.problem.contains("never closed"), "{}", error.problem);
    let error = first_error("http://a agent.*)");
    assert!(
        error.problem.contains("without a matching"),
        "{}",
        error.problem
    );
    assert!(first_error("http://a ((agent.*))")
        .problem
        .contains("do not nest"));
}

#[test]
fn bad_filters_and_origins_say_what_to_write() {
    assert!(first_error("http://a ()").problem.contains("empty filter"));
    let error = first_error("http://a (voice.pauseRecording)");
    assert!(
        error.problem.contains("voice.pauseCallRecording"),
        "{}",
        error.problem
    );
    let error = first_error("http://a (Agent.*)");
    assert!(error.problem.contains("`agent.*`"), "{}", error.problem);
    assert!(first_error("crm.example")
        .problem
        .contains("https://crm.example"));
    assert!(first_error("https://*.example.com")
        .problem
        .contains("wildcards"));
    assert!(first_error("http://a:80").problem.contains("default port"));
    assert!(first_error("http://a:x").problem.contains("not a number"));
    assert!(first_error("http://a http://b").problem.contains("space"));
    assert!(first_error("http://a,, http://b")
        .problem
        .contains("empty entry"));
    assert!(first_error("http://a (agent.*) voice.dial")
        .problem
        .contains("comma"));
    assert!(first_error("http://a, http://a (agent.*)")
        .problem
        .contains("listed twice"));
    assert!(first_error("(agent.*)")
        .problem
        .contains("without an origin"));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let errors = parse_accepted_origins("crm.example, http://b/x, http://c (nope.*)").unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn ports_and_non_default_schemes_are_kept() {
    let origins = parse_accepted_origins("http://localhost:8080, chrome-extension://abc").unwrap();
    assert!(allowed(&origins, "http://localhost:8080", "agent.get"));
    assert!(!allowed(&origins, "http://localhost:8081", "agent.get"));
    assert!(allowed(&origins, "chrome-extension://abc", "agent.get"));
}
