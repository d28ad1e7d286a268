//! The one message set between the monitor (`dms-tray`) and the popup
//! (`dms-tray-popup`), and its framing: one JSON document per line over a
//! channel private to the user. Both binaries speak it through these types
//! only, so that what the popup receives is exactly what the monitor sends;
//! the UI suite's fixtures are generated from them too.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::history::{HistoryEntry, Strip};
use crate::keys::PastedKey;
use crate::popup::PopupModel;
use crate::priority::Priority;
use crate::remote::RemoteApp;
use crate::settings::{ConnectionTest, NotificationChoices, SettingsModel};

/// The longest line either side accepts: a popup model of 10,000 systems
/// is about 6 MiB.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// What a client says to the monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToMonitor {
    /// A second launch of `dms-tray`: show the popup (on its settings).
    ShowPopup { settings: bool },
    /// A popup introduces itself; from then on the monitor sends it every
    /// new model until it goes away.
    PopupHello,
    /// A popup's request; the reply carries the same id.
    Request { id: u64, request: Request },
    /// The popup is about to end, and why.
    PopupClosing { reason: CloseReason },
    /// `dms-tray key set` or `delete` changed a key in the keyring: read
    /// the configuration and the keys anew.
    KeysChanged,
}

/// Why a popup closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CloseReason {
    /// Esc or its close button.
    Hidden,
    /// The user clicked elsewhere.
    FocusLost,
    /// The monitor asked it to.
    Asked,
}

/// What the popup asks of the monitor: every command of the popup page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Request {
    OpenRemote {
        organization_id: Uuid,
        system_id: Uuid,
        app: RemoteApp,
    },
    RefreshNow,
    GetSettings,
    SaveSettings {
        poll_interval: String,
        autostart: bool,
        notifications: Option<NotificationChoices>,
    },
    /// The newest history entries whose system, organization or text contains `query`.
    GetHistory {
        query: String,
    },
    GetStrip {
        organization_id: Uuid,
        system_id: Uuid,
        range: StripRange,
    },
    MuteSystem {
        organization_id: Uuid,
        system_id: Uuid,
        hours: u32,
    },
    /// Acknowledge the system's outage, as the local user.
    Acknowledge {
        organization_id: Uuid,
        system_id: Uuid,
    },
    /// Set the system's priority by hand; `None` leaves it to the
    /// configuration's patterns.
    SetPriority {
        organization_id: Uuid,
        system_id: Uuid,
        priority: Option<Priority>,
    },
    /// Add an organization (`previous_id` `None`) or change one, from the
    /// Settings view; the key, when pasted, goes to the keyring.
    SaveOrganization {
        previous_id: Option<Uuid>,
        name: String,
        api_url: String,
        organization_id: String,
        key: Option<PastedKey>,
    },
    RemoveOrganization {
        organization_id: Uuid,
    },
    /// One poll with what the form says; the key pasted, else the key of
    /// organization `previous_id`.
    TestConnection {
        previous_id: Option<Uuid>,
        api_url: String,
        organization_id: String,
        key: Option<PastedKey>,
    },
    /// Put the system's incident summary on the clipboard.
    CopyIncidentSummary {
        organization_id: Uuid,
        system_id: Uuid,
    },
    /// Put the handover report of the last 12 hours (Markdown) on the clipboard.
    CopyReport,
    /// A key pasted in Settings, for the organization's keyring entry. No
    /// reply or model ever carries a key back.
    StoreKey {
        organization_id: Uuid,
        key: PastedKey,
    },
}

/// The ranges of the History view's strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StripRange {
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
}

impl StripRange {
    pub fn length(self) -> chrono::Duration {
        match self {
            StripRange::Day => chrono::Duration::hours(24),
            StripRange::Week => chrono::Duration::days(7),
        }
    }
}

/// What the monitor says to a popup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToPopup {
    /// The answer to request `id`.
    Reply { id: u64, result: Result<Reply, RequestError> },
    /// A new model: sent after the hello and on every change.
    View { model: PopupModel },
    /// The tray menu's Settings… while the popup is open.
    ShowSettings,
    /// Close: another click on the tray icon, or Quit.
    Close,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum Reply {
    Done,
    Settings(SettingsModel),
    History(Vec<HistoryEntry>),
    Strip(Strip),
    Connection(ConnectionTest),
}

/// A refused request, with the field of the page it concerns, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct RequestError {
    pub field: Option<Field>,
    pub message: String,
}

/// The Settings view's fields that an error can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    PollInterval,
    QuietHours,
    Autostart,
    /// The key pasted for an organization.
    Key,
    OrganizationName,
    ApiUrl,
    OrganizationId,
}

impl RequestError {
    pub fn of(field: Field, message: impl Into<String>) -> Self {
        RequestError { field: Some(field), message: message.into() }
    }

    /// An error that concerns no field in particular.
    pub fn general(message: impl Into<String>) -> Self {
        RequestError { field: None, message: message.into() }
    }
}

/// A message as one line of the channel.
pub fn encode<T: Serialize>(message: &T) -> String {
    let mut line = serde_json::to_string(message).expect("the messages serialize");
    line.push('\n');
    line
}

/// One line of the channel back into a message; the error names what was wrong.
pub fn decode<'a, T: Deserialize<'a>>(line: &'a str) -> Result<T, serde_json::Error> {
    serde_json::from_str(line.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_a_line() {
        let messages = [
            ToMonitor::ShowPopup { settings: true },
            ToMonitor::PopupHello,
            ToMonitor::Request {
                id: 7,
                request: Request::MuteSystem { organization_id: Uuid::nil(), system_id: Uuid::max(), hours: 8 },
            },
            ToMonitor::Request {
                id: 8,
                request: Request::GetStrip {
                    organization_id: Uuid::nil(),
                    system_id: Uuid::nil(),
                    range: StripRange::Week,
                },
            },
            ToMonitor::PopupClosing { reason: CloseReason::FocusLost },
        ];
        for message in messages {
            let line = encode(&message);
            assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'), "{line}");
            assert_eq!(decode::<ToMonitor>(&line).unwrap(), message);
        }
        let reply = ToPopup::Reply { id: 3, result: Err(RequestError::of(Field::QuietHours, "Quiet hours: no")) };
        assert_eq!(decode::<ToPopup>(&encode(&reply)).unwrap(), reply);
    }

    #[test]
    fn requests_use_the_page_s_names() {
        let json = serde_json::to_value(Request::OpenRemote {
            organization_id: Uuid::nil(),
            system_id: Uuid::nil(),
            app: RemoteApp::Monitoring,
        })
        .unwrap();
        assert_eq!(json["command"], "openRemote");
        assert_eq!(json["app"], "monitoring");
        assert!(json.get("organizationId").is_some(), "{json}");
        let error = serde_json::to_value(RequestError::of(Field::PollInterval, "too short")).unwrap();
        assert_eq!(error, serde_json::json!({ "field": "pollInterval", "message": "too short" }));
    }

    #[test]
    fn a_bad_line_is_an_error_not_a_panic() {
        assert!(decode::<ToMonitor>("{\"type\":\"launchMissiles\"}").is_err());
        assert!(decode::<ToMonitor>("not json").is_err());
    }
}
