//! Builds the Tauri context from the root `tauri.conf.json`, and declares the
//! popup's commands so that the capability file can grant them one by one.

const COMMANDS: &[&str] = &[
    "get_view",
    "open_remote",
    "refresh_now",
    "hide_popup",
    "get_settings",
    "save_settings",
    "get_history",
    "get_strip",
    "mute_system",
    "acknowledge",
    "set_priority",
    "store_key",
    "save_organization",
    "remove_organization",
    "test_connection",
    "copy_incident_summary",
    "copy_report",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("the Tauri build script runs");
}
