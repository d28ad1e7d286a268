//! dms-tray's monitor: the always-on process that users start. It polls,
//! owns the tray icon, the notifications, the history and the settings, and
//! answers `status`, `report` and `simulate`; it carries no web engine. The
//! popup is a separate, short-lived program (`dms-tray-popup`) that it
//! starts on a click and talks to over a private channel.

/// The app's id: its AppStream id on Linux, and on Windows the
/// AppUserModelID its toasts go out under, registered by the installer.
pub const APP_ID: &str = "app.dms_tray.dms_tray";

pub mod app;
pub mod autostart;
#[cfg(windows)]
pub mod background;
pub mod browser;
pub mod channel;
pub mod cli;
pub mod client;
pub mod clipboard;
pub mod config_file;
pub mod demo;
pub mod history_store;
pub mod hooks_runner;
pub mod key_command;
pub mod logging;
pub mod notifier;
pub mod os_keyring;
pub mod owner;
pub mod places;
pub mod poller;
pub mod popup_process;
#[cfg(windows)]
pub mod registry;
pub mod reload;
pub mod report_command;
pub mod resume;
pub mod simulator;
pub mod sound_player;
pub mod status;
pub mod tray;
pub mod tray_art;

#[cfg(test)]
mod tests {
    /// The packages name the app as the code does.
    #[test]
    fn the_packages_carry_the_app_id() {
        let packaging = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging");
        let metainfo = std::fs::read_to_string(packaging.join(format!("{}.metainfo.xml", super::APP_ID))).unwrap();
        assert!(metainfo.contains(&format!("<id>{}</id>", super::APP_ID)));
        let installer = std::fs::read_to_string(packaging.join("windows/dms-tray.wxs")).unwrap();
        assert!(
            installer.contains(&format!(r"AppUserModelId\{}", super::APP_ID)),
            "the installer registers the toasts' id"
        );
    }
}
