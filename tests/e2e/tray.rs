//! The tray icon as a panel sees it over D-Bus: the item registers with the
//! watcher, its icon and tooltip follow the simulator's worst state, and
//! its menu's Quit ends the app with exit code 0.

use std::time::Duration;

use serde_json::json;

use crate::desktop::{wait_for, App, Desktop};
use crate::notifications::Dunst;
use crate::simulate::SimulateProcess;
use crate::sni::StatusNotifierWatcher;

/// The popup window's title (src-tauri/src/window.rs).
const POPUP_TITLE: &str = "dms-tray systems";
const START: Duration = Duration::from_secs(30);
/// One poll interval (5 s) and the time to draw, with room for a loaded machine.
const ONE_POLL: Duration = Duration::from_secs(15);

fn set_all_ok(simulator: &SimulateProcess) {
    let document = simulator.control("GET", "/control/document", None);
    for system in document["systems"].as_array().unwrap() {
        let path = format!("/control/systems/{}", system["id"].as_str().unwrap());
        simulator.control(
            "PATCH",
            &path,
            Some(json!({ "state": "ok", "cloudGateways": { "connected": 2, "total": 2 } })),
        );
    }
}

#[test]
fn the_tray_icon_follows_the_worst_state_and_quit_exits_cleanly() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("tray");
    desktop.home.write_config(&simulator.config("5s"));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let mut app = App::start(&desktop, &[]);

    let address = wait_for(START, "the tray item to register", || watcher.items().into_iter().next());
    let item = watcher.item(&address);

    // A left click opens the popup next to the icon; another closes it.
    item.activate(1200, 12);
    wait_for(START, "the popup to open", || desktop.display.has_window(POPUP_TITLE).then_some(()));
    item.activate(1200, 12);
    wait_for(START, "the popup to close", || (!desktop.display.has_window(POPUP_TITLE)).then_some(()));

    // The default scenario has problems: the title counts them.
    let title = wait_for(ONE_POLL, "a title with counts", || Some(item.title()).filter(|t| t.contains(" of ")));
    assert!(title.starts_with("dms-tray — ") && title.ends_with("systems need attention"), "{title}");
    let (tooltip_title, description) = item.tooltip();
    assert_eq!(tooltip_title, title);
    assert!(description.contains("need attention"), "{description}");
    let troubled_icon = item.icon_pixmap();
    assert!(!troubled_icon.is_empty() && !troubled_icon[0].2.is_empty(), "an icon is set");

    // Every system ok: the title says so and the icon changes.
    set_all_ok(&simulator);
    let title = wait_for(ONE_POLL, "all systems connected", || Some(item.title()).filter(|t| t.contains("connected")));
    assert_eq!(title, "dms-tray — all 12 systems connected");
    let ok_icon = item.icon_pixmap();
    assert_ne!(ok_icon, troubled_icon);

    // One system loses its connection: another icon, counted.
    simulator.control("PATCH", "/control/systems/Ziine", Some(json!({ "state": "noConnection" })));
    let title = wait_for(ONE_POLL, "one system down", || Some(item.title()).filter(|t| t.contains("1 of 12")));
    assert_eq!(title, "dms-tray — 1 of 12 systems needs attention");
    let down_icon = item.icon_pixmap();
    assert_ne!(down_icon, ok_icon);
    assert_ne!(down_icon, troubled_icon, "a count of 1 draws another badge than the scenario's count");

    // The menu, as the panel shows it, and Quit.
    let labels: Vec<String> = item.menu_entries().into_iter().map(|(_, label)| label).collect();
    for expected in [
        "Refresh now",
        "Open dataminer.services",
        "Open Admin",
        "Platform status",
        "Pause notifications for 1 hour",
        "Pause notifications until tomorrow",
        "Settings…",
        "Quit",
    ] {
        assert!(labels.iter().any(|l| l == expected), "{expected} in {labels:?}");
    }
    assert!(labels[0].ends_with("1 of 12 needs attention"), "{labels:?}");
    item.click_menu("Pause notifications for 1 hour");
    wait_for(Duration::from_secs(10), "the menu to offer to resume notifications", || {
        item.menu_entries().into_iter().find(|(_, label)| label.starts_with("Resume notifications (paused until "))
    });
    item.click_menu("Quit");
    let status = app.wait_exit(Duration::from_secs(10)).expect("Quit ends the app");
    assert_eq!(status.code(), Some(0), "{}", desktop.home.log());
}

#[test]
fn a_first_run_without_configuration_runs_the_demo_and_a_second_launch_opens_the_popup() {
    let desktop = Desktop::new("first-run");
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let _app = App::start(&desktop, &[]);
    let address = wait_for(START, "the tray item to register", || watcher.items().into_iter().next());
    let item = watcher.item(&address);
    let title = wait_for(ONE_POLL, "the demo's systems", || Some(item.title()).filter(|t| t.contains("systems")));
    assert!(title.contains("of 12 systems") || title.contains("all 12 systems"), "{title}");
    assert!(!desktop.display.has_window(POPUP_TITLE));

    let mut second = App::start(&desktop, &[]);
    let status = second.wait_exit(Duration::from_secs(20)).expect("the second launch hands over and exits");
    assert_eq!(status.code(), Some(0));
    wait_for(START, "the first instance's popup", || desktop.display.has_window(POPUP_TITLE).then_some(()));
    assert_eq!(watcher.items().len(), 1, "one tray icon, not two");
}

#[test]
fn a_popup_that_cannot_start_leaves_the_monitor_running_and_says_why() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("broken-popup");
    desktop.home.write_config(&simulator.config("5s"));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let dunst = Dunst::start(&desktop);
    // A popup that fails at start, as one without a display or WebKitGTK does.
    let mut app = App::start_with(&desktop, &[], &[("DMS_TRAY_POPUP", "/bin/false")]);
    let address = wait_for(START, "the tray item to register", || watcher.items().into_iter().next());
    let item = watcher.item(&address);
    wait_for(ONE_POLL, "the first poll", || Some(item.title()).filter(|t| t.contains("systems")));

    item.activate(1200, 12);
    let (_, description) = wait_for(ONE_POLL, "the tooltip to say why the popup does not open", || {
        Some(item.tooltip()).filter(|(_, description)| description.contains("The popup cannot open"))
    });
    assert!(description.contains("ended at start (exit status: 1)"), "{description}");
    assert!(desktop.home.log().contains("the popup cannot open"), "{}", desktop.home.log());
    // Said where the user looks after a click, too.
    let notification = dunst.wait_for_summary("The popup cannot open");
    assert!(notification.body.contains("ended at start (exit status: 1)"), "{notification:?}");

    // The monitor goes on: a change still reaches the tray.
    set_all_ok(&simulator);
    wait_for(ONE_POLL, "all systems connected", || {
        Some(item.title()).filter(|t| t.contains("all 12 systems connected"))
    });
    assert!(app.wait_exit(Duration::from_millis(200)).is_none(), "the monitor still runs");
}

#[test]
fn states_no_poll_confirms_any_more_turn_unknown_instead_of_staying_green() {
    let simulator = SimulateProcess::start(false);
    set_all_ok(&simulator);
    let desktop = Desktop::new("stale");
    desktop.home.write_config(&simulator.config("5s"));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let _app = App::start(&desktop, &[]);
    let address = wait_for(START, "the tray item to register", || watcher.items().into_iter().next());
    let item = watcher.item(&address);
    wait_for(ONE_POLL, "all systems connected", || {
        Some(item.title()).filter(|t| t.contains("all 12 systems connected"))
    });

    // Rate limited from now on: a 429 keeps the states it cannot update,
    // but only for three poll intervals (15 s), not for ever.
    let fault = json!({ "fault": { "status": 429 }, "sticky": true });
    simulator.control("POST", "/control/faults", Some(fault));
    let title =
        wait_for(ONE_POLL, "the rate limit to show", || Some(item.title()).filter(|t| t.contains("cannot poll")));
    assert!(!title.contains("need attention"), "the states are still current: {title}");
    let title = wait_for(Duration::from_secs(30), "the old states to turn unknown", || {
        Some(item.title()).filter(|t| t.contains("12 of 12 systems need attention"))
    });
    assert_eq!(title, "dms-tray — 12 of 12 systems need attention; cannot poll Skyline Demo");
    let log = desktop.home.log();
    assert!(log.contains("they are too old to show"), "{log}");

    // The next poll that gets through brings the real states back.
    simulator.control("DELETE", "/control/faults", None);
    wait_for(Duration::from_secs(80), "the states to come back after the backoff", || {
        Some(item.title()).filter(|t| t.contains("all 12 systems connected"))
    });
}

#[test]
fn a_configuration_that_cannot_be_used_is_shown_in_the_tray_until_the_file_is_fixed() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("broken-config");
    // Started at login with a mistake in the file: dms-tray does not end.
    let path = desktop
        .home
        .write_config(&simulator.config("5s").replace("poll_interval = \"5s\"", "poll_interval = \"500ms\""));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let mut app = App::start(&desktop, &[]);
    let address = wait_for(START, "the tray item to register", || watcher.items().into_iter().next());
    let item = watcher.item(&address);
    let (title, description) = item.tooltip();
    assert_eq!(title, "dms-tray — the configuration file cannot be used");
    assert!(
        description.contains(&format!("{}, line 1", path.display()))
            && description.contains("shorter than the minimum of 5s"),
        "{description}"
    );
    assert!(desktop.home.log().contains("shorter than the minimum of 5s"), "{}", desktop.home.log());
    assert!(app.wait_exit(Duration::from_millis(500)).is_none(), "it keeps running");

    // The file is fixed: dms-tray starts again with it and polls.
    desktop.home.write_config(&simulator.config("5s"));
    // Started again in place: its tray item registers anew.
    let again = wait_for(START, "the tray item of the new start", || watcher.items().get(1).cloned());
    let item = watcher.item(&again);
    wait_for(ONE_POLL, "the systems of the fixed configuration", || {
        Some(item.title()).filter(|t| t.contains("12 systems"))
    });
    assert!(app.wait_exit(Duration::from_millis(200)).is_none(), "the same process runs on");
}
