//! The real popup, `dms-tray-popup`, driven through tauri-driver and
//! WebKitWebDriver and connected to a running monitor: it lists the
//! simulator's systems, shows a change made through the control API within
//! one poll interval, and a click on a connected system opens its remote
//! access in the browser. And the popup's process is expendable: killed,
//! the monitor goes on and the next click opens a fresh one.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::desktop::{wait_for, App, Desktop};
use crate::simulate::SimulateProcess;
use crate::sni::StatusNotifierWatcher;
use crate::webdriver::Driver;

const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Slack for drawing and a loaded machine on top of the poll interval.
const SLACK: Duration = Duration::from_secs(5);

/// (name, state) of every row the popup shows.
fn rows(driver: &Driver) -> Vec<(String, String)> {
    let rows = driver.script(
        "return [...document.querySelectorAll('.row')].map(r => [r.querySelector('.name').textContent, r.dataset.state]);",
        json!([]),
    );
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_str().unwrap().to_string()))
        .collect()
}

fn state_of(driver: &Driver, name: &str) -> Option<String> {
    rows(driver).into_iter().find(|(n, _)| n == name).map(|(_, state)| state)
}

#[test]
fn the_popup_lists_systems_follows_changes_and_opens_remote_access() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("popup");
    desktop.home.write_config(&simulator.config("5s"));
    let _panel = StatusNotifierWatcher::start(&desktop.bus.address);
    let _monitor = App::start_listening(&desktop);
    let driver = Driver::start(&desktop, &[]);

    let document = simulator.control("GET", "/control/document", None);
    let expected = document["systems"].as_array().unwrap().len();
    let listed = wait_for(Duration::from_secs(30), "the simulator's systems in the popup", || {
        Some(rows(&driver)).filter(|rows| rows.len() == expected)
    });
    for system in document["systems"].as_array().unwrap() {
        let name = system["name"].as_str().unwrap();
        let state = system["state"].as_str().unwrap();
        assert!(listed.contains(&(name.to_string(), state.to_string())), "{name} {state} in {listed:?}");
    }
    // Problems first.
    assert_ne!(listed[0].1, "ok", "{listed:?}");

    // A change made through the control API shows within one poll interval.
    let before = state_of(&driver, "Ziine").unwrap();
    let target = if before == "noConnection" { "dmsNotResponding" } else { "noConnection" };
    let changed_at = Instant::now();
    simulator.control("PATCH", "/control/systems/Ziine", Some(json!({ "state": target })));
    wait_for(POLL_INTERVAL + SLACK, "Ziine's new state in the popup", || {
        (state_of(&driver, "Ziine").as_deref() == Some(target)).then_some(())
    });
    eprintln!("the change showed after {:?}", changed_at.elapsed());

    // A click on a connected system with remote access opens its landing page.
    let ok_row: Value = driver.script(
        "const row = [...document.querySelectorAll('.row')].find(r => r.dataset.state === 'ok' && !r.classList.contains('locked'));\
         return row ? row.querySelector('.name').textContent : null;",
        json!([]),
    );
    let name = ok_row.as_str().expect("an openable ok row").to_string();
    let dns_label = document["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name.as_str())
        .map(|s| s["dnsLabel"].as_str().unwrap().to_string())
        .unwrap();
    driver.click(".row[data-state='ok']:not(.locked) .name");
    let opened = wait_for(Duration::from_secs(10), "the browser to be asked to open the URL", || {
        desktop.home.opened_urls().into_iter().next()
    });
    assert_eq!(opened, format!("{}/remote/{dns_label}/root/", simulator.printed("api_url")), "{}", desktop.home.log());
}

/// Writes a screenshot of the real popup to `$DMS_TRAY_SCREENSHOT`; run by
/// scripts/screenshot.sh for the README.
#[test]
#[ignore = "makes the README's screenshot: scripts/screenshot.sh"]
fn screenshot_of_the_popup() {
    let path = std::env::var("DMS_TRAY_SCREENSHOT").expect("DMS_TRAY_SCREENSHOT names the PNG to write");
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("screenshot");
    desktop.home.write_config(&simulator.config("60s"));
    let _panel = StatusNotifierWatcher::start(&desktop.bus.address);
    let _monitor = App::start_listening(&desktop);
    let driver = Driver::start(&desktop, &[]);
    wait_for(Duration::from_secs(30), "the systems in the popup", || (rows(&driver).len() > 1).then_some(()));
    // Let fonts and layout settle.
    std::thread::sleep(Duration::from_secs(1));
    std::fs::write(&path, driver.screenshot()).unwrap();
}
