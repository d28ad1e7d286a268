//! Start at login: an XDG autostart entry on Linux, the per-user Run key on
//! Windows, a launch agent on macOS (the `auto-launch` crate), starting this
//! very binary.

use auto_launch::{AutoLaunch, AutoLaunchBuilder};

/// The login item of this binary.
fn login_item() -> Result<AutoLaunch, String> {
    let exe = std::env::current_exe().map_err(|e| format!("Cannot find dms-tray's own path: {e}"))?;
    AutoLaunchBuilder::new()
        .set_app_name("dms-tray")
        .set_app_path(&exe.to_string_lossy())
        .build()
        .map_err(|e| format!("Cannot set up start at login: {e}"))
}

pub fn is_enabled() -> bool {
    login_item().and_then(|item| item.is_enabled().map_err(|e| e.to_string())).unwrap_or(false)
}

/// Turns start at login on or off.
pub fn set(enabled: bool) -> Result<(), String> {
    let item = login_item()?;
    let result = if enabled { item.enable() } else { item.disable() };
    result.map_err(|e| format!("Cannot change start at login: {e}"))
}
