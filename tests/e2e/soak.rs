//! The soak: the real monitor polls organizations of `dms-tray simulate`
//! every second while their systems change state and their polls meet
//! random faults, until the simulators have answered the number of polls
//! asked for. Then: the monitor's file descriptors and threads did not
//! grow after warm-up, its resident memory grew less than 5 % (judged from
//! 10,000 polls up), and every change the API made is in the history
//! exactly once, around the unknown spells the faults cause.
//!
//! The test command runs a short soak (`DMS_TRAY_SOAK_POLLS`, 600 polls of
//! 10 organizations); `scripts/soak.sh` runs 50,000 polls of 50 and prints
//! the figures.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::desktop::{wait_for, App, Desktop};
use crate::simulate::SimulateProcess;
use crate::sni::StatusNotifierWatcher;

/// The states a test sets; `unknown` only comes from faults.
const STATES: [&str; 3] = ["ok", "dmsNotResponding", "noConnection"];

/// Faults a poll meets: each ends within a second or two of polls.
fn random_fault() -> Value {
    let faults = [
        json!({"status": 500}),
        json!({"status": 503, "retryAfter": "1"}),
        json!({"status": 502, "body": "html"}),
        json!({"status": 401}),
        json!({"status": 429, "retryAfter": "1"}),
        json!({"html200": true}),
        json!({"truncated": true}),
        json!({"notADocument": true}),
        json!({"duplicateIds": true}),
        json!({"wrongOrganization": true}),
        json!({"redirect": "https://other.example/v1/organizations/x/systems"}),
        json!({"document": "null"}),
        json!({"delayMs": 1500}),
    ];
    json!({ "fault": faults[fastrand::usize(..faults.len())], "count": fastrand::u32(1..=2) })
}

/// One simulated organization and what the test did to it.
struct Organization {
    simulator: SimulateProcess,
    /// The systems whose state the test changes, with each state it set, in order.
    changes: HashMap<String, Vec<String>>,
    /// The next moment something may happen to it: after a change, two
    /// polls to see it; after a fault, time for the fault and a good poll.
    next: Instant,
}

impl Organization {
    fn start(n: usize, dir: &std::path::Path) -> Organization {
        let scenario = dir.join(format!("soak-{n}.toml"));
        let text = include_str!("../../monitor/src/simulator/default_scenario.toml")
            .replace("6c7dcd0f-a589-446e-bbb3-ac8d48e8e59d", &format!("6c7dcd0f-a589-446e-bbb3-{n:012}"))
            .replace("name = \"Skyline Demo\"", &format!("name = \"Soak {n}\""))
            .replace("max_age = 5", "max_age = 1");
        std::fs::write(&scenario, text).unwrap();
        let simulator = SimulateProcess::start_with(&["--scenario", scenario.to_str().unwrap(), "--still"]);
        let document = simulator.control("GET", "/control/document", None);
        let changes = document["systems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| STATES.contains(&s["state"].as_str().unwrap()))
            .map(|s| (s["name"].as_str().unwrap().to_string(), vec![s["state"].as_str().unwrap().to_string()]))
            .collect();
        Organization { simulator, changes, next: Instant::now() + Duration::from_secs(5) }
    }

    /// A state change of a random system, or a fault, one at a time.
    fn act(&mut self) {
        if fastrand::bool() {
            let names: Vec<&String> = self.changes.keys().collect();
            let name = names[fastrand::usize(..names.len())].clone();
            let states = self.changes.get_mut(&name).unwrap();
            let now = states.last().unwrap().clone();
            let others: Vec<&str> = STATES.iter().copied().filter(|s| *s != now).collect();
            let to = others[fastrand::usize(..others.len())];
            self.simulator.control("PATCH", &format!("/control/systems/{name}"), Some(json!({ "state": to })));
            states.push(to.to_string());
            self.next = Instant::now() + Duration::from_millis(2500);
        } else {
            self.simulator.control("POST", "/control/faults", Some(random_fault()));
            self.next = Instant::now() + Duration::from_millis(6000);
        }
    }

    fn polls(&self) -> u64 {
        self.simulator.control("GET", "/control/requests", None)["count"].as_u64().unwrap()
    }
}

/// What /proc says of a process.
#[derive(Debug, Clone, Copy)]
struct Sample {
    rss_kib: u64,
    fds: usize,
    threads: u64,
}

fn sample(pid: u32) -> Sample {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count();
    Sample { rss_kib: field("VmRSS:"), fds, threads: field("Threads:") }
}

/// The median of each figure over `samples`.
fn median(samples: &[Sample]) -> Sample {
    let mid = |mut values: Vec<u64>| {
        values.sort_unstable();
        values[values.len() / 2]
    };
    Sample {
        rss_kib: mid(samples.iter().map(|s| s.rss_kib).collect()),
        fds: mid(samples.iter().map(|s| s.fds as u64).collect()) as usize,
        threads: mid(samples.iter().map(|s| s.threads).collect()),
    }
}

/// The states the history holds for each system, in order, without the
/// unknown spells of a failing organization and the return to the state
/// before them.
fn history_states(database: &std::path::Path) -> HashMap<(String, String), Vec<String>> {
    let db = rusqlite::Connection::open(database).unwrap();
    let mut query = db
        .prepare("SELECT organization_name, system_name, state FROM events WHERE state IS NOT NULL ORDER BY id")
        .unwrap();
    let rows = query
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))
        .unwrap();
    let mut states: HashMap<(String, String), Vec<String>> = HashMap::new();
    let mut unknown_since: HashMap<(String, String), bool> = HashMap::new();
    for row in rows {
        let (organization, system, state) = row.unwrap();
        let key = (organization, system);
        let seen = states.entry(key.clone()).or_default();
        let in_spell = unknown_since.entry(key).or_default();
        if state == "unknown" {
            *in_spell = true;
        } else if std::mem::take(in_spell) && seen.last() == Some(&state) {
            // Back from a spell of unknown to the state before it.
        } else {
            seen.push(state);
        }
    }
    states
}

#[test]
fn the_monitor_holds_steady_over_many_polls_with_faults_and_changes() {
    let target: u64 = std::env::var("DMS_TRAY_SOAK_POLLS").ok().and_then(|n| n.parse().ok()).unwrap_or(600);
    let count: usize = std::env::var("DMS_TRAY_SOAK_ORGANIZATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(10);
    let desktop = Desktop::new("soak");
    let mut organizations: Vec<Organization> = (0..count).map(|n| Organization::start(n, &desktop.home.dir)).collect();
    let config: String = organizations.iter().map(|o| o.simulator.organization()).collect();
    desktop.home.write_config(&format!("poll_interval = \"1s\"\n\n{config}"));
    let _panel = StatusNotifierWatcher::start(&desktop.bus.address);
    let app = App::start(&desktop, &[]);
    let pid = app.pid();
    let polls = |organizations: &[Organization]| organizations.iter().map(Organization::polls).sum::<u64>();
    wait_for(Duration::from_secs(30), "the first polls", || (polls(&organizations) >= count as u64).then_some(()));

    let started = Instant::now();
    let warm_up = (target / 5).max(count as u64 * 10);
    let (mut warm, mut late, mut all) = (Vec::new(), Vec::new(), Vec::new());
    let (mut done, mut next_sample) = (0, Instant::now());
    while done < target {
        for organization in organizations.iter_mut().filter(|o| o.next <= Instant::now()) {
            organization.act();
        }
        if Instant::now() >= next_sample {
            next_sample += Duration::from_secs(2);
            done = polls(&organizations);
            let now = sample(pid);
            all.push(now);
            if done >= warm_up && warm.len() < 10 {
                warm.push(now);
            }
            if done >= target - (target - warm_up) / 10 {
                late.push(now);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Let the last changes be seen before the history is read.
    std::thread::sleep(Duration::from_secs(8));
    let (warm, late) = (median(&warm), median(&late.split_off(late.len().saturating_sub(10))));
    let elapsed = started.elapsed();
    drop(app);

    let history = history_states(&desktop.home.dir.join("state/dms-tray/history.sqlite3"));
    let mut changes = 0;
    for (n, organization) in organizations.iter().enumerate() {
        for (system, set) in &organization.changes {
            let recorded = history.get(&(format!("Soak {n}"), system.clone())).cloned().unwrap_or_default();
            assert_eq!(&recorded, set, "Soak {n} / {system}: the history against the changes made");
            changes += set.len() - 1;
        }
    }
    let growth = (late.rss_kib as f64 / warm.rss_kib as f64 - 1.0) * 100.0;
    let peak = all.iter().map(|s| s.rss_kib).max().unwrap();
    println!(
        "soak: {done} polls of {count} organizations in {:.0} s ({:.1} polls/s), {changes} state changes, each in the history once",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64()
    );
    println!(
        "soak: after warm-up ({warm_up} polls) RSS {:.1} MiB, fds {}, threads {}; at the end RSS {:.1} MiB ({growth:+.1} %), fds {}, threads {}; peak RSS {:.1} MiB",
        warm.rss_kib as f64 / 1024.0,
        warm.fds,
        warm.threads,
        late.rss_kib as f64 / 1024.0,
        late.fds,
        late.threads,
        peak as f64 / 1024.0
    );
    assert!(late.fds <= warm.fds, "open files grew: {warm:?} → {late:?}");
    assert!(late.threads <= warm.threads, "threads grew: {warm:?} → {late:?}");
    if done >= 10_000 {
        assert!(growth < 5.0, "resident memory grew {growth:.1} %");
    } else {
        println!("soak: memory growth is judged from 10,000 polls up");
    }
}
