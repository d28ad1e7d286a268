//! The popup's window: made at start next to the tray icon that was
//! clicked, without decorations, on top; it closes the popup when it loses
//! the focus, and only the app's own pages may load in it.

use std::time::Duration;

use dms_tray_core::ipc::CloseReason;
use dms_tray_core::placement::{popup_origin, Rect};
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use crate::monitor::Monitor;

pub const LABEL: &str = "popup";
/// The window's title: what window lists and tests see of it.
pub const TITLE: &str = "dms-tray systems";
const SIZE: (f64, f64) = (380.0, 520.0);

/// A focus change shorter than this is WebKitGTK moving the focus between
/// the window and its web view, not the user leaving the popup.
const FOCUS_SETTLE: Duration = Duration::from_millis(150);

/// Makes the window, on the list or on the settings.
pub fn create(app: &AppHandle, click: Option<(f64, f64)>, settings: bool) -> tauri::Result<()> {
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
                let app = window.app_handle();
                app.state::<Monitor>().close(app, CloseReason::FocusLost);
            });
        }
    });
    Ok(())
}

/// Only the app's own pages may load in the popup; links go to the browser
/// through the monitor, never into the popup.
fn is_app_page(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// The popup's origin in logical pixels, on the screen that was clicked.
fn logical_origin(app: &AppHandle, click: Option<(f64, f64)>) -> Option<(f64, f64)> {
    let monitor = match click {
        Some((x, y)) => app.monitor_from_point(x, y).ok().flatten(),
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
    let (x, y) = popup_origin(click, screen, (SIZE.0 * scale, SIZE.1 * scale));
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
