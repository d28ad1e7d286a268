//! The incident summary: one system's trouble as plain text to paste into
//! a ticket, a chat or an e-mail. It holds what the reader needs to act,
//! with absolute times, since it is read later and elsewhere: the state in
//! the words of dataminer.services, when the DMS was last seen online, its
//! Cloud Gateways and DataMiner version, the last day of its history, and
//! the links to its remote access and to Admin.

use chrono::{DateTime, Duration, Utc};

use crate::ago::ago;
use crate::api::ApiState;
use crate::config::OrganizationConfig;
use crate::history::HistoryEntry;
use crate::menu::{home_url, ADMIN_URL};
use crate::remote::{remote_link, RemoteApp};
use crate::report::state_words;
use crate::view::{OrgView, SystemView};

/// How far back the summary's changes go.
const CHANGES_HOURS: i64 = 24;

/// The summary of `system` of `org` at `now`. `history` may hold any
/// entries: those of this system from the last 24 hours are told, oldest
/// first. `organization` is the organization's configuration, whose allowed
/// hosts say whether its remote-access link may be given; `clock` writes a
/// time.
pub fn incident_text(
    org: &OrgView,
    system: &SystemView,
    history: &[HistoryEntry],
    organization: &OrganizationConfig,
    now: DateTime<Utc>,
    clock: &dyn Fn(DateTime<Utc>) -> String,
) -> String {
    let state = state_words(system);
    let mut lines = vec![format!("{}: {state}", system.name), String::new()];
    lines.push(format!("Organization: {}", org.name));
    lines.push(format!("System: {}", system.name));
    lines.push(format!("State: {state}"));
    if let Some(error) = &org.error {
        lines.push(format!("Polling: {}, failing since {}", error.message, clock(error.since)));
    }
    lines.push(match (system.state, system.last_seen_online) {
        (ApiState::Ok, _) => "Last seen online: now".to_string(),
        (_, Some(t)) => format!("Last seen online: {} ({})", clock(t), ago(t, now)),
        (_, None) => "Last seen online: never".to_string(),
    });
    let gateways = system.cloud_gateways;
    lines.push(format!("Cloud Gateways: {} of {} connected", gateways.connected, gateways.total));
    lines.push(format!("DataMiner version: {}", system.data_miner_version.as_deref().unwrap_or("not reported")));
    lines.push(match remote_link(system, organization, RemoteApp::Root) {
        Ok(url) if system.state == ApiState::Ok => format!("Remote access: {url}"),
        Ok(url) => format!("Remote access: {url} (greyed out on dataminer.services until the DMS is connected)"),
        // A sentence of its own: "Remote access is disabled for this DMS".
        Err(why) => why,
    });
    lines.push(format!("dataminer.services: {}", home_url(org.id)));
    lines.push(format!("Admin: {ADMIN_URL}"));
    lines.push(String::new());

    let mut changes: Vec<&HistoryEntry> = history
        .iter()
        .filter(|e| e.organization_id == org.id && e.system_id == Some(system.id))
        .filter(|e| e.at > now - Duration::hours(CHANGES_HOURS) && e.at <= now)
        .collect();
    changes.sort_by_key(|e| e.at);
    if changes.is_empty() {
        lines.push(format!("No changes in the last {CHANGES_HOURS} hours."));
    } else {
        lines.push(format!("Changes in the last {CHANGES_HOURS} hours:"));
        lines.extend(changes.iter().map(|e| format!("{}  {}", clock(e.at), e.text)));
    }
    lines.push(String::new());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;
    use crate::api::{CloudGateways, RemoteAccess, SystemKind};
    use crate::config::KeySource;
    use crate::poll::PollErrorKind;
    use crate::view::tests::{at, org_id};
    use crate::view::OrgError;
    use uuid::Uuid;

    fn clock(t: DateTime<Utc>) -> String {
        t.format("%Y-%m-%d %H:%M").to_string()
    }

    fn ziine(state: ApiState) -> SystemView {
        SystemView {
            id: Uuid::from_u128(1),
            name: "Ziine".into(),
            dns_label: "ziine".into(),
            kind: SystemKind::SelfHosted,
            state,
            reported_state: state,
            last_seen_online: Some(at(-15)),
            cloud_gateways: CloudGateways { connected: 2, total: 3 },
            remote_access: RemoteAccess {
                enabled: true,
                url: Some("https://ziine-skyline.on.dataminer.services/".into()),
            },
            data_miner_version: Some("10.5.1.0-15231".into()),
            priority: Default::default(),
            acknowledged: None,
        }
    }

    fn org(system: &SystemView) -> OrgView {
        OrgView {
            id: org_id(),
            name: "Skyline".into(),
            url_label: Some("skyline".into()),
            error: None,
            last_good_at: Some(at(0)),
            updating: false,
            systems: vec![system.clone()],
        }
    }

    fn config() -> OrganizationConfig {
        OrganizationConfig {
            name: None,
            api_url: "https://api.dataminer.services/".parse().unwrap(),
            id: org_id(),
            key: KeySource::Inline("k".into()),
            allowed_remote_hosts: vec![],
            proxy: None,
            priority_rules: vec![],
        }
    }

    fn entry(minute: i64, system: u128, text: &str) -> HistoryEntry {
        HistoryEntry {
            at: at(minute),
            organization_id: org_id(),
            organization_name: "Skyline".into(),
            system_id: Some(Uuid::from_u128(system)),
            system_name: Some("Ziine".into()),
            text: text.into(),
            state: None,
        }
    }

    #[test]
    fn a_system_in_trouble_reads_ready_to_paste() {
        let system = ziine(DmsNotResponding);
        let history = [
            entry(-15, 1, "Cloud connection valid, DMS not responding"),
            entry(-25 * 60, 1, "No connection to dataminer.services"),
            entry(-10, 2, "Back online"),
            entry(-120, 1, "Back online"),
            entry(-5, 1, "Acknowledged by alice"),
        ];
        let text = incident_text(&org(&system), &system, &history, &config(), at(0), &clock);
        assert_eq!(
            text,
            "\
Ziine: Cloud connection valid, DMS not responding

Organization: Skyline
System: Ziine
State: Cloud connection valid, DMS not responding
Last seen online: 2026-11-18 10:51 (15 minutes ago)
Cloud Gateways: 2 of 3 connected
DataMiner version: 10.5.1.0-15231
Remote access: https://ziine-skyline.on.dataminer.services/root/ (greyed out on dataminer.services until the DMS is connected)
dataminer.services: https://dataminer.services/0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10
Admin: https://admin.dataminer.services/

Changes in the last 24 hours:
2026-11-18 09:06  Back online
2026-11-18 10:51  Cloud connection valid, DMS not responding
2026-11-18 11:01  Acknowledged by alice
"
        );
    }

    #[test]
    fn what_is_missing_or_failing_is_said() {
        let mut system = ziine(Unknown);
        system.last_seen_online = None;
        system.data_miner_version = None;
        system.remote_access.enabled = false;
        let mut failing = org(&system);
        failing.error =
            Some(OrgError { kind: PollErrorKind::KeyRejected, message: "key rejected (401)".into(), since: at(-30) });
        let text = incident_text(&failing, &system, &[], &config(), at(0), &clock);
        for line in [
            "State: The state of the DMS could not be determined\n",
            "Polling: key rejected (401), failing since 2026-11-18 10:36\n",
            "Last seen online: never\n",
            "DataMiner version: not reported\n",
            "\nRemote access is disabled for this DMS\n",
            "\nNo changes in the last 24 hours.\n",
        ] {
            assert!(text.contains(line), "{line:?} in:\n{text}");
        }
    }

    #[test]
    fn a_connected_system_links_its_remote_access_plainly_but_never_another_host() {
        let mut system = ziine(Ok);
        system.cloud_gateways = CloudGateways { connected: 1, total: 3 };
        let text = incident_text(&org(&system), &system, &[], &config(), at(0), &clock);
        assert!(text.starts_with("Ziine: Connected, redundancy degraded\n"), "{text}");
        assert!(text.contains("Last seen online: now\n"), "{text}");
        assert!(text.contains("Remote access: https://ziine-skyline.on.dataminer.services/root/\n"), "{text}");
        system.remote_access.url = Some("https://evil.example/".into());
        let text = incident_text(&org(&system), &system, &[], &config(), at(0), &clock);
        assert!(!text.contains("https://evil.example"), "{text}");
        assert!(text.contains("\nThe remote-access host evil.example is neither"), "{text}");
    }
}
