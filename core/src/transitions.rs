//! The state machine: two views in, the changes a user may be told about out.
//!
//! [`diff`] is a pure function so that every pair of states, every add and
//! remove and every redundancy change is covered by table-driven tests, and
//! so that notifications, history and the tray all agree on what changed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::api::{ApiState, CloudGateways};
use crate::poll::PollErrorKind;
use crate::view::{OrgView, SystemView, View};

/// One change, with what a notification or history line needs to tell it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub organization: Named,
    /// The system it concerns; `None` for a change of the organization itself.
    pub system: Option<Named>,
    pub at: DateTime<Utc>,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Change {
    /// The effective state of a system changed.
    #[serde(rename_all = "camelCase")]
    State { from: ApiState, to: ApiState, last_seen_online: Option<DateTime<Utc>>, cloud_gateways: CloudGateways },
    /// A system appeared in the organization.
    Added { state: ApiState },
    /// A system is no longer in the organization's document.
    #[serde(rename_all = "camelCase")]
    Removed { last_state: ApiState },
    /// While connected, fewer Cloud Gateways hold a tunnel than before, and
    /// fewer than are installed.
    #[serde(rename_all = "camelCase")]
    RedundancyDegraded { cloud_gateways: CloudGateways },
    /// While connected, every Cloud Gateway holds a tunnel again.
    #[serde(rename_all = "camelCase")]
    RedundancyRestored { cloud_gateways: CloudGateways },
    /// The system runs another DataMiner version than at the poll before.
    VersionChanged { from: String, to: String },
    /// The organization's polls started failing, or fail for another reason now.
    OrganizationFailed { kind: PollErrorKind, message: String },
    /// The organization's polls succeed again.
    OrganizationRecovered { was: PollErrorKind },
}

/// The changes from `prev` to `next`, observed at `at`.
///
/// An organization that `prev` does not have, or for which `prev` had no data
/// yet, is a baseline: its systems are not reported as added.
pub fn diff(prev: &View, next: &View, at: DateTime<Utc>) -> Vec<Transition> {
    let before: HashMap<Uuid, &OrgView> = prev.organizations.iter().map(|o| (o.id, o)).collect();
    let mut out = Vec::new();
    for org in &next.organizations {
        if let Some(old) = before.get(&org.id) {
            diff_organization_into(old, org, at, &mut out);
        }
    }
    out
}

/// The transitions between two views of one organization.
pub fn diff_organization(old: &OrgView, new: &OrgView, at: DateTime<Utc>) -> Vec<Transition> {
    let mut out = Vec::new();
    diff_organization_into(old, new, at, &mut out);
    out
}

fn diff_organization_into(old: &OrgView, new: &OrgView, at: DateTime<Utc>, out: &mut Vec<Transition>) {
    let organization = Named { id: new.id, name: new.name.clone() };
    let org_change = match (&old.error, &new.error) {
        (None, Some(e)) => Some(Change::OrganizationFailed { kind: e.kind, message: e.message.clone() }),
        (Some(o), Some(e)) if o.kind != e.kind => {
            Some(Change::OrganizationFailed { kind: e.kind, message: e.message.clone() })
        }
        (Some(o), None) => Some(Change::OrganizationRecovered { was: o.kind }),
        _ => None,
    };
    if let Some(change) = org_change {
        out.push(Transition { organization: organization.clone(), system: None, at, change });
    }

    let mut push = |system: &SystemView, change: Change| {
        out.push(Transition {
            organization: organization.clone(),
            system: Some(Named { id: system.id, name: system.name.clone() }),
            at,
            change,
        });
    };
    let before: HashMap<Uuid, &SystemView> = old.systems.iter().map(|s| (s.id, s)).collect();
    let baseline = !old.has_data();
    for system in &new.systems {
        match before.get(&system.id) {
            Some(prev) => {
                if let Some(change) = system_change(prev, system) {
                    push(system, change);
                }
                if let Some(change) = version_change(prev, system) {
                    push(system, change);
                }
            }
            None if !baseline => push(system, Change::Added { state: system.state }),
            None => {}
        }
    }
    let after: HashMap<Uuid, &SystemView> = new.systems.iter().map(|s| (s.id, s)).collect();
    for system in &old.systems {
        if !after.contains_key(&system.id) {
            push(system, Change::Removed { last_state: system.state });
        }
    }
}

/// The change of one system present in both views, if any. A change of
/// state wins over a change of redundancy, which it explains.
fn system_change(prev: &SystemView, next: &SystemView) -> Option<Change> {
    if prev.state != next.state {
        return Some(Change::State {
            from: prev.state,
            to: next.state,
            last_seen_online: next.last_seen_online,
            cloud_gateways: next.cloud_gateways,
        });
    }
    if !next.state.is_connected() {
        return None;
    }
    let gateways = next.cloud_gateways;
    let lost_one = gateways.connected < prev.cloud_gateways.connected;
    if next.redundancy_degraded() && (!prev.redundancy_degraded() || lost_one) {
        Some(Change::RedundancyDegraded { cloud_gateways: gateways })
    } else if prev.redundancy_degraded() && !next.redundancy_degraded() {
        Some(Change::RedundancyRestored { cloud_gateways: gateways })
    } else {
        None
    }
}

/// An upgrade (or a downgrade) of the system's DataMiner: both versions
/// known and different. A version that goes missing or first shows is not
/// news.
fn version_change(prev: &SystemView, next: &SystemView) -> Option<Change> {
    match (&prev.data_miner_version, &next.data_miner_version) {
        (Some(from), Some(to)) if from != to => Some(Change::VersionChanged { from: from.clone(), to: to.clone() }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiState::*, System};
    use crate::poll::PollErrorKind;
    use crate::view::tests::{at, failed, fresh, org_id, system};
    use crate::view::OrgSnapshot;

    fn view_of(outcomes: &[crate::poll::PollOutcome]) -> View {
        let mut snap = OrgSnapshot::new(org_id(), None);
        for (minute, outcome) in outcomes.iter().enumerate() {
            snap.record(outcome, at(minute as i64));
        }
        View { organizations: vec![snap.view()] }
    }

    fn changes(prev: &View, next: &View) -> Vec<(Option<String>, Change)> {
        diff(prev, next, at(9)).into_iter().map(|t| (t.system.map(|s| s.name), t.change)).collect()
    }

    fn with_gateways(mut s: System, connected: u32, total: u32) -> System {
        s.cloud_gateways = CloudGateways { connected, total };
        s
    }

    #[test]
    fn every_pair_of_states() {
        for from in ApiState::ALL {
            for to in ApiState::ALL {
                let prev = view_of(&[fresh(vec![system(1, "Ziine", from)])]);
                let next = view_of(&[fresh(vec![system(1, "Ziine", to)])]);
                let got = changes(&prev, &next);
                if from == to {
                    assert_eq!(got, vec![], "{from} -> {to}");
                } else {
                    assert_eq!(
                        got,
                        vec![(
                            Some("Ziine".to_string()),
                            Change::State {
                                from,
                                to,
                                last_seen_online: None,
                                cloud_gateways: CloudGateways { connected: 1, total: 1 }
                            }
                        )],
                        "{from} -> {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_transition_carries_last_seen_online_and_time() {
        let mut down = system(1, "Ziine", NoConnection);
        down.last_seen_online = Some(at(-15));
        let prev = view_of(&[fresh(vec![system(1, "Ziine", Ok)])]);
        let next = view_of(&[fresh(vec![down])]);
        let t = &diff(&prev, &next, at(9))[0];
        assert_eq!(t.at, at(9));
        assert_eq!(t.organization.name, "Skyline");
        assert!(matches!(t.change, Change::State { last_seen_online: Some(s), .. } if s == at(-15)));
    }

    #[test]
    fn added_and_removed_systems() {
        let prev = view_of(&[fresh(vec![system(1, "Ziine", Ok), system(2, "Gent", Ok)])]);
        let next = view_of(&[fresh(vec![system(1, "Ziine", Ok), system(3, "Tokyo", NoConnection)])]);
        assert_eq!(
            changes(&prev, &next),
            vec![
                (Some("Tokyo".into()), Change::Added { state: NoConnection }),
                (Some("Gent".into()), Change::Removed { last_state: Ok }),
            ]
        );
    }

    #[test]
    fn the_first_data_of_an_organization_is_a_baseline() {
        let never_polled = View::default();
        let first = view_of(&[fresh(vec![system(1, "Ziine", NoConnection)])]);
        assert_eq!(changes(&never_polled, &first), vec![]);

        let failed_first = view_of(&[failed(PollErrorKind::Network)]);
        let then_data = view_of(&[failed(PollErrorKind::Network), fresh(vec![system(1, "Ziine", Ok)])]);
        assert_eq!(
            changes(&failed_first, &then_data),
            vec![(None, Change::OrganizationRecovered { was: PollErrorKind::Network })]
        );
    }

    #[test]
    fn a_cloud_failure_turns_systems_unknown_and_recovery_brings_them_back() {
        let good = fresh(vec![system(1, "Ziine", Ok)]);
        let ok = view_of(std::slice::from_ref(&good));
        let down = view_of(&[good.clone(), failed(PollErrorKind::ServiceError)]);
        let got = changes(&ok, &down);
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[0], (None, Change::OrganizationFailed { kind: PollErrorKind::ServiceError, .. })));
        assert!(matches!(&got[1], (Some(_), Change::State { from: Ok, to: Unknown, .. })));

        let back = view_of(&[good.clone(), failed(PollErrorKind::ServiceError), good]);
        let got = changes(&down, &back);
        assert!(matches!(&got[0], (None, Change::OrganizationRecovered { was: PollErrorKind::ServiceError })));
        assert!(matches!(&got[1], (Some(_), Change::State { from: Unknown, to: Ok, .. })));
    }

    #[test]
    fn another_failure_kind_is_a_new_organization_change_the_same_is_not() {
        let a = view_of(&[failed(PollErrorKind::ServiceError)]);
        let same = view_of(&[failed(PollErrorKind::ServiceError), failed(PollErrorKind::ServiceError)]);
        let other = view_of(&[failed(PollErrorKind::ServiceError), failed(PollErrorKind::KeyRejected)]);
        assert_eq!(changes(&a, &same), vec![]);
        assert!(matches!(
            changes(&a, &other)[..],
            [(None, Change::OrganizationFailed { kind: PollErrorKind::KeyRejected, .. })]
        ));
    }

    #[test]
    fn redundancy_changes_while_connected() {
        let cases = [
            // (before, after, expected)
            (
                (3, 3),
                (2, 3),
                Some(Change::RedundancyDegraded { cloud_gateways: CloudGateways { connected: 2, total: 3 } }),
            ),
            (
                (2, 3),
                (1, 3),
                Some(Change::RedundancyDegraded { cloud_gateways: CloudGateways { connected: 1, total: 3 } }),
            ),
            ((1, 3), (2, 3), None),
            (
                (2, 3),
                (3, 3),
                Some(Change::RedundancyRestored { cloud_gateways: CloudGateways { connected: 3, total: 3 } }),
            ),
            (
                (2, 3),
                (2, 2),
                Some(Change::RedundancyRestored { cloud_gateways: CloudGateways { connected: 2, total: 2 } }),
            ),
            ((3, 3), (3, 3), None),
            ((1, 1), (2, 2), None),
        ];
        for (state, (b, a, expected)) in
            [Ok, DmsNotResponding].into_iter().flat_map(|s| cases.iter().map(move |c| (s, c)))
        {
            let prev = view_of(&[fresh(vec![with_gateways(system(1, "Ziine", state), b.0, b.1)])]);
            let next = view_of(&[fresh(vec![with_gateways(system(1, "Ziine", state), a.0, a.1)])]);
            let got: Vec<_> = changes(&prev, &next).into_iter().map(|(_, c)| c).collect();
            assert_eq!(got, expected.iter().cloned().collect::<Vec<_>>(), "{state} {b:?} -> {a:?}");
        }
    }

    #[test]
    fn a_state_change_explains_the_gateways_and_no_redundancy_change_is_added() {
        let prev = view_of(&[fresh(vec![with_gateways(system(1, "Ziine", Ok), 3, 3)])]);
        let next = view_of(&[fresh(vec![with_gateways(system(1, "Ziine", NoConnection), 0, 3)])]);
        let got = changes(&prev, &next);
        assert_eq!(got.len(), 1);
        assert!(matches!(got[0].1, Change::State { from: Ok, to: NoConnection, .. }));
    }

    #[test]
    fn gateway_counts_of_a_disconnected_system_are_not_redundancy_changes() {
        let prev = view_of(&[fresh(vec![with_gateways(system(1, "Ziine", NoConnection), 0, 3)])]);
        let next = view_of(&[fresh(vec![with_gateways(system(1, "Ziine", NoConnection), 0, 2)])]);
        assert_eq!(changes(&prev, &next), vec![]);
    }

    #[test]
    fn transitions_serialize_for_the_history_and_the_popup() {
        let prev = view_of(&[fresh(vec![system(1, "Ziine", Ok)])]);
        let next = view_of(&[fresh(vec![system(1, "Ziine", DmsNotResponding)])]);
        let json = serde_json::to_value(&diff(&prev, &next, at(9))[0]).unwrap();
        assert_eq!(json["change"]["type"], "state");
        assert_eq!(json["change"]["to"], "dmsNotResponding");
        assert_eq!(json["system"]["name"], "Ziine");
    }

    #[test]
    fn a_new_dataminer_version_is_a_change_of_its_own_and_a_missing_one_is_not() {
        let with_version = |state, version: Option<&str>| {
            let mut s = system(1, "Ziine", state);
            s.data_miner_version = version.map(str::to_string);
            s
        };
        let prev = view_of(&[fresh(vec![with_version(Ok, Some("10.4.1"))])]);
        let upgraded = view_of(&[fresh(vec![with_version(Ok, Some("10.5.2"))])]);
        assert_eq!(
            changes(&prev, &upgraded),
            vec![(Some("Ziine".into()), Change::VersionChanged { from: "10.4.1".into(), to: "10.5.2".into() })]
        );
        // Upgraded while it restarted: both are told.
        let restarting = view_of(&[fresh(vec![with_version(DmsNotResponding, Some("10.5.2"))])]);
        let got = changes(&prev, &restarting);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(got[1].1, Change::VersionChanged { .. }));
        let unknown = view_of(&[fresh(vec![with_version(Ok, None)])]);
        assert_eq!(changes(&prev, &unknown), vec![]);
        assert_eq!(changes(&unknown, &upgraded), vec![]);
    }
}
