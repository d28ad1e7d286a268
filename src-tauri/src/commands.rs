//! The popup's commands: thin wrappers that hand each request to the module
//! that does the work. The capability file grants the popup these and no
//! others.

use dms_tray_core::popup::PopupModel;
use dms_tray_core::remote::{remote_target, RemoteApp};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use uuid::Uuid;

use crate::pipeline::Control;
use crate::settings::{self, SettingsModel};
use crate::state::AppState;
use crate::popup;

#[tauri::command]
pub fn get_view(state: State<'_, AppState>) -> PopupModel {
    state.model()
}

/// Opens a system's remote access, after checking again that it may be
/// opened: the popup's word is never taken for it.
#[tauri::command]
pub fn open_remote(
    handle: AppHandle,
    state: State<'_, AppState>,
    organization_id: Uuid,
    system_id: Uuid,
    app: RemoteApp,
) -> Result<(), String> {
    let view = state.view();
    let system = view
        .organizations
        .iter()
        .filter(|o| o.id == organization_id)
        .flat_map(|o| &o.systems)
        .find(|s| s.id == system_id)
        .ok_or("This system is no longer in the organization")?;
    let organization = state
        .organizations
        .iter()
        .find(|o| o.id == organization_id)
        .ok_or("This organization is no longer configured")?;
    let url = remote_target(system, organization, app)?;
    log::info!("opening {url}");
    handle.opener().open_url(url.as_str(), None::<&str>).map_err(|e| format!("Cannot open the browser: {e}"))
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
