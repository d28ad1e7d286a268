//! Notifications on macOS (the notification centre, through notify-rust):
//! each alert is a notification of its own, without actions.

use dms_tray_core::alerts::Alert;
use notify_rust::Notification;

use super::Response;

pub struct Notifier;

impl Notifier {
    /// No response comes back from these notifications: `on_response` is unused.
    pub fn new(_on_response: impl Fn(Response) + Send + Sync + 'static) -> Notifier {
        Notifier
    }

    /// Shows an alert; a failure is logged, never fatal.
    pub fn show(&self, alert: &Alert) {
        let mut notification = Notification::new();
        notification.appname("dms-tray").summary(&alert.summary).body(&alert.body);
        super::show(&mut notification, alert, false);
    }
}
