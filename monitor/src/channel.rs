//! The private channel between the monitor and its clients (the popup, and
//! a second launch of `dms-tray` that hands over to the first): a Unix
//! domain socket in a folder only the user can enter, refusing peers of
//! another user, carrying the core's `ipc` messages one JSON line each.
//! Being the one listener on it is also what makes the monitor single
//! instance.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use dms_tray_core::ipc::{self, ToMonitor, ToPopup, MAX_LINE_BYTES};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc::{self, UnboundedSender};

/// The socket's path: `$XDG_RUNTIME_DIR/dms-tray/monitor.sock`, else in
/// the user's cache folder.
pub fn socket_path() -> PathBuf {
    dirs::runtime_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("dms-tray")
        .join("monitor.sock")
}

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
    Listening(UnixListener),
    AlreadyRunning(UnixStream),
}

/// Listens on `path`, unless a monitor already answers there. A socket
/// file that nobody answers is left over from a crash and replaced.
pub async fn claim(path: &Path) -> io::Result<Claim> {
    if let Ok(stream) = UnixStream::connect(path).await {
        return Ok(Claim::AlreadyRunning(stream));
    }
    let dir = path.parent().expect("the socket path has a folder");
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} must be a folder only its owner can enter (chmod 700)", dir.display()),
        ));
    }
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(Claim::Listening(listener))
}

/// Hands a request to the monitor that already runs (a second launch).
pub async fn tell(mut stream: UnixStream, message: &ToMonitor) -> io::Result<()> {
    stream.write_all(ipc::encode(message).as_bytes()).await?;
    stream.shutdown().await
}

/// Accepts clients for as long as the monitor runs; `events` gets each
/// session's events, numbered.
pub async fn serve(listener: UnixListener, owner_uid: u32, events: UnboundedSender<(u64, SessionEvent)>) {
    static SESSIONS: AtomicU64 = AtomicU64::new(1);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                log::warn!("the channel cannot accept a client: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
        };
        match stream.peer_cred() {
            Ok(peer) if peer.uid() == owner_uid => {}
            Ok(peer) => {
                log::warn!("refused a client of user {} on the channel", peer.uid());
                continue;
            }
            Err(e) => {
                log::warn!("refused a client whose user is unknown: {e}");
                continue;
            }
        }
        let session = SESSIONS.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(run_session(session, stream, events.clone()));
    }
}

/// The user the socket belongs to: only they may connect.
pub fn owner_uid(path: &Path) -> io::Result<u32> {
    Ok(std::fs::metadata(path)?.uid())
}

async fn run_session(session: u64, stream: UnixStream, events: UnboundedSender<(u64, SessionEvent)>) {
    let (read, mut write) = stream.into_split();
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

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dms-tray-channel-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("run").join("monitor.sock")
    }

    #[tokio::test]
    async fn the_socket_is_private_and_a_second_claim_finds_the_first() {
        let path = scratch("claim");
        let Claim::Listening(listener) = claim(&path).await.unwrap() else { panic!("nobody listens yet") };
        let mode = std::fs::metadata(&path).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap()).unwrap().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
        let (events, mut received) = mpsc::unbounded_channel();
        tokio::spawn(serve(listener, owner_uid(&path).unwrap(), events));

        let Claim::AlreadyRunning(stream) = claim(&path).await.unwrap() else { panic!("the first listens") };
        tell(stream, &ToMonitor::ShowPopup { settings: true }).await.unwrap();
        let (session, opened) = received.recv().await.unwrap();
        assert!(matches!(opened, SessionEvent::Opened(_)));
        let (same, message) = received.recv().await.unwrap();
        assert_eq!(same, session);
        assert!(matches!(message, SessionEvent::Message(ToMonitor::ShowPopup { settings: true })));
        assert!(matches!(received.recv().await.unwrap().1, SessionEvent::Closed));
    }

    #[tokio::test]
    async fn a_socket_left_by_a_crash_is_taken_over() {
        let path = scratch("stale");
        let Claim::Listening(listener) = claim(&path).await.unwrap() else { panic!() };
        drop(listener);
        assert!(path.exists(), "the file stays behind, as after kill -9");
        assert!(matches!(claim(&path).await.unwrap(), Claim::Listening(_)));
    }

    #[tokio::test]
    async fn a_folder_others_can_enter_is_refused() {
        let path = scratch("open");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::set_permissions(path.parent().unwrap(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = claim(&path).await.err().expect("refused");
        assert!(error.to_string().contains("chmod 700"), "{error}");
    }
}
