//! The popup window: created on demand next to the tray icon and destroyed
//! when hidden, so that an idle tray app carries no web process. It hides on
//! Esc and its close button (the `hide_popup` command) and when it loses
//! the focus.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use dms_tray_core::placement::{popup_origin, Rect};
use tauri::{AppHandle, Emitter, Manager, PhysicalPosition, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent};

const LABEL: &str = "popup";
/// The window's title: what window lists and tests see of it.
pub const TITLE: &str = "dms-tray systems";
const SIZE: (f64, f64) = (380.0, 520.0);

/// A focus change shorter than this is WebKitGTK moving the focus between
/// the window and its web view, not the user leaving the popup.
const FOCUS_SETTLE: Duration = Duration::from_millis(150);

/// A tray click this soon after the popup closed on focus loss is the click
/// that took the focus away: it closes the popup rather than reopening it.
const CLICK_AFTER_CLOSE: Duration = Duration::from_millis(400);

/// When the popup last closed because it lost the focus.
#[derive(Default)]
pub struct PopupState {
    closed_on_blur: Mutex<Option<Instant>>,
}

/// The tray's left click: opens the popup, or closes it when open.
pub fn toggle(app: &AppHandle, click: Option<PhysicalPosition<f64>>) {
    if let Some(window) = app.get_webview_window(LABEL) {
        log::info!("popup closed by the tray icon");
        destroy(&window);
        return;
    }
    let just_closed = app
        .state::<PopupState>()
        .closed_on_blur
        .lock()
        .expect("not poisoned")
        .take()
        .is_some_and(|at| at.elapsed() < CLICK_AFTER_CLOSE);
    if just_closed {
        log::info!("popup stays closed: the click on the tray icon took the focus from it");
    } else {
        open(app, click, false);
    }
}

/// Opens the popup (or focuses it), on the list or on the settings.
pub fn open(app: &AppHandle, click: Option<PhysicalPosition<f64>>, settings: bool) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.set_focus();
        if settings {
            let _ = window.emit_to(LABEL, "show-settings", ());
        }
        return;
    }
    match create(app, click, settings) {
        Ok(()) => log::info!("popup opened"),
        Err(e) => log::error!("cannot open the popup: {e}"),
    }
}

/// Hides the popup by destroying it, web process and all.
pub fn hide(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        log::info!("popup hidden");
        destroy(&window);
    }
}

/// Sends an event to the popup when it is open; the payload is only built
/// then, so a closed popup costs nothing.
pub fn emit<S: serde::Serialize + Clone>(app: &AppHandle, event: &str, payload: impl FnOnce() -> S) {
    if app.get_webview_window(LABEL).is_some() {
        let _ = app.emit_to(LABEL, event, payload());
    }
}

fn destroy(window: &WebviewWindow) {
    if let Err(e) = window.destroy() {
        log::warn!("cannot close the popup: {e}");
    }
}

fn create(app: &AppHandle, click: Option<PhysicalPosition<f64>>, settings: bool) -> tauri::Result<()> {
    let page = if settings { "index.html?view=settings" } else { "index.html" };
    let mut builder = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(page.into()))
        .title(TITLE)
        .inner_size(SIZE.0, SIZE.1)
        .decorations(false)
        .resizable(false)
        .skip_taskbar(true)
        .always_on_top(true)
        .visible_on_all_workspaces(true)
        .focused(true)
        .on_navigation(is_app_page);
    if let Some((x, y)) = logical_origin(app, click) {
        builder = builder.position(x, y);
    }
    let window = builder.build()?;
    let handle = window.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::Focused(false) = event {
            let window = handle.clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(FOCUS_SETTLE).await;
                if window.is_focused().unwrap_or(true) {
                    return;
                }
                *window.state::<PopupState>().closed_on_blur.lock().expect("not poisoned") = Some(Instant::now());
                log::info!("popup closed: it lost the focus");
                destroy(&window);
            });
        }
    });
    Ok(())
}

/// Only the app's own pages may load in the popup; links go to the browser
/// through the opener, never into the popup.
fn is_app_page(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// The popup's origin in logical pixels, on the screen that was clicked.
fn logical_origin(app: &AppHandle, click: Option<PhysicalPosition<f64>>) -> Option<(f64, f64)> {
    let monitor = match click {
        Some(p) => app.monitor_from_point(p.x, p.y).ok().flatten(),
        None => None,
    }
    .or_else(|| app.primary_monitor().ok().flatten())?;
    let scale = monitor.scale_factor();
    let screen = Rect {
        x: monitor.position().x as f64,
        y: monitor.position().y as f64,
        width: monitor.size().width as f64,
        height: monitor.size().height as f64,
    };
    let (x, y) = popup_origin(click.map(|p| (p.x, p.y)), screen, (SIZE.0 * scale, SIZE.1 * scale));
    Some((x / scale, y / scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_load() {
        for ok in ["tauri://localhost/index.html", "http://tauri.localhost/index.html?view=settings"] {
            assert!(is_app_page(&ok.parse().unwrap()), "{ok}");
        }
        for refused in [
            "https://ziine-skyline.on.dataminer.services/root/",
            "http://127.0.0.1:8080/",
            "tauri://evil/",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            assert!(!is_app_page(&refused.parse().unwrap()), "{refused}");
        }
    }
}
