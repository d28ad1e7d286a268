//! The popup's model: the view as the popup renders it, with systems
//! sorted by acknowledgement, priority, severity then name, state texts in the words of
//! dataminer.services, and whether each row's remote access may be opened.
//! The popup asks for it once on open and then receives it on every change.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::alerts::SystemRef;
use crate::api::{CloudGateways, SystemKind};
use crate::config::OrganizationConfig;
use crate::menu::home_url;
use crate::priority::Priority;
use crate::remote::{remote_target, RemoteApp};
use crate::report::reading_order;
use crate::tray::{tooltip, tray_look, TrayLevel};
use crate::view::{OrgError, OrgView, SystemView, View};
use crate::wording::Attention;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PopupModel {
    pub now: DateTime<Utc>,
    /// The last time any organization's data was confirmed.
    pub last_update: Option<DateTime<Utc>>,
    /// Set in the demo: where a real configuration would go.
    pub demo: Option<DemoNote>,
    pub summary: String,
    pub level: TrayLevel,
    pub organizations: Vec<OrgModel>,
    /// A hook's last failure, for the footer: "Hook 'teams' failed: HTTP
    /// 500 after 3 tries".
    pub hook_problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoNote {
    pub config_path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgModel {
    pub id: Uuid,
    pub name: String,
    pub home_url: String,
    pub error: Option<OrgError>,
    pub last_good_at: Option<DateTime<Utc>>,
    pub total: usize,
    pub attention: usize,
    /// "2 of 14 need attention", "all 14 connected", …
    pub summary: String,
    /// "Runs DataMiner 10.4.12 and 10.5.1" when its systems run several
    /// versions.
    pub versions: Option<String>,
    pub systems: Vec<SystemModel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemModel {
    pub id: Uuid,
    pub name: String,
    pub state: crate::api::ApiState,
    pub state_text: String,
    pub redundancy_degraded: bool,
    pub last_seen_online: Option<DateTime<Utc>>,
    pub cloud_gateways: CloudGateways,
    /// Connected through a single Cloud Gateway: information, not an alert
    /// (dataminer.services recommends more than one for redundancy).
    pub single_gateway: bool,
    #[serde(rename = "type")]
    pub kind: SystemKind,
    pub type_text: String,
    pub data_miner_version: Option<String>,
    pub remote: RemoteModel,
    /// Changing state too often to be told each time.
    pub flapping: bool,
    pub priority: Priority,
    /// Who acknowledged its outage, and when.
    pub acknowledged: Option<Acknowledgement>,
    /// In an outage nobody has acknowledged yet.
    pub acknowledgeable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteModel {
    pub openable: bool,
    pub reason: Option<String>,
}

/// Builds the model. `organizations` is the configuration, in the view's
/// order; `flapping` says which systems the notification policy holds for
/// flapping.
pub fn popup_model(
    view: &View,
    organizations: &[OrganizationConfig],
    now: DateTime<Utc>,
    demo_config_path: Option<&Path>,
    flapping: &dyn Fn(SystemRef) -> bool,
) -> PopupModel {
    let summary = tooltip(view).trim_start_matches("dms-tray — ").to_string();
    PopupModel {
        now,
        last_update: view.organizations.iter().filter_map(|o| o.last_good_at).max(),
        demo: demo_config_path.map(|p| DemoNote { config_path: p.display().to_string() }),
        summary,
        level: tray_look(view).level,
        organizations: view
            .organizations
            .iter()
            .map(|org| {
                let config = organizations.iter().find(|c| c.id == org.id);
                org_model(org, config, flapping)
            })
            .collect(),
        hook_problem: None,
    }
}

fn org_model(org: &OrgView, config: Option<&OrganizationConfig>, flapping: &dyn Fn(SystemRef) -> bool) -> OrgModel {
    let mut systems: Vec<&SystemView> = org.systems.iter().collect();
    systems.sort_by_cached_key(|s| (reading_order(s), s.name.to_lowercase(), s.id));
    let attention = Attention::of(&org.systems);
    OrgModel {
        id: org.id,
        name: org.name.clone(),
        home_url: home_url(org.id),
        error: org.error.clone(),
        last_good_at: org.last_good_at,
        total: attention.total,
        attention: attention.attention,
        summary: attention.short(),
        versions: versions(&systems),
        systems: systems
            .into_iter()
            .map(|s| system_model(s, config, flapping(SystemRef { organization: org.id, system: s.id })))
            .collect(),
    }
}

/// The DataMiner versions an organization's systems run, when there are
/// several: "Runs DataMiner 10.4.12 and 10.5.1".
fn versions(systems: &[&SystemView]) -> Option<String> {
    let mut versions: Vec<&str> = systems.iter().filter_map(|s| s.data_miner_version.as_deref()).collect();
    // 10.10 after 10.9: by the numbers in them.
    versions.sort_by_cached_key(|v| {
        v.split(|c: char| !c.is_ascii_digit()).map(|n| n.parse().unwrap_or(0u64)).collect::<Vec<_>>()
    });
    versions.dedup();
    match versions.as_slice() {
        [] | [_] => None,
        [rest @ .., last] => Some(format!("Runs DataMiner {} and {last}", rest.join(", "))),
    }
}

fn system_model(system: &SystemView, config: Option<&OrganizationConfig>, flapping: bool) -> SystemModel {
    let remote = match config.map(|c| remote_target(system, c, RemoteApp::Root)) {
        Some(Ok(_)) => RemoteModel { openable: true, reason: None },
        Some(Err(reason)) => RemoteModel { openable: false, reason: Some(reason) },
        None => RemoteModel { openable: false, reason: Some("The organization is no longer configured".into()) },
    };
    SystemModel {
        id: system.id,
        name: system.name.clone(),
        state: system.state,
        state_text: system.state.describe().to_string(),
        redundancy_degraded: system.redundancy_degraded(),
        last_seen_online: system.last_seen_online,
        cloud_gateways: system.cloud_gateways,
        single_gateway: system.state.is_connected() && system.cloud_gateways.total == 1,
        kind: system.kind,
        type_text: match system.kind {
            SystemKind::SelfHosted => "Self-hosted",
            SystemKind::DataMinerAsAService => "DataMiner as a Service",
            SystemKind::Other => "Other",
        }
        .to_string(),
        data_miner_version: system.data_miner_version.clone(),
        remote,
        flapping,
        priority: system.priority,
        acknowledged: system.acknowledged.clone(),
        acknowledgeable: Acknowledgement::can_acknowledge(system.state) && system.acknowledged.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;
    use crate::config::KeySource;
    use crate::poll::PollErrorKind;
    use crate::view::tests::{at, failed, fresh, org_id, system};
    use crate::view::OrgSnapshot;

    fn config() -> OrganizationConfig {
        OrganizationConfig {
            name: None,
            api_url: "https://api.example/".parse().unwrap(),
            id: org_id(),
            key: KeySource::Inline("k".into()),
            allowed_remote_hosts: vec![],
            proxy: None,
            priority_rules: vec![],
        }
    }

    fn with_remote(mut s: crate::api::System) -> crate::api::System {
        s.remote_access.url = Some(format!("https://{}-skyline.on.dataminer.services/", s.dns_label));
        s
    }

    #[test]
    fn systems_are_sorted_by_severity_then_name_with_their_texts() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(
            &fresh(vec![
                with_remote(system(1, "beta", Ok)),
                with_remote(system(2, "Alpha", Ok)),
                with_remote(system(3, "Ziine", DmsNotResponding)),
                with_remote(system(4, "Tokyo", NoConnection)),
                with_remote(system(5, "Oslo", Unknown)),
            ]),
            at(0),
        );
        let model = popup_model(&View { organizations: vec![snap.view()] }, &[config()], at(1), None, &|_| false);
        let org = &model.organizations[0];
        let names: Vec<&str> = org.systems.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Tokyo", "Ziine", "Oslo", "Alpha", "beta"]);
        assert_eq!(org.systems[1].state_text, "Cloud connection valid, DMS not responding");
        assert_eq!((org.total, org.attention), (5, 3));
        assert_eq!(org.summary, "3 of 5 need attention");
        assert_eq!(model.summary, "3 of 5 systems need attention");
        assert_eq!(model.level, TrayLevel::NoConnection);
        assert_eq!(model.last_update, Some(at(0)));
        assert!(org.systems[3].remote.openable);
        assert!(!org.systems[0].remote.openable);
        assert!(org.systems[0].remote.reason.as_deref().unwrap().contains("needs a connected DMS"));
        assert_eq!(org.home_url, home_url(org_id()));
    }

    #[test]
    fn a_failing_organization_carries_its_error_and_unknown_rows() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![with_remote(system(1, "Ziine", Ok))]), at(0));
        snap.record(&failed(PollErrorKind::ServiceError), at(1));
        let model = popup_model(&View { organizations: vec![snap.view()] }, &[config()], at(2), None, &|_| false);
        let org = &model.organizations[0];
        assert_eq!(org.error.as_ref().unwrap().kind, PollErrorKind::ServiceError);
        assert_eq!(org.last_good_at, Some(at(0)));
        assert_eq!(org.systems[0].state, Unknown);
        assert!(!org.systems[0].remote.openable);
    }

    #[test]
    fn the_model_serializes_in_the_popup_contract() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "Ziine", Ok)]), at(0));
        let model = popup_model(
            &View { organizations: vec![snap.view()] },
            &[config()],
            at(1),
            Some(Path::new("/home/u/.config/dms-tray/config.toml")),
            &|s| s.system == uuid::Uuid::from_u128(1),
        );
        let json = serde_json::to_value(&model).unwrap();
        assert_eq!(json["demo"]["configPath"], "/home/u/.config/dms-tray/config.toml");
        assert_eq!(json["level"], "ok");
        let row = &json["organizations"][0]["systems"][0];
        for key in [
            "id",
            "name",
            "state",
            "stateText",
            "redundancyDegraded",
            "lastSeenOnline",
            "cloudGateways",
            "type",
            "typeText",
            "dataMinerVersion",
            "remote",
            "flapping",
        ] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
        assert_eq!(row["type"], "selfHosted");
        assert_eq!(row["remote"]["openable"], false);
        assert_eq!(row["flapping"], true);
    }

    #[test]
    fn an_organization_on_several_versions_says_so_and_a_single_gateway_is_marked() {
        let with = |n, name, version: &str, total| {
            let mut s = system(n, name, Ok);
            s.data_miner_version = Some(version.into());
            s.cloud_gateways = CloudGateways { connected: total, total };
            s
        };
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(
            &fresh(vec![with(1, "Ziine", "10.10.0", 2), with(2, "Gent", "10.9.3", 1), with(3, "Oslo", "10.9.3", 3)]),
            at(0),
        );
        let view = View { organizations: vec![snap.view()] };
        let model = popup_model(&view, &[config()], at(1), None, &|_| false);
        let org = &model.organizations[0];
        assert_eq!(org.versions.as_deref(), Some("Runs DataMiner 10.9.3 and 10.10.0"));
        let single: Vec<&str> = org.systems.iter().filter(|s| s.single_gateway).map(|s| s.name.as_str()).collect();
        assert_eq!(single, ["Gent"]);
        assert!(org.systems.iter().all(|s| !s.redundancy_degraded), "information, not an alert");

        let mut one_version = OrgSnapshot::new(org_id(), None);
        one_version.record(&fresh(vec![with(1, "Ziine", "10.9.3", 2), with(2, "Gent", "10.9.3", 2)]), at(0));
        let view = View { organizations: vec![one_version.view()] };
        assert_eq!(popup_model(&view, &[config()], at(1), None, &|_| false).organizations[0].versions, None);
    }
}
