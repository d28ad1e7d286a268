//! The popup's commands: thin wrappers that hand each request to the module
//! that does the work. The capability file grants the popup these and no
//! others.

use dms_tray_core::popup::PopupModel;
use dms_tray_core::remote::RemoteApp;
use tauri::{AppHandle, State};
use uuid::Uuid;

use crate::pipeline::Control;
use crate::settings::{self, SettingsModel};
use crate::state::AppState;
use crate::{open, popup};

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
) -> Result<(), String> {
    settings::save(&handle, &state, &poll_interval, autostart)
}
