//! `dms-tray-popup`: the popup of dms-tray, started by the monitor when the
//! tray icon is clicked and ended when it is hidden, so that the web engine
//! only runs while the user looks at it. It owns no state: everything it
//! shows and does goes through the monitor's channel.

// A window of its own, and no console beside it, on Windows.
#![cfg_attr(windows, windows_subsystem = "windows")]

mod args;
mod commands;
mod monitor;
mod window;

use std::process::ExitCode;

fn main() -> ExitCode {
    // A list of systems needs no GPU: WebKitGTK's compositing mode costs a
    // GL context in every web process (slow to start, tens of MB) for
    // nothing this page draws. Set before GTK or WebKit start any thread.
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let args = match args::Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("dms-tray-popup: {message}");
            eprintln!("{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let (monitor, incoming) = match tauri::async_runtime::block_on(monitor::Monitor::connect(&args.socket)) {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("dms-tray-popup: cannot reach dms-tray at {}: {e}; is it running?", args.socket.display());
            return ExitCode::from(1);
        }
    };
    let app = tauri::Builder::default()
        .manage(monitor)
        .invoke_handler(tauri::generate_handler![
            commands::get_view,
            commands::open_remote,
            commands::refresh_now,
            commands::hide_popup,
            commands::get_settings,
            commands::save_settings,
            commands::get_history,
            commands::get_strip,
            commands::mute_system,
            commands::acknowledge,
            commands::set_priority,
            commands::store_key,
            commands::save_organization,
            commands::remove_organization,
            commands::test_connection,
            commands::copy_incident_summary,
            commands::copy_report,
        ])
        .setup(move |app| {
            monitor::listen(app.handle().clone(), incoming);
            window::create(app.handle(), args.at, args.settings)?;
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match app {
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dms-tray-popup: the popup cannot start: {e}");
            ExitCode::from(1)
        }
    }
}
