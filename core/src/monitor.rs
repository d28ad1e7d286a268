//! The running picture of every configured organization: feed it poll
//! outcomes, get back the new view and the transitions they caused.
//!
//! This is the one place where poll → snapshot → transitions happens; the
//! shell only carries outcomes in and views and transitions out. The
//! marks people put on systems (priorities, acknowledgements) are kept here
//! too, so that every view already carries them.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::alerts::SystemRef;
use crate::poll::PollOutcome;
use crate::priority::{Priorities, Priority};
use crate::transitions::{diff_organization, Transition};
use crate::view::{OrgSnapshot, OrgView, View};

#[derive(Debug, Clone)]
pub struct Monitor {
    snapshots: Vec<OrgSnapshot>,
    view: View,
    priorities: Priorities,
    acknowledgements: HashMap<SystemRef, Acknowledgement>,
}

/// Why an outage cannot be acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcknowledgeError {
    #[error("that system is no longer shown")]
    NoSuchSystem,
    #[error("{name} is connected: there is no outage to acknowledge")]
    NoOutage { name: String },
}

impl Monitor {
    /// A monitor of the given organizations (id and configured name), in
    /// the order they are shown.
    pub fn new(organizations: impl IntoIterator<Item = (Uuid, Option<String>)>) -> Self {
        let snapshots: Vec<OrgSnapshot> =
            organizations.into_iter().map(|(id, name)| OrgSnapshot::new(id, name)).collect();
        let view = View { organizations: snapshots.iter().map(OrgSnapshot::view).collect() };
        Monitor { snapshots, view, priorities: Priorities::default(), acknowledgements: HashMap::new() }
    }

    /// A monitor of every organization of a configuration, with its priority patterns.
    pub fn of(config: &crate::config::Config) -> Self {
        let mut monitor = Monitor::new(config.organizations.iter().map(|o| (o.id, o.name.clone())));
        monitor.priorities.rules = config.organizations.iter().map(|o| (o.id, o.priority_rules.clone())).collect();
        monitor
    }

    /// Takes the marks kept from before (the history's): the priorities set by
    /// hand, and the acknowledgements, which hold only while their system
    /// stays in the state acknowledged.
    pub fn restore_marks(
        &mut self,
        priorities: impl IntoIterator<Item = (SystemRef, Priority)>,
        acknowledgements: impl IntoIterator<Item = (SystemRef, Acknowledgement)>,
    ) {
        self.priorities.by_hand.extend(priorities);
        self.acknowledgements.extend(acknowledgements);
        self.apply_marks_to_all();
    }

    /// A system's priority, also of one no longer shown (a removed system).
    pub fn priority_of(&self, system: SystemRef, name: &str) -> Priority {
        self.priorities.of(system, name)
    }

    /// Sets a system's priority by hand; `None` leaves it to the patterns.
    pub fn set_priority(&mut self, system: SystemRef, priority: Option<Priority>) {
        match priority {
            Some(p) => self.priorities.by_hand.insert(system, p),
            None => self.priorities.by_hand.remove(&system),
        };
        self.apply_marks_to_all();
    }

    /// Acknowledges the outage `system` is in, as `by` at `at`.
    pub fn acknowledge(
        &mut self,
        system: SystemRef,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Acknowledgement, AcknowledgeError> {
        let view = self
            .view
            .organizations
            .iter()
            .filter(|o| o.id == system.organization)
            .flat_map(|o| &o.systems)
            .find(|s| s.id == system.system)
            .ok_or(AcknowledgeError::NoSuchSystem)?;
        if !Acknowledgement::can_acknowledge(view.state) {
            return Err(AcknowledgeError::NoOutage { name: view.name.clone() });
        }
        let ack = Acknowledgement { by: by.to_string(), at, state: view.state };
        self.acknowledgements.insert(system, ack.clone());
        self.apply_marks_to_all();
        Ok(ack)
    }

    fn apply_marks_to_all(&mut self) {
        for org in &mut self.view.organizations {
            apply_marks(org, &self.priorities, &mut self.acknowledgements);
        }
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
        let mut next = snapshot.view();
        let ended_acknowledgements = apply_marks(&mut next, &self.priorities, &mut self.acknowledgements);
        let transitions = diff_organization(&self.view.organizations[index], &next, at);
        self.view.organizations[index] = next;
        Recorded { transitions, view_changed: true, ended_acknowledgements }
    }
}

/// Puts each system's priority and acknowledgement on it, and drops the
/// acknowledgements that no longer hold (returned, for the shell to forget).
fn apply_marks(
    org: &mut OrgView,
    priorities: &Priorities,
    acknowledgements: &mut HashMap<SystemRef, Acknowledgement>,
) -> Vec<SystemRef> {
    let mut ended = Vec::new();
    for system in &mut org.systems {
        let key = SystemRef { organization: org.id, system: system.id };
        system.priority = priorities.of(key, &system.name);
        system.acknowledged = match acknowledgements.get(&key) {
            Some(ack) if ack.holds_in(system.state) => Some(ack.clone()),
            Some(_) => {
                acknowledgements.remove(&key);
                ended.push(key);
                None
            }
            None => None,
        };
    }
    ended
}

/// What one poll changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorded {
    pub transitions: Vec<Transition>,
    /// Anything but the time of the last good data changed in the view.
    pub view_changed: bool,
    /// Acknowledgements that ended, their systems having changed state.
    pub ended_acknowledgements: Vec<SystemRef>,
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
    fn an_acknowledgement_holds_through_a_passing_unknown_and_ends_with_the_outage() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        let ziine = SystemRef { organization: org_id(), system: Uuid::from_u128(1) };
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        assert_eq!(
            monitor.acknowledge(ziine, "alice", at(1)),
            Err(AcknowledgeError::NoOutage { name: "Ziine".into() })
        );
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::NoConnection)]), at(2));
        let ack = monitor.acknowledge(ziine, "alice", at(3)).unwrap();
        assert_eq!((ack.by.as_str(), ack.state), ("alice", ApiState::NoConnection));
        assert_eq!(monitor.view().organizations[0].systems[0].acknowledged, Some(ack.clone()));
        let hiccup = monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Unknown)]), at(4));
        assert_eq!(hiccup.ended_acknowledgements, vec![]);
        let back = monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(5));
        assert_eq!(back.ended_acknowledgements, vec![ziine]);
        assert_eq!(monitor.view().organizations[0].systems[0].acknowledged, None);
        monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::NoConnection)]), at(6));
        assert_eq!(monitor.view().organizations[0].systems[0].acknowledged, None, "a new outage is not acknowledged");
        let unknown = SystemRef { organization: org_id(), system: Uuid::from_u128(9) };
        assert_eq!(monitor.acknowledge(unknown, "alice", at(7)), Err(AcknowledgeError::NoSuchSystem));
    }

    #[test]
    fn restored_marks_apply_and_a_stale_acknowledgement_ends_at_the_first_poll() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        let ziine = SystemRef { organization: org_id(), system: Uuid::from_u128(1) };
        let tokyo = SystemRef { organization: org_id(), system: Uuid::from_u128(2) };
        let ack = |state| Acknowledgement { by: "bob".into(), at: at(0), state };
        monitor.restore_marks(
            [(ziine, Priority::OnAir)],
            [(ziine, ack(ApiState::DmsNotResponding)), (tokyo, ack(ApiState::NoConnection))],
        );
        let first = monitor.record(
            org_id(),
            &fresh(vec![system(1, "Ziine", ApiState::DmsNotResponding), system(2, "Tokyo", ApiState::Ok)]),
            at(1),
        );
        assert_eq!(first.ended_acknowledgements, vec![tokyo], "Tokyo recovered while dms-tray was not running");
        let systems = &monitor.view().organizations[0].systems;
        assert_eq!((systems[0].priority, systems[0].acknowledged.is_some()), (Priority::OnAir, true));
        assert_eq!((systems[1].priority, systems[1].acknowledged.is_some()), (Priority::Normal, false));
        monitor.set_priority(ziine, None);
        assert_eq!(monitor.view().organizations[0].systems[0].priority, Priority::Normal);
        monitor.set_priority(tokyo, Some(Priority::Lab));
        assert_eq!(monitor.view().organizations[0].systems[1].priority, Priority::Lab);
    }

    #[test]
    fn an_unknown_organization_changes_nothing() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        let before = monitor.view().clone();
        assert_eq!(monitor.record(Uuid::nil(), &fresh(vec![]), at(0)), Recorded::default());
        assert_eq!(monitor.view(), &before);
    }
}
