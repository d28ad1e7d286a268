//! The tray app: wires the pipeline to the tray and the popup, registers
//! the popup's commands and the plugins (single instance, autostart,
//! opener), and runs until Quit.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use dms_tray_core::alerts::Alert;
use dms_tray_core::api::ApiState;
use dms_tray_core::config::Config;
use dms_tray_core::restart;
use dms_tray_core::transitions::{Change, Named, Transition};
use dms_tray_core::menu::{home_url, MenuAction, ADMIN_URL, PLATFORM_STATUS_URL};
use dms_tray_core::remote::RemoteApp;
use dms_tray_core::view::{OrgView, View};
use tauri::{AppHandle, Manager, PhysicalPosition, RunEvent};

use crate::config_file::{self, ConfigLocation};
use crate::notifier::{Notifier, Response};
use crate::pipeline::{pipeline, Control, PollReport, Sink};
use crate::popup::{self, PopupState};
use crate::state::AppState;
use crate::tray::{Tray, TrayActions};
use crate::history_store::HistoryStore;
use crate::{commands, demo, logging, open, resume};

/// How long "Snooze 1 h" mutes a system.
const SNOOZE: chrono::Duration = chrono::Duration::hours(1);

/// How the app starts.
pub struct Launch {
    pub location: ConfigLocation,
    /// `None` runs the demo: asked for with `--demo`, or the first run
    /// without a configuration file.
    pub config: Option<Config>,
    /// Open the popup at once (`--popup`).
    pub popup: bool,
}

pub fn run(launch: Launch) -> Result<ExitCode, String> {
    let demo = launch.config.is_none();
    let (config, simulator) = match launch.config {
        Some(config) => (config, None),
        None => {
            log::warn!(
                "running the demo: no configuration at {} (or --demo given)",
                launch.location.path.display()
            );
            let demo = tauri::async_runtime::block_on(demo::start(true))
                .map_err(|e| format!("cannot start the simulator: {e}"))?;
            (demo.config, Some(demo.simulator))
        }
    };
    let keys = config_file::resolve_keys(&config)?;
    let location = launch.location;
    let open_popup = launch.popup;
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| popup::open(app, None, false)))
        .plugin(tauri_plugin_autostart::init(tauri_plugin_autostart::MacosLauncher::LaunchAgent, None))
        .plugin(tauri_plugin_opener::init())
        .manage(PopupState::default())
        .invoke_handler(tauri::generate_handler![
            commands::get_view,
            commands::open_remote,
            commands::refresh_now,
            commands::hide_popup,
            commands::get_settings,
            commands::save_settings,
            commands::get_history,
            commands::get_strip,
            commands::mute_system,
        ])
        .setup(move |app| {
            let handle = app.handle().clone();
            // Without a StatusNotifier host (GNOME without its extension), the
            // app still runs; a second launch opens the popup.
            let tray = Tray::create(&handle, Actions)
                .inspect_err(|e| log::error!("no tray icon: {e}; run dms-tray again to open the popup"))
                .ok();
            let notifier = Notifier::new({
                let handle = handle.clone();
                move |response| on_notification_response(&handle, response)
            });
            app.manage(TrayState(tray));
            let sink = AppSink { app: handle.clone(), notifier };
            let (control, run_pipeline) = pipeline(config.clone(), keys, sink);
            // The demo keeps its history apart from the real one.
            let history_file = if demo { "demo-history.sqlite3" } else { "history.sqlite3" };
            let history = HistoryStore::open(&logging::state_dir().join(history_file));
            tauri::async_runtime::spawn(resume::watch(control.clone()));
            app.manage(AppState::new(&config, location, demo, control, history));
            tauri::async_runtime::spawn(async move {
                let _simulator = simulator;
                run_pipeline.await;
            });
            if open_popup {
                popup::open(&handle, None, false);
            }
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .map_err(|e| format!("the app cannot start: {e}"))?;
    app.run(|_app, event| {
        // Closing the popup closes the last window; the tray app lives on until Quit.
        if let RunEvent::ExitRequested { code: None, api, .. } = event {
            api.prevent_exit();
        }
    });
    Ok(ExitCode::SUCCESS)
}

/// The tray icon, when the desktop has a StatusNotifier host.
struct TrayState(Option<Tray>);

/// Shows a view in the tray, with the notification pause in its menu.
fn show_in_tray(app: &AppHandle, state: &AppState, view: &View) {
    let Some(tray) = &app.state::<TrayState>().0 else { return };
    let paused = state.alerts.lock().expect("not poisoned").paused_until(Utc::now());
    let label = paused.map(|t| t.with_timezone(&chrono::Local).format("%a %H:%M").to_string());
    if let Err(e) = tray.show(view, label.as_deref()) {
        log::warn!("cannot update the tray icon: {e}");
    }
}

/// Shows every new view in the tray and the open popup, and its
/// transitions as notifications.
struct AppSink {
    app: AppHandle,
    notifier: Notifier,
}

impl Sink for AppSink {
    fn publish(&mut self, view: &View, poll: Option<PollReport<'_>>) {
        let Some(state) = self.app.try_state::<AppState>() else { return };
        show_in_tray(&self.app, &state, view);
        state.set_view(view);
        popup::emit(&self.app, "view-updated", || state.model());
        let Some(poll) = poll else { return };
        let Some(org) = view.organizations.iter().find(|o| o.id == poll.organization) else { return };
        let away = while_away(&state, org, poll.at);
        let mut transitions = away.transitions;
        transitions.extend_from_slice(poll.transitions);
        if let Err(e) = state.history.lock().expect("not poisoned").record(org, &transitions, poll.at) {
            log::error!("cannot write the history: {e}");
        }
        let local_time = chrono::Local::now().time();
        let alerts = state.alerts.lock().expect("not poisoned").on_poll(
            poll.organization,
            poll.transitions,
            view,
            poll.at,
            local_time,
        );
        for alert in away.digest.iter().chain(&alerts) {
            self.notifier.show(alert);
        }
    }
}

/// Pauses notifications until `until` (`None` resumes them); changes still
/// go to the history.
fn pause(app: &AppHandle, until: Option<DateTime<Utc>>) {
    let state = app.state::<AppState>();
    state.alerts.lock().expect("not poisoned").pause(until);
    log::info!("notifications paused until {until:?}");
    show_in_tray(app, &state, &state.view());
}

/// 08:00 local time tomorrow.
fn tomorrow_morning() -> DateTime<Utc> {
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    tomorrow
        .and_hms_opt(8, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        .map_or_else(|| Utc::now() + chrono::Duration::hours(12), |t| t.with_timezone(&Utc))
}

/// What changed in an organization while dms-tray was not running.
struct WhileAway {
    transitions: Vec<Transition>,
    digest: Option<Alert>,
}

/// Compares the organization's first good poll with the states known at
/// start, once.
fn while_away(state: &AppState, org: &OrgView, at: DateTime<Utc>) -> WhileAway {
    let mut known = state.known_at_start.lock().expect("not poisoned");
    if org.error.is_some() || !org.has_data() || !known.iter().any(|k| k.organization == org.id) {
        return WhileAway { transitions: Vec::new(), digest: None };
    }
    let changes = restart::away_changes(&known, org);
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
                (Some(from), Some(to)) => Change::State {
                    from,
                    to,
                    last_seen_online: c.last_seen_online,
                    cloud_gateways: Default::default(),
                },
            },
        })
        .collect();
    WhileAway { transitions, digest }
}

/// A click on a notification opens the system; "Snooze 1 h" mutes it.
fn on_notification_response(app: &AppHandle, response: Response) {
    let state = app.state::<AppState>();
    match response {
        Response::Open(system) => {
            if let Err(e) = open::remote_access(app, &state, system.organization, system.system, RemoteApp::Root) {
                log::warn!("cannot open remote access from a notification: {e}");
            }
        }
        Response::Snooze(system) => {
            log::info!("snoozed a system for an hour");
            state.alerts.lock().expect("not poisoned").snooze(system, chrono::Utc::now() + SNOOZE);
        }
    }
}

/// What the tray's clicks and menu items do.
struct Actions;

impl TrayActions for Actions {
    fn clicked(&self, app: &AppHandle, position: Option<PhysicalPosition<f64>>) {
        popup::toggle(app, position);
    }

    fn menu(&self, app: &AppHandle, action: MenuAction) {
        let open = |url: &str| {
            if let Err(e) = open::url_in_browser(app, url) {
                log::warn!("{e}");
            }
        };
        match action {
            MenuAction::ShowPopup => popup::open(app, None, false),
            MenuAction::RefreshNow => app.state::<AppState>().control.send(Control::RefreshNow),
            MenuAction::OpenHome(organization) => open(&home_url(organization)),
            MenuAction::OpenAdmin => open(ADMIN_URL),
            MenuAction::PlatformStatus => open(PLATFORM_STATUS_URL),
            MenuAction::PauseHour => pause(app, Some(Utc::now() + chrono::Duration::hours(1))),
            MenuAction::PauseUntilTomorrow => pause(app, Some(tomorrow_morning())),
            MenuAction::ResumeNotifications => pause(app, None),
            MenuAction::Settings => popup::open(app, None, true),
            MenuAction::Quit => app.exit(0),
        }
    }
}
