//! Hooks through the real monitor: a change in the simulator reaches a
//! command hook (the event on its stdin) and a webhook (a receiver on
//! loopback), filtered by the system's priority from the configuration's
//! patterns, and neither ever carries the organization key.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::desktop::{wait_for, App, Desktop};
use crate::simulate::SimulateProcess;

/// A webhook receiver on loopback: answers 200 to every POST and keeps the bodies.
fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            kept.lock().unwrap().push(String::from_utf8(body).unwrap());
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, bodies)
}

#[test]
fn a_change_reaches_a_command_and_a_webhook_filtered_by_priority_without_the_key() {
    let simulator = SimulateProcess::start(false);
    let desktop = Desktop::new("hooks");
    let (url, posted) = receiver();
    let written = desktop.home.dir.join("events.jsonl");
    let org = simulator.control("GET", "/control/document", None);
    let names: Vec<String> = org["systems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "ok")
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    let (on_air, normal) = (&names[0], &names[1]);
    desktop.home.write_config(&format!(
        "{config}\n[[organizations.priority]]\npattern = \"{on_air}\"\nlevel = \"on-air\"\n\n\
         [[hooks]]\nname = \"log\"\ncommand = [\"sh\", \"-c\", \"cat >> '{written}'; echo >> '{written}'\"]\n\n\
         [[hooks]]\nname = \"pager\"\nurl = \"{url}\"\nkinds = [\"no-connection\"]\npriorities = [\"on-air\"]\n",
        config = simulator.config("2s"),
        written = written.display(),
    ));
    let _app = App::start_listening(&desktop);
    // The first poll, at start, is the baseline the changes are told against.
    std::thread::sleep(Duration::from_secs(4));

    let patch = |name: &str, state: &str| {
        simulator.control("PATCH", &format!("/control/systems/{name}"), Some(json!({ "state": state })));
    };
    patch(normal, "noConnection");
    patch(on_air, "noConnection");
    let events = wait_for(Duration::from_secs(20), "both events at the command", || {
        let text = std::fs::read_to_string(&written).unwrap_or_default();
        let events: Vec<Value> =
            text.lines().filter(|l| !l.is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
        (events.len() >= 2).then_some(events)
    });
    for event in &events {
        assert_eq!(event["kind"], "no-connection", "{event}");
        assert_eq!(event["stateText"], "No connection to dataminer.services", "{event}");
    }
    let priority_of = |name: &str| events.iter().find(|e| e["system"]["name"] == name).unwrap()["priority"].clone();
    assert_eq!(priority_of(on_air), "on-air");
    assert_eq!(priority_of(normal), "normal");

    let bodies = wait_for(Duration::from_secs(20), "the on-air event at the webhook", || {
        let bodies = posted.lock().unwrap().clone();
        (!bodies.is_empty()).then_some(bodies)
    });
    std::thread::sleep(Duration::from_secs(3));
    let bodies = posted.lock().unwrap().clone().into_iter().chain(bodies).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(bodies.len(), 1, "only the on-air system's change: {bodies:?}");
    let event: Value = serde_json::from_str(bodies.iter().next().unwrap()).unwrap();
    assert_eq!(event["system"]["name"], on_air.as_str());

    let key = simulator.printed("key");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(!text.contains(&key) && !bodies.iter().any(|b| b.contains(&key)), "a hook never carries the key");
}
