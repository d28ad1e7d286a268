//! Notices when the machine wakes from sleep (or the app was frozen) or its
//! network comes back, so that every organization is polled at once instead
//! of showing old states until the next scheduled poll: logind's
//! `PrepareForSleep` and NetworkManager's `StateChanged` signals where the
//! system bus has them, and everywhere a jump of the wall clock against the
//! monotonic clock, or a tick that came far too late.

use std::time::{Duration, Instant, SystemTime};

use tokio::sync::mpsc::UnboundedSender;

#[cfg(target_os = "linux")]
mod linux;

use crate::owner::Command;

/// Where resumes are told.
type Control = UnboundedSender<Command>;

/// How often the clocks are compared: seldom enough that the idle monitor
/// wakes for little else than its polls.
const TICK: Duration = Duration::from_secs(5);
/// A gap this much larger than expected is a sleep or a freeze.
const JUMP: Duration = Duration::from_secs(10);

/// Watches for resumes for as long as the app runs; each one tells the
/// owner, which shows the states as updating and polls at once.
pub async fn watch(control: Control) {
    #[cfg(target_os = "linux")]
    tokio::join!(linux::watch_system_bus(control.clone()), watch_clocks(control));
    #[cfg(not(target_os = "linux"))]
    watch_clocks(control).await;
}

async fn watch_clocks(control: Control) {
    let mut wall = SystemTime::now();
    let mut monotonic = Instant::now();
    loop {
        tokio::time::sleep(TICK).await;
        let (now_wall, now_monotonic) = (SystemTime::now(), Instant::now());
        let slept = now_monotonic - monotonic;
        let wall_elapsed = now_wall.duration_since(wall).unwrap_or_default();
        if let Some(gap) = resumed(slept, wall_elapsed) {
            log::info!("resumed after {}: polling every organization now", humantime::format_duration(gap));
            let _ = control.send(Command::Resumed);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_or_a_freeze_is_a_resume_and_a_busy_moment_is_not() {
        let s = Duration::from_secs;
        assert_eq!(resumed(s(5), s(5)), None);
        assert_eq!(resumed(Duration::from_millis(6600), Duration::from_millis(6600)), None, "a busy machine");
        assert_eq!(resumed(s(5), s(3605)), Some(s(3600)), "suspended: the wall clock jumped");
        assert_eq!(resumed(s(65), s(65)), Some(s(60)), "frozen (SIGSTOP): the tick came late");
        assert_eq!(resumed(s(5), s(14)), None, "a small clock correction");
    }
}
