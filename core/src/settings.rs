//! The Settings view's model: what it shows (poll interval, start at login,
//! notification choices, where each organization's key comes from) and how
//! its choices become alert settings, with every mistake named by the field
//! it concerns.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::alerts::AlertSettings;
use crate::config::{check_api_url, check_guid, format_quiet_hours, parse_quiet_hours, KeySource, OrganizationConfig};
use crate::config_edit::{parse_poll_interval, OrganizationDraft};
use crate::ipc::{Field, RequestError};
use crate::keys::{checked_key, PastedKey};
use crate::poll::{PollErrorKind, PollOutcome};
use crate::wording::capitalized;

/// What the Settings view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsModel {
    pub poll_interval: String,
    pub autostart: bool,
    pub config_path: String,
    /// False in the demo, which has no configuration file to write.
    pub editable: bool,
    /// Why the settings cannot be saved, when they cannot.
    pub reason: Option<String>,
    pub notifications: NotificationChoices,
    /// Where each organization's key comes from; never the key itself.
    pub keys: Vec<OrganizationKey>,
}

/// An organization's line in the organizations part of the Settings view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationKey {
    pub organization_id: uuid::Uuid,
    pub name: String,
    /// Where its key comes from, in words: "the keyring (Skyline)".
    pub from: String,
    /// The name the file gives it (`None`: the API's), for the edit form.
    pub configured_name: Option<String>,
    pub api_url: String,
}

impl OrganizationKey {
    /// `organization`'s line, under the name the user sees for it.
    pub fn of(organization: &OrganizationConfig, name: String) -> Self {
        let from = match &organization.key {
            KeySource::Inline(_) => "the configuration file (key)".to_owned(),
            KeySource::Env(variable) => format!("the environment variable {variable} (key_env)"),
            KeySource::File(path) => format!("the file {} (key_file)", path.display()),
            KeySource::Keyring(entry) => format!("the keyring, as \"{entry}\" (key_keyring)"),
        };
        OrganizationKey {
            organization_id: organization.id,
            name,
            from,
            configured_name: organization.name.clone(),
            api_url: organization.api_url.to_string(),
        }
    }
}

/// The notification switches as the Settings view shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationChoices {
    pub dms_not_responding: bool,
    pub no_connection: bool,
    pub unknown: bool,
    pub back_online: bool,
    pub redundancy: bool,
    pub added_removed: bool,
    pub organization: bool,
    pub version: bool,
    /// "22:00-07:00", or empty for none.
    pub quiet_hours: String,
}

impl NotificationChoices {
    pub fn of(settings: &AlertSettings) -> Self {
        NotificationChoices {
            dms_not_responding: settings.dms_not_responding,
            no_connection: settings.no_connection,
            unknown: settings.unknown,
            back_online: settings.back_online,
            redundancy: settings.redundancy,
            added_removed: settings.added_removed,
            organization: settings.organization,
            version: settings.version,
            quiet_hours: settings.quiet_hours.map(format_quiet_hours).unwrap_or_default(),
        }
    }

    /// `base` with these choices.
    pub fn apply(&self, base: &AlertSettings) -> Result<AlertSettings, RequestError> {
        let quiet = self.quiet_hours.trim();
        let quiet_hours = if quiet.is_empty() {
            None
        } else {
            Some(
                parse_quiet_hours(quiet)
                    .map_err(|e| RequestError::of(Field::QuietHours, format!("Quiet hours: {e}")))?,
            )
        };
        Ok(AlertSettings {
            dms_not_responding: self.dms_not_responding,
            no_connection: self.no_connection,
            unknown: self.unknown,
            back_online: self.back_online,
            redundancy: self.redundancy,
            added_removed: self.added_removed,
            organization: self.organization,
            version: self.version,
            quiet_hours,
            ..base.clone()
        })
    }
}

/// A key as pasted in the Settings view, trimmed, or why it cannot be one.
pub fn pasted_key(text: &str) -> Result<PastedKey, RequestError> {
    checked_key(text).map(|key| PastedKey(key.to_owned())).map_err(|e| RequestError::of(Field::Key, capitalized(&e)))
}

/// An organization as typed in the Settings view, with each mistake named
/// by its field. An empty name means "the name dataminer.services reports".
pub fn organization_draft(name: &str, api_url: &str, id: &str) -> Result<OrganizationDraft, RequestError> {
    let name = name.trim();
    if name.chars().any(char::is_control) || name.chars().count() > MAX_NAME_CHARS {
        return Err(RequestError::of(
            Field::OrganizationName,
            format!("Name: write at most {MAX_NAME_CHARS} printable characters, or leave it empty for the name dataminer.services reports"),
        ));
    }
    let api_url =
        check_api_url(api_url.trim()).map_err(|e| RequestError::of(Field::ApiUrl, format!("API URL: {e}")))?;
    let id =
        check_guid(id.trim()).map_err(|e| RequestError::of(Field::OrganizationId, format!("Organization id: {e}")))?;
    Ok(OrganizationDraft { name: (!name.is_empty()).then(|| name.to_owned()), api_url, id })
}

/// The longest organization name the Settings view takes.
const MAX_NAME_CHARS: usize = 100;

/// What "Test connection" found, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    pub connected: bool,
    pub message: String,
}

/// One poll's outcome as "Test connection" says it: connected with how
/// many systems, the key rejected, the API unreachable, a certificate
/// problem, and so on.
pub fn connection_test(outcome: &PollOutcome) -> ConnectionTest {
    let failed =
        |headline: &str, detail: &str| ConnectionTest { connected: false, message: format!("{headline}: {detail}") };
    match outcome {
        PollOutcome::Fresh { document, .. } => {
            let n = document.systems.len();
            ConnectionTest {
                connected: true,
                message: format!(
                    "Connected to {} with {n} system{}",
                    document.organization.name,
                    if n == 1 { "" } else { "s" }
                ),
            }
        }
        PollOutcome::NotModified { .. } => ConnectionTest { connected: true, message: "Connected".into() },
        PollOutcome::Failed(error) => match error.kind {
            PollErrorKind::KeyRejected => failed("Key rejected", &error.message),
            PollErrorKind::PermissionMissing => failed("The key lacks a permission", &error.message),
            PollErrorKind::BadRequest | PollErrorKind::OrganizationNotFound | PollErrorKind::WrongOrganization => {
                failed("Check the organization id", &error.message)
            }
            PollErrorKind::Network if error.message.to_lowercase().contains("certificate") => {
                failed("Certificate problem", &error.message)
            }
            PollErrorKind::Network | PollErrorKind::Timeout => failed("Cannot reach the API", &error.message),
            _ => failed("The API answered, but not with the systems", &error.message),
        },
    }
}

/// The poll interval as typed in the Settings view, no shorter than `floor`
/// ([`crate::config::Config::min_poll_interval`]).
pub fn poll_interval(text: &str, floor: Duration) -> Result<Duration, RequestError> {
    parse_poll_interval(text, floor).map_err(|e| RequestError::of(Field::PollInterval, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MIN_POLL_INTERVAL;

    #[test]
    fn an_organization_s_fields_are_checked_one_by_one() {
        let id = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10";
        let draft = organization_draft("  Skyline ", " https://api.example/ ", id).unwrap();
        assert_eq!(draft.name.as_deref(), Some("Skyline"));
        assert_eq!(draft.api_url.as_str(), "https://api.example/");
        assert_eq!(organization_draft("", "https://api.example", id).unwrap().name, None);
        let field = |r: Result<OrganizationDraft, RequestError>| r.unwrap_err().field;
        assert_eq!(field(organization_draft("x", "http://api.example", id)), Some(Field::ApiUrl));
        assert_eq!(field(organization_draft("x", "api.example", id)), Some(Field::ApiUrl));
        assert_eq!(field(organization_draft("x", "https://api.example", "12")), Some(Field::OrganizationId));
        assert_eq!(field(organization_draft("a\nb", "https://api.example", id)), Some(Field::OrganizationName));
        let message = organization_draft("x", "https://api.example", "12").unwrap_err().message;
        assert!(message.starts_with("Organization id: \"12\" is not a GUID"), "{message}");
    }

    #[test]
    fn a_connection_test_says_what_it_found_in_words() {
        use crate::poll::PollError;
        use crate::view::tests::{fresh, system};
        let connected = connection_test(&fresh(vec![system(1, "Ziine", crate::api::ApiState::Ok)]));
        assert_eq!(connected, ConnectionTest { connected: true, message: "Connected to Skyline with 1 system".into() });
        let failed = |kind, message: &str| {
            connection_test(&PollOutcome::Failed(PollError { kind, message: message.into(), retry_after: None }))
        };
        let cases = [
            (
                PollErrorKind::KeyRejected,
                "the organization key was rejected (401)",
                "Key rejected: the organization key was rejected (401)",
            ),
            (
                PollErrorKind::Network,
                "cannot reach api.example: connection refused",
                "Cannot reach the API: cannot reach api.example: connection refused",
            ),
            (
                PollErrorKind::Network,
                "cannot reach api.example: invalid peer certificate: UnknownIssuer",
                "Certificate problem: cannot reach api.example: invalid peer certificate: UnknownIssuer",
            ),
            (
                PollErrorKind::OrganizationNotFound,
                "no such organization (404)",
                "Check the organization id: no such organization (404)",
            ),
        ];
        for (kind, detail, said) in cases {
            assert_eq!(failed(kind, detail), ConnectionTest { connected: false, message: said.into() });
        }
    }

    #[test]
    fn choices_round_trip_and_keep_the_rest() {
        let base = AlertSettings { flap_changes: 7, ..AlertSettings::default() };
        let mut choices = NotificationChoices::of(&base);
        assert_eq!(choices.quiet_hours, "");
        choices.redundancy = false;
        choices.quiet_hours = "22:00-07:00".into();
        let applied = choices.apply(&base).unwrap();
        assert!(!applied.redundancy);
        assert_eq!(applied.flap_changes, 7);
        assert_eq!(NotificationChoices::of(&applied), choices);
        choices.quiet_hours = "22-7".into();
        let error = choices.apply(&base).unwrap_err();
        assert_eq!(error.field, Some(Field::QuietHours));
        assert!(error.message.starts_with("Quiet hours: "), "{}", error.message);
    }

    #[test]
    fn a_key_line_says_where_the_key_comes_from_and_never_the_key() {
        let text = "[[organizations]]\napi_url = \"https://a.example\"\nid = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\nkey = \"s3cret\"\n";
        let config = crate::config::parse(std::path::Path::new("c.toml"), text).unwrap();
        let mut organization = config.organizations[0].clone();
        let line = OrganizationKey::of(&organization, "Skyline".into());
        assert_eq!(line.from, "the configuration file (key)");
        assert!(!serde_json::to_string(&line).unwrap().contains("s3cret"));
        organization.key = KeySource::Keyring("Skyline".into());
        assert_eq!(
            OrganizationKey::of(&organization, "Skyline".into()).from,
            "the keyring, as \"Skyline\" (key_keyring)"
        );
        assert_eq!(pasted_key(" a1 \n").unwrap(), PastedKey("a1".into()));
        let refused = pasted_key("a 1").unwrap_err();
        assert_eq!(refused.field, Some(Field::Key));
        assert!(refused.message.starts_with("The key holds a space"), "{}", refused.message);
        organization.key = KeySource::Env("K".into());
        assert_eq!(OrganizationKey::of(&organization, "Skyline".into()).from, "the environment variable K (key_env)");
    }

    #[test]
    fn a_bad_poll_interval_names_its_field() {
        assert_eq!(poll_interval(" 2m ", MIN_POLL_INTERVAL).unwrap(), Duration::from_secs(120));
        let error = poll_interval("1s", MIN_POLL_INTERVAL).unwrap_err();
        assert_eq!(error.field, Some(Field::PollInterval));
        assert!(error.message.contains("shorter than 5s"), "{}", error.message);
        let error = poll_interval("2days", MIN_POLL_INTERVAL).unwrap_err();
        assert_eq!(error.field, Some(Field::PollInterval));
        assert!(error.message.contains("longer than 1day"), "{}", error.message);
    }
}
