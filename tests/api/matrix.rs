//! The fault matrix: one client and its monitor against the simulator,
//! through a TCP front that can also break connections, meeting every kind
//! of failure a hostile or broken server can serve, one after the other.
//! For each: no panic; the organization in error with its message, or its
//! systems unknown, never `ok` by the server's word; and the next good
//! poll brings the real states back. The test prints a line per kind;
//! `scripts/fault-matrix.sh` shows them, and docs/reliability.md lists
//! them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dms_tray::client::{http_client, OrgClient, Timeouts};
use dms_tray_core::api::ApiState;
use dms_tray_core::clean::clean;
use dms_tray_core::poll::{PollErrorKind, PollOutcome};
use dms_tray_core::schedule::{Schedule, MAX_SERVER_DELAY};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::support::{Harness, TEST_TIMEOUT};

/// What the front does to the next connections.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Break {
    /// Reads the request and resets the connection (RST) without an answer.
    Reset,
    /// Reads the request and closes the connection without an answer.
    Close,
    /// Reads the request and never answers.
    Silent,
}

/// A TCP front to the simulator. It forwards each connection, unless a
/// break is armed: then it cuts the connections it forwards (so that the
/// client's next poll connects anew) and breaks the next one.
struct Front {
    url: String,
    armed: Arc<Mutex<Option<Break>>>,
    cut: watch::Sender<u64>,
}

impl Front {
    async fn start(upstream: std::net::SocketAddr) -> Front {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let armed = Arc::new(Mutex::new(None));
        let (cut, cuts) = watch::channel(0u64);
        let shared = armed.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let armed = shared.lock().unwrap().take();
                let mut cuts = cuts.clone();
                tokio::spawn(async move {
                    match armed {
                        Some(Break::Reset) => {
                            // After the request, so that the client meets the
                            // reset while it waits for the answer, never while
                            // it still sets the connection up.
                            let _ = socket.read(&mut [0u8; 4096]).await;
                            let _ = socket.set_zero_linger();
                        }
                        Some(Break::Close) => {
                            let _ = socket.read(&mut [0u8; 4096]).await;
                        }
                        Some(Break::Silent) => {
                            let _ = socket.read(&mut [0u8; 4096]).await;
                            tokio::time::sleep(Duration::from_secs(60)).await;
                        }
                        None => {
                            let Ok(mut server) = TcpStream::connect(upstream).await else { return };
                            cuts.mark_unchanged();
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut socket, &mut server) => {}
                                _ = cuts.changed() => {}
                            }
                        }
                    }
                });
            }
        });
        Front { url, armed, cut }
    }

    /// Breaks the next connection; the open ones are cut first.
    async fn arm(&self, what: Break) {
        *self.armed.lock().unwrap() = Some(what);
        self.cut.send_modify(|n| *n += 1);
        // Time for the client to see its kept-alive connection closed.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// How a kind of failure is served.
enum Serve {
    /// A simulator fault, as the control API writes it.
    Fault(Value),
    /// A simulator fault whose JSON is made from the good document.
    Document(fn(Value) -> String),
    /// A broken connection.
    Break(Break),
    /// `Cache-Control: max-age` of the next answers.
    MaxAge(u32),
}

/// What the user must see after it.
enum Expect {
    /// The organization in error of this kind, with this message; its systems unknown.
    Unknown(PollErrorKind, &'static str),
    /// The organization in error (a 429): the states stay until they are
    /// too old (stale), and the next poll waits this long.
    Kept(&'static str, Duration),
    /// The document is taken; `check` says what the user sees instead of
    /// what the server sent, or why that is wrong.
    Taken(fn(&PollOutcome, &dms_tray_core::view::OrgView) -> Result<String, String>),
}

struct Kind {
    name: &'static str,
    serve: Serve,
    expect: Expect,
}

fn kinds() -> Vec<Kind> {
    use Expect::*;
    use PollErrorKind::*;
    let fault = |value: Value| Serve::Fault(value);
    let kind = |name, serve, expect| Kind { name, serve, expect };
    let hour = MAX_SERVER_DELAY;
    vec![
        kind(
            "500, JSON error body",
            fault(json!({"status": 500})),
            Unknown(ServiceError, "dataminer.services error 500: Simulated fault"),
        ),
        kind(
            "502, HTML error page",
            fault(json!({"status": 502, "body": "html"})),
            Unknown(ServiceError, "dataminer.services error 502"),
        ),
        kind(
            "503, empty body, Retry-After 20",
            fault(json!({"status": 503, "body": "empty", "retryAfter": "20"})),
            Unknown(ServiceError, "dataminer.services error 503"),
        ),
        kind("504", fault(json!({"status": 504})), Unknown(ServiceError, "dataminer.services error 504")),
        kind("400", fault(json!({"status": 400})), Unknown(BadRequest, "organization id refused by the API (400)")),
        kind("401", fault(json!({"status": 401})), Unknown(KeyRejected, "key rejected (401)")),
        kind(
            "403",
            fault(json!({"status": 403})),
            Unknown(PermissionMissing, "key lacks the Read DataMiner System status permission (403)"),
        ),
        kind("404", fault(json!({"status": 404})), Unknown(OrganizationNotFound, "organization not found (404)")),
        kind(
            "418 (a status the contract does not name)",
            fault(json!({"status": 418})),
            Unknown(UnexpectedStatus, "unexpected HTTP status 418"),
        ),
        kind(
            "429, Retry-After 36 (seconds)",
            fault(json!({"status": 429, "retryAfter": "36"})),
            Kept("rate limited, retrying in 36 s", Duration::from_secs(36)),
        ),
        kind(
            "429, Retry-After 18446744073709551615",
            fault(json!({"status": 429, "retryAfter": "18446744073709551615"})),
            Kept("rate limited, retrying in 3600 s", hour),
        ),
        kind(
            "429, Retry-After as an HTTP date in 9999",
            fault(json!({"status": 429, "retryAfter": "Fri, 31 Dec 9999 23:59:59 GMT"})),
            Kept("rate limited, retrying in 3600 s", hour),
        ),
        kind(
            "429, Retry-After in the past",
            fault(json!({"status": 429, "retryAfter": "Thu, 01 Jan 1970 00:00:00 GMT"})),
            Kept("rate limited, retrying in 0 s", Duration::ZERO),
        ),
        kind(
            "429, Retry-After that is neither form",
            fault(json!({"status": 429, "retryAfter": "soon"})),
            Kept("rate limited (429)", Duration::ZERO),
        ),
        kind(
            "200, max-age 4294967295",
            Serve::MaxAge(u32::MAX),
            Taken(|outcome, _| {
                let next = Schedule::new(Duration::from_secs(60)).next(outcome, 0.0);
                match next.after == MAX_SERVER_DELAY {
                    true => Ok("taken; the next poll waits 3600 s, not 136 years".into()),
                    false => Err(format!("the next poll waits {:?}", next.after)),
                }
            }),
        ),
        kind(
            "200, an HTML sign-in page",
            fault(json!({"html200": true})),
            Unknown(NotADocument, "not a status document: got text/html"),
        ),
        kind(
            "200, the document cut in half",
            fault(json!({"truncated": true})),
            Unknown(NotADocument, "not a status document: EOF while parsing"),
        ),
        kind(
            "200, an empty body",
            Serve::Document(|_| String::new()),
            Unknown(NotADocument, "not a status document: EOF while parsing"),
        ),
        kind(
            "200, null",
            Serve::Document(|_| "null".into()),
            Unknown(NotADocument, "not a status document: invalid type: null"),
        ),
        kind(
            "200, JSON of another shape",
            fault(json!({"notADocument": true})),
            Unknown(NotADocument, "not a status document: missing field"),
        ),
        kind(
            "200, wrong types (systems is a string)",
            Serve::Document(|mut d| {
                d["systems"] = json!("many");
                d.to_string()
            }),
            Unknown(NotADocument, "not a status document: invalid type: string"),
        ),
        kind(
            "200, a system without its state",
            Serve::Document(|mut d| {
                d["systems"][0].as_object_mut().unwrap().remove("state");
                d.to_string()
            }),
            Unknown(NotADocument, "not a status document: missing field `state`"),
        ),
        kind(
            "200, states the contract does not know",
            Serve::Document(|mut d| {
                for system in d["systems"].as_array_mut().unwrap() {
                    system["state"] = json!("exploded");
                }
                d.to_string()
            }),
            Taken(|_, org| match org.systems.iter().all(|s| s.state == ApiState::Unknown) {
                true => Ok("taken; every such system shows as unknown".into()),
                false => Err("a state the contract does not know shows as a known one".into()),
            }),
        ),
        kind(
            "200, duplicate system ids",
            fault(json!({"duplicateIds": true})),
            Unknown(NotADocument, "not a status document: system id "),
        ),
        kind(
            "200, the document of another organization",
            fault(json!({"wrongOrganization": true})),
            Unknown(
                WrongOrganization,
                "the API answered with the systems of organization 00000000-0000-4000-8000-00000000000f",
            ),
        ),
        kind(
            "302 to another origin",
            fault(json!({"redirect": "https://other.example/v1/organizations/x/systems"})),
            Unknown(Redirect, "redirect to https://other.example refused"),
        ),
        kind(
            "200, a body that never ends",
            fault(json!({"endlessBody": true})),
            Unknown(NotADocument, "not a status document: larger than 16 MiB"),
        ),
        kind(
            "connection reset before an answer",
            Serve::Break(Break::Reset),
            Unknown(Network, "connection to 127.0.0.1 failed"),
        ),
        kind(
            "connection closed without an answer",
            Serve::Break(Break::Close),
            Unknown(Network, "connection to 127.0.0.1 failed"),
        ),
        kind(
            "no answer (stalled before the headers)",
            Serve::Break(Break::Silent),
            Unknown(Timeout, "timed out after 2 s"),
        ),
        kind("slow answer (5 s)", fault(json!({"delayMs": 5000})), Unknown(Timeout, "timed out after 2 s")),
        kind(
            "200 whose body stalls halfway",
            fault(json!({"stallBody": true})),
            Unknown(Timeout, "timed out after 2 s"),
        ),
        kind(
            "200, control characters and bidi overrides in names",
            Serve::Document(|mut d| {
                d["systems"][0]["name"] = json!("Zi\u{1b}]0;pwned\u{7}ine\u{202E}\u{0}");
                d.to_string()
            }),
            Taken(|_, org| match org.systems.iter().any(|s| s.name == "Zi]0;pwnedine") {
                true => Ok("taken; the name shows without its control characters".into()),
                false => Err(format!("names: {:?}", org.systems.iter().map(|s| &s.name).collect::<Vec<_>>())),
            }),
        ),
        kind(
            "200, a name of 1 MB",
            Serve::Document(|mut d| {
                d["systems"][0]["name"] = json!("N".repeat(1 << 20));
                d.to_string()
            }),
            Taken(|_, org| match org.systems.iter().map(|s| s.name.chars().count()).max() {
                Some(200) => Ok("taken; the name is cut at the contract's 200 characters".into()),
                longest => Err(format!("the longest name has {longest:?} characters")),
            }),
        ),
    ]
}

/// One kind, from a good poll through the failure to the recovery; the
/// line to print, or why it fails.
async fn run(kind: &Kind) -> Result<String, String> {
    let mut h = Harness::start().await;
    let front = Front::start(h.simulator.remote_host().parse().unwrap()).await;
    let timeouts = Timeouts { connect: TEST_TIMEOUT, total: TEST_TIMEOUT };
    h.client = OrgClient::new(
        http_client(timeouts),
        &front.url.parse().unwrap(),
        h.simulator.organization_id(),
        h.simulator.key().to_string(),
        timeouts,
    );
    let PollOutcome::Fresh { document, .. } = h.poll().await else { return Err("the first poll failed".into()) };
    let good: Vec<ApiState> = h.org().systems.iter().map(|s| s.state).collect();
    match &kind.serve {
        Serve::Fault(fault) => h.fault(fault.clone()).await,
        Serve::Document(make) => h.fault(json!({ "document": make(serde_json::to_value(&document).unwrap()) })).await,
        Serve::Break(what) => front.arm(*what).await,
        Serve::MaxAge(seconds) => h.max_age(*seconds).await,
    }
    let outcome = h.poll().await;
    let org = h.org().clone();
    let shown = match &kind.expect {
        Expect::Unknown(want, message) => {
            let error = org.error.as_ref().ok_or_else(|| format!("no error after {outcome:?}"))?;
            if error.kind != *want || !error.message.starts_with(message) {
                return Err(format!("{:?} {:?}, want {want:?} {message:?}", error.kind, error.message));
            }
            if org.systems.iter().any(|s| s.state != ApiState::Unknown) {
                return Err("systems are not shown as unknown".into());
            }
            format!("{:?}: \"{}\"; systems unknown", error.kind, clean(&error.message, 71))
        }
        Expect::Kept(message, wait) => {
            let error = org.error.as_ref().ok_or_else(|| format!("no error after {outcome:?}"))?;
            let next = Schedule::new(Duration::from_secs(60)).next(&outcome, 0.0);
            if error.message != *message || next.not_before != *wait {
                return Err(format!("{:?}, next poll not before {:?}", error.message, next.not_before));
            }
            format!("{:?}: \"{}\"; states kept until stale", error.kind, error.message)
        }
        Expect::Taken(check) => check(&outcome, &org)?,
    };
    if let Serve::MaxAge(_) = kind.serve {
        h.max_age(5).await;
    }
    let recovered = h.poll().await;
    let back: Vec<ApiState> = h.org().systems.iter().map(|s| s.state).collect();
    if h.org().error.is_some() || back != good {
        return Err(format!("no recovery: {recovered:?}"));
    }
    Ok(shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_failure_is_shown_as_one_and_the_next_good_poll_recovers() {
    let kinds = kinds();
    assert!(kinds.len() >= 25, "the matrix has {} kinds", kinds.len());
    let mut failed = Vec::new();
    println!("fault matrix: {} kinds", kinds.len());
    for (n, kind) in kinds.iter().enumerate() {
        match run(kind).await {
            Ok(shown) => println!("{:>2}. {:<52} {shown}; recovered", n + 1, kind.name),
            Err(why) => {
                println!("{:>2}. {:<52} FAILED: {why}", n + 1, kind.name);
                failed.push(kind.name);
            }
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
}

#[tokio::test]
async fn no_compressed_body_is_asked_for_so_no_gzip_bomb_can_be_served() {
    let mut h = Harness::start().await;
    h.poll().await;
    let requests = h.requests().await;
    let headers = &requests["recent"][0]["headers"];
    assert_eq!(headers["accept-encoding"], Value::Null, "{headers}");
    println!("gzip bomb: cannot be served; the polls ask for no compression (no Accept-Encoding) and decode none");
}
