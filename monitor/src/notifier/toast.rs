//! Notifications on Windows (toasts) and macOS (the notification centre),
//! through notify-rust, which offers neither replacing a notification nor
//! actions there: each alert is shown as a toast of its own, and a click
//! on it does nothing yet.

use dms_tray_core::alerts::Alert;
use notify_rust::Notification;

use super::Response;

pub struct Notifier;

impl Notifier {
    /// No response can come back from a toast yet: `on_response` is unused.
    pub fn new(_on_response: impl Fn(Response) + Send + Sync + 'static) -> Notifier {
        Notifier
    }

    /// Shows an alert; a failure is logged, never fatal.
    pub fn show(&self, alert: &Alert) {
        let mut notification = Notification::new();
        notification.appname("dms-tray").summary(&alert.summary).body(&alert.body);
        // A critical toast stays on screen until dismissed.
        #[cfg(windows)]
        notification.urgency(super::urgency(alert.urgency));
        match notification.show() {
            Ok(_) => log::info!("notified: {}", alert.summary),
            Err(e) => log::warn!("cannot show a notification: {e}"),
        }
    }
}
