//! The simulated organization: its Systems document, the faults queued for
//! the next status requests, the log of those requests, and the control
//! API's requests to change systems.
//!
//! Plain data with methods, free of HTTP plumbing, so that the contract's
//! rules (who gets a 401, when the ETag changes, what a PATCH does to
//! `lastSeenOnline`) are tested without a server. The routes and the
//! timeline both change the organization only through these methods.

use std::collections::{BTreeMap, VecDeque};
use std::hash::{DefaultHasher, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use dms_tray_core::api::{ApiState, CloudGateways, Organization, RemoteAccess, System, SystemKind, SystemsDocument};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::faults::{Fault, Remaining};

/// How many status requests `GET /control/requests` shows.
const RECENT_REQUESTS: usize = 50;

/// The header dataminer.services reads its API keys from (lowercase, as
/// `HeaderMap` names are).
pub(crate) const KEY_HEADER: &str = "ocp-apim-subscription-key";

/// The version a system added without one reports.
pub(crate) const DEFAULT_VERSION: &str = "10.5.1.0-15231";

/// The model behind the server's handlers and the timeline.
#[derive(Clone)]
pub(crate) struct Shared(Arc<Mutex<Model>>);

impl Shared {
    pub(crate) fn new(model: Model) -> Shared {
        Shared(Arc::new(Mutex::new(model)))
    }

    /// No method of the model panics halfway, so a poisoned lock still holds
    /// a consistent model.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Model> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) struct Model {
    organization: Organization,
    systems: Vec<System>,
    /// The time of the last change, so that an unchanged document keeps its bytes and its ETag.
    generated_at: DateTime<Utc>,
    body: Bytes,
    etag: String,
    key: String,
    no_permission_key: Option<String>,
    pub(crate) max_age: u32,
    /// The simulator's own URL, the base of the remote-access URLs.
    base_url: String,
    faults: VecDeque<(Fault, Remaining)>,
    request_count: u64,
    recent_requests: VecDeque<RecordedRequest>,
}

/// Why the simulator refuses a request; the routes turn it into an HTTP error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ModelError {
    #[error("The organization id {0:?} is not a GUID.")]
    BadOrganizationId(String),
    #[error("Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.")]
    MissingKey,
    #[error(
        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
    )]
    InvalidKey,
    #[error("The key lacks the Read DataMiner System status permission.")]
    NoPermission,
    #[error("There is no organization with id {0}.")]
    NoSuchOrganization(Uuid),
    #[error("There is no system with id, name or DNS label {0:?}.")]
    NoSuchSystem(String),
    #[error("A system with id {0} already exists.")]
    DuplicateSystem(Uuid),
    #[error("{0}")]
    Invalid(String),
}

impl Model {
    pub(crate) fn new(
        organization: Organization,
        systems: Vec<System>,
        key: String,
        no_permission_key: Option<String>,
        max_age: u32,
        base_url: String,
        now: DateTime<Utc>,
    ) -> Model {
        let mut model = Model {
            organization,
            systems,
            generated_at: now,
            body: Bytes::new(),
            etag: String::new(),
            key,
            no_permission_key,
            max_age,
            base_url,
            faults: VecDeque::new(),
            request_count: 0,
            recent_requests: VecDeque::new(),
        };
        model.refresh_body();
        model
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn systems(&self) -> &[System] {
        &self.systems
    }

    pub(crate) fn organization(&self) -> &Organization {
        &self.organization
    }

    pub(crate) fn document(&self) -> SystemsDocument {
        SystemsDocument {
            organization: self.organization.clone(),
            generated_at: self.generated_at,
            systems: self.systems.clone(),
        }
    }

    /// The serialized document, as served with a 200.
    pub(crate) fn body(&self) -> Bytes {
        self.body.clone()
    }

    /// A strong ETag: a hash of exactly the bytes `body` returns.
    pub(crate) fn etag(&self) -> &str {
        &self.etag
    }

    /// The checks of the status endpoint, in the contract's order.
    pub(crate) fn authorize(&self, organization_id: &str, key: Option<&str>) -> Result<(), ModelError> {
        let id =
            Uuid::parse_str(organization_id).map_err(|_| ModelError::BadOrganizationId(organization_id.to_owned()))?;
        match key {
            None => return Err(ModelError::MissingKey),
            Some(key) if self.no_permission_key.as_deref() == Some(key) => return Err(ModelError::NoPermission),
            Some(key) if key != self.key => return Err(ModelError::InvalidKey),
            Some(_) => {}
        }
        if id != self.organization.id {
            return Err(ModelError::NoSuchOrganization(id));
        }
        Ok(())
    }

    /// The index of the system that `selector` names: its id, its name or its DNS label.
    fn find(&self, selector: &str) -> Result<usize, ModelError> {
        let id = Uuid::parse_str(selector).ok();
        self.systems
            .iter()
            .position(|s| Some(s.id) == id || s.name == selector || s.dns_label == selector)
            .ok_or_else(|| ModelError::NoSuchSystem(selector.to_owned()))
    }

    pub(crate) fn patch_system(
        &mut self,
        selector: &str,
        patch: &SystemPatch,
        now: DateTime<Utc>,
    ) -> Result<System, ModelError> {
        let index = self.find(selector)?;
        let base_url = self.base_url.clone();
        Ok(self.change(now, |systems| {
            let system = &mut systems[index];
            patch.apply(system, &base_url, now);
            system.clone()
        }))
    }

    pub(crate) fn add_system(&mut self, system: System, now: DateTime<Utc>) -> Result<System, ModelError> {
        if self.systems.iter().any(|s| s.id == system.id) {
            return Err(ModelError::DuplicateSystem(system.id));
        }
        self.change(now, |systems| systems.push(system.clone()));
        Ok(system)
    }

    pub(crate) fn remove_system(&mut self, selector: &str, now: DateTime<Utc>) -> Result<System, ModelError> {
        let index = self.find(selector)?;
        Ok(self.change(now, |systems| systems.remove(index)))
    }

    /// Applies `edit` to the systems; only a real change moves `generatedAt`
    /// and so the ETag.
    fn change<R>(&mut self, now: DateTime<Utc>, edit: impl FnOnce(&mut Vec<System>) -> R) -> R {
        let before = self.systems.clone();
        let result = edit(&mut self.systems);
        if self.systems != before {
            self.generated_at = now;
            self.refresh_body();
        }
        result
    }

    fn refresh_body(&mut self) {
        let body = serde_json::to_vec(&self.document()).expect("a Systems document always serializes");
        let mut hasher = DefaultHasher::new();
        hasher.write(&body);
        self.etag = format!("\"{:016x}\"", hasher.finish());
        self.body = Bytes::from(body);
    }

    pub(crate) fn queue_fault(&mut self, fault: Fault, remaining: Remaining) {
        self.faults.push_back((fault, remaining));
    }

    pub(crate) fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// The fault this status request gets, if any; counts it down.
    pub(crate) fn take_fault(&mut self) -> Option<Fault> {
        let (fault, remaining) = self.faults.front_mut()?;
        let fault = fault.clone();
        if let Remaining::Times(n) = remaining {
            *n -= 1;
            if *n == 0 {
                self.faults.pop_front();
            }
        }
        Some(fault)
    }

    pub(crate) fn record_request(&mut self, path: &str, headers: &HeaderMap, now: DateTime<Utc>) {
        let mut recorded = BTreeMap::<String, String>::new();
        for (name, value) in headers {
            // The control API is no place to read keys back from.
            let value = if name.as_str() == KEY_HEADER {
                let known = [Some(self.key.as_str()), self.no_permission_key.as_deref()];
                let what =
                    if known.contains(&value.to_str().ok()) { "a key of this organization" } else { "another key" };
                format!("(redacted: {what})").into()
            } else {
                String::from_utf8_lossy(value.as_bytes())
            };
            recorded
                .entry(name.as_str().to_owned())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert_with(|| value.into_owned());
        }
        self.request_count += 1;
        if self.recent_requests.len() == RECENT_REQUESTS {
            self.recent_requests.pop_front();
        }
        self.recent_requests.push_back(RecordedRequest { at: now, path: path.to_owned(), headers: recorded });
    }

    pub(crate) fn requests(&self) -> RequestLog<'_> {
        RequestLog { count: self.request_count, recent: &self.recent_requests }
    }
}

/// What `GET /control/requests` returns: every status request counts, the
/// last few are kept with their headers (names in lowercase).
#[derive(Serialize)]
pub(crate) struct RequestLog<'a> {
    count: u64,
    recent: &'a VecDeque<RecordedRequest>,
}

#[derive(Serialize)]
struct RecordedRequest {
    at: DateTime<Utc>,
    path: String,
    headers: BTreeMap<String, String>,
}

/// The body of `PATCH /control/systems/{id}` and of a timeline step.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SystemPatch {
    pub state: Option<StateName>,
    pub cloud_gateways: Option<GatewaysPatch>,
    pub name: Option<String>,
    pub remote_access: Option<RemoteAccessPatch>,
    #[serde(default, deserialize_with = "present")]
    pub last_seen_online: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "present")]
    pub data_miner_version: Option<Option<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GatewaysPatch {
    pub connected: Option<u32>,
    pub total: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RemoteAccessPatch {
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub url: Option<Option<String>>,
}

/// Tells a field set to `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl SystemPatch {
    pub(crate) fn is_empty(&self) -> bool {
        *self == SystemPatch::default()
    }

    fn apply(&self, system: &mut System, base_url: &str, now: DateTime<Utc>) {
        if let Some(StateName(state)) = self.state {
            // Leaving ok, it was last seen online now; coming back, it is online now.
            if (system.state == ApiState::Ok) != (state == ApiState::Ok) {
                system.last_seen_online = Some(now);
            }
            system.state = state;
        }
        if let Some(gateways) = &self.cloud_gateways {
            let g = &mut system.cloud_gateways;
            g.connected = gateways.connected.unwrap_or(g.connected);
            g.total = gateways.total.unwrap_or(g.total);
        }
        if let Some(name) = &self.name {
            system.name.clone_from(name);
        }
        if let Some(access) = &self.remote_access {
            if let Some(enabled) = access.enabled {
                system.remote_access.enabled = enabled;
            }
            match &access.url {
                Some(url) => system.remote_access.url.clone_from(url),
                None if system.remote_access.enabled && system.remote_access.url.is_none() => {
                    system.remote_access.url = Some(remote_access_url(base_url, &system.dns_label));
                }
                None => {}
            }
        }
        if let Some(seen) = self.last_seen_online {
            system.last_seen_online = seen;
        }
        if let Some(version) = &self.data_miner_version {
            system.data_miner_version.clone_from(version);
        }
    }
}

/// The body of `POST /control/systems`: a system in the wire format where
/// every field but the name may be left out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct NewSystem {
    id: Option<Uuid>,
    name: String,
    dns_label: Option<String>,
    #[serde(rename = "type")]
    kind: Option<KindName>,
    state: Option<StateName>,
    cloud_gateways: Option<CloudGateways>,
    remote_access: Option<RemoteAccess>,
    #[serde(default, deserialize_with = "present")]
    last_seen_online: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "present")]
    data_miner_version: Option<Option<String>>,
}

impl NewSystem {
    pub(crate) fn build(self, base_url: &str, now: DateTime<Utc>) -> Result<System, ModelError> {
        if self.name.is_empty() {
            return Err(ModelError::Invalid("A system needs a non-empty name.".into()));
        }
        let dns_label = self.dns_label.unwrap_or_else(|| dns_label_for(&self.name));
        Ok(System {
            id: self.id.unwrap_or_else(Uuid::new_v4),
            remote_access: self
                .remote_access
                .unwrap_or_else(|| RemoteAccess { enabled: true, url: Some(remote_access_url(base_url, &dns_label)) }),
            name: self.name,
            dns_label,
            kind: self.kind.map_or(SystemKind::SelfHosted, |k| k.0),
            state: self.state.map_or(ApiState::Ok, |s| s.0),
            last_seen_online: self.last_seen_online.unwrap_or(Some(now)),
            cloud_gateways: self.cloud_gateways.unwrap_or(CloudGateways { connected: 1, total: 1 }),
            data_miner_version: self.data_miner_version.unwrap_or_else(|| Some(DEFAULT_VERSION.into())),
        })
    }
}

/// Where the simulator serves a system's remote-access pages.
pub(crate) fn remote_access_url(base_url: &str, dns_label: &str) -> String {
    format!("{base_url}/remote/{dns_label}/")
}

/// A DNS label made from a name: its ASCII letters and digits, in lowercase.
pub(crate) fn dns_label_for(name: &str) -> String {
    let label: String = name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if label.is_empty() {
        "dms".into()
    } else {
        label
    }
}

/// A state written by a person: unlike on the wire, a typo is an error, not `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StateName(pub ApiState);

impl<'de> Deserialize<'de> for StateName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let choices = ApiState::ALL.map(|s| (s.as_str(), s));
        pick(&String::deserialize(d)?, "state", &choices).map(StateName)
    }
}

/// A system type written by a person; see [`StateName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KindName(pub SystemKind);

impl<'de> Deserialize<'de> for KindName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let choices =
            [("selfHosted", SystemKind::SelfHosted), ("dataMinerAsAService", SystemKind::DataMinerAsAService)];
        pick(&String::deserialize(d)?, "type", &choices).map(KindName)
    }
}

fn pick<T: Copy, E: de::Error>(value: &str, what: &str, choices: &[(&str, T)]) -> Result<T, E> {
    choices.iter().find(|(name, _)| *name == value).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<String> = choices.iter().map(|(name, _)| format!("\"{name}\"")).collect();
        E::custom(format!("unknown {what} \"{value}\"; write one of {}", names.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-21T09:46:00Z".parse().unwrap()
    }

    fn later(minutes: i64) -> DateTime<Utc> {
        now() + chrono::Duration::minutes(minutes)
    }

    fn system(name: &str) -> System {
        let new: NewSystem = serde_json::from_value(serde_json::json!({ "name": name })).unwrap();
        new.build("http://127.0.0.1:1", now()).unwrap()
    }

    fn model() -> Model {
        Model::new(
            Organization {
                id: "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10".parse().unwrap(),
                name: "Skyline".into(),
                url_label: "skyline".into(),
            },
            vec![system("Ziine"), system("Gent Headend")],
            "key".into(),
            Some("weak".into()),
            5,
            "http://127.0.0.1:1".into(),
            now(),
        )
    }

    fn patch(json: serde_json::Value) -> SystemPatch {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn authorize_follows_the_contract() {
        let m = model();
        let org = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10";
        let other = "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
        assert_eq!(m.authorize(org, Some("key")), Ok(()));
        assert_eq!(m.authorize("skyline", Some("key")), Err(ModelError::BadOrganizationId("skyline".into())));
        assert_eq!(m.authorize(org, None), Err(ModelError::MissingKey));
        assert_eq!(m.authorize(org, Some("nope")), Err(ModelError::InvalidKey));
        assert_eq!(m.authorize(org, Some("weak")), Err(ModelError::NoPermission));
        assert_eq!(m.authorize(other, Some("key")), Err(ModelError::NoSuchOrganization(other.parse().unwrap())));
    }

    #[test]
    fn systems_are_found_by_id_name_or_dns_label() {
        let mut m = model();
        let id = m.systems()[1].id.to_string();
        for selector in [id.as_str(), "Gent Headend", "gentheadend"] {
            let changed = m.patch_system(selector, &patch(serde_json::json!({"dataMinerVersion": null})), now());
            assert_eq!(changed.unwrap().name, "Gent Headend");
        }
        assert_eq!(m.remove_system("Brugge", now()), Err(ModelError::NoSuchSystem("Brugge".into())));
    }

    #[test]
    fn leaving_ok_records_when_the_system_was_last_seen() {
        let mut m = model();
        let down = m.patch_system("Ziine", &patch(serde_json::json!({"state": "noConnection"})), later(3)).unwrap();
        assert_eq!(down.last_seen_online, Some(later(3)));
        // Staying down does not move it.
        let still =
            m.patch_system("Ziine", &patch(serde_json::json!({"state": "dmsNotResponding"})), later(5)).unwrap();
        assert_eq!(still.last_seen_online, Some(later(3)));
        let given = m
            .patch_system(
                "Gent Headend",
                &patch(serde_json::json!({"state": "noConnection", "lastSeenOnline": "2026-11-20T08:00:00Z"})),
                later(6),
            )
            .unwrap();
        assert_eq!(given.last_seen_online, Some("2026-11-20T08:00:00Z".parse().unwrap()));
    }

    #[test]
    fn etag_and_generated_at_move_only_with_the_content() {
        let mut m = model();
        let etag = m.etag().to_owned();
        m.patch_system("Ziine", &patch(serde_json::json!({"state": "ok"})), later(1)).unwrap();
        assert_eq!((m.etag(), m.document().generated_at), (etag.as_str(), now()));

        m.patch_system("Ziine", &patch(serde_json::json!({"cloudGateways": {"connected": 0}})), later(2)).unwrap();
        assert_ne!(m.etag(), etag);
        assert_eq!(m.document().generated_at, later(2));
        assert_eq!(m.systems()[0].cloud_gateways, CloudGateways { connected: 0, total: 1 });
        assert_eq!(m.body(), Bytes::from(serde_json::to_vec(&m.document()).unwrap()));
    }

    #[test]
    fn adding_checks_ids_and_removing_changes_the_document() {
        let mut m = model();
        let ziine = m.systems()[0].clone();
        assert_eq!(m.add_system(ziine.clone(), later(1)), Err(ModelError::DuplicateSystem(ziine.id)));
        let removed = m.remove_system("ziine", later(2)).unwrap();
        assert_eq!(removed.id, ziine.id);
        assert_eq!(m.systems().len(), 1);
        assert_eq!(m.document().generated_at, later(2));
    }

    #[test]
    fn new_systems_get_sensible_defaults() {
        let s = system("São Paulo Teleport");
        assert_eq!(s.dns_label, "sopauloteleport");
        assert_eq!((s.kind, s.state), (SystemKind::SelfHosted, ApiState::Ok));
        assert_eq!(s.remote_access.url.as_deref(), Some("http://127.0.0.1:1/remote/sopauloteleport/"));
        assert_eq!(s.last_seen_online, Some(now()));
    }

    #[test]
    fn faults_count_down_in_order_and_sticky_ones_stay() {
        let mut m = model();
        m.queue_fault(Fault::Html200, Remaining::Times(2));
        m.queue_fault(Fault::Truncated, Remaining::UntilCleared);
        let taken: Vec<_> = (0..4).map(|_| m.take_fault()).collect();
        assert_eq!(taken, [Some(Fault::Html200), Some(Fault::Html200), Some(Fault::Truncated), Some(Fault::Truncated)]);
        m.clear_faults();
        assert_eq!(m.take_fault(), None);
    }

    #[test]
    fn states_and_types_are_read_strictly() {
        let err = serde_json::from_value::<SystemPatch>(serde_json::json!({"state": "okay"})).unwrap_err();
        assert!(err.to_string().contains(r#"unknown state "okay"; write one of "ok", "dmsNotResponding""#), "{err}");
        let err = serde_json::from_value::<NewSystem>(serde_json::json!({"name": "a", "type": "cloud"})).unwrap_err();
        assert!(err.to_string().contains("unknown type"), "{err}");
    }
}
