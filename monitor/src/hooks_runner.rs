//! Runs the configuration's hooks (`[[hooks]]`; what they are and which
//! changes they take is the core's `hooks`).
//!
//! Each hook has a task of its own that makes its calls one at a time, in
//! the order of the changes: the owner hands changes over without ever
//! waiting, a slow hook holds up no other, and a script never runs twice
//! at once. A command gets the event as JSON on its standard input and in
//! a few environment variables, and is ended at its timeout; a webhook gets
//! a POST. A failure that may pass is tried again after a wait; every
//! outcome goes back to the owner, for the popup's footer.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use dms_tray_core::alerts::SystemRef;
use dms_tray_core::clean::clean;
use dms_tray_core::config::{Config, KeySource};
use dms_tray_core::hooks::outcome::{retry_wait, HookError, HookFailure, HookOutcome, FIRST_RETRY_WAIT};
use dms_tray_core::hooks::payload::body;
use dms_tray_core::hooks::{events, Action, Filter, HookEvent, WebhookFormat, MAX_WAITING};
use dms_tray_core::priority::Priority;
use dms_tray_core::transitions::Transition;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use url::Url;

use crate::client::{retry_after, root_cause, webhook_client};

/// What a failed command wrote to stderr, or a webhook answered, is logged
/// up to this many characters.
const MAX_SAID_CHARS: usize = 300;
/// Enough bytes for [`MAX_SAID_CHARS`] characters of any script.
const MAX_SAID_BYTES: usize = 4 * MAX_SAID_CHARS;
/// How long the rest of a command's stderr is waited for once it ended: a
/// program it left running may hold the pipe open.
const STDERR_GRACE: Duration = Duration::from_millis(250);

/// Where outcomes go: the owner's inbox.
type Report = Arc<dyn Fn(HookOutcome) + Send + Sync>;

/// The running hooks; dropping it lets each finish the calls it holds.
pub struct HookRunner {
    workers: Vec<Worker>,
    report: Report,
}

/// One hook's end of its task.
struct Worker {
    name: String,
    filter: Filter,
    queue: mpsc::Sender<Arc<HookEvent>>,
}

impl HookRunner {
    /// Starts a task for each hook of `config`; `report` receives every outcome.
    pub fn start(config: &Config, report: impl Fn(HookOutcome) + Send + Sync + 'static) -> HookRunner {
        HookRunner::with_first_wait(config, FIRST_RETRY_WAIT, Arc::new(report))
    }

    /// [`HookRunner::start`] with another wait before the second try (tests).
    fn with_first_wait(config: &Config, first_wait: Duration, report: Report) -> HookRunner {
        let key_variables = key_variables(config);
        let workers = config
            .hooks
            .iter()
            .map(|hook| {
                let (queue, waiting) = mpsc::channel(MAX_WAITING);
                let target = match &hook.action {
                    Action::Command(argv) => {
                        Target::Command { argv: argv.clone(), key_variables: key_variables.clone() }
                    }
                    Action::Webhook { url, format } => Target::Webhook {
                        http: webhook_client(config, url, hook.timeout),
                        url: url.clone(),
                        format: *format,
                    },
                };
                let caller =
                    Caller { name: hook.name.clone(), target, timeout: hook.timeout, tries: hook.tries, first_wait };
                tokio::spawn(work(caller, waiting, report.clone()));
                Worker { name: hook.name.clone(), filter: hook.filter.clone(), queue }
            })
            .collect();
        HookRunner { workers, report }
    }

    /// Whether the configuration has no hooks.
    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }

    /// Hands `transitions` to the hooks they concern, each system's with the
    /// priority `priority_of` gives it. Never waits: a change for a hook
    /// that already has [`MAX_WAITING`] waiting is skipped, and told.
    pub fn send(&self, transitions: &[Transition], priority_of: &dyn Fn(SystemRef, &str) -> Priority) {
        if self.workers.is_empty() || transitions.is_empty() {
            return;
        }
        let events: Vec<Arc<HookEvent>> = events(transitions, priority_of).into_iter().map(Arc::new).collect();
        for worker in &self.workers {
            let skipped = events
                .iter()
                .filter(|event| worker.filter.matches(event))
                .filter(|event| worker.queue.try_send(Arc::clone(event)).is_err())
                .count();
            if skipped > 0 {
                let outcome = HookOutcome::Skipped { hook: worker.name.clone(), count: skipped };
                log::warn!("{}", outcome.problem().unwrap_or_default());
                (self.report)(outcome);
            }
        }
    }
}

/// The environment variables that hold organization keys (`key_env`).
fn key_variables(config: &Config) -> Arc<[String]> {
    config
        .organizations
        .iter()
        .filter_map(|o| match &o.key {
            KeySource::Env(name) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// One hook's task: its calls, one at a time.
async fn work(caller: Caller, mut waiting: mpsc::Receiver<Arc<HookEvent>>, report: Report) {
    while let Some(event) = waiting.recv().await {
        report(caller.call(&event).await);
    }
}

/// What a hook needs to make its calls.
struct Caller {
    name: String,
    target: Target,
    /// How long one try may take.
    timeout: Duration,
    tries: u32,
    /// The wait before the second try.
    first_wait: Duration,
}

/// What a hook calls.
enum Target {
    Command {
        argv: Vec<String>,
        /// The variables that hold organization keys (`key_env`): a
        /// command does not inherit them.
        key_variables: Arc<[String]>,
    },
    Webhook {
        http: reqwest::Client,
        url: Url,
        format: WebhookFormat,
    },
}

/// A failed try, with what only the log shows.
struct TryFailed {
    error: HookError,
    /// The wait a webhook asked for (`Retry-After`).
    retry_after: Option<Duration>,
    /// What the command wrote to stderr, or the webhook answered.
    said: Option<String>,
}

impl From<HookError> for TryFailed {
    fn from(error: HookError) -> TryFailed {
        TryFailed { error, retry_after: None, said: None }
    }
}

impl Caller {
    /// Tries `event` until it goes through, fails in a way another try
    /// would not mend, or has had its tries.
    async fn call(&self, event: &HookEvent) -> HookOutcome {
        let name = &self.name;
        let mut tries = 0;
        loop {
            tries += 1;
            let failed = match self.try_once(event).await {
                Ok(()) => {
                    log::info!("hook '{name}' ran for {} ({})", event.kind.key(), event.headline());
                    return HookOutcome::Delivered { hook: name.clone() };
                }
                Err(failed) => failed,
            };
            let said = failed.said.map(|said| format!("; it said: {said}")).unwrap_or_default();
            if tries < self.tries && failed.error.may_pass() {
                let wait = retry_wait(tries, self.first_wait, failed.retry_after);
                log::info!(
                    "hook '{name}': try {tries} of {} failed ({}){said}; trying again in {:.1} s",
                    self.tries,
                    failed.error,
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            let failure = HookFailure { hook: name.clone(), error: failed.error, tries };
            log::warn!("{failure}{said}");
            return HookOutcome::Failed(failure);
        }
    }

    async fn try_once(&self, event: &HookEvent) -> Result<(), TryFailed> {
        match &self.target {
            Target::Command { argv, key_variables } => {
                run(command(argv, event, key_variables), event, self.timeout).await
            }
            Target::Webhook { http, url, format } => post(http, url, &body(*format, event), self.timeout).await,
        }
    }
}

/// The command of `argv` for `event`: the event's variables added to the
/// environment, the organization keys' removed.
fn command(argv: &[String], event: &HookEvent, key_variables: &[String]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(&argv[0]);
    command.args(&argv[1..]);
    for name in key_variables {
        command.env_remove(name);
    }
    command.envs(event.environment());
    command.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped()).kill_on_drop(true);
    command
}

/// Runs `command` with `event` on its stdin, ending it after `timeout`.
async fn run(mut command: tokio::process::Command, event: &HookEvent, timeout: Duration) -> Result<(), TryFailed> {
    let program = command.as_std().get_program().to_string_lossy().into_owned();
    let cannot_start = |e: std::io::Error| HookError::CannotStart { program: program.clone(), cause: os_message(&e) };
    let mut child = command.spawn().map_err(cannot_start)?;
    let mut stderr = tokio::spawn(read_said(child.stderr.take()));
    let mut json = serde_json::to_vec(event).expect("an event is plain data");
    json.push(b'\n');
    let mut stdin = child.stdin.take();
    let ran = tokio::time::timeout(timeout, async {
        if let Some(stdin) = &mut stdin {
            // A command that does not read its input may well close it first.
            let _ = stdin.write_all(&json).await;
        }
        drop(stdin.take());
        child.wait().await
    })
    .await;
    let error = match ran {
        Ok(Ok(status)) if status.success() => return Ok(()),
        Ok(Ok(status)) => HookError::Exit(status.code()),
        Ok(Err(e)) => cannot_start(e),
        Err(_) => {
            let _ = child.kill().await;
            HookError::TimedOut { after: timeout, command: true }
        }
    };
    let said = tokio::time::timeout(STDERR_GRACE, &mut stderr).await.ok().and_then(Result::ok).flatten();
    stderr.abort();
    Err(TryFailed { error, retry_after: None, said })
}

/// The start of what a command writes to stderr, read to its end so that
/// the command never blocks on a full pipe.
async fn read_said(stream: Option<impl AsyncRead + Unpin>) -> Option<String> {
    let mut stream = stream?;
    let mut said = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return said_text(&said),
            Ok(n) => said.extend_from_slice(&chunk[..n.min(MAX_SAID_BYTES.saturating_sub(said.len()))]),
        }
    }
}

/// The start of a webhook's answer.
async fn read_answer(mut response: reqwest::Response) -> Option<String> {
    let mut said = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        said.extend_from_slice(&chunk[..chunk.len().min(MAX_SAID_BYTES - said.len())]);
        if said.len() == MAX_SAID_BYTES {
            break;
        }
    }
    said_text(&said)
}

/// Bytes read from a command or a webhook as one line for the log.
fn said_text(said: &[u8]) -> Option<String> {
    let said = clean(String::from_utf8_lossy(said).trim(), MAX_SAID_CHARS).into_owned();
    (!said.is_empty()).then_some(said)
}

/// An I/O error's text without the "(os error 2)" that follows it.
fn os_message(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.split_once(" (os error") {
        Some((message, _)) => message.to_string(),
        None => text,
    }
}

/// POSTs `body` to `url`; any 2xx goes through.
async fn post(http: &reqwest::Client, url: &Url, body: &serde_json::Value, timeout: Duration) -> Result<(), TryFailed> {
    let response = http.post(url.clone()).json(body).timeout(timeout).send().await.map_err(|e| {
        let error = match e.is_timeout() {
            true => HookError::TimedOut { after: timeout, command: false },
            false => HookError::Unreachable {
                host: url.host_str().unwrap_or("the webhook").to_string(),
                cause: root_cause(&e),
            },
        };
        TryFailed::from(error)
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let retry_after = retry_after(response.headers(), SystemTime::now());
    let said = read_answer(response).await;
    Err(TryFailed { error: HookError::Status(status.as_u16()), retry_after, said })
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};
    use std::path::Path;
    use std::sync::Mutex;

    use axum::extract::{Path as UrlPath, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use axum::{Json, Router};
    use chrono::{DateTime, Utc};
    use dms_tray_core::api::{ApiState, CloudGateways};
    use dms_tray_core::hooks::event::event;
    use dms_tray_core::hooks::payload;
    use dms_tray_core::transitions::{Change, Named};
    use serde_json::Value;
    use uuid::Uuid;

    use super::*;

    const ORGANIZATION: &str = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10";
    /// The organization's key, written in the configuration.
    const KEY: &str = "the-organization-key-0123456789";
    const SHORT_WAIT: Duration = Duration::from_millis(10);

    /// A configuration of one organization and `hooks`, read as the app
    /// reads it, from a file in `dir`.
    fn config(dir: &Path, hooks: &str) -> Config {
        let text = format!(
            "[[organizations]]\nname = \"Skyline\"\napi_url = \"https://api.example.com\"\nid = \"{ORGANIZATION}\"\nkey = \"{KEY}\"\n\n{hooks}"
        );
        dms_tray_core::config::parse(&dir.join("config.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn start(config: &Config) -> (HookRunner, mpsc::UnboundedReceiver<HookOutcome>) {
        let (report, outcomes) = mpsc::unbounded_channel();
        let runner = HookRunner::with_first_wait(
            config,
            SHORT_WAIT,
            Arc::new(move |outcome| {
                let _ = report.send(outcome);
            }),
        );
        (runner, outcomes)
    }

    fn at() -> DateTime<Utc> {
        "2026-11-21T09:46:00Z".parse().unwrap()
    }

    /// Ziine, on air, going from ok to no connection.
    fn outage() -> Transition {
        Transition {
            organization: Named { id: Uuid::parse_str(ORGANIZATION).unwrap(), name: "Skyline".into() },
            system: Some(Named { id: Uuid::from_u128(1), name: "Ziine".into() }),
            at: at(),
            change: Change::State {
                from: ApiState::Ok,
                to: ApiState::NoConnection,
                last_seen_online: Some(at() - chrono::Duration::minutes(15)),
                cloud_gateways: CloudGateways { connected: 0, total: 2 },
            },
        }
    }

    fn on_air(_: SystemRef, _: &str) -> Priority {
        Priority::OnAir
    }

    async fn next(outcomes: &mut mpsc::UnboundedReceiver<HookOutcome>) -> HookOutcome {
        tokio::time::timeout(Duration::from_secs(20), outcomes.recv()).await.expect("an outcome in time").unwrap()
    }

    /// A shell command as a TOML array: `sh -c script sh args…`.
    #[cfg(unix)]
    fn sh(script: &str, args: &[&Path]) -> String {
        let mut argv = vec!["sh".to_string(), "-c".into(), script.into(), "sh".into()];
        argv.extend(args.iter().map(|a| a.display().to_string()));
        format!("[{}]", argv.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "))
    }

    #[cfg(unix)]
    fn lines(path: &Path) -> usize {
        std::fs::read_to_string(path).map_or(0, |text| text.lines().count())
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_command_gets_the_event_on_stdin_and_in_its_environment() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("event.json");
        let script = "cat > \"$1\"; env > \"$1.env\"";
        let config = config(dir.path(), &format!("[[hooks]]\nname = \"log\"\ncommand = {}\n", sh(script, &[&out])));
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        assert_eq!(next(&mut outcomes).await, HookOutcome::Delivered { hook: "log".into() });
        let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(written, serde_json::to_value(event(&outage(), Some(Priority::OnAir))).unwrap());
        let environment = std::fs::read_to_string(dir.path().join("event.json.env")).unwrap();
        for line in [
            "DMS_TRAY_KIND=no-connection",
            "DMS_TRAY_ORGANIZATION=Skyline",
            &format!("DMS_TRAY_ORGANIZATION_ID={ORGANIZATION}"),
            "DMS_TRAY_SYSTEM=Ziine",
            "DMS_TRAY_SYSTEM_ID=00000000-0000-0000-0000-000000000001",
            "DMS_TRAY_STATE=noConnection",
            "DMS_TRAY_PRIORITY=on-air",
            "DMS_TRAY_TEXT=No connection to dataminer.services",
        ] {
            assert!(environment.lines().any(|l| l == line), "{line} is not in the environment:\n{environment}");
        }
        assert!(environment.lines().any(|l| l.starts_with("PATH=")), "the rest of the environment is inherited");
        for text in [&written.to_string(), &environment] {
            assert!(!text.contains(KEY), "the key reached the command: {text}");
        }
    }

    /// The variable a `key_env` names holds a key: the command's
    /// environment goes without it.
    #[test]
    fn a_command_does_not_inherit_the_variables_that_hold_keys() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "[[organizations]]\napi_url = \"https://api.example.com\"\nid = \"{ORGANIZATION}\"\nkey_env = \"DMS_TRAY_SKYLINE_KEY\"\n\n\
             [[organizations]]\napi_url = \"https://api.example.com\"\nid = \"{}\"\nkey = \"k\"\n",
            Uuid::from_u128(2)
        );
        let config = dms_tray_core::config::parse(&dir.path().join("c.toml"), &text).unwrap();
        let command = command(&["notify".to_string()], &event(&outage(), None), &key_variables(&config));
        let changes: Vec<_> = command.as_std().get_envs().collect();
        assert!(changes.contains(&("DMS_TRAY_SKYLINE_KEY".as_ref(), None)), "{changes:?}");
        assert!(changes.contains(&("DMS_TRAY_SYSTEM".as_ref(), Some("Ziine".as_ref()))), "{changes:?}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_failing_command_is_tried_again_and_then_told() {
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join("runs");
        let script = "echo run >> \"$1\"; echo 'no route to the pager' >&2; exit 3";
        let config = config(dir.path(), &format!("[[hooks]]\nname = \"pager\"\ncommand = {}\n", sh(script, &[&runs])));
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        let outcome = next(&mut outcomes).await;
        assert_eq!(outcome.problem().as_deref(), Some("Hook 'pager' failed: exit status 3 after 3 tries"));
        assert_eq!(lines(&runs), 3);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_command_that_fails_once_goes_through_on_the_next_try() {
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join("runs");
        let script = "echo run >> \"$1\"; [ $(wc -l < \"$1\") -ge 2 ]";
        let config = config(dir.path(), &format!("[[hooks]]\nname = \"pager\"\ncommand = {}\n", sh(script, &[&runs])));
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        assert_eq!(next(&mut outcomes).await, HookOutcome::Delivered { hook: "pager".into() });
        assert_eq!(lines(&runs), 2);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_command_that_hangs_is_ended_at_its_timeout_and_not_run_again() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        // Also a child that keeps the stderr pipe open after the shell ends.
        let script = "echo $$ >> \"$1\"; sleep 10";
        let mut config =
            config(dir.path(), &format!("[[hooks]]\nname = \"slow\"\ncommand = {}\n", sh(script, &[&pid])));
        config.hooks[0].timeout = Duration::from_millis(300);
        let (runner, mut outcomes) = start(&config);
        let started = std::time::Instant::now();
        runner.send(&[outage()], &on_air);

        let outcome = next(&mut outcomes).await;
        assert_eq!(
            outcome.problem().as_deref(),
            Some("Hook 'slow' failed: still running after 0.3 s, so it was ended")
        );
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
        assert_eq!(lines(&pid), 1, "a command that timed out is not run again");
        let pid = std::fs::read_to_string(&pid).unwrap();
        let alive = std::process::Command::new("kill")
            .args(["-0", pid.trim()])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(!alive, "the command still runs");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_program_that_cannot_start_is_told_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path(), "[[hooks]]\nname = \"pager\"\ncommand = [\"bin/no-such-program\"]\n");
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        let program = dir.path().join("bin/no-such-program");
        assert_eq!(
            next(&mut outcomes).await.problem(),
            Some(format!("Hook 'pager' failed: cannot start {} (No such file or directory)", program.display()))
        );
    }

    /// A webhook receiver on loopback: it records every POST, and answers
    /// each path with the statuses it was given, in turn, then 200.
    #[derive(Clone, Default)]
    struct Receiver {
        posts: Arc<Mutex<Vec<Post>>>,
        answers: Arc<Mutex<Vec<(String, StatusCode)>>>,
    }

    /// One POST a receiver got: to which path, its content type and body.
    #[derive(Debug, Clone)]
    struct Post {
        path: String,
        content_type: Option<String>,
        body: Value,
    }

    impl Receiver {
        async fn start(answers: &[(&str, u16)]) -> (Receiver, SocketAddr) {
            let receiver = Receiver::default();
            *receiver.answers.lock().unwrap() =
                answers.iter().map(|(path, code)| (path.to_string(), StatusCode::from_u16(*code).unwrap())).collect();
            let router = Router::new().route("/{path}", post(Receiver::receive)).with_state(receiver.clone());
            let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.unwrap();
            let address = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await });
            (receiver, address)
        }

        async fn receive(
            State(receiver): State<Receiver>,
            UrlPath(path): UrlPath<String>,
            headers: HeaderMap,
            Json(body): Json<Value>,
        ) -> StatusCode {
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
            receiver.posts.lock().unwrap().push(Post { path: path.clone(), content_type, body });
            let mut answers = receiver.answers.lock().unwrap();
            match answers.iter().position(|(p, _)| *p == path) {
                Some(index) => answers.remove(index).1,
                None => StatusCode::OK,
            }
        }

        fn bodies(&self, path: &str) -> Vec<Value> {
            self.posts.lock().unwrap().iter().filter(|post| post.path == path).map(|post| post.body.clone()).collect()
        }
    }

    fn webhook(name: &str, address: SocketAddr, extra: &str) -> String {
        format!("[[hooks]]\nname = \"{name}\"\nurl = \"http://{address}/{name}\"\n{extra}\n\n")
    }

    #[tokio::test]
    async fn webhooks_receive_the_event_in_their_format_and_only_the_changes_they_take() {
        let (receiver, address) = Receiver::start(&[]).await;
        let dir = tempfile::tempdir().unwrap();
        let hooks = [
            webhook("json", address, ""),
            webhook("teams", address, "format = \"teams\""),
            webhook("slack", address, "format = \"slack\"\nkinds = [\"no-connection\"]\npriorities = [\"on-air\"]"),
            webhook("recoveries", address, "kinds = [\"back-online\"]"),
            webhook("lab", address, "priorities = [\"lab\"]"),
        ];
        let config = config(dir.path(), &hooks.concat());
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        let mut delivered = Vec::new();
        for _ in 0..3 {
            delivered.push(next(&mut outcomes).await.hook().to_string());
        }
        delivered.sort();
        assert_eq!(delivered, ["json", "slack", "teams"]);
        let event = event(&outage(), Some(Priority::OnAir));
        for (path, format) in
            [("json", WebhookFormat::Json), ("teams", WebhookFormat::Teams), ("slack", WebhookFormat::Slack)]
        {
            assert_eq!(receiver.bodies(path), [payload::body(format, &event)], "{path}");
        }
        let posts = receiver.posts.lock().unwrap().clone();
        assert_eq!(posts.len(), 3, "no change for recoveries or lab: {posts:?}");
        for post in posts {
            assert_eq!(post.content_type.as_deref(), Some("application/json"));
            assert!(!post.body.to_string().contains(KEY), "the key reached a webhook: {}", post.body);
        }
    }

    #[tokio::test]
    async fn a_webhook_that_answers_500_is_tried_again() {
        let (receiver, address) = Receiver::start(&[("teams", 500)]).await;
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path(), &webhook("teams", address, "format = \"teams\""));
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        assert_eq!(next(&mut outcomes).await, HookOutcome::Delivered { hook: "teams".into() });
        let bodies = receiver.bodies("teams");
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies[0], bodies[1], "the same message again");
    }

    #[tokio::test]
    async fn a_webhook_that_keeps_failing_is_told_and_a_4xx_is_not_tried_again() {
        let (receiver, address) =
            Receiver::start(&[("teams", 500), ("teams", 503), ("teams", 500), ("slack", 404)]).await;
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path(), &[webhook("teams", address, ""), webhook("slack", address, "")].concat());
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        let mut problems = vec![next(&mut outcomes).await.problem(), next(&mut outcomes).await.problem()];
        problems.sort();
        assert_eq!(
            problems,
            [
                Some("Hook 'slack' failed: HTTP 404".to_string()),
                Some("Hook 'teams' failed: HTTP 500 after 3 tries".into())
            ]
        );
        assert_eq!((receiver.bodies("teams").len(), receiver.bodies("slack").len()), (3, 1));
    }

    #[tokio::test]
    async fn a_webhook_that_cannot_be_reached_is_told() {
        // A port that was free a moment ago.
        let address = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap().local_addr().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path(), &webhook("teams", address, "tries = 2"));
        let (runner, mut outcomes) = start(&config);
        runner.send(&[outage()], &on_air);

        let problem = next(&mut outcomes).await.problem().unwrap();
        assert!(problem.starts_with("Hook 'teams' failed: cannot reach 127.0.0.1 ("), "{problem}");
        assert!(problem.ends_with(") after 2 tries"), "{problem}");
    }

    /// A hook that is busy keeps at most MAX_WAITING changes; the rest are
    /// skipped, and told, and the runner never waits for it.
    #[cfg(unix)]
    #[tokio::test]
    async fn a_busy_hook_skips_what_it_has_no_room_for() {
        let dir = tempfile::tempdir().unwrap();
        let runs = dir.path().join("runs");
        let config = config(
            dir.path(),
            &format!("[[hooks]]\nname = \"log\"\ncommand = {}\n", sh("echo run >> \"$1\"", &[&runs])),
        );
        let (runner, mut outcomes) = start(&config);
        let transitions = vec![outage(); MAX_WAITING + 5];
        let started = std::time::Instant::now();
        runner.send(&transitions, &on_air);
        assert!(started.elapsed() < Duration::from_secs(1), "send waited {:?}", started.elapsed());

        assert_eq!(next(&mut outcomes).await, HookOutcome::Skipped { hook: "log".into(), count: 5 });
        for _ in 0..MAX_WAITING {
            assert_eq!(next(&mut outcomes).await, HookOutcome::Delivered { hook: "log".into() });
        }
        assert_eq!(lines(&runs), MAX_WAITING);
    }

    #[test]
    fn what_a_command_said_is_kept_short_and_on_one_line() {
        assert_eq!(said_text(b"  line one\nline two\x1b[31m\n"), Some("line oneline two[31m".into()));
        assert_eq!(said_text(b" \n"), None);
        assert_eq!(said_text(&[b'x'; 2000]).unwrap().chars().count(), MAX_SAID_CHARS);
        let error = std::io::Error::other("broken pipe (os error 32)");
        assert_eq!(os_message(&error), "broken pipe");
        assert_eq!(os_message(&std::io::Error::other("no such program")), "no such program");
    }
}
