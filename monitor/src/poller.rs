//! The poll loops: one task per organization, each on its own
//! [`Schedule`], all sending their outcomes down one channel in the order
//! they happen. "Refresh now" wakes every loop, within the floors of the
//! contract; a new poll interval reaches every loop without cutting short a
//! wait the server asked for; and a loop that panics is logged and started
//! again, so that no organization silently stops being polled.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use dms_tray_core::poll::PollOutcome;
use dms_tray_core::schedule::Schedule;
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::{JoinError, JoinHandle, JoinSet};
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
    interval: watch::Sender<Duration>,
    supervisor: JoinHandle<()>,
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.supervisor.abort();
    }
}

impl Poller {
    /// Starts polling every organization at once, then every `interval`.
    pub fn start(clients: Vec<(Uuid, OrgClient)>, interval: Duration, out: mpsc::Sender<Polled>) -> Poller {
        let refresh = Arc::new(Notify::new());
        let (interval_tx, interval_rx) = watch::channel(interval);
        let loops = clients
            .into_iter()
            .map(|(organization, client)| {
                let (out, refresh, interval) = (out.clone(), refresh.clone(), interval_rx.clone());
                let start: Start = Box::new(move || {
                    Box::pin(poll_loop(organization, client.clone(), interval.clone(), out.clone(), refresh.clone()))
                });
                (format!("organization {organization}"), start)
            })
            .collect();
        let supervisor = tokio::spawn(supervise(loops, interval_rx));
        Poller { refresh, interval: interval_tx, supervisor }
    }

    /// Polls every organization as soon as the contract allows.
    pub fn refresh_now(&self) {
        self.refresh.notify_waiters();
    }

    /// Polls every `interval` from now on; a wait the server asked for is
    /// kept.
    pub fn set_interval(&self, interval: Duration) {
        self.interval.send_replace(interval);
    }
}

/// Makes a task afresh, for its first start and for each restart.
type Start = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// Runs every task; one that panics is logged and started again after
/// `pause` (the poll interval), so that a fault that panics on every poll
/// costs one try an interval, not a busy loop. A task that returns is done:
/// its loop ends only when nobody listens to its polls any more.
async fn supervise(mut tasks: Vec<(String, Start)>, pause: watch::Receiver<Duration>) {
    let mut running = JoinSet::new();
    let mut which = HashMap::new();
    for (index, (_, start)) in tasks.iter_mut().enumerate() {
        which.insert(running.spawn(start()).id(), index);
    }
    while let Some(ended) = running.join_next_with_id().await {
        let (id, panic) = match ended {
            Ok((id, ())) => (id, None),
            Err(error) => (error.id(), Some(panic_text(error))),
        };
        let (Some(index), Some(panic)) = (which.remove(&id), panic) else { continue };
        let wait = *pause.borrow();
        let (name, start) = &mut tasks[index];
        log::error!("polling {name} stopped: {panic}; starting it again in {}", humantime::format_duration(wait));
        let restarted = start();
        let id = running
            .spawn(async move {
                tokio::time::sleep(wait).await;
                restarted.await;
            })
            .id();
        which.insert(id, index);
    }
}

/// What a task that ended with an error said.
fn panic_text(error: JoinError) -> String {
    if !error.is_panic() {
        return error.to_string();
    }
    let payload = error.into_panic();
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(text), _) => format!("panicked: {text}"),
        (None, Some(text)) => format!("panicked: {text}"),
        (None, None) => "panicked".to_string(),
    }
}

async fn poll_loop(
    organization: Uuid,
    mut client: OrgClient,
    mut interval: watch::Receiver<Duration>,
    out: mpsc::Sender<Polled>,
    refresh: Arc<Notify>,
) {
    let mut schedule = Schedule::new(*interval.borrow_and_update());
    loop {
        let outcome = client.poll().await;
        let polled_at = Instant::now();
        let mut next = schedule.next(&outcome, fastrand::f64());
        let parse_time = client.take_parse_time();
        if out.send(Polled { organization, outcome, at: Utc::now(), parse_time }).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                _ = sleep_until(later(polled_at, next.after)) => break,
                _ = refresh.notified() => {
                    sleep_until(later(polled_at, next.not_before)).await;
                    break;
                }
                changed = interval.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    next.after = schedule.set_interval(*interval.borrow_and_update());
                }
            }
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_delay_no_clock_can_hold_waits_a_day_instead_of_ending_the_loop() {
        let now = Instant::now();
        assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
        assert_eq!(later(now, Duration::MAX), now + Duration::from_secs(24 * 60 * 60));
    }

    #[tokio::test]
    async fn a_task_that_panics_is_started_again_and_one_that_returns_is_done() {
        let starts = Arc::new(AtomicUsize::new(0));
        let returns = Arc::new(AtomicUsize::new(0));
        let counted = starts.clone();
        let panics_once: Start = Box::new(move || {
            let start = counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                if start == 0 {
                    panic!("a poll that went wrong");
                }
                std::future::pending::<()>().await;
            })
        });
        let counted = returns.clone();
        let returns_at_once: Start = Box::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {})
        });
        let (_pause, pause) = watch::channel(Duration::from_millis(20));
        let supervisor =
            tokio::spawn(supervise(vec![("panics".into(), panics_once), ("returns".into(), returns_at_once)], pause));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(starts.load(Ordering::SeqCst), 2, "started, panicked, started again");
        assert_eq!(returns.load(Ordering::SeqCst), 1, "a loop whose listener is gone is not restarted");
        assert!(!supervisor.is_finished(), "the restarted task runs on");
        supervisor.abort();
    }
}
