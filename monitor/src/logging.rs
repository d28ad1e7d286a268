//! Logs of the tray app: to stderr and to `dms-tray.log` in the XDG state
//! directory (`~/.local/state/dms-tray/`), where a user looks after the
//! fact. The file starts afresh when it has grown past 1 MiB.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

const MAX_LOG_BYTES: u64 = 1024 * 1024;

/// `$XDG_STATE_HOME/dms-tray`, else `~/.local/state/dms-tray`.
pub fn state_dir() -> PathBuf {
    dirs::state_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("dms-tray")
}

/// Writes every line to both stderr and the file.
struct Tee(File);

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stderr().write_all(buf);
        self.0.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

fn open_log_file() -> io::Result<(File, PathBuf)> {
    let dir = state_dir();
    fs::create_dir_all(&dir)?;
    let path = dir.join("dms-tray.log");
    let too_big = fs::metadata(&path).map(|m| m.len() > MAX_LOG_BYTES).unwrap_or(false);
    let file = OpenOptions::new().create(true).append(!too_big).write(true).truncate(too_big).open(&path)?;
    Ok((file, path))
}

/// Starts logging at `default_level` (`RUST_LOG` overrides it), to the log
/// file as well when `to_file` and the state directory is writable.
pub fn init(default_level: &str, to_file: bool) {
    let mut builder = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(default_level));
    let log_file = to_file.then(|| {
        open_log_file().map(|(file, path)| {
            builder.target(env_logger::Target::Pipe(Box::new(Tee(file))));
            path
        })
    });
    builder.init();
    match log_file {
        Some(Ok(path)) => log::info!("logging to {}", path.display()),
        Some(Err(e)) => log::warn!("cannot write the log file in {}: {e}", state_dir().display()),
        None => {}
    }
}
