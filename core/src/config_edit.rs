//! Changes the configuration file the way a careful person would: only the
//! setting asked for, keeping every comment, blank line and the order of the
//! user's file (toml_edit), and never producing a file that does not parse.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveTime;
use toml_edit::{value, DocumentMut, Item, Table};

use crate::alerts::AlertSettings;
use crate::config::{self, MAX_POLL_INTERVAL};

/// Reads a poll interval as typed in the settings ("30s", "2m"), with the
/// same floor as the configuration file (`floor`: 5 s, or 1 s when every
/// API is on loopback).
pub fn parse_poll_interval(text: &str, floor: Duration) -> Result<Duration, String> {
    let text = text.trim();
    let interval = humantime::parse_duration(text)
        .map_err(|e| format!("\"{text}\" is not a duration ({e}); write it like \"60s\" or \"2m\""))?;
    if interval < floor {
        let floor = humantime::format_duration(floor);
        return Err(format!("\"{text}\" is shorter than {floor}; dms-tray polls at most every {floor}"));
    }
    if interval > MAX_POLL_INTERVAL {
        return Err(format!(
            "\"{text}\" is longer than {}; dms-tray polls at least once a day",
            humantime::format_duration(MAX_POLL_INTERVAL)
        ));
    }
    Ok(interval)
}

/// The file's text with `poll_interval` set to `interval`, checked by
/// parsing the result as a configuration.
pub fn set_poll_interval(path: &Path, text: &str, interval: Duration) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let formatted = humantime::format_duration(interval).to_string();
    match document.get_mut("poll_interval").and_then(|item| item.as_value_mut()) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = formatted.into();
            *old.decor_mut() = decor;
        }
        None => {
            document.insert("poll_interval", value(formatted));
            // A new top-level key must come before the first table to stay top-level;
            // toml_edit places it there when the document is written.
        }
    }
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

/// The file's text with the `[notifications]` table saying `settings`,
/// checked by parsing the result as a configuration.
///
/// Only keys whose value differs from what the file has (its value, or the
/// default when the key is left out) are written: a changed value keeps its
/// comments and spacing, a new key is added at the end of the table, the
/// table is created at the end of the file when a key must be written and it
/// has none, and `quiet_hours` is removed when `settings` has none. A file
/// that already says `settings` comes back unchanged, even when it writes a
/// value differently ("900s" for "15m") or leaves defaults out.
pub fn set_notifications(path: &Path, text: &str, settings: &AlertSettings) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let defaults = notification_keys(&AlertSettings::default())?;
    let wanted = notification_keys(settings)?;
    let table = document.get("notifications");
    if table.is_some_and(|table| table.as_table_like().is_none()) {
        // Not a table: the file's own error says best how to correct it.
        return Err(match config::parse(path, text) {
            Err(e) => e.to_string(),
            Ok(_) => format!("{}: notifications is not a table", path.display()),
        });
    }
    let in_file = |key: &str| table.and_then(Item::as_table_like).and_then(|table| table.get(key));
    let changes: Vec<(&str, Option<toml_edit::Value>)> = wanted
        .iter()
        .zip(&defaults)
        .filter(|((key, setting), (_, default))| {
            let has = match in_file(key) {
                Some(item) => setting.read_like(item),
                None => Some(default.clone()),
            };
            has.as_ref() != Some(setting)
        })
        .map(|((key, setting), _)| (*key, setting.to_value()))
        .collect();
    if changes.is_empty() {
        config::parse(path, text).map_err(|e| e.to_string())?;
        return Ok(text.to_owned());
    }

    if !document.contains_key("notifications") {
        document.insert("notifications", Item::Table(Table::new()));
    }
    let table = document["notifications"].as_table_like_mut().expect("checked or inserted as a table above");
    let adds_keys = changes.iter().any(|(key, new)| new.is_some() && table.get(key).and_then(Item::as_value).is_none());
    for (key, new) in changes {
        match (new, table.get_mut(key).and_then(|item| item.as_value_mut())) {
            (None, _) => {
                table.remove(key);
            }
            (Some(new), Some(old)) => {
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
            (Some(new), None) => {
                table.insert(key, Item::Value(new));
            }
        }
    }
    if adds_keys {
        // notifications = { … } holds no comments; respace it around the new keys.
        if let Some(inline) = document["notifications"].as_inline_table_mut() {
            inline.fmt();
        }
    }
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

/// The file's text with the organization `id` taking its key from the
/// keyring entry `name` (`key_keyring`), in place of its `key`, `key_env`
/// or `key_file`; checked by parsing the result as a configuration. The
/// new line takes the place of the one it replaces.
pub fn use_keyring(path: &Path, text: &str, id: uuid::Uuid, name: &str) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let organization = organization_mut(path, &mut document, id)?;
    let old = std::mem::take(organization);
    let mut placed = false;
    for name_in_file in old.iter().map(|(key, _)| key.to_owned()).collect::<Vec<_>>() {
        let (key, item) = old.get_key_value(&name_in_file).expect("listed just above");
        if !["key", "key_env", "key_file", "key_keyring"].contains(&name_in_file.as_str()) {
            organization.insert_formatted(key, item.clone());
        } else if !placed {
            // The first key line becomes the key_keyring line, with its comments.
            let mut line = toml_edit::Key::new("key_keyring");
            *line.leaf_decor_mut() = key.leaf_decor().clone();
            let mut new = toml_edit::Value::from(name);
            if let Some(old_value) = item.as_value() {
                *new.decor_mut() = old_value.decor().clone();
            }
            organization.insert_formatted(&line, Item::Value(new));
            placed = true;
        }
    }
    if !placed {
        organization.insert("key_keyring", value(name));
    }
    *organization.decor_mut() = old.decor().clone();
    organization.set_position(old.position());
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

/// What the Settings view says of an organization: its name (`None`: the
/// name the API reports), its API and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationDraft {
    pub name: Option<String>,
    pub api_url: url::Url,
    pub id: uuid::Uuid,
}

/// The `[[organizations]]` section of organization `id`.
fn organization_mut<'a>(path: &Path, document: &'a mut DocumentMut, id: uuid::Uuid) -> Result<&'a mut Table, String> {
    document
        .get_mut("organizations")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|organizations| organizations.iter_mut().find(|table| id_of(table) == Some(id)))
        .ok_or_else(|| format!("{}: no [[organizations]] section has the id {id}", path.display()))
}

fn id_of(table: &Table) -> Option<uuid::Uuid> {
    table.get("id").and_then(Item::as_str).and_then(|text| uuid::Uuid::parse_str(text.trim()).ok())
}

/// Sets `key` to `new` in `table`, keeping the line's comments, or removes
/// it when `new` is `None`.
fn set_or_remove(table: &mut Table, key: &str, new: Option<toml_edit::Value>) {
    match (new, table.get_mut(key).and_then(Item::as_value_mut)) {
        (None, _) => {
            table.remove(key);
        }
        (Some(mut new), Some(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        (Some(new), None) => {
            table.insert(key, Item::Value(new));
        }
    }
}

/// The file's text with a new `[[organizations]]` section at its end for
/// `draft`, its key in the keyring entry `keyring`; checked by parsing.
pub fn add_organization(path: &Path, text: &str, draft: &OrganizationDraft, keyring: &str) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let mut table = Table::new();
    if let Some(name) = &draft.name {
        table.insert("name", value(name.as_str()));
    }
    table.insert("api_url", value(draft.api_url.as_str()));
    table.insert("id", value(draft.id.to_string()));
    table.insert("key_keyring", value(keyring));
    match document.get_mut("organizations") {
        None => {
            document.insert("organizations", Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
        }
        Some(item) if item.as_array_of_tables().is_none() => {
            return Err(format!("{}: organizations is not a list of [[organizations]] sections", path.display()));
        }
        Some(_) => {}
    }
    document["organizations"].as_array_of_tables_mut().expect("made a list above").push(table);
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

/// The file's text with organization `id` named, addressed and identified
/// as `draft` says; its key, remote hosts, proxy and priority rules stay.
pub fn edit_organization(path: &Path, text: &str, id: uuid::Uuid, draft: &OrganizationDraft) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let table = organization_mut(path, &mut document, id)?;
    set_or_remove(table, "name", draft.name.as_deref().map(toml_edit::Value::from));
    set_or_remove(table, "api_url", Some(draft.api_url.as_str().into()));
    set_or_remove(table, "id", Some(draft.id.to_string().into()));
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

/// The file's text without organization `id`'s section.
pub fn remove_organization(path: &Path, text: &str, id: uuid::Uuid) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let organizations = document
        .get_mut("organizations")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| format!("{}: no [[organizations]] section has the id {id}", path.display()))?;
    let before = organizations.len();
    organizations.retain(|table| id_of(table) != Some(id));
    if organizations.len() == before {
        return Err(format!("{}: no [[organizations]] section has the id {id}", path.display()));
    }
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

/// One `[notifications]` value, in the form it is compared in.
#[derive(Debug, Clone, PartialEq)]
enum Setting {
    Switch(bool),
    Count(i64),
    Duration(Duration),
    QuietHours(Option<(NaiveTime, NaiveTime)>),
}

impl Setting {
    /// What the file's `item` says, read as the same kind of setting, or
    /// `None` when it says nothing readable as such.
    fn read_like(&self, item: &Item) -> Option<Setting> {
        let value = item.as_value()?;
        match self {
            Setting::Switch(_) => value.as_bool().map(Setting::Switch),
            Setting::Count(_) => value.as_integer().map(Setting::Count),
            Setting::Duration(_) => humantime::parse_duration(value.as_str()?).ok().map(Setting::Duration),
            Setting::QuietHours(_) => {
                config::parse_quiet_hours(value.as_str()?).ok().map(|hours| Setting::QuietHours(Some(hours)))
            }
        }
    }

    /// The value to write, or `None` for a key to remove.
    fn to_value(&self) -> Option<toml_edit::Value> {
        Some(match self {
            Setting::Switch(on) => (*on).into(),
            Setting::Count(count) => (*count).into(),
            Setting::Duration(duration) => humantime::format_duration(*duration).to_string().into(),
            Setting::QuietHours(hours) => config::format_quiet_hours((*hours)?).into(),
        })
    }
}

/// The keys of `[notifications]` in the order the file documents them.
fn notification_keys(settings: &AlertSettings) -> Result<Vec<(&'static str, Setting)>, String> {
    let duration = |key: &str, duration: chrono::Duration| {
        duration.to_std().map(Setting::Duration).map_err(|_| format!("{key} cannot be negative"))
    };
    let flap_changes = i64::try_from(settings.flap_changes)
        .map_err(|_| format!("flap_changes {} is too large", settings.flap_changes))?;
    Ok(vec![
        ("dms_not_responding", Setting::Switch(settings.dms_not_responding)),
        ("no_connection", Setting::Switch(settings.no_connection)),
        ("unknown", Setting::Switch(settings.unknown)),
        ("back_online", Setting::Switch(settings.back_online)),
        ("redundancy", Setting::Switch(settings.redundancy)),
        ("added_removed", Setting::Switch(settings.added_removed)),
        ("organization", Setting::Switch(settings.organization)),
        ("version", Setting::Switch(settings.version)),
        ("flap_changes", Setting::Count(flap_changes)),
        ("flap_window", duration("flap_window", settings.flap_window)?),
        ("unreachable_after", duration("unreachable_after", settings.unreachable_after)?),
        ("quiet_hours", Setting::QuietHours(settings.quiet_hours)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MIN_POLL_INTERVAL;

    const FILE: &str = "# My organizations\n\
poll_interval = \"60s\"   # once a minute\n\
\n\
[[organizations]]\n\
# production\n\
api_url = \"https://api.example\"\n\
id = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\n\
key_env = \"DMS_KEY\"\n";

    fn draft(name: Option<&str>, api_url: &str, id: u128) -> OrganizationDraft {
        OrganizationDraft {
            name: name.map(str::to_owned),
            api_url: api_url.parse().unwrap(),
            id: uuid::Uuid::from_u128(id),
        }
    }

    #[test]
    fn organizations_are_added_edited_and_removed_with_the_file_s_comments_kept() {
        let path = Path::new("c.toml");
        let added = add_organization(path, FILE, &draft(Some("Lab"), "https://lab.example/", 7), "Lab").unwrap();
        assert!(added.starts_with(FILE), "the file is kept as it was: {added}");
        assert!(
            added.ends_with(&format!(
                "[[organizations]]\nname = \"Lab\"\napi_url = \"https://lab.example/\"\nid = \"{}\"\nkey_keyring = \"Lab\"\n",
                uuid::Uuid::from_u128(7)
            )),
            "{added}"
        );
        let config = config::parse(path, &added).unwrap();
        assert_eq!(config.organizations[1].key, config::KeySource::Keyring("Lab".into()));

        let first = uuid::Uuid::parse_str("0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10").unwrap();
        let edited =
            edit_organization(path, &added, first, &draft(Some("Production"), "https://prod.example/", 9)).unwrap();
        assert!(edited.contains("# production\napi_url = \"https://prod.example/\"\n"), "comments stay: {edited}");
        assert!(edited.contains("key_env = \"DMS_KEY\""), "its key stays: {edited}");
        let config = config::parse(path, &edited).unwrap();
        assert_eq!(config.organizations[0].name.as_deref(), Some("Production"));
        assert_eq!(config.organizations[0].id, uuid::Uuid::from_u128(9));
        let unnamed =
            edit_organization(path, &edited, uuid::Uuid::from_u128(9), &draft(None, "https://prod.example/", 9));
        assert!(!unnamed.unwrap().contains("Production"), "no name: the API's");

        let removed = remove_organization(path, &edited, uuid::Uuid::from_u128(7)).unwrap();
        assert!(!removed.contains("Lab"), "{removed}");
        assert!(removed.starts_with("# My organizations\n"));
        assert!(remove_organization(path, &removed, uuid::Uuid::from_u128(7))
            .unwrap_err()
            .contains("no [[organizations]] section has the id"));
        let twice = add_organization(path, &removed, &draft(None, "https://x.example/", 9), "X").unwrap_err();
        assert!(twice.contains("is already used by the organization"), "{twice}");
    }

    #[test]
    fn the_first_organization_makes_a_file_of_its_own() {
        let path = Path::new("c.toml");
        let text = add_organization(path, "", &draft(None, "http://127.0.0.1:8080/", 1), "Skyline").unwrap();
        let config = config::parse(path, &text).unwrap();
        assert_eq!(config.organizations.len(), 1);
        assert_eq!(config.organizations[0].name, None);
    }

    #[test]
    fn keeps_comments_and_layout() {
        let edited = set_poll_interval(Path::new("c.toml"), FILE, Duration::from_secs(30)).unwrap();
        assert_eq!(edited, FILE.replace("\"60s\"", "\"30s\""));
    }

    #[test]
    fn adds_the_setting_at_the_top_level_when_missing() {
        let without = FILE.replace("poll_interval = \"60s\"   # once a minute\n", "");
        let edited = set_poll_interval(Path::new("c.toml"), &without, Duration::from_secs(120)).unwrap();
        let config = config::parse(Path::new("c.toml"), &edited).unwrap();
        assert_eq!(config.poll_interval, Duration::from_secs(120));
        assert!(edited.contains("# production"));
        assert_eq!(config.organizations.len(), 1);
    }

    #[test]
    fn refuses_a_broken_file_and_does_not_write_it() {
        let broken = format!("{FILE}\nkee = 1\n");
        assert!(set_poll_interval(Path::new("c.toml"), &broken, Duration::from_secs(30)).is_err());
    }

    const NOTIFICATIONS: &str = "\n\
# What to be told about\n\
[notifications]\n\
redundancy = false      # gateways come and go\n\
# the night shift has its own pager\n\
quiet_hours = \"22:00-07:00\"\n\
flap_window = \"900s\"\n";

    fn time(hours: u32, minutes: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hours, minutes, 0).unwrap()
    }

    fn notifications_of(text: &str) -> AlertSettings {
        config::parse(Path::new("c.toml"), text).unwrap().notifications
    }

    #[test]
    fn notifications_keep_comments_and_change_only_what_differs() {
        let file = format!("{FILE}{NOTIFICATIONS}");
        let settings = AlertSettings {
            redundancy: true,
            quiet_hours: Some((time(23, 30), time(6, 0))),
            ..notifications_of(&file)
        };
        let edited = set_notifications(Path::new("c.toml"), &file, &settings).unwrap();
        assert_eq!(
            edited,
            file.replace("redundancy = false", "redundancy = true").replace("\"22:00-07:00\"", "\"23:30-06:00\"")
        );
        assert!(edited.contains("flap_window = \"900s\""), "{edited}");
        assert_eq!(notifications_of(&edited), settings);
    }

    #[test]
    fn notifications_add_missing_keys_to_the_table() {
        let file = format!("{FILE}{NOTIFICATIONS}");
        let settings = AlertSettings {
            unknown: false,
            flap_changes: 8,
            unreachable_after: chrono::Duration::seconds(90),
            ..notifications_of(&file)
        };
        let edited = set_notifications(Path::new("c.toml"), &file, &settings).unwrap();
        assert_eq!(edited, format!("{file}unknown = false\nflap_changes = 8\nunreachable_after = \"1m 30s\"\n"));
        assert_eq!(notifications_of(&edited), settings);
    }

    #[test]
    fn notifications_table_is_created_when_missing() {
        let settings = AlertSettings {
            back_online: false,
            flap_window: chrono::Duration::hours(1),
            quiet_hours: Some((time(22, 0), time(7, 0))),
            ..AlertSettings::default()
        };
        let edited = set_notifications(Path::new("c.toml"), FILE, &settings).unwrap();
        assert_eq!(
            edited,
            format!(
                "{FILE}\n[notifications]\nback_online = false\nflap_window = \"1h\"\nquiet_hours = \"22:00-07:00\"\n"
            )
        );
        let config = config::parse(Path::new("c.toml"), &edited).unwrap();
        assert_eq!(config.notifications, settings);
        assert_eq!(config.organizations.len(), 1);
        assert_eq!(config.poll_interval, Duration::from_secs(60));

        let edited = set_notifications(Path::new("c.toml"), "", &settings).unwrap();
        assert_eq!(notifications_of(&edited), settings);
    }

    #[test]
    fn quiet_hours_are_removed_when_none() {
        let file = format!("{FILE}{NOTIFICATIONS}");
        let settings = AlertSettings { quiet_hours: None, ..notifications_of(&file) };
        let edited = set_notifications(Path::new("c.toml"), &file, &settings).unwrap();
        assert_eq!(edited, file.replace("# the night shift has its own pager\nquiet_hours = \"22:00-07:00\"\n", ""));
        assert_eq!(notifications_of(&edited), settings);
        // Nothing to remove when the file has no quiet hours.
        assert_eq!(set_notifications(Path::new("c.toml"), &edited, &settings).unwrap(), edited);
    }

    #[test]
    fn notifications_leave_the_file_unchanged_when_nothing_differs() {
        let path = Path::new("c.toml");
        assert_eq!(set_notifications(path, FILE, &AlertSettings::default()).unwrap(), FILE);
        let file = format!("{FILE}{NOTIFICATIONS}");
        assert_eq!(set_notifications(path, &file, &notifications_of(&file)).unwrap(), file);
        // Defaults written out stay written out, in the user's own spelling.
        let explicit = format!("{FILE}\n[notifications]\nunknown = true\nflap_window = \"15 min\"\n");
        assert_eq!(set_notifications(path, &explicit, &AlertSettings::default()).unwrap(), explicit);
    }

    #[test]
    fn notifications_in_other_table_forms() {
        let settings = AlertSettings { unknown: false, redundancy: false, ..AlertSettings::default() };
        let inline = "notifications = { unknown = true }\n";
        let edited = set_notifications(Path::new("c.toml"), inline, &settings).unwrap();
        assert_eq!(edited, "notifications = { unknown = false, redundancy = false }\n");
        let dotted = "notifications.unknown = true # for now\n";
        let edited = set_notifications(Path::new("c.toml"), dotted, &settings).unwrap();
        assert_eq!(edited, "notifications.unknown = false # for now\nnotifications.redundancy = false\n");
    }

    #[test]
    fn notifications_refuse_what_would_not_parse() {
        let path = Path::new("c.toml");
        let not_a_table = set_notifications(path, "notifications = 3\n", &AlertSettings::default()).unwrap_err();
        assert!(not_a_table.contains("c.toml, line 1: wrong kind of value"), "{not_a_table}");
        let broken = format!("{FILE}\nkee = 1\n");
        assert!(set_notifications(path, &broken, &AlertSettings::default()).is_err());
        let too_often = AlertSettings { flap_changes: 0, ..AlertSettings::default() };
        let error = set_notifications(path, FILE, &too_often).unwrap_err();
        assert!(error.contains("flap_changes = 0 is out of range"), "{error}");
        let negative = AlertSettings { flap_window: chrono::Duration::minutes(-1), ..AlertSettings::default() };
        assert!(set_notifications(path, FILE, &negative).unwrap_err().contains("flap_window cannot be negative"));
        assert!(set_notifications(path, "[notifications\n", &AlertSettings::default()).is_err());
    }

    #[test]
    fn reads_intervals_as_typed() {
        let floor = MIN_POLL_INTERVAL;
        assert_eq!(parse_poll_interval(" 2m ", floor), Ok(Duration::from_secs(120)));
        assert_eq!(parse_poll_interval("5s", floor), Ok(Duration::from_secs(5)));
        assert!(parse_poll_interval("4s", floor).unwrap_err().contains("shorter than 5s"));
        assert_eq!(parse_poll_interval("1s", Duration::from_secs(1)), Ok(Duration::from_secs(1)));
        assert!(parse_poll_interval("often", floor).unwrap_err().contains("\"often\" is not a duration"));
    }

    #[test]
    fn a_key_moves_to_the_keyring_in_the_same_place_with_its_comments() {
        let id: uuid::Uuid = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10".parse().unwrap();
        let path = Path::new("c.toml");
        let edited = use_keyring(path, FILE, id, "Production").unwrap();
        assert_eq!(edited, FILE.replace("key_env = \"DMS_KEY\"", "key_keyring = \"Production\""));

        let inline = format!("{FILE}# lab\n[[organizations]]\napi_url = \"https://lab\"\nid = \"{}\"\nkey = \"secret\"  # for now\nname = \"Lab\"\n", uuid::Uuid::nil());
        let edited = use_keyring(path, &inline, uuid::Uuid::nil(), "Lab").unwrap();
        assert!(edited.ends_with("# lab\n[[organizations]]\napi_url = \"https://lab\"\nid = \"00000000-0000-0000-0000-000000000000\"\nkey_keyring = \"Lab\"  # for now\nname = \"Lab\"\n"), "{edited}");
        assert!(!edited.contains("secret"));
        assert!(edited.starts_with(FILE), "the other organization is untouched: {edited}");

        let error = use_keyring(path, FILE, uuid::Uuid::nil(), "X").unwrap_err();
        assert_eq!(error, "c.toml: no [[organizations]] section has the id 00000000-0000-0000-0000-000000000000");
    }
}
