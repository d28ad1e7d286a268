//! The running picture of every configured organization: feed it poll
//! outcomes, get back the new view and the transitions they caused.
//!
//! This is the one place where poll → snapshot → transitions happens; the
//! shell only carries outcomes in and views and transitions out.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::poll::PollOutcome;
use crate::transitions::{diff, Transition};
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

    /// Folds one poll outcome in and returns what changed. An outcome for
    /// an organization the monitor does not watch changes nothing.
    pub fn record(&mut self, organization: Uuid, outcome: &PollOutcome, at: DateTime<Utc>) -> Vec<Transition> {
        let Some(index) = self.snapshots.iter().position(|s| s.id == organization) else {
            return Vec::new();
        };
        self.snapshots[index].record(outcome, at);
        let mut next = self.view.clone();
        next.organizations[index] = self.snapshots[index].view();
        let transitions = diff(&self.view, &next, at);
        self.view = next;
        transitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState;
    use crate::transitions::Change;
    use crate::view::tests::{at, fresh, org_id, system};

    #[test]
    fn the_first_poll_is_a_baseline_and_later_changes_are_transitions() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        assert!(monitor.view().organizations[0].systems.is_empty());
        let first = monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::NoConnection)]), at(0));
        assert_eq!(first, vec![]);
        let second = monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(1));
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
        assert_eq!(monitor.record(org_id(), &fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(9)), vec![]);
        assert!(!monitor.view().organizations[0].updating);
    }

    #[test]
    fn an_unknown_organization_changes_nothing() {
        let mut monitor = Monitor::new([(org_id(), None)]);
        let before = monitor.view().clone();
        assert_eq!(monitor.record(Uuid::nil(), &fresh(vec![]), at(0)), vec![]);
        assert_eq!(monitor.view(), &before);
    }
}
