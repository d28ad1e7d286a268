//! The status-API v1 Systems document (`GET /v1/organizations/{id}/systems`).
//!
//! These types are the contract with dataminer.services: the client parses
//! them, the simulator serves them. Parsing is strict where a mistake would
//! read as "all is well" (wrong shape, duplicate ids) and lenient where the
//! contract asks for it (unknown fields are ignored, unknown states are
//! `unknown`).

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::clean::{clean_in_place, MAX_NAME_CHARS};

/// Largest Systems document the contract allows (about 20,000 systems).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// The whole answer of one successful poll of one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemsDocument {
    pub organization: Organization,
    pub generated_at: DateTime<Utc>,
    pub systems: Vec<System>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub url_label: String,
}

/// One DataMiner System as dataminer.services reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct System {
    pub id: Uuid,
    pub name: String,
    pub dns_label: String,
    #[serde(rename = "type")]
    pub kind: SystemKind,
    pub state: ApiState,
    pub last_seen_online: Option<DateTime<Utc>>,
    pub cloud_gateways: CloudGateways,
    pub remote_access: RemoteAccess,
    pub data_miner_version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SystemKind {
    SelfHosted,
    DataMinerAsAService,
    /// A type this version of dms-tray does not know yet.
    #[serde(other)]
    Other,
}

/// The four connection states of the dataminer.services home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ApiState {
    Ok,
    DmsNotResponding,
    NoConnection,
    /// Also every state string the contract does not name.
    #[serde(other)]
    Unknown,
}

impl ApiState {
    pub const ALL: [ApiState; 4] =
        [ApiState::Ok, ApiState::DmsNotResponding, ApiState::NoConnection, ApiState::Unknown];

    /// The wire name, as in the API and in `dms-tray status --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiState::Ok => "ok",
            ApiState::DmsNotResponding => "dmsNotResponding",
            ApiState::NoConnection => "noConnection",
            ApiState::Unknown => "unknown",
        }
    }

    /// The words dataminer.services uses for the state.
    pub fn describe(self) -> &'static str {
        match self {
            ApiState::Ok => "Connected",
            ApiState::DmsNotResponding => "Cloud connection valid, DMS not responding",
            ApiState::NoConnection => "No connection to dataminer.services",
            ApiState::Unknown => "The state of the DMS could not be determined",
        }
    }

    /// Whether the DMS holds a valid cloud connection in this state.
    pub fn is_connected(self) -> bool {
        matches!(self, ApiState::Ok | ApiState::DmsNotResponding)
    }
}

impl fmt::Display for ApiState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The DMS's agents running the CloudGateway module, and how many hold a tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CloudGateways {
    pub connected: u32,
    pub total: u32,
}

impl CloudGateways {
    /// Fewer gateways hold a connection than are installed.
    pub fn is_degraded(self) -> bool {
        self.connected < self.total
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemoteAccess {
    pub enabled: bool,
    pub url: Option<String>,
}

/// Why a body is not a Systems document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("not a status document: {0}")]
    Malformed(String),
    #[error("not a status document: system id {0} appears twice")]
    DuplicateSystem(Uuid),
    #[error("not a status document: a system has an empty name")]
    EmptyName,
}

/// Parses and validates a Systems document.
pub fn parse_document(body: &[u8]) -> Result<SystemsDocument, DocumentError> {
    let mut document: SystemsDocument = serde_json::from_slice(body).map_err(|e| {
        // serde_json's messages say what was expected and where.
        DocumentError::Malformed(e.to_string())
    })?;
    clean_in_place(&mut document.organization.name, MAX_NAME_CHARS);
    clean_in_place(&mut document.organization.url_label, MAX_NAME_CHARS);
    let mut seen = HashSet::with_capacity(document.systems.len());
    for system in &mut document.systems {
        clean_in_place(&mut system.name, MAX_NAME_CHARS);
        clean_in_place(&mut system.dns_label, MAX_NAME_CHARS);
        if let Some(version) = &mut system.data_miner_version {
            clean_in_place(version, MAX_NAME_CHARS);
        }
        if !seen.insert(system.id) {
            return Err(DocumentError::DuplicateSystem(system.id));
        }
        if system.name.is_empty() {
            return Err(DocumentError::EmptyName);
        }
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "organization": { "id": "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10", "name": "Skyline", "urlLabel": "skyline" },
      "generatedAt": "2026-11-21T09:46:00Z",
      "systems": [
        {
          "id": "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
          "name": "Ziine",
          "dnsLabel": "ziine",
          "type": "selfHosted",
          "state": "dmsNotResponding",
          "lastSeenOnline": "2026-11-21T09:31:00Z",
          "cloudGateways": { "connected": 2, "total": 3 },
          "remoteAccess": { "enabled": true, "url": "https://ziine-skyline.on.dataminer.services/" },
          "dataMinerVersion": "10.5.1.0-15231",
          "someFutureField": [1, 2, 3]
        }
      ]
    }"#;

    #[test]
    fn parses_the_contract_example() {
        let doc = parse_document(SAMPLE.as_bytes()).unwrap();
        assert_eq!(doc.organization.name, "Skyline");
        let system = &doc.systems[0];
        assert_eq!(system.state, ApiState::DmsNotResponding);
        assert_eq!(system.kind, SystemKind::SelfHosted);
        assert_eq!(system.cloud_gateways, CloudGateways { connected: 2, total: 3 });
        assert!(system.cloud_gateways.is_degraded());
        assert_eq!(system.remote_access.url.as_deref(), Some("https://ziine-skyline.on.dataminer.services/"));
    }

    #[test]
    fn unknown_state_strings_read_as_unknown() {
        let body = SAMPLE.replace("dmsNotResponding", "maintenance");
        let doc = parse_document(body.as_bytes()).unwrap();
        assert_eq!(doc.systems[0].state, ApiState::Unknown);
    }

    #[test]
    fn duplicate_system_ids_are_rejected() {
        let mut doc = parse_document(SAMPLE.as_bytes()).unwrap();
        doc.systems.push(doc.systems[0].clone());
        let body = serde_json::to_vec(&doc).unwrap();
        assert_eq!(parse_document(&body), Err(DocumentError::DuplicateSystem(doc.systems[0].id)));
    }

    #[test]
    fn wrong_shapes_are_errors_not_empty_lists() {
        for body in [
            "",
            "{}",
            "[]",
            r#"{"organization":{"id":"x","name":"a","urlLabel":"a"},"generatedAt":"2026-11-21T09:46:00Z","systems":[]}"#,
            "<html><body>Sign in</body></html>",
            &SAMPLE[..SAMPLE.len() / 2],
        ] {
            assert!(matches!(parse_document(body.as_bytes()), Err(DocumentError::Malformed(_))), "accepted {body:?}");
        }
    }

    #[test]
    fn serializing_round_trips() {
        let doc = parse_document(SAMPLE.as_bytes()).unwrap();
        let again = parse_document(&serde_json::to_vec(&doc).unwrap()).unwrap();
        assert_eq!(doc, again);
    }
}
