//! `dms-tray key set ORG` and `dms-tray key delete ORG`: an organization's
//! key in the OS keyring, typed without echo (or piped in), so that no
//! configuration file or shell history needs to hold it. A running
//! dms-tray is told, and starts again with the new key.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use dms_tray_core::config::KeySource;
use dms_tray_core::config_edit::use_keyring;
use dms_tray_core::ipc::ToMonitor;
use dms_tray_core::keys::{checked_key, find_organization, keyring_name, label};

use crate::config_file::{self, ConfigLocation};
use crate::{channel, os_keyring};

/// Reads the key and stores it under the organization's keyring entry. An
/// organization whose key came from elsewhere is switched to `key_keyring`
/// in the file, which then no longer holds the key.
pub fn set(location: &ConfigLocation, which: &str) -> Result<ExitCode, String> {
    let config = config_file::load(location)?.ok_or_else(|| no_config(location))?;
    let organization = find_organization(&config, which)?;
    let (label, entry) = (label(organization), keyring_name(organization));
    let typed = read_key(&label)?;
    let key = checked_key(&typed)?;
    os_keyring::store(&entry, key).map_err(|e| format!("cannot store the key of {label}: {e}"))?;
    println!("Stored the key of {label} in the keyring (service {}, name {entry:?}).", os_keyring::SERVICE);
    if organization.key != KeySource::Keyring(entry.clone()) {
        config_file::rewrite(&location.path, |path, text| use_keyring(path, text, organization.id, &entry))?;
        println!("{} now reads it from there (key_keyring = {entry:?}).", location.path.display());
    }
    tell_the_running_monitor();
    Ok(ExitCode::SUCCESS)
}

/// Deletes the organization's keyring entry; the file is left as it is.
pub fn delete(location: &ConfigLocation, which: &str) -> Result<ExitCode, String> {
    let config = config_file::load(location)?.ok_or_else(|| no_config(location))?;
    let organization = find_organization(&config, which)?;
    let (label, entry) = (label(organization), keyring_name(organization));
    let deleted = os_keyring::delete(&entry).map_err(|e| format!("cannot delete the key of {label}: {e}"))?;
    if !deleted {
        return Err(format!("the keyring holds no key named {entry:?} for {label}; nothing was deleted."));
    }
    println!("Deleted the key of {label} from the keyring (name {entry:?}).");
    tell_the_running_monitor();
    Ok(ExitCode::SUCCESS)
}

/// From the terminal without echo, else all of stdin (a pipe or a file).
fn read_key(label: &str) -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("Key of {label} (not shown): "))
            .map_err(|e| format!("cannot read the key from the terminal: {e}"));
    }
    let mut text = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the key from stdin: {e}"))?;
    Ok(text)
}

/// A dms-tray that runs starts again, to read the keys anew; none running
/// is fine.
fn tell_the_running_monitor() {
    let told = tokio::runtime::Builder::new_current_thread().enable_all().build().is_ok_and(|runtime| {
        runtime.block_on(async {
            match channel::connect(&channel::place()).await {
                Some(stream) => channel::tell(stream, &ToMonitor::KeysChanged).await.is_ok(),
                None => false,
            }
        })
    });
    if told {
        println!("The running dms-tray starts again with it.");
    }
}

fn no_config(location: &ConfigLocation) -> String {
    format!("no configuration at {}; the key of an organization goes with its [[organizations]] section there (see the README).", location.path.display())
}
