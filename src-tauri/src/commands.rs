//! The popup's commands: thin wrappers that hand each request to the module
//! that does the work. The capability file grants the popup these and no
//! others.

use dms_tray_core::alerts::SystemRef;
use dms_tray_core::history::{strip, HistoryEntry, Strip};
use dms_tray_core::popup::PopupModel;
use dms_tray_core::remote::RemoteApp;
use tauri::{AppHandle, State};
use uuid::Uuid;

use crate::pipeline::Control;
use crate::settings::{self, NotificationChoices, SettingsModel};
use crate::state::AppState;
use crate::{open, popup};

/// How many lines the History view shows at most.
const HISTORY_LINES: usize = 500;

/// The ranges of the History view's strip.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub enum StripRange {
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
}

impl StripRange {
    fn length(self) -> chrono::Duration {
        match self {
            StripRange::Day => chrono::Duration::hours(24),
            StripRange::Week => chrono::Duration::days(7),
        }
    }
}

#[tauri::command]
pub fn get_view(state: State<'_, AppState>) -> PopupModel {
    state.model()
}

#[tauri::command]
pub fn open_remote(
    handle: AppHandle,
    state: State<'_, AppState>,
    organization_id: Uuid,
    system_id: Uuid,
    app: RemoteApp,
) -> Result<(), String> {
    open::remote_access(&handle, &state, organization_id, system_id, app)
}

/// The newest history entries matching `query`.
#[tauri::command]
pub fn get_history(state: State<'_, AppState>, query: String) -> Result<Vec<HistoryEntry>, String> {
    state.history.lock().expect("not poisoned").entries(&query, HISTORY_LINES).map_err(|e| e.to_string())
}

/// A system's states over the last 24 hours or 7 days.
#[tauri::command]
pub fn get_strip(
    state: State<'_, AppState>,
    organization_id: Uuid,
    system_id: Uuid,
    range: StripRange,
) -> Result<Strip, String> {
    let history = state.history.lock().expect("not poisoned");
    let changes = history.state_changes(organization_id, system_id).map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    Ok(strip(&changes, now - range.length(), now))
}

/// Mutes a system's notifications for `hours` (its changes still go to the history).
#[tauri::command]
pub fn mute_system(state: State<'_, AppState>, organization_id: Uuid, system_id: Uuid, hours: u32) -> Result<(), String> {
    if !(1..=24 * 7).contains(&hours) {
        return Err(format!("A mute lasts 1 to 168 hours, not {hours}"));
    }
    let until = chrono::Utc::now() + chrono::Duration::hours(hours.into());
    let system = SystemRef { organization: organization_id, system: system_id };
    state.alerts.lock().expect("not poisoned").snooze(system, until);
    log::info!("muted a system for {hours} h");
    Ok(())
}

#[tauri::command]
pub fn refresh_now(state: State<'_, AppState>) {
    state.control.send(Control::RefreshNow);
}

#[tauri::command]
pub fn hide_popup(handle: AppHandle) {
    popup::hide(&handle);
}

#[tauri::command]
pub fn get_settings(handle: AppHandle, state: State<'_, AppState>) -> SettingsModel {
    settings::current(&handle, &state)
}

#[tauri::command]
pub fn save_settings(
    handle: AppHandle,
    state: State<'_, AppState>,
    poll_interval: String,
    autostart: bool,
    notifications: Option<NotificationChoices>,
) -> Result<(), String> {
    settings::save(&handle, &state, &poll_interval, autostart, notifications.as_ref())
}
