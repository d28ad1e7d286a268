//! Logs of the tray app: to stderr and to `dms-tray.log` in the state
//! folder (`places`: `~/.local/state/dms-tray/` on Linux,
//! `%LOCALAPPDATA%\dms-tray\` on Windows), where a user looks after the
//! fact. A file that grows past 1 MiB becomes `dms-tray.log.1` (the one
//! before becomes `.2`), so that a monitor that runs for months keeps its
//! recent log and never fills the disk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const MAX_LOG_BYTES: u64 = 1024 * 1024;
/// The files kept: the current one and this many older ones.
const OLD_LOGS: usize = 2;

/// Writes every line to both stderr and the file.
struct Tee(RotatingFile);

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stderr().write_all(buf);
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A log file that moves to `<name>.1` when it has grown past `max_bytes`.
struct RotatingFile {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    at_line_start: bool,
}

impl RotatingFile {
    fn open(path: &Path, max_bytes: u64) -> io::Result<RotatingFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        let mut log = RotatingFile { path: path.to_path_buf(), file, size, max_bytes, at_line_start: true };
        if log.size > max_bytes {
            log.rotate()?;
        }
        Ok(log)
    }

    /// `name.1` → `name.2`, …, `name` → `name.1`, and a new `name`.
    fn rotate(&mut self) -> io::Result<()> {
        for n in (1..=OLD_LOGS).rev() {
            let from = if n == 1 { self.path.clone() } else { numbered(&self.path, n - 1) };
            if from.exists() {
                fs::rename(&from, numbered(&self.path, n))?;
            }
        }
        self.file = OpenOptions::new().create(true).write(true).truncate(true).open(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Only between lines: a record is never split over two files.
        if self.at_line_start && self.size > 0 && self.size + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(buf)?;
        self.size += buf.len() as u64;
        self.at_line_start = buf.ends_with(b"\n");
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The `n`th older log: `dms-tray.log.1`.
fn numbered(path: &Path, n: usize) -> PathBuf {
    crate::places::with_suffix(path, &format!(".{n}"))
}

fn open_log_file() -> io::Result<(RotatingFile, PathBuf)> {
    let dir = crate::places::state_dir();
    fs::create_dir_all(&dir)?;
    let path = dir.join("dms-tray.log");
    Ok((RotatingFile::open(&path, MAX_LOG_BYTES)?, path))
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
        Some(Err(e)) => log::warn!("cannot write the log file in {}: {e}", crate::places::state_dir().display()),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_log_moves_aside_and_only_two_old_ones_are_kept() {
        let dir = std::env::temp_dir().join(format!("dms-tray-log-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dms-tray.log");
        let mut log = RotatingFile::open(&path, 100).unwrap();
        // One write a record, as the logger does.
        for i in 0..12 {
            log.write_all(format!("line {i:02} {}\n", "x".repeat(31)).as_bytes()).unwrap();
        }
        let read = |p: PathBuf| fs::read_to_string(p).unwrap();
        // 40 bytes a line, two lines a file: lines 10 and 11 are current,
        // 08 and 09 in .1, 06 and 07 in .2, and the older ones are gone.
        assert!(read(path.clone()).starts_with("line 10"), "{}", read(path.clone()));
        assert!(read(numbered(&path, 1)).starts_with("line 08"));
        assert!(read(numbered(&path, 2)).starts_with("line 06"));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 3);
        for file in fs::read_dir(&dir).unwrap() {
            assert!(file.unwrap().metadata().unwrap().len() <= 100);
        }
        // A file already too big when the app starts moves aside at once.
        drop(log);
        fs::write(&path, "y".repeat(150)).unwrap();
        RotatingFile::open(&path, 100).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len(), 0);
        assert_eq!(read(numbered(&path, 1)), "y".repeat(150));
    }
}
