//! Arbitrary text as pasted Workspace options: `policy::parse_options` reads whatever an
//! administrator pastes, so it may never panic; what it accepts must read back the same from its
//! own text form, and an engine built from it must judge any request without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scapi::policy::{parse_options, PolicyEngine};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = match parse_options(text) {
        Ok(parsed) => parsed,
        Err(errors) => {
            assert!(!errors.is_empty(), "an error result names at least one problem");
            for error in &errors {
                assert!(error.line >= 1, "lines count from 1: {error}");
                let _ = error.to_string();
            }
            return;
        }
    };
    let again = parse_options(&parsed.options.to_text())
        .unwrap_or_else(|e| panic!("the text form of accepted options does not read back: {e:?}"));
    assert_eq!(again.options.accepted_origins, parsed.options.accepted_origins);
    assert_eq!(again.options.rate_limits, parsed.options.rate_limits);
    assert_eq!(again.options.read_allowed, parsed.options.read_allowed);
    assert_eq!(again.options.write_allowed, parsed.options.write_allowed);
    let mut engine = PolicyEngine::new(parsed.options);
    for (i, request) in ["voice.dial", "auth.getJwtToken", "interaction.setUserData"].iter().enumerate() {
        let _ = engine.judge("http://a", request, None, i as f64 * 1000.0);
    }
});
