//! Notices when the machine wakes from sleep (or the app was frozen) or its
//! network comes back, so that every organization is polled at once instead
//! of showing old states until the next scheduled poll: logind's
//! `PrepareForSleep` and NetworkManager's `StateChanged` signals where the
//! system bus has them, and everywhere a jump of the wall clock against the
//! monotonic clock, or a tick that came far too late.

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;

use crate::pipeline::{Control, PipelineControl};

/// How often the clocks are compared.
const TICK: Duration = Duration::from_secs(2);
/// A gap this much larger than expected is a sleep or a freeze.
const JUMP: Duration = Duration::from_secs(10);

/// Watches for resumes for as long as the app runs; each one asks the
/// pipeline to poll now.
pub async fn watch(control: PipelineControl) {
    let logind = {
        let control = control.clone();
        async move {
            if let Err(e) = watch_logind(control).await {
                log::info!("no logind sleep signals ({e}); resumes are found by the clocks alone");
            }
        }
    };
    let network = {
        let control = control.clone();
        async move {
            if let Err(e) = watch_network(control).await {
                log::info!("no NetworkManager signals ({e})");
            }
        }
    };
    tokio::join!(logind, network, watch_clocks(control));
}

/// NetworkManager's state for full connectivity (`NM_STATE_CONNECTED_GLOBAL`).
const NM_CONNECTED_GLOBAL: u32 = 70;

async fn watch_network(control: PipelineControl) -> zbus::Result<()> {
    let connection = zbus::Connection::system().await?;
    let proxy = zbus::Proxy::new(
        &connection,
        "org.freedesktop.NetworkManager",
        "/org/freedesktop/NetworkManager",
        "org.freedesktop.NetworkManager",
    )
    .await?;
    let mut signals = proxy.receive_signal("StateChanged").await?;
    while let Some(signal) = signals.next().await {
        let state: u32 = signal.body().deserialize()?;
        if state == NM_CONNECTED_GLOBAL {
            log::info!("the network is back: polling every organization now");
            control.send(Control::RefreshNow);
        }
    }
    Ok(())
}

async fn watch_clocks(control: PipelineControl) {
    let mut wall = SystemTime::now();
    let mut monotonic = Instant::now();
    loop {
        tokio::time::sleep(TICK).await;
        let (now_wall, now_monotonic) = (SystemTime::now(), Instant::now());
        let slept = now_monotonic - monotonic;
        let wall_elapsed = now_wall.duration_since(wall).unwrap_or_default();
        if let Some(gap) = resumed(slept, wall_elapsed) {
            log::info!("resumed after {}: polling every organization now", humantime::format_duration(gap));
            control.send(Control::RefreshNow);
        }
        (wall, monotonic) = (now_wall, now_monotonic);
    }
}

/// The gap, when a tick meant to take [`TICK`] shows a sleep (the wall
/// clock ran on while the monotonic one stood still) or a freeze (the tick
/// itself came late).
fn resumed(monotonic_elapsed: Duration, wall_elapsed: Duration) -> Option<Duration> {
    let gap = wall_elapsed.max(monotonic_elapsed).saturating_sub(TICK);
    (gap > JUMP).then(|| Duration::from_secs(gap.as_secs()))
}

async fn watch_logind(control: PipelineControl) -> zbus::Result<()> {
    let connection = zbus::Connection::system().await?;
    let proxy = zbus::Proxy::new(
        &connection,
        "org.freedesktop.login1",
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
    )
    .await?;
    let mut signals = proxy.receive_signal("PrepareForSleep").await?;
    while let Some(signal) = signals.next().await {
        let going_to_sleep: bool = signal.body().deserialize()?;
        if !going_to_sleep {
            log::info!("resumed from sleep (logind): polling every organization now");
            control.send(Control::RefreshNow);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_or_a_freeze_is_a_resume_and_a_busy_moment_is_not() {
        let s = Duration::from_secs;
        assert_eq!(resumed(s(2), s(2)), None);
        assert_eq!(resumed(Duration::from_millis(2600), Duration::from_millis(2600)), None, "a busy machine");
        assert_eq!(resumed(s(2), s(3602)), Some(s(3600)), "suspended: the wall clock jumped");
        assert_eq!(resumed(s(62), s(62)), Some(s(60)), "frozen (SIGSTOP): the tick came late");
        assert_eq!(resumed(s(2), s(11)), None, "a small clock correction");
    }
}
