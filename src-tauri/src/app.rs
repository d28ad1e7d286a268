//! The tray app: polls every organization on its schedule and turns the
//! outcomes into the view and its transitions.

use std::process::ExitCode;

use dms_tray_core::config::Config;
use dms_tray_core::monitor::Monitor;
use dms_tray_core::schedule::Schedule;
use tokio::sync::mpsc;

use crate::client::{http_client, OrgClient, Timeouts};
use crate::config_file::{self, ConfigLocation};
use crate::demo;
use crate::poller::Poller;

/// Runs the app until it is quit. `config` is `None` for the demo: asked
/// for with `--demo`, or the first run without a configuration file.
pub fn run(location: ConfigLocation, config: Option<Config>) -> Result<ExitCode, String> {
    let (config, simulator) = match config {
        Some(config) => (config, None),
        None => {
            log::warn!(
                "running the demo: no configuration at {} (or --demo given)",
                location.path.display()
            );
            let demo = tauri::async_runtime::block_on(demo::start(true))
                .map_err(|e| format!("cannot start the simulator: {e}"))?;
            (demo.config, Some(demo.simulator))
        }
    };
    let keys = config_file::resolve_keys(&config)?;
    tauri::Builder::default()
        .setup(move |_app| {
            tauri::async_runtime::spawn(async move {
                let _simulator = simulator;
                watch(config, keys).await;
            });
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .map_err(|e| format!("the app failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// poll → snapshot → transitions, for as long as the app runs.
async fn watch(config: Config, keys: Vec<String>) {
    let timeouts = Timeouts::default();
    let http = http_client(timeouts);
    let clients = config
        .organizations
        .iter()
        .zip(keys)
        .map(|(org, key)| (org.id, OrgClient::new(http.clone(), &org.api_url, org.id, key, timeouts)))
        .collect();
    let (tx, mut rx) = mpsc::channel(64);
    let _poller = Poller::start(clients, Schedule::new(config.poll_interval), tx);
    let mut monitor = Monitor::new(config.organizations.iter().map(|o| (o.id, o.name.clone())));
    while let Some(polled) = rx.recv().await {
        for transition in monitor.record(polled.organization, &polled.outcome, polled.at) {
            log::info!("{}", serde_json::to_string(&transition).unwrap_or_default());
        }
    }
}
