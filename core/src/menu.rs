//! The tray menu as plain data: built by a pure function from the view, so
//! that its lines are unit-tested and the tray adapter only draws them.

use uuid::Uuid;

use crate::view::{OrgView, View};
use crate::wording::Attention;

/// dataminer.services pages the menu links to.
pub const ADMIN_URL: &str = "https://admin.dataminer.services/";
pub const PLATFORM_STATUS_URL: &str = "https://aka.dataminer.services/status";

/// The organization's home page on dataminer.services.
pub fn home_url(organization: Uuid) -> String {
    format!("https://dataminer.services/{organization}")
}

/// What a menu item does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuAction {
    ShowPopup,
    RefreshNow,
    OpenHome(Uuid),
    OpenAdmin,
    PlatformStatus,
    /// Pause every notification for an hour.
    PauseHour,
    /// Pause every notification until tomorrow morning.
    PauseUntilTomorrow,
    ResumeNotifications,
    Settings,
    Quit,
}

impl MenuAction {
    /// The item id the tray carries; [`MenuAction::from_id`] reads it back.
    pub fn id(&self) -> String {
        match self {
            MenuAction::ShowPopup => "show".into(),
            MenuAction::RefreshNow => "refresh".into(),
            MenuAction::OpenHome(org) => format!("home:{org}"),
            MenuAction::OpenAdmin => "admin".into(),
            MenuAction::PlatformStatus => "platform-status".into(),
            MenuAction::PauseHour => "pause-hour".into(),
            MenuAction::PauseUntilTomorrow => "pause-tomorrow".into(),
            MenuAction::ResumeNotifications => "resume".into(),
            MenuAction::Settings => "settings".into(),
            MenuAction::Quit => "quit".into(),
        }
    }

    pub fn from_id(id: &str) -> Option<MenuAction> {
        Some(match id {
            "show" => MenuAction::ShowPopup,
            "refresh" => MenuAction::RefreshNow,
            "admin" => MenuAction::OpenAdmin,
            "platform-status" => MenuAction::PlatformStatus,
            "pause-hour" => MenuAction::PauseHour,
            "pause-tomorrow" => MenuAction::PauseUntilTomorrow,
            "resume" => MenuAction::ResumeNotifications,
            "settings" => MenuAction::Settings,
            "quit" => MenuAction::Quit,
            other => MenuAction::OpenHome(other.strip_prefix("home:")?.parse().ok()?),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuEntry {
    Item { action: MenuAction, label: String },
    Separator,
}

fn item(action: MenuAction, label: impl Into<String>) -> MenuEntry {
    MenuEntry::Item { action, label: label.into() }
}

/// "Skyline: 2 of 12 need attention", "Skyline: key rejected (401)", …
pub fn organization_line(org: &OrgView) -> String {
    let status = match &org.error {
        Some(error) => error.message.clone(),
        None if !org.has_data() => "updating…".into(),
        None => Attention::of(&org.systems).short(),
    };
    format!("{}: {status}", org.name)
}

/// The whole tray menu for a view. `paused_until` says until when
/// notifications are paused ("14:30"), if they are.
pub fn tray_menu(view: &View, paused_until: Option<&str>) -> Vec<MenuEntry> {
    let mut entries = Vec::new();
    if view.organizations.is_empty() {
        entries.push(item(MenuAction::Settings, "No organizations configured"));
    }
    for org in &view.organizations {
        entries.push(item(MenuAction::ShowPopup, organization_line(org)));
    }
    entries.push(MenuEntry::Separator);
    entries.push(item(MenuAction::RefreshNow, "Refresh now"));
    let several = view.organizations.len() > 1;
    for org in &view.organizations {
        let label = if several {
            format!("Open dataminer.services — {}", org.name)
        } else {
            "Open dataminer.services".to_string()
        };
        entries.push(item(MenuAction::OpenHome(org.id), label));
    }
    entries.push(item(MenuAction::OpenAdmin, "Open Admin"));
    entries.push(item(MenuAction::PlatformStatus, "Platform status"));
    entries.push(MenuEntry::Separator);
    match paused_until {
        Some(until) => {
            entries.push(item(MenuAction::ResumeNotifications, format!("Resume notifications (paused until {until})")))
        }
        None => {
            entries.push(item(MenuAction::PauseHour, "Pause notifications for 1 hour"));
            entries.push(item(MenuAction::PauseUntilTomorrow, "Pause notifications until tomorrow"));
        }
    }
    entries.push(item(MenuAction::Settings, "Settings…"));
    entries.push(item(MenuAction::Quit, "Quit"));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;
    use crate::poll::PollErrorKind;
    use crate::view::tests::{at, failed, fresh, org_id, system};
    use crate::view::OrgSnapshot;

    fn labels(entries: &[MenuEntry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                MenuEntry::Item { label, .. } => label.clone(),
                MenuEntry::Separator => "---".into(),
            })
            .collect()
    }

    #[test]
    fn one_organization() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "A", Ok), system(2, "B", NoConnection)]), at(0));
        let menu = tray_menu(&View { organizations: vec![snap.view()] }, None);
        assert_eq!(
            labels(&menu),
            [
                "Skyline: 1 of 2 needs attention",
                "---",
                "Refresh now",
                "Open dataminer.services",
                "Open Admin",
                "Platform status",
                "---",
                "Pause notifications for 1 hour",
                "Pause notifications until tomorrow",
                "Settings…",
                "Quit"
            ]
        );
        let paused = tray_menu(&View { organizations: vec![snap.view()] }, Some("14:30"));
        assert!(paused.contains(&item(MenuAction::ResumeNotifications, "Resume notifications (paused until 14:30)")));
        assert!(!labels(&paused).iter().any(|l| l.starts_with("Pause")));
        assert!(menu.contains(&item(MenuAction::OpenHome(org_id()), "Open dataminer.services")));
    }

    #[test]
    fn several_organizations_each_with_their_line_and_home() {
        let mut ok = OrgSnapshot::new(uuid::Uuid::from_u128(1), Some("Production".into()));
        ok.record(&fresh(vec![system(1, "A", Ok)]), at(0));
        let mut failing = OrgSnapshot::new(uuid::Uuid::from_u128(2), Some("Lab".into()));
        failing.record(&failed(PollErrorKind::KeyRejected), at(0));
        let waiting = OrgSnapshot::new(uuid::Uuid::from_u128(3), Some("New".into()));
        let menu = tray_menu(&View { organizations: vec![ok.view(), failing.view(), waiting.view()] }, None);
        let labels = labels(&menu);
        assert_eq!(&labels[..3], ["Production: connected", "Lab: KeyRejected", "New: updating…"]);
        assert!(labels.contains(&"Open dataminer.services — Lab".to_string()));
    }

    #[test]
    fn no_organizations_points_to_settings() {
        let menu = tray_menu(&View::default(), None);
        assert_eq!(menu[0], item(MenuAction::Settings, "No organizations configured"));
        assert_eq!(menu.last(), Some(&item(MenuAction::Quit, "Quit")));
    }

    #[test]
    fn ids_read_back_to_their_action() {
        let actions = [
            MenuAction::ShowPopup,
            MenuAction::RefreshNow,
            MenuAction::OpenHome(org_id()),
            MenuAction::OpenAdmin,
            MenuAction::PlatformStatus,
            MenuAction::PauseHour,
            MenuAction::PauseUntilTomorrow,
            MenuAction::ResumeNotifications,
            MenuAction::Settings,
            MenuAction::Quit,
        ];
        for action in actions {
            assert_eq!(MenuAction::from_id(&action.id()), Some(action));
        }
        assert_eq!(MenuAction::from_id("home:not-a-guid"), None);
        assert_eq!(MenuAction::from_id("bogus"), None);
        assert_eq!(home_url(org_id()), "https://dataminer.services/0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10");
    }
}
