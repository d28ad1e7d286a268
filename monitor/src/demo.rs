//! `--demo`: the whole product against an in-process simulator, so that it
//! runs without a dataminer.services account.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use dms_tray_core::alerts::AlertSettings;
use dms_tray_core::config::{Config, KeySource, OrganizationConfig};
use dms_tray_core::priority::{Priority, PriorityRule};

use crate::simulator::{Scenario, Simulator, SimulatorOptions};

/// How often the demo polls: often enough to see the scenario move.
pub const DEMO_POLL_INTERVAL: Duration = Duration::from_secs(10);

/// A running simulator and the configuration that points at it.
pub struct Demo {
    pub simulator: Simulator,
    pub config: Config,
}

/// Starts the default scenario on a free loopback port.
pub async fn start(run_timeline: bool) -> std::io::Result<Demo> {
    let simulator = Simulator::start(SimulatorOptions {
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        scenario: Scenario::default_scenario(),
        run_timeline,
    })
    .await?;
    let api_url = simulator.base_url().parse().expect("the simulator's base URL is valid");
    let config = Config {
        poll_interval: DEMO_POLL_INTERVAL,
        history_keep: dms_tray_core::config::DEFAULT_HISTORY_KEEP,
        ca_file: None,
        proxy: None,
        organizations: vec![OrganizationConfig {
            name: None,
            api_url,
            id: simulator.organization_id(),
            key: KeySource::Inline(simulator.key().to_string()),
            allowed_remote_hosts: vec![simulator.remote_host()],
            proxy: None,
            // The demo shows priorities: its playout and master control on air, its lab a lab.
            priority_rules: [("*Playout*", Priority::OnAir), ("*MCR*", Priority::OnAir), ("*Lab*", Priority::Lab)]
                .into_iter()
                .map(|(pattern, level)| PriorityRule { pattern: pattern.into(), level })
                .collect(),
        }],
        notifications: AlertSettings::default(),
        hooks: Vec::new(),
    };
    Ok(Demo { simulator, config })
}
