//! The `dms-tray` binary as users and scripts run it: `status` against the
//! built-in demo and against `dms-tray simulate` in another process, and
//! clear errors with exit code 3 for bad configuration and arguments.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::simulate::SimulateProcess;

fn dms_tray(args: &[&str], config: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dms-tray"));
    command.args(args).env_remove("DMS_TRAY_CONFIG");
    // Never read the developer's own configuration.
    command.env("XDG_CONFIG_HOME", scratch_dir().join("no-config-here"));
    if let Some(config) = config {
        command.env("DMS_TRAY_CONFIG", config);
    }
    command.output().expect("dms-tray runs")
}

fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dms-tray-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_config(name: &str, text: &str) -> std::path::PathBuf {
    let path = scratch_dir().join(name);
    std::fs::write(&path, text).unwrap();
    // dms-tray refuses a key that other users can read.
    let private = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600);
    std::fs::set_permissions(&path, private).unwrap();
    path
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn status_demo_json_prints_the_simulated_organization() {
    let output = dms_tray(&["status", "--demo", "--json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)));
    let orgs = json["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    let org = &orgs[0];
    assert_eq!(org["error"], Value::Null);
    assert!(!org["name"].as_str().unwrap().is_empty());
    let systems = org["systems"].as_array().unwrap();
    assert!(systems.len() >= 10, "about a dozen systems: {}", systems.len());
    let states: Vec<&str> = systems.iter().map(|s| s["state"].as_str().unwrap()).collect();
    for state in &states {
        assert!(["ok", "dmsNotResponding", "noConnection", "unknown"].contains(state), "{state}");
    }
    for field in ["id", "name", "state", "lastSeenOnline", "cloudGateways", "remoteAccessUrl"] {
        assert!(systems[0].get(field).is_some(), "field {field}");
    }
    // The exit code is the check result of what was printed.
    let expected = if states.contains(&"noConnection") {
        2
    } else if states.contains(&"dmsNotResponding") {
        1
    } else {
        0
    };
    assert_eq!(output.status.code(), Some(expected), "{}", stderr(&output));
}

#[test]
fn status_demo_table_reads_in_words() {
    let output = dms_tray(&["status", "--demo"], None);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Connected"), "{text}");
    assert!(text.contains("gateways"), "{text}");
    assert!(text.lines().last().unwrap().contains("systems"), "summary line: {text}");
}

#[test]
fn status_against_the_simulate_command_with_a_config_file() {
    let simulator = SimulateProcess::start(false);
    let key_file = write_config("org.key", &format!("{}\n", simulator.printed("key")));
    let config = write_config(
        "simulated.toml",
        &format!(
            "poll_interval = \"30s\"\n\n[[organizations]]\nname = \"Night shift\"\napi_url = \"{}\"\nid = \"{}\"\nkey_file = \"{}\"\n",
            simulator.printed("api_url"),
            simulator.printed("id"),
            key_file.display()
        ),
    );
    let output = dms_tray(&["status", "--json"], Some(&config));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    assert_eq!(json["organizations"][0]["name"], "Night shift", "the configured name wins");
    assert!(json["organizations"][0]["systems"].as_array().unwrap().len() >= 10);

    // Everything ok: exit 0. One DMS down: exit 2, and the table says which.
    for system in json["organizations"][0]["systems"].as_array().unwrap() {
        let patch = serde_json::json!({ "state": "ok", "cloudGateways": { "connected": 1, "total": 1 } });
        simulator.control("PATCH", &format!("/control/systems/{}", system["id"].as_str().unwrap()), Some(patch));
    }
    assert_eq!(dms_tray(&["status"], Some(&config)).status.code(), Some(0));
    simulator.control("PATCH", "/control/systems/Ziine", Some(serde_json::json!({ "state": "noConnection" })));
    let output = dms_tray(&["status"], Some(&config));
    assert_eq!(output.status.code(), Some(2));
    let table = String::from_utf8(output.stdout).unwrap();
    let ziine = table.lines().find(|l| l.contains("Ziine")).unwrap();
    assert!(ziine.contains("No connection to dataminer.services") && ziine.contains("last seen just now"), "{table}");

    // The same with a wrong key: the organization error, exit 3.
    let wrong = write_config("wrong-key.toml", &simulator.config("30s").replace(&simulator.printed("key"), "nope"));
    let output = dms_tray(&["status", "--json"], Some(&wrong));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    assert_eq!(json["organizations"][0]["error"]["kind"], "keyRejected", "{json}");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn an_unreachable_organization_is_reported_with_exit_code_3() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = write_config(
        "unreachable.toml",
        &format!(
            "[[organizations]]\napi_url = \"http://127.0.0.1:{port}\"\nid = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\nkey = \"k\"\n"
        ),
    );
    let output = dms_tray(&["status"], Some(&config));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("cannot reach 127.0.0.1"), "{text}");
    assert!(text.contains("1 organization could not be polled"), "{text}");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn a_configuration_mistake_names_the_file_and_line_and_exits_3() {
    let config = write_config(
        "typo.toml",
        "poll_interval = \"60s\"\n\n[[organizations]]\napi_url = \"https://api.example\"\nid = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\nkey = \"k\"\nkee = \"typo\"\n",
    );
    let output = dms_tray(&["status"], Some(&config));
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{message}");
    assert!(message.contains(&config.display().to_string()), "{message}");
    assert!(message.contains("line 7"), "{message}");
    assert!(message.contains("kee"), "{message}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_missing_named_config_file_is_an_error() {
    let output = dms_tray(&["status", "--config", "/nonexistent/dms-tray.toml"], None);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("/nonexistent/dms-tray.toml: cannot read the configuration file"));
}

#[test]
fn no_configuration_at_all_points_to_the_demo() {
    let output = dms_tray(&["status"], None);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("--demo"), "{}", stderr(&output));
}

#[test]
fn bad_arguments_are_named_and_exit_3() {
    let output = dms_tray(&["status", "--jsn"], None);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("--jsn"), "{}", stderr(&output));

    let output = dms_tray(&["simulate", "--listen", "nowhere"], None);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("nowhere"), "{}", stderr(&output));

    let output = dms_tray(&["simulate", "--demo"], None);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("--demo does not apply to simulate"));
}

#[test]
fn help_and_version_exit_0() {
    let output = dms_tray(&["--help"], None);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("status") && help.contains("simulate") && help.contains("--demo"), "{help}");
    let output = dms_tray(&["--version"], None);
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), format!("dms-tray {}", env!("CARGO_PKG_VERSION")));
}

/// The monitor runs all day: it must not load a web engine or a GUI
/// toolkit. `ldd` lists every shared library it would load, directly or not.
#[cfg(target_os = "linux")]
#[test]
fn the_monitor_links_no_gtk_webkit_or_icu() {
    let output = Command::new("ldd").arg(env!("CARGO_BIN_EXE_dms-tray")).output().expect("ldd runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let libraries = String::from_utf8_lossy(&output.stdout);
    assert!(libraries.contains("libc.so"), "ldd read the binary: {libraries}");
    for forbidden in ["libgtk", "libgdk", "libwebkit2gtk", "libjavascriptcoregtk", "libicu", "libsoup"] {
        assert!(!libraries.contains(forbidden), "the monitor links {forbidden}:\n{libraries}");
    }
    let count = libraries.lines().filter(|l| l.contains(".so")).count();
    eprintln!("the monitor loads {count} shared libraries");
}

#[test]
fn the_status_table_never_writes_what_a_hostile_name_holds() {
    let simulator = SimulateProcess::start(false);
    let config = write_config("hostile.toml", &simulator.config("30s"));
    let hostile = "Ziine\u{1b}]0;pwned\u{7}\u{1b}[2J \u{202E}KO\u{202C}";
    let rename = serde_json::json!({ "name": hostile, "state": "noConnection" });
    simulator.control("PATCH", "/control/systems/Ziine", Some(rename));
    simulator.control(
        "PATCH",
        "/control/systems/Gent%20Headend",
        Some(serde_json::json!({ "name": "L".repeat(100_000) })),
    );
    for args in [&["status"][..], &["status", "--json"]] {
        let output = dms_tray(args, Some(&config));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202E}'),
            "{args:?}: {text:?}"
        );
        assert!(text.contains("Ziine]0;pwned[2J KO"), "{args:?}: {text}");
        assert!(text.contains(&format!("{}…", "L".repeat(199))) && !text.contains(&"L".repeat(201)), "{args:?}");
    }
}

#[test]
fn an_api_on_loopback_is_never_asked_through_the_systems_proxy() {
    let simulator = SimulateProcess::start(false);
    let config = write_config("behind-a-proxy.toml", &simulator.config("30s"));
    // A proxy that does not answer, as an office's may not for this machine.
    let output = Command::new(env!("CARGO_BIN_EXE_dms-tray"))
        .args(["status", "--json", "--config"])
        .arg(&config)
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    assert_eq!(json["organizations"][0]["error"], Value::Null, "{json}");
    assert!(json["organizations"][0]["systems"].as_array().unwrap().len() >= 10);
}

/// An HTTPS server on `address` (`localhost` when it is loopback) with a
/// certificate from a private certificate authority made here, as a proxy
/// that inspects TLS presents: it answers every request with `document`.
/// Returns its port and the authority's certificate (PEM).
fn private_ca_server(document: String, address: std::net::IpAddr) -> (u16, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut root = CertificateParams::new(Vec::<String>::new()).unwrap();
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.distinguished_name.push(rcgen::DnType::CommonName, "dms-tray test root");
    let root = CertifiedIssuer::self_signed(root, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let names = vec!["localhost".to_string(), address.to_string()];
    let leaf = CertificateParams::new(names).unwrap().signed_by(&leaf_key, &root).unwrap();

    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let tls = std::sync::Arc::new(
        rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(vec![leaf.der().clone()], key).unwrap(),
    );
    let listener = std::net::TcpListener::bind((address, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (tls, document) = (tls.clone(), document.clone());
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut stream = rustls::StreamOwned::new(rustls::ServerConnection::new(tls).unwrap(), stream);
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    document.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(document.as_bytes()));
                let _ = stream.flush();
            });
        }
    });
    (port, root.pem())
}

#[test]
fn a_ca_file_adds_a_private_root_to_the_platforms() {
    let simulator = SimulateProcess::start(false);
    let document = simulator.control("GET", "/control/document", None);
    let id = simulator.printed("id");
    let (port, root) = private_ca_server(document.to_string(), std::net::Ipv4Addr::LOCALHOST.into());
    let organization = format!(
        "[[organizations]]\napi_url = \"https://localhost:{port}\"\nid = \"{id}\"\nkey = \"private-ca-test\"\n"
    );

    // Without the root, the certificate is refused, and the message says so.
    let output = dms_tray(&["status", "--json"], Some(&write_config("no-ca.toml", &organization)));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    let error = &json["organizations"][0]["error"];
    assert_eq!(error["kind"], "network", "{json}");
    assert!(error["message"].as_str().unwrap().to_lowercase().contains("certificate"), "{error}");

    // With it, the poll succeeds.
    write_config("root.pem", &root);
    let with_ca = write_config("with-ca.toml", &format!("ca_file = \"root.pem\"\n\n{organization}"));
    let output = dms_tray(&["status", "--json"], Some(&with_ca));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    assert_eq!(json["organizations"][0]["error"], Value::Null, "{json}");
    assert!(json["organizations"][0]["systems"].as_array().unwrap().len() >= 10);

    // A ca_file that holds no certificate is a mistake in the configuration.
    write_config("empty.pem", "not a certificate\n");
    let empty = write_config("empty-ca.toml", &format!("ca_file = \"empty.pem\"\n\n{organization}"));
    let output = dms_tray(&["status"], Some(&empty));
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("the ca_file holds no certificate"), "{}", stderr(&output));
}

/// This machine's address on its network (not loopback): the one it would
/// send from. No packet is sent.
fn network_address() -> std::net::IpAddr {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    socket.connect("192.0.2.1:9").expect("a route out of this machine");
    let address = socket.local_addr().unwrap().ip();
    assert!(!address.is_loopback() && !address.is_unspecified(), "this test needs a network address: {address}");
    address
}

/// tinyproxy (Debian's) on a free loopback port, logging every CONNECT.
struct Tinyproxy {
    child: std::process::Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Tinyproxy {
    fn start() -> Tinyproxy {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = scratch_dir().join(format!("tinyproxy-{port}"));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("tinyproxy.log");
        let conf = dir.join("tinyproxy.conf");
        std::fs::write(
            &conf,
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{}\"\nLogLevel Connect\nPidFile \"{}\"\nMaxClients 10\nAllow 127.0.0.1\n",
                log.display(),
                dir.join("tinyproxy.pid").display()
            ),
        )
        .unwrap();
        let child = Command::new("tinyproxy")
            .args(["-d", "-c"])
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("tinyproxy runs (scripts/setup.sh installs it)");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "tinyproxy did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Tinyproxy { child, port, log }
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_configured_proxy_carries_the_poll_and_never_sees_the_key() {
    let simulator = SimulateProcess::start(false);
    let document = simulator.control("GET", "/control/document", None);
    let address = network_address();
    let (port, root) = private_ca_server(document.to_string(), address);
    let proxy = Tinyproxy::start();
    write_config("proxy-root.pem", &root);
    let key = "proxy-test-key-4f1d9c";
    let config = write_config(
        "proxied.toml",
        &format!(
            "proxy = \"http://127.0.0.1:{}\"\nca_file = \"proxy-root.pem\"\n\n[[organizations]]\napi_url = \"https://{address}:{port}\"\nid = \"{}\"\nkey = \"{key}\"\n",
            proxy.port,
            simulator.printed("id"),
        ),
    );
    let output = dms_tray(&["status", "--json"], Some(&config));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    assert_eq!(json["organizations"][0]["error"], Value::Null, "{json}");
    let log = std::fs::read_to_string(&proxy.log).unwrap_or_default();
    assert!(log.contains(&format!("CONNECT {address}:{port}")), "the proxy carried the poll: {log}");
    assert!(!log.contains(key), "the key went through the proxy in TLS only: {log}");
}
