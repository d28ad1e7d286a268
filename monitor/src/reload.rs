//! Starts dms-tray again when its configuration file changes, so that a
//! file fixed after a start that could not use it takes effect without the
//! user having to find and start the app again (it may have been started at
//! login); and when `dms-tray key` changed a key in the keyring.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// How often the file is looked at: a glance at its metadata.
const LOOK_EVERY: Duration = Duration::from_secs(2);

/// Waits until the file at `path` changes (appears, disappears, or gets
/// another time or size), then starts dms-tray again with the same
/// arguments in place of this process.
pub async fn when_changed(path: PathBuf) {
    let first = stamp(&path);
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        if stamp(&path) != first {
            break;
        }
    }
    log::info!("{} changed: starting again", path.display());
    start_again();
}

fn stamp(path: &Path) -> Option<(Option<SystemTime>, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.modified().ok(), m.len()))
}

/// This program again, with the arguments it was started with.
fn again() -> std::io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(std::env::args_os().skip(1));
    Ok(command)
}

/// Replaces this process, so that the process id, and whatever waits on
/// it, stay the same.
#[cfg(unix)]
pub fn start_again() {
    use std::os::unix::process::CommandExt;
    let error = match again() {
        Ok(mut command) => command.exec(),
        Err(e) => e,
    };
    log::error!("cannot start again: {error}; start dms-tray yourself");
}

/// Starts a copy in the background that waits for this process to end.
#[cfg(windows)]
pub fn start_again() {
    match again().and_then(crate::background::start_replacement) {
        Ok(_) => std::process::exit(0),
        Err(error) => log::error!("cannot start again: {error}; start dms-tray yourself"),
    }
}
