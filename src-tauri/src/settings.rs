//! The Settings view's back end: the poll interval, written back to the
//! configuration file keeping the user's comments and layout, and start at
//! login (the autostart plugin).

use std::path::Path;
use std::time::Duration;

use dms_tray_core::config_edit::{parse_poll_interval, set_poll_interval};
use serde::Serialize;
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
    }
}

/// Saves the settings; the message of an error names what is wrong.
pub fn save(app: &AppHandle, state: &AppState, poll_interval: &str, autostart: bool) -> Result<(), String> {
    if state.demo {
        return Err("The demo has no configuration file to save settings in.".into());
    }
    let interval = parse_poll_interval(poll_interval)?;
    if interval != state.poll_interval() {
        write_poll_interval(&state.config_location.path, interval)?;
        state.set_poll_interval(interval);
        state.control.send(Control::SetInterval(interval));
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
fn write_poll_interval(path: &Path, interval: Duration) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    let edited = set_poll_interval(path, &text, interval)?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, edited)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    log::info!("saved poll_interval = {} to {}", humantime::format_duration(interval), path.display());
    Ok(())
}
