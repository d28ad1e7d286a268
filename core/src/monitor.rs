//! The running picture of every configured organization: feed it poll
//! outcomes, get back the new view and the transitions they caused.
//!
//! This is the one place where poll → snapshot → transitions happens; the
//! shell only carries outcomes in and views and transitions out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::poll::PollOutcome;
use crate::transitions::{diff_organization, Transition};
use crate::view::{OrgSnapshot, View};

#[derive(Debug, Clone)]
pub struct Monitor {
    snapshots: Vec<OrgSnapshot>,
    view: View,
}

impl Monitor {
    /// A monitor of the given organizations (id and configured name), in
    /// the order they are shown.
    pub fn new(organizations: impl IntoIterator<Item = (Uuid, Option<String>)>) -> Self {
        let snapshots: Vec<OrgSnapshot> =
            organizations.into_iter().map(|(id, name)| OrgSnapshot::new(id, name)).collect();
        let view = View { organizations: snapshots.iter().map(OrgSnapshot::view).collect() };
        Monitor { snapshots, view }
    }

    /// A monitor of every organization of a configuration.
    pub fn of(config: &crate::config::Config) -> Self {
        Monitor::new(config.organizations.iter().map(|o| (o.id, o.name.clone())))
    }

    pub fn view(&self) -> &View {
        &self.view
    }

    /// After a resume: every organization shows as updating until its next
    /// poll, instead of old states passing for current ones. No transition.
    pub fn mark_updating(&mut self) {
        for (snapshot, org) in self.snapshots.iter_mut().zip(&mut self.view.organizations) {
            snapshot.updating = true;
            org.updating = true;
        }
    }

    /// The earliest time at which an organization's states become too old
    /// to show, polled every `interval` (see [`OrgSnapshot::stale_at`]).
    pub fn next_stale_at(&self, interval: Duration) -> Option<DateTime<Utc>> {
        self.snapshots.iter().filter_map(|s| s.stale_at(interval)).min()
    }

    /// For each organization whose states are too old at `now`, the failure
    /// to record in their place, so that they show as unknown with the
    /// reason, never as their last state.
    pub fn stale(&self, now: DateTime<Utc>, interval: Duration) -> Vec<(Uuid, PollOutcome)> {
        self.snapshots
            .iter()
            .filter(|s| s.stale_at(interval).is_some_and(|at| at <= now))
            .filter_map(|s| Some((s.id, s.stale_failure(now)?)))
            .collect()
    }

    /// Folds one poll outcome in and returns what changed. An outcome for
    /// an organization the monitor does not watch changes nothing.
    ///
    /// An unchanged poll (a 304 while all is known) only moves the time of
    /// the last good data: nothing is rebuilt or compared, so that it costs
    /// next to nothing however many systems there are.
    pub fn record(&mut self, organization: Uuid, outcome: &PollOutcome, at: DateTime<Utc>) -> Recorded {
        self.record_owned(organization, outcome.clone(), at)
    }

    /// [`Monitor::record`] that keeps the outcome without copying it.
    pub fn record_owned(&mut self, organization: Uuid, outcome: PollOutcome, at: DateTime<Utc>) -> Recorded {
        let Some(index) = self.snapshots.iter().position(|s| s.id == organization) else {
            return Recorded::default();
        };
        let snapshot = &mut self.snapshots[index];
        let quiet = matches!(outcome, PollOutcome::NotModified { .. })
            && snapshot.last_good.is_some()
            && snapshot.failure.is_none()
            && !snapshot.updating;
        snapshot.record_owned(outcome, at);
        if quiet {
            self.view.organizations[index].last_good_at = Some(at);
            return Recorded::default();
        }
        let next = snapshot.view();
        let transitions = diff_organization(&self.view.organizations[index], &next, at);
        self.view.organizations[index] = next;
        Recorded { transitions, view_changed: true }
    }
}

/// What one poll changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorded {
    pub transitions: Vec<Transition>,
    /// Anything but the time of the last good data changed in the view.
    pub view_changed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState;
    use crate::poll::PollErrorKind;
    use crate::transitions::Change;
    use crate::view::tests::{at, fresh, org_id, system};

    #[test]
    fn the_first_poll_is_a_baseline_and_later_changes_are_transitions() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        assert!(monitor.view().organizations[0].systems.is_empty());
        let first = monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::NoConnection)]), at(0));
        assert_eq!(first.transitions, vec![]);
        assert!(first.view_changed);
        let second = monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(1)).transitions;
        assert!(matches!(
            second[..],
            [Transition { change: Change::State { from: ApiState::NoConnection, to: ApiState::Ok, .. }, .. }]
        ));
        assert_eq!(monitor.view().organizations[0].systems[0].state, ApiState::Ok);
    }

    #[test]
    fn after_a_resume_the_view_is_updating_until_the_next_poll() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        monitor.mark_updating();
        assert!(monitor.view().organizations[0].updating);
        assert_eq!(monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(9)).transitions, vec![]);
        assert!(!monitor.view().organizations[0].updating);
    }

    #[test]
    fn an_unchanged_poll_only_moves_the_time_of_the_last_good_data() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        let before = monitor.view().clone();
        let unchanged = monitor.record(org_id(), &PollOutcome::NotModified { max_age: None }, at(5));
        assert_eq!(unchanged, Recorded::default());
        assert_eq!(monitor.view().organizations[0].last_good_at, Some(at(5)));
        assert_eq!(monitor.view().organizations[0].systems, before.organizations[0].systems);
        // A 304 after a failure is a recovery, not a quiet poll.
        monitor.record(org_id(), &crate::view::tests::failed(crate::poll::PollErrorKind::ServiceError), at(6));
        let recovered = monitor.record(org_id(), &PollOutcome::NotModified { max_age: None }, at(7));
        assert!(recovered.view_changed);
        assert_eq!(monitor.view().organizations[0].systems[0].state, ApiState::Ok);
        assert!(!recovered.transitions.is_empty(), "the recovery is told");
    }

    #[test]
    fn states_no_poll_confirmed_for_three_intervals_show_as_unknown_with_the_reason() {
        const MINUTE: Duration = Duration::from_secs(60);
        let mut monitor = Monitor::new([(org_id(), None)]);
        assert_eq!(monitor.next_stale_at(MINUTE), None, "nothing shown yet");
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        monitor.record(org_id(), &PollOutcome::NotModified { max_age: None }, at(1));
        assert_eq!(monitor.next_stale_at(MINUTE), Some(at(4)), "three intervals after the last confirmation");
        assert_eq!(monitor.stale(at(3), MINUTE), vec![]);

        let stale = monitor.stale(at(4), MINUTE);
        let [(organization, outcome)] = &stale[..] else { panic!("{stale:?}") };
        let recorded = monitor.record(*organization, outcome, at(4));
        let org = &monitor.view().organizations[0];
        assert_eq!(org.systems[0].state, ApiState::Unknown, "never its last state");
        let error = org.error.as_ref().expect("the reason");
        assert_eq!(error.kind, PollErrorKind::Stale);
        assert_eq!(error.message, "no poll has confirmed the states since 3 minutes ago; they are too old to show");
        let changes: Vec<&Change> = recorded.transitions.iter().map(|t| &t.change).collect();
        assert!(changes.iter().any(|c| matches!(c, Change::OrganizationFailed { kind: PollErrorKind::Stale, .. })));
        assert!(changes.iter().any(|c| matches!(c, Change::State { to: ApiState::Unknown, .. })), "{changes:?}");
        assert_eq!(monitor.next_stale_at(MINUTE), None, "told once");

        monitor.record(org_id(), &PollOutcome::NotModified { max_age: None }, at(9));
        assert_eq!(monitor.view().organizations[0].systems[0].state, ApiState::Ok, "the next poll recovers");
    }

    #[test]
    fn a_wait_the_server_asked_for_is_not_staleness() {
        const MINUTE: Duration = Duration::from_secs(60);
        let mut monitor = Monitor::new([(org_id(), None)]);
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        let rate_limited = PollOutcome::Failed(crate::poll::PollError {
            kind: PollErrorKind::RateLimited,
            message: "rate limited, retrying in 600 s".into(),
            retry_after: Some(Duration::from_secs(600)),
        });
        monitor.record(org_id(), &rate_limited, at(1));
        assert_eq!(monitor.view().organizations[0].systems[0].state, ApiState::Ok, "a 429 keeps the states");
        assert_eq!(monitor.next_stale_at(MINUTE), Some(at(11)), "the 10 minutes asked for and one interval");
        // A failure that already shows the states as unknown is not stale on top.
        monitor.record(org_id(), &crate::view::tests::failed(PollErrorKind::ServiceError), at(2));
        assert_eq!(monitor.next_stale_at(MINUTE), None);
    }

    #[test]
    fn an_unknown_organization_changes_nothing() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        let before = monitor.view().clone();
        assert_eq!(monitor.record(Uuid::nil(), &fresh(vec![]), at(0)), Recorded::default());
        assert_eq!(monitor.view(), &before);
    }
}
