//! poll → snapshot → transitions → sink, for as long as the app runs.
//!
//! The pipeline owns the poll loops and the [`Monitor`]; what the user sees
//! (tray, popup, and later notifications and history) is a sink that gets
//! every new view with the transitions that led to it. Commands reach it
//! only as [`Control`] messages, so data keeps flowing one way.

use std::time::Duration;

use chrono::{DateTime, Utc};
use dms_tray_core::config::Config;
use dms_tray_core::monitor::Monitor;
use dms_tray_core::schedule::Schedule;
use dms_tray_core::transitions::Transition;
use dms_tray_core::view::View;
use tokio::sync::mpsc;

use crate::client::{http_client, org_clients, Timeouts};
use crate::poller::Poller;
use uuid::Uuid;

/// What the rest of the app may ask of the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// Poll every organization as soon as the contract allows.
    RefreshNow,
    /// Poll on a new interval from now on.
    SetInterval(Duration),
    /// The machine woke up or the network came back: show the states as
    /// updating and poll every organization as soon as the contract allows.
    Resumed,
}

/// Sends [`Control`] messages to a running pipeline.
#[derive(Debug, Clone)]
pub struct PipelineControl(mpsc::UnboundedSender<Control>);

impl PipelineControl {
    pub fn send(&self, control: Control) {
        // Fails only when the pipeline has stopped, as the app quits.
        let _ = self.0.send(control);
    }
}

/// One finished poll, as the sink sees it.
pub struct PollReport<'a> {
    pub organization: Uuid,
    pub at: DateTime<Utc>,
    pub transitions: &'a [Transition],
}

/// Receives each new view, with the poll and transitions that led to it
/// (none for the first, empty view).
pub trait Sink: Send + 'static {
    fn publish(&mut self, view: &View, poll: Option<PollReport<'_>>);
}

/// Creates the control handle and the future that runs the pipeline; spawn
/// the future on the async runtime.
pub fn pipeline(
    config: Config,
    keys: Vec<String>,
    sink: impl Sink,
) -> (PipelineControl, impl std::future::Future<Output = ()> + Send) {
    let (control_tx, control_rx) = mpsc::unbounded_channel();
    (PipelineControl(control_tx), run(config, keys, sink, control_rx))
}

async fn run(config: Config, keys: Vec<String>, mut sink: impl Sink, mut control: mpsc::UnboundedReceiver<Control>) {
    let mut monitor = Monitor::of(&config);
    sink.publish(monitor.view(), None);
    let timeouts = Timeouts::default();
    let http = http_client(timeouts);
    let clients = || org_clients(&config, &keys, &http, timeouts);
    let (polled_tx, mut polled_rx) = mpsc::channel(64);
    let mut poller = Poller::start(clients(), Schedule::new(config.poll_interval), polled_tx.clone());
    loop {
        tokio::select! {
            Some(polled) = polled_rx.recv() => {
                let transitions = monitor.record(polled.organization, &polled.outcome, polled.at);
                for transition in &transitions {
                    log::info!("transition: {}", serde_json::to_string(transition).unwrap_or_default());
                }
                let report = PollReport { organization: polled.organization, at: polled.at, transitions: &transitions };
                sink.publish(monitor.view(), Some(report));
            }
            request = control.recv() => match request {
                Some(Control::RefreshNow) => poller.refresh_now(),
                Some(Control::Resumed) => {
                    monitor.mark_updating();
                    sink.publish(monitor.view(), None);
                    poller.refresh_now();
                }
                Some(Control::SetInterval(interval)) => {
                    log::info!("polling every {}", humantime::format_duration(interval));
                    poller = Poller::start(clients(), Schedule::new(interval), polled_tx.clone());
                }
                None => return,
            },
        }
    }
}
