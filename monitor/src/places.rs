//! Where dms-tray keeps its files, in each platform's own places: the
//! configuration where the user's settings go, and the log, the history
//! and the channel's name where the machine's local state goes.

use std::path::{Path, PathBuf};

/// The folder of `config.toml`.
pub fn config_dir() -> PathBuf {
    platform::config_base().join("dms-tray")
}

/// The folder of the log and the history.
pub fn state_dir() -> PathBuf {
    platform::state_base().join("dms-tray")
}

/// The history the tray app writes; the demo keeps its own, apart from the
/// real one.
pub fn history_file(demo: bool) -> PathBuf {
    state_dir().join(if demo { "demo-history.sqlite3" } else { "history.sqlite3" })
}

/// `path` with `suffix` after its file name: `history.sqlite3-wal`,
/// `dms-tray.log.1`.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Linux and the other Unixes: the XDG base directories.
#[cfg(not(any(windows, target_os = "macos")))]
mod platform {
    use std::path::PathBuf;

    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub fn config_base() -> PathBuf {
        std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| dirs::home_dir().map(|h| h.join(".config")))
            .unwrap_or_else(|| PathBuf::from(".config"))
    }

    /// `$XDG_STATE_HOME`, else `~/.local/state`.
    pub fn state_base() -> PathBuf {
        dirs::state_dir()
            .or_else(|| dirs::home_dir().map(|h| h.join(".local/state")))
            .unwrap_or_else(std::env::temp_dir)
    }
}

/// Windows and macOS: the folders `dirs` knows for them. On Windows the
/// roaming `%APPDATA%` for settings, which follow the user from desk to
/// desk, and `%LOCALAPPDATA%` for what belongs to the machine; on macOS
/// `~/Library/Application Support` for both.
#[cfg(any(windows, target_os = "macos"))]
mod platform {
    use std::path::PathBuf;

    pub fn config_base() -> PathBuf {
        dirs::config_dir().unwrap_or_else(std::env::temp_dir)
    }

    pub fn state_base() -> PathBuf {
        dirs::data_local_dir().unwrap_or_else(std::env::temp_dir)
    }
}
