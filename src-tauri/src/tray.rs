//! The tray icon: draws the core's [`TrayLook`], tooltip and menu, and
//! turns clicks and menu items back into actions. Each part is only re-set
//! when it changes, so an unchanged poll costs the desktop nothing.

use std::sync::Mutex;

use dms_tray_core::menu::{tray_menu, MenuAction, MenuEntry};
use dms_tray_core::tray::{tooltip, tray_look, TrayLook};
use dms_tray_core::view::View;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, PhysicalPosition, Wry};

use crate::tray_art::{self, ICON_SIZE};

/// What the tray shows now, to skip updates that change nothing.
#[derive(Default, PartialEq)]
struct Shown {
    look: Option<TrayLook>,
    title: String,
    description: String,
    menu: Vec<MenuEntry>,
}

pub struct Tray {
    icon: TrayIcon,
    shown: Mutex<Shown>,
}

/// Where a click or a menu item leads; the app decides what it does.
pub trait TrayActions: Send + Sync + 'static {
    fn clicked(&self, app: &AppHandle, position: Option<PhysicalPosition<f64>>);
    fn menu(&self, app: &AppHandle, action: MenuAction);
}

impl Tray {
    pub fn create(app: &AppHandle, actions: impl TrayActions) -> tauri::Result<Tray> {
        let actions = std::sync::Arc::new(actions);
        let on_menu = actions.clone();
        let icon = TrayIconBuilder::with_id("dms-tray")
            .show_menu_on_left_click(false)
            .on_tray_icon_event(move |tray, event| {
                if let TrayIconEvent::Click { button: MouseButton::Left, position, .. } = event {
                    // SNI hosts that do not say where report (0, 0).
                    let known = position.x != 0.0 || position.y != 0.0;
                    actions.clicked(tray.app_handle(), known.then_some(position));
                }
            })
            .on_menu_event(move |app, event| match MenuAction::from_id(event.id().as_ref()) {
                Some(action) => on_menu.menu(app, action),
                None => log::warn!("unknown tray menu item {:?}", event.id()),
            })
            .build(app)?;
        Ok(Tray { icon, shown: Mutex::new(Shown::default()) })
    }

    /// Shows the view: icon, title and tooltip, menu (with the pause, if any).
    pub fn show(&self, view: &View, paused_until: Option<&str>) -> tauri::Result<()> {
        let mut shown = self.shown.lock().expect("the tray state is not poisoned");
        let look = tray_look(view);
        if shown.look != Some(look) {
            log::debug!("tray icon: {look:?}");
            let rgba = tray_art::render(look);
            self.icon.set_icon(Some(Image::new_owned(rgba, ICON_SIZE, ICON_SIZE)))?;
            shown.look = Some(look);
        }
        let title = tooltip(view);
        let description: String =
            view.organizations.iter().map(dms_tray_core::menu::organization_line).collect::<Vec<_>>().join("\n");
        if shown.title != title || shown.description != description {
            self.icon.set_title(Some(&title))?;
            self.icon.set_tooltip(Some(&description))?;
            shown.title = title;
            shown.description = description;
        }
        let entries = tray_menu(view, paused_until);
        if shown.menu != entries {
            self.icon.set_menu(Some(build_menu(self.icon.app_handle(), &entries)?))?;
            shown.menu = entries;
        }
        Ok(())
    }
}

fn build_menu(app: &AppHandle, entries: &[MenuEntry]) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    for entry in entries {
        match entry {
            MenuEntry::Item { action, label } => {
                // A single `&` marks a mnemonic in menu labels; names are shown as written.
                let text = label.replace('&', "&&");
                menu.append(&MenuItem::with_id(app, action.id(), text, true, None::<&str>)?)?;
            }
            MenuEntry::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
        }
    }
    Ok(menu)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// Left click and the tooltip only work with tray-icon's StatusNotifierItem
    /// backend (`ksni`), in the tray-icon that Tauri itself uses.
    #[test]
    fn the_linux_tray_uses_the_status_notifier_item_backend() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let output = std::process::Command::new(cargo)
            .args(["tree", "--manifest-path", manifest, "--offline", "--locked", "-e", "features", "-i", "tray-icon"])
            .output()
            .expect("cargo tree runs");
        let tree = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(tree.lines().next().unwrap_or("").starts_with("tray-icon v0.25."), "{tree}");
        assert!(tree.contains("tray-icon feature \"ksni\""), "{tree}");
        assert!(tree.contains("── tauri v2.12."), "Tauri uses this tray-icon: {tree}");
    }
}
