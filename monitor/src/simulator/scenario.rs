//! The scenario: the organization the simulator starts with and the timeline
//! of changes it plays, read from a TOML file (format in docs/simulator.md),
//! and the task that plays that timeline.
//!
//! Scenario files are written by people, so everything is checked when the
//! file is read (unknown keys, states, durations, the order of the steps,
//! the systems each step names) and every error gives the file, the line
//! and what to write instead.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use dms_tray_core::api::{ApiState, CloudGateways, Organization, RemoteAccess, System, SystemKind};
use serde::Deserialize;
use toml::Spanned;
use uuid::Uuid;

use super::faults::{Fault, Remaining};
use super::model::{
    dns_label_for, remote_access_url, GatewaysPatch, KindName, Model, ModelError, RemoteAccessPatch, Shared, StateName,
    SystemPatch, DEFAULT_VERSION,
};

const DEFAULT_SCENARIO: &str = include_str!("default_scenario.toml");

/// An organization and its timeline, ready to serve.
#[derive(Debug, Clone)]
pub struct Scenario {
    organization: Organization,
    key: String,
    no_permission_key: Option<String>,
    max_age: u32,
    systems: Vec<SystemSpec>,
    timeline: Vec<Step>,
    repeat: bool,
}

/// A scenario file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct ScenarioError {
    path: PathBuf,
    line: usize,
    column: usize,
    message: String,
}

/// A message and the bytes of the file it is about.
type Invalid = (Range<usize>, String);

impl Scenario {
    /// The demo organization "Skyline Demo" and its looping timeline.
    pub fn default_scenario() -> Scenario {
        Scenario::parse(Path::new("default_scenario.toml"), DEFAULT_SCENARIO).expect("the built-in scenario is valid")
    }

    /// Reads a scenario file; `path_for_messages` only names it in errors.
    pub fn parse(path_for_messages: &Path, text: &str) -> Result<Scenario, ScenarioError> {
        let error = |(span, message): Invalid| {
            let before = &text[..span.start.min(text.len())];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            ScenarioError {
                path: path_for_messages.to_owned(),
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                message,
            }
        };
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| error((e.span().unwrap_or(0..0), e.message().to_owned())))?;
        raw.validate().map_err(error)
    }

    /// The model the server starts from, its systems seen online `now`
    /// unless the scenario says otherwise.
    pub(crate) fn model(&self, base_url: String, now: DateTime<Utc>) -> Model {
        let systems = self.systems.iter().map(|s| s.build(&base_url, now)).collect();
        Model::new(
            self.organization.clone(),
            systems,
            self.key.clone(),
            self.no_permission_key.clone(),
            self.max_age,
            base_url,
            now,
        )
    }

    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    pub(crate) fn organization_id(&self) -> Uuid {
        self.organization.id
    }

    /// Plays the timeline on `model`: each step at its `at`, counted from the
    /// start of the round; a repeating timeline starts its next round right
    /// after the last step.
    pub(crate) async fn play(self, model: Shared) {
        if self.timeline.is_empty() {
            return;
        }
        loop {
            let round = tokio::time::Instant::now();
            for step in &self.timeline {
                tokio::time::sleep_until(round + step.at).await;
                let at = humantime::format_duration(step.at);
                match step.action.apply(&mut model.lock(), Utc::now()) {
                    Ok(()) => log::info!("simulator timeline {at}: {}", step.action),
                    Err(e) => log::warn!("simulator timeline {at}: {}: {e}", step.action),
                }
            }
            if !self.repeat {
                return;
            }
        }
    }
}

/// A system as the scenario describes it, before it has a URL and a time.
#[derive(Debug, Clone)]
struct SystemSpec {
    id: Option<Uuid>,
    name: String,
    dns_label: String,
    kind: SystemKind,
    state: ApiState,
    gateways: CloudGateways,
    version: String,
    remote_access: bool,
    last_seen_ago: Duration,
}

impl SystemSpec {
    fn build(&self, base_url: &str, now: DateTime<Utc>) -> System {
        let ago = chrono::Duration::from_std(self.last_seen_ago).unwrap_or(chrono::Duration::MAX);
        System {
            id: self.id.unwrap_or_else(Uuid::new_v4),
            name: self.name.clone(),
            dns_label: self.dns_label.clone(),
            kind: self.kind,
            state: self.state,
            last_seen_online: Some(now.checked_sub_signed(ago).unwrap_or(DateTime::<Utc>::MIN_UTC)),
            cloud_gateways: self.gateways,
            remote_access: RemoteAccess {
                enabled: self.remote_access,
                url: self.remote_access.then(|| remote_access_url(base_url, &self.dns_label)),
            },
            data_miner_version: Some(self.version.clone()),
        }
    }
}

#[derive(Debug, Clone)]
struct Step {
    /// From the start of the round.
    at: Duration,
    action: Action,
}

#[derive(Debug, Clone)]
enum Action {
    Change { system: String, patch: SystemPatch },
    Add(SystemSpec),
    Remove(String),
    Fault { fault: Fault, count: u32 },
}

impl Action {
    fn apply(&self, model: &mut Model, now: DateTime<Utc>) -> Result<(), ModelError> {
        match self {
            Action::Change { system, patch } => model.patch_system(system, patch, now).map(drop),
            Action::Add(spec) => {
                let system = spec.build(model.base_url(), now);
                model.add_system(system, now).map(drop)
            }
            Action::Remove(system) => model.remove_system(system, now).map(drop),
            Action::Fault { fault, count } => {
                model.queue_fault(fault.clone(), Remaining::Times(*count));
                Ok(())
            }
        }
    }
}

/// How the timeline reports the step in the log.
impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Change { system, patch } => {
                write!(f, "{system}:")?;
                if let Some(StateName(state)) = patch.state {
                    write!(f, " {state}")?;
                }
                if let Some(GatewaysPatch { connected: Some(c), total: Some(t) }) = patch.cloud_gateways {
                    write!(f, " {c}/{t} gateways")?;
                }
                if let Some(name) = &patch.name {
                    write!(f, " renamed to {name}")?;
                }
                if let Some(Some(version)) = &patch.data_miner_version {
                    write!(f, " version {version}")?;
                }
                if let Some(RemoteAccessPatch { enabled: Some(on), .. }) = patch.remote_access {
                    write!(f, " remote access {}", if on { "on" } else { "off" })?;
                }
                Ok(())
            }
            Action::Add(spec) => write!(f, "{} added", spec.name),
            Action::Remove(system) => write!(f, "{system} removed"),
            Action::Fault { fault, count } => write!(f, "{fault:?} for the next {count} request(s)"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    organization: RawOrganization,
    key: String,
    no_permission_key: Option<String>,
    #[serde(default = "default_max_age")]
    max_age: u32,
    repeat: Option<Spanned<bool>>,
    #[serde(default)]
    systems: Vec<RawSystem>,
    #[serde(default)]
    timeline: Vec<RawStep>,
}

fn default_max_age() -> u32 {
    5
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawOrganization {
    id: Uuid,
    name: String,
    url_label: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawSystem {
    id: Option<Uuid>,
    name: Spanned<String>,
    dns_label: Option<String>,
    #[serde(rename = "type")]
    kind: Option<KindName>,
    state: Option<StateName>,
    gateways: Option<Spanned<Vec<u32>>>,
    version: Option<String>,
    remote_access: Option<bool>,
    last_seen: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawStep {
    at: Spanned<String>,
    system: Option<Spanned<String>>,
    state: Option<StateName>,
    gateways: Option<Spanned<Vec<u32>>>,
    name: Option<String>,
    version: Option<String>,
    remote_access: Option<bool>,
    add: Option<RawSystem>,
    remove: Option<Spanned<String>>,
    fault: Option<Fault>,
    count: Option<Spanned<u32>>,
}

impl RawScenario {
    fn validate(self) -> Result<Scenario, Invalid> {
        let label = &self.organization.url_label;
        if label.get_ref().is_empty() || !label.get_ref().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            let suggestion = dns_label_for(label.get_ref());
            return Err((label.span(), format!("a urlLabel holds only a-z and 0-9; write e.g. \"{suggestion}\"")));
        }
        let organization = Organization {
            id: self.organization.id,
            name: self.organization.name,
            url_label: self.organization.url_label.into_inner(),
        };
        let mut systems = Known::default();
        for raw in self.systems {
            let spec = raw.validate()?;
            systems.admit(spec.0, spec.1)?;
        }
        let initial = systems.0.clone();
        let mut timeline: Vec<Step> = Vec::with_capacity(self.timeline.len());
        for raw in self.timeline {
            let at_span = raw.at.span();
            let step = raw.validate(&mut systems)?;
            if let Some(previous) = timeline.last().filter(|p| p.at > step.at) {
                return Err((
                    at_span,
                    format!(
                        "this step comes before the one above it (at {}); steps run in the order of `at`, so move it up",
                        humantime::format_duration(previous.at)
                    ),
                ));
            }
            timeline.push(step);
        }
        let repeat = self.repeat.as_ref().is_some_and(|r| *r.get_ref());
        if let Some(flag) = self.repeat.filter(|_| repeat && timeline.last().is_some_and(|l| l.at.is_zero())) {
            let message =
                "a repeating timeline needs its last step after \"0s\"; give it a later `at` or write `repeat = false`";
            return Err((flag.span(), message.into()));
        }
        Ok(Scenario {
            organization,
            key: self.key,
            no_permission_key: self.no_permission_key,
            max_age: self.max_age,
            systems: initial,
            timeline,
            repeat,
        })
    }
}

impl RawSystem {
    /// The system and the span of its name, where errors about it point.
    fn validate(self) -> Result<(SystemSpec, Range<usize>), Invalid> {
        let span = self.name.span();
        let name = self.name.into_inner();
        if name.is_empty() || name.chars().count() > 200 {
            return Err((span, "a system name has 1 to 200 characters".into()));
        }
        let gateways = self.gateways.as_ref().map(parse_gateways).transpose()?;
        let spec = SystemSpec {
            id: self.id,
            dns_label: self.dns_label.unwrap_or_else(|| dns_label_for(&name)),
            name,
            kind: self.kind.map_or(SystemKind::SelfHosted, |k| k.0),
            state: self.state.map_or(ApiState::Ok, |s| s.0),
            gateways: gateways.unwrap_or(CloudGateways { connected: 1, total: 1 }),
            version: self.version.unwrap_or_else(|| DEFAULT_VERSION.into()),
            remote_access: self.remote_access.unwrap_or(true),
            last_seen_ago: self.last_seen.as_ref().map(parse_duration).transpose()?.unwrap_or_default(),
        };
        Ok((spec, span))
    }
}

impl RawStep {
    /// The step, checked against the systems that exist when it runs.
    fn validate(self, systems: &mut Known) -> Result<Step, Invalid> {
        let at_span = self.at.span();
        let at = parse_duration(&self.at)?;
        let gateways = self.gateways.as_ref().map(parse_gateways).transpose()?;
        let patch = SystemPatch {
            state: self.state,
            cloud_gateways: gateways.map(|g| GatewaysPatch { connected: Some(g.connected), total: Some(g.total) }),
            name: self.name,
            remote_access: self.remote_access.map(|on| RemoteAccessPatch { enabled: Some(on), url: None }),
            last_seen_online: None,
            data_miner_version: self.version.map(Some),
        };
        let mut actions = Vec::new();
        match self.system {
            Some(system) if patch.is_empty() => {
                return Err((
                    system.span(),
                    "this step names a system but changes nothing; add `state`, `gateways`, `name`, `version` or `remoteAccess`".into(),
                ))
            }
            Some(system) => {
                let index = systems.find(&system)?;
                if let Some(name) = &patch.name {
                    systems.0[index].name.clone_from(name);
                }
                actions.push(Action::Change { system: system.into_inner(), patch });
            }
            None if !patch.is_empty() => {
                return Err((at_span, "say which system this step changes: `system = \"<name>\"`".into()))
            }
            None => {}
        }
        if let Some(raw) = self.add {
            let (spec, span) = raw.validate()?;
            systems.admit(spec.clone(), span)?;
            actions.push(Action::Add(spec));
        }
        if let Some(system) = self.remove {
            let index = systems.find(&system)?;
            systems.0.remove(index);
            actions.push(Action::Remove(system.into_inner()));
        }
        match (self.fault, self.count) {
            (Some(_), Some(count)) if *count.get_ref() == 0 => {
                return Err((count.span(), "`count` is how many status requests get the fault; write 1 or more".into()))
            }
            (Some(fault), count) => actions.push(Action::Fault { fault, count: count.map_or(1, Spanned::into_inner) }),
            (None, Some(count)) => return Err((count.span(), "`count` goes with `fault`".into())),
            (None, None) => {}
        }
        match actions.len() {
            1 => Ok(Step { at, action: actions.remove(0) }),
            0 => Err((
                at_span,
                "this step does nothing; give it `system` and a change, `add`, `remove` or `fault`".into(),
            )),
            _ => Err((at_span, "a step does one thing; split it into [[timeline]] steps with the same `at`".into())),
        }
    }
}

fn parse_gateways(list: &Spanned<Vec<u32>>) -> Result<CloudGateways, Invalid> {
    match **list.get_ref() {
        [connected, total] if connected <= total => Ok(CloudGateways { connected, total }),
        _ => Err((list.span(), "gateways are [connected, total] with connected <= total; write e.g. [2, 3]".into())),
    }
}

fn parse_duration(text: &Spanned<String>) -> Result<Duration, Invalid> {
    humantime::parse_duration(text.get_ref()).map_err(|e| {
        (
            text.span(),
            format!("\"{}\" is not a duration ({e}); write e.g. \"45s\", \"2m 30s\" or \"4h\"", text.get_ref()),
        )
    })
}

/// The systems of the organization at a point of the timeline, to check
/// that names are unique and that each step names a system that exists.
#[derive(Default)]
struct Known(Vec<SystemSpec>);

impl Known {
    fn admit(&mut self, spec: SystemSpec, span: Range<usize>) -> Result<(), Invalid> {
        for other in &self.0 {
            let clash = if spec.id.is_some() && spec.id == other.id {
                "id"
            } else if spec.name == other.name {
                "name"
            } else if spec.dns_label == other.dns_label {
                "dnsLabel"
            } else {
                continue;
            };
            return Err((span, format!("another system already has this {clash}; give each system its own {clash}")));
        }
        self.0.push(spec);
        Ok(())
    }

    /// Finds a system the way the model does: by id, name or DNS label.
    fn find(&self, selector: &Spanned<String>) -> Result<usize, Invalid> {
        let wanted = selector.get_ref();
        let id = Uuid::parse_str(wanted).ok();
        self.0
            .iter()
            .position(|s| (id.is_some() && s.id == id) || s.name == *wanted || s.dns_label == *wanted)
            .ok_or_else(|| {
                let names: Vec<String> = self.0.iter().map(|s| format!("\"{}\"", s.name)).collect();
                let message = format!(
                    "no system \"{wanted}\" exists at this step; write one of {}",
                    if names.is_empty() { "the systems above (there are none)".into() } else { names.join(", ") }
                );
                (selector.span(), message)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
key = "k"
repeat = true

[organization]
id = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10"
name = "Skyline"
urlLabel = "skyline"

[[systems]]
name = "Ziine"
gateways = [2, 3]

[[timeline]]
at = "30s"
system = "Ziine"
state = "dmsNotResponding"
gateways = [1, 3]

[[timeline]]
at = "1m"
add = { name = "Lab", type = "dataMinerAsAService" }

[[timeline]]
at = "1m 30s"
fault = { status = 503, retryAfter = "20" }
count = 2

[[timeline]]
at = "2m"
remove = "lab"
"#;

    fn error(text: &str) -> String {
        Scenario::parse(Path::new("demo.toml"), text).unwrap_err().to_string()
    }

    #[test]
    fn reads_a_scenario_with_defaults() {
        let scenario = Scenario::parse(Path::new("demo.toml"), MINIMAL).unwrap();
        assert_eq!(scenario.max_age, 5);
        assert!(scenario.repeat);
        let ziine = &scenario.systems[0];
        assert_eq!(
            (ziine.dns_label.as_str(), ziine.state, ziine.kind),
            ("ziine", ApiState::Ok, SystemKind::SelfHosted)
        );
        assert_eq!(ziine.gateways, CloudGateways { connected: 2, total: 3 });
        let ats: Vec<u64> = scenario.timeline.iter().map(|s| s.at.as_secs()).collect();
        assert_eq!(ats, [30, 60, 90, 120]);
        assert!(matches!(&scenario.timeline[2].action, Action::Fault { count: 2, .. }));
    }

    #[test]
    fn steps_change_the_model() {
        let scenario = Scenario::parse(Path::new("demo.toml"), MINIMAL).unwrap();
        let now = Utc::now();
        let mut model = scenario.model("http://127.0.0.1:9".into(), now);
        for step in &scenario.timeline[..2] {
            step.action.apply(&mut model, now).unwrap();
        }
        let systems = model.systems();
        assert_eq!(systems[0].state, ApiState::DmsNotResponding);
        assert_eq!(systems[0].cloud_gateways, CloudGateways { connected: 1, total: 3 });
        assert_eq!(systems[1].remote_access.url.as_deref(), Some("http://127.0.0.1:9/remote/lab/"));
        scenario.timeline[2].action.apply(&mut model, now).unwrap();
        assert!(model.take_fault().is_some());
        scenario.timeline[3].action.apply(&mut model, now).unwrap();
        assert_eq!(model.systems().len(), 1);
    }

    #[test]
    fn the_default_scenario_is_a_believable_demo() {
        let scenario = Scenario::default_scenario();
        let systems = &scenario.systems;
        assert!((10..=14).contains(&systems.len()));
        let count = |state| systems.iter().filter(|s| s.state == state).count();
        assert_eq!((count(ApiState::DmsNotResponding), count(ApiState::NoConnection)), (1, 1));
        assert!(systems.iter().any(|s| s.state == ApiState::Ok && s.gateways.is_degraded()));
        assert!(systems.iter().any(|s| s.kind == SystemKind::DataMinerAsAService));
        assert!(systems.iter().all(|s| s.id.is_some()), "fixed ids keep the output stable");
        assert!(scenario.no_permission_key.is_some());
        assert!(scenario.repeat);
        // Something changes within the first minute; after that, calm enough
        // (a change every two minutes or so) to leave notifications on.
        assert!(scenario.timeline[0].at <= Duration::from_secs(60));
        let (busy, quiet) = scenario.timeline.split_at(scenario.timeline.len() - 1);
        assert!(quiet[0].at >= Duration::from_secs(2 * 3600), "a quiet stretch ends the round");
        let mut previous = busy[0].at;
        for step in &busy[1..] {
            let gap = step.at - previous;
            assert!((60..=180).contains(&gap.as_secs()), "a gap of {gap:?} before {}", step.action);
            previous = step.at;
        }
    }

    #[test]
    fn the_default_timeline_ends_where_it_started() {
        let scenario = Scenario::default_scenario();
        let now = Utc::now();
        let mut model = scenario.model("http://127.0.0.1:9".into(), now);
        let before = model.systems().to_vec();
        for step in &scenario.timeline {
            step.action.apply(&mut model, now).unwrap();
        }
        let summary = |systems: &[System]| -> Vec<_> {
            systems.iter().map(|s| (s.id, s.name.clone(), s.state, s.cloud_gateways)).collect()
        };
        assert_eq!(summary(model.systems()), summary(&before));
    }

    /// Prints how many notifications a day of the demo gives (the built-in
    /// scenario, polled every 10 s through the monitor and the default
    /// notification policy). Run by scripts/demo-day.sh.
    #[test]
    #[ignore = "prints figures: scripts/demo-day.sh"]
    fn a_day_of_the_demo() {
        use dms_tray_core::alerts::{AlertPolicy, AlertSettings};
        use dms_tray_core::monitor::Monitor;
        use dms_tray_core::poll::{PollError, PollErrorKind, PollOutcome};

        let scenario = Scenario::default_scenario();
        let start = Utc::now();
        let mut model = scenario.model("http://127.0.0.1:9".into(), start);
        let org = scenario.organization_id();
        let mut monitor = Monitor::new([(org, None)]);
        let mut policy = AlertPolicy::new(AlertSettings::default());
        let round = scenario.timeline.last().map_or(Duration::from_secs(3600), |s| s.at);
        let poll = Duration::from_secs(10);
        let mut per_hour = vec![0usize; 24];
        let mut first_hour = Vec::new();
        let mut elapsed = Duration::ZERO;
        let mut next_step = 0;
        let mut previous = Duration::ZERO;
        while elapsed < Duration::from_secs(24 * 3600) {
            let now = start + chrono::Duration::from_std(elapsed).unwrap();
            let in_round = Duration::from_secs(elapsed.as_secs() % round.as_secs().max(1));
            if in_round < previous {
                // A new round: the last steps of the one before come first.
                for step in &scenario.timeline[next_step..] {
                    step.action.apply(&mut model, now).unwrap();
                }
                next_step = 0;
            }
            previous = in_round;
            while next_step < scenario.timeline.len() && scenario.timeline[next_step].at <= in_round {
                scenario.timeline[next_step].action.apply(&mut model, now).unwrap();
                next_step += 1;
            }
            let outcome = match model.take_fault() {
                Some(_) => PollOutcome::Failed(PollError {
                    kind: PollErrorKind::ServiceError,
                    message: "dataminer.services error 503".into(),
                    retry_after: None,
                }),
                None => PollOutcome::Fresh { document: model.document(), etag: None, max_age: None },
            };
            let transitions = monitor.record(org, &outcome, now).transitions;
            let alerts = policy.on_poll(org, &transitions, monitor.view(), now, now.time());
            let hour = (elapsed.as_secs() / 3600) as usize;
            per_hour[hour] += alerts.len();
            if hour == 0 {
                first_hour.extend(alerts.into_iter().map(|a| a.summary));
            }
            elapsed += poll;
        }
        let total: usize = per_hour.iter().sum();
        println!("a day of the demo: {total} notifications; per hour {per_hour:?}");
        println!("the first hour:");
        for summary in first_hour {
            println!("  {summary}");
        }
    }

    #[test]
    fn errors_give_the_file_the_line_and_what_to_write() {
        let typo = MINIMAL.replace("\"dmsNotResponding\"", "\"notResponding\"");
        assert_eq!(
            error(&typo),
            r#"demo.toml:17:9: unknown state "notResponding"; write one of "ok", "dmsNotResponding", "noConnection", "unknown""#
        );
        let unknown = MINIMAL.replace("system = \"Ziine\"", "system = \"Zine\"");
        assert_eq!(error(&unknown), r#"demo.toml:16:10: no system "Zine" exists at this step; write one of "Ziine""#);
        let removed_twice = MINIMAL.replace("at = \"1m\"\nadd", "at = \"1m\"\nremove = \"Ziine\"\nadd");
        assert!(error(&removed_twice).contains("a step does one thing"));
        let bad_duration = MINIMAL.replace("\"1m 30s\"", "\"soon\"");
        assert!(error(&bad_duration).starts_with("demo.toml:25:6: \"soon\" is not a duration"));
        let out_of_order = MINIMAL.replace("\"2m\"", "\"1m 10s\"");
        assert!(error(&out_of_order).starts_with("demo.toml:30:6: this step comes before the one above it (at 1m 30s)"));
        let snake = MINIMAL.replace("urlLabel", "url_label");
        assert!(error(&snake).contains("unknown field `url_label`, expected one of `id`, `name`, `urlLabel`"));
        let label = MINIMAL.replace("\"skyline\"", "\"Sky Line\"");
        assert!(error(&label).ends_with("write e.g. \"skyline\""));
        let gateways = MINIMAL.replace("[2, 3]", "[4, 3]");
        assert!(error(&gateways).starts_with("demo.toml:12:12: gateways are [connected, total]"));
        assert!(error(&MINIMAL.replace("[2, 3]", "[2]")).ends_with("write e.g. [2, 3]"));
        let duplicate = MINIMAL.replace("name = \"Lab\"", "name = \"Ziine\"");
        assert!(error(&duplicate).contains("already has this name"));
        let nothing = MINIMAL.replace("state = \"dmsNotResponding\"\ngateways = [1, 3]\n", "");
        assert!(error(&nothing).contains("changes nothing"));
        let stray_count = MINIMAL.replace("count = 2", "count = 2\nsystem = \"Ziine\"");
        assert!(error(&stray_count).contains("changes nothing"));
        let fault = MINIMAL.replace("status = 503", "status = 200");
        assert!(error(&fault).contains("not an error status"));
        let zero_loop = MINIMAL.replace("\"30s\"", "\"0s\"").replace("\"1m\"", "\"0s\"");
        let zero_loop = zero_loop.replace("\"1m 30s\"", "\"0s\"").replace("\"2m\"", "\"0s\"");
        assert!(error(&zero_loop).contains("needs its last step after \"0s\""));
    }
}
