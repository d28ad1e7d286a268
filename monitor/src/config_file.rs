//! Finds and reads the configuration file: `--config PATH`, else
//! `$DMS_TRAY_CONFIG`, else `config.toml` in the user's configuration
//! folder (`places`). Parsing and checking are the core's.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use dms_tray_core::config::{self, Config, KeySource};
use dms_tray_core::keys::label;

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

/// `config.toml` in the user's configuration folder.
pub fn default_path() -> PathBuf {
    crate::places::config_dir().join("config.toml")
}

/// Reads and checks the configuration. `Ok(None)`: there is no file at the
/// default location, which is not an error (first run).
pub fn load(location: &ConfigLocation) -> Result<Option<Config>, String> {
    let text = match std::fs::read_to_string(&location.path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !location.explicit => return Ok(None),
        Err(e) => return Err(read_error(&location.path, &e)),
    };
    let config = config::parse(&location.path, &text).map_err(|e| e.to_string())?;
    refuse_readable_keys(&location.path, &config)?;
    if let Some(ca_file) = &config.ca_file {
        crate::client::ca_certificates(ca_file)?;
    }
    Ok(Some(config))
}

/// Like ssh with a private key: a configuration file that holds a key, or
/// a `key_file`, that other users may read is refused, with the command
/// that makes it private.
fn refuse_readable_keys(path: &Path, config: &Config) -> Result<(), String> {
    if config.organizations.iter().any(|o| matches!(o.key, KeySource::Inline(_))) {
        private(path)?;
    }
    for organization in &config.organizations {
        if let KeySource::File(key_file) = &organization.key {
            private(key_file)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    // A key file that cannot be read is reported when the key is read.
    let Ok(metadata) = std::fs::metadata(path) else { return Ok(()) };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    Err(format!(
        "{}: holds an API key that other users can read (mode {mode:o}); make it private with: chmod 600 '{}'",
        path.display(),
        path.display()
    ))
}

/// Elsewhere the file's access list is the user's own business.
#[cfg(not(unix))]
fn private(_path: &Path) -> Result<(), String> {
    Ok(())
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
/// variable, file or keyring), in configuration order.
pub fn resolve_keys(config: &Config) -> Result<Vec<String>, String> {
    config
        .organizations
        .iter()
        .map(|org| {
            org.key
                .resolve(|var| std::env::var(var).ok(), |path| std::fs::read_to_string(path), crate::os_keyring::read)
                .map_err(|e| format!("organization {}: {e}", label(org)))
        })
        .collect()
}

/// Rewrites the file with `edit` the way an editor that cares does: the new
/// text goes to a temporary file created private (0600) in the same folder,
/// is flushed to the disk, takes the mode and owner of the file it replaces
/// and is renamed over it; the folder is flushed too. A symbolic link is
/// followed, so that the file it points at is rewritten and the link stays.
/// A crash leaves the old file or the new one, never half of one, and a
/// failure leaves no temporary file (which could hold a key) behind.
pub fn rewrite(path: &Path, edit: impl FnOnce(&Path, &str) -> Result<String, String>) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    let edited = edit(path, &text)?;
    let target = std::fs::canonicalize(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    replace(&target, edited.as_bytes()).map_err(|e| format!("Cannot write {}: {e}", target.display()))?;
    log::info!("saved the settings to {}", target.display());
    Ok(())
}

/// [`rewrite`], or, when there is no file yet (the first organization added
/// in the demo), a new one made by `edit` from nothing, private (0600).
pub fn rewrite_or_create(path: &Path, edit: impl FnOnce(&Path, &str) -> Result<String, String>) -> Result<(), String> {
    if path.exists() {
        return rewrite(path, edit);
    }
    let text = edit(path, "")?;
    let folder = path.parent().ok_or_else(|| format!("Cannot write {}: it has no folder", path.display()))?;
    std::fs::create_dir_all(folder).map_err(|e| format!("Cannot make the folder {}: {e}", folder.display()))?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".config.toml.")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(|e| format!("Cannot write in {}: {e}", folder.display()))?;
    temporary.write_all(text.as_bytes()).map_err(|e| format!("Cannot write {}: {e}", path.display()))?;
    temporary.persist_noclobber(path).map_err(|e| format!("Cannot write {}: {}", path.display(), e.error))?;
    log::info!("wrote a new configuration file at {}", path.display());
    Ok(())
}

fn replace(target: &Path, contents: &[u8]) -> io::Result<()> {
    let folder = target.parent().ok_or_else(|| io::Error::other("the file has no folder"))?;
    let original = std::fs::metadata(target)?;
    let mut temporary = tempfile::Builder::new().prefix(".config.toml.").suffix(".tmp").tempfile_in(folder)?;
    temporary.write_all(contents)?;
    keep_mode_and_owner(temporary.as_file(), &original)?;
    temporary.as_file().sync_all()?;
    temporary.persist(target).map_err(|e| e.error)?;
    sync_folder(folder)
}

/// The replacement gets the permissions and owner of the file it replaces
/// (a temporary file starts out private to this user).
#[cfg(unix)]
fn keep_mode_and_owner(file: &std::fs::File, original: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let current = file.metadata()?;
    if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
        std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()))?;
    }
    file.set_permissions(original.permissions())
}

#[cfg(not(unix))]
fn keep_mode_and_owner(file: &std::fs::File, original: &std::fs::Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
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

    /// A scratch folder of this test's own.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dms-tray-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn a_rewrite_keeps_a_private_file_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("private");
        let path = dir.join("config.toml");
        for mode in [0o600, 0o640] {
            std::fs::write(&path, "key = \"secret\"\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            rewrite(&path, |_, text| Ok(format!("{text}# saved\n"))).unwrap();
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, mode);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "key = \"secret\"\n# saved\n");
        }
        assert_eq!(leftovers(&dir), ["config.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_rewrite_through_a_symbolic_link_writes_the_file_it_points_at() {
        let dir = scratch("symlink");
        std::fs::create_dir(dir.join("dotfiles")).unwrap();
        let real = dir.join("dotfiles").join("dms-tray.toml");
        std::fs::write(&real, "poll_interval = \"60s\"\n").unwrap();
        let link = dir.join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        rewrite(&link, |_, _| Ok("poll_interval = \"2m\"\n".into())).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "poll_interval = \"2m\"\n");
        assert_eq!(leftovers(&dir.join("dotfiles")), ["dms-tray.toml"]);
    }

    #[test]
    fn a_failed_write_leaves_the_file_and_no_temporary_file() {
        let dir = scratch("failed");
        let path = dir.join("config.toml");
        std::fs::write(&path, "key = \"secret\"\n").unwrap();
        // Something takes the file's place while the settings are saved: the
        // rename cannot replace a folder that is not empty.
        let error = rewrite(&path, |path, text| {
            std::fs::remove_file(path).unwrap();
            std::fs::create_dir_all(path.join("taken")).unwrap();
            Ok(format!("{text}# saved\n"))
        })
        .unwrap_err();
        assert!(error.starts_with("Cannot "), "{error}");
        assert_eq!(leftovers(&dir), ["config.toml"], "no temporary file with the key in it");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_other_users_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("readable");
        let mode =
            |path: &Path, mode: u32| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        let org = "[[organizations]]\napi_url = \"https://api.dataminer.services/api/status-api\"\nid = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\n";
        let path = dir.join("config.toml");
        let location = ConfigLocation { path: path.clone(), explicit: true };

        std::fs::write(&path, format!("{org}key = \"secret\"\n")).unwrap();
        mode(&path, 0o644);
        let message = load(&location).unwrap_err();
        assert_eq!(
            message,
            format!(
                "{0}: holds an API key that other users can read (mode 644); make it private with: chmod 600 '{0}'",
                path.display()
            )
        );
        mode(&path, 0o640);
        assert!(load(&location).unwrap_err().contains("(mode 640)"));
        mode(&path, 0o600);
        assert!(load(&location).unwrap().is_some());

        let key_file = dir.join("org.key");
        std::fs::write(&key_file, "secret\n").unwrap();
        mode(&key_file, 0o604);
        std::fs::write(&path, format!("{org}key_file = \"org.key\"\n")).unwrap();
        mode(&path, 0o644);
        let message = load(&location).unwrap_err();
        assert!(message.starts_with(&format!("{}: holds an API key", key_file.display())), "{message}");
        mode(&key_file, 0o400);
        assert!(load(&location).unwrap().is_some(), "a configuration without the key itself may be readable");
    }
}
