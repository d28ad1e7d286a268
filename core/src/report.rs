//! `dms-tray status`: the view as a table for people, as JSON for scripts,
//! and as an exit code for monitoring systems (the Nagios plugin
//! convention, so that the command doubles as a check).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::ago::ago;
use crate::api::{ApiState, CloudGateways};
use crate::poll::PollErrorKind;
use crate::priority::Priority;
use crate::view::{OrgView, SystemView, View};
use crate::wording::{capitalized, Attention};

/// The Nagios plugin states, with their exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckState {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

impl CheckState {
    /// The monitoring-plugins precedence: critical over warning over unknown
    /// over ok, so that a real outage is never hidden behind an unknown.
    fn rank(self) -> u8 {
        match self {
            CheckState::Ok => 0,
            CheckState::Unknown => 1,
            CheckState::Warning => 2,
            CheckState::Critical => 3,
        }
    }

    pub fn exit_code(self) -> i32 {
        self as i32
    }
}

/// 0 all ok, 1 some `dmsNotResponding` or degraded redundancy, 2 some
/// `noConnection`, 3 some `unknown`, an organization that could not be
/// polled, or nothing configured.
pub fn check_state(view: &View) -> CheckState {
    if view.organizations.is_empty() {
        return CheckState::Unknown;
    }
    let org_states =
        view.organizations.iter().map(|org| if org.error.is_some() { CheckState::Unknown } else { CheckState::Ok });
    let system_states = view.organizations.iter().flat_map(|o| &o.systems).map(|s| match s.state {
        ApiState::NoConnection => CheckState::Critical,
        ApiState::DmsNotResponding => CheckState::Warning,
        ApiState::Unknown => CheckState::Unknown,
        ApiState::Ok if s.redundancy_degraded() => CheckState::Warning,
        ApiState::Ok => CheckState::Ok,
    });
    org_states.chain(system_states).max_by_key(|s| s.rank()).unwrap_or(CheckState::Ok)
}

/// The JSON document of `dms-tray status --json`; its shape is a promise to scripts.
#[derive(Debug, Serialize)]
pub struct StatusJson {
    organizations: Vec<OrgJson>,
}

#[derive(Debug, Serialize)]
struct OrgJson {
    id: Uuid,
    name: String,
    error: Option<ErrorJson>,
    systems: Vec<SystemJson>,
}

#[derive(Debug, Serialize)]
struct ErrorJson {
    kind: PollErrorKind,
    message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SystemJson {
    id: Uuid,
    name: String,
    state: ApiState,
    last_seen_online: Option<DateTime<Utc>>,
    cloud_gateways: CloudGateways,
    remote_access_url: Option<String>,
    priority: Priority,
    /// Who acknowledged the outage and when; `null` when nobody has.
    acknowledged: Option<AcknowledgedJson>,
}

#[derive(Debug, Serialize)]
struct AcknowledgedJson {
    by: String,
    at: DateTime<Utc>,
}

pub fn status_json(view: &View) -> StatusJson {
    StatusJson {
        organizations: view
            .organizations
            .iter()
            .map(|org| OrgJson {
                id: org.id,
                name: org.name.clone(),
                error: org.error.as_ref().map(|e| ErrorJson { kind: e.kind, message: e.message.clone() }),
                systems: org
                    .systems
                    .iter()
                    .map(|s| SystemJson {
                        id: s.id,
                        name: s.name.clone(),
                        state: s.state,
                        last_seen_online: s.last_seen_online,
                        cloud_gateways: s.cloud_gateways,
                        remote_access_url: remote_access_url(s).map(str::to_owned),
                        priority: s.priority,
                        acknowledged: s.acknowledged.as_ref().map(|a| AcknowledgedJson { by: a.by.clone(), at: a.at }),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The remote-access base URL, when remote access is enabled.
fn remote_access_url(system: &SystemView) -> Option<&str> {
    system.remote_access.url.as_deref().filter(|_| system.remote_access.enabled)
}

/// The human table: one block per organization, the systems that need
/// attention first, then a summary line.
pub fn status_table(view: &View, now: DateTime<Utc>) -> String {
    if view.organizations.is_empty() {
        return "No organizations configured.\n".to_string();
    }
    let mut out = String::new();
    for org in &view.organizations {
        write_organization(&mut out, org, now);
    }
    let failing = view.organizations.iter().filter(|o| o.error.is_some()).count();
    let attention = Attention::of(view.organizations.iter().flat_map(|o| &o.systems));
    let _ = write!(out, "{}", capitalized(&attention.sentence()));
    if failing > 0 {
        let _ = write!(out, "; {failing} organization{} could not be polled", plural(failing));
    }
    out.push('\n');
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn write_organization(out: &mut String, org: &OrgView, now: DateTime<Utc>) {
    let _ = writeln!(out, "{}", org.name);
    if let Some(error) = &org.error {
        let last_good = org.last_good_at.map_or("never".to_string(), |t| ago(t, now));
        let _ = writeln!(
            out,
            "  ! {} (failing since {}; last good data: {last_good})",
            error.message,
            ago(error.since, now),
        );
    }
    let mut systems: Vec<&SystemView> = org.systems.iter().collect();
    systems.sort_by_key(|s| (reading_order(s), s.name.to_lowercase()));
    let rows: Vec<[String; 5]> = systems
        .iter()
        .map(|s| {
            [
                match s.priority {
                    Priority::Normal => s.name.clone(),
                    other => format!("{} ({})", s.name, other.label()),
                },
                match &s.acknowledged {
                    Some(ack) => format!("{}, acknowledged by {} {}", state_words(s), ack.by, ago(ack.at, now)),
                    None => state_words(s),
                },
                match (s.state, s.last_seen_online) {
                    (ApiState::Ok, _) => "online".to_string(),
                    (_, Some(t)) => format!("last seen {}", ago(t, now)),
                    (_, None) => "never seen online".to_string(),
                },
                format!("{}/{} gateways", s.cloud_gateways.connected, s.cloud_gateways.total),
                remote_access_url(s).unwrap_or("remote access off").to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..5).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for row in &rows {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if org.systems.is_empty() && org.error.is_none() {
        let _ = writeln!(out, "  (no systems)");
    }
}

/// The order the popup and the table list systems in: problems nobody has
/// acknowledged, then acknowledged ones, then the rest; within each, on
/// air before normal before lab, then by [`attention_rank`].
pub fn reading_order(system: &SystemView) -> (u8, Priority, u8) {
    let group = match (system.needs_attention(), system.acknowledged.is_some()) {
        (true, false) => 0,
        (true, true) => 1,
        (false, _) => 2,
    };
    (group, system.priority, attention_rank(system))
}

/// The order a user reads problems in: no connection, not responding,
/// unknown, lost redundancy, ok.
pub fn attention_rank(system: &SystemView) -> u8 {
    match system.state {
        ApiState::NoConnection => 0,
        ApiState::DmsNotResponding => 1,
        ApiState::Unknown => 2,
        ApiState::Ok if system.redundancy_degraded() => 3,
        ApiState::Ok => 4,
    }
}

/// The state in the words of dataminer.services, and lost redundancy while
/// connected.
pub fn state_words(system: &SystemView) -> String {
    if system.redundancy_degraded() && system.state == ApiState::Ok {
        "Connected, redundancy degraded".to_string()
    } else {
        system.state.describe().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;
    use crate::poll::PollErrorKind;
    use crate::view::tests::{at, failed, fresh, org_id, system};
    use crate::view::OrgSnapshot;

    fn view(outcomes: &[crate::poll::PollOutcome]) -> View {
        let mut snap = OrgSnapshot::new(org_id(), None);
        for outcome in outcomes {
            snap.record(outcome, at(0));
        }
        View { organizations: vec![snap.view()] }
    }

    #[test]
    fn exit_codes_follow_the_plugin_convention() {
        let mut degraded = system(5, "E", Ok);
        degraded.cloud_gateways = CloudGateways { connected: 1, total: 2 };
        let cases = [
            (view(&[fresh(vec![system(1, "A", Ok)])]), CheckState::Ok),
            (view(&[fresh(vec![system(1, "A", Ok), system(2, "B", DmsNotResponding)])]), CheckState::Warning),
            (view(&[fresh(vec![degraded])]), CheckState::Warning),
            (
                view(&[fresh(vec![system(2, "B", DmsNotResponding), system(3, "C", NoConnection)])]),
                CheckState::Critical,
            ),
            (view(&[fresh(vec![system(1, "A", Ok), system(4, "D", Unknown)])]), CheckState::Unknown),
            (view(&[fresh(vec![system(3, "C", NoConnection), system(4, "D", Unknown)])]), CheckState::Critical),
            (view(&[failed(PollErrorKind::KeyRejected)]), CheckState::Unknown),
            (View::default(), CheckState::Unknown),
        ];
        for (view, expected) in cases {
            assert_eq!(check_state(&view), expected, "{view:?}");
        }
        assert_eq!(CheckState::Critical.exit_code(), 2);
    }

    #[test]
    fn json_has_the_promised_shape() {
        let mut s = system(1, "Ziine", NoConnection);
        s.remote_access.url = Some("https://ziine-skyline.on.dataminer.services/".into());
        s.last_seen_online = Some(at(-15));
        let json = serde_json::to_value(status_json(&view(&[fresh(vec![s])]))).unwrap();
        let org = &json["organizations"][0];
        assert_eq!(org["name"], "Skyline");
        assert_eq!(org["error"], serde_json::Value::Null);
        let system = &org["systems"][0];
        assert_eq!(system["state"], "noConnection");
        assert_eq!(system["lastSeenOnline"], "2026-11-18T10:51:40Z");
        assert_eq!(system["cloudGateways"]["connected"], 1);
        assert_eq!(system["remoteAccessUrl"], "https://ziine-skyline.on.dataminer.services/");
        let keys: Vec<&String> = system.as_object().unwrap().keys().collect();
        assert_eq!(system["priority"], "normal");
        assert_eq!(system["acknowledged"], serde_json::Value::Null);
        assert_eq!(keys.len(), 8, "{keys:?}");
    }

    #[test]
    fn json_reports_an_organization_error_and_unknown_systems() {
        let v = view(&[fresh(vec![system(1, "Ziine", Ok)]), failed(PollErrorKind::ServiceError)]);
        let json = serde_json::to_value(status_json(&v)).unwrap();
        let org = &json["organizations"][0];
        assert_eq!(org["error"]["kind"], "serviceError");
        assert_eq!(org["systems"][0]["state"], "unknown");
    }

    #[test]
    fn the_table_lists_problems_first_in_words() {
        let mut down = system(2, "Tokyo", NoConnection);
        down.last_seen_online = Some(at(-15));
        let v = view(&[fresh(vec![system(1, "Antwerp", Ok), down, system(3, "Ziine", DmsNotResponding)])]);
        let table = status_table(&v, at(0));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "Skyline");
        assert!(lines[1].contains("Tokyo") && lines[1].contains("No connection to dataminer.services"));
        assert!(lines[1].contains("last seen 15 minutes ago"), "{table}");
        assert!(lines[2].contains("Cloud connection valid, DMS not responding"));
        assert!(lines[3].contains("Antwerp") && lines[3].contains("Connected"));
        assert_eq!(lines[4], "2 of 3 systems need attention");
    }

    #[test]
    fn the_table_marks_priorities_and_acknowledgements() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "Playout", NoConnection), system(2, "Lab", Ok)]), at(0));
        let mut org = snap.view();
        org.systems[0].priority = Priority::OnAir;
        org.systems[0].acknowledged =
            Some(crate::acknowledge::Acknowledgement { by: "alice".into(), at: at(-5), state: NoConnection });
        org.systems[1].priority = Priority::Lab;
        let table = status_table(&View { organizations: vec![org] }, at(0));
        let lines: Vec<&str> = table.lines().collect();
        assert!(
            lines[1].starts_with(
                "  Playout (on air)  No connection to dataminer.services, acknowledged by alice 5 minutes ago"
            ),
            "{table}"
        );
        assert!(lines[2].starts_with("  Lab (lab)"), "{table}");
        assert_eq!(lines[3], "No system needs attention, 1 acknowledged");
    }

    #[test]
    fn the_table_names_a_failing_organization() {
        let v = view(&[failed(PollErrorKind::KeyRejected)]);
        let table = status_table(&v, at(0));
        assert!(table.contains("! KeyRejected"), "{table}");
        assert!(table.contains("last good data: never"), "{table}");
        assert!(table.contains("1 organization could not be polled"), "{table}");
    }
}
