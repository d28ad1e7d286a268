//! dms-tray's shell: the adapters around the functional core
//! (`dms_tray_core`): the HTTP client and its poll loops, the simulator,
//! the configuration file, the command line and the Tauri app.

pub mod app;
pub mod cli;
pub mod client;
pub mod config_file;
pub mod demo;
pub mod poller;
pub mod simulator;
pub mod status;
