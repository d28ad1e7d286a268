//! The channel on Unix: a socket in a folder only the user can enter
//! (`$XDG_RUNTIME_DIR/dms-tray`), refusing peers of another user.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::Claim;

pub type Stream = tokio::net::UnixStream;

/// The socket's path: `$XDG_RUNTIME_DIR/dms-tray/monitor.sock`, else in
/// the user's cache folder.
pub fn place() -> PathBuf {
    dirs::runtime_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("dms-tray")
        .join("monitor.sock")
}

/// The listening socket, and the user who alone may connect.
pub struct Listener {
    socket: tokio::net::UnixListener,
    path: PathBuf,
    owner_uid: u32,
}

impl Listener {
    /// Where the popup connects.
    pub fn address(&self) -> &Path {
        &self.path
    }

    /// The next client, or `None` for one of another user (refused).
    pub async fn accept(&self) -> io::Result<Option<Stream>> {
        let (stream, _) = self.socket.accept().await?;
        match stream.peer_cred() {
            Ok(peer) if peer.uid() == self.owner_uid => Ok(Some(stream)),
            Ok(peer) => {
                log::warn!("refused a client of user {} on the channel", peer.uid());
                Ok(None)
            }
            Err(e) => {
                log::warn!("refused a client whose user is unknown: {e}");
                Ok(None)
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The monitor that listens at `path`, if one does.
pub async fn connect(path: &Path) -> Option<Stream> {
    Stream::connect(path).await.ok()
}

/// Listens at `path`, unless a monitor already answers there. A socket
/// file that nobody answers is left over from a crash and replaced.
pub async fn claim(path: &Path) -> io::Result<Claim> {
    if let Some(stream) = connect(path).await {
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
    let socket = tokio::net::UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    let owner_uid = std::fs::metadata(path)?.uid();
    Ok(Claim::Listening(Listener { socket, path: path.to_path_buf(), owner_uid }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::scratch;
    use super::*;

    #[tokio::test]
    async fn the_socket_and_its_folder_are_private() {
        let path = scratch("private");
        let Claim::Listening(listener) = claim(&path).await.unwrap() else { panic!("nobody listens yet") };
        assert_eq!(std::fs::metadata(listener.address()).unwrap().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().mode() & 0o777, 0o700);
    }

    #[tokio::test]
    async fn a_socket_left_by_a_crash_is_taken_over() {
        let path = scratch("stale");
        let Claim::Listening(listener) = claim(&path).await.unwrap() else { panic!() };
        drop(listener);
        assert!(!path.exists(), "a monitor that ends removes its socket");
        // A crash leaves the file behind, with nobody listening.
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists());
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
