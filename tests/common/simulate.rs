//! `dms-tray simulate` in its own process, as users run it, with a blocking
//! client for its control API. Shared by the test suites.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

pub struct SimulateProcess {
    child: Child,
    lines: Vec<String>,
    // Kept open: the simulator must not write into a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl SimulateProcess {
    /// Starts the default scenario on a free loopback port; `timeline`
    /// false makes it stand still, so that tests decide every change.
    pub fn start(timeline: bool) -> SimulateProcess {
        SimulateProcess::start_with(if timeline { &[] } else { &["--still"] })
    }

    /// Starts `dms-tray simulate` with more arguments (`--scenario FILE`).
    pub fn start_with(args: &[&str]) -> SimulateProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_dms-tray"));
        command.args(["simulate", "--listen", &format!("127.0.0.1:{port}")]).args(args);
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        while !lines.last().is_some_and(|l: &String| l.starts_with("Control API")) {
            let mut line = String::new();
            assert_ne!(reader.read_line(&mut line).unwrap(), 0, "the simulator stopped: {lines:?}");
            lines.push(line.trim().to_string());
        }
        SimulateProcess { child, lines, _stdout: reader }
    }

    /// The value of a `name = "value"` line the simulator printed.
    pub fn printed(&self, name: &str) -> String {
        let line = self.lines.iter().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{:?}", self.lines));
        line.split('"').nth(1).unwrap().to_string()
    }

    /// A configuration file's text for this simulator.
    pub fn config(&self, poll_interval: &str) -> String {
        format!("poll_interval = \"{poll_interval}\"\n\n{}", self.organization())
    }

    /// The `[[organizations]]` section of this simulator's organization.
    pub fn organization(&self) -> String {
        format!(
            "[[organizations]]\napi_url = \"{}\"\nid = \"{}\"\nkey = \"{}\"\nallowed_remote_hosts = [\"{}\"]\n",
            self.printed("api_url"),
            self.printed("id"),
            self.printed("key"),
            self.printed("allowed_remote_hosts"),
        )
    }

    /// A call to the control API; panics unless it succeeds.
    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.printed("api_url"));
        let method: reqwest::Method = method.parse().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut request = http().request(method, &url).header("X-Control-Token", self.printed("Control token"));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.expect("the control API answers");
            assert!(response.status().is_success(), "{url}: {}", response.status());
            response.json().await.unwrap_or(Value::Null)
        })
    }
}

/// A plain HTTP client; reqwest is built without a bundled crypto provider.
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl Drop for SimulateProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
