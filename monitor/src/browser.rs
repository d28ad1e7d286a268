//! Opens pages in the user's browser through the opener plugin: a system's
//! remote access (after checking again that it may be opened: the caller's
//! word is never taken for it), or a dataminer.services page.

use dms_tray_core::remote::{remote_target, RemoteApp};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;
use uuid::Uuid;

use crate::state::AppState;

/// Opens `app` of a system's remote access, or says why it cannot.
pub fn remote_access(
    handle: &AppHandle,
    state: &AppState,
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
    url_in_browser(handle, url.as_str())
}

pub fn url_in_browser(handle: &AppHandle, url: &str) -> Result<(), String> {
    log::info!("opening {url}");
    handle.opener().open_url(url, None::<&str>).map_err(|e| format!("Cannot open the browser: {e}"))
}
