//! The page's commands: thin wrappers that hand each request to the
//! monitor and give back its typed answer. The capability file grants the
//! page these and no others.

use dms_tray_core::history::{HistoryEntry, Strip};
use dms_tray_core::ipc::{CloseReason, Reply, Request, RequestError, StripRange};
use dms_tray_core::keys::PastedKey;
use dms_tray_core::popup::PopupModel;
use dms_tray_core::priority::Priority;
use dms_tray_core::remote::RemoteApp;
use dms_tray_core::settings::{ConnectionTest, NotificationChoices, SettingsModel};
use tauri::{AppHandle, State};
use uuid::Uuid;

use crate::monitor::Monitor;

type Answer<T> = Result<T, RequestError>;

fn unexpected(reply: Reply) -> RequestError {
    RequestError::general(format!("dms-tray answered something else than asked: {reply:?}"))
}

async fn done(monitor: &Monitor, request: Request) -> Answer<()> {
    match monitor.ask(request).await? {
        Reply::Done => Ok(()),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
pub async fn get_view(monitor: State<'_, Monitor>) -> Answer<PopupModel> {
    monitor.model().await
}

#[tauri::command]
pub async fn open_remote(
    monitor: State<'_, Monitor>,
    organization_id: Uuid,
    system_id: Uuid,
    app: RemoteApp,
) -> Answer<()> {
    done(&monitor, Request::OpenRemote { organization_id, system_id, app }).await
}

#[tauri::command]
pub async fn refresh_now(monitor: State<'_, Monitor>) -> Answer<()> {
    done(&monitor, Request::RefreshNow).await
}

#[tauri::command]
pub fn hide_popup(app: AppHandle, monitor: State<'_, Monitor>) {
    monitor.close(&app, CloseReason::Hidden);
}

#[tauri::command]
pub async fn get_settings(monitor: State<'_, Monitor>) -> Answer<SettingsModel> {
    match monitor.ask(Request::GetSettings).await? {
        Reply::Settings(settings) => Ok(settings),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
pub async fn save_settings(
    monitor: State<'_, Monitor>,
    poll_interval: String,
    autostart: bool,
    notifications: Option<NotificationChoices>,
) -> Answer<()> {
    done(&monitor, Request::SaveSettings { poll_interval, autostart, notifications }).await
}

#[tauri::command]
pub async fn get_history(monitor: State<'_, Monitor>, query: String) -> Answer<Vec<HistoryEntry>> {
    match monitor.ask(Request::GetHistory { query }).await? {
        Reply::History(entries) => Ok(entries),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
pub async fn get_strip(
    monitor: State<'_, Monitor>,
    organization_id: Uuid,
    system_id: Uuid,
    range: StripRange,
) -> Answer<Strip> {
    match monitor.ask(Request::GetStrip { organization_id, system_id, range }).await? {
        Reply::Strip(strip) => Ok(strip),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
pub async fn mute_system(
    monitor: State<'_, Monitor>,
    organization_id: Uuid,
    system_id: Uuid,
    hours: u32,
) -> Answer<()> {
    done(&monitor, Request::MuteSystem { organization_id, system_id, hours }).await
}

#[tauri::command]
pub async fn acknowledge(monitor: State<'_, Monitor>, organization_id: Uuid, system_id: Uuid) -> Answer<()> {
    done(&monitor, Request::Acknowledge { organization_id, system_id }).await
}

/// `priority`: "on-air", "normal" or "lab"; `null` goes back to the configuration's patterns.
#[tauri::command]
pub async fn set_priority(
    monitor: State<'_, Monitor>,
    organization_id: Uuid,
    system_id: Uuid,
    priority: Option<Priority>,
) -> Answer<()> {
    done(&monitor, Request::SetPriority { organization_id, system_id, priority }).await
}

/// The key goes to the monitor, which stores it in the keyring; nothing of
/// it comes back.
#[tauri::command]
pub async fn store_key(monitor: State<'_, Monitor>, organization_id: Uuid, key: String) -> Answer<()> {
    done(&monitor, Request::StoreKey { organization_id, key: PastedKey(key) }).await
}

/// Adds (`previous_id` null) or changes an organization; a pasted `key` goes
/// to the keyring and never comes back.
#[tauri::command]
pub async fn save_organization(
    monitor: State<'_, Monitor>,
    previous_id: Option<Uuid>,
    name: String,
    api_url: String,
    organization_id: String,
    key: Option<String>,
) -> Answer<()> {
    let key = key.map(PastedKey);
    done(&monitor, Request::SaveOrganization { previous_id, name, api_url, organization_id, key }).await
}

#[tauri::command]
pub async fn remove_organization(monitor: State<'_, Monitor>, organization_id: Uuid) -> Answer<()> {
    done(&monitor, Request::RemoveOrganization { organization_id }).await
}

/// One poll with the form's values; without a pasted key, the key of organization `previous_id`.
#[tauri::command]
pub async fn test_connection(
    monitor: State<'_, Monitor>,
    previous_id: Option<Uuid>,
    api_url: String,
    organization_id: String,
    key: Option<String>,
) -> Answer<ConnectionTest> {
    let key = key.map(PastedKey);
    match monitor.ask(Request::TestConnection { previous_id, api_url, organization_id, key }).await? {
        Reply::Connection(test) => Ok(test),
        other => Err(unexpected(other)),
    }
}

/// The monitor puts the text on the clipboard: it outlives the popup there.
#[tauri::command]
pub async fn copy_incident_summary(monitor: State<'_, Monitor>, organization_id: Uuid, system_id: Uuid) -> Answer<()> {
    done(&monitor, Request::CopyIncidentSummary { organization_id, system_id }).await
}

#[tauri::command]
pub async fn copy_report(monitor: State<'_, Monitor>) -> Answer<()> {
    done(&monitor, Request::CopyReport).await
}
