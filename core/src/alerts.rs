//! Which transitions become desktop notifications, and how they read.
//!
//! A pure policy over transitions and time, so that every rule is a unit
//! test: each real change is told once; a state of `unknown` only once it
//! has lasted two polls, grouped per organization; a recovery replaces the
//! notification of the outage it ends; more than three notifications from
//! one poll become one summary; a flapping system is told once and then
//! kept quiet until it has been stable for the window; a passing failure to
//! reach the API is only told when it lasts; snoozed systems, a pause and
//! quiet hours silence notifications (the history still gets everything).

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, NaiveTime, Utc};
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::ago::ago;
use crate::api::ApiState;
use crate::poll::PollErrorKind;
use crate::priority::Priority;
use crate::sound::{Sound, SoundSettings};
use crate::transitions::{Change, Transition};
use crate::view::{OrgView, SystemView, View};
use crate::wording::{capitalized, Attention};

/// What may be notified; every kind can be switched off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSettings {
    pub dms_not_responding: bool,
    pub no_connection: bool,
    pub unknown: bool,
    pub back_online: bool,
    pub redundancy: bool,
    pub added_removed: bool,
    pub organization: bool,
    /// A system running another DataMiner version.
    pub version: bool,
    /// More state changes than this within `flap_window` is flapping.
    pub flap_changes: usize,
    pub flap_window: Duration,
    /// A failure to reach the API is told once it has lasted this long.
    pub unreachable_after: Duration,
    /// Local times between which nothing is notified (may span midnight).
    pub quiet_hours: Option<(NaiveTime, NaiveTime)>,
    pub sounds: SoundSettings,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            dms_not_responding: true,
            no_connection: true,
            unknown: true,
            back_online: true,
            redundancy: true,
            added_removed: true,
            organization: true,
            version: true,
            flap_changes: 4,
            flap_window: Duration::minutes(15),
            unreachable_after: Duration::minutes(3),
            quiet_hours: None,
            sounds: SoundSettings::default(),
        }
    }
}

/// Notification urgency, as the freedesktop specification has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Low,
    Normal,
    Critical,
}

/// What a notification is about, so that a later one can replace it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    System { organization: Uuid, system: Uuid },
    Redundancy { organization: Uuid, system: Uuid },
    Version { organization: Uuid, system: Uuid },
    Unknown { organization: Uuid },
    Organization { organization: Uuid },
    Summary,
}

/// A system a notification's default action opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SystemRef {
    pub organization: Uuid,
    pub system: Uuid,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub topic: Topic,
    pub summary: String,
    pub body: String,
    pub urgency: Urgency,
    /// The system it is about: its remote access opens on click, it can be snoozed.
    pub system: Option<SystemRef>,
    /// It tells an outage, which can be acknowledged from it.
    pub acknowledgeable: bool,
    /// The sound that goes with it, if it sounds.
    pub sound: Option<Sound>,
}

/// More than this many alerts from one poll become one summary.
const MAX_SEPARATE: usize = 3;

/// The policy's memory between polls.
#[derive(Debug, Default)]
pub struct AlertPolicy {
    pub settings: AlertSettings,
    /// The state each system was last told in (or first seen in).
    told: HashMap<SystemRef, Told>,
    /// Recent state changes per system, for flapping.
    changes: HashMap<SystemRef, VecDeque<DateTime<Utc>>>,
    flapping: HashMap<SystemRef, ()>,
    /// Consecutive polls in which each system was unknown.
    unknown_polls: HashMap<SystemRef, u32>,
    /// Organizations whose unknown systems were told as such, with how many
    /// of them have since returned to ok without a word.
    unknown_told: HashMap<Uuid, usize>,
    /// Organizations whose failure was told.
    failure_told: HashMap<Uuid, PollErrorKind>,
    snoozed: HashMap<SystemRef, DateTime<Utc>>,
    paused_until: Option<DateTime<Utc>>,
    /// What each organization looked like when its systems were last gone
    /// over, so that an unchanged poll does not go over them again.
    learned: HashMap<Uuid, Learned>,
    /// When each system's outage last sounded, for the repeats.
    sounded: HashMap<SystemRef, DateTime<Utc>>,
}

/// An organization's systems as last gone over: only a transition or a
/// change in their number can make these stale.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Learned {
    systems: usize,
    any_unknown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Told {
    state: ApiState,
    /// When the system left `ok`, for "back online after 12 minutes".
    out_since: Option<DateTime<Utc>>,
}

impl AlertPolicy {
    pub fn new(settings: AlertSettings) -> Self {
        AlertPolicy { settings, ..Default::default() }
    }

    /// Mutes one system until `until` ("Snooze 1 h", or a mute from the popup).
    pub fn snooze(&mut self, system: SystemRef, until: DateTime<Utc>) {
        self.snoozed.insert(system, until);
    }

    /// Pauses every notification until `until` (`None` resumes them).
    pub fn pause(&mut self, until: Option<DateTime<Utc>>) {
        self.paused_until = until;
    }

    /// Until when notifications are paused, if they are now.
    pub fn paused_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.paused_until.filter(|until| now < *until)
    }

    pub fn is_flapping(&self, system: SystemRef) -> bool {
        self.flapping.contains_key(&system)
    }

    /// The alerts for one poll of `organization`: its transitions and the view
    /// after it. `local_time` is the wall-clock time of day, for quiet hours.
    pub fn on_poll(
        &mut self,
        organization: Uuid,
        transitions: &[Transition],
        view: &View,
        now: DateTime<Utc>,
        local_time: NaiveTime,
    ) -> Vec<Alert> {
        let Some(org) = view.organizations.iter().find(|o| o.id == organization) else {
            return Vec::new();
        };
        let mut alerts = Vec::new();
        for transition in transitions {
            self.on_transition(org, transition, now, &mut alerts);
        }
        // An unchanged poll of many systems must cost next to nothing: each
        // step below only runs when it has something to look at.
        let learned = match self.learned.get(&org.id) {
            Some(learned) if transitions.is_empty() && learned.systems == org.systems.len() => *learned,
            _ => {
                self.learn_new_systems(org, now);
                let any_unknown = org.systems.iter().any(|s| s.state == ApiState::Unknown);
                let learned = Learned { systems: org.systems.len(), any_unknown };
                self.learned.insert(org.id, learned);
                learned
            }
        };
        if self.flapping.keys().any(|k| k.organization == org.id) {
            self.end_flapping(org, now, &mut alerts);
        }
        if learned.any_unknown
            || self.unknown_told.contains_key(&org.id)
            || self.unknown_polls.keys().any(|k| k.organization == org.id)
        {
            self.unknown_group(org, &mut alerts);
        }
        self.lasting_failure(org, now, &mut alerts);
        let quiet = self.quiet(now, local_time);
        let told: Vec<(Alert, Priority)> = alerts
            .into_iter()
            .map(|alert| weighed(alert, org))
            .filter(|(alert, priority)| !self.silenced(alert, *priority, now, local_time))
            .collect();
        let mut alerts = Vec::with_capacity(told.len());
        for (mut alert, priority) in told {
            alert.sound = alert.sound.filter(|sound| !quiet && self.settings.sounds.plays(*sound, priority));
            if let (Some(_), Some(system)) = (alert.sound, alert.system) {
                self.sounded.insert(system, now);
            }
            alerts.push(alert);
        }
        summarize(org, alerts)
    }

    fn on_transition(&mut self, org: &OrgView, transition: &Transition, now: DateTime<Utc>, alerts: &mut Vec<Alert>) {
        let system = transition.system.as_ref().map(|s| SystemRef { organization: org.id, system: s.id });
        let name = transition.system.as_ref().map_or("", |s| s.name.as_str());
        match (&transition.change, system) {
            (Change::State { from, to, last_seen_online, .. }, Some(system)) => {
                // A cloud hiccup turns every system unknown and back: that is
                // the organization's trouble, not the system flapping.
                if *from != ApiState::Unknown && *to != ApiState::Unknown {
                    self.record_change(system, now);
                }
                if *to == ApiState::Unknown {
                    // Told after two polls, grouped per organization.
                    return;
                }
                if *from == ApiState::Unknown {
                    match self.told_state(system) {
                        // Back from a short unknown to the state told before: no news.
                        Some(told) if told == *to => return,
                        // Told in the organization's "known again".
                        Some(ApiState::Unknown) if *to == ApiState::Ok => {
                            self.told.insert(system, Told { state: ApiState::Ok, out_since: None });
                            self.unknown_told.entry(org.id).and_modify(|n| *n += 1);
                            return;
                        }
                        _ => {}
                    }
                }
                if self.flapping.contains_key(&system) {
                    return;
                }
                if self.is_flapping_now(system) {
                    self.flapping.insert(system, ());
                    alerts.push(Alert {
                        topic: Topic::System { organization: org.id, system: system.system },
                        summary: format!("{name} is flapping"),
                        body: format!(
                            "{}: {} changes of state within {} minutes; quiet until it is stable",
                            org.name,
                            self.changes[&system].len(),
                            self.settings.flap_window.num_minutes()
                        ),
                        urgency: Urgency::Normal,
                        system: Some(system),
                        acknowledgeable: false,
                        sound: None,
                    });
                    return;
                }
                if let Some(alert) = self.state_alert(org, system, name, *to, *last_seen_online, now) {
                    alerts.push(alert);
                }
            }
            (Change::RedundancyDegraded { cloud_gateways }, Some(system)) if self.settings.redundancy => {
                alerts.push(Alert {
                    topic: Topic::Redundancy { organization: org.id, system: system.system },
                    summary: format!(
                        "{name}: {} of {} Cloud Gateways connected",
                        cloud_gateways.connected, cloud_gateways.total
                    ),
                    body: format!("{}: Cloud Gateway redundancy degraded", org.name),
                    urgency: Urgency::Normal,
                    system: Some(system),
                    acknowledgeable: false,
                    sound: None,
                })
            }
            (Change::RedundancyRestored { cloud_gateways }, Some(system)) if self.settings.redundancy => {
                alerts.push(Alert {
                    topic: Topic::Redundancy { organization: org.id, system: system.system },
                    summary: format!("{name}: all {} Cloud Gateways connected", cloud_gateways.total),
                    body: format!("{}: Cloud Gateway redundancy restored", org.name),
                    urgency: Urgency::Low,
                    system: Some(system),
                    acknowledgeable: false,
                    sound: None,
                })
            }
            (Change::VersionChanged { from, to }, Some(system)) if self.settings.version => alerts.push(Alert {
                topic: Topic::Version { organization: org.id, system: system.system },
                summary: format!("{name} now runs {to}"),
                body: format!("{}: DataMiner {to}, was {from}", org.name),
                urgency: Urgency::Low,
                system: Some(system),
                acknowledgeable: false,
                sound: None,
            }),
            (Change::Added { state }, Some(system)) => {
                self.told.insert(system, Told { state: *state, out_since: None });
                if self.settings.added_removed {
                    alerts.push(Alert {
                        topic: Topic::System { organization: org.id, system: system.system },
                        summary: format!("{name} was added to {}", org.name),
                        body: state.describe().to_string(),
                        urgency: Urgency::Low,
                        system: Some(system),
                        acknowledgeable: false,
                        sound: None,
                    });
                }
            }
            (Change::Removed { .. }, Some(system)) => {
                self.forget(system);
                if self.settings.added_removed {
                    alerts.push(Alert {
                        topic: Topic::System { organization: org.id, system: system.system },
                        summary: format!("{name} was removed from {}", org.name),
                        body: "It is no longer in the organization".to_string(),
                        urgency: Urgency::Low,
                        system: None,
                        acknowledgeable: false,
                        sound: None,
                    });
                }
            }
            (Change::OrganizationFailed { kind, message }, None)
                if kind.is_configuration_problem() && self.settings.organization =>
            {
                self.failure_told.insert(org.id, *kind);
                alerts.push(Alert {
                    topic: Topic::Organization { organization: org.id },
                    summary: format!("{}: {message}", org.name),
                    body: "dms-tray cannot watch this organization until the configuration is fixed".into(),
                    urgency: Urgency::Critical,
                    system: None,
                    acknowledgeable: false,
                    sound: None,
                });
            }
            (Change::OrganizationRecovered { .. }, None) if self.failure_told.remove(&org.id).is_some() => {
                alerts.push(Alert {
                    topic: Topic::Organization { organization: org.id },
                    summary: format!("{}: polling works again", org.name),
                    body: attention_line(org),
                    urgency: Urgency::Low,
                    system: None,
                    acknowledgeable: false,
                    sound: None,
                });
            }
            _ => {}
        }
    }

    fn told_state(&self, system: SystemRef) -> Option<ApiState> {
        self.told.get(&system).map(|t| t.state)
    }

    fn forget(&mut self, system: SystemRef) {
        self.told.remove(&system);
        self.changes.remove(&system);
        self.flapping.remove(&system);
        self.unknown_polls.remove(&system);
    }

    fn record_change(&mut self, system: SystemRef, now: DateTime<Utc>) {
        let window = self.settings.flap_window;
        let changes = self.changes.entry(system).or_default();
        changes.push_back(now);
        while changes.front().is_some_and(|t| now - *t > window) {
            changes.pop_front();
        }
    }

    fn is_flapping_now(&self, system: SystemRef) -> bool {
        self.changes.get(&system).is_some_and(|c| c.len() > self.settings.flap_changes)
    }

    /// The alert for a system now in `to`, if the user was told something else.
    fn state_alert(
        &mut self,
        org: &OrgView,
        system: SystemRef,
        name: &str,
        to: ApiState,
        last_seen_online: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<Alert> {
        let before = self.told.get(&system).copied().unwrap_or(Told { state: ApiState::Ok, out_since: None });
        if before.state == to {
            return None;
        }
        let out_since = if to == ApiState::Ok { None } else { before.out_since.or(Some(now)) };
        self.told.insert(system, Told { state: to, out_since });
        let topic = Topic::System { organization: org.id, system: system.system };
        let seen = |t: Option<DateTime<Utc>>| match t {
            Some(t) => format!("last seen online {}", ago(t, now)),
            None => "never seen online".to_string(),
        };
        let (enabled, summary, body, urgency) = match to {
            ApiState::DmsNotResponding => (
                self.settings.dms_not_responding,
                format!("{name}: Cloud connection valid, DMS not responding"),
                format!("{} · {}", org.name, seen(last_seen_online)),
                Urgency::Normal,
            ),
            ApiState::NoConnection => (
                self.settings.no_connection,
                format!("{name}: No connection to dataminer.services"),
                format!("{} · {}", org.name, seen(last_seen_online)),
                Urgency::Critical,
            ),
            ApiState::Ok => (
                self.settings.back_online,
                format!("{name} is back online"),
                match before.out_since {
                    Some(since) => format!("{} · out for {}", org.name, duration_words(now - since)),
                    None => org.name.clone(),
                },
                Urgency::Low,
            ),
            ApiState::Unknown => return None,
        };
        let acknowledgeable = Acknowledgement::can_acknowledge(to);
        let sound = Sound::of_state(to);
        enabled.then_some(Alert { topic, summary, body, urgency, system: Some(system), acknowledgeable, sound })
    }

    /// Systems seen for the first time are a baseline: never told as news.
    fn learn_new_systems(&mut self, org: &OrgView, now: DateTime<Utc>) {
        for system in &org.systems {
            let key = SystemRef { organization: org.id, system: system.id };
            self.told
                .entry(key)
                .or_insert(Told { state: system.state, out_since: (system.state != ApiState::Ok).then_some(now) });
        }
    }

    /// A flapping system that has been stable for the window is told in its
    /// current state, if that differs from what was told before.
    fn end_flapping(&mut self, org: &OrgView, now: DateTime<Utc>, alerts: &mut Vec<Alert>) {
        let window = self.settings.flap_window;
        let stable: Vec<&SystemView> = org
            .systems
            .iter()
            .filter(|s| {
                let key = SystemRef { organization: org.id, system: s.id };
                self.flapping.contains_key(&key)
                    && self.changes.get(&key).and_then(|c| c.back()).is_none_or(|last| now - *last >= window)
            })
            .collect();
        for system in stable {
            let key = SystemRef { organization: org.id, system: system.id };
            self.flapping.remove(&key);
            self.changes.remove(&key);
            if system.state != ApiState::Unknown {
                if let Some(alert) =
                    self.state_alert(org, key, &system.name, system.state, system.last_seen_online, now)
                {
                    alerts.push(alert);
                }
            }
        }
    }

    /// Systems unknown for two polls in a row, told once per organization.
    fn unknown_group(&mut self, org: &OrgView, alerts: &mut Vec<Alert>) {
        let mut lasting = Vec::new();
        for system in &org.systems {
            let key = SystemRef { organization: org.id, system: system.id };
            if system.state == ApiState::Unknown {
                let polls = self.unknown_polls.entry(key).or_insert(0);
                *polls += 1;
                if *polls >= 2 && self.told_state(key) != Some(ApiState::Unknown) {
                    lasting.push(system);
                }
            } else {
                self.unknown_polls.remove(&key);
            }
        }
        let still_unknown = org.systems.iter().any(|s| s.state == ApiState::Unknown);
        if !still_unknown && self.unknown_told.remove(&org.id).is_some_and(|returned| returned > 0) {
            alerts.push(Alert {
                topic: Topic::Unknown { organization: org.id },
                summary: format!("{}: the state of every system is known again", org.name),
                body: attention_line(org),
                urgency: Urgency::Low,
                system: None,
                acknowledgeable: false,
                sound: None,
            });
        }
        if lasting.is_empty() {
            return;
        }
        for system in &lasting {
            let key = SystemRef { organization: org.id, system: system.id };
            let out_since = self.told.get(&key).and_then(|t| t.out_since);
            self.told.insert(key, Told { state: ApiState::Unknown, out_since });
        }
        if !self.settings.unknown {
            return;
        }
        self.unknown_told.entry(org.id).or_insert(0);
        let (summary, system) = match lasting[..] {
            [one] => (
                format!("{}: The state of the DMS could not be determined", one.name),
                Some(SystemRef { organization: org.id, system: one.id }),
            ),
            _ => (format!("State of {} systems in {} could not be determined", lasting.len(), org.name), None),
        };
        let body = match &org.error {
            Some(error) => format!("{}: {}. Apps may not be available.", org.name, error.message),
            None => format!("{}: apps may not be available. {}", org.name, first_names(&lasting)),
        };
        alerts.push(Alert {
            topic: Topic::Unknown { organization: org.id },
            summary,
            body,
            urgency: Urgency::Normal,
            system,
            acknowledgeable: false,
            sound: None,
        });
    }

    /// A failure to reach the API, told once it has lasted.
    fn lasting_failure(&mut self, org: &OrgView, now: DateTime<Utc>, alerts: &mut Vec<Alert>) {
        let Some(error) = &org.error else { return };
        if error.kind.is_configuration_problem()
            || self.failure_told.contains_key(&org.id)
            || now - error.since < self.settings.unreachable_after
            || !self.settings.organization
        {
            return;
        }
        self.failure_told.insert(org.id, error.kind);
        alerts.push(Alert {
            topic: Topic::Organization { organization: org.id },
            summary: format!("{}: cannot reach the status API", org.name),
            body: format!("{} (since {}); its systems show as unknown", error.message, ago(error.since, now)),
            urgency: Urgency::Normal,
            system: None,
            acknowledgeable: false,
            sound: None,
        });
    }

    /// Muted by hand (snoozed) always; paused or in quiet hours, unless on air.
    fn silenced(&self, alert: &Alert, priority: Priority, now: DateTime<Utc>, local_time: NaiveTime) -> bool {
        let snoozed = alert.system.is_some_and(|s| self.is_snoozed(s, now));
        snoozed || (priority != Priority::OnAir && self.quiet(now, local_time))
    }

    fn is_snoozed(&self, system: SystemRef, now: DateTime<Utc>) -> bool {
        self.snoozed.get(&system).is_some_and(|until| now < *until)
    }

    /// Paused, or in quiet hours: no sound at all, and only on-air notifications.
    fn quiet(&self, now: DateTime<Utc>, local_time: NaiveTime) -> bool {
        let paused = self.paused_until(now).is_some();
        let quiet_hours = self.settings.quiet_hours.is_some_and(|(from, to)| {
            if from <= to {
                from <= local_time && local_time < to
            } else {
                local_time >= from || local_time < to
            }
        });
        paused || quiet_hours
    }

    /// The sound of on-air outages nobody has acknowledged, once each has
    /// gone `repeat` without one (an outage already there at start waits a
    /// whole `repeat` first); `None` when none is due.
    pub fn repeat_sound(&mut self, view: &View, now: DateTime<Utc>, local_time: NaiveTime) -> Option<Sound> {
        let repeat = self.settings.sounds.repeat?;
        let quiet = self.quiet(now, local_time);
        let mut due = None;
        for org in &view.organizations {
            for system in &org.systems {
                let key = SystemRef { organization: org.id, system: system.id };
                let sound = match Sound::of_state(system.state) {
                    Some(sound) if sound != Sound::Recovery => sound,
                    _ => continue,
                };
                if system.priority != Priority::OnAir
                    || system.acknowledged.is_some()
                    || self.is_snoozed(key, now)
                    || self.flapping.contains_key(&key)
                    || !self.settings.sounds.plays(sound, system.priority)
                {
                    continue;
                }
                let last = *self.sounded.entry(key).or_insert(now);
                if now - last >= repeat && !quiet {
                    self.sounded.insert(key, now);
                    due = due.max(Some(sound));
                }
            }
        }
        due
    }
}

/// The alert with its urgency set by its system's priority (on air: one
/// step more urgent; lab: low), and that priority.
fn weighed(mut alert: Alert, org: &OrgView) -> (Alert, Priority) {
    let priority = alert
        .system
        .and_then(|s| org.systems.iter().find(|v| v.id == s.system))
        .map_or(Priority::Normal, |v| v.priority);
    alert.urgency = match (priority, alert.urgency) {
        (Priority::OnAir, Urgency::Low) => Urgency::Normal,
        (Priority::OnAir, _) => Urgency::Critical,
        (Priority::Lab, _) => Urgency::Low,
        (Priority::Normal, urgency) => urgency,
    };
    (alert, priority)
}

/// "2 of 12 systems need attention".
fn attention_line(org: &OrgView) -> String {
    capitalized(&Attention::of(&org.systems).sentence())
}

fn first_names(systems: &[&SystemView]) -> String {
    let names: Vec<&str> = systems.iter().take(3).map(|s| s.name.as_str()).collect();
    match systems.len() {
        n if n > 3 => format!("{}, and {} more", names.join(", "), n - 3),
        _ => names.join(", "),
    }
}

/// "12 minutes", "2 hours", "3 days".
fn duration_words(d: Duration) -> String {
    let (n, unit) = match d.num_seconds() {
        s if s < 60 => (s.max(1), "second"),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// More than three alerts from one poll: one summary naming the first few.
fn summarize(org: &OrgView, alerts: Vec<Alert>) -> Vec<Alert> {
    if alerts.len() <= MAX_SEPARATE {
        return alerts;
    }
    let urgency = alerts.iter().map(|a| a.urgency).max().unwrap_or(Urgency::Normal);
    let sound = alerts.iter().filter_map(|a| a.sound).max();
    let firsts: Vec<&str> = alerts.iter().take(MAX_SEPARATE).map(|a| a.summary.as_str()).collect();
    vec![Alert {
        topic: Topic::Summary,
        summary: format!("{} changes in {}", alerts.len(), org.name),
        body: format!("{}, and {} more", firsts.join("; "), alerts.len() - MAX_SEPARATE),
        urgency,
        system: None,
        acknowledgeable: false,
        sound,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiState::*, CloudGateways, System};
    use crate::monitor::Monitor;
    use crate::poll::{PollError, PollOutcome};
    use crate::view::tests::{at, fresh, org_id, system};

    /// A monitor and a policy fed together, one poll a minute.
    struct Run {
        monitor: Monitor,
        policy: AlertPolicy,
        minute: i64,
        local_time: NaiveTime,
    }

    impl Run {
        fn new(systems: Vec<System>) -> Run {
            Run::with(AlertSettings::default(), systems)
        }

        fn with(settings: AlertSettings, systems: Vec<System>) -> Run {
            let mut run = Run {
                monitor: Monitor::new([(org_id(), None)]),
                policy: AlertPolicy::new(settings),
                minute: 0,
                local_time: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            };
            assert_eq!(run.poll(fresh(systems)), vec![], "the first poll is a baseline");
            run
        }

        fn poll(&mut self, outcome: PollOutcome) -> Vec<Alert> {
            let now = at(self.minute);
            self.minute += 1;
            let transitions = self.monitor.record(org_id(), &outcome, now).transitions;
            self.policy.on_poll(org_id(), &transitions, self.monitor.view(), now, self.local_time)
        }

        fn poll_states(&mut self, states: &[(u128, &str, ApiState)]) -> Vec<Alert> {
            self.poll(fresh(states.iter().map(|(n, name, state)| system(*n, name, *state)).collect()))
        }
    }

    fn summaries(alerts: &[Alert]) -> Vec<&str> {
        alerts.iter().map(|a| a.summary.as_str()).collect()
    }

    fn failed(kind: PollErrorKind, message: &str) -> PollOutcome {
        PollOutcome::Failed(PollError { kind, message: message.into(), retry_after: None })
    }

    #[test]
    fn each_change_is_told_once_in_the_words_of_dataminer_services() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok)]);
        let mut ziine = system(1, "Ziine", DmsNotResponding);
        ziine.last_seen_online = Some(at(0));
        let alerts = run.poll(fresh(vec![ziine.clone()]));
        assert_eq!(summaries(&alerts), ["Ziine: Cloud connection valid, DMS not responding"]);
        assert_eq!(alerts[0].body, "Skyline · last seen online 1 minute ago");
        assert_eq!(alerts[0].urgency, Urgency::Normal);
        assert_eq!(alerts[0].system, Some(SystemRef { organization: org_id(), system: ziine.id }));
        assert_eq!(run.poll(fresh(vec![ziine])), vec![], "an unchanged state is not told again");
    }

    #[test]
    fn no_connection_is_critical_and_the_recovery_replaces_it() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok)]);
        let down = run.poll_states(&[(1, "Ziine", NoConnection)]);
        assert_eq!(summaries(&down), ["Ziine: No connection to dataminer.services"]);
        assert_eq!(down[0].urgency, Urgency::Critical);
        assert_eq!(down[0].body, "Skyline · never seen online");
        for _ in 0..11 {
            assert_eq!(run.poll_states(&[(1, "Ziine", NoConnection)]), vec![]);
        }
        let back = run.poll_states(&[(1, "Ziine", Ok)]);
        assert_eq!(summaries(&back), ["Ziine is back online"]);
        assert_eq!(back[0].body, "Skyline · out for 12 minutes");
        assert_eq!(back[0].topic, down[0].topic, "the recovery replaces the outage's notification");
        assert_eq!(back[0].urgency, Urgency::Low);
    }

    #[test]
    fn unknown_is_told_after_two_polls_grouped_and_its_end_once() {
        let ok = [(1, "Ziine", Ok), (2, "Tokyo", Ok)];
        let mut run = Run::new(vec![system(1, "Ziine", Ok), system(2, "Tokyo", Ok)]);
        // A single unknown poll is no news, and neither is the return.
        assert_eq!(run.poll(failed(PollErrorKind::ServiceError, "dataminer.services error 503")), vec![]);
        assert_eq!(run.poll_states(&ok), vec![]);
        // Two polls: one notification for the organization.
        assert_eq!(run.poll(failed(PollErrorKind::ServiceError, "dataminer.services error 503")), vec![]);
        let lasting = run.poll(failed(PollErrorKind::ServiceError, "dataminer.services error 503"));
        assert_eq!(summaries(&lasting), ["State of 2 systems in Skyline could not be determined"]);
        assert_eq!(lasting[0].body, "Skyline: dataminer.services error 503. Apps may not be available.");
        assert_eq!(run.poll(failed(PollErrorKind::ServiceError, "dataminer.services error 503")), vec![]);
        let known = run.poll_states(&ok);
        assert_eq!(summaries(&known), ["Skyline: the state of every system is known again"]);
        assert_eq!(known[0].topic, lasting[0].topic);
    }

    #[test]
    fn one_unknown_system_is_named() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok), system(2, "Tokyo", Ok)]);
        run.poll_states(&[(1, "Ziine", Unknown), (2, "Tokyo", Ok)]);
        let alerts = run.poll_states(&[(1, "Ziine", Unknown), (2, "Tokyo", Ok)]);
        assert_eq!(summaries(&alerts), ["Ziine: The state of the DMS could not be determined"]);
        // Unknown, then a real outage: that is news.
        let alerts = run.poll_states(&[(1, "Ziine", NoConnection), (2, "Tokyo", Ok)]);
        assert_eq!(summaries(&alerts), ["Ziine: No connection to dataminer.services"]);
    }

    #[test]
    fn a_burst_becomes_one_summary_naming_the_first_few() {
        let names = ["A", "B", "C", "D", "E"];
        let all = |state| names.iter().enumerate().map(|(i, n)| system(i as u128 + 1, n, state)).collect::<Vec<_>>();
        let mut run = Run::new(all(Ok));
        let alerts = run.poll(fresh(all(NoConnection)));
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].summary, "5 changes in Skyline");
        assert_eq!(
            alerts[0].body,
            "A: No connection to dataminer.services; B: No connection to dataminer.services; \
             C: No connection to dataminer.services, and 2 more"
        );
        assert_eq!(alerts[0].urgency, Urgency::Critical);
        // Three are still told one by one.
        let mut run = Run::new(all(Ok));
        let mut three = all(Ok);
        for s in &mut three[..3] {
            s.state = DmsNotResponding;
        }
        assert_eq!(run.poll(fresh(three)).len(), 3);
    }

    #[test]
    fn a_flapping_system_is_told_once_then_quiet_until_stable() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok)]);
        let mut told = Vec::new();
        for i in 0..10 {
            let state = if i % 2 == 0 { NoConnection } else { Ok };
            told.extend(run.poll_states(&[(1, "Ziine", state)]));
        }
        assert_eq!(
            summaries(&told),
            [
                "Ziine: No connection to dataminer.services",
                "Ziine is back online",
                "Ziine: No connection to dataminer.services",
                "Ziine is back online",
                "Ziine is flapping",
            ]
        );
        let key = SystemRef { organization: org_id(), system: uuid::Uuid::from_u128(1) };
        assert!(run.policy.is_flapping(key));
        // Stable (ok, as told last) for the window: quiet, no longer flapping.
        for _ in 0..15 {
            assert_eq!(run.poll_states(&[(1, "Ziine", Ok)]), vec![]);
        }
        assert!(!run.policy.is_flapping(key));
        assert_eq!(
            summaries(&run.poll_states(&[(1, "Ziine", NoConnection)])),
            ["Ziine: No connection to dataminer.services"]
        );
    }

    #[test]
    fn cloud_hiccups_do_not_make_a_system_flap() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok)]);
        let mut told = Vec::new();
        for _ in 0..6 {
            told.extend(run.poll(failed(PollErrorKind::ServiceError, "dataminer.services error 503")));
            told.extend(run.poll_states(&[(1, "Ziine", Ok)]));
        }
        assert_eq!(told, vec![]);
        assert!(!run.policy.is_flapping(SystemRef { organization: org_id(), system: uuid::Uuid::from_u128(1) }));
    }

    #[test]
    fn a_flapping_system_that_settles_elsewhere_is_told_its_state() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok)]);
        for i in 0..6 {
            run.poll_states(&[(1, "Ziine", if i % 2 == 0 { DmsNotResponding } else { Ok })]);
        }
        let mut told = Vec::new();
        for _ in 0..16 {
            told.extend(run.poll_states(&[(1, "Ziine", NoConnection)]));
        }
        assert_eq!(summaries(&told), ["Ziine: No connection to dataminer.services"]);
    }

    #[test]
    fn snooze_pause_and_quiet_hours_silence_and_expire() {
        let steady = AlertSettings { flap_changes: 100, ..AlertSettings::default() };
        let mut run = Run::with(steady, vec![system(1, "Ziine", Ok), system(2, "Tokyo", Ok)]);
        let ziine = SystemRef { organization: org_id(), system: uuid::Uuid::from_u128(1) };
        run.policy.snooze(ziine, at(60));
        let alerts = run.poll_states(&[(1, "Ziine", NoConnection), (2, "Tokyo", NoConnection)]);
        assert_eq!(summaries(&alerts), ["Tokyo: No connection to dataminer.services"], "Ziine is snoozed");

        run.policy.pause(Some(at(5)));
        assert_eq!(run.poll_states(&[(1, "Ziine", Ok), (2, "Tokyo", Ok)]), vec![]);
        run.minute = 6;
        let alerts = run.poll_states(&[(1, "Ziine", Ok), (2, "Tokyo", NoConnection)]);
        assert_eq!(summaries(&alerts), ["Tokyo: No connection to dataminer.services"], "the pause is over");

        run.policy.settings.quiet_hours =
            Some((NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(7, 0, 0).unwrap()));
        run.local_time = NaiveTime::from_hms_opt(23, 30, 0).unwrap();
        assert_eq!(run.poll_states(&[(1, "Ziine", Ok), (2, "Tokyo", Ok)]), vec![]);
        run.local_time = NaiveTime::from_hms_opt(6, 59, 0).unwrap();
        assert_eq!(run.poll_states(&[(1, "Ziine", Ok), (2, "Tokyo", NoConnection)]), vec![]);
        run.local_time = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
        assert_eq!(summaries(&run.poll_states(&[(1, "Ziine", Ok), (2, "Tokyo", Ok)])), ["Tokyo is back online"]);
    }

    #[test]
    fn priority_sets_the_urgency_and_on_air_gets_through_quiet_hours_and_a_pause_but_not_a_mute() {
        let steady = AlertSettings { flap_changes: 100, ..AlertSettings::default() };
        let mut run = Run::with(steady, vec![system(1, "Playout", Ok), system(2, "Encoder", Ok), system(3, "Lab", Ok)]);
        let at_system = |n| SystemRef { organization: org_id(), system: uuid::Uuid::from_u128(n) };
        run.monitor.set_priority(at_system(1), Some(crate::priority::Priority::OnAir));
        run.monitor.set_priority(at_system(3), Some(crate::priority::Priority::Lab));
        let states = |s: ApiState| [(1, "Playout", s), (2, "Encoder", s), (3, "Lab", s)];
        let down = run.poll_states(&states(DmsNotResponding));
        let urgencies: Vec<(&str, Urgency)> = down.iter().map(|a| (a.summary.as_str(), a.urgency)).collect();
        assert_eq!(
            urgencies,
            [
                ("Playout: Cloud connection valid, DMS not responding", Urgency::Critical),
                ("Encoder: Cloud connection valid, DMS not responding", Urgency::Normal),
                ("Lab: Cloud connection valid, DMS not responding", Urgency::Low),
            ]
        );
        let back = run.poll_states(&states(Ok));
        assert_eq!(back.iter().map(|a| a.urgency).collect::<Vec<_>>(), [Urgency::Normal, Urgency::Low, Urgency::Low]);

        run.policy.pause(Some(at(600)));
        run.policy.settings.quiet_hours =
            Some((NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(7, 0, 0).unwrap()));
        run.local_time = NaiveTime::from_hms_opt(23, 30, 0).unwrap();
        let night = run.poll_states(&states(NoConnection));
        assert_eq!(summaries(&night), ["Playout: No connection to dataminer.services"], "only on air gets through");
        run.policy.snooze(at_system(1), at(600));
        assert_eq!(run.poll_states(&states(Ok)), vec![], "muted by hand, even on air");
    }

    #[test]
    fn on_air_changes_sound_but_not_in_quiet_hours_and_outages_sound_again_until_acknowledged() {
        let steady = AlertSettings { flap_changes: 100, ..AlertSettings::default() };
        let mut run = Run::with(steady, vec![system(1, "Playout", Ok), system(2, "Encoder", Ok)]);
        let playout = SystemRef { organization: org_id(), system: uuid::Uuid::from_u128(1) };
        run.monitor.set_priority(playout, Some(crate::priority::Priority::OnAir));
        let sounds = |alerts: &[Alert]| alerts.iter().map(|a| a.sound).collect::<Vec<_>>();

        let down = run.poll_states(&[(1, "Playout", NoConnection), (2, "Encoder", NoConnection)]);
        assert_eq!(sounds(&down), [Some(Sound::Critical), None], "only on air sounds by default");
        let repeat = |run: &mut Run, minute: i64| {
            run.minute = minute;
            run.policy.repeat_sound(run.monitor.view(), at(minute), run.local_time)
        };
        assert_eq!(repeat(&mut run, 3), None, "not before 5 minutes");
        assert_eq!(repeat(&mut run, 6), Some(Sound::Critical), "unacknowledged: again after 5 minutes");
        assert_eq!(repeat(&mut run, 8), None);
        run.monitor.acknowledge(playout, "alice", at(9)).unwrap();
        assert_eq!(repeat(&mut run, 12), None, "acknowledged: quiet");

        let back = run.poll_states(&[(1, "Playout", Ok), (2, "Encoder", Ok)]);
        assert_eq!(sounds(&back), [Some(Sound::Recovery), None]);

        run.policy.settings.quiet_hours =
            Some((NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(7, 0, 0).unwrap()));
        run.local_time = NaiveTime::from_hms_opt(23, 0, 0).unwrap();
        let night = run.poll_states(&[(1, "Playout", DmsNotResponding), (2, "Encoder", Ok)]);
        assert_eq!(summaries(&night), ["Playout: Cloud connection valid, DMS not responding"]);
        assert_eq!(sounds(&night), [None], "told, but silently, in quiet hours");
        let later = run.minute + 10;
        assert_eq!(repeat(&mut run, later), None, "no repeats in quiet hours");
        run.local_time = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let morning = run.minute + 1;
        assert_eq!(repeat(&mut run, morning), Some(Sound::Warning), "due since the night, sounded in the morning");
        run.policy.snooze(playout, at(600));
        let snoozed = run.minute + 10;
        assert_eq!(repeat(&mut run, snoozed), None, "muted by hand");
    }

    #[test]
    fn organization_problems_a_rejected_key_at_once_an_outage_when_it_lasts() {
        let mut run = Run::new(vec![system(1, "Ziine", Ok)]);
        let alerts = run.poll(failed(PollErrorKind::KeyRejected, "key rejected (401)"));
        assert_eq!(summaries(&alerts), ["Skyline: key rejected (401)"]);
        assert_eq!(alerts[0].urgency, Urgency::Critical);
        let back = run.poll_states(&[(1, "Ziine", Ok)]);
        assert_eq!(summaries(&back), ["Skyline: polling works again"]);

        let mut run =
            Run::with(AlertSettings { unknown: false, ..AlertSettings::default() }, vec![system(1, "Ziine", Ok)]);
        let mut told = Vec::new();
        for _ in 0..3 {
            told.extend(run.poll(failed(PollErrorKind::Network, "cannot reach api.example: connection refused")));
        }
        assert_eq!(told, vec![], "not for a few minutes");
        let alerts = run.poll(failed(PollErrorKind::Network, "cannot reach api.example: connection refused"));
        assert_eq!(summaries(&alerts), ["Skyline: cannot reach the status API"]);
        assert!(alerts[0].body.starts_with("cannot reach api.example: connection refused (since 3 minutes ago)"));
        assert_eq!(summaries(&run.poll_states(&[(1, "Ziine", Ok)])), ["Skyline: polling works again"]);
    }

    #[test]
    fn redundancy_additions_and_removals() {
        let mut gent = system(1, "Gent", Ok);
        gent.cloud_gateways = CloudGateways { connected: 3, total: 3 };
        let mut run = Run::new(vec![gent.clone()]);
        gent.cloud_gateways.connected = 1;
        assert_eq!(summaries(&run.poll(fresh(vec![gent.clone()]))), ["Gent: 1 of 3 Cloud Gateways connected"]);
        gent.cloud_gateways.connected = 3;
        let restored = run.poll(fresh(vec![gent.clone()]));
        assert_eq!(summaries(&restored), ["Gent: all 3 Cloud Gateways connected"]);
        let added = run.poll(fresh(vec![gent.clone(), system(2, "Oslo", Ok)]));
        assert_eq!(summaries(&added), ["Oslo was added to Skyline"]);
        let removed = run.poll(fresh(vec![gent]));
        assert_eq!(summaries(&removed), ["Oslo was removed from Skyline"]);
    }

    #[test]
    fn a_new_dataminer_version_is_told_quietly_and_apart_from_the_state() {
        let mut ziine = system(1, "Ziine", Ok);
        ziine.data_miner_version = Some("10.4.1".into());
        let mut run = Run::new(vec![ziine.clone()]);
        ziine.data_miner_version = Some("10.5.2".into());
        let alerts = run.poll(fresh(vec![ziine.clone()]));
        assert_eq!(summaries(&alerts), ["Ziine now runs 10.5.2"]);
        assert_eq!(alerts[0].urgency, Urgency::Low);
        assert_eq!(alerts[0].body, "Skyline: DataMiner 10.5.2, was 10.4.1");
        assert!(matches!(alerts[0].topic, Topic::Version { .. }), "it never replaces an outage's notification");
        assert_eq!(run.poll(fresh(vec![ziine.clone()])), vec![], "told once");
        run.policy.settings.version = false;
        ziine.data_miner_version = Some("10.5.3".into());
        assert_eq!(run.poll(fresh(vec![ziine])), vec![], "switched off");
    }

    #[test]
    fn every_kind_can_be_switched_off() {
        let off = AlertSettings {
            dms_not_responding: false,
            no_connection: false,
            back_online: false,
            added_removed: false,
            ..AlertSettings::default()
        };
        let mut run = Run::with(off, vec![system(1, "Ziine", Ok), system(2, "Tokyo", Ok)]);
        assert_eq!(run.poll_states(&[(1, "Ziine", DmsNotResponding), (2, "Tokyo", NoConnection)]), vec![]);
        assert_eq!(run.poll_states(&[(1, "Ziine", Ok)]), vec![]);
    }
}
