//! The private channel between the monitor and its clients (the popup, and
//! a second launch of `dms-tray` that hands over to the first), carrying
//! the core's `ipc` messages one JSON line each. Being the one listener on
//! it is also what makes the monitor single instance. What the channel is
//! made of differs per platform: a Unix domain socket in a private folder,
//! or a named pipe only the user may open on Windows.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use dms_tray_core::ipc::{self, ToMonitor, ToPopup, MAX_LINE_BYTES};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{self, UnboundedSender};

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::{claim, connect, place, Listener, Stream};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::{claim, connect, place, wait_until_free, Listener, Stream};

/// What happens on a client's connection, for the owner of the state.
#[derive(Debug)]
pub enum SessionEvent {
    /// A client connected; messages for it go to this sender.
    Opened(UnboundedSender<ToPopup>),
    Message(ToMonitor),
    Closed,
}

/// Either the channel is ours now, or another monitor already listens.
pub enum Claim {
    Listening(Listener),
    AlreadyRunning(Stream),
}

/// Hands a request to the monitor that already runs (a second launch).
pub async fn tell(mut stream: Stream, message: &ToMonitor) -> io::Result<()> {
    stream.write_all(ipc::encode(message).as_bytes()).await?;
    stream.shutdown().await
}

/// Accepts clients for as long as the monitor runs; `events` gets each
/// session's events, numbered. Clients of another user never get here.
pub async fn serve(listener: Listener, events: UnboundedSender<(u64, SessionEvent)>) {
    static SESSIONS: AtomicU64 = AtomicU64::new(1);
    loop {
        let stream = match listener.accept().await {
            Ok(Some(stream)) => stream,
            Ok(None) => continue,
            Err(e) => {
                log::warn!("the channel cannot accept a client: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
        };
        let session = SESSIONS.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(run_session(session, stream, events.clone()));
    }
}

async fn run_session(
    session: u64,
    stream: impl AsyncRead + AsyncWrite + Send + 'static,
    events: UnboundedSender<(u64, SessionEvent)>,
) {
    let (read, mut write) = tokio::io::split(stream);
    let (outgoing, mut to_send) = mpsc::unbounded_channel::<ToPopup>();
    if events.send((session, SessionEvent::Opened(outgoing))).is_err() {
        return;
    }
    let writer = tokio::spawn(async move {
        while let Some(message) = to_send.recv().await {
            if write.write_all(ipc::encode(&message).as_bytes()).await.is_err() {
                break;
            }
        }
    });
    let mut lines = BufReader::new(read);
    let mut line = String::new();
    loop {
        line.clear();
        match (&mut lines).take(MAX_LINE_BYTES as u64).read_line(&mut line).await {
            Ok(0) => break,
            Ok(_) if !line.ends_with('\n') => {
                log::warn!("a client sent a line longer than the channel allows; closed it");
                break;
            }
            Ok(_) => match ipc::decode::<ToMonitor>(&line) {
                Ok(message) => {
                    if events.send((session, SessionEvent::Message(message))).is_err() {
                        break;
                    }
                }
                Err(e) => log::warn!("a client sent a message the monitor does not know ({e})"),
            },
            Err(e) => {
                log::info!("a client's connection failed: {e}");
                break;
            }
        }
    }
    let _ = events.send((session, SessionEvent::Closed));
    writer.abort();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A place of the channel's own for each test.
    pub(super) fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dms-tray-channel-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("run").join("monitor.sock")
    }

    #[tokio::test]
    async fn a_second_claim_finds_the_first_and_hands_it_a_request() {
        let place = scratch("claim");
        let Claim::Listening(listener) = claim(&place).await.unwrap() else { panic!("nobody listens yet") };
        let (events, mut received) = mpsc::unbounded_channel();
        tokio::spawn(serve(listener, events));

        let Claim::AlreadyRunning(stream) = claim(&place).await.unwrap() else { panic!("the first listens") };
        tell(stream, &ToMonitor::ShowPopup { settings: true }).await.unwrap();
        let (session, opened) = received.recv().await.unwrap();
        assert!(matches!(opened, SessionEvent::Opened(_)));
        let (same, message) = received.recv().await.unwrap();
        assert_eq!(same, session);
        assert!(matches!(message, SessionEvent::Message(ToMonitor::ShowPopup { settings: true })));
        assert!(matches!(received.recv().await.unwrap().1, SessionEvent::Closed));
        assert!(connect(&place).await.is_some(), "a client such as `dms-tray key` finds it too");
    }

    #[tokio::test]
    async fn with_no_monitor_there_is_nobody_to_tell() {
        assert!(connect(&scratch("nobody")).await.is_none());
    }
}
