//! `dms-tray status`: one poll of every configured organization, printed
//! as a table or as JSON, with a Nagios-style exit code, and the priorities
//! and acknowledgements of the tray app's history.

use chrono::Utc;
use dms_tray_core::config::Config;
use dms_tray_core::poll::PollOutcome;
use dms_tray_core::report::{self, CheckState};
use dms_tray_core::view::View;
use tokio::task::JoinSet;

use crate::client::{org_clients, Timeouts};
use crate::history_store::{monitor_with_marks, HistoryStore};

/// Polls every organization once, all at the same time, and returns the
/// view, with the priorities and acknowledgements the `history` keeps.
pub async fn poll_once(config: &Config, keys: Vec<String>, timeouts: Timeouts, history: Option<&HistoryStore>) -> View {
    let mut monitor = monitor_with_marks(config, history);
    let mut polls: JoinSet<(uuid::Uuid, PollOutcome)> = JoinSet::new();
    for (id, mut client) in org_clients(config, &keys, timeouts) {
        polls.spawn(async move { (id, client.poll().await) });
    }
    while let Some(joined) = polls.join_next().await {
        let (id, outcome) = joined.expect("a poll task does not panic");
        monitor.record_owned(id, outcome, Utc::now());
    }
    monitor.view().clone()
}

/// Prints the view and returns the check state for the exit code.
pub fn print(view: &View, json: bool) -> CheckState {
    if json {
        let document = serde_json::to_string_pretty(&report::status_json(view)).expect("the report serializes");
        println!("{document}");
    } else {
        print!("{}", report::status_table(view, Utc::now()));
    }
    report::check_state(view)
}
