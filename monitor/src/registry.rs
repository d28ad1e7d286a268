//! What dms-tray reads from the Windows registry: whether the installer
//! registered its toast identity, and whether the WebView2 runtime that the
//! popup needs is installed.

use winreg::enums::{HKEY_CLASSES_ROOT, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE};
use winreg::RegKey;

/// The installer's `AppUserModelId` key: toasts under this id show
/// dms-tray's name and icon. Without it Windows shows no toast at all.
pub fn toast_identity_registered() -> bool {
    RegKey::predef(HKEY_CLASSES_ROOT).open_subkey(format!(r"AppUserModelId\{}", crate::APP_ID)).is_ok()
}

/// The WebView2 runtime's client key, per machine (either registry view)
/// or per user, with a version: Microsoft's documented way to detect it.
pub fn webview2_installed() -> bool {
    const CLIENT: &str = r"Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}";
    [
        (HKEY_LOCAL_MACHINE, format!(r"SOFTWARE\WOW6432Node\{CLIENT}")),
        (HKEY_LOCAL_MACHINE, format!(r"SOFTWARE\{CLIENT}")),
        (HKEY_CURRENT_USER, format!(r"Software\{CLIENT}")),
    ]
    .into_iter()
    .any(|(root, path)| {
        RegKey::predef(root)
            .open_subkey(path)
            .and_then(|key| key.get_value::<String, _>("pv"))
            .is_ok_and(|version| !version.is_empty() && version != "0.0.0.0")
    })
}
