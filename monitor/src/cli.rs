//! The command line: `dms-tray` (the tray app), `dms-tray status` (one poll,
//! as a Nagios-style check), `dms-tray report` (the handover report from
//! the history) and `dms-tray simulate` (the status-API simulator). Every
//! failure before the work starts is one clear paragraph on stderr and exit
//! code 3 (UNKNOWN, for monitoring systems).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use dms_tray_core::alerts::AlertSettings;

use crate::client::Timeouts;
use crate::config_file::{self, ConfigLocation};
use crate::history_store::HistoryStore;
use crate::report_command::{self, Format};
use crate::simulator::{Scenario, Simulator, SimulatorOptions};
use crate::{app, demo, key_command, logging, places, status};

/// Exit code for usage and configuration errors (Nagios UNKNOWN).
const EXIT_CONFIG_ERROR: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "dms-tray",
    version,
    about = "A tray monitor for DataMiner Systems connected to dataminer.services.",
    long_about = "A tray monitor for DataMiner Systems connected to dataminer.services.\n\n\
        Without a command, dms-tray runs as a tray app that polls the status API of every \
        configured organization. The configuration is read from --config, else \
        $DMS_TRAY_CONFIG, else config.toml in the user's configuration folder: \
        $XDG_CONFIG_HOME/dms-tray (~/.config/dms-tray) on Linux, %APPDATA%\\dms-tray on Windows, \
        ~/Library/Application Support/dms-tray on macOS. With --demo, it runs against a built-in simulator \
        of the status API and needs no account."
)]
pub struct Cli {
    /// The configuration file to read.
    #[arg(long, global = true, value_name = "PATH", env = "DMS_TRAY_CONFIG")]
    config: Option<PathBuf>,

    /// Run against the built-in simulator instead of the configured organizations (report:
    /// read the demo's history).
    #[arg(long, global = true)]
    demo: bool,

    /// Open the popup at start (a second launch opens the running app's popup).
    #[arg(long)]
    popup: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Poll every organization once and print the state of every system.
    ///
    /// Exit codes follow the Nagios plugin convention: 0 all systems ok; 1 some DMS not
    /// responding or with degraded Cloud Gateway redundancy; 2 some DMS without connection;
    /// 3 some state unknown, an organization that could not be polled, or a configuration
    /// error. When several apply, 2 wins over 1, and 1 over 3.
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the handover report of a period, read from the history.
    ///
    /// Per organization: the outages that touched the period with their start, end and
    /// duration, those still open and who acknowledged them, the systems that flapped (more
    /// changes of state than flap_changes in the configuration's [notifications], 4 unless
    /// set), and each system's uptime over the last 7 days. An outage is a stretch without
    /// connection to dataminer.services or with a DMS not responding; a passing unknown state
    /// neither starts nor splits one. Times are local.
    ///
    /// The history is the one the tray app writes, history.sqlite3 in the state folder
    /// ($XDG_STATE_HOME/dms-tray, ~/.local/state/dms-tray, on Linux; %LOCALAPPDATA%\dms-tray
    /// on Windows; ~/Library/Application Support/dms-tray on macOS), or with --demo the
    /// demo's, so the report covers restarts and needs no running app. Exit code 0 when the
    /// report is printed, 3 for a usage or configuration error, a history that cannot be
    /// read, or an organization the history does not hold.
    Report {
        /// How far back the report goes: a length of time such as 12h, 30min or 7days.
        #[arg(long, value_name = "LENGTH", default_value = "12h", value_parser = report_command::parse_since)]
        since: Duration,
        /// The format to print.
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        /// Only the organization of this name (in any case).
        #[arg(long, value_name = "NAME")]
        organization: Option<String>,
    },
    /// Store or delete an organization's key in the OS keyring (key_keyring).
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// Serve the status API from a simulated organization, for demos and tests.
    ///
    /// Prints the base URL, organization id and key to configure, then serves until
    /// interrupted. The control API on the same listener changes the organization and
    /// injects faults (see docs/simulator.md); it wants the control token printed at
    /// start in an X-Control-Token header, JSON bodies, and a loopback host name.
    Simulate {
        /// The address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// A scenario file (TOML) instead of the built-in demo organization.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Serve the scenario's systems without playing its timeline: nothing changes
        /// but through the control API.
        #[arg(long)]
        still: bool,
    },
}

/// What `dms-tray key` does.
#[derive(Debug, Subcommand)]
enum KeyAction {
    /// Store the key of an organization in the OS keyring: the Secret Service on Linux,
    /// the Credential Manager on Windows, the Keychain on macOS.
    ///
    /// The key is read from the terminal without echo, or from stdin when that is not a
    /// terminal. An organization whose key came from key, key_env or key_file gets
    /// key_keyring instead, written into the configuration file with its comments kept.
    /// A running dms-tray starts again with the new key.
    Set {
        /// The organization: its name, its id, or its key_keyring entry.
        organization: String,
    },
    /// Delete the key of an organization from the OS keyring.
    Delete {
        /// The organization: its name, its id, or its key_keyring entry.
        organization: String,
    },
}

/// Parses the command line and runs what it asks for.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(EXIT_CONFIG_ERROR) } else { ExitCode::SUCCESS };
        }
    };
    #[cfg(windows)]
    if cli.command.is_none() {
        if let Some(code) = crate::background::hand_over() {
            return code;
        }
    }
    match cli.command {
        Some(Command::Status { .. } | Command::Report { .. } | Command::Key { .. }) => logging::init("warn", false),
        Some(Command::Simulate { .. }) => logging::init("info", false),
        None => logging::init("info", true),
    }
    let result = match cli.command {
        Some(Command::Status { json }) => run_status(cli.config, cli.demo, json),
        Some(Command::Report { since, format, organization }) => {
            run_report(cli.config, cli.demo, since, format, organization.as_deref())
        }
        Some(Command::Key { .. }) if cli.demo => {
            Err("--demo does not apply to key: the demo's key is the simulator's own.".to_string())
        }
        Some(Command::Key { action: KeyAction::Set { organization } }) => {
            key_command::set(&config_file::locate(cli.config), &organization)
        }
        Some(Command::Key { action: KeyAction::Delete { organization } }) => {
            key_command::delete(&config_file::locate(cli.config), &organization)
        }
        Some(Command::Simulate { .. }) if cli.demo => {
            Err("--demo does not apply to simulate: the simulator is what --demo runs against; \
             run `dms-tray --demo` or `dms-tray status --demo` instead."
                .to_string())
        }
        Some(Command::Simulate { listen, scenario, still }) => run_simulator(listen, scenario, !still),
        None => run_app(cli.config, cli.demo, cli.popup),
    };
    result.unwrap_or_else(|message| {
        eprintln!("dms-tray: {message}");
        ExitCode::from(EXIT_CONFIG_ERROR)
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("the tokio runtime starts")
}

fn run_status(config: Option<PathBuf>, demo: bool, json: bool) -> Result<ExitCode, String> {
    // One poll of each organization needs no more than one thread.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("the tokio runtime starts");
    runtime.block_on(async {
        let (config, _simulator) = if demo {
            let demo = demo::start(false).await.map_err(|e| format!("cannot start the simulator: {e}"))?;
            (demo.config, Some(demo.simulator))
        } else {
            let location = config_file::locate(config);
            let config = config_file::load(&location)?.ok_or_else(|| no_config(&location))?;
            (config, None)
        };
        let keys = config_file::resolve_keys(&config)?;
        let history = HistoryStore::read(&places::history_file(demo)).ok();
        let view = status::poll_once(&config, keys, Timeouts::default(), history.as_ref()).await;
        Ok(ExitCode::from(status::print(&view, json).exit_code() as u8))
    })
}

fn run_report(
    config: Option<PathBuf>,
    demo: bool,
    since: Duration,
    format: Format,
    organization: Option<&str>,
) -> Result<ExitCode, String> {
    // The demo's notifications are the defaults.
    let notifications = match demo {
        true => AlertSettings::default(),
        false => config_file::load(&config_file::locate(config))?.map(|c| c.notifications).unwrap_or_default(),
    };
    let text =
        report_command::report(&places::history_file(demo), since, organization, notifications.flap_changes, format)?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn no_config(location: &ConfigLocation) -> String {
    format!(
        "no configuration at {}; write one there (see the README), name one with --config, \
         or try `dms-tray status --demo`.",
        location.path.display()
    )
}

fn run_simulator(listen: SocketAddr, scenario: Option<PathBuf>, run_timeline: bool) -> Result<ExitCode, String> {
    let scenario = match scenario {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot read the scenario file ({e}).", path.display()))?;
            Scenario::parse(&path, &text).map_err(|e| e.to_string())?
        }
        None => Scenario::default_scenario(),
    };
    if !listen.ip().is_loopback() {
        eprintln!(
            "dms-tray simulate: serving on {listen}, not on loopback: anyone who can reach it reads the simulated key, and the control API only answers requests to a loopback name."
        );
    }
    runtime().block_on(async {
        let simulator = Simulator::start(SimulatorOptions { listen, scenario, run_timeline })
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        println!("dms-tray simulator serving the status API");
        println!("  api_url = \"{}\"", simulator.base_url());
        println!("  id      = \"{}\"", simulator.organization_id());
        println!("  key     = \"{}\"", simulator.key());
        println!("  allowed_remote_hosts = [\"{}\"]", simulator.remote_host());
        println!("Control token (header X-Control-Token): \"{}\"", simulator.control_token());
        println!("Control API: {}/control/document (see docs/simulator.md). Ctrl-C stops.", simulator.base_url());
        let _ = tokio::signal::ctrl_c().await;
        simulator.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}

fn run_app(config: Option<PathBuf>, demo: bool, popup: bool) -> Result<ExitCode, String> {
    let location = config_file::locate(config);
    let start = match if demo { Ok(None) } else { config_file::load(&location) } {
        Ok(None) => app::Start::Demo,
        Ok(Some(config)) => app::Start::Config(Box::new(config)),
        Err(problem) => app::Start::Broken(problem),
    };
    app::run(app::Launch { location, start, popup })
}
