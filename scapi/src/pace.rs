//! How often a costly recurring job may run while data keeps coming: at least `least_ms` apart,
//! and at least `duty` times what it took last (so it takes at most about 1/(duty+1) of a
//! thread), but never more than `most_ms` apart. The panel's analysis and drawing and the
//! background's badge count each run at such a pace; the page shares the machine with them.

/// A job's pace (all times in milliseconds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    pub least_ms: f64,
    pub duty: f64,
    pub most_ms: f64,
}

impl Pace {
    /// The least time from one start of the job to the next, when the last run took `took`.
    pub fn gap(&self, took: f64) -> f64 {
        (took * self.duty).clamp(self.least_ms, self.most_ms.max(self.least_ms))
    }

    /// How long from `now` until the job may run again (zero or less: now), when it last started
    /// at `last` and took `took`.
    pub fn wait(&self, last: f64, took: f64, now: f64) -> f64 {
        last + self.gap(took) - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cheap_job_runs_at_its_least_gap_a_costly_one_at_its_duty_and_never_past_the_most() {
        let badge = Pace {
            least_ms: 1000.0,
            duty: 20.0,
            most_ms: f64::INFINITY,
        };
        assert_eq!(badge.gap(2.0), 1000.0, "cheap: once a second");
        assert_eq!(
            badge.gap(120.0),
            2400.0,
            "costly: twenty times what it took"
        );
        assert_eq!(badge.wait(10_000.0, 120.0, 11_000.0), 1400.0);
        assert!(
            badge.wait(f64::NEG_INFINITY, 0.0, 0.0) <= 0.0,
            "never ran: now"
        );

        let analysis = Pace {
            least_ms: 0.0,
            duty: 16.0,
            most_ms: 3000.0,
        };
        assert_eq!(analysis.gap(10.0), 160.0);
        assert_eq!(
            analysis.gap(400.0),
            3000.0,
            "a capped wait keeps a stream current"
        );

        // A least gap above the most (a fast stream's draws) wins.
        let draw = Pace {
            least_ms: 250.0,
            duty: 4.0,
            most_ms: 160.0,
        };
        assert_eq!(draw.gap(1.0), 250.0);
        assert_eq!(draw.gap(100.0), 250.0);
    }
}
