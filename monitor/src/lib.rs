//! dms-tray's shell: the adapters around the functional core
//! (`dms_tray_core`): the HTTP client and its poll loops, the pipeline that
//! feeds the core, the simulator, the configuration file, the command line,
//! and the Tauri app with its tray, popup, commands and settings.

pub mod app;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config_file;
pub mod demo;
pub mod history_store;
pub mod logging;
pub mod notifier;
pub mod open;
pub mod pipeline;
pub mod poller;
pub mod popup;
pub mod resume;
pub mod settings;
pub mod simulator;
pub mod state;
pub mod status;
pub mod tray;
pub mod tray_art;
