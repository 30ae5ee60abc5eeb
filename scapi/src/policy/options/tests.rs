use super::*;
use crate::policy::origins::FilterDecision;
use crate::policy::user_data::KeyAccess;

fn parse(text: &str) -> WorkspaceOptions {
    parse_options(text)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .options
}

fn errors_of(text: &str) -> Vec<OptionError> {
    parse_options(text).expect_err("should not parse")
}

/// The seed's rate-limit sample, as it appears there.
const SEED_RATE_SAMPLE: &str = "service-client-api.rate-limit=0
service-client-api.rate-limit.voice.dial=4
service-client-api.rate-limit.email.create=2
";

#[test]
fn the_seed_rate_limit_sample_reads_as_the_seed_explains() {
    let options = parse(SEED_RATE_SAMPLE);
    assert_eq!(options.rate_limits.global, 0);
    assert_eq!(options.rate_limits.limit_for("voice.dial"), 4);
    assert_eq!(options.rate_limits.limit_for("email.create"), 2);
    assert_eq!(options.rate_limits.limit_for("agent.get"), 0);
    assert_eq!(
        options.rate_limits.quarantine_seconds, 30,
        "the default delay"
    );
    assert!(!options.is_given(QUARANTINE_DELAY));
}

#[test]
fn the_seed_user_data_sample_reads_as_the_seed_explains() {
    let options = parse(
        "service-client-api.user-data.write-allowed=Key1,Key3\nservice-client-api.user-data.read-allowed=Key1,Key2,Key3",
    );
    assert!(options.write_allowed.allows("Key3") && !options.write_allowed.allows("Key2"));
    assert!(options.read_allowed.allows("Key2") && !options.read_allowed.allows("Key4"));
}

#[test]
fn defaults_are_workspaces_and_say_so() {
    let options = parse("");
    assert!(options.accepted_origins.rules.is_empty());
    assert_eq!(options.read_allowed, KeyAccess::All);
    assert_eq!(options.rate_limits.quarantine_seconds, 30);
    let text = options.to_text();
    assert!(
        text.contains(
            "# not given, Workspace's default:\nservice-client-api.accepted-web-content-origins=\n"
        ),
        "{text}"
    );
}

#[test]
fn an_ini_section_a_table_copy_and_json_read_the_same() {
    let ini = "; exported from the configuration server\n[interaction-workspace]\nservice-client-api.accepted-web-content-origins = http://my-web-server2 (agent.*, voice.dial)\nservice-client-api.rate-limit-quarantine-delay = 60\nvoice.dial-on-enter = true\n\n[interaction-workspace-other]\nsomething=1\n";
    let table = "service-client-api.accepted-web-content-origins\thttp://my-web-server2 (agent.*, voice.dial)\nservice-client-api.rate-limit-quarantine-delay\t60\n";
    let json = r#"{"interaction-workspace": {"service-client-api.accepted-web-content-origins": ["http://my-web-server2 (agent.*", "voice.dial)"], "service-client-api.rate-limit-quarantine-delay": 60}}"#;
    let flat_json = r#"{"service-client-api.accepted-web-content-origins": "http://my-web-server2 (agent.*, voice.dial)", "service-client-api.rate-limit-quarantine-delay": "60"}"#;
    let expected = parse(ini);
    assert_eq!(expected.rate_limits.quarantine_seconds, 60);
    let rule = expected
        .accepted_origins
        .rule_for("http://my-web-server2")
        .unwrap();
    assert_eq!(
        rule.admits("voice.dial"),
        FilterDecision::Allowed {
            by: Some("voice.dial".into())
        }
    );
    for other in [table, json, flat_json] {
        assert_eq!(parse(other), expected, "{other}");
    }
    let notes = parse_options(ini).unwrap().notes;
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].line, 5);
    assert!(notes[0].note.contains("voice.dial-on-enter"));
}

#[test]
fn quotes_a_section_path_and_case_in_option_words_are_accepted() {
    let options = parse("interaction-workspace/Service-Client-API.Rate-Limit=\"50\"\nservice-client-api.user-data.read-allowed='*'");
    assert_eq!(options.rate_limits.global, 50);
    assert_eq!(options.read_allowed, KeyAccess::All);
}

#[test]
fn an_origin_with_a_path_is_named_with_line_and_column() {
    let errors = errors_of("service-client-api.rate-limit=10\nservice-client-api.accepted-web-content-origins=http://a, https://crm.example/app (agent.*)\n");
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!(error.line, 2);
    assert_eq!(error.column, Some(59));
    assert_eq!(error.option.as_deref(), Some(ACCEPTED_ORIGINS));
    let text = error.to_string();
    assert!(text.starts_with("line 2, column 59: service-client-api.accepted-web-content-origins: `https://crm.example/app` has a path"), "{text}");
}

#[test]
fn unbalanced_parentheses_negative_and_non_numeric_limits_are_errors() {
    let errors = errors_of("service-client-api.accepted-web-content-origins=http://a (agent.*\nservice-client-api.rate-limit=-5\nservice-client-api.rate-limit.voice.dial=four\nservice-client-api.rate-limit-quarantine-delay=1.5\n");
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(errors[0].problem.contains("never closed"));
    assert_eq!(
        (errors[1].line, errors[1].problem.contains("negative")),
        (2, true),
        "{errors:?}"
    );
    assert_eq!(
        (
            errors[2].line,
            errors[2].problem.contains("not a whole number")
        ),
        (3, true)
    );
    assert!(errors[3].problem.contains("not a whole number"));
}

#[test]
fn unknown_options_get_a_suggestion() {
    let errors = errors_of("service-client-api.rate-limt=5\nservice-client-api.rate-limit.voice.dail=4\nservice-client-api.user-data.read-alowed=*\nservice-client-api.nothing-like-it-at-all=1");
    assert!(
        errors[0]
            .problem
            .contains("did you mean `service-client-api.rate-limit`?"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1]
            .problem
            .contains("did you mean `service-client-api.rate-limit.voice.dial`?"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2]
            .problem
            .contains("service-client-api.user-data.read-allowed"),
        "{}",
        errors[2]
    );
    assert!(
        errors[3]
            .problem
            .contains("the Service Client API options are"),
        "{}",
        errors[3]
    );
    assert_eq!(
        errors[0].column, None,
        "an unknown name is the key's problem"
    );
}

#[test]
fn twice_the_same_option_and_an_option_in_another_section_are_errors() {
    let errors = errors_of("service-client-api.rate-limit=5\nservice-client-api.rate-limit=6\n[interaction-workspace-x]\nservice-client-api.rate-limit.voice.dial=1\n");
    assert!(
        errors[0].problem.contains("set twice (also on line 1)"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].problem.contains("[interaction-workspace]"),
        "{}",
        errors[1]
    );
    assert_eq!(errors[1].line, 4);
}

#[test]
fn lines_that_are_not_options_and_bad_json_name_their_place() {
    let errors = errors_of("[interaction-workspace\njust words");
    assert!(errors[0].problem.contains("must end with `]`"));
    assert_eq!(errors[1].line, 2);
    assert!(
        errors[1].problem.contains("not `option=value`"),
        "{}",
        errors[1]
    );
    let errors = errors_of("{\n  \"service-client-api.rate-limit\": 5,\n}");
    assert_eq!(errors[0].line, 3);
    assert!(errors[0].problem.starts_with("not JSON"));
    let errors = errors_of("{\n\"service-client-api.rate-limit\": true}");
    assert_eq!(errors[0].line, 2);
    assert!(
        errors[0].problem.contains("not a boolean") || errors[0].problem.contains("boolean"),
        "{}",
        errors[0]
    );
}

#[test]
fn the_text_form_reads_back_the_same_options() {
    let options = parse(&format!(
        "{SEED_RATE_SAMPLE}service-client-api.accepted-web-content-origins=http://a (*, auth.getJwtToken), http://b\nservice-client-api.user-data.write-allowed=Key1,Key3\nservice-client-api.block-markdone-timeout=5000\n"
    ));
    let again = parse(&options.to_text());
    assert_eq!(again.accepted_origins, options.accepted_origins);
    assert_eq!(again.rate_limits, options.rate_limits);
    assert_eq!(again.write_allowed, options.write_allowed);
    assert_eq!(again.block_markdone_timeout_ms, Some(5000));
}

#[test]
fn a_key_with_a_multibyte_character_where_the_prefix_ends_is_no_option() {
    // Found by the fuzz target: the prefix test must not cut a character in two.
    let parsed = parse_options("service-client-api\u{324}e+t-ali.=1").unwrap();
    assert_eq!(parsed.notes.len(), 1);
}
