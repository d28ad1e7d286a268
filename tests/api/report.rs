//! `dms-tray report` as a user runs it at the end of a shift: a history
//! written through the monitor's own `HistoryStore` into a state folder of
//! its own, and the report the real binary prints from it, in each format;
//! bad arguments and an organization the history lacks are told clearly,
//! with exit code 3.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Duration, Utc};
use dms_tray::history_store::HistoryStore;
use dms_tray_core::acknowledge::Acknowledgement;
use dms_tray_core::alerts::SystemRef;
use dms_tray_core::api::{parse_document, ApiState};
use dms_tray_core::monitor::Monitor;
use dms_tray_core::poll::PollOutcome;
use uuid::Uuid;

use ApiState::{DmsNotResponding, NoConnection, Ok, Unknown};

/// A state folder of its own (`$XDG_STATE_HOME`), empty.
fn state_home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dms-tray-report-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `dms-tray report …` on the history of `state_home`, in UTC, without a configuration.
fn report(state_home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dms-tray"))
        .arg("report")
        .args(args)
        .env_remove("DMS_TRAY_CONFIG")
        .env("XDG_CONFIG_HOME", state_home.join("no-config-here"))
        .env("XDG_STATE_HOME", state_home)
        .env("TZ", "UTC")
        .output()
        .expect("dms-tray runs")
}

fn stdout(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An organization's history as the tray app writes it: a document per
/// poll through the monitor, its transitions into the store.
struct Organization {
    id: Uuid,
    name: &'static str,
    monitor: Monitor,
}

impl Organization {
    fn new(n: u128, name: &'static str) -> Organization {
        let id = Uuid::from_u128(n);
        Organization { id, name, monitor: Monitor::new([(id, None)]) }
    }

    fn poll(&mut self, store: &mut HistoryStore, at: DateTime<Utc>, systems: &[(u128, &str, ApiState)]) {
        let systems: Vec<serde_json::Value> = systems
            .iter()
            .map(|(n, name, state)| {
                serde_json::json!({
                    "id": Uuid::from_u128(*n), "name": name, "dnsLabel": "dms", "type": "selfHosted",
                    "state": state.as_str(), "lastSeenOnline": null, "cloudGateways": {"connected": 1, "total": 1},
                    "remoteAccess": {"enabled": false, "url": null}, "dataMinerVersion": null
                })
            })
            .collect();
        let body = serde_json::json!({
            "organization": {"id": self.id, "name": self.name, "urlLabel": "org"},
            "generatedAt": at, "systems": systems
        });
        let document = parse_document(body.to_string().as_bytes()).unwrap();
        let outcome = PollOutcome::Fresh { document, etag: None, max_age: None };
        let transitions = self.monitor.record(self.id, &outcome, at).transitions;
        store.record(&self.monitor.view().organizations[0], &transitions, at).unwrap();
    }
}

const GENT: &str = "Gent, <b>Headend</b>";

/// Twenty hours of two organizations, up to `now`:
/// - Tokyo MCR without connection from 14 to 11 hours ago (across the
///   start of a 12-hour report);
/// - Ziine not responding for the last 3 hours, acknowledged by alice;
/// - Gent without connection for the last hour, with a passing unknown;
/// - Antwerp flapping: 6 changes of state between 5 and 4 hours ago;
/// - the Lab organization's one system connected throughout.
fn write_history(path: &Path, now: DateTime<Utc>) {
    let ago = |minutes: i64| now - Duration::minutes(minutes);
    let mut store = HistoryStore::open(path);
    let mut skyline = Organization::new(1, "Skyline");
    let mut lab = Organization::new(2, "Lab");
    lab.poll(&mut store, ago(20 * 60), &[(20, "Lab DMS", Ok)]);
    let mut states = [(1, "Ziine", Ok), (2, "Tokyo MCR", Ok), (3, GENT, Ok), (4, "Antwerp", Ok)];
    let mut poll = |at: i64, system: usize, state: ApiState| {
        states[system].2 = state;
        skyline.poll(&mut store, ago(at), &states);
    };
    poll(20 * 60, 0, Ok);
    poll(14 * 60, 1, NoConnection);
    poll(11 * 60, 1, Ok);
    for (i, at) in (0..6).map(|i| (i, 5 * 60 - i * 10)) {
        poll(at, 3, if i % 2 == 0 { NoConnection } else { Ok });
    }
    poll(3 * 60, 0, DmsNotResponding);
    poll(60, 2, NoConnection);
    poll(50, 2, Unknown);
    poll(40, 2, NoConnection);
    let ziine = SystemRef { organization: skyline.id, system: Uuid::from_u128(1) };
    let ack = Acknowledgement { by: "alice".into(), at: ago(170), state: DmsNotResponding };
    store.acknowledge(&skyline.monitor.view().organizations[0], ziine, &ack).unwrap();
}

fn clock(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

#[test]
fn the_report_tells_a_shift_from_the_history_in_markdown_csv_and_html() {
    let home = state_home("formats");
    let now = Utc::now();
    let ago = |minutes: i64| clock(now - Duration::minutes(minutes));
    write_history(&home.join("dms-tray/history.sqlite3"), now);

    let text = stdout(&report(&home, &["--since", "12h"]));
    for line in [
        "## Lab\n",
        "## Skyline\n",
        "| System | State | Since | For | Acknowledged |\n",
        &format!(
            "| Ziine | Cloud connection valid, DMS not responding | {} | 3 h | by alice, {} |\n",
            ago(180),
            ago(170)
        ),
        &format!("| Gent, \\<b\\>Headend\\</b\\> | No connection to dataminer.services | {} | 1 h | no |\n", ago(60)),
        &format!("| Tokyo MCR | No connection to dataminer.services | {} | {} | 3 h |\n", ago(14 * 60), ago(11 * 60)),
        "### Flapping: more than 4 changes of state\n\n| System | Changes of state |\n| --- | --- |\n| Antwerp | 6 |\n",
        "| Tokyo MCR | 85.0 % connected |\n",
        "| Lab DMS | 100.0 % connected |\n",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
    assert!(text.starts_with(&format!("# Handover: {} to {}\n", ago(12 * 60), ago(0))), "{text}");
    assert!(!text.contains("<b>"), "a name is never markup: {text}");
    let short = stdout(&report(&home, &["--since", "2h"]));
    assert!(!short.contains("Tokyo MCR | No connection"), "Tokyo's outage ended before: {short}");

    let table = stdout(&report(&home, &["--format", "csv", "--organization", "skyline"]));
    let rows: Vec<&str> = table.split_terminator("\r\n").collect();
    assert_eq!(
        rows[0],
        "organization,system,kind,state,start,end,minutes,acknowledged_by,acknowledged_at,changes_of_state,uptime_percent"
    );
    for row in [
        format!(
            "Skyline,Ziine,open outage,\"Cloud connection valid, DMS not responding\",{},,180,alice,{},,",
            ago(180),
            ago(170)
        ),
        format!("Skyline,\"{GENT}\",open outage,No connection to dataminer.services,{},,60,,,,", ago(60)),
        format!(
            "Skyline,Tokyo MCR,outage,No connection to dataminer.services,{},{},180,,,,",
            ago(14 * 60),
            ago(11 * 60)
        ),
        "Skyline,Antwerp,flapping,,,,,,,6,".to_string(),
        "Skyline,Tokyo MCR,uptime,,,,,,,,85.0".to_string(),
    ] {
        assert!(rows.contains(&row.as_str()), "{row:?} in:\n{table}");
    }
    assert!(!table.contains("Lab"), "only the organization asked for: {table}");

    let page = stdout(&report(&home, &["--format", "html"]));
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<h2>Skyline</h2>"), "{page}");
    assert!(page.contains("<td>Gent, &lt;b&gt;Headend&lt;/b&gt;</td>"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(page.contains(&format!("<td>by alice, {}</td>", ago(170))), "{page}");
}

#[test]
fn the_demo_reports_from_its_own_history() {
    let home = state_home("demo");
    let now = Utc::now();
    let mut store = HistoryStore::open(&home.join("dms-tray/demo-history.sqlite3"));
    Organization::new(3, "Demo Broadcaster").poll(&mut store, now - Duration::hours(1), &[(30, "Playout", Ok)]);
    drop(store);
    let output = report(&home, &[]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("there is no history at"), "{}", stderr(&output));
    let text = stdout(&report(&home, &["--demo"]));
    assert!(text.contains("## Demo Broadcaster\n") && text.contains("| Playout | 100.0 % connected |"), "{text}");
}

#[test]
fn bad_arguments_and_an_unknown_organization_are_named_and_exit_3() {
    let home = state_home("errors");
    write_history(&home.join("dms-tray/history.sqlite3"), Utc::now());
    let cases: [(&[&str], &[&str]); 5] = [
        (&["--since", "12x"], &["12x", "unknown time unit"]),
        (&["--since", "0s"], &["0s", "longer than 0"]),
        (&["--format", "pdf"], &["pdf", "md", "csv", "html"]),
        (&["--organization", "Nowhere"], &["no organization named \"Nowhere\"", "\"Lab\", \"Skyline\""]),
        (&["--organization"], &["--organization <NAME>"]),
    ];
    for (args, words) in cases {
        let output = report(&home, args);
        assert_eq!(output.status.code(), Some(3), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        for word in words {
            assert!(stderr(&output).contains(word), "{args:?}: {word:?} in {}", stderr(&output));
        }
    }
}
