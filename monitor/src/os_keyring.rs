//! The OS keyring, where the keys of `key_keyring` live: the Secret Service
//! on Linux, the Credential Manager on Windows, the Keychain on macOS (the
//! keyring crate picks the store of the platform). Entries belong to the
//! service `dms-tray` and are named by `key_keyring`. Any call may block:
//! a locked keyring can ask the user to unlock it.

use keyring::{Entry, Error};

/// The service the entries belong to, as keyring managers show it.
pub const SERVICE: &str = "dms-tray";

/// The key stored under `name`, or `None` when there is none.
pub fn read(name: &str) -> Result<Option<String>, String> {
    match entry(name)?.get_password() {
        Ok(key) => Ok(Some(key)),
        Err(Error::NoEntry) => Ok(None),
        Err(e) => Err(describe(e)),
    }
}

/// Stores `key` under `name`, replacing the key stored there.
pub fn store(name: &str, key: &str) -> Result<(), String> {
    entry(name)?.set_password(key).map_err(describe)
}

/// Deletes the key stored under `name`; `false` when there was none.
pub fn delete(name: &str) -> Result<bool, String> {
    match entry(name)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(Error::NoEntry) => Ok(false),
        Err(e) => Err(describe(e)),
    }
}

fn entry(name: &str) -> Result<Entry, String> {
    Entry::new(SERVICE, name).map_err(describe)
}

/// The keyring's error in words, without the crate's type names.
fn describe(error: Error) -> String {
    match error {
        Error::NoStorageAccess(e) => format!("the keyring cannot be reached or is locked ({e})"),
        Error::PlatformFailure(e) => format!("the keyring failed ({e})"),
        other => other.to_string(),
    }
}
