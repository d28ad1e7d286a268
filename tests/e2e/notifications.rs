//! Notifications as a real notification daemon (dunst) receives them: a
//! scripted timeline of changes in the simulator produces exactly the
//! expected notifications (summary, urgency) and no others; a recovery
//! replaces its outage; a burst is one summary; a flapping system is told
//! once; the default action opens the system's remote access.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::desktop::{files_under, holding, wait_for, App, Desktop};
use crate::simulate::SimulateProcess;
use crate::sni::StatusNotifierWatcher;

const ONE_POLL: Duration = Duration::from_secs(15);

/// dunst on the test's desktop, recording every notification it shows
/// through a rule's script (urgency, app, summary, body, id).
pub(crate) struct Dunst {
    child: Child,
    recorded: PathBuf,
    /// What the context menu picks.
    choice: PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shown {
    pub urgency: String,
    pub app: String,
    pub summary: String,
    pub body: String,
    pub id: String,
}

impl Dunst {
    pub fn start(desktop: &Desktop) -> Dunst {
        let dir = desktop.home.dir.join("dunst");
        std::fs::create_dir_all(&dir).unwrap();
        let recorded = dir.join("recorded");
        let script = dir.join("record.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s|%s|%s|%s|%s\\n' \"$DUNST_URGENCY\" \"$DUNST_APP_NAME\" \"$DUNST_SUMMARY\" \"$DUNST_BODY\" \"$DUNST_ID\" >> '{}'\n",
                recorded.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The context menu's "dmenu": picks the line holding the text in `choice`.
        let pick = dir.join("pick.sh");
        std::fs::write(&pick, format!("#!/bin/sh\ngrep -m1 -F \"$(cat '{}')\"\n", dir.join("choice").display()))
            .unwrap();
        std::fs::set_permissions(&pick, std::fs::Permissions::from_mode(0o755)).unwrap();
        let config = dir.join("dunstrc");
        std::fs::write(
            &config,
            format!(
                "[global]\n    follow = none\n    dmenu = {}\n[record]\n    summary = \"*\"\n    script = {}\n",
                pick.display(),
                script.display()
            ),
        )
        .unwrap();
        let mut command = Command::new("dunst");
        desktop.apply(&mut command);
        let child = command.arg("-config").arg(&config).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let dunst = Dunst { child, recorded, choice: dir.join("choice") };
        wait_for(Duration::from_secs(10), "dunst to own the notification service", || {
            dunst.ctl(desktop, &["count", "displayed"]).ok()
        });
        dunst
    }

    fn ctl(&self, desktop: &Desktop, args: &[&str]) -> Result<String, String> {
        let mut command = Command::new("dunstctl");
        desktop.apply(&mut command);
        let output = command.args(args).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if output.status.success() {
            Ok(text)
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    /// Invokes the action labelled `label` of a shown notification through
    /// dunst's context menu, as a user picking it does.
    fn choose(&self, desktop: &Desktop, label: &str) {
        std::fs::write(&self.choice, label).unwrap();
        self.ctl(desktop, &["context"]).unwrap();
    }

    fn shown(&self) -> Vec<Shown> {
        std::fs::read_to_string(&self.recorded)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.splitn(5, '|').collect();
                Shown {
                    urgency: fields[0].into(),
                    app: fields[1].into(),
                    summary: fields[2].into(),
                    body: fields[3].into(),
                    id: fields[4].into(),
                }
            })
            .collect()
    }

    pub fn wait_for_summary(&self, summary: &str) -> Shown {
        wait_for(ONE_POLL, summary, || self.shown().into_iter().find(|s| s.summary == summary))
    }
}

impl Drop for Dunst {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The names of the simulator's connected systems with remote access.
fn ok_systems(simulator: &SimulateProcess) -> (String, Vec<String>) {
    let org = simulator.control("GET", "/control/document", None);
    let names = org["systems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "ok" && s["remoteAccess"]["enabled"] == true)
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    (org["organization"]["name"].as_str().unwrap().to_string(), names)
}

fn patch(simulator: &SimulateProcess, name: &str, state: &str) {
    simulator.control("PATCH", &format!("/control/systems/{name}"), Some(json!({ "state": state })));
}

/// Starts the app and waits for its first poll (its tray item's title).
fn start_app(desktop: &Desktop, watcher: &StatusNotifierWatcher) -> App {
    let before = watcher.items().len();
    let app = App::start(desktop, &[]);
    let item = wait_for(Duration::from_secs(30), "the tray item", || watcher.items().get(before).cloned());
    let item = watcher.item(&item);
    wait_for(ONE_POLL, "the first poll", || Some(item.title()).filter(|t| t.contains("systems")));
    app
}

#[test]
fn a_timeline_of_changes_gives_exactly_the_expected_notifications() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("notifications");
    desktop.home.write_config(&simulator.config("5s"));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let _app = start_app(&desktop, &watcher);
    let (org_name, ok_systems) = ok_systems(&simulator);
    let patch = |name: &str, state: &str| patch(&simulator, name, state);

    // An outage, then its recovery, which replaces it.
    let ziine = &ok_systems[0];
    patch(ziine, "noConnection");
    let down = dunst.wait_for_summary(&format!("{ziine}: No connection to dataminer.services"));
    assert_eq!((down.urgency.as_str(), down.app.as_str()), ("CRITICAL", "dms-tray"));
    assert!(down.body.starts_with(&org_name), "{down:?}");
    patch(ziine, "ok");
    let back = dunst.wait_for_summary(&format!("{ziine} is back online"));
    assert_eq!(back.urgency, "LOW");
    assert_eq!(back.id, down.id, "the recovery replaces the outage's notification");

    // Its default action opens the system's remote access.
    dunst.ctl(&desktop, &["action", "0"]).unwrap();
    let opened = wait_for(Duration::from_secs(10), "the remote access to open", || {
        desktop.home.opened_urls().into_iter().next()
    });
    assert!(opened.ends_with("/root/"), "{opened}");

    // A burst of five changes in one poll: one summary.
    for name in &ok_systems[1..6] {
        patch(name, "dmsNotResponding");
    }
    let burst = dunst.wait_for_summary(&format!("5 changes in {org_name}"));
    assert_eq!(burst.urgency, "NORMAL");

    // A flapping system: told once as flapping, then quiet.
    let flapper = &ok_systems[6];
    for i in 0..8 {
        patch(flapper, if i % 2 == 0 { "noConnection" } else { "ok" });
        std::thread::sleep(Duration::from_secs(6));
    }
    dunst.wait_for_summary(&format!("{flapper} is flapping"));
    std::thread::sleep(Duration::from_secs(6));

    let summaries: Vec<String> = dunst.shown().into_iter().map(|s| s.summary).collect();
    let expected = [
        format!("{ziine}: No connection to dataminer.services"),
        format!("{ziine} is back online"),
        format!("5 changes in {org_name}"),
        format!("{flapper}: No connection to dataminer.services"),
        format!("{flapper} is back online"),
        format!("{flapper}: No connection to dataminer.services"),
        format!("{flapper} is back online"),
        format!("{flapper} is flapping"),
    ];
    assert_eq!(summaries, expected, "exactly these notifications, in this order, and no others");

    // The key is in the configuration and in nothing else that was written
    // meanwhile: not the log, the history, nor any notification.
    let key = simulator.printed("key");
    let config = desktop.home.dir.join("config");
    let written: Vec<PathBuf> =
        files_under(&desktop.home.dir).into_iter().filter(|p| !p.starts_with(&config)).collect();
    assert!(written.iter().any(|p| p.ends_with("dms-tray.log")), "{written:?}");
    assert!(written.iter().any(|p| p.ends_with("history.sqlite3")), "{written:?}");
    let leaks = holding(&written, &key);
    assert!(leaks.is_empty(), "the key is in {leaks:?}");
}

/// `dms-tray status --json` on the test's desktop: the systems by name.
fn status_systems(desktop: &Desktop) -> Vec<serde_json::Value> {
    let mut command = Command::new(crate::desktop::binary());
    desktop.apply(&mut command);
    let output = command.args(["status", "--json"]).output().unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    document["organizations"][0]["systems"].as_array().unwrap().clone()
}

#[test]
fn an_outage_acknowledged_from_its_notification_leaves_the_count_until_its_state_changes() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("acknowledge");
    desktop.home.write_config(&simulator.config("5s"));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let _app = start_app(&desktop, &watcher);
    let item = watcher.item(&watcher.items()[0]);
    let (_, ok_systems) = ok_systems(&simulator);
    let ziine = &ok_systems[0];
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap().trim().to_string();

    let before = item.title();
    patch(&simulator, ziine, "noConnection");
    dunst.wait_for_summary(&format!("{ziine}: No connection to dataminer.services"));
    wait_for(ONE_POLL, "the outage in the title", || Some(()).filter(|()| item.title() != before));
    dunst.choose(&desktop, "Acknowledge");
    let title = wait_for(Duration::from_secs(10), "the acknowledgement in the title", || {
        Some(item.title()).filter(|t| t.contains("1 acknowledged"))
    });
    let expected = match before.strip_prefix("dms-tray — all ") {
        Some(_) => "dms-tray — no system needs attention, 1 acknowledged".to_string(),
        None => format!("{before}, 1 acknowledged"),
    };
    assert_eq!(title, expected, "the acknowledged outage leaves the count");
    let acknowledged = status_systems(&desktop).into_iter().find(|s| s["name"] == ziine.as_str()).unwrap();
    assert_eq!(acknowledged["acknowledged"]["by"], user.as_str(), "{acknowledged}");
    assert_eq!(acknowledged["state"], "noConnection");

    // Its recovery ends the acknowledgement; the next outage is news again.
    patch(&simulator, ziine, "ok");
    dunst.wait_for_summary(&format!("{ziine} is back online"));
    wait_for(ONE_POLL, "the acknowledgement to end", || Some(()).filter(|()| !item.title().contains("acknowledged")));
    let back = status_systems(&desktop).into_iter().find(|s| s["name"] == ziine.as_str()).unwrap();
    assert_eq!(back["acknowledged"], serde_json::Value::Null);
    patch(&simulator, ziine, "noConnection");
    wait_for(ONE_POLL, "the new outage to count", || Some(()).filter(|()| item.title() != before));
    assert!(!item.title().contains("acknowledged"), "a new outage is not acknowledged");
    assert!(desktop.home.log().contains(&format!("{user} acknowledged an outage")));
}

#[test]
fn an_outage_s_notification_copies_its_incident_summary_to_the_clipboard() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("incident");
    desktop.home.write_config(&simulator.config("5s"));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let _app = start_app(&desktop, &watcher);
    let (org_name, ok_systems) = ok_systems(&simulator);
    let ziine = &ok_systems[0];

    patch(&simulator, ziine, "noConnection");
    dunst.wait_for_summary(&format!("{ziine}: No connection to dataminer.services"));
    dunst.choose(&desktop, "Copy incident summary");
    let pasted = wait_for(Duration::from_secs(10), "the summary on the clipboard", || {
        let mut paste = Command::new("xclip");
        desktop.apply(&mut paste);
        let output = paste.args(["-selection", "clipboard", "-o"]).output().ok()?;
        Some(String::from_utf8_lossy(&output.stdout).into_owned()).filter(|text| text.contains(ziine.as_str()))
    });
    assert!(pasted.starts_with(&format!("{ziine}: No connection to dataminer.services")), "{pasted}");
    assert!(pasted.contains(&format!("Organization: {org_name}")), "{pasted}");
    assert!(pasted.contains("Cloud Gateways"), "{pasted}");
    assert!(!pasted.contains(&simulator.printed("key")), "never the key");
}

/// How many of `file`'s bytes are not zero: what the audio output
/// received that is not silence, as ALSA's file plugin wrote it.
fn sound_bytes(file: &std::path::Path) -> usize {
    std::fs::read(file).unwrap_or_default().iter().filter(|b| **b != 0).count()
}

#[test]
fn an_on_air_outage_sounds_and_a_normal_one_does_not() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("sound");
    // ALSA's default output is a file here: what dms-tray plays lands in it.
    let played = desktop.home.dir.join("played.raw");
    std::fs::write(
        desktop.home.dir.join(".asoundrc"),
        format!(
            "pcm.!default {{\n type file\n slave.pcm \"null\"\n file \"{}\"\n format \"raw\"\n}}\n",
            played.display()
        ),
    )
    .unwrap();
    let (_, ok_systems) = ok_systems(&simulator);
    let (on_air, normal) = (&ok_systems[0], &ok_systems[1]);
    desktop.home.write_config(&format!(
        "{}\n[[organizations.priority]]\npattern = \"{on_air}\"\nlevel = \"on-air\"\n",
        simulator.config("5s")
    ));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let _app = start_app(&desktop, &watcher);

    patch(&simulator, normal, "noConnection");
    dunst.wait_for_summary(&format!("{normal}: No connection to dataminer.services"));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(sound_bytes(&played), 0, "a normal system's outage makes no sound");

    patch(&simulator, on_air, "noConnection");
    let told = dunst.wait_for_summary(&format!("{on_air}: No connection to dataminer.services"));
    assert_eq!(told.urgency, "CRITICAL");
    wait_for(Duration::from_secs(10), "the on-air outage's sound to play", || {
        Some(()).filter(|()| desktop.home.log().contains("played the Critical sound"))
    });
    assert!(sound_bytes(&played) > 10_000, "the audio output received the sound");
}

#[test]
fn changes_while_not_running_are_told_once_in_a_digest_and_an_unchanged_restart_says_nothing() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("restart");
    desktop.home.write_config(&simulator.config("5s"));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let (org_name, ok_systems) = ok_systems(&simulator);

    let mut first = start_app(&desktop, &watcher);
    first.signal("TERM");
    first.wait_exit(Duration::from_secs(10)).expect("the app stops");
    assert_eq!(dunst.shown(), vec![], "a first start tells nothing");

    patch(&simulator, &ok_systems[0], "noConnection");
    patch(&simulator, &ok_systems[1], "dmsNotResponding");
    let mut second = start_app(&desktop, &watcher);
    let digest = dunst.wait_for_summary(&format!("While dms-tray was not running: 2 changes in {org_name}"));
    assert!(digest.body.contains(&format!("{} lost its connection at ", ok_systems[0])), "{digest:?}");
    assert!(digest.body.contains(&format!("{} stopped responding at ", ok_systems[1])), "{digest:?}");
    assert_eq!(digest.urgency, "CRITICAL");
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(dunst.shown().len(), 1, "one digest and nothing else: {:?}", dunst.shown());
    second.signal("TERM");
    second.wait_exit(Duration::from_secs(10)).expect("the app stops");

    let _third = start_app(&desktop, &watcher);
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(dunst.shown().len(), 1, "an unchanged restart tells nothing: {:?}", dunst.shown());
}

#[test]
fn the_history_survives_a_kill_in_the_middle_of_a_burst_without_loss_or_double() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("kill");
    desktop.home.write_config(&simulator.config("5s"));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let (_, ok_systems) = ok_systems(&simulator);
    let burst = &ok_systems[..6];

    let app = start_app(&desktop, &watcher);
    for (i, name) in burst.iter().enumerate() {
        patch(&simulator, name, "noConnection");
        if i == 2 {
            // Half of the burst has been polled, the rest is on its way.
            std::thread::sleep(Duration::from_secs(6));
        }
    }
    std::thread::sleep(Duration::from_millis(5500));
    app.signal("KILL");
    drop(app);
    let _again = start_app(&desktop, &watcher);
    std::thread::sleep(Duration::from_secs(6));

    let db = rusqlite::Connection::open(desktop.home.dir.join("state/dms-tray/history.sqlite3")).unwrap();
    for name in burst {
        let count: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM events WHERE listed = 1 AND system_name = ?1 AND state = 'noConnection'",
                [name],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(count, 1, "{name}: its loss of connection is in the history exactly once");
    }
}

#[test]
fn after_a_freeze_only_the_real_changes_are_told_once() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("freeze");
    desktop.home.write_config(&simulator.config("5s"));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let (_, ok_systems) = ok_systems(&simulator);
    let app = start_app(&desktop, &watcher);

    app.signal("STOP");
    patch(&simulator, &ok_systems[0], "noConnection");
    patch(&simulator, &ok_systems[1], "dmsNotResponding");
    std::thread::sleep(Duration::from_secs(6));
    patch(&simulator, &ok_systems[1], "ok");
    std::thread::sleep(Duration::from_secs(10));
    assert_eq!(dunst.shown(), vec![], "nothing while frozen");
    app.signal("CONT");

    dunst.wait_for_summary(&format!("{}: No connection to dataminer.services", ok_systems[0]));
    std::thread::sleep(Duration::from_secs(11));
    let summaries: Vec<String> = dunst.shown().into_iter().map(|s| s.summary).collect();
    assert_eq!(
        summaries,
        [format!("{}: No connection to dataminer.services", ok_systems[0])],
        "one round: the change that lasted, once; not the one that came and went"
    );
    assert!(desktop.home.log().contains("resumed after"), "the freeze was noticed");
}

#[test]
fn a_killed_popup_leaves_the_monitor_polling_and_notifying_and_the_next_click_opens_a_new_one() {
    const POPUP_TITLE: &str = "dms-tray systems";
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("popup-kill");
    desktop.home.write_config(&simulator.config("5s"));
    let dunst = Dunst::start(&desktop);
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let app = start_app(&desktop, &watcher);
    let item = watcher.item(&watcher.items()[0]);

    item.activate(1200, 12);
    wait_for(Duration::from_secs(30), "the popup", || desktop.display.has_window(POPUP_TITLE).then_some(()));
    let popups = app.children("dms-tray-popup");
    assert_eq!(popups.len(), 1, "one popup process, a child of the monitor");
    let killed = Command::new("kill").args(["-KILL", &popups[0].to_string()]).status().unwrap();
    assert!(killed.success());
    wait_for(Duration::from_secs(10), "the popup's window to go", || {
        (!desktop.display.has_window(POPUP_TITLE)).then_some(())
    });

    // The monitor goes on polling and notifying.
    let (_, ok_systems) = ok_systems(&simulator);
    patch(&simulator, &ok_systems[0], "noConnection");
    dunst.wait_for_summary(&format!("{}: No connection to dataminer.services", ok_systems[0]));
    let log = wait_for(Duration::from_secs(10), "the log to tell of the popup's end", || {
        Some(desktop.home.log()).filter(|log| log.contains("ended unexpectedly"))
    });
    assert!(log.contains("signal: 9"), "{log}");

    // The next click opens a fresh popup.
    item.activate(1200, 12);
    wait_for(Duration::from_secs(30), "a new popup", || desktop.display.has_window(POPUP_TITLE).then_some(()));
    let fresh = app.children("dms-tray-popup");
    assert_eq!(fresh.len(), 1);
    assert_ne!(fresh, popups, "a new process");
    item.activate(1200, 12);
    wait_for(Duration::from_secs(10), "the popup to close", || {
        (!desktop.display.has_window(POPUP_TITLE)).then_some(())
    });
    wait_for(Duration::from_secs(10), "the popup's process to end", || {
        app.children("dms-tray-popup").is_empty().then_some(())
    });
}

#[test]
fn a_notification_server_that_starts_after_dms_tray_is_found_for_the_next_change() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("late-server");
    desktop.home.write_config(&simulator.config("5s"));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    // At login the tray app may start before the notification server.
    let _app = start_app(&desktop, &watcher);
    let dunst = Dunst::start(&desktop);
    let (_, ok_systems) = ok_systems(&simulator);
    patch(&simulator, &ok_systems[0], "noConnection");
    dunst.wait_for_summary(&format!("{}: No connection to dataminer.services", ok_systems[0]));
}

/// `DMS_TRAY_KILLS` kill -9s (3 unless set; `scripts/kill-history.sh` runs
/// 100) at random moments around the polls: after each, the history
/// database passes SQLite's integrity check, and in the end every change
/// the API made is in it exactly once, told before the kill or, as a
/// change while dms-tray was not running, after the restart.
#[test]
fn the_history_survives_kill_9_at_random_moments_without_loss_or_double() {
    let kills: usize = std::env::var("DMS_TRAY_KILLS").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("kills");
    desktop.home.write_config(&simulator.config("5s"));
    let watcher = StatusNotifierWatcher::start(&desktop.bus.address);
    let (_, ok_systems) = ok_systems(&simulator);
    let database = desktop.home.dir.join("state/dms-tray/history.sqlite3");
    let integrity = || {
        let db = rusqlite::Connection::open(&database).unwrap();
        db.query_row("PRAGMA integrity_check", [], |row| row.get::<_, String>(0)).unwrap()
    };
    let mut flips: std::collections::HashMap<(String, &str), i64> = std::collections::HashMap::new();
    let mut down = std::collections::HashSet::new();
    let mut app = start_app(&desktop, &watcher);
    for kill in 0..kills {
        let name = ok_systems[kill % ok_systems.len()].clone();
        let state = if down.remove(&name) { "ok" } else { "noConnection" };
        if state == "noConnection" {
            down.insert(name.clone());
        }
        patch(&simulator, &name, state);
        *flips.entry((name, state)).or_default() += 1;
        // Before, during or after the next poll (every 5 s) and its write.
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..6000)));
        app.signal("KILL");
        drop(app);
        assert_eq!(integrity(), "ok", "after kill {}", kill + 1);
        app = start_app(&desktop, &watcher);
    }
    std::thread::sleep(Duration::from_secs(6));
    drop(app);

    let db = rusqlite::Connection::open(&database).unwrap();
    let recorded = |name: &str, state: &str| -> i64 {
        db.query_row(
            "SELECT COUNT(*) FROM events WHERE listed = 1 AND system_name = ?1 AND state = ?2",
            [name, state],
            |row| row.get(0),
        )
        .unwrap()
    };
    for ((name, state), times) in &flips {
        assert_eq!(recorded(name, state), *times, "{name} went {state} {times} times");
    }
    println!(
        "{kills} kill -9s: integrity_check ok after each; {} changes, each in the history once",
        flips.values().sum::<i64>()
    );
}
