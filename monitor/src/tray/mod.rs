//! The tray icon: a thread of its own owns tray-icon's icon (only its
//! StatusNotifierItem backend on Linux: no GTK; on Windows the thread runs
//! a message loop for it) and shows what the owner sends it: the core's
//! look, drawn by `tray_art`, its title, tooltip and menu. Clicks and menu
//! items go back as [`TrayEvent`]s. Each part is only re-set when it
//! changes, so an unchanged poll costs the desktop nothing.

use std::sync::mpsc;

use dms_tray_core::menu::{MenuAction, MenuEntry};
use dms_tray_core::tray::TrayLook;
use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, MouseButton, TrayIcon, TrayIconBuilder, TrayIconEvent};

use crate::tray_art::{self, ICON_SIZE};

#[cfg(windows)]
mod windows;

/// What the tray shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrayContent {
    pub look: TrayLook,
    /// The title: "dms-tray — 2 of 14 systems need attention".
    pub title: String,
    /// The tooltip's text below the title: a line per organization.
    pub description: String,
    pub menu: Vec<MenuEntry>,
}

/// What the user did with the tray icon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayEvent {
    /// A left click, where the panel says it was.
    Clicked(Option<(i32, i32)>),
    Menu(MenuAction),
}

/// The running tray icon; dropping it removes the icon.
pub struct Tray {
    updates: mpsc::Sender<TrayContent>,
    shown: TrayContent,
}

impl Tray {
    /// Shows the icon in a thread of its own; `on_event` gets its clicks
    /// and menu items. Fails when the desktop has no tray to show it in.
    pub fn start(first: TrayContent, on_event: impl Fn(TrayEvent) + Send + Sync + 'static) -> Result<Tray, String> {
        let on_event = std::sync::Arc::new(on_event);
        let on_click = on_event.clone();
        TrayIconEvent::set_event_handler(Some(move |event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, position, .. } = event {
                // Panels that do not say where report (0, 0).
                let known = position.x != 0.0 || position.y != 0.0;
                on_click(TrayEvent::Clicked(known.then_some((position.x as i32, position.y as i32))));
            }
        }));
        MenuEvent::set_event_handler(Some(move |event: MenuEvent| match MenuAction::from_id(event.id().as_ref()) {
            Some(action) => on_event(TrayEvent::Menu(action)),
            None => log::warn!("unknown tray menu item {:?}", event.id()),
        }));
        let (updates, receive) = mpsc::channel::<TrayContent>();
        let (started, start_result) = mpsc::channel();
        let content = first.clone();
        std::thread::Builder::new()
            .name("tray".into())
            .spawn(move || {
                let mut icon = match create(&content) {
                    Ok(icon) => {
                        let _ = started.send(Ok(()));
                        icon
                    }
                    Err(e) => {
                        let _ = started.send(Err(e));
                        return;
                    }
                };
                let mut shown = content;
                let show = move |next: TrayContent| {
                    if let Err(e) = update(&mut icon, &shown, &next) {
                        log::warn!("cannot update the tray icon: {e}");
                    }
                    shown = next;
                };
                #[cfg(windows)]
                windows::show_updates(receive, show);
                #[cfg(not(windows))]
                receive.into_iter().for_each(show);
            })
            .map_err(|e| e.to_string())?;
        start_result.recv().map_err(|_| "the tray thread ended".to_string())??;
        Ok(Tray { updates, shown: first })
    }

    /// Shows new content, if it differs from what is shown.
    pub fn show(&mut self, content: TrayContent) {
        if self.shown == content {
            return;
        }
        if self.updates.send(content.clone()).is_ok() {
            self.shown = content;
        }
    }
}

fn create(content: &TrayContent) -> Result<TrayIcon, String> {
    TrayIconBuilder::new()
        .with_id("dms-tray")
        .with_icon(icon(content.look)?)
        .with_title(&content.title)
        .with_tooltip(tooltip(content))
        .with_menu(Box::new(menu(&content.menu)?))
        .with_menu_on_left_click(false)
        .build()
        .map_err(|e| format!("no tray icon: {e}"))
}

fn update(icon: &mut TrayIcon, shown: &TrayContent, next: &TrayContent) -> Result<(), String> {
    if shown.look != next.look {
        log::debug!("tray icon: {:?}", next.look);
        icon.set_icon(Some(self::icon(next.look)?)).map_err(|e| e.to_string())?;
    }
    if shown.title != next.title {
        icon.set_title(Some(&next.title));
    }
    if tooltip(shown) != tooltip(next) {
        icon.set_tooltip(Some(tooltip(next))).map_err(|e| e.to_string())?;
    }
    if shown.menu != next.menu {
        icon.set_menu(Some(Box::new(menu(&next.menu)?)));
    }
    Ok(())
}

/// The tooltip: the description below the title, or on Windows, which
/// shows no title and cuts tooltips at 127 characters, both within that.
fn tooltip(content: &TrayContent) -> String {
    if cfg!(windows) {
        dms_tray_core::tray::bounded_tooltip(&content.title, &content.description, 127)
    } else {
        content.description.clone()
    }
}

fn icon(look: TrayLook) -> Result<Icon, String> {
    Icon::from_rgba(tray_art::render(look), ICON_SIZE, ICON_SIZE).map_err(|e| e.to_string())
}

fn menu(entries: &[MenuEntry]) -> Result<Menu, String> {
    let menu = Menu::new();
    for entry in entries {
        let appended = match entry {
            MenuEntry::Item { action, label } => {
                // A single `&` marks a mnemonic in menu labels; names are shown as written.
                let text = label.replace('&', "&&");
                menu.append(&MenuItem::with_id(action.id(), text, true, None))
            }
            MenuEntry::Separator => menu.append(&PredefinedMenuItem::separator()),
        };
        appended.map_err(|e| e.to_string())?;
    }
    Ok(menu)
}
