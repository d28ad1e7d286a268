//! dms-tray's monitor: the always-on process that users start. It polls,
//! owns the tray icon, the notifications, the history and the settings, and
//! answers `status` and `simulate`; it carries no web engine. The popup is
//! a separate, short-lived program (`dms-tray-popup`) that it starts on a
//! click and talks to over a private channel.

pub mod app;
pub mod autostart;
pub mod browser;
pub mod channel;
pub mod cli;
pub mod client;
pub mod config_file;
pub mod demo;
pub mod history_store;
pub mod key_command;
pub mod logging;
pub mod notifier;
pub mod os_keyring;
pub mod owner;
pub mod poller;
pub mod popup_process;
pub mod reload;
pub mod resume;
pub mod simulator;
pub mod status;
pub mod tray;
pub mod tray_art;
