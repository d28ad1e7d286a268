//! How a call of a hook ends: which failures are worth another try, how
//! long to wait before it, and the sentence the log and the popup's footer
//! show, "Hook 'teams' failed: HTTP 500 after 3 tries".

use std::fmt;
use std::time::Duration;

use super::MAX_WAITING;

/// The wait before the second try; each further wait doubles it.
pub const FIRST_RETRY_WAIT: Duration = Duration::from_secs(2);

/// The longest wait between two tries, also when a webhook asks for more
/// (`Retry-After`).
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// Why one try failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookError {
    /// The webhook answered with a status other than 2xx.
    Status(u16),
    /// The webhook could not be reached, or the connection broke.
    Unreachable { host: String, cause: String },
    /// The try took longer than the hook's `timeout`; a command is then ended.
    TimedOut { after: Duration, command: bool },
    /// The command ended with a status other than 0; `None`: ended by a signal.
    Exit(Option<i32>),
    /// The command could not be started.
    CannotStart { program: String, cause: String },
}

impl HookError {
    /// Whether another try may go better. A webhook is tried again after a
    /// connection error, a timeout, 429 or 5xx; a command after a status
    /// other than 0. A command that timed out is not: it was ended halfway
    /// and may have done part of its work. Neither is a 4xx, nor a command
    /// that cannot start, which another try would only repeat.
    pub fn may_pass(&self) -> bool {
        match self {
            HookError::Status(code) => *code == 429 || (500..=599).contains(code),
            HookError::Unreachable { .. } | HookError::Exit(_) => true,
            HookError::TimedOut { command, .. } => !command,
            HookError::CannotStart { .. } => false,
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HookError::Status(code) => write!(f, "HTTP {code}"),
            HookError::Unreachable { host, cause } => write!(f, "cannot reach {host} ({cause})"),
            HookError::TimedOut { after, command: false } => write!(f, "no answer within {}", seconds(*after)),
            HookError::TimedOut { after, command: true } => {
                write!(f, "still running after {}, so it was ended", seconds(*after))
            }
            HookError::Exit(Some(code)) => write!(f, "exit status {code}"),
            HookError::Exit(None) => f.write_str("ended by a signal"),
            HookError::CannotStart { program, cause } => write!(f, "cannot start {program} ({cause})"),
        }
    }
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// A call that failed for good: its last error, after how many tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookFailure {
    pub hook: String,
    pub error: HookError,
    pub tries: u32,
}

impl fmt::Display for HookFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hook '{}' failed: {}", self.hook, self.error)?;
        match self.tries {
            1 => Ok(()),
            tries => write!(f, " after {tries} tries"),
        }
    }
}

/// How one call of a hook, or a batch handed to it, ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookOutcome {
    Delivered {
        hook: String,
    },
    Failed(HookFailure),
    /// Changes the hook had no room for while [`MAX_WAITING`] others waited.
    Skipped {
        hook: String,
        count: usize,
    },
}

impl HookOutcome {
    pub fn hook(&self) -> &str {
        match self {
            HookOutcome::Delivered { hook } | HookOutcome::Skipped { hook, .. } => hook,
            HookOutcome::Failed(failure) => &failure.hook,
        }
    }

    /// What went wrong, in one sentence; `None` when the call went through.
    pub fn problem(&self) -> Option<String> {
        match self {
            HookOutcome::Delivered { .. } => None,
            HookOutcome::Failed(failure) => Some(failure.to_string()),
            HookOutcome::Skipped { hook, count } => Some(format!(
                "Hook '{hook}' skipped {count} change{}: {MAX_WAITING} were already waiting",
                if *count == 1 { "" } else { "s" }
            )),
        }
    }
}

/// The problem of the hooks that the popup's footer says: the last one
/// told, until that hook's next call goes through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookProblem(Option<HookOutcome>);

impl HookProblem {
    /// Takes in how a call ended; `true` when what is said changed.
    pub fn update(&mut self, outcome: HookOutcome) -> bool {
        match outcome.problem() {
            Some(_) => {
                let changed = self.0.as_ref() != Some(&outcome);
                self.0 = Some(outcome);
                changed
            }
            None if self.0.as_ref().is_some_and(|shown| shown.hook() == outcome.hook()) => {
                self.0 = None;
                true
            }
            None => false,
        }
    }

    /// What the footer says, if anything.
    pub fn sentence(&self) -> Option<String> {
        self.0.as_ref().and_then(HookOutcome::problem)
    }
}

/// The wait after `tries_made` failed tries (1, 2, …): `first`, doubled for
/// each further try, at least what the webhook `asked` for, at most
/// [`MAX_RETRY_WAIT`].
pub fn retry_wait(tries_made: u32, first: Duration, asked: Option<Duration>) -> Duration {
    let doubled = first.saturating_mul(1 << tries_made.saturating_sub(1).min(16));
    doubled.max(asked.unwrap_or_default()).min(MAX_RETRY_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(error: HookError, tries: u32) -> String {
        HookFailure { hook: "teams".into(), error, tries }.to_string()
    }

    #[test]
    fn failures_read_as_one_sentence() {
        let cases = [
            (HookError::Status(500), 3, "Hook 'teams' failed: HTTP 500 after 3 tries"),
            (HookError::Status(404), 1, "Hook 'teams' failed: HTTP 404"),
            (
                HookError::Unreachable { host: "hooks.example.com".into(), cause: "connection refused".into() },
                2,
                "Hook 'teams' failed: cannot reach hooks.example.com (connection refused) after 2 tries",
            ),
            (
                HookError::TimedOut { after: Duration::from_secs(10), command: false },
                3,
                "Hook 'teams' failed: no answer within 10 s after 3 tries",
            ),
            (
                HookError::TimedOut { after: Duration::from_millis(1500), command: true },
                1,
                "Hook 'teams' failed: still running after 1.5 s, so it was ended",
            ),
            (HookError::Exit(Some(2)), 3, "Hook 'teams' failed: exit status 2 after 3 tries"),
            (HookError::Exit(None), 1, "Hook 'teams' failed: ended by a signal"),
            (
                HookError::CannotStart { program: "/opt/page".into(), cause: "No such file or directory".into() },
                1,
                "Hook 'teams' failed: cannot start /opt/page (No such file or directory)",
            ),
        ];
        for (error, tries, sentence) in cases {
            assert_eq!(failure(error, tries), sentence);
        }
    }

    #[test]
    fn only_failures_that_may_pass_are_tried_again() {
        let unreachable = HookError::Unreachable { host: "h".into(), cause: "reset".into() };
        let cases = [
            (HookError::Status(500), true),
            (HookError::Status(503), true),
            (HookError::Status(429), true),
            (HookError::Status(400), false),
            (HookError::Status(401), false),
            (HookError::Status(302), false),
            (unreachable, true),
            (HookError::TimedOut { after: Duration::from_secs(1), command: false }, true),
            (HookError::TimedOut { after: Duration::from_secs(1), command: true }, false),
            (HookError::Exit(Some(1)), true),
            (HookError::Exit(None), true),
            (HookError::CannotStart { program: "x".into(), cause: "not found".into() }, false),
        ];
        for (error, again) in cases {
            assert_eq!(error.may_pass(), again, "{error}");
        }
    }

    #[test]
    fn waits_double_heed_the_server_and_stay_bounded() {
        let first = FIRST_RETRY_WAIT;
        let waits: Vec<u64> = (1..=7).map(|n| retry_wait(n, first, None).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(retry_wait(1, first, Some(Duration::from_secs(30))), Duration::from_secs(30));
        assert_eq!(retry_wait(3, first, Some(Duration::from_secs(1))), Duration::from_secs(8));
        assert_eq!(retry_wait(1, first, Some(Duration::from_secs(3600))), MAX_RETRY_WAIT);
        assert_eq!(retry_wait(u32::MAX, first, None), MAX_RETRY_WAIT);
    }

    #[test]
    fn the_footer_says_the_last_problem_until_that_hook_goes_through() {
        let failed = |hook: &str| {
            HookOutcome::Failed(HookFailure { hook: hook.into(), error: HookError::Status(500), tries: 3 })
        };
        let delivered = |hook: &str| HookOutcome::Delivered { hook: hook.into() };
        let mut problem = HookProblem::default();
        assert!(!problem.update(delivered("teams")), "nothing to say, nothing changed");
        assert!(problem.update(failed("teams")));
        assert_eq!(problem.sentence().as_deref(), Some("Hook 'teams' failed: HTTP 500 after 3 tries"));
        assert!(!problem.update(failed("teams")), "the same sentence again");
        assert!(problem.update(failed("slack")), "the last problem is said");
        assert!(!problem.update(delivered("teams")), "teams' success does not clear slack's failure");
        assert_eq!(problem.sentence().as_deref(), Some("Hook 'slack' failed: HTTP 500 after 3 tries"));
        assert!(problem.update(delivered("slack")));
        assert_eq!(problem.sentence(), None);
    }

    #[test]
    fn outcomes_name_their_hook_and_only_problems_have_a_sentence() {
        let delivered = HookOutcome::Delivered { hook: "pager".into() };
        assert_eq!((delivered.hook(), delivered.problem()), ("pager", None));
        let skipped = HookOutcome::Skipped { hook: "teams".into(), count: 12 };
        assert_eq!(skipped.problem().unwrap(), "Hook 'teams' skipped 12 changes: 100 were already waiting");
        let one = HookOutcome::Skipped { hook: "teams".into(), count: 1 };
        assert_eq!(one.problem().unwrap(), "Hook 'teams' skipped 1 change: 100 were already waiting");
        let failed = HookOutcome::Failed(HookFailure { hook: "x".into(), error: HookError::Status(500), tries: 3 });
        assert_eq!(failed.hook(), "x");
    }
}
