//! Toasts on Windows (notify-rust over WinRT). Each alert is a toast of its
//! own: Windows toasts cannot replace each other through notify-rust. They
//! go out under dms-tray's AppUserModelID when the installer registered it,
//! so they show its name and icon, else under notify-rust's stand-in id
//! (Windows drops toasts of an id it does not know). A click on a toast or
//! its buttons comes back while dms-tray runs.

use std::sync::Arc;

use dms_tray_core::alerts::Alert;
use notify_rust::{Notification, NotificationResponse};

use super::{respond, urgency, Response, OPEN};

pub struct Notifier {
    on_response: Arc<dyn Fn(Response) + Send + Sync>,
    registered: bool,
}

impl Notifier {
    pub fn new(on_response: impl Fn(Response) + Send + Sync + 'static) -> Notifier {
        let registered = crate::registry::toast_identity_registered();
        if !registered {
            log::info!("dms-tray is not installed: its toasts show under a stand-in name");
        }
        Notifier { on_response: Arc::new(on_response), registered }
    }

    /// Shows an alert; a failure is logged, never fatal.
    pub fn show(&self, alert: &Alert) {
        let mut notification = Notification::new();
        // A critical toast stays on screen until dismissed.
        notification.summary(&alert.summary).body(&alert.body).urgency(urgency(alert.urgency));
        if self.registered {
            notification.app_id(crate::APP_ID);
        }
        let Some(handle) = super::show(&mut notification, alert, alert.system.is_some()) else { return };
        if let Some(system) = alert.system {
            let on_response = self.on_response.clone();
            std::thread::spawn(move || {
                let _ = handle.wait_for_response(|response: &NotificationResponse| {
                    let action = match response {
                        NotificationResponse::Default => OPEN,
                        NotificationResponse::Action(action) => action.as_str(),
                        _ => return,
                    };
                    if let Some(response) = respond(action, system) {
                        on_response(response);
                    }
                });
            });
        }
    }
}
