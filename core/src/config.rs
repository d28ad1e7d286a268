//! The configuration file: which organizations dms-tray polls, how often,
//! what it notifies and which hooks it runs (their sections are checked in
//! [`crate::hooks`]).
//!
//! Users edit this file by hand and scripts generate it, so its format is a
//! contract and a mistake in it must never be silently ignored or guessed at.
//! [`parse`] turns the text into a checked [`Config`] or into one
//! [`ConfigError`] that names the file, the line, what is wrong and what to
//! write instead. The module does no I/O: the caller reads the file, and
//! [`KeySource::resolve`] is handed the environment, a file reader and the
//! keyring, so that the rules here can be tested without touching the
//! machine.
//!
//! ```toml
//! poll_interval = "60s"
//!
//! [[organizations]]
//! name = "Skyline"
//! api_url = "https://api.example.com"
//! id = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10"
//! key_env = "DMS_TRAY_SKYLINE_KEY"
//! allowed_remote_hosts = ["127.0.0.1:8080"]
//!
//! [[organizations.priority]]
//! pattern = "*Playout*"
//! level = "on-air"
//!
//! [notifications]
//! redundancy = false
//! quiet_hours = "22:00-07:00"
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveTime;
use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};
use toml::{Spanned, Value};
use url::{Host, Url};
use uuid::Uuid;

use crate::alerts::AlertSettings;
use crate::hooks::parse::{hooks, RawHook};
use crate::hooks::Hook;
use crate::priority::{Priority, PriorityRule};
use crate::sound::SoundSettings;

/// Shortest accepted `poll_interval`: faster polling only loads dataminer.services.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Shortest accepted `poll_interval` when every API is on loopback (the
/// simulator, a test rig), which loads no one else's service.
pub const MIN_POLL_INTERVAL_ON_LOOPBACK: Duration = Duration::from_secs(1);

/// Longest accepted `poll_interval`: a monitor that looks less than once a
/// day would show day-old states as today's.
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

/// `history_keep` when the file does not set one.
pub const DEFAULT_HISTORY_KEEP: Duration = Duration::from_secs(90 * 24 * 60 * 60);
/// The shortest and longest `history_keep`: the 7-day strip needs a week,
/// and ten years (of 365.25 days, as humantime counts them) is plenty.
const HISTORY_KEEP_RANGE: (Duration, Duration) =
    (Duration::from_secs(7 * 24 * 60 * 60), Duration::from_secs(10 * 31_557_600));

/// `poll_interval` when the file does not set one.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// Remote-access URLs of DMSes live under this domain; they may always be opened.
const REMOTE_ACCESS_DOMAIN_SUFFIX: &str = ".on.dataminer.services";

const EXAMPLE_GUID: &str = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10";

/// Accepted `flap_changes` in `[notifications]`.
pub const FLAP_CHANGES_RANGE: RangeInclusive<usize> = 1..=100;

/// Accepted `flap_window` in `[notifications]`.
pub const FLAP_WINDOW_RANGE: RangeInclusive<Duration> = Duration::from_secs(60)..=Duration::from_secs(24 * 60 * 60);

/// Accepted `unreachable_after` in `[notifications]`.
pub const UNREACHABLE_AFTER_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(24 * 60 * 60);

/// A checked configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub poll_interval: Duration,
    /// How long the history keeps a change (`history_keep`).
    pub history_keep: Duration,
    /// A file of PEM certificates trusted besides the platform's
    /// (`ca_file`): the root of a proxy that inspects TLS, say.
    pub ca_file: Option<PathBuf>,
    /// The proxy for every organization's API that sets none of its own
    /// (`proxy`); without one, the system's proxy settings apply.
    pub proxy: Option<Url>,
    /// May be empty: the app then shows "no organizations configured".
    pub organizations: Vec<OrganizationConfig>,
    /// The `[notifications]` table; every key left out has its default.
    pub notifications: AlertSettings,
    /// The `[[hooks]]` sections, in the order of the file.
    pub hooks: Vec<Hook>,
}

/// A configuration of no organization, with every default: what dms-tray
/// runs with while its file cannot be used.
impl Default for Config {
    fn default() -> Config {
        Config {
            poll_interval: DEFAULT_POLL_INTERVAL,
            history_keep: DEFAULT_HISTORY_KEEP,
            ca_file: None,
            proxy: None,
            organizations: Vec::new(),
            notifications: AlertSettings::default(),
            hooks: Vec::new(),
        }
    }
}

/// One `[[organizations]]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationConfig {
    /// The name to show; `None` means "use the name the API reports".
    pub name: Option<String>,
    /// `https://`, or `http://` on a loopback host.
    pub api_url: Url,
    pub id: Uuid,
    pub key: KeySource,
    /// Normalized `host` or `host:port` entries (lowercase domain, IPv6 in
    /// brackets); an entry without a port allows every port of that host.
    pub allowed_remote_hosts: Vec<String>,
    /// This organization's proxy (`proxy`), over the file's.
    pub proxy: Option<Url>,
    /// `[[organizations.priority]]`: name patterns and their priority, in order.
    pub priority_rules: Vec<PriorityRule>,
}

impl Config {
    /// The shortest poll interval these organizations allow.
    pub fn min_poll_interval(&self) -> Duration {
        let all_on_loopback =
            !self.organizations.is_empty() && self.organizations.iter().all(|o| is_loopback(&o.api_url));
        if all_on_loopback {
            MIN_POLL_INTERVAL_ON_LOOPBACK
        } else {
            MIN_POLL_INTERVAL
        }
    }

    /// The proxy for `organization`'s API: its own, else the file's; never
    /// one for an API on loopback, which no proxy should see. `None` also
    /// means the system's proxy settings apply (to an API not on loopback).
    pub fn proxy_for<'a>(&'a self, organization: &'a OrganizationConfig) -> Option<&'a Url> {
        if is_loopback(&organization.api_url) {
            return None;
        }
        organization.proxy.as_ref().or(self.proxy.as_ref())
    }
}

impl OrganizationConfig {
    /// Whether a remote-access URL reported by the API may be opened in the
    /// browser: `https://` on a host under `.on.dataminer.services`, or
    /// `http(s)://` on a host (or host:port) listed in `allowed_remote_hosts`.
    pub fn allows_remote_host(&self, url: &Url) -> bool {
        let Some(host) = url.host() else {
            return false;
        };
        // A user name or password in the URL is a way to make a link look
        // like another host's; no remote-access URL has one.
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        match url.scheme() {
            "https" if is_remote_access_host(&host) && url.port_or_known_default() == Some(443) => true,
            "https" | "http" => {
                let host = host.to_string();
                let host_port = url.port_or_known_default().map(|port| format!("{host}:{port}"));
                self.allowed_remote_hosts.iter().any(|entry| *entry == host || Some(entry) == host_port.as_ref())
            }
            _ => false,
        }
    }
}

fn is_remote_access_host(host: &Host<&str>) -> bool {
    matches!(host, Host::Domain(domain)
        if domain.strip_suffix(REMOTE_ACCESS_DOMAIN_SUFFIX).is_some_and(|labels| !labels.is_empty() && !labels.split('.').any(str::is_empty)))
}

/// Where an organization's key comes from (`key`, `key_env`, `key_file` or
/// `key_keyring`).
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The key itself, written in the file.
    Inline(String),
    /// The name of an environment variable holding the key.
    Env(String),
    /// A file holding the key; relative paths are already resolved against
    /// the configuration file's directory.
    File(PathBuf),
    /// The name of an entry in the OS keyring (service `dms-tray`).
    Keyring(String),
}

/// Keeps an inline key out of logs and panic messages.
impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Inline(_) => f.write_str("Inline(<redacted>)"),
            KeySource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            KeySource::File(path) => f.debug_tuple("File").field(path).finish(),
            KeySource::Keyring(name) => f.debug_tuple("Keyring").field(name).finish(),
        }
    }
}

impl KeySource {
    /// Looks the key up. Keys from the environment, a file or the keyring
    /// are trimmed, so a trailing newline does not end up in the request
    /// header. `keyring` answers `Ok(None)` when it has no such entry.
    pub fn resolve(
        &self,
        env: impl Fn(&str) -> Option<String>,
        read_file: impl Fn(&Path) -> io::Result<String>,
        keyring: impl Fn(&str) -> Result<Option<String>, String>,
    ) -> Result<String, KeyError> {
        match self {
            KeySource::Inline(key) => Ok(key.clone()),
            KeySource::Env(name) => {
                let value = env(name).ok_or_else(|| KeyError::EnvNotSet { name: name.clone() })?;
                match value.trim() {
                    "" => Err(KeyError::EnvEmpty { name: name.clone() }),
                    key => Ok(key.to_owned()),
                }
            }
            KeySource::File(path) => {
                let text = read_file(path).map_err(|error| KeyError::FileUnreadable { path: path.clone(), error })?;
                match text.trim() {
                    "" => Err(KeyError::FileEmpty { path: path.clone() }),
                    key => Ok(key.to_owned()),
                }
            }
            KeySource::Keyring(name) => {
                let unavailable = |reason: String| KeyError::KeyringUnavailable { name: name.clone(), reason };
                match keyring(name).map_err(unavailable)? {
                    Some(key) if !key.trim().is_empty() => Ok(key.trim().to_owned()),
                    _ => Err(KeyError::KeyringMissing { name: name.clone() }),
                }
            }
        }
    }
}

/// Why [`KeySource::resolve`] found no key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the environment variable {name} named by key_env is not set; set it to the organization key before starting dms-tray, or use key or key_file instead")]
    EnvNotSet { name: String },
    #[error("the environment variable {name} named by key_env is empty; set it to the organization key")]
    EnvEmpty { name: String },
    #[error("cannot read the key file {} named by key_file ({error}); check that it exists and is readable, or correct key_file", .path.display())]
    FileUnreadable { path: PathBuf, error: io::Error },
    #[error("the key file {} named by key_file is empty; write the organization key into it", .path.display())]
    FileEmpty { path: PathBuf },
    #[error("the keyring holds no key named {name:?} (key_keyring); store it with: dms-tray key set '{name}'")]
    KeyringMissing { name: String },
    #[error("cannot read the key named {name:?} (key_keyring) from the keyring: {reason}; check that the keyring (the Secret Service, the Credential Manager or the Keychain) runs and is unlocked")]
    KeyringUnavailable { name: String, reason: String },
}

/// A mistake in the configuration file, explained in one paragraph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", .path.display(), line_suffix(*.line))]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line of the offending text, when known.
    pub line: Option<usize>,
    /// What is wrong and what to write instead.
    pub message: String,
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|line| format!(", line {line}")).unwrap_or_default()
}

/// Parses and checks the configuration file `text`, read from `path`.
///
/// `path` names the file in error messages and anchors a relative `key_file`.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let error = |at: Option<usize>, message: String| ConfigError {
        path: path.to_owned(),
        line: at.map(|offset| line_at(text, offset)),
        message: message.replace(['\r', '\n'], " "),
    };
    let toml_error = |e: &toml::de::Error, message: String| error(e.span().map(|s| s.start), message);

    let document = toml::de::Deserializer::parse(text).map_err(|e| {
        let offending = e.span().and_then(|span| text.get(span)).unwrap_or_default();
        toml_error(&e, syntax_message(e.message(), offending))
    })?;
    let raw = RawConfig::deserialize(document).map_err(|e| toml_error(&e, structure_message(e.message())))?;
    check(raw, path, text).map_err(|fail| error(Some(fail.at), fail.message))
}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// `offending` is the text the parser points at (for a duplicate key, the key).
fn syntax_message(message: &str, offending: &str) -> String {
    if message == "duplicate key" {
        format!("duplicate key `{offending}`; write each key only once per section (a second organization needs its own [[organizations]] section).")
    } else {
        format!("this is not valid TOML ({message}); write one key = value per line with text in double quotes, such as poll_interval = \"60s\", and start each organization with [[organizations]].")
    }
}

/// Rewrites serde's wording of the errors the raw types can produce.
fn structure_message(message: &str) -> String {
    if let Some((key, allowed)) =
        message.strip_prefix("unknown field ").and_then(|rest| rest.rsplit_once(", expected "))
    {
        let allowed = allowed.strip_prefix("one of ").unwrap_or(allowed);
        let allowed = allowed.replace("` or `", "`, `");
        return format!("unknown key {key}; the keys allowed here are {allowed}; remove it or correct its spelling.");
    }
    if let Some((found, expected)) =
        message.strip_prefix("invalid type: ").and_then(|rest| rest.rsplit_once(", expected "))
    {
        let found = if found == "map" { "table" } else { found };
        return format!("wrong kind of value ({found}): {expected}.");
    }
    if let Some((_, expected)) =
        message.strip_prefix("invalid length ").and_then(|rest| rest.rsplit_once(", expected "))
    {
        // A table written as an array, such as [[notifications]].
        return format!("wrong kind of value (array): {expected}.");
    }
    format!("{message}.")
}

// The file as written, with the position of every value, before any check.

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    poll_interval: Option<Spanned<Value>>,
    history_keep: Option<Spanned<Value>>,
    ca_file: Option<Spanned<Value>>,
    proxy: Option<Spanned<Value>>,
    organizations: Option<List<RawOrganization>>,
    notifications: Option<RawNotifications>,
    sounds: Option<RawSounds>,
    hooks: Option<List<RawHook>>,
}

#[derive(serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "sounds must be a table; start it with one [sounds] line followed by its keys, such as critical = true"
)]
struct RawSounds {
    critical: Option<Spanned<Value>>,
    warning: Option<Spanned<Value>>,
    recovery: Option<Spanned<Value>>,
    priorities: Option<Spanned<Value>>,
    repeat: Option<Spanned<Value>>,
}

#[derive(serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "each entry of organizations must be a table; start each organization with its own [[organizations]] line"
)]
struct RawOrganization {
    name: Option<Spanned<Value>>,
    api_url: Option<Spanned<Value>>,
    id: Option<Spanned<Value>>,
    key: Option<Spanned<Value>>,
    key_env: Option<Spanned<Value>>,
    key_file: Option<Spanned<Value>>,
    key_keyring: Option<Spanned<Value>>,
    allowed_remote_hosts: Option<List<Value>>,
    proxy: Option<Spanned<Value>>,
    priority: Option<List<RawPriority>>,
}

#[derive(serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "each priority entry must be a table; write [[organizations.priority]] followed by pattern = \"*Playout*\" and level = \"on-air\""
)]
struct RawPriority {
    pattern: Option<Spanned<Value>>,
    level: Option<Spanned<Value>>,
}

#[derive(serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "notifications must be a table; start it with one [notifications] line (one pair of brackets) followed by its keys, such as redundancy = false"
)]
struct RawNotifications {
    dms_not_responding: Option<Spanned<Value>>,
    no_connection: Option<Spanned<Value>>,
    unknown: Option<Spanned<Value>>,
    back_online: Option<Spanned<Value>>,
    redundancy: Option<Spanned<Value>>,
    added_removed: Option<Spanned<Value>>,
    organization: Option<Spanned<Value>>,
    version: Option<Spanned<Value>>,
    flap_changes: Option<Spanned<Value>>,
    flap_window: Option<Spanned<Value>>,
    unreachable_after: Option<Spanned<Value>>,
    quiet_hours: Option<Spanned<Value>>,
}

/// A TOML array whose elements keep their positions, with an error message
/// that says how to write the array when something else was written.
pub(crate) struct List<T>(pub(crate) Vec<Spanned<T>>);

pub(crate) trait ListItem {
    const LIST_EXPECTING: &'static str;
}

impl ListItem for RawOrganization {
    const LIST_EXPECTING: &'static str = "organizations must be an array of tables; start each organization with its own [[organizations]] line (two pairs of brackets)";
}

impl ListItem for RawPriority {
    const LIST_EXPECTING: &'static str = "priority must be an array of tables; write each rule as [[organizations.priority]] (two pairs of brackets) after its organization, followed by pattern = \"*Playout*\" and level = \"on-air\"";
}

impl ListItem for Value {
    const LIST_EXPECTING: &'static str =
        "allowed_remote_hosts must be an array of strings, such as allowed_remote_hosts = [\"127.0.0.1:8080\"]";
}

impl<'de, T: Deserialize<'de> + ListItem> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de> + ListItem> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::LIST_EXPECTING)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }

        deserializer.deserialize_seq(ListVisitor(PhantomData))
    }
}

// The checks on the raw file.

/// A failed check: the byte offset of the offending text and the message.
pub(crate) struct Fail {
    pub(crate) at: usize,
    pub(crate) message: String,
}

pub(crate) fn fail<T>(value: &Spanned<T>, message: impl Into<String>) -> Fail {
    Fail { at: value.span().start, message: message.into() }
}

fn check(raw: RawConfig, path: &Path, text: &str) -> Result<Config, Fail> {
    let poll_interval = match &raw.poll_interval {
        Some(value) => poll_interval(value)?,
        None => DEFAULT_POLL_INTERVAL,
    };
    let history_keep = match &raw.history_keep {
        Some(value) => history_keep(value)?,
        None => DEFAULT_HISTORY_KEEP,
    };
    let config_dir = path.parent().unwrap_or(Path::new(""));
    let ca_file = match &raw.ca_file {
        Some(value) => Some(file_path(value, "ca_file", "ca_file = \"corporate-root.pem\"", config_dir)?),
        None => None,
    };
    let proxy = raw.proxy.as_ref().map(proxy_url).transpose()?;
    let mut first_line_of_id = HashMap::new();
    let mut organizations = Vec::new();
    for raw_org in raw.organizations.map(|list| list.0).unwrap_or_default() {
        let (org, id_at) = organization(&raw_org, config_dir)?;
        let line = line_at(text, id_at);
        if let Some(first_line) = first_line_of_id.insert(org.id, line) {
            return Err(Fail {
                at: id_at,
                message: format!(
                    "id \"{}\" is already used by the organization at line {first_line}; each organization may appear only once, so remove this [[organizations]] section or correct its id.",
                    org.id
                ),
            });
        }
        organizations.push(org);
    }
    let mut notifications = match &raw.notifications {
        Some(raw) => notifications(raw)?,
        None => AlertSettings::default(),
    };
    if let Some(raw) = &raw.sounds {
        notifications.sounds = sounds(raw)?;
    }
    let hooks = hooks(raw.hooks, &organizations, config_dir, text)?;
    let config = Config { poll_interval, history_keep, ca_file, proxy, organizations, notifications, hooks };
    match &raw.poll_interval {
        Some(value) if config.poll_interval < config.min_poll_interval() => Err(too_short(value)),
        _ => Ok(config),
    }
}

/// What kind of value was written, for "must be …, not {kind}".
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// The value as a string, or an error saying what to write instead.
pub(crate) fn string<'a>(value: &'a Spanned<Value>, what: &str, example: &str) -> Result<&'a str, Fail> {
    match value.get_ref() {
        Value::String(s) => Ok(s),
        other => {
            Err(fail(value, format!("{what} must be a string in double quotes, not {}; write {example}.", kind(other))))
        }
    }
}

/// A proxy's address: `http://` or `https://`, a host, and a port.
fn proxy_url(value: &Spanned<Value>) -> Result<Url, Fail> {
    let example = "proxy = \"http://proxy.example.com:3128\"";
    let text = string(value, "proxy", example)?;
    let url = Url::parse(text)
        .map_err(|e| fail(value, format!("proxy {text:?} is not a valid URL ({e}); write it like {example}.")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(fail(
            value,
            format!("proxy {text:?} is not an http:// or https:// proxy address; write it like {example}."),
        ));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(fail(
            value,
            format!("proxy {text:?} has a path; a proxy is a host and a port, such as {example}."),
        ));
    }
    Ok(url)
}

/// A path in the file: absolute, or relative to the file's folder.
fn file_path(value: &Spanned<Value>, key: &str, example: &str, config_dir: &Path) -> Result<PathBuf, Fail> {
    let file = string(value, key, example)?;
    if file.trim().is_empty() {
        return Err(fail(
            value,
            format!("{key} is empty; write the path of the file, such as {example} (relative to this file's folder)."),
        ));
    }
    if file.starts_with('~') {
        return Err(fail(value, format!("{key} {file:?} starts with ~, which is not expanded; write an absolute path or a path relative to this file's folder.")));
    }
    Ok(config_dir.join(file))
}

fn history_keep(value: &Spanned<Value>) -> Result<Duration, Fail> {
    let text = string(value, "history_keep", "history_keep = \"90days\"")?;
    let keep = humantime::parse_duration(text).map_err(|e| {
        fail(value, format!("history_keep {text:?} is not a duration ({e}); write a number with a unit, such as \"90days\" or \"1year\"."))
    })?;
    let (shortest, longest) = HISTORY_KEEP_RANGE;
    if keep < shortest || keep > longest {
        return Err(fail(
            value,
            format!(
                "history_keep {text:?} is outside {} to {}: the 7-day strips need a week of history; write \"90days\" (the default) or another length in that range.",
                humantime::format_duration(shortest),
                humantime::format_duration(longest)
            ),
        ));
    }
    Ok(keep)
}

/// A `poll_interval` below the floor of its organizations (checked once
/// they are known).
fn too_short(value: &Spanned<Value>) -> Fail {
    let text = value.get_ref().as_str().unwrap_or_default();
    fail(
        value,
        format!(
            "poll_interval {text:?} is shorter than the minimum of {min}s, which keeps dms-tray from overloading dataminer.services; write \"{min}s\" or more (the default is \"{default}s\"; an API on loopback, such as the simulator, may be polled every {loopback}s).",
            min = MIN_POLL_INTERVAL.as_secs(),
            default = DEFAULT_POLL_INTERVAL.as_secs(),
            loopback = MIN_POLL_INTERVAL_ON_LOOPBACK.as_secs(),
        ),
    )
}

fn poll_interval(value: &Spanned<Value>) -> Result<Duration, Fail> {
    let text = string(value, "poll_interval", "poll_interval = \"60s\"")?;
    let interval = humantime::parse_duration(text).map_err(|e| {
        fail(value, format!("poll_interval {text:?} is not a duration ({e}); write a number with a unit, such as \"60s\", \"5m\" or \"1m 30s\"."))
    })?;
    if interval < MIN_POLL_INTERVAL_ON_LOOPBACK {
        return Err(too_short(value));
    }
    if interval > MAX_POLL_INTERVAL {
        return Err(fail(
            value,
            format!(
                "poll_interval {text:?} is longer than the maximum of {max}, which keeps the states dms-tray shows from being days old; write \"{max}\" or less (the default is \"{default}s\").",
                max = humantime::format_duration(MAX_POLL_INTERVAL),
                default = DEFAULT_POLL_INTERVAL.as_secs(),
            ),
        ));
    }
    Ok(interval)
}

/// The checked organization and the offset of its id, for the duplicate check.
fn organization(raw: &Spanned<RawOrganization>, config_dir: &Path) -> Result<(OrganizationConfig, usize), Fail> {
    let org = raw.get_ref();
    let name = match &org.name {
        None => None,
        Some(value) => match string(value, "name", "name = \"Skyline\"")?.trim() {
            "" => {
                return Err(fail(value, "name is empty; write the name to show, such as name = \"Skyline\", or remove the line to use the organization name that dataminer.services reports."));
            }
            name => Some(name.to_owned()),
        },
    };
    let api_url_example = "api_url = \"https://api.example.com\"";
    let api_url = api_url(required(raw, &org.api_url, "api_url", api_url_example)?)?;
    let id_example = format!("id = \"{EXAMPLE_GUID}\"");
    let id_value = required(raw, &org.id, "id", &id_example)?;
    let id = guid(id_value)?;
    let key = key_source(raw, config_dir)?;
    let allowed_remote_hosts = match &org.allowed_remote_hosts {
        None => Vec::new(),
        Some(list) => list.0.iter().map(remote_host).collect::<Result<_, _>>()?,
    };
    let proxy = org.proxy.as_ref().map(proxy_url).transpose()?;
    let priority_rules = match &org.priority {
        None => Vec::new(),
        Some(list) => list.0.iter().map(priority_rule).collect::<Result<_, _>>()?,
    };
    let org = OrganizationConfig { name, api_url, id, key, allowed_remote_hosts, proxy, priority_rules };
    Ok((org, id_value.span().start))
}

fn required<'a>(
    raw: &Spanned<RawOrganization>,
    value: &'a Option<Spanned<Value>>,
    key: &str,
    example: &str,
) -> Result<&'a Spanned<Value>, Fail> {
    value.as_ref().ok_or_else(|| {
        fail(raw, format!("this organization has no {key}; add {example} to its [[organizations]] section."))
    })
}

fn api_url(value: &Spanned<Value>) -> Result<Url, Fail> {
    let text = string(value, "api_url", "api_url = \"https://api.example.com\"")?;
    check_api_url(text).map_err(|message| fail(value, format!("api_url {message}.")))
}

/// An API base address as the file or the Settings view gives it, or what
/// is wrong with it and what to write instead (without a final period).
pub fn check_api_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| {
        format!("{text:?} is not a valid URL ({e}); write a full https:// URL, such as \"https://api.example.com\"")
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!("{text:?} uses http:// on a host that is not loopback; write an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost)"));
        }
        scheme => {
            return Err(format!("{text:?} uses {scheme}://, which is not an HTTP address; write an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost)"));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{text:?} contains a user name or password; remove it and give the organization key with key, key_env, key_file or key_keyring"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{text:?} has a query or fragment (? or #), which an API base address cannot carry; write only the scheme, host, optional port and path, such as \"https://api.example.com\""));
    }
    Ok(url)
}

/// Whether `url` is on this machine: `localhost` or a loopback address.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

fn guid(value: &Spanned<Value>) -> Result<Uuid, Fail> {
    let example = format!("id = \"{EXAMPLE_GUID}\"");
    let text = string(value, "id", &example)?;
    check_guid(text).map_err(|message| fail(value, format!("id {message}.")))
}

/// An organization id as the file or the Settings view gives it, or what is
/// wrong with it (without a final period).
pub fn check_guid(text: &str) -> Result<Uuid, String> {
    Uuid::parse_str(text).map_err(|e| {
        format!("{text:?} is not a GUID ({e}); write the organization's GUID from dataminer.services, such as \"{EXAMPLE_GUID}\"")
    })
}

/// The longest keyring entry name `key_keyring` takes.
const MAX_KEYRING_NAME_CHARS: usize = 100;

fn key_source(raw: &Spanned<RawOrganization>, config_dir: &Path) -> Result<KeySource, Fail> {
    let org = raw.get_ref();
    let mut given: Vec<(&str, &Spanned<Value>)> =
        [("key", &org.key), ("key_env", &org.key_env), ("key_file", &org.key_file), ("key_keyring", &org.key_keyring)]
            .into_iter()
            .filter_map(|(key, value)| value.as_ref().map(|value| (key, value)))
            .collect();
    given.sort_by_key(|(_, value)| value.span().start);
    let (key, value) = match given[..] {
        [] => {
            return Err(fail(raw, "this organization has no key; add exactly one of key = \"<the organization key>\", key_env = \"VARIABLE\", key_file = \"path/to/key\" or key_keyring = \"NAME\" (stored with dms-tray key set) to its [[organizations]] section."));
        }
        [only] => only,
        [(first, _), (second, value), ..] => {
            return Err(fail(
                value,
                format!(
                    "this organization sets both {first} and {second}; keep exactly one of key, key_env, key_file and key_keyring."
                ),
            ));
        }
    };
    match key {
        "key" => match string(value, "key", "key = \"<the organization key>\"")?.trim() {
            "" => Err(fail(value, "key is empty; write the organization key between the quotes, or use key_env or key_file instead.")),
            key => Ok(KeySource::Inline(key.to_owned())),
        },
        "key_env" => match string(value, "key_env", "key_env = \"VARIABLE\"")?.trim() {
            "" => Err(fail(value, "key_env is empty; write the name of the environment variable that holds the key, such as key_env = \"DMS_TRAY_KEY\".")),
            name => Ok(KeySource::Env(name.to_owned())),
        },
        "key_keyring" => {
            let name = string(value, "key_keyring", "key_keyring = \"Skyline\"")?.trim();
            if name.is_empty() || name.chars().count() > MAX_KEYRING_NAME_CHARS || name.chars().any(char::is_control) {
                return Err(fail(value, format!("key_keyring {name:?} is not a keyring entry name; write 1 to {MAX_KEYRING_NAME_CHARS} printable characters, such as key_keyring = \"Skyline\", and store the key with: dms-tray key set Skyline.")));
            }
            Ok(KeySource::Keyring(name.to_owned()))
        }
        _ => {
            let file = string(value, "key_file", "key_file = \"path/to/key\"")?;
            if file.trim().is_empty() {
                return Err(fail(value, "key_file is empty; write the path of the file that holds the key, such as key_file = \"skyline.key\" (relative to this file's folder)."));
            }
            if file.starts_with('~') {
                return Err(fail(value, format!("key_file {file:?} starts with ~, which is not expanded; write an absolute path or a path relative to this file's folder.")));
            }
            Ok(KeySource::File(config_dir.join(file)))
        }
    }
}

/// One `[[organizations.priority]]` rule.
fn priority_rule(raw: &Spanned<RawPriority>) -> Result<PriorityRule, Fail> {
    let example = "[[organizations.priority]] with pattern = \"*Playout*\" and level = \"on-air\"";
    let rule = raw.get_ref();
    let pattern = rule.pattern.as_ref().ok_or_else(|| {
        fail(raw, format!("this priority rule has no pattern; write {example} (* matches any text, ? one character)."))
    })?;
    let pattern = string(pattern, "pattern", "pattern = \"*Playout*\"").and_then(|text| match text.trim() {
        "" => Err(fail(pattern, "pattern is empty; write the system names it applies to, such as pattern = \"*Playout*\" (* matches any text, ? one character).")),
        text => Ok(text.to_owned()),
    })?;
    let level =
        rule.level.as_ref().ok_or_else(|| fail(raw, format!("this priority rule has no level; write {example}.")))?;
    let key = string(level, "level", "level = \"on-air\"")?;
    let level = Priority::from_key(key).ok_or_else(|| {
        fail(level, format!("level {key:?} is not a priority; write \"on-air\", \"normal\" or \"lab\"."))
    })?;
    Ok(PriorityRule { pattern, level })
}

fn remote_host(value: &Spanned<Value>) -> Result<String, Fail> {
    let text = string(value, "each allowed_remote_hosts entry", "an entry such as \"127.0.0.1:8080\"")?;
    normalize_host_port(text).ok_or_else(|| {
        fail(value, format!("allowed_remote_hosts entry {text:?} is not a host or host:port; write only a host name or address with an optional port, such as \"127.0.0.1:8080\", \"dms.example.com\" or \"[::1]:8080\" (no scheme, path or wildcard)."))
    })
}

/// `host` or `host:port` in normalized form, or `None` when `text` is neither.
fn normalize_host_port(text: &str) -> Option<String> {
    if text.contains('*') {
        return None;
    }
    let (host, port) = match text.strip_prefix('[') {
        Some(rest) => {
            let (address, after) = rest.split_once(']')?;
            let port = if after.is_empty() { None } else { Some(after.strip_prefix(':')?) };
            (&text[..address.len() + 2], port)
        }
        None => match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        },
    };
    let host = Host::parse(host).ok()?;
    match port {
        None => Some(host.to_string()),
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{host}:{}", port.parse::<u16>().ok()?))
        }
        Some(_) => None,
    }
}

/// Reads quiet hours as written in the file or typed in the settings:
/// `"HH:MM-HH:MM"` in local time, which may span midnight ("22:00-07:00").
///
/// The error says what is wrong and what to write instead, without a final
/// period, so that callers can add to it.
pub fn parse_quiet_hours(text: &str) -> Result<(NaiveTime, NaiveTime), String> {
    let malformed = || {
        format!("{text:?} is not two times of day as HH:MM-HH:MM; write the start and the end in 24-hour time, such as \"22:00-07:00\"")
    };
    let (from, to) = text.split_once('-').ok_or_else(malformed)?;
    let from = time_of_day(from.trim()).ok_or_else(malformed)?;
    let to = time_of_day(to.trim()).ok_or_else(malformed)?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(format!("{text:?} names a time that is not on the clock (hours go from 00 to 23 and minutes from 00 to 59); write the start and the end in 24-hour time, such as \"22:00-07:00\" (midnight is 00:00)"));
    };
    if from == to {
        return Err(format!("{text:?} starts and ends at the same time, so it would be either no time or the whole day; write a different end, such as \"22:00-07:00\""));
    }
    Ok((from, to))
}

/// `HH:MM`, or `H:MM`: `None` when it is not written like that, `Some(None)`
/// when it is but names no time of day (such as 25:00).
fn time_of_day(text: &str) -> Option<Option<NaiveTime>> {
    let (hours, minutes) = text.split_once(':')?;
    let digits =
        |s: &str, lengths: RangeInclusive<usize>| lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours, 1..=2) || !digits(minutes, 2..=2) {
        return None;
    }
    Some(NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0))
}

/// Quiet hours as [`parse_quiet_hours`] reads them: `"22:00-07:00"`.
pub fn format_quiet_hours((from, to): (NaiveTime, NaiveTime)) -> String {
    format!("{}-{}", from.format("%H:%M"), to.format("%H:%M"))
}

fn notifications(raw: &RawNotifications) -> Result<AlertSettings, Fail> {
    let defaults = AlertSettings::default();
    let flag = |value: &Option<Spanned<Value>>, key: &str, default: bool| match value {
        Some(value) => boolean(value, key),
        None => Ok(default),
    };
    Ok(AlertSettings {
        dms_not_responding: flag(&raw.dms_not_responding, "dms_not_responding", defaults.dms_not_responding)?,
        no_connection: flag(&raw.no_connection, "no_connection", defaults.no_connection)?,
        unknown: flag(&raw.unknown, "unknown", defaults.unknown)?,
        back_online: flag(&raw.back_online, "back_online", defaults.back_online)?,
        redundancy: flag(&raw.redundancy, "redundancy", defaults.redundancy)?,
        added_removed: flag(&raw.added_removed, "added_removed", defaults.added_removed)?,
        organization: flag(&raw.organization, "organization", defaults.organization)?,
        version: flag(&raw.version, "version", defaults.version)?,
        flap_changes: match &raw.flap_changes {
            Some(value) => flap_changes(value, defaults.flap_changes)?,
            None => defaults.flap_changes,
        },
        flap_window: match &raw.flap_window {
            Some(value) => bounded_duration(value, "flap_window", FLAP_WINDOW_RANGE, defaults.flap_window)?,
            None => defaults.flap_window,
        },
        unreachable_after: match &raw.unreachable_after {
            Some(value) => {
                bounded_duration(value, "unreachable_after", UNREACHABLE_AFTER_RANGE, defaults.unreachable_after)?
            }
            None => defaults.unreachable_after,
        },
        quiet_hours: match &raw.quiet_hours {
            Some(value) => Some(quiet_hours(value)?),
            None => defaults.quiet_hours,
        },
        sounds: defaults.sounds,
    })
}

/// The `repeat` of `[sounds]`: from a minute to an hour, or "off".
pub const SOUND_REPEAT_RANGE: RangeInclusive<Duration> = Duration::from_secs(60)..=Duration::from_secs(60 * 60);

fn sounds(raw: &RawSounds) -> Result<SoundSettings, Fail> {
    let defaults = SoundSettings::default();
    let flag = |value: &Option<Spanned<Value>>, key: &str, default: bool| match value {
        Some(value) => boolean(value, key),
        None => Ok(default),
    };
    let priorities = match &raw.priorities {
        None => defaults.priorities,
        Some(value) => {
            let example = "priorities = [\"on-air\"]";
            let wrong = |what: &str| {
                fail(value, format!("priorities {what}; write a list of \"on-air\", \"normal\" and \"lab\", such as {example}, or [] for no sound."))
            };
            let Value::Array(items) = value.get_ref() else {
                return Err(wrong(&format!("must be a list, not {}", kind(value.get_ref()))));
            };
            items
                .iter()
                .map(|item| match item {
                    Value::String(key) => {
                        Priority::from_key(key).ok_or_else(|| wrong(&format!("has {key:?}, which is not a priority")))
                    }
                    other => Err(wrong(&format!("has {}, which is not a priority", kind(other)))),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    let repeat = match &raw.repeat {
        None => defaults.repeat,
        Some(value) if value.get_ref().as_str().is_some_and(|text| text.trim() == "off") => None,
        Some(value) => Some(bounded_duration(value, "repeat", SOUND_REPEAT_RANGE, chrono::Duration::minutes(5))?),
    };
    Ok(SoundSettings {
        critical: flag(&raw.critical, "critical", defaults.critical)?,
        warning: flag(&raw.warning, "warning", defaults.warning)?,
        recovery: flag(&raw.recovery, "recovery", defaults.recovery)?,
        priorities,
        repeat,
    })
}

fn boolean(value: &Spanned<Value>, key: &str) -> Result<bool, Fail> {
    match value.get_ref() {
        Value::Boolean(flag) => Ok(*flag),
        Value::String(text) if matches!(text.trim(), "true" | "false") => Err(fail(
            value,
            format!("{key} must be true or false without quotes, not a string; write {key} = {}.", text.trim()),
        )),
        other => Err(fail(
            value,
            format!(
                "{key} must be true or false, not {}; write {key} = true to be notified or {key} = false to stay quiet.",
                kind(other)
            ),
        )),
    }
}

fn flap_changes(value: &Spanned<Value>, default: usize) -> Result<usize, Fail> {
    let (min, max) = (FLAP_CHANGES_RANGE.start(), FLAP_CHANGES_RANGE.end());
    let count = match value.get_ref() {
        Value::Integer(count) => *count,
        other => {
            return Err(fail(
                value,
                format!(
                    "flap_changes must be a whole number without quotes, not {}; write flap_changes = {default}.",
                    kind(other)
                ),
            ));
        }
    };
    usize::try_from(count)
        .ok()
        .filter(|count| FLAP_CHANGES_RANGE.contains(count))
        .ok_or_else(|| {
            fail(value, format!("flap_changes = {count} is out of range; write a whole number from {min} to {max}: a system that changes state more often than this within flap_window is flapping (the default is {default})."))
        })
}

/// A humantime duration within `range`; `default` is named in the messages.
pub(crate) fn bounded_duration(
    value: &Spanned<Value>,
    key: &str,
    range: RangeInclusive<Duration>,
    default: chrono::Duration,
) -> Result<chrono::Duration, Fail> {
    let default = default.to_std().map(show_duration).unwrap_or_default();
    let (min, max) = (show_duration(*range.start()), show_duration(*range.end()));
    let text = string(value, key, &format!("{key} = \"{default}\""))?;
    let duration = humantime::parse_duration(text).map_err(|e| {
        fail(value, format!("{key} {text:?} is not a duration ({e}); write a number with a unit, such as \"{default}\", \"90s\" or \"1h 30m\"."))
    })?;
    if duration < *range.start() {
        return Err(fail(
            value,
            format!("{key} {text:?} is shorter than the minimum of {min}; write \"{min}\" or more, up to \"{max}\" (the default is \"{default}\")."),
        ));
    }
    if duration > *range.end() {
        return Err(fail(
            value,
            format!("{key} {text:?} is longer than the maximum of {max}; write \"{max}\" or less (the default is \"{default}\")."),
        ));
    }
    Ok(chrono::Duration::from_std(duration).expect("at most a day fits a chrono duration"))
}

/// A duration as the file would have it: whole hours as "24h" rather than
/// humantime's "1day".
fn show_duration(duration: Duration) -> String {
    match duration.as_secs() {
        secs if secs >= 3600 && secs % 3600 == 0 && duration.subsec_nanos() == 0 => {
            format!("{}h", secs / 3600)
        }
        _ => humantime::format_duration(duration).to_string(),
    }
}

fn quiet_hours(value: &Spanned<Value>) -> Result<(NaiveTime, NaiveTime), Fail> {
    let text = string(value, "quiet_hours", "quiet_hours = \"22:00-07:00\"")?;
    parse_quiet_hours(text)
        .map_err(|e| fail(value, format!("quiet_hours {e}, or remove the line to have no quiet hours.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/home/u/.config/dms-tray/config.toml";
    const ID: &str = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10";
    const OTHER_ID: &str = "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";

    fn ok(text: &str) -> Config {
        parse(Path::new(PATH), text).unwrap_or_else(|e| panic!("expected a valid configuration, got: {e}"))
    }

    /// Asserts that `text` fails at `line` with a message containing `phrase`,
    /// and that the whole error reads as one paragraph naming the file.
    fn assert_error(text: &str, line: usize, phrase: &str) -> ConfigError {
        let error = parse(Path::new(PATH), text).expect_err("expected a configuration error");
        let shown = error.to_string();
        assert_eq!(error.line, Some(line), "wrong line in: {shown}");
        assert!(shown.contains(phrase), "{shown:?} does not contain {phrase:?}");
        assert!(shown.starts_with(&format!("{PATH}, line {line}: ")), "{shown}");
        assert!(!shown.contains('\n'), "not one paragraph: {shown:?}");
        assert!(shown.ends_with('.'), "{shown}");
        error
    }

    /// One organization with `extra` lines; the section header is line 1.
    fn org(extra: &str) -> String {
        format!("[[organizations]]\napi_url = \"https://api.example.com\"\nid = \"{ID}\"\n{extra}\n")
    }

    fn org_with(api_url_and_id: &str, extra: &str) -> String {
        format!("[[organizations]]\n{api_url_and_id}\n{extra}\n")
    }

    fn remote_hosts(entries: &[&str]) -> OrganizationConfig {
        let list = entries.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join(", ");
        ok(&org(&format!("key = \"k\"\nallowed_remote_hosts = [{list}]"))).organizations.remove(0)
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn full_file() {
        let config = ok(&format!(
            r#"# dms-tray configuration
poll_interval = "2m 30s"

[[organizations]]
name = "Skyline"
api_url = "https://api.example.com/base/"
id = "{ID}"
key = "  secret  "
allowed_remote_hosts = ["127.0.0.1:8080", "DMS.Example.com", "[::1]:9000"]

[[organizations]]
api_url = "http://127.0.0.1:5000"
id = "{OTHER_ID}"
key_env = "DMS_KEY"
"#
        ));
        assert_eq!(
            config,
            Config {
                poll_interval: Duration::from_secs(150),
                history_keep: DEFAULT_HISTORY_KEEP,
                ca_file: None,
                proxy: None,
                organizations: vec![
                    OrganizationConfig {
                        name: Some("Skyline".into()),
                        api_url: url("https://api.example.com/base/"),
                        id: Uuid::parse_str(ID).unwrap(),
                        key: KeySource::Inline("secret".into()),
                        allowed_remote_hosts: vec![
                            "127.0.0.1:8080".into(),
                            "dms.example.com".into(),
                            "[::1]:9000".into()
                        ],
                        proxy: None,
                        priority_rules: vec![],
                    },
                    OrganizationConfig {
                        name: None,
                        api_url: url("http://127.0.0.1:5000/"),
                        id: Uuid::parse_str(OTHER_ID).unwrap(),
                        key: KeySource::Env("DMS_KEY".into()),
                        allowed_remote_hosts: vec![],
                        proxy: None,
                        priority_rules: vec![],
                    },
                ],
                notifications: AlertSettings::default(),
                hooks: vec![],
            }
        );
    }

    #[test]
    fn inline_tables_in_an_array_are_accepted() {
        let config =
            ok(&format!("organizations = [{{ api_url = \"https://api.example.com\", id = \"{ID}\", key = \"k\" }}]"));
        assert_eq!(config.organizations.len(), 1);
    }

    #[test]
    fn defaults() {
        assert_eq!(
            ok(""),
            Config {
                poll_interval: DEFAULT_POLL_INTERVAL,
                history_keep: DEFAULT_HISTORY_KEEP,
                ca_file: None,
                proxy: None,
                organizations: vec![],
                notifications: AlertSettings::default(),
                hooks: vec![],
            }
        );
        assert_eq!(DEFAULT_POLL_INTERVAL, Duration::from_secs(60));
        let config = ok(&org("key = \"k\""));
        assert_eq!(config.poll_interval, DEFAULT_POLL_INTERVAL);
        assert_eq!(config.organizations[0].name, None);
        assert!(config.organizations[0].allowed_remote_hosts.is_empty());
    }

    #[test]
    fn poll_interval_minimum_is_accepted() {
        assert_eq!(ok("poll_interval = \"5s\"").poll_interval, MIN_POLL_INTERVAL);
    }

    #[test]
    fn a_proxy_for_all_or_one_organization_but_never_for_loopback() {
        let config = ok(&format!(
            "proxy = \"http://proxy.example.com:3128\"\n\n[[organizations]]\napi_url = \"https://api.example.com\"\nid = \"{ID}\"\nkey = \"k\"\n\n\
             [[organizations]]\napi_url = \"https://api.example.com\"\nid = \"{OTHER_ID}\"\nkey = \"k\"\nproxy = \"https://own.example:8443\"\n\n\
             [[organizations]]\napi_url = \"http://127.0.0.1:8080\"\nid = \"7a1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f\"\nkey = \"k\"\nproxy = \"http://proxy.example.com:3128\"\n"
        ));
        let proxies: Vec<Option<&str>> =
            config.organizations.iter().map(|o| config.proxy_for(o).map(Url::as_str)).collect();
        assert_eq!(proxies, [Some("http://proxy.example.com:3128/"), Some("https://own.example:8443/"), None]);
        assert_error("proxy = \"socks5://127.0.0.1:1080\"", 1, "not an http:// or https:// proxy address");
        assert_error("proxy = \"http://proxy.example.com:3128/pac\"", 1, "has a path");
        assert_error("proxy = \"proxy:3128\"", 1, "not an http:// or https:// proxy address");
    }

    #[test]
    fn ca_file_is_a_path_relative_to_the_configuration() {
        assert_eq!(ok("ca_file = \"root.pem\"").ca_file, Some(PathBuf::from("/home/u/.config/dms-tray/root.pem")));
        assert_eq!(ok("ca_file = \"/etc/ssl/corp.pem\"").ca_file, Some(PathBuf::from("/etc/ssl/corp.pem")));
        assert_error("ca_file = \"~/root.pem\"", 1, "starts with ~");
        assert_error("ca_file = \"\"", 1, "ca_file is empty");
    }

    #[test]
    fn history_keep_is_a_length_of_a_week_or_more() {
        assert_eq!(ok("history_keep = \"1year\"").history_keep, Duration::from_secs(31_557_600));
        assert_eq!(ok("history_keep = \"7days\"").history_keep, Duration::from_secs(7 * 86_400));
        assert_error("history_keep = \"6days\"", 1, "outside 7days to 10years");
        assert_error("history_keep = \"forever\"", 1, "history_keep \"forever\" is not a duration");
        assert_error("history_keep = 90", 1, "history_keep");
    }

    #[test]
    fn poll_interval_above_maximum() {
        assert_eq!(ok("poll_interval = \"24h\"").poll_interval, MAX_POLL_INTERVAL);
        assert_error("poll_interval = \"24h 1s\"", 1, "longer than the maximum of 1day");
        assert_error("poll_interval = \"584542046090years\"", 1, "write \"1day\" or less");
    }

    #[test]
    fn poll_interval_below_minimum() {
        assert_error("\npoll_interval = \"4s\"", 2, "shorter than the minimum of 5s");
        assert_error("poll_interval = \"4999ms\"", 1, "write \"5s\" or more (the default is \"60s\";");
        assert_error("poll_interval = \"0s\"", 1, "shorter than the minimum");
    }

    #[test]
    fn apis_on_loopback_only_may_be_polled_every_second() {
        let loopback = "poll_interval = \"1s\"\n[[organizations]]\napi_url = \"http://127.0.0.1:8080\"\nid = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\nkey = \"k\"\n";
        let config = ok(loopback);
        assert_eq!(
            (config.poll_interval, config.min_poll_interval()),
            (Duration::from_secs(1), Duration::from_secs(1))
        );
        assert_error(&loopback.replace("\"1s\"", "\"999ms\""), 1, "shorter than the minimum of 5s");
        let with_real_api = loopback
            .replace("0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10", "00000000-0000-4000-8000-000000000001")
            + &org("key = \"k\"");
        assert_error(&with_real_api, 1, "an API on loopback, such as the simulator, may be polled every 1s");
        assert_error("poll_interval = \"1s\"", 1, "shorter than the minimum of 5s");
    }

    #[test]
    fn bad_duration() {
        assert_error("poll_interval = \"sixty\"", 1, "poll_interval \"sixty\" is not a duration");
        assert_error("poll_interval = \"60\"", 1, "such as \"60s\"");
    }

    #[test]
    fn poll_interval_of_wrong_type() {
        assert_error(
            "poll_interval = 60",
            1,
            "poll_interval must be a string in double quotes, not an integer; write poll_interval = \"60s\"",
        );
    }

    #[test]
    fn toml_syntax_errors() {
        assert_error("# comment\npoll_interval = 60s", 2, "not valid TOML");
        assert_error(&org("key = \"unterminated"), 4, "not valid TOML");
        assert_error(&org("key = \"a\"\nkey = \"b\""), 5, "duplicate key `key`; write each key only once");
        assert_error("[organizations]\n[[organizations]]", 2, "duplicate key `organizations`");
    }

    #[test]
    fn unknown_top_level_key() {
        assert_error(
            "poll_interval = \"60s\"\npoll_intervall = \"60s\"",
            2,
            "unknown key `poll_intervall`; the keys allowed here are `poll_interval`, `history_keep`, `ca_file`, `proxy`, `organizations`, `notifications`, `sounds`, `hooks`; remove it",
        );
        assert_error(&format!("[[organisations]]\nid = \"{ID}\""), 1, "unknown key `organisations`");
    }

    #[test]
    fn unknown_organization_key() {
        assert_error(
            &org("key = \"k\"\nurl = \"x\""),
            5,
            "unknown key `url`; the keys allowed here are `name`, `api_url`, `id`, `key`, `key_env`, `key_file`, `key_keyring`, `allowed_remote_hosts`",
        );
    }

    #[test]
    fn organizations_as_a_single_table() {
        assert_error(
            "\n[organizations]\nname = \"x\"",
            2,
            "wrong kind of value (table): organizations must be an array of tables",
        );
        assert_error("organizations = [1]", 1, "each entry of organizations must be a table");
    }

    #[test]
    fn bad_url() {
        assert_error(
            &org_with("api_url = \"api.example.com\"", ""),
            2,
            "api_url \"api.example.com\" is not a valid URL",
        );
        assert_error(&org_with("api_url = \"https://\"", ""), 2, "is not a valid URL");
        assert_error(&org_with("api_url = \"ftp://api.example.com\"", ""), 2, "uses ftp://");
        assert_error(&org_with("api_url = \"https://user:pw@api.example.com\"", ""), 2, "user name or password");
        assert_error(&org_with("api_url = \"https://api.example.com/?a=b\"", ""), 2, "query or fragment");
        assert_error(&org_with("api_url = 3", ""), 2, "api_url must be a string");
    }

    #[test]
    fn http_on_a_non_loopback_host() {
        let text = format!("# dms-tray\n\npoll_interval = \"60s\"\n\n[[organizations]]\nname = \"x\"\napi_url = \"http://api.example\"\nid = \"{ID}\"\nkey = \"k\"\n");
        let error = assert_error(&text, 7, "not loopback");
        assert_eq!(
            error.to_string(),
            "/home/u/.config/dms-tray/config.toml, line 7: api_url \"http://api.example\" uses http:// on a host that is not loopback; write an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost)."
        );
        assert_error(&org_with("api_url = \"http://10.0.0.1\"", ""), 2, "not loopback");
        assert_error(&org_with("api_url = \"http://localhost.example.com\"", ""), 2, "not loopback");
        assert_error(&org_with("api_url = \"http://[::ffff:127.0.0.1]\"", ""), 2, "not loopback");
    }

    #[test]
    fn http_on_loopback() {
        for api_url in [
            "http://127.0.0.1:8080",
            "http://127.5.6.7/",
            "http://[::1]:8080/api",
            "http://localhost",
            "http://LOCALHOST:1",
        ] {
            let config = ok(&org_with(&format!("api_url = \"{api_url}\"\nid = \"{ID}\""), "key = \"k\""));
            assert_eq!(config.organizations[0].api_url.scheme(), "http", "{api_url}");
        }
    }

    #[test]
    fn bad_guid() {
        assert_error(
            &org_with("api_url = \"https://a.example\"\nid = \"not-a-guid\"", "key = \"k\""),
            3,
            "id \"not-a-guid\" is not a GUID",
        );
        assert_error(&org_with("api_url = \"https://a.example\"\nid = 12", "key = \"k\""), 3, "id must be a string");
    }

    #[test]
    fn missing_api_url_or_id() {
        assert_error(
            &format!("poll_interval = \"60s\"\n[[organizations]]\nid = \"{ID}\"\nkey = \"k\""),
            2,
            "this organization has no api_url; add api_url = ",
        );
        assert_error("[[organizations]]\napi_url = \"https://a.example\"\nkey = \"k\"", 1, "has no id; add id = ");
    }

    #[test]
    fn zero_key_sources() {
        assert_error(&format!("\n\n{}", org("name = \"x\"")), 3, "has no key; add exactly one of key");
    }

    #[test]
    fn two_or_three_key_sources() {
        assert_error(
            &org("key_file = \"k\"\nkey = \"k\""),
            5,
            "sets both key_file and key; keep exactly one of key, key_env, key_file and key_keyring",
        );
        assert_error(&org("key = \"k\"\nkey_env = \"K\"\nkey_file = \"f\""), 5, "sets both key and key_env");
    }

    #[test]
    fn empty_keys() {
        assert_error(&org("key = \"\""), 4, "key is empty");
        assert_error(&org("key = \"   \""), 4, "key is empty");
        assert_error(&org("key_env = \"\""), 4, "key_env is empty");
        assert_error(&org("key_file = \"\""), 4, "key_file is empty");
        assert_error(&org("key = 1234"), 4, "key must be a string");
        assert_error(&org("key_file = \"~/dms.key\""), 4, "starts with ~");
    }

    #[test]
    fn blank_name() {
        assert_error(&org("key = \"k\"\nname = \" \""), 5, "name is empty");
        assert_error(&org("key = \"k\"\nname = true"), 5, "name must be a string in double quotes, not a boolean");
    }

    #[test]
    fn duplicate_organization_id() {
        let text = format!("{}\n{}", org("key = \"k\""), org("key = \"other\""));
        assert_error(&text, 8, &format!("id \"{ID}\" is already used by the organization at line 3"));
        let upper = format!(
            "{}\n[[organizations]]\napi_url = \"https://b.example\"\nid = \"{}\"\nkey = \"k\"",
            org("key = \"k\""),
            ID.to_uppercase()
        );
        assert_error(&upper, 8, "already used");
    }

    #[test]
    fn bad_allowed_remote_hosts() {
        let multi_line =
            org("key = \"k\"\nallowed_remote_hosts = [\n  \"127.0.0.1:8080\",\n  \"https://dms.example.com/\",\n]");
        assert_error(&multi_line, 7, "entry \"https://dms.example.com/\" is not a host or host:port");
        for entry in [
            "",
            "*.example.com",
            "dms.example.com/path",
            "user@dms.example.com",
            "dms.example.com:",
            "dms.example.com:99999",
            "dms.example.com:+80",
            "::1",
            "[::1",
            "[::1]8080",
            "a b",
        ] {
            assert_error(
                &org(&format!("key = \"k\"\nallowed_remote_hosts = [{entry:?}]")),
                5,
                "is not a host or host:port",
            );
        }
        assert_error(
            &org("key = \"k\"\nallowed_remote_hosts = \"127.0.0.1\""),
            5,
            "allowed_remote_hosts must be an array of strings",
        );
        assert_error(
            &org("key = \"k\"\nallowed_remote_hosts = [8080]"),
            5,
            "each allowed_remote_hosts entry must be a string",
        );
    }

    fn time(hours: u32, minutes: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hours, minutes, 0).unwrap()
    }

    /// A `[notifications]` table with `lines` after an organization; the
    /// table's header is line 6 and its first key line 7.
    fn notifications(lines: &str) -> String {
        format!("{}\n[notifications]\n{lines}\n", org("key = \"k\""))
    }

    #[test]
    fn notifications_table() {
        let config = ok(&notifications(
            r#"dms_not_responding = false   # too noisy
no_connection = true
unknown = false
back_online = false
redundancy = false
added_removed = false
organization = false
version = false
flap_changes = 10
flap_window = "1h"
unreachable_after = "0s"
quiet_hours = "22:00-07:30""#,
        ));
        assert_eq!(
            config.notifications,
            AlertSettings {
                dms_not_responding: false,
                no_connection: true,
                unknown: false,
                back_online: false,
                redundancy: false,
                added_removed: false,
                organization: false,
                version: false,
                flap_changes: 10,
                flap_window: chrono::Duration::hours(1),
                unreachable_after: chrono::Duration::zero(),
                quiet_hours: Some((time(22, 0), time(7, 30))),
                sounds: SoundSettings::default(),
            }
        );
        assert_eq!(config.organizations.len(), 1);
    }

    #[test]
    fn notifications_before_organizations_and_inline() {
        let config = ok(&format!("[notifications]\nredundancy = false\n\n{}", org("key = \"k\"")));
        assert!(!config.notifications.redundancy);
        assert_eq!(config.organizations.len(), 1);
        let config = ok("notifications = { unknown = false, flap_window = \"20m\" }");
        assert!(!config.notifications.unknown);
        assert_eq!(config.notifications.flap_window, chrono::Duration::minutes(20));
    }

    #[test]
    fn notifications_defaults() {
        assert_eq!(ok("").notifications, AlertSettings::default());
        assert_eq!(ok("[notifications]").notifications, AlertSettings::default());
        let config = ok(&notifications("quiet_hours = \"23:00-06:00\""));
        assert_eq!(
            config.notifications,
            AlertSettings { quiet_hours: Some((time(23, 0), time(6, 0))), ..AlertSettings::default() }
        );
    }

    #[test]
    fn notifications_limits_are_accepted() {
        for (line, changes) in [("flap_changes = 1", 1), ("flap_changes = 100", 100)] {
            assert_eq!(ok(&notifications(line)).notifications.flap_changes, changes);
        }
        let window = |text: &str| ok(&notifications(&format!("flap_window = \"{text}\""))).notifications.flap_window;
        assert_eq!(window("1m"), chrono::Duration::minutes(1));
        assert_eq!(window("24h"), chrono::Duration::hours(24));
        let after =
            |text: &str| ok(&notifications(&format!("unreachable_after = \"{text}\""))).notifications.unreachable_after;
        assert_eq!(after("0s"), chrono::Duration::zero());
        assert_eq!(after("1m 30s"), chrono::Duration::seconds(90));
        assert_eq!(after("1day"), chrono::Duration::hours(24));
    }

    #[test]
    fn unknown_notifications_key() {
        assert_error(
            &notifications("redundancy = false\nquiet_hour = \"22:00-07:00\""),
            8,
            "unknown key `quiet_hour`; the keys allowed here are `dms_not_responding`, `no_connection`, `unknown`, `back_online`, `redundancy`, `added_removed`, `organization`, `version`, `flap_changes`, `flap_window`, `unreachable_after`, `quiet_hours`; remove it or correct its spelling",
        );
        assert_error("[notifications.unknown]\nenabled = false", 1, "unknown must be true or false, not a table");
    }

    #[test]
    fn notifications_of_wrong_kind() {
        assert_error(
            "\nnotifications = true",
            2,
            "wrong kind of value (boolean `true`): notifications must be a table; start it with one [notifications] line",
        );
        assert_error(
            "[[notifications]]\nunknown = false",
            1,
            "wrong kind of value (array): notifications must be a table; start it with one [notifications] line (one pair of brackets)",
        );
        assert_error("notifications = []", 1, "wrong kind of value (array)");
    }

    #[test]
    fn notification_switch_of_wrong_type() {
        assert_error(
            &notifications("redundancy = \"false\""),
            7,
            "redundancy must be true or false without quotes, not a string; write redundancy = false",
        );
        assert_error(
            &notifications("back_online = true\nunknown = 0"),
            8,
            "unknown must be true or false, not an integer; write unknown = true to be notified or unknown = false to stay quiet",
        );
        assert_error(&notifications("organization = \"yes\""), 7, "organization must be true or false, not a string");
    }

    #[test]
    fn priority_rules_are_read_in_order() {
        let text = org("key = \"k\"\n[[organizations.priority]]\npattern = \"*Playout*\"\nlevel = \"on-air\"\n\n[[organizations.priority]]\npattern = \"Lab-?\"\nlevel = \"lab\"");
        let rules = &ok(&text).organizations[0].priority_rules;
        assert_eq!(
            rules,
            &vec![
                PriorityRule { pattern: "*Playout*".into(), level: Priority::OnAir },
                PriorityRule { pattern: "Lab-?".into(), level: Priority::Lab },
            ]
        );
        assert_eq!(ok(&org("key = \"k\"")).organizations[0].priority_rules, vec![]);
    }

    #[test]
    fn priority_rule_errors() {
        let rule = |lines: &str| org(&format!("key = \"k\"\n[[organizations.priority]]\n{lines}"));
        assert_error(
            &rule("pattern = \"*Playout*\"\nlevel = \"urgent\""),
            7,
            "level \"urgent\" is not a priority; write \"on-air\", \"normal\" or \"lab\"",
        );
        assert_error(
            &rule("level = \"lab\""),
            5,
            "this priority rule has no pattern; write [[organizations.priority]]",
        );
        assert_error(&rule("pattern = \"Lab*\""), 5, "this priority rule has no level");
        assert_error(&rule("pattern = \" \"\nlevel = \"lab\""), 6, "pattern is empty");
        assert_error(
            &rule("pattern = 3\nlevel = \"lab\""),
            6,
            "pattern must be a string in double quotes, not an integer",
        );
        assert_error(&rule("pattern = \"x\"\nlevel = \"lab\"\ncolour = \"red\""), 8, "unknown key `colour`");
        assert_error(
            &org("key = \"k\"\npriority = \"on-air\""),
            5,
            "priority must be an array of tables; write each rule as [[organizations.priority]]",
        );
    }

    #[test]
    fn sounds_are_read_with_their_defaults() {
        assert_eq!(ok("").notifications.sounds, SoundSettings::default());
        let sounds = ok("[sounds]\nrecovery = false\npriorities = [\"on-air\", \"normal\"]\nrepeat = \"10m\"")
            .notifications
            .sounds;
        assert_eq!(
            sounds,
            SoundSettings {
                recovery: false,
                priorities: vec![Priority::OnAir, Priority::Normal],
                repeat: Some(chrono::Duration::minutes(10)),
                ..SoundSettings::default()
            }
        );
        let quiet = ok("[sounds]\npriorities = []\nrepeat = \"off\"").notifications.sounds;
        assert_eq!((quiet.priorities, quiet.repeat), (vec![], None));
    }

    #[test]
    fn sound_errors() {
        assert_error(
            "[sounds]\npriorities = [\"loud\"]",
            2,
            "priorities has \"loud\", which is not a priority; write a list of \"on-air\", \"normal\" and \"lab\"",
        );
        assert_error("[sounds]\npriorities = \"on-air\"", 2, "priorities must be a list, not a string");
        assert_error("[sounds]\nrepeat = \"10s\"", 2, "repeat \"10s\" is shorter than the minimum of 1m");
        assert_error("[sounds]\ncritical = \"yes\"", 2, "critical must be true or false");
        assert_error("[sounds]\nvolume = 3", 2, "unknown key `volume`");
    }

    #[test]
    fn flap_changes_errors() {
        assert_error(
            &notifications("flap_changes = \"4\""),
            7,
            "flap_changes must be a whole number without quotes, not a string; write flap_changes = 4",
        );
        assert_error(&notifications("flap_changes = 4.5"), 7, "not a number");
        for count in ["0", "101", "-1", "99999999999999"] {
            assert_error(
                &notifications(&format!("\nflap_changes = {count}")),
                8,
                &format!("flap_changes = {count} is out of range; write a whole number from 1 to 100"),
            );
        }
    }

    #[test]
    fn flap_window_errors() {
        assert_error(
            &notifications("flap_window = \"59s\""),
            7,
            "flap_window \"59s\" is shorter than the minimum of 1m; write \"1m\" or more, up to \"24h\" (the default is \"15m\")",
        );
        assert_error(
            &notifications("flap_window = \"25h\""),
            7,
            "flap_window \"25h\" is longer than the maximum of 24h; write \"24h\" or less (the default is \"15m\")",
        );
        assert_error(&notifications("flap_window = \"soon\""), 7, "flap_window \"soon\" is not a duration");
        assert_error(
            &notifications("flap_window = 15"),
            7,
            "flap_window must be a string in double quotes, not an integer; write flap_window = \"15m\"",
        );
    }

    #[test]
    fn unreachable_after_errors() {
        assert_error(
            &notifications("unreachable_after = \"2days\""),
            7,
            "unreachable_after \"2days\" is longer than the maximum of 24h; write \"24h\" or less (the default is \"3m\")",
        );
        assert_error(&notifications("unreachable_after = \"3\""), 7, "unreachable_after \"3\" is not a duration");
        assert_error(
            &notifications("unreachable_after = true"),
            7,
            "unreachable_after must be a string in double quotes, not a boolean",
        );
    }

    #[test]
    fn quiet_hours_errors() {
        for text in
            ["22-7", "22:00", "22:00-", "2200-0700", "22:00-07", "22.00-07.00", "22:00-07:00-08:00", "22:0-07:00", ""]
        {
            assert_error(
                &notifications(&format!("quiet_hours = {text:?}")),
                7,
                &format!("quiet_hours {text:?} is not two times of day as HH:MM-HH:MM; write the start and the end in 24-hour time, such as \"22:00-07:00\", or remove the line to have no quiet hours"),
            );
        }
        for text in ["25:00-07:00", "22:00-24:00", "22:60-07:00"] {
            assert_error(
                &notifications(&format!("quiet_hours = {text:?}")),
                7,
                &format!("quiet_hours {text:?} names a time that is not on the clock"),
            );
        }
        assert_error(
            &notifications("quiet_hours = \"07:00-07:00\""),
            7,
            "quiet_hours \"07:00-07:00\" starts and ends at the same time",
        );
        assert_error(
            &notifications("quiet_hours = [\"22:00\", \"07:00\"]"),
            7,
            "quiet_hours must be a string in double quotes, not an array; write quiet_hours = \"22:00-07:00\"",
        );
    }

    #[test]
    fn quiet_hours_round_trip() {
        assert_eq!(parse_quiet_hours("22:00-07:00"), Ok((time(22, 0), time(7, 0))));
        assert_eq!(parse_quiet_hours("9:15 - 17:45"), Ok((time(9, 15), time(17, 45))));
        assert_eq!(parse_quiet_hours("00:00-23:59"), Ok((time(0, 0), time(23, 59))));
        assert_eq!(format_quiet_hours((time(22, 0), time(7, 5))), "22:00-07:05");
        assert_eq!(format_quiet_hours((time(9, 15), time(17, 45))), "09:15-17:45");
        for text in ["22:00-07:00", "00:00-23:59", "13:30-14:00"] {
            assert_eq!(format_quiet_hours(parse_quiet_hours(text).unwrap()), text);
        }
        let error = parse_quiet_hours("22-7").unwrap_err();
        assert!(error.starts_with("\"22-7\" is not two times of day"), "{error}");
        assert!(!error.ends_with('.'), "{error}");
    }

    #[test]
    fn error_without_a_line() {
        let error = ConfigError { path: PathBuf::from("/c.toml"), line: None, message: "broken.".into() };
        assert_eq!(error.to_string(), "/c.toml: broken.");
    }

    #[test]
    fn relative_key_file_is_resolved_against_the_config_directory() {
        let config = ok(&org("key_file = \"keys/skyline.key\""));
        assert_eq!(
            config.organizations[0].key,
            KeySource::File(PathBuf::from("/home/u/.config/dms-tray/keys/skyline.key"))
        );

        let absolute = if cfg!(windows) { r"C:\keys\skyline.key" } else { "/keys/skyline.key" };
        let config = ok(&org(&format!("key_file = '{absolute}'")));
        assert_eq!(config.organizations[0].key, KeySource::File(PathBuf::from(absolute)));

        let config = parse(Path::new("config.toml"), &org("key_file = \"k.key\"")).unwrap();
        assert_eq!(config.organizations[0].key, KeySource::File(PathBuf::from("k.key")));
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn no_file(path: &Path) -> io::Result<String> {
        panic!("unexpected read of {}", path.display())
    }

    fn no_keyring(name: &str) -> Result<Option<String>, String> {
        panic!("unexpected keyring lookup of {name}")
    }

    #[test]
    fn resolve_keyring() {
        let keyring = |name: &str| match name {
            "Skyline" => Ok(Some("abc\n".to_owned())),
            "Locked" => Err("the collection is locked".to_owned()),
            _ => Ok(None),
        };
        let source = |name: &str| KeySource::Keyring(name.into());
        assert_eq!(source("Skyline").resolve(no_env, no_file, keyring).unwrap(), "abc");

        let missing = source("Other").resolve(no_env, no_file, keyring).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "the keyring holds no key named \"Other\" (key_keyring); store it with: dms-tray key set 'Other'"
        );
        let locked = source("Locked").resolve(no_env, no_file, keyring).unwrap_err();
        assert!(
            locked.to_string().starts_with(
                "cannot read the key named \"Locked\" (key_keyring) from the keyring: the collection is locked; check"
            ),
            "{locked}"
        );
    }

    #[test]
    fn key_keyring_names_an_entry() {
        assert_eq!(ok(&org("key_keyring = \" Skyline \"")).organizations[0].key, KeySource::Keyring("Skyline".into()));
        assert_error(&org("key_keyring = \"\""), 4, "key_keyring \"\" is not a keyring entry name");
        assert_error(&org("key_keyring = \"a\\u0007b\""), 4, "is not a keyring entry name");
        assert_error(&org("key_keyring = \"K\"\nkey = \"k\""), 5, "sets both key_keyring and key");
        assert_eq!(format!("{:?}", KeySource::Keyring("K".into())), "Keyring(\"K\")");
    }

    #[test]
    fn resolve_inline_and_env() {
        assert_eq!(KeySource::Inline("abc".into()).resolve(no_env, no_file, no_keyring).unwrap(), "abc");
        let env = |name: &str| (name == "DMS_KEY").then(|| " abc\n".to_owned());
        assert_eq!(KeySource::Env("DMS_KEY".into()).resolve(env, no_file, no_keyring).unwrap(), "abc");

        let missing = KeySource::Env("DMS_OTHER".into()).resolve(env, no_file, no_keyring).unwrap_err();
        assert!(matches!(missing, KeyError::EnvNotSet { .. }));
        assert!(
            missing.to_string().contains("environment variable DMS_OTHER named by key_env is not set"),
            "{missing}"
        );

        let empty = KeySource::Env("E".into()).resolve(|_| Some(" ".into()), no_file, no_keyring).unwrap_err();
        assert!(empty.to_string().contains("environment variable E named by key_env is empty"), "{empty}");
    }

    #[test]
    fn resolve_file() {
        let path = PathBuf::from("/k/skyline.key");
        let read = |p: &Path| {
            assert_eq!(p, Path::new("/k/skyline.key"));
            Ok("abc123\r\n".to_owned())
        };
        assert_eq!(KeySource::File(path.clone()).resolve(no_env, read, no_keyring).unwrap(), "abc123");

        let unreadable = KeySource::File(path.clone())
            .resolve(no_env, |_| Err(io::Error::new(io::ErrorKind::NotFound, "not found")), no_keyring)
            .unwrap_err();
        assert!(matches!(unreadable, KeyError::FileUnreadable { .. }));
        assert!(
            unreadable
                .to_string()
                .contains(&format!("cannot read the key file {} named by key_file (not found)", path.display())),
            "{unreadable}"
        );

        let empty = KeySource::File(path.clone()).resolve(no_env, |_| Ok("\n".into()), no_keyring).unwrap_err();
        assert!(empty.to_string().contains("is empty"), "{empty}");
    }

    #[test]
    fn debug_does_not_show_an_inline_key() {
        let config = ok(&org("key = \"top-secret\""));
        let shown = format!("{config:?}");
        assert!(!shown.contains("top-secret"), "{shown}");
        assert!(shown.contains("Inline(<redacted>)"), "{shown}");
        assert_eq!(format!("{:?}", KeySource::Env("K".into())), "Env(\"K\")");
    }

    #[test]
    fn remote_access_hosts_are_allowed_over_https_only() {
        let org = remote_hosts(&[]);
        assert!(org.allows_remote_host(&url("https://ziine-skyline.on.dataminer.services/")));
        assert!(org.allows_remote_host(&url("https://ZIINE.On.DataMiner.Services/monitoring?x=1")));
        assert!(!org.allows_remote_host(&url("http://ziine.on.dataminer.services/")));
        assert!(!org.allows_remote_host(&url("https://on.dataminer.services/")));
        assert!(!org.allows_remote_host(&url("https://evil.example/?x=.on.dataminer.services")));
        assert!(!org.allows_remote_host(&url("https://evil.example/#.on.dataminer.services")));
        assert!(!org.allows_remote_host(&url("https://on.dataminer.services.evil.example/")));
        assert!(!org.allows_remote_host(&url("https://ziine.on.dataminer.services@evil.example/")));
        assert!(!org.allows_remote_host(&url("https://ziine.on.dataminer.services.evil.example/")));
        assert!(!org.allows_remote_host(&url("https://evilon.dataminer.services/")));
        assert!(!org.allows_remote_host(&url("javascript:alert(1)//.on.dataminer.services")));
        assert!(!org.allows_remote_host(&url("file://x.on.dataminer.services/etc/passwd")));
        assert!(!org.allows_remote_host(&url("ftp://x.on.dataminer.services/")));
    }

    #[test]
    fn listed_hosts_are_allowed_over_http_and_https() {
        let org = remote_hosts(&["127.0.0.1:8080", "DMS.example.com", "[::1]:9000", "secure.example.com:443"]);
        assert_eq!(
            org.allowed_remote_hosts,
            ["127.0.0.1:8080", "dms.example.com", "[::1]:9000", "secure.example.com:443"]
        );

        assert!(org.allows_remote_host(&url("http://127.0.0.1:8080/dms")));
        assert!(org.allows_remote_host(&url("https://127.0.0.1:8080/")));
        assert!(!org.allows_remote_host(&url("http://127.0.0.1:8081/")));
        assert!(!org.allows_remote_host(&url("http://127.0.0.1/")));

        assert!(org.allows_remote_host(&url("http://dms.example.com/")));
        assert!(org.allows_remote_host(&url("https://DMS.EXAMPLE.COM:8443/")));
        assert!(!org.allows_remote_host(&url("https://other.dms.example.com/")));
        assert!(!org.allows_remote_host(&url("https://dms.example.com.evil.example/")));

        assert!(org.allows_remote_host(&url("http://[::1]:9000/")));
        assert!(!org.allows_remote_host(&url("http://[::1]:9001/")));

        assert!(org.allows_remote_host(&url("https://secure.example.com/")));
        assert!(!org.allows_remote_host(&url("http://secure.example.com/")));

        assert!(!org.allows_remote_host(&url("ftp://dms.example.com/")));
        assert!(!org.allows_remote_host(&url("file://dms.example.com/x")));
        assert!(!org.allows_remote_host(&url("ws://dms.example.com/")));
    }
}
