//! End-to-end tests of the real `dms-tray` release binary on a desktop of
//! real parts: Xvfb, a private D-Bus session bus, a StatusNotifierWatcher
//! standing in for the panel, tauri-driver with WebKitWebDriver for the
//! popup, gnome-keyring for the Secret Service, and `dms-tray simulate` for
//! the status API.

mod desktop;
mod hooks;
mod keyring;
mod notifications;
mod popup;
#[path = "../common/simulate.rs"]
mod simulate;
mod sni;
mod soak;
mod tray;
mod webdriver;
