//! When to poll an organization next.
//!
//! The contract sets floors (`Cache-Control: max-age`, `Retry-After`, never
//! faster than the poll interval after a rejected key) and good manners set
//! the rest (exponential backoff with jitter while failing, reset on
//! success). Keeping it a pure function of the outcome makes every rule a
//! one-line test.

use std::time::Duration;

use crate::poll::PollOutcome;

/// The upper bound of the backoff, unless the poll interval itself is longer.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// The longest a server may hold polls off with `Retry-After` or
/// `max-age`. A longer value, by mistake or by malice, would freeze the last
/// look of an organization for good; beyond this, dms-tray polls anyway.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(60 * 60);

/// How much of a backoff delay jitter may take off (a quarter), so that many
/// clients that failed together do not retry together.
const JITTER_SHARE: f64 = 0.25;

/// When the next poll is due, and how soon a manual refresh may make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextPoll {
    pub after: Duration,
    pub not_before: Duration,
}

/// The polling rhythm of one organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    interval: Duration,
    consecutive_failures: u32,
    /// The wait the server asked for after the last poll (within
    /// [`MAX_SERVER_DELAY`]), which a new interval must not cut short.
    server_wait: Duration,
}

impl Schedule {
    pub fn new(interval: Duration) -> Self {
        Schedule { interval, consecutive_failures: 0, server_wait: Duration::ZERO }
    }

    /// Takes a new poll interval and says how long after the last poll the
    /// next one is now due: the new rhythm, but never sooner than the
    /// server asked (`Retry-After`, `max-age`).
    pub fn set_interval(&mut self, interval: Duration) -> Duration {
        self.interval = interval;
        let rhythm = if self.consecutive_failures == 0 { interval } else { self.backoff(0.0) };
        rhythm.max(self.server_wait)
    }

    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// Records an outcome and says when to poll next: `after` for the
    /// regular poll, `not_before` for the floor that even a "refresh now"
    /// must respect (`max-age`, `Retry-After`, and the interval after a
    /// rejected key or a missing permission). `jitter` is a random number in
    /// `[0, 1)` supplied by the caller.
    pub fn next(&mut self, outcome: &PollOutcome, jitter: f64) -> NextPoll {
        self.server_wait = match outcome {
            PollOutcome::Fresh { max_age, .. } | PollOutcome::NotModified { max_age } => server_delay(*max_age),
            PollOutcome::Failed(error) => server_delay(error.retry_after),
        };
        let after = self.delay(outcome, jitter);
        let not_before = match outcome {
            PollOutcome::Fresh { max_age, .. } | PollOutcome::NotModified { max_age } => server_delay(*max_age),
            PollOutcome::Failed(error) if error.kind.is_configuration_problem() => {
                self.interval.max(server_delay(error.retry_after))
            }
            PollOutcome::Failed(error) => server_delay(error.retry_after),
        };
        NextPoll { after, not_before }
    }

    fn delay(&mut self, outcome: &PollOutcome, jitter: f64) -> Duration {
        match outcome {
            PollOutcome::Fresh { max_age, .. } | PollOutcome::NotModified { max_age } => {
                self.consecutive_failures = 0;
                self.interval.max(server_delay(*max_age))
            }
            PollOutcome::Failed(error) => {
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                let backoff = self.backoff(jitter.clamp(0.0, 1.0));
                backoff.max(server_delay(error.retry_after))
            }
        }
    }

    /// `interval × 2^(failures − 1)`, capped, less up to a quarter of jitter,
    /// and never below the interval.
    fn backoff(&self, jitter: f64) -> Duration {
        let cap = MAX_BACKOFF.max(self.interval);
        let doublings = self.consecutive_failures.saturating_sub(1).min(16);
        let raw = self.interval.saturating_mul(1 << doublings).min(cap);
        raw.mul_f64(1.0 - JITTER_SHARE * jitter).max(self.interval)
    }
}

/// A delay the server asked for, within [`MAX_SERVER_DELAY`].
pub fn server_delay(asked: Option<Duration>) -> Duration {
    asked.unwrap_or_default().min(MAX_SERVER_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{PollError, PollErrorKind};
    use crate::view::tests::fresh;

    const MINUTE: Duration = Duration::from_secs(60);

    fn failure(retry_after: Option<u64>) -> PollOutcome {
        PollOutcome::Failed(PollError {
            kind: PollErrorKind::ServiceError,
            message: "dataminer.services error 503".into(),
            retry_after: retry_after.map(Duration::from_secs),
        })
    }

    #[test]
    fn success_waits_the_interval() {
        let mut s = Schedule::new(MINUTE);
        assert_eq!(s.next(&fresh(vec![]), 0.5).after, MINUTE);
    }

    #[test]
    fn max_age_is_a_floor_not_a_ceiling() {
        let mut s = Schedule::new(MINUTE);
        let long = PollOutcome::NotModified { max_age: Some(Duration::from_secs(90)) };
        let short = PollOutcome::NotModified { max_age: Some(Duration::from_secs(5)) };
        assert_eq!(s.next(&long, 0.0).after, Duration::from_secs(90));
        assert_eq!(s.next(&short, 0.0).after, MINUTE);
    }

    #[test]
    fn failures_back_off_exponentially_up_to_the_cap_and_reset_on_success() {
        let mut s = Schedule::new(MINUTE);
        let delays: Vec<u64> = (0..6).map(|_| s.next(&failure(None), 0.0).after.as_secs()).collect();
        assert_eq!(delays, [60, 120, 240, 300, 300, 300]);
        assert_eq!(s.consecutive_failures(), 6);
        assert_eq!(s.next(&fresh(vec![]), 0.0).after, MINUTE);
        assert_eq!(s.consecutive_failures(), 0);
        assert_eq!(s.next(&failure(None), 0.0).after, MINUTE);
    }

    #[test]
    fn jitter_shortens_a_backoff_by_at_most_a_quarter_never_below_the_interval() {
        let mut s = Schedule::new(MINUTE);
        assert_eq!(s.next(&failure(None), 0.999).after, MINUTE);
        let second = s.next(&failure(None), 0.999).after;
        assert!(second >= Duration::from_secs(90) && second < Duration::from_secs(120), "{second:?}");
    }

    #[test]
    fn retry_after_is_honoured_even_beyond_the_cap() {
        let mut s = Schedule::new(Duration::from_secs(10));
        assert_eq!(s.next(&failure(Some(36)), 0.0).after, Duration::from_secs(36));
        assert_eq!(s.next(&failure(Some(3600)), 0.0).after, Duration::from_secs(3600));
    }

    #[test]
    fn a_server_holds_polls_off_for_an_hour_at_most() {
        let mut s = Schedule::new(MINUTE);
        let forever = Some(Duration::from_secs(u64::MAX));
        let next = s.next(&failure(Some(u64::MAX)), 0.0);
        assert_eq!((next.after, next.not_before), (MAX_SERVER_DELAY, MAX_SERVER_DELAY));
        for cached in [PollOutcome::NotModified { max_age: forever }, fresh_with_max_age(forever)] {
            let next = s.next(&cached, 0.0);
            assert_eq!((next.after, next.not_before), (MAX_SERVER_DELAY, MAX_SERVER_DELAY));
        }
        let rejected = PollOutcome::Failed(PollError {
            kind: PollErrorKind::KeyRejected,
            message: "key rejected (401)".into(),
            retry_after: forever,
        });
        assert_eq!(s.next(&rejected, 0.0).not_before, MAX_SERVER_DELAY);
        // Whatever the server says, the next poll is a time a clock can hold.
        assert!(std::time::Instant::now().checked_add(s.next(&rejected, 0.0).after).is_some());
    }

    fn fresh_with_max_age(max_age: Option<Duration>) -> PollOutcome {
        let PollOutcome::Fresh { document, etag, .. } = fresh(vec![]) else { panic!("fresh() is a Fresh outcome") };
        PollOutcome::Fresh { document, etag, max_age }
    }

    #[test]
    fn a_manual_refresh_respects_max_age_retry_after_and_a_rejected_key() {
        let mut s = Schedule::new(MINUTE);
        let cached = PollOutcome::NotModified { max_age: Some(Duration::from_secs(20)) };
        assert_eq!(s.next(&cached, 0.0).not_before, Duration::from_secs(20));
        assert_eq!(s.next(&fresh(vec![]), 0.0).not_before, Duration::ZERO);
        assert_eq!(s.next(&failure(Some(36)), 0.0).not_before, Duration::from_secs(36));
        assert_eq!(s.next(&failure(None), 0.0).not_before, Duration::ZERO);
        let rejected = PollOutcome::Failed(PollError {
            kind: PollErrorKind::KeyRejected,
            message: "key rejected (401)".into(),
            retry_after: None,
        });
        assert_eq!(s.next(&rejected, 0.0).not_before, MINUTE);
    }

    #[test]
    fn a_new_interval_keeps_what_the_server_asked_for() {
        let mut s = Schedule::new(MINUTE);
        s.next(&failure(Some(600)), 0.0);
        assert_eq!(s.set_interval(Duration::from_secs(10)), Duration::from_secs(600), "Retry-After is kept");
        s.next(&PollOutcome::NotModified { max_age: Some(Duration::from_secs(90)) }, 0.0);
        assert_eq!(s.set_interval(Duration::from_secs(10)), Duration::from_secs(90), "max-age is kept");
        assert_eq!(s.set_interval(Duration::from_secs(300)), Duration::from_secs(300));
        s.next(&fresh(vec![]), 0.0);
        assert_eq!(s.set_interval(Duration::from_secs(10)), Duration::from_secs(10), "nothing asked: the new rhythm");
        s.next(&failure(None), 0.0);
        s.next(&failure(None), 0.0);
        assert_eq!(
            s.set_interval(Duration::from_secs(10)),
            Duration::from_secs(20),
            "still backing off, from the new interval"
        );
    }

    #[test]
    fn an_interval_longer_than_the_cap_is_kept() {
        let mut s = Schedule::new(Duration::from_secs(600));
        for _ in 0..5 {
            assert_eq!(s.next(&failure(None), 0.0).after, Duration::from_secs(600));
        }
    }
}
