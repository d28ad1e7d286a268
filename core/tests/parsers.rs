//! What dms-tray reads from outside, the status document and the
//! configuration file, given random input: never a panic, only a typed
//! error or a value that holds what the checks promise.

use std::path::Path;

use dms_tray_core::api::parse_document;
use dms_tray_core::config;
use proptest::prelude::*;

/// Text close enough to a Systems document that the parser goes deep:
/// a real document with random cuts, insertions and replacements.
fn near_document() -> impl Strategy<Value = String> {
    let document = r#"{"organization":{"id":"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10","name":"Skyline","urlLabel":"skyline"},
        "generatedAt":"2026-11-21T09:46:00Z","systems":[{"id":"5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f","name":"Ziine",
        "dnsLabel":"ziine","type":"selfHosted","state":"dmsNotResponding","lastSeenOnline":"2026-11-21T09:31:00Z",
        "cloudGateways":{"connected":2,"total":2},"remoteAccess":{"enabled":true,"url":"https://ziine-skyline.on.dataminer.services/"},
        "dataMinerVersion":"10.5.1.0-15231"}]}"#;
    (0..document.len(), 0..document.len(), ".{0,12}").prop_map(move |(a, b, insert)| {
        let (from, to) = (a.min(b), a.max(b));
        let (from, to) = (floor(document, from), floor(document, to));
        format!("{}{insert}{}", &document[..from], &document[to..])
    })
}

/// The nearest character boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Text close to a configuration file, cut and spliced the same way.
fn near_config() -> impl Strategy<Value = String> {
    let text = "poll_interval = \"60s\"\nhistory_keep = \"90days\"\n\n[[organizations]]\nname = \"Skyline\"\n\
        api_url = \"https://api.dataminer.services/api/status-api\"\nid = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\n\
        key_env = \"DMS_KEY\"\nallowed_remote_hosts = [\"127.0.0.1:8080\"]\n\n[notifications]\nquiet_hours = \"22:00-07:00\"\n\
        flap_changes = 4\nflap_window = \"15m\"\n";
    (0..text.len(), 0..text.len(), ".{0,12}").prop_map(move |(a, b, insert)| {
        let (from, to) = (floor(text, a.min(b)), floor(text, a.max(b)));
        format!("{}{insert}{}", &text[..from], &text[to..])
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_are_a_document_or_an_error(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_document(&body);
    }

    #[test]
    fn a_damaged_document_is_an_error_or_a_checked_document(body in near_document()) {
        if let Ok(document) = parse_document(body.as_bytes()) {
            for system in &document.systems {
                prop_assert!(!system.name.is_empty());
                prop_assert!(system.name.chars().count() <= 200);
                prop_assert!(!system.name.chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn any_text_is_a_configuration_or_an_error_naming_the_file(text in ".{0,300}") {
        if let Err(error) = config::parse(Path::new("/home/u/.config/dms-tray/config.toml"), &text) {
            prop_assert!(error.to_string().starts_with("/home/u/.config/dms-tray/config.toml"));
        }
    }

    #[test]
    fn a_damaged_configuration_is_an_error_naming_the_file_or_a_checked_configuration(text in near_config()) {
        match config::parse(Path::new("/etc/dms-tray.toml"), &text) {
            Ok(config) => {
                prop_assert!(config.poll_interval >= config.min_poll_interval());
                prop_assert!(config.poll_interval <= config::MAX_POLL_INTERVAL);
            }
            Err(error) => prop_assert!(error.to_string().starts_with("/etc/dms-tray.toml"), "{error}"),
        }
    }
}
