//! Hooks: what dms-tray does besides the desktop's notifications when a
//! change happens, for the tools an operation centre already watches. A
//! `[[hooks]]` section of the configuration either runs a command with the
//! change as JSON on its standard input, or posts it to a webhook (Microsoft
//! Teams, Slack, or plain JSON).
//!
//! This module holds the pure part: the checked configuration ([`Hook`]),
//! which hooks a change concerns ([`Filter`]), the event they receive
//! ([`event`]), the bodies posted to each kind of webhook ([`payload`]), and
//! how a failed call is retried and told ([`outcome`]). Running the calls is
//! the shell's (`dms-tray`'s `hooks_runner`).

pub mod event;
pub mod outcome;
pub(crate) mod parse;
pub mod payload;

use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

use serde::Serialize;
use url::Url;
use uuid::Uuid;

use crate::api::ApiState;
use crate::priority::Priority;
use crate::transitions::Change;

pub use event::{events, HookEvent};

/// `timeout` when a hook sets none: how long one try may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepted `timeout`s.
pub const TIMEOUT_RANGE: RangeInclusive<Duration> = Duration::from_secs(1)..=Duration::from_secs(5 * 60);

/// `tries` when a hook sets none: a first try and two more.
pub const DEFAULT_TRIES: u32 = 3;

/// Accepted `tries`.
pub const TRIES_RANGE: RangeInclusive<u32> = 1..=10;

/// How many changes may wait for one hook while it is busy; more are
/// skipped (and told), so that a hook that hangs cannot hold an unbounded
/// backlog after an outage of thousands of systems.
pub const MAX_WAITING: usize = 100;

/// One checked `[[hooks]]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// The name the log and the popup's footer call it by; unique in the file.
    pub name: String,
    pub action: Action,
    pub filter: Filter,
    /// How long one try may take.
    pub timeout: Duration,
    /// How many tries a call gets at most; 1 tries once.
    pub tries: u32,
}

/// What a hook does with an event.
#[derive(Clone, PartialEq, Eq)]
pub enum Action {
    /// A program and its arguments, run without a shell, the event as JSON
    /// on its standard input and in a few environment variables. A relative
    /// program path with a folder in it is already resolved against the
    /// configuration file's folder; a bare name is looked up on `PATH`.
    Command(Vec<String>),
    /// An HTTP POST of the event, in `format`, to `url`.
    Webhook { url: Url, format: WebhookFormat },
}

/// Shows a webhook only by its origin: the path and query of a Teams or
/// Slack webhook are its secret, which no log line should hold.
impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Command(argv) => f.debug_tuple("Command").field(argv).finish(),
            Action::Webhook { url, format } => f
                .debug_struct("Webhook")
                .field("url", &format!("{}/<redacted>", url.origin().ascii_serialization()))
                .field("format", format)
                .finish(),
        }
    }
}

/// The body a webhook receives (`format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// The event itself ([`HookEvent`]).
    Json,
    /// A message with an Adaptive Card, as the Teams Workflows trigger
    /// "When a Teams webhook request is received" takes it.
    Teams,
    /// A Slack incoming webhook's message: `text` and blocks.
    Slack,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 3] = [WebhookFormat::Json, WebhookFormat::Teams, WebhookFormat::Slack];

    /// The word the configuration uses.
    pub fn key(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Teams => "teams",
            WebhookFormat::Slack => "slack",
        }
    }
}

/// What happened, in the words `kinds` and the event use. A change of state
/// is named by the state it went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A system's state went to `ok`.
    BackOnline,
    DmsNotResponding,
    NoConnection,
    Unknown,
    Added,
    Removed,
    RedundancyDegraded,
    RedundancyRestored,
    VersionChanged,
    /// The organization's polls started failing, or fail for another reason.
    OrganizationFailed,
    OrganizationRecovered,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::BackOnline,
        EventKind::DmsNotResponding,
        EventKind::NoConnection,
        EventKind::Unknown,
        EventKind::Added,
        EventKind::Removed,
        EventKind::RedundancyDegraded,
        EventKind::RedundancyRestored,
        EventKind::VersionChanged,
        EventKind::OrganizationFailed,
        EventKind::OrganizationRecovered,
    ];

    /// The kind of a transition's change.
    pub fn of(change: &Change) -> EventKind {
        match change {
            Change::State { to: ApiState::Ok, .. } => EventKind::BackOnline,
            Change::State { to: ApiState::DmsNotResponding, .. } => EventKind::DmsNotResponding,
            Change::State { to: ApiState::NoConnection, .. } => EventKind::NoConnection,
            Change::State { to: ApiState::Unknown, .. } => EventKind::Unknown,
            Change::Added { .. } => EventKind::Added,
            Change::Removed { .. } => EventKind::Removed,
            Change::RedundancyDegraded { .. } => EventKind::RedundancyDegraded,
            Change::RedundancyRestored { .. } => EventKind::RedundancyRestored,
            Change::VersionChanged { .. } => EventKind::VersionChanged,
            Change::OrganizationFailed { .. } => EventKind::OrganizationFailed,
            Change::OrganizationRecovered { .. } => EventKind::OrganizationRecovered,
        }
    }

    /// The word the configuration, the event and `DMS_TRAY_KIND` use.
    pub fn key(self) -> &'static str {
        match self {
            EventKind::BackOnline => "back-online",
            EventKind::DmsNotResponding => "dms-not-responding",
            EventKind::NoConnection => "no-connection",
            EventKind::Unknown => "unknown",
            EventKind::Added => "added",
            EventKind::Removed => "removed",
            EventKind::RedundancyDegraded => "redundancy-degraded",
            EventKind::RedundancyRestored => "redundancy-restored",
            EventKind::VersionChanged => "version-changed",
            EventKind::OrganizationFailed => "organization-failed",
            EventKind::OrganizationRecovered => "organization-recovered",
        }
    }

    pub fn from_key(key: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.key() == key)
    }
}

/// Which changes a hook runs for; `None` in a field lets every value pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub kinds: Option<Vec<EventKind>>,
    pub organizations: Option<Vec<Uuid>>,
    /// A change of an organization itself has no priority, so a hook that
    /// lists priorities only runs for changes of systems.
    pub priorities: Option<Vec<Priority>>,
}

impl Filter {
    /// Whether a hook with this filter runs for `event`.
    pub fn matches(&self, event: &HookEvent) -> bool {
        self.kinds.as_ref().is_none_or(|kinds| kinds.contains(&event.kind))
            && self.organizations.as_ref().is_none_or(|ids| ids.contains(&event.organization.id))
            && self.priorities.as_ref().is_none_or(|levels| event.priority.is_some_and(|p| levels.contains(&p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::CloudGateways;
    use crate::poll::PollErrorKind;
    use crate::transitions::{Named, Transition};
    use crate::view::tests::{at, org_id};

    fn system_event(change: Change, priority: Priority) -> HookEvent {
        let transition = Transition {
            organization: Named { id: org_id(), name: "Skyline".into() },
            system: Some(Named { id: Uuid::from_u128(1), name: "Ziine".into() }),
            at: at(0),
            change,
        };
        event::event(&transition, Some(priority))
    }

    fn state(to: ApiState) -> Change {
        Change::State { from: ApiState::Ok, to, last_seen_online: None, cloud_gateways: CloudGateways::default() }
    }

    #[test]
    fn each_change_has_its_kind_and_each_kind_its_word() {
        let cases = [
            (state(ApiState::Ok), "back-online"),
            (state(ApiState::DmsNotResponding), "dms-not-responding"),
            (state(ApiState::NoConnection), "no-connection"),
            (state(ApiState::Unknown), "unknown"),
            (Change::Added { state: ApiState::Ok }, "added"),
            (Change::Removed { last_state: ApiState::Ok }, "removed"),
            (Change::RedundancyDegraded { cloud_gateways: CloudGateways::default() }, "redundancy-degraded"),
            (Change::RedundancyRestored { cloud_gateways: CloudGateways::default() }, "redundancy-restored"),
            (Change::VersionChanged { from: "1".into(), to: "2".into() }, "version-changed"),
            (
                Change::OrganizationFailed { kind: PollErrorKind::KeyRejected, message: "no".into() },
                "organization-failed",
            ),
            (Change::OrganizationRecovered { was: PollErrorKind::Network }, "organization-recovered"),
        ];
        for (change, word) in cases {
            let kind = EventKind::of(&change);
            assert_eq!(kind.key(), word);
            assert_eq!(serde_json::to_value(kind).unwrap(), word, "the event says it as the file does");
            assert_eq!(EventKind::from_key(word), Some(kind));
        }
        assert_eq!(EventKind::from_key("no_connection"), None);
    }

    #[test]
    fn a_filter_lets_through_what_each_of_its_lists_names() {
        let other_org = Uuid::from_u128(99);
        let down = system_event(state(ApiState::NoConnection), Priority::OnAir);
        let lab_down = system_event(state(ApiState::NoConnection), Priority::Lab);
        let back = system_event(state(ApiState::Ok), Priority::OnAir);
        let mut org_failed = down.clone();
        org_failed.kind = EventKind::OrganizationFailed;
        org_failed.system = None;
        org_failed.priority = None;

        let every = Filter::default();
        let outages = Filter { kinds: Some(vec![EventKind::NoConnection, EventKind::Unknown]), ..Filter::default() };
        let on_air = Filter { priorities: Some(vec![Priority::OnAir]), ..Filter::default() };
        let elsewhere = Filter { organizations: Some(vec![other_org]), ..Filter::default() };
        let here = Filter { organizations: Some(vec![other_org, org_id()]), ..Filter::default() };
        let on_air_outages = Filter { priorities: on_air.priorities.clone(), ..outages.clone() };

        let cases = [
            (&every, &down, true),
            (&every, &org_failed, true),
            (&outages, &down, true),
            (&outages, &back, false),
            (&outages, &org_failed, false),
            (&on_air, &down, true),
            (&on_air, &lab_down, false),
            // An organization's change has no priority to match.
            (&on_air, &org_failed, false),
            (&elsewhere, &down, false),
            (&here, &down, true),
            (&here, &org_failed, true),
            (&on_air_outages, &down, true),
            (&on_air_outages, &lab_down, false),
            (&on_air_outages, &back, false),
        ];
        for (index, (filter, event, fires)) in cases.into_iter().enumerate() {
            assert_eq!(filter.matches(event), fires, "case {index}: {filter:?} on {:?}", event.kind);
        }
    }

    #[test]
    fn a_webhook_s_secret_path_stays_out_of_debug_output() {
        let url = Url::parse("https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers?sig=SECRET").unwrap();
        let shown = format!("{:?}", Action::Webhook { url, format: WebhookFormat::Teams });
        assert!(!shown.contains("SECRET") && !shown.contains("workflows"), "{shown}");
        assert!(shown.contains("https://prod-12.westeurope.logic.azure.com/<redacted>"), "{shown}");
    }
}
