//! The UI suite's fixtures (`tests/ui/fixtures/contract.json`) are made here
//! from the very types and functions the monitor sends the popup, so that
//! the popup's page is tested against what it really receives. A change of
//! the contract fails this test until the file is written anew with
//! `DMS_TRAY_WRITE_FIXTURES=1 cargo test -p dms-tray-core ui_fixtures`.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::alerts::AlertSettings;
use crate::api::{ApiState, CloudGateways, System};
use crate::config::{KeySource, OrganizationConfig, MIN_POLL_INTERVAL};
use crate::history::{entry, strip};
use crate::poll::{PollError, PollErrorKind, PollOutcome};
use crate::popup::popup_model;
use crate::priority::Priority;
use crate::settings::{
    connection_test, organization_draft, pasted_key, poll_interval, NotificationChoices, OrganizationKey, SettingsModel,
};
use crate::transitions::{Change, Named, Transition};
use crate::view::tests::{document, system};
use crate::view::{OrgSnapshot, View};

/// The page's paused clock.
fn now() -> DateTime<Utc> {
    "2026-11-21T10:00:00Z".parse().unwrap()
}

fn connected(n: u128, name: &str, label: &str) -> System {
    let mut s = system(n, name, ApiState::Ok);
    s.dns_label = label.into();
    s.last_seen_online = Some(now() - Duration::seconds(12));
    s.cloud_gateways = CloudGateways { connected: 3, total: 3 };
    s.remote_access.url = Some(format!("https://{label}-skyline.on.dataminer.services/"));
    s.data_miner_version = Some("10.5.1.0-15231".into());
    s
}

fn down(n: u128, name: &str, label: &str, state: ApiState) -> System {
    let mut s = connected(n, name, label);
    s.state = state;
    s.last_seen_online = Some(now() - Duration::minutes(15));
    s.cloud_gateways.connected = 0;
    s
}

fn config(id: Uuid, name: Option<&str>) -> OrganizationConfig {
    OrganizationConfig {
        name: name.map(str::to_string),
        api_url: "https://api.dataminer.services/".parse().unwrap(),
        id,
        key: KeySource::Inline("key".into()),
        allowed_remote_hosts: vec![],
        proxy: None,
        priority_rules: vec![],
    }
}

fn contract() -> serde_json::Value {
    let skyline = crate::view::tests::org_id();
    let broken = Uuid::from_u128(0x0c0ffee0_0000_4000_8000_000000000002);
    let mut gent = connected(5, "Gent", "gent");
    gent.cloud_gateways.connected = 1;
    // On an older DataMiner than the others, through one Cloud Gateway.
    let mut zagreb = connected(7, "Zagreb", "zagreb");
    zagreb.cloud_gateways = CloudGateways { connected: 1, total: 1 };
    zagreb.data_miner_version = Some("10.4.12.0-14802".into());
    let mut first = OrgSnapshot::new(skyline, None);
    let outcome = PollOutcome::Fresh {
        document: document(vec![
            connected(1, "Brussels Playout", "brussels"),
            down(2, "Ziine", "ziine", ApiState::DmsNotResponding),
            down(3, "Tokyo MCR", "tokyo-mcr", ApiState::NoConnection),
            down(4, "Oslo", "oslo", ApiState::Unknown),
            gent,
            zagreb,
        ]),
        etag: None,
        max_age: None,
    };
    first.record(&outcome, now() - Duration::seconds(12));
    let mut second = OrgSnapshot::new(broken, Some("Broken".into()));
    second.record(
        &PollOutcome::Fresh { document: document(vec![connected(6, "Lab", "lab")]), etag: None, max_age: None },
        now() - Duration::hours(2),
    );
    let rejected = PollError {
        kind: PollErrorKind::KeyRejected,
        message: "the organization key was rejected (401); check the key in the configuration".into(),
        retry_after: None,
    };
    second.record(&PollOutcome::Failed(rejected), now() - Duration::minutes(5));
    let mut view = View { organizations: vec![first.view(), second.view()] };
    // Tokyo MCR and Brussels Playout are on air, the Lab is a lab; Ziine's outage is acknowledged.
    for system in &mut view.organizations[0].systems {
        match system.name.as_str() {
            "Tokyo MCR" | "Brussels Playout" => system.priority = Priority::OnAir,
            "Ziine" => {
                system.acknowledged =
                    Some(Acknowledgement { by: "alice".into(), at: now() - Duration::minutes(4), state: system.state })
            }
            _ => {}
        }
    }
    view.organizations[1].systems[0].priority = Priority::Lab;
    let organizations = [config(skyline, None), config(broken, Some("Broken"))];
    let model = popup_model(&view, &organizations, now(), None, &|_| false);

    let settings = SettingsModel {
        poll_interval: "1m".into(),
        autostart: false,
        config_path: "/home/u/.config/dms-tray/config.toml".into(),
        editable: true,
        reason: None,
        notifications: NotificationChoices::of(&AlertSettings::default()),
        keys: vec![
            OrganizationKey::of(&organizations[0], "Skyline".into()),
            OrganizationKey::of(
                &OrganizationConfig { key: KeySource::Keyring("Broken".into()), ..organizations[1].clone() },
                "Broken".into(),
            ),
        ],
    };

    let organization = Named { id: skyline, name: "Skyline".into() };
    let named = |n: u128, name: &str| Some(Named { id: Uuid::from_u128(n), name: name.into() });
    let state = |from, to| Change::State { from, to, last_seen_online: None, cloud_gateways: CloudGateways::default() };
    let transitions = [
        (named(1, "Brussels Playout"), 30, state(ApiState::NoConnection, ApiState::Ok)),
        (named(2, "Ziine"), 15, state(ApiState::Ok, ApiState::DmsNotResponding)),
        (named(3, "Tokyo MCR"), 60, state(ApiState::Ok, ApiState::NoConnection)),
        (named(6, "Lab"), 120, Change::Added { state: ApiState::Ok }),
    ];
    let history: Vec<_> = transitions
        .into_iter()
        .map(|(system, minutes, change)| {
            entry(&Transition {
                organization: organization.clone(),
                system,
                at: now() - Duration::minutes(minutes),
                change,
            })
        })
        .collect();
    let day = now() - Duration::hours(24);
    let strip = strip(
        &[
            (day, Some(ApiState::Ok)),
            (now() - Duration::hours(3), Some(ApiState::NoConnection)),
            (now() - Duration::hours(2), Some(ApiState::Ok)),
        ],
        day,
        now(),
    );

    let quiet_hours = NotificationChoices { quiet_hours: "22-7".into(), ..settings.notifications.clone() }
        .apply(&AlertSettings::default())
        .unwrap_err();
    let state_text: serde_json::Map<String, serde_json::Value> =
        ApiState::ALL.iter().map(|s| (s.as_str().to_string(), json!(s.describe()))).collect();
    json!({
        "now": now(),
        "stateText": state_text,
        "popupModel": model,
        "settings": settings,
        "history": history,
        "strip": strip,
        "errors": {
            "quietHours": quiet_hours,
            "pollInterval": poll_interval("1s", MIN_POLL_INTERVAL).unwrap_err(),
            "key": pasted_key("paste from mail").unwrap_err(),
            "apiUrl": organization_draft("Lab", "http://api.example", &skyline.to_string()).unwrap_err(),
            "organizationId": organization_draft("Lab", "https://api.example", "12").unwrap_err(),
        },
        "connectionTests": {
            "connected": connection_test(&outcome),
            "keyRejected": connection_test(&PollOutcome::Failed(PollError {
                kind: PollErrorKind::KeyRejected,
                message: "the organization key was rejected (401); check the key in the configuration".into(),
                retry_after: None,
            })),
        },
    })
}

#[test]
fn the_ui_suite_s_fixtures_are_what_the_monitor_sends() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ui/fixtures/contract.json");
    let made = serde_json::to_string_pretty(&contract()).unwrap() + "\n";
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    if written == made {
        return;
    }
    if std::env::var_os("DMS_TRAY_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, made).unwrap();
        return;
    }
    panic!(
        "{} is not what the monitor sends; write it anew with \
         DMS_TRAY_WRITE_FIXTURES=1 cargo test -p dms-tray-core ui_fixtures, and run the UI suite",
        path.display()
    );
}
