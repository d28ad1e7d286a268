//! What the app's commands and adapters share: the configuration, the
//! latest view and popup model, and the pipeline's control handle.

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use dms_tray_core::alerts::AlertPolicy;
use dms_tray_core::config::{Config, OrganizationConfig};
use dms_tray_core::popup::{popup_model, PopupModel};
use dms_tray_core::view::View;

use dms_tray_core::restart::Known;

use crate::config_file::ConfigLocation;
use crate::history_store::HistoryStore;
use crate::pipeline::PipelineControl;

pub struct AppState {
    pub organizations: Vec<OrganizationConfig>,
    pub config_location: ConfigLocation,
    /// Running against the built-in simulator rather than a configuration.
    pub demo: bool,
    pub control: PipelineControl,
    /// Which transitions become notifications; snoozes live here too.
    pub alerts: Mutex<AlertPolicy>,
    pub history: Mutex<HistoryStore>,
    /// The last known states found at start, until each organization's
    /// first good poll has been compared with them.
    pub known_at_start: Mutex<Vec<Known>>,
    poll_interval: Mutex<Duration>,
    view: Mutex<View>,
}

impl AppState {
    pub fn new(
        config: &Config,
        config_location: ConfigLocation,
        demo: bool,
        control: PipelineControl,
        history: HistoryStore,
    ) -> Self {
        let known_at_start = history.last_known().unwrap_or_else(|e| {
            log::warn!("cannot read the last known states: {e}");
            Vec::new()
        });
        AppState {
            organizations: config.organizations.clone(),
            config_location,
            demo,
            control,
            alerts: Mutex::new(AlertPolicy::new(config.notifications.clone())),
            history: Mutex::new(history),
            known_at_start: Mutex::new(known_at_start),
            poll_interval: Mutex::new(config.poll_interval),
            view: Mutex::new(View::default()),
        }
    }

    pub fn poll_interval(&self) -> Duration {
        *self.poll_interval.lock().expect("not poisoned")
    }

    pub fn set_poll_interval(&self, interval: Duration) {
        *self.poll_interval.lock().expect("not poisoned") = interval;
    }

    pub fn view(&self) -> View {
        self.view.lock().expect("not poisoned").clone()
    }

    pub fn set_view(&self, view: &View) {
        *self.view.lock().expect("not poisoned") = view.clone();
    }

    /// The popup's model of the current view.
    pub fn model(&self) -> PopupModel {
        let demo_path = self.demo.then_some(self.config_location.path.as_path());
        let alerts = self.alerts.lock().expect("not poisoned");
        popup_model(&self.view(), &self.organizations, Utc::now(), demo_path, &|s| alerts.is_flapping(s))
    }
}
