//! On Windows `dms-tray.exe` is a console program, so that `status`,
//! `simulate` and `key` print where they are run. Started as the tray app
//! (from the Start menu, at login), it starts itself again without a
//! console and ends, so that no console window stays open beside the tray
//! icon; the tray app then logs to its file only. It starts again the same
//! way when its configuration or keys change.

use std::io;
use std::os::windows::process::CommandExt;
use std::process::{Command, ExitCode, Stdio};

/// Marks the copy that runs in the background.
const IN_BACKGROUND: &str = "DMS_TRAY_IN_BACKGROUND";
/// Marks a copy started to take the place of a monitor that is ending.
const REPLACING: &str = "DMS_TRAY_REPLACING";
/// `DETACHED_PROCESS`: no console at all. `CREATE_NEW_PROCESS_GROUP`: a
/// Ctrl+C in the console it came from does not reach it.
const DETACHED: u32 = 0x0000_0008 | 0x0000_0200;

/// `Some` when this process handed over to a copy in the background and
/// ends with this code; `None` when it is that copy, or cannot start it.
pub fn hand_over() -> Option<ExitCode> {
    if std::env::var_os(IN_BACKGROUND).is_some() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    let mut command = Command::new(exe);
    command.args(std::env::args_os().skip(1));
    match spawn_detached(&mut command) {
        Ok(_) => Some(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("dms-tray: cannot start in the background ({e}); running here");
            None
        }
    }
}

/// Starts `command`, this program again, to take this process's place
/// once it has ended (see [`is_replacement`]).
pub fn start_replacement(mut command: Command) -> io::Result<()> {
    spawn_detached(command.env(REPLACING, "1")).map(drop)
}

/// Whether this process was started to take the place of a monitor that
/// is ending, and must wait for it to let go of the channel.
pub fn is_replacement() -> bool {
    std::env::var_os(REPLACING).is_some()
}

fn spawn_detached(command: &mut Command) -> io::Result<std::process::Child> {
    command
        .env(IN_BACKGROUND, "1")
        .creation_flags(DETACHED)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}
