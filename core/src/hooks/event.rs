//! The event a hook receives: one change, as a JSON document whose shape
//! is a promise to the scripts and services that read it (docs/hooks.md),
//! and as a few environment variables for a command.
//!
//! It is made from the transition alone, never from the configuration, so
//! that no key can find its way into it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::alerts::SystemRef;
use crate::api::{ApiState, CloudGateways};
use crate::history::entry;
use crate::poll::PollErrorKind;
use crate::priority::Priority;
use crate::transitions::{Change, Named, Transition};

use super::EventKind;

/// The `version` of the event's shape; it changes only when a field
/// changes meaning or goes away (new fields may be added without it).
pub const EVENT_VERSION: u32 = 1;

/// One change, as hooks receive it. Every field is always present, `null`
/// when it does not apply to the kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HookEvent {
    pub version: u32,
    pub kind: EventKind,
    /// When dms-tray saw the change.
    pub at: DateTime<Utc>,
    pub organization: Named,
    /// `None` for a change of the organization itself.
    pub system: Option<Named>,
    /// The system's priority; `None` for a change of the organization.
    pub priority: Option<Priority>,
    /// The state before: a change of state, or a removed system's last state.
    pub from: Option<ApiState>,
    /// The state after: a change of state, or an added system's state.
    pub to: Option<ApiState>,
    /// `to` in the words of dataminer.services.
    pub state_text: Option<String>,
    /// What happened, as the history says it.
    pub text: String,
    pub last_seen_online: Option<DateTime<Utc>>,
    pub cloud_gateways: Option<CloudGateways>,
    pub data_miner_version: Option<VersionChange>,
    /// The failure that began (`organization-failed`) or ended
    /// (`organization-recovered`).
    pub poll_error: Option<PollErrorKind>,
}

/// The DataMiner versions before and after an upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionChange {
    pub from: String,
    pub to: String,
}

/// The environment variables a command receives besides its own
/// (docs/hooks.md says what each holds); one that does not apply to the
/// change is empty.
pub const ENVIRONMENT: [&str; 8] = [
    "DMS_TRAY_KIND",
    "DMS_TRAY_ORGANIZATION",
    "DMS_TRAY_ORGANIZATION_ID",
    "DMS_TRAY_SYSTEM",
    "DMS_TRAY_SYSTEM_ID",
    "DMS_TRAY_STATE",
    "DMS_TRAY_PRIORITY",
    "DMS_TRAY_TEXT",
];

impl HookEvent {
    /// One line for a chat message: the system (or the organization) and
    /// what happened, "Ziine: No connection to dataminer.services".
    pub fn headline(&self) -> String {
        let subject = self.system.as_ref().unwrap_or(&self.organization);
        format!("{}: {}", subject.name, self.text)
    }

    /// The values of [`ENVIRONMENT`], in its order.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        let values = [
            self.kind.key().to_string(),
            self.organization.name.clone(),
            self.organization.id.to_string(),
            self.system.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
            self.system.as_ref().map(|s| s.id.to_string()).unwrap_or_default(),
            self.to.map(|s| s.as_str().to_string()).unwrap_or_default(),
            self.priority.map(|p| p.key().to_string()).unwrap_or_default(),
            self.text.clone(),
        ];
        ENVIRONMENT.into_iter().zip(values).collect()
    }
}

/// The event of one transition; `priority` is the system's.
pub fn event(transition: &Transition, priority: Option<Priority>) -> HookEvent {
    let (from, to) = match &transition.change {
        Change::State { from, to, .. } => (Some(*from), Some(*to)),
        Change::Added { state } => (None, Some(*state)),
        Change::Removed { last_state } => (Some(*last_state), None),
        _ => (None, None),
    };
    let (last_seen_online, cloud_gateways) = match &transition.change {
        Change::State { last_seen_online, cloud_gateways, .. } => (*last_seen_online, Some(*cloud_gateways)),
        Change::RedundancyDegraded { cloud_gateways } | Change::RedundancyRestored { cloud_gateways } => {
            (None, Some(*cloud_gateways))
        }
        _ => (None, None),
    };
    HookEvent {
        version: EVENT_VERSION,
        kind: EventKind::of(&transition.change),
        at: transition.at,
        organization: transition.organization.clone(),
        system: transition.system.clone(),
        priority: transition.system.as_ref().and(priority),
        from,
        to,
        state_text: to.map(|state| state.describe().to_string()),
        text: entry(transition).text,
        last_seen_online,
        cloud_gateways,
        data_miner_version: match &transition.change {
            Change::VersionChanged { from, to } => Some(VersionChange { from: from.clone(), to: to.clone() }),
            _ => None,
        },
        poll_error: match &transition.change {
            Change::OrganizationFailed { kind, .. } => Some(*kind),
            Change::OrganizationRecovered { was } => Some(*was),
            _ => None,
        },
    }
}

/// The events of a poll's transitions, each system's with the priority
/// `priority_of` gives it.
pub fn events(transitions: &[Transition], priority_of: &dyn Fn(SystemRef, &str) -> Priority) -> Vec<HookEvent> {
    transitions
        .iter()
        .map(|transition| {
            let priority = transition.system.as_ref().map(|system| {
                priority_of(SystemRef { organization: transition.organization.id, system: system.id }, &system.name)
            });
            event(transition, priority)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::view::tests::{at, org_id};
    use serde_json::json;
    use std::path::Path;
    use uuid::Uuid;

    pub fn ziine() -> Named {
        Named { id: Uuid::from_u128(1), name: "Ziine".into() }
    }

    pub fn skyline() -> Named {
        Named { id: org_id(), name: "Skyline".into() }
    }

    pub fn transition(system: Option<Named>, change: Change) -> Transition {
        Transition { organization: skyline(), system, at: at(0), change }
    }

    /// Ziine going from ok to no connection, last seen a quarter of an hour before.
    pub fn outage() -> Transition {
        let change = Change::State {
            from: ApiState::Ok,
            to: ApiState::NoConnection,
            last_seen_online: Some(at(-15)),
            cloud_gateways: CloudGateways { connected: 0, total: 3 },
        };
        transition(Some(ziine()), change)
    }

    #[test]
    fn a_change_of_state_as_scripts_read_it() {
        let event = event(&outage(), Some(Priority::OnAir));
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            json!({
                "version": 1,
                "kind": "no-connection",
                "at": "2026-11-18T11:06:40Z",
                "organization": { "id": "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10", "name": "Skyline" },
                "system": { "id": "00000000-0000-0000-0000-000000000001", "name": "Ziine" },
                "priority": "on-air",
                "from": "ok",
                "to": "noConnection",
                "stateText": "No connection to dataminer.services",
                "text": "No connection to dataminer.services",
                "lastSeenOnline": "2026-11-18T10:51:40Z",
                "cloudGateways": { "connected": 0, "total": 3 },
                "dataMinerVersion": null,
                "pollError": null,
            })
        );
        assert_eq!(event.headline(), "Ziine: No connection to dataminer.services");
    }

    #[test]
    fn each_kind_fills_the_fields_that_apply_to_it() {
        let gateways = CloudGateways { connected: 2, total: 3 };
        // (change, from, to, stateText, text, cloudGateways, dataMinerVersion, pollError)
        let cases = [
            (
                Change::Added { state: ApiState::DmsNotResponding },
                json!(null),
                json!("dmsNotResponding"),
                json!("Cloud connection valid, DMS not responding"),
                "Added (Cloud connection valid, DMS not responding)",
                json!(null),
                json!(null),
                json!(null),
            ),
            (
                Change::Removed { last_state: ApiState::Ok },
                json!("ok"),
                json!(null),
                json!(null),
                "Removed from the organization",
                json!(null),
                json!(null),
                json!(null),
            ),
            (
                Change::RedundancyDegraded { cloud_gateways: gateways },
                json!(null),
                json!(null),
                json!(null),
                "2 of 3 Cloud Gateways connected",
                json!({ "connected": 2, "total": 3 }),
                json!(null),
                json!(null),
            ),
            (
                Change::VersionChanged { from: "10.4.1".into(), to: "10.5.2".into() },
                json!(null),
                json!(null),
                json!(null),
                "Now runs DataMiner 10.5.2 (was 10.4.1)",
                json!(null),
                json!({ "from": "10.4.1", "to": "10.5.2" }),
                json!(null),
            ),
            (
                Change::OrganizationRecovered { was: PollErrorKind::KeyRejected },
                json!(null),
                json!(null),
                json!(null),
                "Polling works again",
                json!(null),
                json!(null),
                json!("keyRejected"),
            ),
        ];
        for (change, from, to, state_text, text, cloud_gateways, version, poll_error) in cases {
            let json = serde_json::to_value(event(&transition(Some(ziine()), change), Some(Priority::Lab))).unwrap();
            let got = (
                &json["from"],
                &json["to"],
                &json["stateText"],
                &json["text"],
                &json["cloudGateways"],
                &json["dataMinerVersion"],
                &json["pollError"],
            );
            assert_eq!(got, (&from, &to, &state_text, &json!(text), &cloud_gateways, &version, &poll_error), "{json}");
            assert_eq!(json["priority"], "lab");
        }
    }

    #[test]
    fn an_organization_s_change_has_no_system_and_no_priority() {
        let failed = transition(
            None,
            Change::OrganizationFailed {
                kind: PollErrorKind::ServiceError,
                message: "dataminer.services error 503".into(),
            },
        );
        let event = event(&failed, Some(Priority::OnAir));
        assert_eq!((event.system.as_ref(), event.priority), (None, None));
        assert_eq!(event.headline(), "Skyline: dataminer.services error 503");
        let environment = event.environment();
        let value = |name: &str| environment.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(value("DMS_TRAY_SYSTEM"), Some(""));
        assert_eq!(value("DMS_TRAY_PRIORITY"), Some(""));
        assert_eq!(value("DMS_TRAY_KIND"), Some("organization-failed"));
    }

    #[test]
    fn a_command_s_environment() {
        let environment = event(&outage(), Some(Priority::OnAir)).environment();
        assert_eq!(
            environment,
            [
                ("DMS_TRAY_KIND", "no-connection".to_string()),
                ("DMS_TRAY_ORGANIZATION", "Skyline".into()),
                ("DMS_TRAY_ORGANIZATION_ID", "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10".into()),
                ("DMS_TRAY_SYSTEM", "Ziine".into()),
                ("DMS_TRAY_SYSTEM_ID", "00000000-0000-0000-0000-000000000001".into()),
                ("DMS_TRAY_STATE", "noConnection".into()),
                ("DMS_TRAY_PRIORITY", "on-air".into()),
                ("DMS_TRAY_TEXT", "No connection to dataminer.services".into()),
            ]
        );
    }

    #[test]
    fn each_system_gets_its_own_priority() {
        let other = Named { id: Uuid::from_u128(2), name: "Playout A".into() };
        let transitions = [outage(), transition(Some(other), Change::Added { state: ApiState::Ok })];
        let by_name = |system: SystemRef, name: &str| {
            assert_eq!(system.organization, org_id());
            if name.starts_with("Playout") {
                Priority::OnAir
            } else {
                Priority::Lab
            }
        };
        let priorities: Vec<_> = events(&transitions, &by_name).into_iter().map(|e| e.priority).collect();
        assert_eq!(priorities, [Some(Priority::Lab), Some(Priority::OnAir)]);
    }

    /// docs/hooks.md is what script writers read: it names every field of
    /// the event and every environment variable.
    #[test]
    fn the_documentation_names_every_field_and_variable() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/hooks.md");
        let docs = std::fs::read_to_string(&path).unwrap();
        let json = serde_json::to_value(event(&outage(), None)).unwrap();
        for field in json.as_object().unwrap().keys() {
            assert!(docs.contains(&format!("`{field}`")), "{} does not document the field {field}", path.display());
        }
        for name in ENVIRONMENT {
            assert!(docs.contains(&format!("`{name}`")), "{} does not document {name}", path.display());
        }
        for kind in EventKind::ALL {
            assert!(docs.contains(&format!("`{}`", kind.key())), "{} does not document {kind:?}", path.display());
        }
    }
}
