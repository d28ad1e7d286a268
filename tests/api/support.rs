//! What the integration tests share: a simulator on a free loopback port,
//! its control API, and a client pointed at it.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use chrono::Utc;
use dms_tray::client::{http_client, OrgClient, Timeouts};
use dms_tray::simulator::{Scenario, Simulator, SimulatorOptions};
use dms_tray_core::monitor::Monitor;
use dms_tray_core::poll::PollOutcome;
use dms_tray_core::view::OrgView;
use serde_json::{json, Value};

/// Short enough that the timeout test is quick, long enough for a loaded machine.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Harness {
    pub simulator: Simulator,
    pub client: OrgClient,
    pub monitor: Monitor,
    control: reqwest::Client,
}

impl Harness {
    /// The default scenario, standing still (no timeline).
    pub async fn start() -> Harness {
        let simulator = Simulator::start(SimulatorOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            scenario: Scenario::default_scenario(),
            run_timeline: false,
        })
        .await
        .expect("the simulator starts");
        let client = Self::client_with_key(&simulator, simulator.key());
        let monitor = Monitor::new([(simulator.organization_id(), None)]);
        Harness { simulator, client, monitor, control: crate::simulate::http() }
    }

    pub fn client_with_key(simulator: &Simulator, key: &str) -> OrgClient {
        let timeouts = Timeouts { connect: TEST_TIMEOUT, total: TEST_TIMEOUT };
        let api_url = simulator.base_url().parse().unwrap();
        OrgClient::new(http_client(timeouts), &api_url, simulator.organization_id(), key.to_string(), timeouts)
    }

    /// Polls once and folds the outcome into the monitor.
    pub async fn poll(&mut self) -> PollOutcome {
        let outcome = self.client.poll().await;
        self.monitor.record(self.simulator.organization_id(), &outcome, Utc::now());
        outcome
    }

    pub fn org(&self) -> &OrgView {
        &self.monitor.view().organizations[0]
    }

    pub async fn fault(&self, fault: Value) {
        self.control_request(reqwest::Method::POST, "/control/faults", Some(json!({ "fault": fault, "count": 1 })))
            .await;
    }

    pub async fn patch_system(&self, system: &str, patch: Value) {
        self.control_request(reqwest::Method::PATCH, &format!("/control/systems/{system}"), Some(patch)).await;
    }

    /// The `max-age` of the next answers.
    pub async fn max_age(&self, seconds: u32) {
        self.control_request(reqwest::Method::POST, "/control/maxAge", Some(json!({ "seconds": seconds }))).await;
    }

    pub async fn requests(&self) -> Value {
        self.control_request(reqwest::Method::GET, "/control/requests", None).await
    }

    async fn control_request(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .control
            .request(method, format!("{}{path}", self.simulator.base_url()))
            .header("X-Control-Token", self.simulator.control_token());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the control API answers");
        assert!(response.status().is_success(), "control {path}: {}", response.status());
        response.json().await.unwrap_or(Value::Null)
    }
}

pub fn failure_message(outcome: &PollOutcome) -> &str {
    match outcome {
        PollOutcome::Failed(error) => &error.message,
        other => panic!("expected a failure, got {other:?}"),
    }
}
