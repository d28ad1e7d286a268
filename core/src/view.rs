//! What the user sees: each organization's last data and poll failure,
//! turned into the *effective* state of every system.
//!
//! The rule that matters: when the last poll of an organization failed in a
//! way that says the states cannot be known now (a 5xx, a timeout, a network
//! error, a body that is not a document, a rejected key), its systems show as
//! `unknown` with the reason and the time of the last good data, never with
//! their old green.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::ago::ago;
use crate::api::{ApiState, CloudGateways, RemoteAccess, SystemKind, SystemsDocument};
use crate::poll::{PollError, PollErrorKind, PollOutcome};
use crate::priority::Priority;
use crate::schedule::server_delay;

/// Everything known of one organization after its latest poll.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgSnapshot {
    pub id: Uuid,
    /// The name from the configuration, which wins over the API's.
    pub configured_name: Option<String>,
    pub last_good: Option<GoodData>,
    pub failure: Option<Failure>,
    /// The machine woke up (or the network came back) since the last poll:
    /// the states shown may be old until the next poll.
    pub updating: bool,
    /// The wait the server asked for at the last poll (`max-age`,
    /// `Retry-After`, within the schedule's ceiling).
    pub server_wait: Duration,
}

/// The last valid document and when it was last confirmed (200 or 304).
#[derive(Debug, Clone, PartialEq)]
pub struct GoodData {
    pub document: SystemsDocument,
    pub confirmed_at: DateTime<Utc>,
}

/// The error of the latest poll, and since when the organization has been
/// failing without a break.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub error: PollError,
    pub since: DateTime<Utc>,
}

impl OrgSnapshot {
    pub fn new(id: Uuid, configured_name: Option<String>) -> Self {
        OrgSnapshot {
            id,
            configured_name,
            last_good: None,
            failure: None,
            updating: false,
            server_wait: Duration::ZERO,
        }
    }

    /// When the states this organization shows become too old to show:
    /// three poll intervals after a poll last confirmed them, or one
    /// interval after the wait the server asked for when that is longer.
    /// `None` when no states are shown as known (no data yet, or a failure
    /// that already shows them as unknown).
    pub fn stale_at(&self, interval: Duration) -> Option<DateTime<Utc>> {
        if self.failure.as_ref().is_some_and(|f| !f.error.kind.keeps_last_states()) {
            return None;
        }
        let current_for = (interval.saturating_mul(3)).max(self.server_wait.saturating_add(interval));
        let good = self.last_good.as_ref()?;
        good.confirmed_at.checked_add_signed(chrono::Duration::from_std(current_for).ok()?)
    }

    /// The failure to record when the states are stale at `now`: nothing
    /// confirmed them since `confirmed_at`.
    pub fn stale_failure(&self, now: DateTime<Utc>) -> Option<PollOutcome> {
        let confirmed_at = self.last_good.as_ref()?.confirmed_at;
        Some(PollOutcome::Failed(PollError {
            kind: PollErrorKind::Stale,
            message: format!(
                "no poll has confirmed the states since {}; they are too old to show",
                ago(confirmed_at, now)
            ),
            retry_after: None,
        }))
    }

    /// Folds the outcome of a poll made at `at` into the snapshot.
    pub fn record(&mut self, outcome: &PollOutcome, at: DateTime<Utc>) {
        self.record_owned(outcome.clone(), at);
    }

    /// [`OrgSnapshot::record`] that keeps the outcome's document without
    /// copying it: a document of 10,000 systems is not cheap to copy.
    pub fn record_owned(&mut self, outcome: PollOutcome, at: DateTime<Utc>) {
        self.updating = false;
        self.server_wait = match &outcome {
            PollOutcome::Fresh { max_age, .. } | PollOutcome::NotModified { max_age } => server_delay(*max_age),
            PollOutcome::Failed(error) => server_delay(error.retry_after),
        };
        match outcome {
            PollOutcome::Fresh { document, .. } => {
                self.last_good = Some(GoodData { document, confirmed_at: at });
                self.failure = None;
            }
            PollOutcome::NotModified { .. } => {
                match &mut self.last_good {
                    Some(good) => good.confirmed_at = at,
                    // A 304 without a document to keep: the server is confused.
                    None => {
                        self.record_failure(
                            PollError {
                                kind: PollErrorKind::UnexpectedStatus,
                                message: "304 Not Modified without an earlier document".into(),
                                retry_after: None,
                            },
                            at,
                        );
                        return;
                    }
                }
                self.failure = None;
            }
            PollOutcome::Failed(error) => self.record_failure(error, at),
        }
    }

    fn record_failure(&mut self, error: PollError, at: DateTime<Utc>) {
        let since = self.failure.as_ref().map_or(at, |f| f.since);
        self.failure = Some(Failure { error, since });
    }

    /// The organization as the user sees it now.
    pub fn view(&self) -> OrgView {
        let document = self.last_good.as_ref().map(|g| &g.document);
        let name = self
            .configured_name
            .clone()
            .or_else(|| document.map(|d| d.organization.name.clone()))
            .unwrap_or_else(|| self.id.to_string());
        let states_known = self.failure.as_ref().is_none_or(|f| f.error.kind.keeps_last_states());
        let systems = document
            .map(|d| {
                d.systems
                    .iter()
                    .map(|s| SystemView {
                        id: s.id,
                        name: s.name.clone(),
                        dns_label: s.dns_label.clone(),
                        kind: s.kind,
                        state: if states_known { s.state } else { ApiState::Unknown },
                        reported_state: s.state,
                        last_seen_online: s.last_seen_online,
                        cloud_gateways: s.cloud_gateways,
                        remote_access: s.remote_access.clone(),
                        data_miner_version: s.data_miner_version.clone(),
                        priority: Priority::Normal,
                        acknowledged: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        OrgView {
            id: self.id,
            name,
            url_label: document.map(|d| d.organization.url_label.clone()),
            error: self.failure.as_ref().map(|f| OrgError {
                kind: f.error.kind,
                message: f.error.message.clone(),
                since: f.since,
            }),
            last_good_at: self.last_good.as_ref().map(|g| g.confirmed_at),
            updating: self.updating,
            systems,
        }
    }
}

/// The whole picture: every configured organization, in configuration order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub organizations: Vec<OrgView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgView {
    pub id: Uuid,
    pub name: String,
    pub url_label: Option<String>,
    /// The failure of the latest poll, if it failed.
    pub error: Option<OrgError>,
    /// When the systems below were last confirmed by the API; `None`: never.
    pub last_good_at: Option<DateTime<Utc>>,
    /// Old states after a resume, until the next poll.
    pub updating: bool,
    pub systems: Vec<SystemView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgError {
    pub kind: PollErrorKind,
    pub message: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemView {
    pub id: Uuid,
    pub name: String,
    pub dns_label: String,
    pub kind: SystemKind,
    /// The state to show: the API's, or `unknown` while the organization fails.
    pub state: ApiState,
    /// The state in the last good document.
    pub reported_state: ApiState,
    pub last_seen_online: Option<DateTime<Utc>>,
    pub cloud_gateways: CloudGateways,
    pub remote_access: RemoteAccess,
    pub data_miner_version: Option<String>,
    /// How much it matters (set by the [`crate::monitor::Monitor`]).
    pub priority: Priority,
    /// The outage it is in was acknowledged (set by the monitor).
    pub acknowledged: Option<Acknowledgement>,
}

impl SystemView {
    /// Connected, but fewer Cloud Gateways hold a tunnel than are installed.
    pub fn redundancy_degraded(&self) -> bool {
        self.state.is_connected() && self.cloud_gateways.is_degraded()
    }

    /// Anything a user should look at: a state other than ok, or lost redundancy.
    pub fn needs_attention(&self) -> bool {
        self.state != ApiState::Ok || self.redundancy_degraded()
    }

    /// Needs attention and nobody has acknowledged it yet: what the badge counts.
    pub fn unacknowledged_problem(&self) -> bool {
        self.needs_attention() && self.acknowledged.is_none()
    }
}

impl OrgView {
    /// Whether the organization has ever delivered a document.
    pub fn has_data(&self) -> bool {
        self.last_good_at.is_some()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::{Organization, System};

    pub fn org_id() -> Uuid {
        Uuid::from_u128(0x0b8e5c8a_3d5e_4f43_9d87_3c2a1b7e9f10)
    }

    pub fn system(n: u128, name: &str, state: ApiState) -> System {
        System {
            id: Uuid::from_u128(n),
            name: name.into(),
            dns_label: name.to_lowercase(),
            kind: SystemKind::SelfHosted,
            state,
            last_seen_online: None,
            cloud_gateways: CloudGateways { connected: 1, total: 1 },
            remote_access: RemoteAccess { enabled: true, url: None },
            data_miner_version: None,
        }
    }

    pub fn document(systems: Vec<System>) -> SystemsDocument {
        SystemsDocument {
            organization: Organization { id: org_id(), name: "Skyline".into(), url_label: "skyline".into() },
            generated_at: at(0),
            systems,
        }
    }

    pub fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000 + minute * 60, 0).unwrap()
    }

    pub fn fresh(systems: Vec<System>) -> PollOutcome {
        PollOutcome::Fresh { document: document(systems), etag: None, max_age: None }
    }

    pub fn failed(kind: PollErrorKind) -> PollOutcome {
        PollOutcome::Failed(PollError { kind, message: format!("{kind:?}"), retry_after: None })
    }

    #[test]
    fn a_fresh_document_shows_the_api_states() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "Ziine", ApiState::DmsNotResponding)]), at(0));
        let view = snap.view();
        assert_eq!(view.name, "Skyline");
        assert_eq!(view.error, None);
        assert_eq!(view.systems[0].state, ApiState::DmsNotResponding);
        assert_eq!(view.last_good_at, Some(at(0)));
    }

    #[test]
    fn the_configured_name_wins() {
        let mut snap = OrgSnapshot::new(org_id(), Some("Production".into()));
        snap.record(&fresh(vec![]), at(0));
        assert_eq!(snap.view().name, "Production");
    }

    #[test]
    fn cloud_and_network_failures_show_every_system_as_unknown_never_green() {
        for kind in [
            PollErrorKind::ServiceError,
            PollErrorKind::Timeout,
            PollErrorKind::Network,
            PollErrorKind::NotADocument,
            PollErrorKind::KeyRejected,
        ] {
            let mut snap = OrgSnapshot::new(org_id(), None);
            snap.record(&fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
            snap.record(&failed(kind), at(1));
            let view = snap.view();
            assert_eq!(view.systems[0].state, ApiState::Unknown, "{kind:?}");
            assert_eq!(view.systems[0].reported_state, ApiState::Ok);
            assert_eq!(view.last_good_at, Some(at(0)), "keeps the time of the last good data");
            assert_eq!(view.error.as_ref().unwrap().kind, kind);
        }
    }

    #[test]
    fn a_rate_limit_keeps_the_last_states_but_shows_the_error() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        snap.record(&failed(PollErrorKind::RateLimited), at(1));
        let view = snap.view();
        assert_eq!(view.systems[0].state, ApiState::Ok);
        assert!(view.error.is_some());
    }

    #[test]
    fn failing_since_is_the_start_of_the_outage_and_recovery_clears_it() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&failed(PollErrorKind::ServiceError), at(1));
        snap.record(&failed(PollErrorKind::Timeout), at(2));
        let error = snap.view().error.unwrap();
        assert_eq!((error.kind, error.since), (PollErrorKind::Timeout, at(1)));
        snap.record(&fresh(vec![]), at(3));
        assert_eq!(snap.view().error, None);
    }

    #[test]
    fn not_modified_confirms_the_last_document() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "Ziine", ApiState::Ok)]), at(0));
        snap.record(&PollOutcome::NotModified { max_age: None }, at(5));
        let view = snap.view();
        assert_eq!(view.last_good_at, Some(at(5)));
        assert_eq!(view.systems[0].state, ApiState::Ok);
    }

    #[test]
    fn not_modified_without_a_document_is_an_error() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&PollOutcome::NotModified { max_age: None }, at(0));
        assert_eq!(snap.view().error.unwrap().kind, PollErrorKind::UnexpectedStatus);
    }

    #[test]
    fn redundancy_is_degraded_only_while_connected() {
        let mut s = system(1, "Ziine", ApiState::Ok);
        s.cloud_gateways = CloudGateways { connected: 2, total: 3 };
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![s.clone()]), at(0));
        assert!(snap.view().systems[0].redundancy_degraded());
        assert!(snap.view().systems[0].needs_attention());
        s.state = ApiState::NoConnection;
        snap.record(&fresh(vec![s]), at(1));
        assert!(!snap.view().systems[0].redundancy_degraded());
    }
}
