//! The Settings view's back end: the poll interval and what is notified
//! (each kind, quiet hours), written back to the configuration file keeping
//! the user's comments and layout, and start at login (the autostart
//! plugin).

use std::path::Path;

use dms_tray_core::alerts::AlertSettings;
use dms_tray_core::config::{format_quiet_hours, parse_quiet_hours};
use dms_tray_core::config_edit::{parse_poll_interval, set_notifications, set_poll_interval};
use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;

use crate::pipeline::Control;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsModel {
    pub poll_interval: String,
    pub autostart: bool,
    pub config_path: String,
    pub editable: bool,
    pub reason: Option<String>,
    pub notifications: NotificationChoices,
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
    /// "22:00-07:00", or empty for none.
    pub quiet_hours: String,
}

impl NotificationChoices {
    fn of(settings: &AlertSettings) -> Self {
        NotificationChoices {
            dms_not_responding: settings.dms_not_responding,
            no_connection: settings.no_connection,
            unknown: settings.unknown,
            back_online: settings.back_online,
            redundancy: settings.redundancy,
            added_removed: settings.added_removed,
            organization: settings.organization,
            quiet_hours: settings.quiet_hours.map(format_quiet_hours).unwrap_or_default(),
        }
    }

    /// `base` with these choices; the message of an error names what is wrong.
    fn apply(&self, base: &AlertSettings) -> Result<AlertSettings, String> {
        let quiet = self.quiet_hours.trim();
        let quiet_hours = if quiet.is_empty() {
            None
        } else {
            Some(parse_quiet_hours(quiet).map_err(|e| format!("Quiet hours: {e}"))?)
        };
        Ok(AlertSettings {
            dms_not_responding: self.dms_not_responding,
            no_connection: self.no_connection,
            unknown: self.unknown,
            back_online: self.back_online,
            redundancy: self.redundancy,
            added_removed: self.added_removed,
            organization: self.organization,
            quiet_hours,
            ..base.clone()
        })
    }
}

pub fn current(app: &AppHandle, state: &AppState) -> SettingsModel {
    let path = &state.config_location.path;
    SettingsModel {
        poll_interval: humantime::format_duration(state.poll_interval()).to_string(),
        autostart: app.autolaunch().is_enabled().unwrap_or(false),
        config_path: path.display().to_string(),
        editable: !state.demo,
        reason: state.demo.then(|| {
            format!(
                "The demo has no configuration file. Write one at {} to watch your own organizations; \
                 settings are saved there.",
                path.display()
            )
        }),
        notifications: NotificationChoices::of(&state.alerts.lock().expect("not poisoned").settings),
    }
}

/// Saves the settings; the message of an error names what is wrong.
pub fn save(
    app: &AppHandle,
    state: &AppState,
    poll_interval: &str,
    autostart: bool,
    notifications: Option<&NotificationChoices>,
) -> Result<(), String> {
    if state.demo {
        return Err("The demo has no configuration file to save settings in.".into());
    }
    let interval = parse_poll_interval(poll_interval)?;
    let current = state.alerts.lock().expect("not poisoned").settings.clone();
    let alerts = match notifications {
        Some(choices) => choices.apply(&current)?,
        None => current.clone(),
    };
    if interval != state.poll_interval() || alerts != current {
        write_config(&state.config_location.path, |path, text| {
            let text = set_poll_interval(path, text, interval)?;
            set_notifications(path, &text, &alerts)
        })?;
        if interval != state.poll_interval() {
            state.set_poll_interval(interval);
            state.control.send(Control::SetInterval(interval));
        }
        state.alerts.lock().expect("not poisoned").settings = alerts;
    }
    let autolaunch = app.autolaunch();
    if autolaunch.is_enabled().unwrap_or(false) != autostart {
        let result = if autostart { autolaunch.enable() } else { autolaunch.disable() };
        result.map_err(|e| format!("Cannot change start at login: {e}"))?;
    }
    Ok(())
}

/// Rewrites the file through a temporary file and a rename, so that a crash
/// never leaves half a configuration behind.
fn write_config(path: &Path, edit: impl FnOnce(&Path, &str) -> Result<String, String>) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    let edited = edit(path, &text)?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, edited)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    log::info!("saved the settings to {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(choices.apply(&base).unwrap_err().starts_with("Quiet hours: "));
    }
}
