//! Desktop notifications: the alerts of the core's policy, shown the way
//! each platform shows them (notify-rust underneath). On D-Bus desktops
//! they replace each other by topic and carry actions; Windows toasts carry
//! the same actions; on macOS an alert is a plain notification.

use dms_tray_core::alerts::{Alert, SystemRef, Urgency};

#[cfg(all(unix, not(target_os = "macos")))]
mod xdg;
#[cfg(all(unix, not(target_os = "macos")))]
pub use xdg::Notifier;

#[cfg(windows)]
mod toast;
#[cfg(windows)]
pub use toast::Notifier;

#[cfg(target_os = "macos")]
mod plain;
#[cfg(target_os = "macos")]
pub use plain::Notifier;

/// What the user did with a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// The default action (a click): open the system's remote access.
    Open(SystemRef),
    Snooze(SystemRef),
    Acknowledge(SystemRef),
    CopySummary(SystemRef),
}

/// The default action: a click on the notification.
const OPEN: &str = "default";
const SNOOZE: &str = "snooze";
const ACKNOWLEDGE: &str = "acknowledge";
const COPY_SUMMARY: &str = "copy-summary";

/// What an alert about one system offers, as (action, label); an outage's
/// alert offers to acknowledge it too.
fn actions(alert: &Alert) -> Vec<(&'static str, &'static str)> {
    let mut actions = vec![(OPEN, "Open remote access")];
    if alert.acknowledgeable {
        actions.push((ACKNOWLEDGE, "Acknowledge"));
    }
    actions.push((SNOOZE, "Snooze 1 h"));
    if alert.acknowledgeable {
        actions.push((COPY_SUMMARY, "Copy incident summary"));
    }
    actions
}

/// Shows `notification`, with the actions of `alert` when it is
/// `actionable`; a failure is logged, never fatal.
fn show(
    notification: &mut notify_rust::Notification,
    alert: &Alert,
    actionable: bool,
) -> Option<notify_rust::NotificationHandle> {
    let summary = &alert.summary;
    if actionable {
        for (action, label) in actions(alert) {
            notification.action(action, label);
        }
    }
    match notification.show() {
        Ok(handle) => {
            log::info!("notified: {summary}");
            Some(handle)
        }
        Err(e) => {
            log::warn!("cannot show a notification: {e}");
            None
        }
    }
}

/// The response to an action on an alert about `system`.
#[cfg(not(target_os = "macos"))]
fn respond(action: &str, system: SystemRef) -> Option<Response> {
    match action {
        OPEN => Some(Response::Open(system)),
        SNOOZE => Some(Response::Snooze(system)),
        ACKNOWLEDGE => Some(Response::Acknowledge(system)),
        COPY_SUMMARY => Some(Response::CopySummary(system)),
        _ => None,
    }
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
