//! Starts the popup, `dms-tray-popup`, the program beside this one: a web
//! view that lives only while it is shown. It is told where the tray was
//! clicked and where the channel is, and asks the monitor for everything
//! else.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::{Child, Command};

/// The popup program's file name on this platform.
const POPUP_PROGRAM: &str = if cfg!(windows) { "dms-tray-popup.exe" } else { "dms-tray-popup" };

/// `$DMS_TRAY_POPUP`, else `dms-tray-popup` beside this binary.
pub fn program() -> PathBuf {
    if let Some(path) = std::env::var_os("DMS_TRAY_POPUP") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    exe.with_file_name(POPUP_PROGRAM)
}

/// How to open the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Opening {
    /// Where the tray icon was clicked, in screen pixels.
    pub at: Option<(i32, i32)>,
    /// On the Settings view rather than the list.
    pub settings: bool,
}

/// Said when the popup cannot run; the tray and notifications still do.
#[cfg(windows)]
const NO_WEBVIEW2: &str = "The popup needs the Microsoft Edge WebView2 Runtime, which this computer lacks: \
    install it from https://go.microsoft.com/fwlink/p/?LinkId=2124703 or ask your IT department. \
    The tray icon and the notifications work without it.";

/// Starts the popup; the error says what went wrong in the user's words.
pub fn spawn(program: &Path, socket: &Path, opening: Opening) -> Result<Child, String> {
    #[cfg(windows)]
    if !crate::registry::webview2_installed() {
        return Err(NO_WEBVIEW2.to_string());
    }
    let mut command = Command::new(program);
    command.arg("--socket").arg(socket);
    if let Some((x, y)) = opening.at {
        command.arg("--at").arg(format!("{x},{y}"));
    }
    if opening.settings {
        command.arg("--settings");
    }
    command.stdin(Stdio::null()).kill_on_drop(true);
    command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{} is missing; reinstall dms-tray", program.display()),
        _ => format!("cannot start {}: {e}", program.display()),
    })
}
