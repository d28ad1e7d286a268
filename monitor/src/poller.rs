//! The poll loops: one task per organization, each on its own
//! [`Schedule`], all sending their outcomes down one channel in the order
//! they happen. "Refresh now" wakes every loop, within the floors of the
//! contract.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use dms_tray_core::poll::PollOutcome;
use dms_tray_core::schedule::Schedule;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;
use tokio::time::{sleep_until, Instant};
use uuid::Uuid;

use crate::client::OrgClient;

/// One finished poll.
#[derive(Debug)]
pub struct Polled {
    pub organization: Uuid,
    pub outcome: PollOutcome,
    pub at: DateTime<Utc>,
    /// How long reading the document took, when there was one.
    pub parse_time: Option<std::time::Duration>,
}

/// The running poll loops; dropping it stops them.
pub struct Poller {
    refresh: Arc<Notify>,
    _tasks: JoinSet<()>,
}

impl Poller {
    /// Starts polling every organization at once, then on its schedule.
    pub fn start(clients: Vec<(Uuid, OrgClient)>, schedule: Schedule, out: mpsc::Sender<Polled>) -> Poller {
        let refresh = Arc::new(Notify::new());
        let mut tasks = JoinSet::new();
        for (organization, client) in clients {
            tasks.spawn(poll_loop(organization, client, schedule.clone(), out.clone(), refresh.clone()));
        }
        Poller { refresh, _tasks: tasks }
    }

    /// Polls every organization as soon as the contract allows.
    pub fn refresh_now(&self) {
        self.refresh.notify_waiters();
    }
}

async fn poll_loop(
    organization: Uuid,
    mut client: OrgClient,
    mut schedule: Schedule,
    out: mpsc::Sender<Polled>,
    refresh: Arc<Notify>,
) {
    loop {
        let outcome = client.poll().await;
        let polled_at = Instant::now();
        let next = schedule.next(&outcome, fastrand::f64());
        let parse_time = client.take_parse_time();
        if out.send(Polled { organization, outcome, at: Utc::now(), parse_time }).await.is_err() {
            return;
        }
        tokio::select! {
            _ = sleep_until(later(polled_at, next.after)) => {}
            _ = refresh.notified() => sleep_until(later(polled_at, next.not_before)).await,
        }
    }
}

/// `at + after`, or a day after `at` should that not fit the clock: a
/// schedule that went wrong delays a poll, it never ends the loop.
fn later(at: Instant, after: Duration) -> Instant {
    at.checked_add(after).unwrap_or_else(|| at + Duration::from_secs(24 * 60 * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delay_no_clock_can_hold_waits_a_day_instead_of_ending_the_loop() {
        let now = Instant::now();
        assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
        assert_eq!(later(now, Duration::MAX), now + Duration::from_secs(24 * 60 * 60));
    }
}
