//! The channel on Windows: a named pipe whose security descriptor lets in
//! its owner alone, never over the network, under a random name nobody
//! else can know beforehand (so no one can take the name first). The name
//! is kept in a file in the user's own local app data, where clients look
//! it up.

use std::io;
use std::path::{Path, PathBuf};

use interprocess::local_socket::tokio::prelude::*;
use interprocess::local_socket::{GenericFilePath, ListenerOptions};
use interprocess::os::windows::local_socket::ListenerOptionsExt;
use interprocess::os::windows::security_descriptor::SecurityDescriptor;
use widestring::U16CString;

use super::Claim;

pub type Stream = interprocess::local_socket::tokio::Stream;

/// Full access for the pipe's owner and nobody else; network logons are
/// denied outright. `P` keeps inherited entries out.
const OWNER_ONLY: &str = "D:P(A;;GA;;;OW)(D;;GA;;;NU)";
const PIPE_PREFIX: &str = r"\\.\pipe\dms-tray-";

/// The file that names the pipe: `%LOCALAPPDATA%\dms-tray\channel`.
pub fn place() -> PathBuf {
    crate::places::state_dir().join("channel")
}

/// The listening pipe, and the file that names it.
pub struct Listener {
    pipe: interprocess::local_socket::tokio::Listener,
    name: PathBuf,
    place: PathBuf,
}

impl Listener {
    /// Where the popup connects: the pipe's name.
    pub fn address(&self) -> &Path {
        &self.name
    }

    /// The next client; the pipe's access list has kept out every other user.
    pub async fn accept(&self) -> io::Result<Option<Stream>> {
        self.pipe.accept().await.map(Some)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if named_pipe(&self.place).as_deref() == Some(self.name.as_path()) {
            let _ = std::fs::remove_file(&self.place);
        }
    }
}

fn named_pipe(place: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(place).ok()?;
    let name = name.trim();
    name.starts_with(PIPE_PREFIX).then(|| PathBuf::from(name))
}

/// The monitor whose pipe `place` names, if it still listens.
pub async fn connect(place: &Path) -> Option<Stream> {
    let name = named_pipe(place)?;
    Stream::connect(name.as_os_str().to_fs_name::<GenericFilePath>().ok()?).await.ok()
}

/// Listens on a new pipe, unless the monitor named in `place` answers. A
/// name nobody answers is left over from a crash and replaced.
pub async fn claim(place: &Path) -> io::Result<Claim> {
    if let Some(stream) = connect(place).await {
        return Ok(Claim::AlreadyRunning(stream));
    }
    let name = PathBuf::from(format!("{PIPE_PREFIX}{}", uuid::Uuid::new_v4().simple()));
    let owner_only = U16CString::from_str(OWNER_ONLY).expect("no NUL in the descriptor");
    let pipe = ListenerOptions::new()
        .name(name.as_os_str().to_fs_name::<GenericFilePath>()?)
        .security_descriptor(SecurityDescriptor::deserialize(&owner_only)?)
        .create_tokio()?;
    let dir = place.parent().expect("the place has a folder");
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    io::Write::write_all(&mut file, name.to_string_lossy().as_bytes())?;
    file.persist(place).map_err(|e| e.error)?;
    Ok(Claim::Listening(Listener { pipe, name, place: place.to_path_buf() }))
}

/// Waits, up to 5 s, until the monitor named in `place` stops answering:
/// the one this process replaces is ending.
pub async fn wait_until_free(place: &Path) {
    for _ in 0..50 {
        if connect(place).await.is_none() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
