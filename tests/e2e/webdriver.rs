//! A small W3C WebDriver client for tauri-driver, which starts the real
//! popup program and hands its web view to WebKitWebDriver.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::desktop::{popup_binary, wait_for, Desktop};

/// tauri-driver, with one session on the app; both end when dropped.
pub struct Driver {
    child: Child,
    base: String,
    session: String,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Driver {
    /// Starts tauri-driver on free ports and, through it, the popup with
    /// `args`, connected to the monitor that runs on `desktop`.
    pub fn start(desktop: &Desktop, args: &[&str]) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new("tauri-driver");
        desktop.apply(&mut command);
        let child = command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver runs (scripts/setup.sh installs it with cargo install)");
        wait_for(Duration::from_secs(10), "tauri-driver to listen", || TcpStream::connect(("127.0.0.1", port)).ok());
        // tauri-driver starts WebKitWebDriver and passes sessions on to it;
        // on a loaded machine a session asked for before it listens is lost.
        wait_for(Duration::from_secs(20), "WebKitWebDriver to listen", || {
            TcpStream::connect(("127.0.0.1", native_port)).ok()
        });
        let mut driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            runtime: tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(),
            http: crate::simulate::http(),
        };
        let socket = desktop.home.socket();
        let mut popup_args = vec!["--socket", socket.to_str().unwrap()];
        popup_args.extend_from_slice(args);
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "tauri:options": { "application": popup_binary(), "args": popup_args }
        } } });
        let created = driver.request("POST", "/session", Some(capabilities));
        driver.session = created["sessionId"].as_str().expect("a WebDriver session").to_string();
        driver
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(async {
            let mut request = self.http.request(method.parse().unwrap(), &url).timeout(Duration::from_secs(60));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
            let status = response.status();
            let value: Value = response.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{method} {url}: {status} {value}");
            value["value"].clone()
        })
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.request(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// A PNG of the web view, as WebKit renders it.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let encoded = self.request("GET", &format!("/session/{}/screenshot", self.session), None);
        base64::engine::general_purpose::STANDARD.decode(encoded.as_str().expect("base64 PNG")).unwrap()
    }

    /// Clicks the first element matching `css`, as a user does.
    pub fn click(&self, css: &str) {
        let element = self.request(
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({ "using": "css selector", "value": css })),
        );
        let id = element.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("an element");
        self.request("POST", &format!("/session/{}/element/{id}/click", self.session), Some(json!({})));
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ =
                self.runtime.block_on(async { self.http.delete(url).timeout(Duration::from_secs(10)).send().await });
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
