//! What changed while dms-tray was not running: the last known states
//! (from the history) against an organization's first good poll after a
//! start, told once as one digest. An unchanged organization says nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::alerts::{Alert, Topic, Urgency};
use crate::api::ApiState;
use crate::view::OrgView;

/// A system's last known state, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub organization: Uuid,
    pub system: Uuid,
    pub name: String,
    pub state: ApiState,
}

/// One change found on start.
#[derive(Debug, Clone, PartialEq)]
pub struct AwayChange {
    pub system: Uuid,
    pub name: String,
    pub from: Option<ApiState>,
    /// `None`: the system was removed.
    pub to: Option<ApiState>,
    pub last_seen_online: Option<DateTime<Utc>>,
}

/// The changes between the known states and the organization's first good
/// poll. States that cannot be determined now are not changes.
pub fn away_changes(known: &[Known], org: &OrgView) -> Vec<AwayChange> {
    let before: HashMap<Uuid, &Known> =
        known.iter().filter(|k| k.organization == org.id).map(|k| (k.system, k)).collect();
    if before.is_empty() {
        return Vec::new(); // never watched: a first start, not a restart
    }
    let mut changes: Vec<AwayChange> = org
        .systems
        .iter()
        .filter(|s| s.state != ApiState::Unknown)
        .filter_map(|s| {
            let from = before.get(&s.id).map(|k| k.state);
            (from != Some(s.state)).then(|| AwayChange {
                system: s.id,
                name: s.name.clone(),
                from,
                to: Some(s.state),
                last_seen_online: s.last_seen_online,
            })
        })
        .collect();
    for known in before.values() {
        if !org.systems.iter().any(|s| s.id == known.system) {
            changes.push(AwayChange {
                system: known.system,
                name: known.name.clone(),
                from: Some(known.state),
                to: None,
                last_seen_online: None,
            });
        }
    }
    changes
}

/// One line per change: "Ziine lost its connection at 09:31".
/// `clock` writes a time as the user reads it (local hours and minutes).
pub fn describe(change: &AwayChange, clock: &dyn Fn(DateTime<Utc>) -> String) -> String {
    let at = |t: Option<DateTime<Utc>>| t.map(|t| format!(" at {}", clock(t))).unwrap_or_default();
    match (change.from, change.to) {
        (None, Some(_)) => format!("{} was added", change.name),
        (_, None) => format!("{} was removed", change.name),
        (_, Some(ApiState::NoConnection)) => {
            format!("{} lost its connection{}", change.name, at(change.last_seen_online))
        }
        (_, Some(ApiState::DmsNotResponding)) => {
            format!("{} stopped responding{}", change.name, at(change.last_seen_online))
        }
        (_, Some(ApiState::Ok)) => format!("{} is back online", change.name),
        (_, Some(ApiState::Unknown)) => format!("{}: state unknown", change.name),
    }
}

/// The one notification for an organization's changes while away.
pub fn digest(org: &OrgView, changes: &[AwayChange], clock: &dyn Fn(DateTime<Utc>) -> String) -> Option<Alert> {
    let lines: Vec<String> = changes.iter().map(|c| describe(c, clock)).collect();
    let urgency = match changes.iter().filter_map(|c| c.to).max_by_key(|s| severity(*s)) {
        Some(ApiState::NoConnection) => Urgency::Critical,
        Some(ApiState::DmsNotResponding) => Urgency::Normal,
        _ => Urgency::Low,
    };
    let (summary, body) = match &lines[..] {
        [] => return None,
        [one] => (format!("While dms-tray was not running: {one}"), org.name.clone()),
        many => (format!("While dms-tray was not running: {} changes in {}", many.len(), org.name), many.join("; ")),
    };
    Some(Alert { topic: Topic::Summary, summary, body, urgency, system: None, acknowledgeable: false, sound: None })
}

fn severity(state: ApiState) -> u8 {
    match state {
        ApiState::NoConnection => 3,
        ApiState::DmsNotResponding => 2,
        ApiState::Unknown => 1,
        ApiState::Ok => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;
    use crate::view::tests::{at, fresh, org_id, system};
    use crate::view::OrgSnapshot;

    fn known(n: u128, name: &str, state: ApiState) -> Known {
        Known { organization: org_id(), system: Uuid::from_u128(n), name: name.into(), state }
    }

    fn org(systems: Vec<crate::api::System>) -> OrgView {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(systems), at(0));
        snap.view()
    }

    fn clock(t: DateTime<Utc>) -> String {
        t.format("%H:%M").to_string()
    }

    #[test]
    fn an_unchanged_restart_says_nothing() {
        let now = org(vec![system(1, "Ziine", Ok), system(2, "Tokyo", NoConnection)]);
        let changes = away_changes(&[known(1, "Ziine", Ok), known(2, "Tokyo", NoConnection)], &now);
        assert_eq!(changes, vec![]);
        assert_eq!(digest(&now, &changes, &clock), None);
    }

    #[test]
    fn a_first_start_is_not_a_restart() {
        let now = org(vec![system(1, "Ziine", NoConnection)]);
        assert_eq!(away_changes(&[], &now), vec![]);
    }

    #[test]
    fn the_changes_are_told_once_in_one_digest() {
        let mut ziine = system(1, "Ziine", NoConnection);
        ziine.last_seen_online = Some(at(-30));
        let now = org(vec![ziine, system(2, "Tokyo", Ok), system(3, "Oslo", Ok), system(5, "Gent", Unknown)]);
        let before =
            [known(1, "Ziine", Ok), known(2, "Tokyo", DmsNotResponding), known(4, "Lima", Ok), known(5, "Gent", Ok)];
        let changes = away_changes(&before, &now);
        let lines: Vec<String> = changes.iter().map(|c| describe(c, &clock)).collect();
        assert_eq!(
            lines,
            ["Ziine lost its connection at 10:36", "Tokyo is back online", "Oslo was added", "Lima was removed"]
        );
        let alert = digest(&now, &changes, &clock).unwrap();
        assert_eq!(alert.summary, "While dms-tray was not running: 4 changes in Skyline");
        assert_eq!(alert.body, lines.join("; "));
        assert_eq!(alert.urgency, Urgency::Critical);

        let one = &changes[..1];
        assert_eq!(
            digest(&now, one, &clock).unwrap().summary,
            "While dms-tray was not running: Ziine lost its connection at 10:36"
        );
    }
}
