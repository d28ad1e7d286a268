//! Notifications over D-Bus (Linux and the BSDs, through notify-rust):
//! each alert replaces the earlier notification of its topic (a recovery
//! replaces its outage), names the desktop entry, and offers "Open",
//! "Acknowledge" (for an outage) and "Snooze 1 h" where the notification server supports actions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use dms_tray_core::alerts::{Alert, Topic, Urgency};
use notify_rust::{Hint, Notification};

use super::{respond, urgency, Response};

/// The notification server's abilities, asked once.
#[derive(Debug, Clone, Copy)]
struct Capabilities {
    actions: bool,
    body_markup: bool,
}

/// The notification server's id of each topic's notification, and which
/// showing of it is current: a replaced notification keeps its id, and the
/// listener of its earlier showing must then stay quiet.
type Shown = Arc<Mutex<HashMap<Topic, (u32, u64)>>>;

pub struct Notifier {
    shown: Shown,
    showings: AtomicU64,
    /// Known once a notification server answered; until then, asked again
    /// for each notification (at login the server may start after
    /// dms-tray).
    capabilities: OnceLock<Capabilities>,
    on_response: Arc<dyn Fn(Response) + Send + Sync>,
}

impl Notifier {
    pub fn new(on_response: impl Fn(Response) + Send + Sync + 'static) -> Notifier {
        let notifier = Notifier {
            shown: Shown::default(),
            showings: AtomicU64::new(0),
            capabilities: OnceLock::new(),
            on_response: Arc::new(on_response),
        };
        notifier.capabilities();
        notifier
    }

    /// The server's abilities, asking it when they are not known yet.
    fn capabilities(&self) -> Option<Capabilities> {
        if let Some(known) = self.capabilities.get() {
            return Some(*known);
        }
        match notify_rust::get_capabilities() {
            Ok(caps) => Some(*self.capabilities.get_or_init(|| Capabilities {
                actions: caps.iter().any(|c| c == "actions"),
                body_markup: caps.iter().any(|c| c == "body-markup"),
            })),
            Err(e) => {
                log::warn!("no notification server: {e}");
                None
            }
        }
    }

    /// Shows an alert; a failure is logged, never fatal.
    pub fn show(&self, alert: &Alert) {
        let Some(capabilities) = self.capabilities() else { return };
        let mut notification = Notification::new();
        let body = if capabilities.body_markup { escape_markup(&alert.body) } else { alert.body.clone() };
        notification
            .appname("dms-tray")
            .summary(&alert.summary)
            .body(&body)
            .icon(match alert.urgency {
                Urgency::Critical => "dialog-error",
                Urgency::Normal => "dialog-warning",
                Urgency::Low => "dialog-information",
            })
            .hint(Hint::DesktopEntry("dms-tray".into()))
            .urgency(urgency(alert.urgency));
        let mut shown = self.shown.lock().expect("not poisoned");
        if alert.topic != Topic::Summary {
            if let Some((id, _)) = shown.get(&alert.topic) {
                notification.id(*id);
            }
        }
        let actionable = alert.system.filter(|_| capabilities.actions);
        let Some(handle) = super::show(&mut notification, alert, actionable.is_some()) else { return };
        let showing = self.showings.fetch_add(1, Ordering::Relaxed);
        shown.insert(alert.topic.clone(), (handle.id(), showing));
        if let Some(system) = actionable {
            let on_response = self.on_response.clone();
            let shown = self.shown.clone();
            let topic = alert.topic.clone();
            std::thread::spawn(move || {
                handle.wait_for_action(|action| {
                    let current = shown.lock().expect("not poisoned").get(&topic).is_some_and(|(_, s)| *s == showing);
                    if let Some(response) = respond(action, system).filter(|_| current) {
                        on_response(response);
                    }
                })
            });
        }
    }
}

/// Names are data: `<`, `>` and `&` reach a markup-reading server escaped.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape_markup("<img src=x onerror=alert(1)> & co"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; co"
        );
    }
}
