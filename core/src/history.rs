//! The history as the user reads it: each transition as one line in words,
//! and a system's states over a range as a strip of segments with its
//! uptime. Storage is the shell's; these are pure functions of the records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::api::ApiState;
use crate::transitions::{Change, Transition};
use crate::view::{OrgView, SystemView};

/// The line of a system that left its organization; the store also finds
/// a removal by it.
pub const REMOVED: &str = "Removed from the organization";

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub system_id: Option<Uuid>,
    pub system_name: Option<String>,
    /// What happened, in words.
    pub text: String,
    /// The state the system went to; `None` for changes that are not a state.
    pub state: Option<ApiState>,
}

/// A transition as a history line.
pub fn entry(transition: &Transition) -> HistoryEntry {
    let (text, state) = match &transition.change {
        Change::State { to: ApiState::Ok, .. } => ("Back online".to_string(), Some(ApiState::Ok)),
        Change::State { to, .. } => (to.describe().to_string(), Some(*to)),
        Change::Added { state } => (format!("Added ({})", state.describe()), Some(*state)),
        Change::Removed { .. } => (REMOVED.to_string(), None),
        Change::RedundancyDegraded { cloud_gateways: g } => {
            (format!("{} of {} Cloud Gateways connected", g.connected, g.total), None)
        }
        Change::RedundancyRestored { cloud_gateways: g } => (format!("All {} Cloud Gateways connected", g.total), None),
        Change::VersionChanged { from, to } => (format!("Now runs DataMiner {to} (was {from})"), None),
        Change::OrganizationFailed { message, .. } => (message.clone(), None),
        Change::OrganizationRecovered { .. } => ("Polling works again".to_string(), None),
    };
    HistoryEntry {
        at: transition.at,
        organization_id: transition.organization.id,
        organization_name: transition.organization.name.clone(),
        system_id: transition.system.as_ref().map(|s| s.id),
        system_name: transition.system.as_ref().map(|s| s.name.clone()),
        text,
        state,
    }
}

/// An acknowledgement as a history line: "Acknowledged by alice".
pub fn acknowledged_entry(org: &OrgView, system: &SystemView, ack: &Acknowledgement) -> HistoryEntry {
    HistoryEntry {
        at: ack.at,
        organization_id: org.id,
        organization_name: org.name.clone(),
        system_id: Some(system.id),
        system_name: Some(system.name.clone()),
        text: format!("Acknowledged by {}", ack.by),
        state: None,
    }
}

/// A stretch of time in one state; `None`: nothing known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub state: Option<ApiState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strip {
    /// The share of known time spent `ok`; `None` when nothing is known.
    pub uptime: Option<f64>,
    pub segments: Vec<Segment>,
}

/// The strip of `[from, to)` from a system's state changes (time and the
/// state gone to, in time order; `None` where it stopped being known).
pub fn strip(changes: &[(DateTime<Utc>, Option<ApiState>)], from: DateTime<Utc>, to: DateTime<Utc>) -> Strip {
    let mut state = changes.iter().take_while(|(at, _)| *at <= from).last().and_then(|(_, s)| *s);
    let mut segments: Vec<Segment> = Vec::new();
    let mut start = from;
    for (at, next) in changes.iter().filter(|(at, _)| *at > from && *at < to) {
        if *next != state {
            if *at > start {
                segments.push(Segment { from: start, to: *at, state });
            }
            start = *at;
            state = *next;
        }
    }
    segments.push(Segment { from: start, to, state });
    let known = |s: &&Segment| s.state.is_some();
    let length = |s: &Segment| (s.to - s.from).num_milliseconds() as f64;
    let known_ms: f64 = segments.iter().filter(known).map(length).sum();
    let ok_ms: f64 = segments.iter().filter(|s| s.state == Some(ApiState::Ok)).map(length).sum();
    Strip { uptime: (known_ms > 0.0).then(|| ok_ms / known_ms), segments }
}

/// An uptime as a percentage with one decimal, rounded down, so that a
/// system that was down at all never reads 100.0 (as the popup's strip).
pub fn uptime_percent(uptime: f64) -> String {
    format!("{:.1}", (uptime * 1000.0 + 1e-9).floor() / 10.0)
}

/// "98.7 % connected", or "no data", in the words of the popup's strip.
pub fn uptime_words(uptime: Option<f64>) -> String {
    match uptime {
        Some(uptime) => format!("{} % connected", uptime_percent(uptime)),
        None => "no data".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiState::*, CloudGateways};
    use crate::transitions::Named;
    use crate::view::tests::{at, org_id};

    fn transition(change: Change) -> Transition {
        Transition {
            organization: Named { id: org_id(), name: "Skyline".into() },
            system: Some(Named { id: Uuid::from_u128(1), name: "Ziine".into() }),
            at: at(3),
            change,
        }
    }

    #[test]
    fn transitions_read_as_lines() {
        let state =
            |to| Change::State { from: Ok, to, last_seen_online: None, cloud_gateways: CloudGateways::default() };
        let cases = [
            (state(DmsNotResponding), "Cloud connection valid, DMS not responding", Some(DmsNotResponding)),
            (state(Ok), "Back online", Some(Ok)),
            (
                Change::RedundancyDegraded { cloud_gateways: CloudGateways { connected: 1, total: 3 } },
                "1 of 3 Cloud Gateways connected",
                None,
            ),
            (Change::Removed { last_state: Ok }, "Removed from the organization", None),
            (
                Change::VersionChanged { from: "10.4.1".into(), to: "10.5.2".into() },
                "Now runs DataMiner 10.5.2 (was 10.4.1)",
                None,
            ),
        ];
        for (change, text, state) in cases {
            let line = entry(&transition(change));
            assert_eq!((line.text.as_str(), line.state), (text, state));
            assert_eq!(line.system_name.as_deref(), Some("Ziine"));
            assert_eq!(line.at, at(3));
        }
    }

    #[test]
    fn a_strip_covers_the_range_with_its_uptime() {
        // Ok from minute 0, no connection from 30 to 45, ok again after.
        let changes = [(at(0), Some(Ok)), (at(30), Some(NoConnection)), (at(45), Some(Ok))];
        let s = strip(&changes, at(15), at(75));
        assert_eq!(
            s.segments,
            vec![
                Segment { from: at(15), to: at(30), state: Some(Ok) },
                Segment { from: at(30), to: at(45), state: Some(NoConnection) },
                Segment { from: at(45), to: at(75), state: Some(Ok) },
            ]
        );
        assert_eq!(s.uptime, Some(0.75));
    }

    #[test]
    fn unknown_time_is_not_counted_and_nothing_known_has_no_uptime() {
        let changes = [(at(30), Some(Ok)), (at(40), None), (at(50), Some(NoConnection))];
        let s = strip(&changes, at(0), at(60));
        assert_eq!(s.segments.len(), 4);
        assert_eq!(s.segments[0].state, None);
        assert_eq!(s.uptime, Some(0.5));
        assert_eq!(strip(&[], at(0), at(60)).uptime, None);
        assert_eq!(strip(&[], at(0), at(60)).segments, vec![Segment { from: at(0), to: at(60), state: None }]);
    }

    #[test]
    fn uptime_reads_as_the_popup_has_it_and_never_rounds_up_to_all() {
        assert_eq!(uptime_words(Some(1.0)), "100.0 % connected");
        assert_eq!(uptime_words(Some(0.75)), "75.0 % connected");
        assert_eq!(uptime_words(Some(0.99999)), "99.9 % connected");
        assert_eq!(uptime_words(Some(0.0)), "0.0 % connected");
        assert_eq!(uptime_words(None), "no data");
        assert_eq!(uptime_percent(0.987), "98.7");
    }
}
