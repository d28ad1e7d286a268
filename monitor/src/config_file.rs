//! Finds and reads the configuration file: `--config PATH`, else
//! `$DMS_TRAY_CONFIG`, else `$XDG_CONFIG_HOME/dms-tray/config.toml`
//! (`~/.config/dms-tray/config.toml`). Parsing and checking are the core's.

use std::io;
use std::path::{Path, PathBuf};

use dms_tray_core::config::{self, Config};

/// Where the configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    pub path: PathBuf,
    /// Named by the user (flag or environment): a missing file is an error.
    pub explicit: bool,
}

/// The path to use, given `--config` or `$DMS_TRAY_CONFIG` (clap reads both).
pub fn locate(named: Option<PathBuf>) -> ConfigLocation {
    match named {
        Some(path) => ConfigLocation { path, explicit: true },
        None => ConfigLocation { path: default_path(), explicit: false },
    }
}

/// `$XDG_CONFIG_HOME/dms-tray/config.toml`, falling back to `~/.config`.
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| dirs::home_dir().map(|h| h.join(".config")))
        .unwrap_or_else(|| PathBuf::from(".config"));
    base.join("dms-tray").join("config.toml")
}

/// Reads and checks the configuration. `Ok(None)`: there is no file at the
/// default location, which is not an error (first run).
pub fn load(location: &ConfigLocation) -> Result<Option<Config>, String> {
    let text = match std::fs::read_to_string(&location.path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !location.explicit => return Ok(None),
        Err(e) => return Err(read_error(&location.path, &e)),
    };
    config::parse(&location.path, &text).map(Some).map_err(|e| e.to_string())
}

fn read_error(path: &Path, e: &io::Error) -> String {
    let hint = match e.kind() {
        io::ErrorKind::NotFound => "create it (the README shows an example) or name another file with --config",
        io::ErrorKind::PermissionDenied => "make it readable for this user",
        _ => "check the path given with --config or DMS_TRAY_CONFIG",
    };
    format!("{}: cannot read the configuration file ({e}); {hint}.", path.display())
}

/// Resolves every organization's key from its source (inline, environment
/// variable or file), in configuration order.
pub fn resolve_keys(config: &Config) -> Result<Vec<String>, String> {
    config
        .organizations
        .iter()
        .map(|org| {
            org.key
                .resolve(|var| std::env::var(var).ok(), |path| std::fs::read_to_string(path))
                .map_err(|e| format!("organization {}: {e}", org.name.as_deref().unwrap_or(&org.id.to_string())))
        })
        .collect()
}

/// Rewrites the file with `edit` through a temporary file and a rename,
/// so that a crash never leaves half a configuration behind.
pub fn rewrite(path: &Path, edit: impl FnOnce(&Path, &str) -> Result<String, String>) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    let edited = edit(path, &text)?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, edited)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    log::info!("saved the settings to {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_missing_file_is_an_error_naming_it() {
        let location = locate(Some(PathBuf::from("/nonexistent/dms-tray.toml")));
        let message = load(&location).unwrap_err();
        assert!(message.starts_with("/nonexistent/dms-tray.toml: cannot read"), "{message}");
        assert!(message.contains("--config"), "{message}");
    }

    #[test]
    fn a_missing_default_file_is_a_first_run() {
        let location = ConfigLocation { path: PathBuf::from("/nonexistent/config.toml"), explicit: false };
        assert_eq!(load(&location), Ok(None));
    }
}
