//! `dms-tray report`: the handover report of a period, read from the
//! history alone, so that it covers restarts and needs no running tray
//! app. What the report says and how it reads is the core's (`handover`);
//! this reads the history and the command line.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use dms_tray_core::handover::{csv, handover, html, markdown, OrgHistory, Period, SystemHistory};

use crate::history_store::HistoryStore;

/// The renderings `--format` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown, to paste into a chat, a ticket or a wiki.
    Md,
    /// A row per outage, flapping system and uptime, for a spreadsheet.
    Csv,
    /// A web page of its own.
    Html,
}

/// What `--since` accepts: a length of time such as 12h, longer than
/// nothing and short enough to count back from now.
pub fn parse_since(text: &str) -> Result<Duration, String> {
    let since = humantime::parse_duration(text)
        .map_err(|e| format!("{e}; write a length of time such as 12h, 30min or 7days"))?;
    if since.is_zero() {
        return Err("a report covers a length of time longer than 0; write one such as 12h".to_string());
    }
    let fits = chrono::Duration::from_std(since).ok().and_then(|since| Utc::now().checked_sub_signed(since));
    if fits.is_none() {
        return Err("that reaches back further than any history; write a length such as 12h or 30days".to_string());
    }
    Ok(since)
}

/// The report of the last `since` from the history at `path`, with the
/// times in local time. `organization` keeps the organizations of that
/// name (in any case); one that the history does not hold is an error that
/// names those it does.
pub fn report(
    path: &Path,
    since: Duration,
    organization: Option<&str>,
    flap_changes: usize,
    format: Format,
) -> Result<String, String> {
    let store = HistoryStore::read(path).map_err(|e| e.to_string())?;
    let read_error = |e: rusqlite::Error| format!("cannot read the history at {}: {e}", path.display());
    let now = Utc::now();
    let since = chrono::Duration::from_std(since).map_err(|e| e.to_string())?;
    let period = Period { from: now - since, to: now };
    let mut organizations = store.organizations().map_err(read_error)?;
    if let Some(name) = organization {
        let held: Vec<String> = organizations.iter().map(|(_, n)| format!("\"{n}\"")).collect();
        organizations.retain(|(_, n)| n.to_lowercase() == name.to_lowercase());
        if organizations.is_empty() {
            return Err(match held.is_empty() {
                true => format!("no organization named \"{name}\": the history at {} holds none yet", path.display()),
                false => format!("no organization named \"{name}\" in the history; it holds {}", held.join(", ")),
            });
        }
    }
    let histories = organizations
        .into_iter()
        .map(|(id, name)| {
            let systems = store
                .systems(id)?
                .into_iter()
                .map(|system| {
                    let mut changes = store.state_changes(id, system.id, period.history_from())?;
                    changes.extend(system.removed_at.map(|at| (at, None)));
                    Ok(SystemHistory { id: system.id, name: system.name, changes })
                })
                .collect::<rusqlite::Result<_>>()?;
            Ok(OrgHistory { id, name, systems })
        })
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(read_error)?;
    let acknowledgements = store.acknowledgements().map_err(read_error)?;
    let report = handover(&histories, &acknowledgements, period, flap_changes);
    Ok(match format {
        Format::Md => markdown(&report, &local_time),
        Format::Csv => csv(&report, &local_time),
        Format::Html => html(&report, &local_time),
    })
}

/// A time as the report and the incident summary write it: local, to the minute.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_length_of_time_and_says_what_is_wrong() {
        assert_eq!(parse_since("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_since("1day 6h"), Ok(Duration::from_secs(30 * 3600)));
        let cases = [
            ("12x", "unknown time unit \"x\""),
            ("twelve hours", "expected number"),
            ("", "value was empty"),
            ("0s", "longer than 0"),
            ("500000000years", "further than any history"),
        ];
        for (text, why) in cases {
            let error = parse_since(text).unwrap_err();
            assert!(error.contains(why), "{text:?}: {error}");
        }
    }
}
