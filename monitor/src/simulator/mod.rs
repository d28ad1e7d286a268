//! A simulator of the dataminer.services status API (docs/status-api.md),
//! for `dms-tray simulate`, the demo modes and the integration tests.
//!
//! It serves one organization on a loopback listener: the status endpoint
//! exactly as the contract describes it, remote-access pages for the
//! click-through, and a control API to change systems and inject faults
//! (docs/simulator.md). A scenario sets the organization up and can play a
//! timeline of changes.

mod faults;
mod model;
mod routes;
mod scenario;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use scenario::{Scenario, ScenarioError};

/// How long `shutdown` lets requests in flight (a delay fault, say) finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct SimulatorOptions {
    /// Port 0 picks a free port; see [`Simulator::base_url`].
    pub listen: SocketAddr,
    pub scenario: Scenario,
    /// Whether to play the scenario's timeline; tests usually drive the
    /// simulator through the control API instead.
    pub run_timeline: bool,
}

/// A running simulator. Dropping it stops the server too, without waiting.
#[derive(Debug)]
pub struct Simulator {
    address: SocketAddr,
    organization_id: Uuid,
    key: String,
    /// Required by the control API (the `X-Control-Token` header).
    control_token: Arc<str>,
    stop: oneshot::Sender<()>,
    /// Serves, and plays the timeline while it serves.
    server: JoinHandle<()>,
}

impl Simulator {
    /// Binds `options.listen` and serves on the current tokio runtime.
    pub async fn start(options: SimulatorOptions) -> io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(options.listen).await?;
        let mut address = listener.local_addr()?;
        // A server on every interface is reached on loopback.
        match address.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => address.set_ip(Ipv4Addr::LOCALHOST.into()),
            IpAddr::V6(ip) if ip.is_unspecified() => address.set_ip(Ipv6Addr::LOCALHOST.into()),
            _ => {}
        }
        let scenario = options.scenario;
        let organization_id = scenario.organization_id();
        let key = scenario.key().to_owned();
        let model = model::Shared::new(scenario.model(format!("http://{address}"), chrono::Utc::now()));
        let (stop, stopped) = oneshot::channel::<()>();
        let control_token: Arc<str> = Uuid::new_v4().simple().to_string().into();
        let router = routes::router(model.clone(), control_token.clone());
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            // A dropped handle stops the server too.
            let _ = stopped.await;
        });
        let run_timeline = options.run_timeline;
        let timeline = async move {
            if run_timeline {
                scenario.play(model).await;
            }
            std::future::pending::<()>().await;
        };
        let server = tokio::spawn(async move {
            tokio::select! {
                served = serve => if let Err(e) = served {
                    log::error!("simulator server failed: {e}");
                },
                () = timeline => {}
            }
        });
        log::info!("simulator serving organization {organization_id} on http://{address}");
        Ok(Simulator { address, organization_id, key, control_token, stop, server })
    }

    /// The `apiUrl` of the simulated organization, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn organization_id(&self) -> Uuid {
        self.organization_id
    }

    /// The key the status endpoint accepts.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The token the control API requires in the `X-Control-Token` header.
    pub fn control_token(&self) -> &str {
        &self.control_token
    }

    /// `host:port` of the remote-access URLs, for `allowed_remote_hosts`.
    pub fn remote_host(&self) -> String {
        self.address.to_string()
    }

    /// Stops the timeline and the server, letting requests in flight finish briefly.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let mut server = self.server;
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await.is_err() {
            server.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use dms_tray_core::api::{parse_document, ApiState, SystemsDocument};
    use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RETRY_AFTER};
    use reqwest::StatusCode;
    use serde_json::{json, Value};

    use super::*;

    const KEY_HEADER: &str = "Ocp-Apim-Subscription-Key";

    async fn start(scenario: Scenario, run_timeline: bool) -> (Simulator, reqwest::Client) {
        let options = SimulatorOptions { listen: "127.0.0.1:0".parse().unwrap(), scenario, run_timeline };
        let simulator = Simulator::start(options).await.unwrap();
        // reqwest is built without a crypto provider, even for plain http.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The control API's token goes with every request of these tests.
        let mut token = reqwest::header::HeaderMap::new();
        token.insert(routes::CONTROL_TOKEN_HEADER, simulator.control_token().parse().unwrap());
        let client = reqwest::Client::builder().no_proxy().default_headers(token).build().unwrap();
        (simulator, client)
    }

    fn status_url(sim: &Simulator) -> String {
        format!("{}/v1/organizations/{}/systems", sim.base_url(), sim.organization_id())
    }

    async fn poll(sim: &Simulator, client: &reqwest::Client) -> reqwest::Response {
        client.get(status_url(sim)).header(KEY_HEADER, sim.key()).send().await.unwrap()
    }

    async fn control(client: &reqwest::Client, method: reqwest::Method, url: String, body: Value) -> reqwest::Response {
        client.request(method, url).json(&body).send().await.unwrap()
    }

    /// reqwest is built without its `json` feature.
    async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
    }

    async fn error_code(response: reqwest::Response) -> (StatusCode, String) {
        let status = response.status();
        let body: Value = json(response).await;
        (status, body["error"]["code"].as_str().unwrap().to_owned())
    }

    #[tokio::test]
    async fn the_status_endpoint_follows_the_contract() {
        let (sim, client) = start(Scenario::default_scenario(), false).await;
        assert_eq!(sim.remote_host(), sim.base_url().trim_start_matches("http://"));

        let ok = poll(&sim, &client).await;
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(ok.headers()[CACHE_CONTROL], "max-age=5");
        let etag = ok.headers()[ETAG].to_str().unwrap().to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "a strong ETag: {etag}");
        let document = parse_document(&ok.bytes().await.unwrap()).unwrap();
        assert_eq!(document.organization.id, sim.organization_id());
        let remote = document.systems[0].remote_access.url.as_deref().unwrap();
        assert_eq!(remote, format!("{}/remote/{}/", sim.base_url(), document.systems[0].dns_label));

        let url = status_url(&sim);
        let not_modified =
            client.get(&url).header(KEY_HEADER, sim.key()).header(IF_NONE_MATCH, &etag).send().await.unwrap();
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(not_modified.headers()[ETAG], etag.as_str());
        assert!(not_modified.bytes().await.unwrap().is_empty());

        let refused = [
            (client.get(&url).send().await.unwrap(), StatusCode::UNAUTHORIZED),
            (client.get(&url).header(KEY_HEADER, "wrong").send().await.unwrap(), StatusCode::UNAUTHORIZED),
            (
                client.get(&url).header(KEY_HEADER, "demo-key-without-status-permission").send().await.unwrap(),
                StatusCode::FORBIDDEN,
            ),
            (
                client
                    .get(url.replace(&sim.organization_id().to_string(), &Uuid::new_v4().to_string()))
                    .header(KEY_HEADER, sim.key())
                    .send()
                    .await
                    .unwrap(),
                StatusCode::NOT_FOUND,
            ),
            (
                client
                    .get(url.replace(&sim.organization_id().to_string(), "skylinedemo"))
                    .header(KEY_HEADER, sim.key())
                    .send()
                    .await
                    .unwrap(),
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (response, expected) in refused {
            assert_eq!(response.status(), expected);
            assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
            assert!(!error_code(response).await.1.is_empty());
        }

        let log: Value = json(client.get(format!("{}/control/requests", sim.base_url())).send().await.unwrap()).await;
        assert_eq!(log["count"], 7);
        assert_eq!(log["recent"][1]["headers"]["if-none-match"], etag.as_str());
        assert_eq!(log["recent"][0]["headers"]["ocp-apim-subscription-key"], "(redacted: a key of this organization)");
        assert!(!log.to_string().contains(sim.key()), "the control API never shows the key: {log}");
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn the_control_api_wants_a_loopback_name_its_token_and_json() {
        let (sim, client) = start(Scenario::default_scenario(), false).await;
        let faults = format!("{}/control/faults", sim.base_url());
        let body = json!({"fault": {"status": 503}}).to_string();
        let bare = reqwest::Client::builder().no_proxy().build().unwrap();
        let refused = [
            (bare.get(format!("{}/control/document", sim.base_url())), StatusCode::UNAUTHORIZED),
            (
                bare.get(format!("{}/control/document", sim.base_url())).header(routes::CONTROL_TOKEN_HEADER, "guess"),
                StatusCode::UNAUTHORIZED,
            ),
            // A page whose DNS name was pointed at this port, as in DNS rebinding.
            (
                client.get(format!("{}/control/document", sim.base_url())).header("host", "evil.example"),
                StatusCode::FORBIDDEN,
            ),
            // What a plain HTML form can send.
            (
                client.post(&faults).header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(body.clone()),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            (client.post(&faults).body(body.clone()), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ];
        for (request, expected) in refused {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), expected);
            assert!(!error_code(response).await.1.is_empty());
        }
        assert_eq!(poll(&sim, &client).await.status(), StatusCode::OK, "no fault got through");
        for host in ["localhost:8080", "127.0.0.1", "[::1]:8080", "LOCALHOST"] {
            assert!(routes::is_loopback_name(host), "{host}");
        }
        for host in ["evil.example", "127.0.0.1.evil.example:80", "", "[::2]:80", "localhost.evil:80"] {
            assert!(!routes::is_loopback_name(host), "{host}");
        }
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn faults_are_served_for_the_requests_they_were_queued_for() {
        let (sim, client) = start(Scenario::default_scenario(), false).await;
        let faults = format!("{}/control/faults", sim.base_url());
        let queued = control(
            &client,
            reqwest::Method::POST,
            faults.clone(),
            json!({"fault": {"status": 503, "retryAfter": "36"}, "count": 2}),
        )
        .await;
        assert_eq!(queued.status(), StatusCode::NO_CONTENT);
        for _ in 0..2 {
            let response = poll(&sim, &client).await;
            assert_eq!(response.headers()[RETRY_AFTER], "36");
            assert_eq!(error_code(response).await, (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable".into()));
        }
        assert_eq!(poll(&sim, &client).await.status(), StatusCode::OK);

        control(&client, reqwest::Method::POST, faults.clone(), json!({"fault": {"html200": true}, "sticky": true}))
            .await;
        for _ in 0..2 {
            let response = poll(&sim, &client).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        }
        let cleared = client.delete(&faults).send().await.unwrap();
        assert_eq!(cleared.status(), StatusCode::NO_CONTENT);

        control(&client, reqwest::Method::POST, faults.clone(), json!({"fault": {"delayMs": 200}})).await;
        let started = std::time::Instant::now();
        assert_eq!(poll(&sim, &client).await.status(), StatusCode::OK);
        assert!(started.elapsed() >= Duration::from_millis(200));
        control(&client, reqwest::Method::POST, faults.clone(), json!({"fault": {"duplicateIds": true}})).await;
        let duplicated = poll(&sim, &client).await.bytes().await.unwrap();
        assert!(parse_document(&duplicated).is_err());

        let bad =
            control(&client, reqwest::Method::POST, faults, json!({"fault": {"status": 503, "html200": true}})).await;
        assert_eq!(error_code(bad).await.0, StatusCode::BAD_REQUEST);
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn a_patch_changes_the_document_and_its_etag() {
        let (sim, client) = start(Scenario::default_scenario(), false).await;
        let first = poll(&sim, &client).await;
        let etag = first.headers()[ETAG].clone();

        let url = format!("{}/control/systems/Tokyo%20MCR", sim.base_url());
        let patched = control(
            &client,
            reqwest::Method::PATCH,
            url,
            json!({"state": "noConnection", "cloudGateways": {"connected": 0}}),
        )
        .await;
        assert_eq!(patched.status(), StatusCode::OK);
        let system: Value = json(patched).await;
        assert_eq!(
            (system["state"].as_str(), system["cloudGateways"]["connected"].as_u64()),
            (Some("noConnection"), Some(0))
        );

        let second = client
            .get(status_url(&sim))
            .header(KEY_HEADER, sim.key())
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(second.status(), StatusCode::OK);
        assert_ne!(second.headers()[ETAG], etag);
        let document = parse_document(&second.bytes().await.unwrap()).unwrap();
        let tokyo = document.systems.iter().find(|s| s.name == "Tokyo MCR").unwrap();
        assert_eq!(tokyo.state, ApiState::NoConnection);
        assert_eq!(Some(document.generated_at), tokyo.last_seen_online);

        let unknown = control(
            &client,
            reqwest::Method::PATCH,
            format!("{}/control/systems/Brugge", sim.base_url()),
            json!({"state": "ok"}),
        )
        .await;
        assert_eq!(error_code(unknown).await, (StatusCode::NOT_FOUND, "SystemNotFound".into()));

        let max_age = control(
            &client,
            reqwest::Method::POST,
            format!("{}/control/maxAge", sim.base_url()),
            json!({"seconds": 30}),
        )
        .await;
        assert_eq!(max_age.status(), StatusCode::NO_CONTENT);
        assert_eq!(poll(&sim, &client).await.headers()[CACHE_CONTROL], "max-age=30");
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn added_systems_get_remote_access_pages_with_escaped_names() {
        let (sim, client) = start(Scenario::default_scenario(), false).await;
        let systems = format!("{}/control/systems", sim.base_url());
        let created = control(
            &client,
            reqwest::Method::POST,
            systems.clone(),
            json!({"name": "<Lab & Co>", "state": "dmsNotResponding"}),
        )
        .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let system: dms_tray_core::api::System = json(created).await;
        assert_eq!(system.dns_label, "labco");

        let page = client.get(format!("{}monitoring/", system.remote_access.url.unwrap())).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Simulated remote access to &lt;Lab &amp; Co&gt; — monitoring"), "{html}");
        let unknown = client.get(format!("{}/remote/labco/cube/", sim.base_url())).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

        let deleted = client.delete(format!("{systems}/{}", system.id)).send().await.unwrap();
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        let document: SystemsDocument =
            json(client.get(format!("{}/control/document", sim.base_url())).send().await.unwrap()).await;
        assert!(document.systems.iter().all(|s| s.id != system.id));
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn the_timeline_plays_when_asked() {
        let text = r#"
            key = "k"
            max_age = 1
            [organization]
            id = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10"
            name = "Skyline"
            urlLabel = "skyline"
            [[systems]]
            name = "Ziine"
            [[timeline]]
            at = "10ms"
            system = "Ziine"
            state = "dmsNotResponding"
        "#;
        let scenario = Scenario::parse(Path::new("test.toml"), text).unwrap();
        let (sim, client) = start(scenario, true).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let response = poll(&sim, &client).await;
        assert_eq!(response.headers()[CACHE_CONTROL], "max-age=1");
        let document = parse_document(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(document.systems[0].state, ApiState::DmsNotResponding);
        sim.shutdown().await;
    }
}
