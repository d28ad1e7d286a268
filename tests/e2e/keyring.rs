//! Keys in a real Secret Service: gnome-keyring-daemon on the test's own
//! session bus, its keyring unlocked with the test's password. A key piped
//! into `dms-tray key set` goes there, the configuration file points at it
//! and holds no key any more, a running monitor starts again to use it,
//! `status` polls with it, and `key delete` takes it away. A key pasted in the real popup's Settings reaches the
//! keyring, and the running monitor polls with it at once.

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::desktop::{binary, files_under, holding, wait_for, App, Desktop};
use crate::simulate::SimulateProcess;
use crate::webdriver::Driver;

/// gnome-keyring's Secret Service on the desktop's bus, ended when dropped.
struct SecretService {
    child: Child,
}

impl SecretService {
    fn start(desktop: &Desktop) -> SecretService {
        let mut command = Command::new("gnome-keyring-daemon");
        desktop.apply(&mut command);
        let mut child = command
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs (scripts/setup.sh installs gnome-keyring)");
        // --unlock reads the keyring's password from stdin, up to its end.
        child.stdin.take().unwrap().write_all(b"the test's password").unwrap();
        wait_for(Duration::from_secs(20), "the Secret Service on the session bus", || {
            let mut ask = Command::new("dbus-send");
            desktop.apply(&mut ask);
            let answer = ask
                .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
                .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
                .output()
                .unwrap();
            String::from_utf8_lossy(&answer.stdout).contains("boolean true").then_some(())
        });
        SecretService { child }
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `dms-tray ARGS` on the desktop, with `stdin` piped in.
fn dms_tray(desktop: &Desktop, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(binary());
    desktop.apply(&mut command);
    let mut child =
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The organization's error in `status --json`, `None` when it was polled.
fn status_error(desktop: &Desktop) -> Option<String> {
    let output = dms_tray(desktop, &["status", "--json"], "");
    let status: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", text(&output)));
    status["organizations"][0]["error"]["message"].as_str().map(str::to_owned)
}

/// No file under `dir` holds `key`.
fn assert_nowhere_in(dir: &std::path::Path, key: &str) {
    let files = files_under(dir);
    let leaks = holding(&files, key);
    assert!(leaks.is_empty(), "the key is in {leaks:?}");
}

#[test]
fn a_key_set_with_dms_tray_key_lives_in_the_keyring_and_nowhere_else() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("keyring-cli");
    let _secrets = SecretService::start(&desktop);
    let key = simulator.printed("key");
    let config = simulator.config("5s").replace(&key, "an-old-key");
    let path = desktop.home.write_config(&config.replace("key = ", "# the key\nkey = "));
    assert_eq!(status_error(&desktop).as_deref().map(|m| m.starts_with("key rejected")), Some(true));

    let refused = dms_tray(&desktop, &["key", "set", simulator.printed("id").as_str()], "not a key\n");
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused));
    assert!(text(&refused).contains("the key holds a space"), "{}", text(&refused));

    let _monitor = App::start_listening(&desktop);
    let set = dms_tray(&desktop, &["key", "set", simulator.printed("id").as_str()], &format!("{key}\n"));
    assert!(set.status.success(), "{}", text(&set));
    assert!(text(&set).contains("The running dms-tray starts again with it."), "{}", text(&set));
    wait_for(Duration::from_secs(10), "the running monitor to start again", || {
        desktop.home.log().contains("a key changed in the keyring: starting again").then_some(())
    });
    let file = std::fs::read_to_string(&path).unwrap();
    let entry = simulator.printed("id");
    assert!(file.contains(&format!("# the key\nkey_keyring = \"{entry}\"\n")), "{file}");
    assert!(!file.contains("an-old-key"), "the file no longer holds a key: {file}");
    assert_eq!(status_error(&desktop), None, "status polls with the key from the keyring");
    assert_nowhere_in(&desktop.home.dir, &key);

    let deleted = dms_tray(&desktop, &["key", "delete", &entry], "");
    assert!(deleted.status.success(), "{}", text(&deleted));
    let status = dms_tray(&desktop, &["status"], "");
    assert_eq!(status.status.code(), Some(3));
    assert!(
        text(&status).contains(&format!("the keyring holds no key named \"{entry}\" (key_keyring); store it with")),
        "{}",
        text(&status)
    );
    let again = dms_tray(&desktop, &["key", "delete", &entry], "");
    assert_eq!(again.status.code(), Some(3), "nothing to delete: {}", text(&again));
}

#[test]
fn a_key_pasted_in_settings_reaches_the_keyring_and_the_running_monitor() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("keyring-settings");
    let _secrets = SecretService::start(&desktop);
    let key = simulator.printed("key");
    let path = desktop.home.write_config(&simulator.config("1h").replace(&key, "an-old-key"));
    let _monitor = App::start_listening(&desktop);
    let driver = Driver::start(&desktop, &[]);
    let systems = |driver: &Driver| driver.script("return document.querySelectorAll('.row').length;", json!([]));
    wait_for(Duration::from_secs(30), "the rejected key in the popup", || {
        driver
            .script("return document.body.innerText.includes('key rejected');", json!([]))
            .as_bool()
            .filter(|shown| *shown)
    });
    assert_eq!(systems(&driver), 0, "no systems with a rejected key");

    driver.click("#settings-button");
    let organization = simulator.printed("id");
    wait_for(Duration::from_secs(10), "the key field in Settings", || {
        driver
            .script("return !!document.getElementById('key-' + arguments[0]);", json!([organization]))
            .as_bool()
            .filter(|b| *b)
    });
    driver.script(
        "const input = document.getElementById('key-' + arguments[0]);\
         input.value = arguments[1];\
         input.closest('.key-row').querySelector('button').click();",
        json!([organization, key]),
    );
    // The poll interval is an hour: only a monitor that took the key polls again.
    let expected = simulator.control("GET", "/control/document", None)["systems"].as_array().unwrap().len();
    driver.click("#settings-cancel");
    wait_for(Duration::from_secs(30), "the systems, polled with the pasted key", || {
        (systems(&driver) == json!(expected)).then_some(())
    });
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.contains(&format!("key_keyring = \"{organization}\"")), "{file}");
    assert!(!file.contains("an-old-key"), "{file}");
    assert_eq!(status_error(&desktop), None, "the key is in the keyring for the next start too");
    drop(driver);
    assert_nowhere_in(&desktop.home.dir, &key);
}

#[test]
fn an_organization_added_in_settings_is_tested_polled_at_once_and_removed_again() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("organizations");
    let _secrets = SecretService::start(&desktop);
    let key = simulator.printed("key");
    let organization = simulator.printed("id");
    // No organization yet; an hour between polls: only a monitor that took the new one polls it.
    let path = desktop.home.write_config("# written by hand\npoll_interval = \"1h\"\n");
    let _monitor = App::start_listening(&desktop);
    let driver = Driver::start(&desktop, &[]);
    let systems = |driver: &Driver| driver.script("return document.querySelectorAll('.row').length;", json!([]));
    let text_of = |driver: &Driver, css: &str| {
        driver.script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", json!([css]))
    };

    wait_for(Duration::from_secs(30), "the popup's Settings button", || {
        driver
            .script("const b = document.getElementById('settings-button'); return !!b && b.offsetParent !== null && !b.disabled;", json!([]))
            .as_bool()
            .filter(|shown| *shown)
    });
    driver.click("#settings-button");
    wait_for(Duration::from_secs(10), "Add organization", || {
        driver.script("return !!document.getElementById('add-organization');", json!([])).as_bool().filter(|b| *b)
    });
    driver.click("#add-organization");
    driver.script(
        "const set = (id, value) => { const input = document.getElementById(id); input.value = value;\
           input.dispatchEvent(new Event('input', { bubbles: true })); };\
         set('org-name', 'Skyline'); set('org-api-url', arguments[0]); set('org-id', arguments[1]);\
         set('org-key', 'not-the-key');",
        json!([simulator.printed("api_url"), organization]),
    );
    driver.click("#org-test");
    let rejected = wait_for(Duration::from_secs(20), "the test with a wrong key", || {
        Some(text_of(&driver, "#org-test-result").as_str()?.to_string()).filter(|t| t.contains("Key rejected"))
    });
    assert!(rejected.contains("Key rejected"), "{rejected}");
    driver.script("document.getElementById('org-key').value = arguments[0];", json!([key]));
    driver.click("#org-test");
    wait_for(Duration::from_secs(20), "the test with the right key", || {
        Some(text_of(&driver, "#org-test-result").as_str()?.to_string()).filter(|t| t.contains("Connected to"))
    });
    driver.click("#org-save");
    wait_for(Duration::from_secs(20), "the saved form to close", || {
        driver.script("return document.getElementById('organization-form').hidden;", json!([])).as_bool().filter(|b| *b)
    });
    let expected = simulator.control("GET", "/control/document", None)["systems"].as_array().unwrap().len();
    driver.click("#settings-cancel");
    wait_for(Duration::from_secs(30), "the new organization's systems", || {
        (systems(&driver) == json!(expected)).then_some(())
    });
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.starts_with("# written by hand\n"), "the file's comments stay: {file}");
    assert!(file.contains("name = \"Skyline\"") && file.contains("key_keyring = \"Skyline\""), "{file}");
    assert_eq!(status_error(&desktop), None, "the key is in the keyring for the next start too");
    assert_nowhere_in(&desktop.home.dir, &key);

    driver.click("#settings-button");
    wait_for(Duration::from_secs(10), "the organization's Remove", || {
        driver.script("return !!document.querySelector('.org-remove');", json!([])).as_bool().filter(|b| *b)
    });
    // Scrolled into view, as a user scrolls to it (the toast of the save may still cover the list's top).
    driver.script("document.querySelector('.org-remove').scrollIntoView({ block: 'center' });", json!([]));
    driver.script("document.querySelector('.org-remove').click();", json!([]));
    driver.script("document.querySelector('.org-confirm-remove').click();", json!([]));
    wait_for(Duration::from_secs(20), "the organization gone from the file", || {
        let file = std::fs::read_to_string(&path).unwrap();
        (!file.contains("[[organizations]]")).then_some(())
    });
    driver.click("#settings-cancel");
    wait_for(Duration::from_secs(20), "the systems gone from the popup", || {
        (systems(&driver) == json!(0)).then_some(())
    });
}
