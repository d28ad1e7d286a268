//! Desktop notifications: the alerts of the core's policy, shown the way
//! each platform shows them (notify-rust underneath). On D-Bus desktops
//! they replace each other by topic and carry actions; elsewhere notify-rust
//! offers neither, and an alert is a plain toast.

use dms_tray_core::alerts::{SystemRef, Urgency};

#[cfg(all(unix, not(target_os = "macos")))]
mod xdg;
#[cfg(all(unix, not(target_os = "macos")))]
pub use xdg::Notifier;

#[cfg(not(all(unix, not(target_os = "macos"))))]
mod toast;
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub use toast::Notifier;

/// What the user did with a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// The default action (a click): open the system's remote access.
    Open(SystemRef),
    Snooze(SystemRef),
}

/// The core's urgency in notify-rust's words (which macOS does not take).
#[cfg(not(target_os = "macos"))]
fn urgency(urgency: Urgency) -> notify_rust::Urgency {
    match urgency {
        Urgency::Critical => notify_rust::Urgency::Critical,
        Urgency::Normal => notify_rust::Urgency::Normal,
        Urgency::Low => notify_rust::Urgency::Low,
    }
}
