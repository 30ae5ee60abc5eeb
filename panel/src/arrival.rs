//! How fast records arrive: what the list's drawing pace follows.

/// Records a second arriving lately: a count that leaks away with a one-second time constant.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ArrivalRate {
    level: f64,
    at: f64,
}

impl ArrivalRate {
    /// `added` records arrived at `now` (ms).
    pub fn add(&mut self, added: usize, now: f64) {
        self.level = self.at_time(now) + added as f64;
        self.at = now;
    }

    /// About how many records arrived in the second before `now`.
    pub fn at_time(&self, now: f64) -> f64 {
        self.level * (-(now - self.at).max(0.0) / 1000.0).exp()
    }

    /// The least time (ms) between two draws of the list at `now`: `usual`, or while more than
    /// [`FAST_STREAM`] records a second arrive, [`FAST_DRAW_EVERY_MS`].
    pub fn least_draw_gap(&self, now: f64, usual: f64) -> f64 {
        if self.at_time(now) > FAST_STREAM {
            FAST_DRAW_EVERY_MS.max(usual)
        } else {
            usual
        }
    }
}

/// Beyond this many records a second no one reads the rows as they fly by (each draw replaces
/// every row): the list then draws at most every FAST_DRAW_EVERY_MS, and leaves the machine to
/// the page. (At 500 a second a record still shows within 250 ms.)
pub const FAST_STREAM: f64 = 1_000.0;
pub const FAST_DRAW_EVERY_MS: f64 = 250.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_stream_reads_as_its_rate_and_a_pause_leaks_it_away() {
        let mut rate = ArrivalRate::default();
        // 2,400 records a second, in batches of 240 every 100 ms, for 3 s.
        for step in 1..=30 {
            rate.add(240, f64::from(step) * 100.0);
        }
        let now = rate.at_time(3000.0);
        assert!((2_000.0..2_600.0).contains(&now), "{now}");
        // A second's pause: down to about a third; five: nothing to speak of.
        assert!(rate.at_time(4000.0) < now * 0.4);
        assert!(rate.at_time(8000.0) < 20.0);
        // 500 a second stays well under a thousand.
        let mut slow = ArrivalRate::default();
        for step in 1..=30 {
            slow.add(50, f64::from(step) * 100.0);
        }
        assert!(slow.at_time(3000.0) < 600.0);
        // The list's pace: four draws a second in the fast stream, as usual in the slow one and
        // once the fast one has paused long enough.
        assert_eq!(rate.least_draw_gap(3000.0, 50.0), FAST_DRAW_EVERY_MS);
        assert_eq!(slow.least_draw_gap(3000.0, 50.0), 50.0);
        assert_eq!(rate.least_draw_gap(6000.0, 50.0), 50.0);
    }
}
