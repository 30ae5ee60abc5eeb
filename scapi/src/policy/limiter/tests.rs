use super::*;
use proptest::prelude::*;

/// The seed's sample: no global limit, voice.dial 4 and email.create 2 per minute.
fn seed_limits() -> RateLimits {
    RateLimits {
        global: 0,
        per_request: vec![("voice.dial".into(), 4), ("email.create".into(), 2)],
        quarantine_seconds: 30,
    }
}

/// 12:00:00.000 on some day, on a minute boundary.
const MINUTE: f64 = 1_764_072_000_000.0;

#[test]
fn the_seed_sample_limits_voice_dial_to_four_and_email_create_to_two() {
    let mut limiter = RateLimiter::new(seed_limits());
    for i in 0..4 {
        let decision = limiter.admit("voice.dial", MINUTE + 1000.0 * f64::from(i));
        assert!(
            matches!(decision, RateDecision::Counted { request_count, .. } if request_count == i + 1)
        );
    }
    let fifth = limiter.admit("voice.dial", MINUTE + 5_000.0);
    assert_eq!(
        fifth,
        RateDecision::LimitReached {
            kind: LimitKind::Request,
            limit: 4,
            window_start: MINUTE,
            quarantine_until: Some(MINUTE + 35_000.0),
            // The seed's text, exactly.
            error_message: "The rate limit for the request 'voice.dial' has been reached.\nFurther requests of the same type will be ignored for 30 seconds.".into(),
        }
    );
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE + 6_000.0),
        RateDecision::Quarantined { until: Some(until), .. } if until == MINUTE + 35_000.0
    ));
    // Other requests are not limited ("there are no limits globally").
    for i in 0..100 {
        assert!(matches!(
            limiter.admit("agent.getState", MINUTE + 7_000.0 + f64::from(i)),
            RateDecision::Counted { .. }
        ));
    }
    assert!(matches!(
        limiter.admit("email.create", MINUTE + 8_000.0),
        RateDecision::Counted { .. }
    ));
    assert!(matches!(
        limiter.admit("email.create", MINUTE + 9_000.0),
        RateDecision::Counted { .. }
    ));
    assert!(matches!(
        limiter.admit("email.create", MINUTE + 10_000.0),
        RateDecision::LimitReached { limit: 2, .. }
    ));
    // The next minute counts afresh once the quarantine is over.
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE + 60_000.0),
        RateDecision::Counted { request_count: 1, window_start, .. } if window_start == MINUTE + 60_000.0
    ));
}

#[test]
fn windows_are_fixed_minutes_not_sliding() {
    let mut limiter = RateLimiter::new(seed_limits());
    // Four at the end of one minute and four at the start of the next: eight in two seconds,
    // which a sliding window would refuse.
    for i in 0..4 {
        assert!(matches!(
            limiter.admit("voice.dial", MINUTE + 59_000.0 + 100.0 * f64::from(i)),
            RateDecision::Counted { .. }
        ));
    }
    for i in 0..4 {
        assert!(matches!(
            limiter.admit("voice.dial", MINUTE + 60_000.0 + 100.0 * f64::from(i)),
            RateDecision::Counted { .. }
        ));
    }
}

#[test]
fn a_zero_delay_quarantines_forever() {
    let mut limiter = RateLimiter::new(RateLimits {
        global: 0,
        per_request: vec![("voice.dial".into(), 1)],
        quarantine_seconds: 0,
    });
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE),
        RateDecision::Counted { .. }
    ));
    let RateDecision::LimitReached {
        quarantine_until,
        error_message,
        ..
    } = limiter.admit("voice.dial", MINUTE + 1.0)
    else {
        panic!()
    };
    assert_eq!(quarantine_until, None);
    assert!(
        crate::rate_limit::parse_rate_limit(&error_message)
            .unwrap()
            .forever
    );
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE + 86_400_000.0),
        RateDecision::Quarantined { until: None, .. }
    ));
}

#[test]
fn the_global_limit_applies_beside_per_request_limits() {
    let mut limiter = RateLimiter::new(RateLimits {
        global: 3,
        per_request: vec![("voice.dial".into(), 10)],
        quarantine_seconds: 30,
    });
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE),
        RateDecision::Counted { .. }
    ));
    assert!(matches!(
        limiter.admit("agent.get", MINUTE + 1.0),
        RateDecision::Counted { .. }
    ));
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE + 2.0),
        RateDecision::Counted {
            global_count: 3,
            ..
        }
    ));
    assert!(matches!(
        limiter.admit("agent.getState", MINUTE + 3.0),
        RateDecision::LimitReached {
            kind: LimitKind::Global,
            limit: 3,
            ..
        }
    ));
    // The quarantine is of the request name that went over.
    assert!(matches!(
        limiter.admit("agent.getState", MINUTE + 4.0),
        RateDecision::Quarantined {
            kind: LimitKind::Global,
            ..
        }
    ));
    assert!(matches!(
        limiter.admit("voice.dial", MINUTE + 5.0),
        RateDecision::LimitReached {
            kind: LimitKind::Global,
            ..
        }
    ));
}

/// What the limiter decided for one request, for the properties.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Counted,
    Reached,
    Ignored,
}

fn run(
    limits: &RateLimits,
    arrivals: &[(f64, bool)],
) -> Vec<(f64, &'static str, Kind, Option<f64>)> {
    let mut limiter = RateLimiter::new(limits.clone());
    arrivals
        .iter()
        .map(|&(at, dial)| {
            let name = if dial { "voice.dial" } else { "agent.get" };
            let (kind, until) = match limiter.admit(name, at) {
                RateDecision::Counted { .. } => (Kind::Counted, None),
                RateDecision::LimitReached {
                    quarantine_until, ..
                } => (Kind::Reached, quarantine_until),
                RateDecision::Quarantined { .. } => (Kind::Ignored, None),
            };
            (at, name, kind, until)
        })
        .collect()
}

fn arrivals() -> impl Strategy<Value = Vec<(f64, bool)>> {
    // Up to 200 requests over about five minutes, in time order.
    prop::collection::vec((0u32..300_000, any::<bool>()), 0..200).prop_map(|mut items| {
        items.sort_by_key(|(at, _)| *at);
        items
            .into_iter()
            .map(|(at, dial)| (MINUTE + f64::from(at), dial))
            .collect()
    })
}

proptest! {
    #[test]
    fn no_window_counts_more_than_its_limits(
        arrivals in arrivals(),
        limit in 1u32..8,
        global in 0u32..12,
        quarantine in 0u64..90,
    ) {
        let limits = RateLimits { global, per_request: vec![("voice.dial".into(), limit)], quarantine_seconds: quarantine };
        let decided = run(&limits, &arrivals);
        let mut per_window: HashMap<(i64, &str), u32> = HashMap::new();
        let mut all_per_window: HashMap<i64, u32> = HashMap::new();
        for (at, name, kind, _) in &decided {
            if *kind == Kind::Counted {
                *per_window.entry((window_of(*at), name)).or_default() += 1;
                *all_per_window.entry(window_of(*at)).or_default() += 1;
            }
        }
        for ((_, name), count) in per_window {
            if name == "voice.dial" {
                prop_assert!(count <= limit);
            }
        }
        if global > 0 {
            for count in all_per_window.into_values() {
                prop_assert!(count <= global);
            }
        }
    }

    #[test]
    fn the_error_goes_to_the_first_request_over_the_limit_and_the_quarantine_follows(
        arrivals in arrivals(),
        limit in 1u32..6,
        quarantine in 0u64..90,
    ) {
        let limits = RateLimits { global: 0, per_request: vec![("voice.dial".into(), limit)], quarantine_seconds: quarantine };
        let decided = run(&limits, &arrivals);
        let dials: Vec<_> = decided.iter().filter(|d| d.1 == "voice.dial").collect();
        let mut quarantined_until: Option<Option<f64>> = None; // Some(None) = forever
        let mut counted_in: HashMap<i64, u32> = HashMap::new();
        for &&(at, _, kind, until) in &dials {
            let in_quarantine = match quarantined_until {
                Some(None) => true,
                Some(Some(end)) => at < end,
                None => false,
            };
            let window = window_of(at);
            let counted = counted_in.get(&window).copied().unwrap_or(0);
            let expected = if in_quarantine {
                Kind::Ignored
            } else if counted >= limit {
                Kind::Reached
            } else {
                Kind::Counted
            };
            prop_assert_eq!(kind, expected, "at {}", at - MINUTE);
            match kind {
                Kind::Counted => *counted_in.entry(window).or_default() += 1,
                Kind::Reached => {
                    let end = (quarantine > 0).then_some(at + quarantine as f64 * 1000.0);
                    prop_assert_eq!(until, end);
                    quarantined_until = Some(end);
                }
                Kind::Ignored => {}
            }
        }
        // agent.get has no limit: never refused.
        prop_assert!(decided.iter().filter(|d| d.1 == "agent.get").all(|d| d.2 == Kind::Counted));
    }
}
