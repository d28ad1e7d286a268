//! The client against the simulator and small servers of its own, beyond
//! the fault matrix (matrix.rs): the waits the server asks for, the
//! headers sent, bodies too large or endless, and how a new poll interval
//! meets the loops.

use std::time::Duration;

use dms_tray_core::api::ApiState;
use dms_tray_core::poll::{PollErrorKind, PollOutcome};
use dms_tray_core::schedule::Schedule;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use dms_tray::poller::{Polled, Poller};

use crate::support::{failure_message, Harness};

#[tokio::test]
async fn a_server_error_shows_the_message_of_a_json_body() {
    let mut h = Harness::start().await;
    h.fault(json!({ "status": 500, "body": "json" })).await;
    let outcome = h.poll().await;
    let message = failure_message(&outcome);
    assert!(message.starts_with("dataminer.services error 500: "), "{message}");
    assert!(message.len() > "dataminer.services error 500: ".len());
}

#[tokio::test]
async fn a_503_with_retry_after_is_waited_out() {
    let mut h = Harness::start().await;
    h.fault(json!({ "status": 503, "retryAfter": "120" })).await;
    let outcome = h.poll().await;
    assert!(failure_message(&outcome).starts_with("dataminer.services error 503"));
    let next = Schedule::new(Duration::from_secs(10)).next(&outcome, 0.0);
    assert_eq!(next.after, Duration::from_secs(120));
    assert_eq!(next.not_before, Duration::from_secs(120));
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let mut h = Harness::start().await;
    let in_five_minutes = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(300));
    h.fault(json!({ "status": 429, "retryAfter": in_five_minutes })).await;
    let outcome = h.poll().await;
    let PollOutcome::Failed(error) = outcome else { panic!("{outcome:?}") };
    let wait = error.retry_after.expect("Retry-After is read");
    assert!(wait > Duration::from_secs(290) && wait <= Duration::from_secs(300), "{wait:?}");
}

#[tokio::test]
async fn a_wrong_key_and_a_key_without_permission_are_told_apart() {
    let h = Harness::start().await;
    let mut wrong = Harness::client_with_key(&h.simulator, "not-the-key");
    let outcome = wrong.poll().await;
    assert!(failure_message(&outcome).starts_with("key rejected (401)"));
    let mut empty = Harness::client_with_key(&h.simulator, "");
    assert!(failure_message(&empty.poll().await).starts_with("key rejected (401)"));
}

#[tokio::test]
async fn etag_and_max_age_are_honoured_and_the_headers_sent() {
    let mut h = Harness::start().await;
    let PollOutcome::Fresh { etag, max_age, .. } = h.poll().await else { panic!("first poll") };
    let etag = etag.expect("the simulator sends an ETag");
    assert!(max_age.is_some(), "the simulator sends max-age");
    assert!(matches!(h.poll().await, PollOutcome::NotModified { .. }));

    let requests = h.requests().await;
    let first = &requests["recent"][0]["headers"];
    let second = &requests["recent"][1]["headers"];
    assert_eq!(first["if-none-match"], serde_json::Value::Null, "no ETag known yet: {requests}");
    assert_eq!(second["if-none-match"], etag.as_str(), "{requests}");
    assert_eq!(second["user-agent"], format!("dms-tray/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(second["accept"], "application/json");
    assert_eq!(second["ocp-apim-subscription-key"], "(redacted: a key of this organization)", "the key was sent");

    // A change makes a new document, with its new state.
    let ziine = h.org().systems[0].id.to_string();
    let before = h.org().systems[0].state;
    let to = if before == ApiState::NoConnection { "ok" } else { "noConnection" };
    h.patch_system(&ziine, json!({ "state": to })).await;
    let PollOutcome::Fresh { etag: new_etag, .. } = h.poll().await else { panic!("changed document") };
    assert_ne!(new_etag, Some(etag));
    assert_eq!(h.org().systems[0].state.as_str(), to);
}

/// A client of an API at `url` that is not the simulator.
fn client_for(url: &str, timeout: Duration) -> dms_tray::client::OrgClient {
    let timeouts = dms_tray::client::Timeouts { connect: timeout, total: timeout };
    let url = url.parse().unwrap();
    dms_tray::client::OrgClient::new(
        dms_tray::client::http_client(timeouts),
        &url,
        uuid::Uuid::nil(),
        "key".into(),
        timeouts,
    )
}

#[tokio::test]
async fn an_unreachable_api_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let outcome = client_for(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2)).poll().await;
    let message = failure_message(&outcome);
    assert!(message.starts_with("cannot reach 127.0.0.1: "), "{message}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
}

/// A server that answers every request with `head`, then `prefix`, then
/// `chunk` `repeat` times, or for as long as the client reads when `None`.
async fn raw_server(head: String, prefix: &'static [u8], chunk: Vec<u8>, repeat: Option<usize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (head, chunk) = (head.clone(), chunk.clone());
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(prefix).await;
                let mut written = 0;
                while repeat.is_none_or(|n| written < n) && socket.write_all(&chunk).await.is_ok() {
                    written += 1;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            });
        }
    });
    url
}

/// A server that answers every request with a JSON body over 16 MiB.
async fn oversized_server(with_length: bool) -> String {
    let size = 17 * 1024 * 1024;
    let head = if with_length {
        format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n")
    } else {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_string()
    };
    raw_server(head, b"", vec![b' '; 1024 * 1024], Some(17)).await
}

#[tokio::test]
async fn a_body_over_16_mib_is_refused() {
    for with_length in [true, false] {
        let url = oversized_server(with_length).await;
        let outcome = client_for(&url, Duration::from_secs(20)).poll().await;
        assert_eq!(
            failure_message(&outcome),
            "not a status document: larger than 16 MiB",
            "length given: {with_length}"
        );
    }
}

/// A server that answers every request with a 503 whose JSON body never ends.
async fn endless_error_server() -> String {
    let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    raw_server(head.to_string(), br#"{"error": {"code": "Busy", "message": ""#, vec![b'x'; 16 * 1024], None).await
}

#[tokio::test]
async fn an_endless_error_body_is_not_waited_for() {
    let url = endless_error_server().await;
    let outcome = client_for(&url, Duration::from_secs(10)).poll().await;
    let PollOutcome::Failed(error) = &outcome else { panic!("{outcome:?}") };
    assert_eq!(error.kind, PollErrorKind::ServiceError, "{}", error.message);
    assert_eq!(error.message, "dataminer.services error 503");
}

/// The poll loop of the harness's organization, every `interval`.
fn poller(h: &Harness, interval: Duration) -> (Poller, tokio::sync::mpsc::Receiver<Polled>) {
    let (out, polled) = tokio::sync::mpsc::channel(8);
    let client = Harness::client_with_key(&h.simulator, h.simulator.key());
    (Poller::start(vec![(h.simulator.organization_id(), client)], interval, out), polled)
}

#[tokio::test]
async fn a_new_poll_interval_keeps_a_wait_the_server_asked_for() {
    let h = Harness::start().await;
    h.fault(json!({ "status": 429, "retryAfter": "30" })).await;
    let (poller, mut polled) = poller(&h, Duration::from_secs(60));
    let first = polled.recv().await.expect("the first poll");
    assert_eq!(failure_message(&first.outcome), "rate limited, retrying in 30 s");
    poller.set_interval(Duration::from_secs(5));
    let early = tokio::time::timeout(Duration::from_secs(8), polled.recv()).await;
    assert!(early.is_err(), "polled again within 8 s of a Retry-After of 30 s: {early:?}");
}

#[tokio::test]
async fn a_new_poll_interval_takes_effect_without_a_restart() {
    let h = Harness::start().await;
    let (poller, mut polled) = poller(&h, Duration::from_secs(3600));
    assert!(matches!(polled.recv().await.expect("the first poll").outcome, PollOutcome::Fresh { .. }));
    poller.set_interval(Duration::from_secs(5));
    let next = tokio::time::timeout(Duration::from_secs(10), polled.recv()).await;
    let next = next.expect("polled within 10 s of a 5 s interval").expect("a poll");
    assert!(matches!(next.outcome, PollOutcome::NotModified { .. }), "the ETag was kept: {:?}", next.outcome);
}

#[tokio::test]
async fn a_key_that_cannot_be_a_header_is_named_as_the_problem() {
    let h = Harness::start().await;
    let mut client = Harness::client_with_key(&h.simulator, "first line\nsecond line");
    let outcome = client.poll().await;
    let PollOutcome::Failed(error) = &outcome else { panic!("{outcome:?}") };
    assert_eq!(error.kind, PollErrorKind::KeyRejected);
    assert_eq!(error.message, "the key holds characters an HTTP header cannot carry (a line break?); copy it again");
    assert_eq!(h.requests().await["count"], 0, "nothing was sent");
}
