//! A desktop made of real parts for one test: an X server (Xvfb) and a
//! D-Bus session bus of its own, a home of its own (config, state and data
//! directories), a "browser" that records the URLs it is asked to open, and
//! the real `dms-tray` binary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader};

/// A `dbus-daemon` of the test's own, so that tests never share a bus.
pub struct SessionBus {
    child: Child,
    pub address: String,
}

impl SessionBus {
    pub fn start() -> SessionBus {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (scripts/setup.sh installs it)");
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut address).unwrap();
        SessionBus { child, address: address.trim().to_string() }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An Xvfb of the test's own, so that windows of parallel tests never mix.
pub struct Display {
    child: Child,
    pub name: String,
}

impl Display {
    pub fn start() -> Display {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (scripts/setup.sh installs it)");
        let mut number = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut number).unwrap();
        Display { child, name: format!(":{}", number.trim()) }
    }

    /// Whether a top-level window with this title exists now.
    pub fn has_window(&self, title: &str) -> bool {
        let output = Command::new("xwininfo").args(["-root", "-tree"]).env("DISPLAY", &self.name).output().unwrap();
        String::from_utf8_lossy(&output.stdout).contains(&format!("\"{title}\": ("))
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A display, a session bus and a home: everything a desktop app needs.
pub struct Desktop {
    pub display: Display,
    pub bus: SessionBus,
    pub home: Home,
}

impl Desktop {
    pub fn new(name: &str) -> Desktop {
        Desktop { display: Display::start(), bus: SessionBus::start(), home: Home::new(name) }
    }

    /// The environment of a process on this desktop.
    pub fn apply(&self, command: &mut Command) {
        self.home.apply(command);
        command.env("DISPLAY", &self.display.name).env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address);
    }
}

/// A home directory of the test's own.
pub struct Home {
    pub dir: PathBuf,
}

impl Home {
    pub fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("dms-tray-e2e-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["config", "state", "data/applications", "cache", "runtime"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join("runtime"), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let home = Home { dir };
        home.install_browser();
        home
    }

    /// The "browser": a script that appends each URL to `opened-urls`,
    /// named by `BROWSER` and registered as the default web browser.
    fn install_browser(&self) {
        let script = self.dir.join("record-url");
        std::fs::write(&script, format!("#!/bin/sh\necho \"$1\" >> '{}'\n", self.urls_file().display())).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(
            self.dir.join("data/applications/record-url.desktop"),
            format!(
                "[Desktop Entry]\nType=Application\nName=Record URL\nExec={} %u\nMimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
                script.display()
            ),
        )
        .unwrap();
        std::fs::write(
            self.dir.join("config/mimeapps.list"),
            "[Default Applications]\nx-scheme-handler/http=record-url.desktop\nx-scheme-handler/https=record-url.desktop\n",
        )
        .unwrap();
    }

    fn urls_file(&self) -> PathBuf {
        self.dir.join("opened-urls")
    }

    /// The URLs the app asked the browser to open, in order.
    pub fn opened_urls(&self) -> Vec<String> {
        std::fs::read_to_string(self.urls_file()).unwrap_or_default().lines().map(str::to_owned).collect()
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.dir.join("config/dms-tray/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        private(&path);
        path
    }

    /// The home's part of a process's environment.
    fn apply(&self, command: &mut Command) {
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("XDG_STATE_HOME", self.dir.join("state"))
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env("XDG_RUNTIME_DIR", self.dir.join("runtime"))
            .env("BROWSER", self.dir.join("record-url"))
            .env("RUST_LOG", "info")
            // Software rendering: Xvfb has no GPU.
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1");
    }

    /// The monitor's channel, where a popup connects.
    pub fn socket(&self) -> PathBuf {
        self.dir.join("runtime/dms-tray/monitor.sock")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("state/dms-tray/dms-tray.log")).unwrap_or_default()
    }
}

/// The real binary, killed when dropped.
pub struct App {
    child: Child,
}

impl App {
    pub fn start(desktop: &Desktop, args: &[&str]) -> App {
        App::start_with(desktop, args, &[])
    }

    /// Starts the app and waits until its channel listens, where a popup
    /// connects.
    pub fn start_listening(desktop: &Desktop) -> App {
        let app = App::start(desktop, &[]);
        wait_for(Duration::from_secs(30), "the monitor's channel", || desktop.home.socket().exists().then_some(()));
        app
    }

    /// Starts the app with some more environment variables.
    pub fn start_with(desktop: &Desktop, args: &[&str], env: &[(&str, &str)]) -> App {
        let mut command = Command::new(binary());
        desktop.apply(&mut command);
        command.envs(env.iter().copied());
        let child = command.args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        App { child }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`TERM`, `KILL`, `STOP`, `CONT`) to the app.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill").args(["-s", signal, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -s {signal}");
    }

    /// The pids of the app's child processes named `name`.
    pub fn children(&self, name: &str) -> Vec<u32> {
        let output = Command::new("pgrep").args(["-P", &self.child.id().to_string(), "-x", name]).output().unwrap();
        String::from_utf8_lossy(&output.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect()
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release binary under test: the monitor.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_dms-tray"))
}

/// The popup's binary, which cargo builds beside the monitor's.
pub fn popup_binary() -> PathBuf {
    binary().with_file_name("dms-tray-popup")
}

/// Polls `probe` until it gives a value, or fails the test naming `what`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A file only its owner may read, as dms-tray wants a file with a key.
pub fn private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Every file below `dir`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The files among `files` that hold `secret`.
pub fn holding<'a>(files: &'a [PathBuf], secret: &str) -> Vec<&'a PathBuf> {
    files
        .iter()
        .filter(|p| std::fs::read(p).unwrap_or_default().windows(secret.len()).any(|w| w == secret.as_bytes()))
        .collect()
}
