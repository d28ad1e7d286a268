//! The tray app: claims the channel (or hands over to the monitor that
//! already runs), starts the demo's simulator when there is no
//! configuration, and wires the tray, the notifications, the resume watcher
//! and the channel to the one owner of the state.

use std::process::ExitCode;

use dms_tray_core::config::Config;
use dms_tray_core::ipc::ToMonitor;
use tokio::sync::mpsc;

use crate::channel::{self, Claim};
use crate::config_file::{self, ConfigLocation};
use crate::history_store::HistoryStore;
use crate::notifier::Notifier;
use crate::owner::{Command, Inbox, Owner, Setup};
use crate::{demo, places, reload, resume};

/// How the app starts.
pub struct Launch {
    pub location: ConfigLocation,
    pub start: Start,
    /// Open the popup at once (`--popup`).
    pub popup: bool,
}

/// What the app runs against.
pub enum Start {
    /// The built-in simulator: asked for with `--demo`, or the first run
    /// without a configuration file.
    Demo,
    Config(Box<Config>),
    /// The configuration file cannot be used (the message says why and how
    /// to fix it): the tray shows it, and dms-tray starts again when the
    /// file changes, rather than ending before any tray exists.
    Broken(String),
}

pub fn run(launch: Launch) -> Result<ExitCode, String> {
    // One thread does it all; the tray and notification actions have their own.
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(run_monitor(launch))
}

async fn run_monitor(launch: Launch) -> Result<ExitCode, String> {
    let place = channel::place();
    #[cfg(windows)]
    if crate::background::is_replacement() {
        channel::wait_until_free(&place).await;
    }
    let listener = match channel::claim(&place).await {
        Ok(Claim::Listening(listener)) => listener,
        Ok(Claim::AlreadyRunning(stream)) => {
            log::info!("dms-tray already runs: opening its popup");
            channel::tell(stream, &ToMonitor::ShowPopup { settings: false })
                .await
                .map_err(|e| format!("dms-tray already runs, but does not answer at {}: {e}", place.display()))?;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(format!("cannot listen at {}: {e}", place.display())),
    };
    let demo = matches!(launch.start, Start::Demo);
    let (config, problem, _simulator) = match launch.start {
        Start::Config(config) => (*config, None, None),
        Start::Broken(problem) => (Config::default(), Some(problem), None),
        Start::Demo => {
            log::warn!("running the demo: no configuration at {} (or --demo given)", launch.location.path.display());
            let demo = demo::start(true).await.map_err(|e| format!("cannot start the simulator: {e}"))?;
            (demo.config, None, Some(demo.simulator))
        }
    };
    let keys = match problem {
        Some(problem) => Err(problem),
        None => config_file::resolve_keys(&config),
    };
    let (config, keys, config_problem) = match keys {
        Ok(keys) => (config, keys, None),
        Err(problem) => (Config::default(), Vec::new(), Some(problem)),
    };
    if let Some(problem) = &config_problem {
        log::error!("{problem}");
        log::info!("waiting for {} to change", launch.location.path.display());
        tokio::spawn(reload::when_changed(launch.location.path.clone()));
    }

    let (commands, commands_rx) = mpsc::unbounded_channel();
    let (sessions, sessions_rx) = mpsc::unbounded_channel();
    let socket = listener.address().to_path_buf();
    tokio::spawn(channel::serve(listener, sessions));
    tokio::spawn(resume::watch(commands.clone()));

    let notifier = Notifier::new({
        let commands = commands.clone();
        move |response| {
            let _ = commands.send(Command::Notification(response));
        }
    });
    let history = HistoryStore::open(&places::history_file(demo)).keeping(config.history_keep);
    let setup = Setup { config, keys, location: launch.location, demo, history, socket, config_problem };
    let (owner, polled) = Owner::start(setup, notifier, commands.clone());
    if launch.popup {
        let _ = commands.send(Command::ShowPopup { settings: false });
    }
    owner.run(polled, Inbox { commands: commands_rx, sessions: sessions_rx }).await;
    Ok(ExitCode::SUCCESS)
}
