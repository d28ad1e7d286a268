//! The one owner of the monitor's state: the core's monitor and view, the
//! notification policy, the history, the settings and the popup's process.
//! Everything else sends it messages (poll outcomes, tray clicks and menu
//! items, notification actions, resumes, the popup's requests) and it
//! answers them one at a time, so that no state is shared or locked.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use dms_tray_core::alerts::{Alert, AlertPolicy, SystemRef, Topic, Urgency};
use dms_tray_core::api::ApiState;
use dms_tray_core::config::Config;
use dms_tray_core::config::{KeySource, OrganizationConfig};
use dms_tray_core::config_edit::{
    add_organization, edit_organization, remove_organization, set_notifications, set_poll_interval, use_keyring,
    OrganizationDraft,
};
use dms_tray_core::history::strip;
use dms_tray_core::hooks::outcome::{HookOutcome, HookProblem};
use dms_tray_core::incident::incident_text;
use dms_tray_core::ipc::{CloseReason, Field, Reply, Request, RequestError, ToMonitor, ToPopup};
use dms_tray_core::keys::{keyring_name, label, PastedKey};
use dms_tray_core::menu::{home_url, organization_line, tray_menu, MenuAction, ADMIN_URL, PLATFORM_STATUS_URL};
use dms_tray_core::monitor::Monitor;
use dms_tray_core::popup::{popup_model, PopupModel};
use dms_tray_core::remote::{remote_target, RemoteApp};
use dms_tray_core::restart::{self, Known};
use dms_tray_core::settings::{
    self, connection_test, ConnectionTest, NotificationChoices, OrganizationKey, SettingsModel,
};
use dms_tray_core::transitions::{Change, Named, Transition};
use dms_tray_core::tray::{tooltip, tray_look, TrayLevel, TrayLook, CONFIG_PROBLEM_TITLE};
use dms_tray_core::view::{OrgView, View};
use dms_tray_core::wording::capitalized;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::channel::SessionEvent;
use crate::client::{org_clients, Timeouts};
use crate::clipboard::Clipboard;
use crate::config_file::ConfigLocation;
use crate::history_store::{monitor_with_marks, HistoryStore};
use crate::hooks_runner::HookRunner;
use crate::notifier::{Notifier, Response};
use crate::poller::{Polled, Poller};
use crate::popup_process::{self, Opening};
use crate::report_command::{self, Format};
use crate::sound_player::SoundPlayer;
use crate::tray::{Tray, TrayContent, TrayEvent};
use crate::{autostart, browser, os_keyring};

/// How long "Snooze 1 h" mutes a system.
const SNOOZE: chrono::Duration = chrono::Duration::hours(1);
/// The period the popup's "Copy handover report" covers: a shift.
const HANDOVER_PERIOD: Duration = Duration::from_secs(12 * 60 * 60);
/// How many lines the History view shows at most.
const HISTORY_LINES: usize = 500;
/// A tray click this soon after the popup closed on focus loss is the click
/// that took the focus away: it closes the popup rather than reopening it.
const CLICK_AFTER_CLOSE: Duration = Duration::from_millis(400);
/// How long a popup asked to close gets before it is ended.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// A message for the owner.
#[derive(Debug)]
pub enum Command {
    Tray(TrayEvent),
    Notification(Response),
    /// The machine woke up or the network came back.
    Resumed,
    /// Open the popup (`--popup` at start).
    ShowPopup {
        settings: bool,
    },
    /// The popup's process ended.
    PopupExited {
        pid: u32,
        status: String,
        clean: bool,
    },
    /// A key pasted in Settings is in the keyring, and the file points at
    /// it (or storing it failed): the popup's request `id` can be answered.
    KeyStored {
        session: u64,
        id: u64,
        organization: Uuid,
        entry: String,
        key: PastedKey,
        result: Result<(), String>,
    },
    /// A hook's call ended, or the hook skipped changes.
    Hook(HookOutcome),
    /// A popup's request `id` done off this task (the keyring, a test
    /// poll): what came of it, to apply before answering.
    Finished {
        session: u64,
        id: u64,
        outcome: Finished,
    },
}

/// What a request done off the owner's task came to.
#[derive(Debug)]
pub enum Finished {
    /// The configuration file changed; this is it, with its keys.
    Reconfigured(Result<Box<(Config, Vec<String>)>, RequestError>),
    Tested(ConnectionTest),
}

/// What the owner starts from.
pub struct Setup {
    pub config: Config,
    pub keys: Vec<String>,
    pub location: ConfigLocation,
    /// Running against the built-in simulator rather than a configuration.
    pub demo: bool,
    pub history: HistoryStore,
    /// Where the channel listens, for the popup to connect to.
    pub socket: PathBuf,
    /// Why the configuration file cannot be used (`config` is then empty):
    /// the tray and the popup say it until the file is fixed.
    pub config_problem: Option<String>,
}

/// The receiving ends of everything the owner listens to.
pub struct Inbox {
    pub commands: UnboundedReceiver<Command>,
    pub sessions: UnboundedReceiver<(u64, SessionEvent)>,
}

/// The popup's process and its session on the channel.
#[derive(Default)]
struct PopupSlot {
    /// The running process: its pid, and the way to end it.
    process: Option<(u32, oneshot::Sender<()>)>,
    session: Option<(u64, UnboundedSender<ToPopup>)>,
    /// Open the Settings view once the popup says hello.
    settings_pending: bool,
    closed_on_focus_loss: Option<Instant>,
    /// Why the last popup could not start, until one does.
    problem: Option<String>,
    /// The running popup said hello: it started.
    greeted: bool,
}

impl PopupSlot {
    fn is_open(&self) -> bool {
        self.process.is_some() || self.session.is_some()
    }

    fn send(&self, message: ToPopup) {
        if let Some((_, session)) = &self.session {
            let _ = session.send(message);
        }
    }
}

/// The longest the staleness timer sleeps, so that a clock change or a
/// suspend cannot postpone the check for long.
const STALE_CHECK_CEILING: Duration = Duration::from_secs(10 * 60);

pub struct Owner {
    config: Config,
    location: ConfigLocation,
    demo: bool,
    monitor: Monitor,
    alerts: AlertPolicy,
    history: HistoryStore,
    /// The last known states found at start, until each organization's
    /// first good poll has been compared with them.
    known_at_start: Vec<Known>,
    tray: Option<Tray>,
    notifier: Notifier,
    sounds: SoundPlayer,
    clipboard: Clipboard,
    popup: PopupSlot,
    /// Clients that connected and have not yet said what they are.
    pending: HashMap<u64, UnboundedSender<ToPopup>>,
    socket: PathBuf,
    config_problem: Option<String>,
    poller: Poller,
    /// Where the poll loops send their outcomes, for new loops.
    polled: mpsc::Sender<Polled>,
    /// The organizations' keys, in configuration order.
    keys: Vec<String>,
    commands: UnboundedSender<Command>,
    hooks: HookRunner,
    /// What the popup's footer says of the hooks.
    hook_problem: HookProblem,
}

impl Owner {
    /// Sets up the state and starts polling; `commands` is the sender of
    /// the owner's own inbox (for the popup's process watcher).
    pub fn start(
        setup: Setup,
        notifier: Notifier,
        commands: UnboundedSender<Command>,
    ) -> (Owner, mpsc::Receiver<Polled>) {
        let Setup { config, keys, location, demo, history, socket, config_problem } = setup;
        let known_at_start = history.last_known().unwrap_or_else(|e| {
            log::warn!("cannot read the last known states: {e}");
            Vec::new()
        });
        let timeouts = Timeouts::default();
        let (polled, polled_rx) = mpsc::channel(64);
        let clients = org_clients(&config, &keys, timeouts);
        let poller = Poller::start(clients, config.poll_interval, polled.clone());
        let monitor = monitor_with_marks(&config, Some(&history));
        let first = tray_content(monitor.view(), None, None, config_problem.as_deref());
        // Without a StatusNotifier host (GNOME without its extension), the
        // app still runs; a second launch opens the popup.
        let tray = Tray::start(first, {
            let commands = commands.clone();
            move |event| {
                let _ = commands.send(Command::Tray(event));
            }
        })
        .inspect_err(|e| log::error!("{e}; run dms-tray again to open the popup"))
        .ok();
        let hooks = hook_runner(&config, &commands);
        let owner = Owner {
            monitor,
            alerts: AlertPolicy::new(config.notifications.clone()),
            config,
            location,
            demo,
            history,
            known_at_start,
            tray,
            notifier,
            sounds: SoundPlayer::start(),
            clipboard: Clipboard::default(),
            popup: PopupSlot::default(),
            pending: HashMap::new(),
            socket,
            config_problem,
            poller,
            polled,
            keys,
            commands,
            hooks,
            hook_problem: HookProblem::default(),
        };
        (owner, polled_rx)
    }

    /// Runs until Quit.
    pub async fn run(mut self, mut polled: mpsc::Receiver<Polled>, mut inbox: Inbox) {
        self.show_in_tray();
        let stale_check = tokio::time::sleep_until(self.next_stale_check());
        tokio::pin!(stale_check);
        loop {
            tokio::select! {
                Some(poll) = polled.recv() => self.on_poll(poll),
                () = &mut stale_check => {
                    self.on_stale();
                    stale_check.as_mut().reset(self.next_stale_check());
                }
                Some(command) = inbox.commands.recv() => {
                    if self.on_command(command) == Flow::Quit {
                        break;
                    }
                }
                Some((session, event)) = inbox.sessions.recv() => {
                    self.on_session(session, event);
                }
                else => break,
            }
        }
        self.close_popup();
        log::info!("quit");
    }

    /// When to look for states too old to show next: when the first
    /// organization's would be, else three intervals from now. Polls do not
    /// move this timer (they would wake the process for nothing); it looks
    /// again when it fires.
    fn next_stale_check(&self) -> tokio::time::Instant {
        let interval = self.config.poll_interval;
        let wait = match self.monitor.next_stale_at(interval) {
            Some(at) => (at - Utc::now()).to_std().unwrap_or_default(),
            None => interval.saturating_mul(3),
        };
        tokio::time::Instant::now() + wait.min(STALE_CHECK_CEILING)
    }

    /// Shows the states that no poll confirmed for too long as unknown,
    /// with the reason, through the same path as a failed poll.
    fn on_stale(&mut self) {
        let now = Utc::now();
        for (organization, outcome) in self.monitor.stale(now, self.config.poll_interval) {
            if let dms_tray_core::poll::PollOutcome::Failed(error) = &outcome {
                log::warn!("organization {organization}: {}", error.message);
            }
            self.on_poll(Polled { organization, outcome, at: now, parse_time: None });
        }
    }

    fn on_poll(&mut self, poll: Polled) {
        let started = Instant::now();
        let recorded = self.monitor.record_owned(poll.organization, poll.outcome, poll.at);
        if let (Some(parse), true) = (poll.parse_time, recorded.view_changed) {
            let systems = self.org(poll.organization).map_or(0, |o| o.systems.len());
            log::debug!(
                "poll of {}: {systems} systems, parsed in {:.1} ms, diffed in {:.1} ms",
                poll.organization,
                parse.as_secs_f64() * 1000.0,
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        for transition in &recorded.transitions {
            log::info!("transition: {}", serde_json::to_string(transition).unwrap_or_default());
        }
        let Some(org) = self.monitor.view().organizations.iter().find(|o| o.id == poll.organization) else {
            return;
        };
        if !recorded.ended_acknowledgements.is_empty() {
            if let Err(e) = self.history.end_acknowledgements(&recorded.ended_acknowledgements) {
                log::error!("cannot write the history: {e}");
            }
        }
        let away = while_away(&mut self.known_at_start, org, poll.at);
        // An unchanged poll has nothing to write.
        if recorded.view_changed || !away.transitions.is_empty() {
            let mut transitions = away.transitions;
            transitions.extend_from_slice(&recorded.transitions);
            if let Err(e) = self.history.record(org, &transitions, poll.at) {
                log::error!("cannot write the history: {e}");
            }
            self.send_to_hooks(&transitions);
        }
        let local_time = chrono::Local::now().time();
        let alerts =
            self.alerts.on_poll(poll.organization, &recorded.transitions, self.monitor.view(), poll.at, local_time);
        for alert in away.digest.iter().chain(&alerts) {
            self.notifier.show(alert);
        }
        let again = self.alerts.repeat_sound(self.monitor.view(), poll.at, local_time);
        if let Some(sound) = alerts.iter().filter_map(|a| a.sound).max().max(again) {
            self.sounds.play(sound);
        }
        if recorded.view_changed {
            self.show_in_tray();
        }
        self.push_model();
    }

    /// Hands changes to the hooks, each system's with its priority.
    fn send_to_hooks(&self, transitions: &[Transition]) {
        if self.hooks.is_empty() {
            return;
        }
        self.hooks.send(transitions, &|system, name| self.monitor.priority_of(system, name));
    }

    fn org(&self, id: uuid::Uuid) -> Option<&OrgView> {
        self.monitor.view().organizations.iter().find(|o| o.id == id)
    }

    fn on_command(&mut self, command: Command) -> Flow {
        match command {
            Command::Tray(TrayEvent::Clicked(at)) => self.toggle_popup(at),
            Command::Tray(TrayEvent::Menu(action)) => return self.on_menu(action),
            Command::Notification(Response::Open(system)) => {
                if let Err(e) = self.open_remote(system.organization, system.system, RemoteApp::Root) {
                    log::warn!("cannot open remote access from a notification: {}", e.message);
                }
            }
            Command::Notification(Response::Snooze(system)) => {
                log::info!("snoozed a system for an hour");
                self.alerts.snooze(system, Utc::now() + SNOOZE);
            }
            Command::Notification(Response::CopySummary(system)) => {
                if let Err(e) = self.copy_incident_summary(system) {
                    log::warn!("cannot copy an incident summary from a notification: {}", e.message);
                }
            }
            Command::Notification(Response::Acknowledge(system)) => {
                if let Err(e) = self.acknowledge(system) {
                    log::warn!("cannot acknowledge from a notification: {}", e.message);
                }
            }
            Command::Resumed => {
                self.monitor.mark_updating();
                self.show_in_tray();
                self.push_model();
                self.poller.refresh_now();
            }
            Command::ShowPopup { settings } => self.show_popup(Opening { at: None, settings }),
            Command::PopupExited { pid, status, clean } => self.on_popup_exit(pid, &status, clean),
            Command::KeyStored { session, id, organization, entry, key, result } => {
                let result =
                    result.map(|()| self.use_stored_key(organization, entry, key)).map_err(RequestError::general);
                self.reply(session, ToPopup::Reply { id, result: result.map(|()| Reply::Done) });
            }
            Command::Finished { session, id, outcome: Finished::Tested(test) } => {
                self.reply(session, ToPopup::Reply { id, result: Ok(Reply::Connection(test)) });
            }
            Command::Finished { session, id, outcome: Finished::Reconfigured(result) } => {
                let done = result.is_ok();
                let result = result.map(|reconfigured| {
                    if !self.demo {
                        let (config, keys) = *reconfigured;
                        self.apply_config(config, keys);
                    }
                    Reply::Done
                });
                self.reply(session, ToPopup::Reply { id, result });
                if done && self.demo {
                    log::info!("the first organization is configured: leaving the demo");
                    self.close_popup();
                    crate::reload::start_again();
                }
            }
            Command::Hook(outcome) => {
                if self.hook_problem.update(outcome) {
                    self.push_model();
                }
            }
        }
        Flow::Continue
    }

    fn on_menu(&mut self, action: MenuAction) -> Flow {
        let open = |url: &str| {
            if let Err(e) = browser::open(url) {
                log::warn!("{e}");
            }
        };
        match action {
            MenuAction::ShowPopup => self.show_popup(Opening::default()),
            MenuAction::RefreshNow => self.poller.refresh_now(),
            MenuAction::OpenHome(organization) => open(&home_url(organization)),
            MenuAction::OpenAdmin => open(ADMIN_URL),
            MenuAction::PlatformStatus => open(PLATFORM_STATUS_URL),
            MenuAction::PauseHour => self.pause(Some(Utc::now() + chrono::Duration::hours(1))),
            MenuAction::PauseUntilTomorrow => self.pause(Some(tomorrow_morning())),
            MenuAction::ResumeNotifications => self.pause(None),
            MenuAction::Settings => self.show_popup(Opening { at: None, settings: true }),
            MenuAction::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    /// Pauses notifications until `until` (`None` resumes them); changes
    /// still go to the history.
    fn pause(&mut self, until: Option<DateTime<Utc>>) {
        self.alerts.pause(until);
        log::info!("notifications paused until {until:?}");
        self.show_in_tray();
    }

    fn on_session(&mut self, session: u64, event: SessionEvent) {
        match event {
            SessionEvent::Opened(sender) => {
                // Kept until the client says what it is.
                self.pending.insert(session, sender);
            }
            SessionEvent::Message(ToMonitor::ShowPopup { settings }) => {
                log::info!("another launch of dms-tray asked for the popup");
                self.show_popup(Opening { at: None, settings });
            }
            SessionEvent::Message(ToMonitor::PopupHello) => {
                if let Some(sender) = self.pending.remove(&session) {
                    if let Some((old, previous)) = self.popup.session.replace((session, sender)) {
                        log::info!("a new popup replaces popup session {old}");
                        let _ = previous.send(ToPopup::Close);
                    }
                    self.popup.problem = None;
                    self.popup.greeted = true;
                    self.popup.send(ToPopup::View { model: self.model() });
                    if std::mem::take(&mut self.popup.settings_pending) {
                        self.popup.send(ToPopup::ShowSettings);
                    }
                    log::info!("popup opened");
                }
            }
            SessionEvent::Message(ToMonitor::Request { id, request: Request::StoreKey { organization_id, key } }) => {
                if let Err(refused) = self.store_key(session, id, organization_id, key) {
                    self.reply(session, ToPopup::Reply { id, result: Err(refused) });
                }
            }
            SessionEvent::Message(ToMonitor::Request { id, request }) => {
                let deferred = match request {
                    Request::SaveOrganization { previous_id, name, api_url, organization_id, key } => {
                        let draft = settings::organization_draft(&name, &api_url, &organization_id);
                        draft.and_then(|draft| self.save_organization(session, id, previous_id, draft, key))
                    }
                    Request::RemoveOrganization { organization_id } => {
                        self.remove_organization(session, id, organization_id)
                    }
                    Request::TestConnection { previous_id, api_url, organization_id, key } => {
                        self.test_connection(session, id, previous_id, &api_url, &organization_id, key)
                    }
                    request => {
                        let result = self.answer(request);
                        self.reply(session, ToPopup::Reply { id, result });
                        return;
                    }
                };
                if let Err(refused) = deferred {
                    self.reply(session, ToPopup::Reply { id, result: Err(refused) });
                }
            }
            SessionEvent::Message(ToMonitor::KeysChanged) => {
                log::info!("a key changed in the keyring: starting again to read the keys anew");
                self.close_popup();
                crate::reload::start_again();
            }
            SessionEvent::Message(ToMonitor::PopupClosing { reason }) => {
                if reason == CloseReason::FocusLost {
                    self.popup.closed_on_focus_loss = Some(Instant::now());
                }
                log::info!("popup closed ({reason:?})");
            }
            SessionEvent::Closed => {
                self.pending.remove(&session);
                if self.popup.session.as_ref().is_some_and(|(s, _)| *s == session) {
                    self.popup.session = None;
                }
            }
        }
    }

    fn reply(&self, session: u64, message: ToPopup) {
        match &self.popup.session {
            Some((s, sender)) if *s == session => {
                let _ = sender.send(message);
            }
            _ => log::debug!("a reply to session {session}, which is not the popup's, was dropped"),
        }
    }

    /// A popup's request, answered from the state.
    fn answer(&mut self, request: Request) -> Result<Reply, RequestError> {
        match request {
            Request::OpenRemote { organization_id, system_id, app } => {
                self.open_remote(organization_id, system_id, app).map(|()| Reply::Done)
            }
            Request::RefreshNow => {
                self.poller.refresh_now();
                Ok(Reply::Done)
            }
            Request::GetSettings => Ok(Reply::Settings(self.settings())),
            Request::SaveSettings { poll_interval, autostart, notifications } => {
                self.save_settings(&poll_interval, autostart, notifications.as_ref()).map(|()| Reply::Done)
            }
            Request::GetHistory { query } => self
                .history
                .entries(&query, HISTORY_LINES)
                .map(Reply::History)
                .map_err(|e| RequestError::general(format!("Cannot read the history: {e}"))),
            Request::GetStrip { organization_id, system_id, range } => {
                let changes = self
                    .history
                    .state_changes(organization_id, system_id, Utc::now() - range.length())
                    .map_err(|e| RequestError::general(format!("Cannot read the history: {e}")))?;
                let now = Utc::now();
                Ok(Reply::Strip(strip(&changes, now - range.length(), now)))
            }
            Request::StoreKey { .. }
            | Request::SaveOrganization { .. }
            | Request::RemoveOrganization { .. }
            | Request::TestConnection { .. } => {
                Err(RequestError::general("This request is answered apart from the others"))
            }
            Request::MuteSystem { organization_id, system_id, hours } => {
                if !(1..=24 * 7).contains(&hours) {
                    return Err(RequestError::general(format!("A mute lasts 1 to 168 hours, not {hours}")));
                }
                let until = Utc::now() + chrono::Duration::hours(hours.into());
                self.alerts.snooze(SystemRef { organization: organization_id, system: system_id }, until);
                log::info!("muted a system for {hours} h");
                Ok(Reply::Done)
            }
            Request::Acknowledge { organization_id, system_id } => {
                self.acknowledge(SystemRef { organization: organization_id, system: system_id }).map(|()| Reply::Done)
            }
            Request::CopyIncidentSummary { organization_id, system_id } => self
                .copy_incident_summary(SystemRef { organization: organization_id, system: system_id })
                .map(|()| Reply::Done),
            Request::CopyReport => {
                let path = crate::places::history_file(self.demo);
                let flap_changes = self.alerts.settings.flap_changes;
                let text = report_command::report(&path, HANDOVER_PERIOD, None, flap_changes, Format::Md)
                    .map_err(|e| RequestError::general(capitalized(&e)))?;
                self.clipboard.copy(&text).map_err(|e| RequestError::general(capitalized(&e)))?;
                log::info!("copied the handover report");
                Ok(Reply::Done)
            }
            Request::SetPriority { organization_id, system_id, priority } => {
                let system = SystemRef { organization: organization_id, system: system_id };
                self.history
                    .set_priority(system, priority)
                    .map_err(|e| RequestError::general(format!("Cannot keep the priority: {e}")))?;
                self.monitor.set_priority(system, priority);
                log::info!("set a system's priority to {}", priority.map_or("the configuration's", |p| p.key()));
                self.show_in_tray();
                self.push_model();
                Ok(Reply::Done)
            }
        }
    }

    /// Puts a system's incident summary, with its last 24 hours of history,
    /// on the clipboard.
    fn copy_incident_summary(&mut self, system: SystemRef) -> Result<(), RequestError> {
        let gone = || RequestError::general("This system is no longer in the organization");
        let org = self.org(system.organization).ok_or_else(gone)?;
        let view = org.systems.iter().find(|s| s.id == system.system).ok_or_else(gone)?;
        let config = self.configured(system.organization)?;
        let history = self.history.entries(&view.name, HISTORY_LINES).unwrap_or_else(|e| {
            log::warn!("cannot read the history for an incident summary: {e}");
            Vec::new()
        });
        let text = incident_text(org, view, &history, config, Utc::now(), &report_command::local_time);
        self.clipboard.copy(&text).map_err(|e| RequestError::general(capitalized(&e)))?;
        log::info!("copied the incident summary of a system");
        Ok(())
    }

    /// Acknowledges a system's outage as the local user, and keeps it in the history.
    fn acknowledge(&mut self, system: SystemRef) -> Result<(), RequestError> {
        let by = whoami::username();
        let ack = self
            .monitor
            .acknowledge(system, &by, Utc::now())
            .map_err(|e| RequestError::general(capitalized(&e.to_string())))?;
        if let Some(org) = self.monitor.view().organizations.iter().find(|o| o.id == system.organization) {
            if let Err(e) = self.history.acknowledge(org, system, &ack) {
                log::error!("cannot write the history: {e}");
            }
        }
        log::info!("{by} acknowledged an outage");
        self.show_in_tray();
        self.push_model();
        Ok(())
    }

    /// The configuration of an organization a request names.
    fn configured(&self, organization: Uuid) -> Result<&OrganizationConfig, RequestError> {
        self.config
            .organizations
            .iter()
            .find(|o| o.id == organization)
            .ok_or_else(|| RequestError::general("This organization is no longer configured"))
    }

    /// Stores a key pasted in Settings in the organization's keyring entry
    /// and points the file at it, on a blocking thread (a locked keyring may
    /// ask the user to unlock it); [`Command::KeyStored`] follows.
    fn store_key(&self, session: u64, id: u64, organization: Uuid, key: PastedKey) -> Result<(), RequestError> {
        if self.demo {
            return Err(RequestError::general("The demo's key is the simulator's own; there is none to store."));
        }
        let config = self.configured(organization)?;
        let key = settings::pasted_key(&key.0)?;
        let entry = keyring_name(config);
        let points_there = config.key == KeySource::Keyring(entry.clone());
        let (path, commands) = (self.location.path.clone(), self.commands.clone());
        tokio::task::spawn_blocking(move || {
            let result = os_keyring::store(&entry, &key.0)
                .map_err(|e| format!("Cannot store the key in the keyring: {e}"))
                .and_then(|()| match points_there {
                    true => Ok(()),
                    false => {
                        crate::config_file::rewrite(&path, |path, text| use_keyring(path, text, organization, &entry))
                    }
                });
            let _ = commands.send(Command::KeyStored { session, id, organization, entry, key, result });
        });
        Ok(())
    }

    /// Adds or changes an organization in the file, its pasted key in the
    /// keyring, on a blocking thread (the keyring may ask to be unlocked);
    /// [`Finished::Reconfigured`] follows. In the demo, the first
    /// organization makes the configuration file, and dms-tray starts again
    /// with it.
    fn save_organization(
        &self,
        session: u64,
        id: u64,
        previous_id: Option<Uuid>,
        draft: OrganizationDraft,
        key: Option<PastedKey>,
    ) -> Result<(), RequestError> {
        let previous = match previous_id {
            Some(previous) if !self.demo => Some(self.configured(previous)?.clone()),
            Some(_) => return Err(RequestError::general("The demo's organization is the simulator's own.")),
            None => None,
        };
        let key = key.filter(|k| !k.0.trim().is_empty()).map(|k| settings::pasted_key(&k.0)).transpose()?;
        if previous.is_none() && key.is_none() {
            return Err(RequestError::of(Field::Key, "Paste the organization key from dataminer.services"));
        }
        let configured = if self.demo { &[][..] } else { &self.config.organizations[..] };
        if let Some(other) = configured.iter().find(|o| o.id == draft.id && Some(o.id) != previous_id) {
            let name = other.name.clone().unwrap_or_else(|| label(other));
            return Err(RequestError::of(
                Field::OrganizationId,
                format!("Organization id: {name} already has this id"),
            ));
        }
        let (entry, switch_to_keyring) = match &previous {
            Some(previous) => (keyring_name(previous), !matches!(previous.key, KeySource::Keyring(_))),
            None => (draft.name.clone().unwrap_or_else(|| draft.id.to_string()), false),
        };
        let location = self.location.clone();
        let commands = self.commands.clone();
        tokio::task::spawn_blocking(move || {
            let saved = (|| {
                if let Some(key) = &key {
                    os_keyring::store(&entry, &key.0)
                        .map_err(|e| format!("Cannot store the key in the keyring: {e}"))?;
                }
                crate::config_file::rewrite_or_create(&location.path, |path, text| match previous_id {
                    None => add_organization(path, text, &draft, &entry),
                    Some(previous) => {
                        let text = edit_organization(path, text, previous, &draft)?;
                        match key.is_some() && switch_to_keyring {
                            true => use_keyring(path, &text, draft.id, &entry),
                            false => Ok(text),
                        }
                    }
                })?;
                reread(&location)
            })();
            let outcome = Finished::Reconfigured(saved.map(Box::new).map_err(RequestError::general));
            let _ = commands.send(Command::Finished { session, id, outcome });
        });
        Ok(())
    }

    /// Removes an organization from the file, and its key from the keyring
    /// when no other organization uses that entry.
    fn remove_organization(&self, session: u64, id: u64, organization: Uuid) -> Result<(), RequestError> {
        if self.demo {
            return Err(RequestError::general("The demo's organization is the simulator's own."));
        }
        let removed = self.configured(organization)?;
        let entry = match &removed.key {
            KeySource::Keyring(entry) => {
                let shared = self.config.organizations.iter().any(|o| o.id != organization && o.key == removed.key);
                (!shared).then(|| entry.clone())
            }
            _ => None,
        };
        let location = self.location.clone();
        let commands = self.commands.clone();
        tokio::task::spawn_blocking(move || {
            let done =
                crate::config_file::rewrite(&location.path, |path, text| remove_organization(path, text, organization))
                    .and_then(|()| {
                        if let Some(entry) = &entry {
                            if let Err(e) = os_keyring::delete(entry) {
                                log::warn!("cannot delete the key of a removed organization from the keyring: {e}");
                            }
                        }
                        reread(&location)
                    });
            let outcome = Finished::Reconfigured(done.map(Box::new).map_err(RequestError::general));
            let _ = commands.send(Command::Finished { session, id, outcome });
        });
        Ok(())
    }

    /// One poll with what the form says, off this task;
    /// [`Finished::Tested`] follows. Without a pasted key, the key of the
    /// organization being edited is used.
    fn test_connection(
        &self,
        session: u64,
        id: u64,
        previous_id: Option<Uuid>,
        api_url: &str,
        organization_id: &str,
        key: Option<PastedKey>,
    ) -> Result<(), RequestError> {
        let draft = settings::organization_draft("", api_url, organization_id)?;
        let previous = previous_id.and_then(|p| self.config.organizations.iter().position(|o| o.id == p));
        let key = match key.filter(|k| !k.0.trim().is_empty()) {
            Some(key) => settings::pasted_key(&key.0)?.0,
            None => match previous {
                Some(index) => self.keys[index].clone(),
                None => return Err(RequestError::of(Field::Key, "Paste the organization key to test with")),
            },
        };
        let organization = OrganizationConfig {
            name: None,
            api_url: draft.api_url,
            id: draft.id,
            key: KeySource::Inline(String::new()),
            allowed_remote_hosts: Vec::new(),
            proxy: previous.and_then(|index| self.config.organizations[index].proxy.clone()),
            priority_rules: Vec::new(),
        };
        let trial = Config {
            ca_file: self.config.ca_file.clone(),
            proxy: self.config.proxy.clone(),
            organizations: vec![organization],
            ..Config::default()
        };
        let commands = self.commands.clone();
        let mut clients = org_clients(&trial, &[key], Timeouts::default());
        let (_, mut client) = clients.pop().expect("one organization, one client");
        tokio::spawn(async move {
            let test = connection_test(&client.poll().await);
            log::info!("test connection: {}", test.message);
            let _ = commands.send(Command::Finished { session, id, outcome: Finished::Tested(test) });
        });
        Ok(())
    }

    /// Runs with a configuration changed in Settings: the organizations as
    /// the file now lists them, each polled at once.
    fn apply_config(&mut self, config: Config, keys: Vec<String>) {
        self.monitor = monitor_with_marks(&config, Some(&self.history));
        self.alerts.settings = config.notifications.clone();
        self.hooks = hook_runner(&config, &self.commands);
        self.hook_problem = HookProblem::default();
        self.poller =
            Poller::start(org_clients(&config, &keys, Timeouts::default()), config.poll_interval, self.polled.clone());
        log::info!("now watching {} organization(s)", config.organizations.len());
        self.config = config;
        self.keys = keys;
        self.show_in_tray();
        self.push_model();
    }

    /// Polls with a key now stored in the keyring: every loop starts anew
    /// with the keys of the moment.
    fn use_stored_key(&mut self, organization: Uuid, entry: String, key: PastedKey) {
        let Some(index) = self.config.organizations.iter().position(|o| o.id == organization) else { return };
        self.config.organizations[index].key = KeySource::Keyring(entry);
        self.keys[index] = key.0;
        log::info!("a new key of organization {organization} is in the keyring: polling with it");
        let clients = org_clients(&self.config, &self.keys, Timeouts::default());
        self.poller = Poller::start(clients, self.config.poll_interval, self.polled.clone());
    }

    /// Opens `app` of a system's remote access, after checking again that
    /// it may be opened: the caller's word is never taken for it.
    fn open_remote(&self, organization: uuid::Uuid, system: uuid::Uuid, app: RemoteApp) -> Result<(), RequestError> {
        let found = self
            .org(organization)
            .and_then(|o| o.systems.iter().find(|s| s.id == system))
            .ok_or_else(|| RequestError::general("This system is no longer in the organization"))?;
        let config = self.configured(organization)?;
        let url = remote_target(found, config, app).map_err(RequestError::general)?;
        browser::open(url.as_str()).map_err(RequestError::general)
    }

    fn settings(&self) -> SettingsModel {
        let path = &self.location.path;
        SettingsModel {
            poll_interval: humantime::format_duration(self.config.poll_interval).to_string(),
            autostart: autostart::is_enabled(),
            config_path: path.display().to_string(),
            editable: !self.demo,
            reason: self.demo.then(|| {
                format!(
                    "The demo has no configuration file. Write one at {} to watch your own organizations; \
                     settings are saved there.",
                    path.display()
                )
            }),
            notifications: NotificationChoices::of(&self.alerts.settings),
            keys: self
                .config
                .organizations
                .iter()
                .map(|o| {
                    let shown = o.name.clone().or_else(|| self.org(o.id).map(|v| v.name.clone()));
                    OrganizationKey::of(o, shown.unwrap_or_else(|| label(o)))
                })
                .collect(),
        }
    }

    fn save_settings(
        &mut self,
        poll_interval: &str,
        autostart: bool,
        notifications: Option<&NotificationChoices>,
    ) -> Result<(), RequestError> {
        if self.demo {
            return Err(RequestError::general("The demo has no configuration file to save settings in."));
        }
        let interval = settings::poll_interval(poll_interval, self.config.min_poll_interval())?;
        let current = self.alerts.settings.clone();
        let alerts = match notifications {
            Some(choices) => choices.apply(&current)?,
            None => current.clone(),
        };
        if interval != self.config.poll_interval || alerts != current {
            crate::config_file::rewrite(&self.location.path, |path, text| {
                let text = set_poll_interval(path, text, interval)?;
                set_notifications(path, &text, &alerts)
            })
            .map_err(RequestError::general)?;
            if interval != self.config.poll_interval {
                log::info!("polling every {}", humantime::format_duration(interval));
                self.config.poll_interval = interval;
                self.poller.set_interval(interval);
            }
            self.alerts.settings = alerts;
        }
        if autostart::is_enabled() != autostart {
            autostart::set(autostart).map_err(|e| RequestError::of(Field::Autostart, e))?;
        }
        Ok(())
    }

    /// The popup's model of the current view.
    fn model(&self) -> PopupModel {
        let demo_path = self.demo.then_some(self.location.path.as_path());
        let alerts = &self.alerts;
        let mut model = popup_model(self.monitor.view(), &self.config.organizations, Utc::now(), demo_path, &|s| {
            alerts.is_flapping(s)
        });
        if let Some(problem) = &self.config_problem {
            model.summary = problem.clone();
            model.level = TrayLevel::OrganizationError;
        }
        model.hook_problem = self.hook_problem.sentence();
        model
    }

    /// Sends the model to the popup, when one is open.
    fn push_model(&self) {
        if self.popup.session.is_some() {
            self.popup.send(ToPopup::View { model: self.model() });
        }
    }

    fn show_in_tray(&mut self) {
        let Some(tray) = &mut self.tray else { return };
        let paused = self.alerts.paused_until(Utc::now());
        let label = paused.map(|t| t.with_timezone(&chrono::Local).format("%a %H:%M").to_string());
        let content = tray_content(
            self.monitor.view(),
            label.as_deref(),
            self.popup.problem.as_deref(),
            self.config_problem.as_deref(),
        );
        tray.show(content);
    }

    /// The tray's left click: opens the popup, or closes it when open.
    fn toggle_popup(&mut self, at: Option<(i32, i32)>) {
        if self.popup.is_open() {
            log::info!("popup closed by the tray icon");
            self.close_popup();
            return;
        }
        let just_closed = self.popup.closed_on_focus_loss.take().is_some_and(|t| t.elapsed() < CLICK_AFTER_CLOSE);
        if just_closed {
            log::info!("popup stays closed: the click on the tray icon took the focus from it");
        } else {
            self.show_popup(Opening { at, settings: false });
        }
    }

    /// Opens the popup, or brings the open one to the settings.
    fn show_popup(&mut self, opening: Opening) {
        if self.popup.is_open() {
            if opening.settings {
                if self.popup.session.is_some() {
                    self.popup.send(ToPopup::ShowSettings);
                } else {
                    self.popup.settings_pending = true;
                }
            }
            return;
        }
        let program = popup_process::program();
        match popup_process::spawn(&program, &self.socket, opening) {
            Ok(child) => self.watch_popup(child),
            Err(problem) => self.popup_problem(problem),
        }
    }

    /// Says why the popup did not open where the user looks after a click:
    /// a notification, and the tray's tooltip until the popup opens.
    fn popup_problem(&mut self, problem: String) {
        log::error!("the popup cannot open: {problem}");
        let alert = Alert {
            topic: Topic::Summary,
            summary: POPUP_CANNOT_OPEN.to_string(),
            body: problem.clone(),
            urgency: Urgency::Normal,
            system: None,
            acknowledgeable: false,
            sound: None,
        };
        self.notifier.show(&alert);
        self.popup.problem = Some(problem);
        self.show_in_tray();
    }

    /// Waits for the popup's process to end, or ends it when asked.
    fn watch_popup(&mut self, mut child: tokio::process::Child) {
        let pid = child.id().unwrap_or_default();
        let (end, ended) = oneshot::channel::<()>();
        self.popup.process = Some((pid, end));
        self.popup.greeted = false;
        let commands = self.commands.clone();
        tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => status,
                _ = ended => {
                    // Asked to close: a grace period, then the end.
                    match tokio::time::timeout(CLOSE_GRACE, child.wait()).await {
                        Ok(status) => status,
                        Err(_) => {
                            let _ = child.kill().await;
                            child.wait().await
                        }
                    }
                }
            };
            let (status, clean) = match status {
                Ok(status) => (status.to_string(), status.success()),
                Err(e) => (e.to_string(), false),
            };
            let _ = commands.send(Command::PopupExited { pid, status, clean });
        });
    }

    fn close_popup(&mut self) {
        self.popup.send(ToPopup::Close);
        self.popup.session = None;
        if let Some((_, end)) = self.popup.process.take() {
            let _ = end.send(());
        }
    }

    fn on_popup_exit(&mut self, pid: u32, status: &str, clean: bool) {
        if self.popup.process.as_ref().is_some_and(|(p, _)| *p == pid) {
            self.popup.process = None;
        }
        if clean {
            log::debug!("the popup's process {pid} ended");
        } else if !self.popup.greeted {
            self.popup_problem(format!("dms-tray-popup ended at start ({status}); see the log"));
        } else {
            log::warn!("the popup's process {pid} ended unexpectedly ({status}); the next click opens a new one");
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// What changed in an organization while dms-tray was not running.
#[derive(Default)]
struct WhileAway {
    transitions: Vec<Transition>,
    digest: Option<Alert>,
}

/// What the tray shows of a view: the notifications' pause ("Mon 14:30")
/// and why the popup cannot open, if so.
fn tray_content(
    view: &View,
    paused_until: Option<&str>,
    popup_problem: Option<&str>,
    config_problem: Option<&str>,
) -> TrayContent {
    let mut description: Vec<String> = view.organizations.iter().map(organization_line).collect();
    description.extend(config_problem.map(str::to_owned));
    if let Some(problem) = popup_problem {
        description.push(format!("{POPUP_CANNOT_OPEN}: {problem}"));
    }
    let (look, title) = match config_problem {
        Some(_) => (TrayLook::plain(TrayLevel::OrganizationError), CONFIG_PROBLEM_TITLE.to_string()),
        None => (tray_look(view), tooltip(view)),
    };
    TrayContent { look, title, description: description.join("\n"), menu: tray_menu(view, paused_until) }
}

const POPUP_CANNOT_OPEN: &str = "The popup cannot open";

/// The hooks of `config`, telling the owner how each call went.
fn hook_runner(config: &Config, commands: &UnboundedSender<Command>) -> HookRunner {
    let commands = commands.clone();
    HookRunner::start(config, move |outcome| {
        let _ = commands.send(Command::Hook(outcome));
    })
}

/// The configuration file as it now is, with its keys.
fn reread(location: &ConfigLocation) -> Result<(Config, Vec<String>), String> {
    let config = crate::config_file::load(location)?.ok_or_else(|| format!("{} is gone", location.path.display()))?;
    let keys = crate::config_file::resolve_keys(&config)?;
    Ok((config, keys))
}

/// 08:00 local time tomorrow.
fn tomorrow_morning() -> DateTime<Utc> {
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    tomorrow
        .and_hms_opt(8, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        .map_or_else(|| Utc::now() + chrono::Duration::hours(12), |t| t.with_timezone(&Utc))
}

/// Compares the organization's first good poll with the states known
/// at start, once.
fn while_away(known: &mut Vec<Known>, org: &OrgView, at: DateTime<Utc>) -> WhileAway {
    if org.error.is_some() || !org.has_data() || !known.iter().any(|k| k.organization == org.id) {
        return WhileAway::default();
    }
    let changes = restart::away_changes(known, org);
    known.retain(|k| k.organization != org.id);
    let clock = |t: DateTime<Utc>| t.with_timezone(&chrono::Local).format("%H:%M").to_string();
    let digest = restart::digest(org, &changes, &clock);
    let organization = Named { id: org.id, name: org.name.clone() };
    let transitions = changes
        .iter()
        .map(|c| Transition {
            organization: organization.clone(),
            system: Some(Named { id: c.system, name: c.name.clone() }),
            at: c.last_seen_online.filter(|_| c.to != Some(ApiState::Ok)).unwrap_or(at),
            change: match (c.from, c.to) {
                (from, None) => Change::Removed { last_state: from.unwrap_or(ApiState::Unknown) },
                (None, Some(state)) => Change::Added { state },
                (Some(from), Some(to)) => {
                    Change::State { from, to, last_seen_online: c.last_seen_online, cloud_gateways: Default::default() }
                }
            },
        })
        .collect();
    WhileAway { transitions, digest }
}
