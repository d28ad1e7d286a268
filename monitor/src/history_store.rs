//! The history in SQLite (`history.sqlite3` in the XDG state directory):
//! every transition, and the last known state of every system, written in
//! one transaction per poll so that a crash never loses or doubles an entry.
//! A damaged database is moved aside with a log line and a fresh one started.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dms_tray_core::api::ApiState;
use dms_tray_core::history::{entry, HistoryEntry};
use dms_tray_core::restart::Known;
use dms_tray_core::transitions::Transition;
use dms_tray_core::view::OrgView;
use rusqlite::{params, Connection};
use uuid::Uuid;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    organization_name TEXT NOT NULL,
    system_id TEXT,
    system_name TEXT,
    text TEXT NOT NULL,
    state TEXT,
    -- 0 for the state a system was first seen in: the strip needs it, the list does not.
    listed INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS events_by_system ON events (system_id, at);
CREATE TABLE IF NOT EXISTS last_state (
    organization_id TEXT NOT NULL,
    system_id TEXT NOT NULL,
    system_name TEXT NOT NULL,
    state TEXT NOT NULL,
    -- when this state was first recorded
    at TEXT NOT NULL,
    PRIMARY KEY (organization_id, system_id)
);
";

pub struct HistoryStore {
    connection: Connection,
}

impl HistoryStore {
    /// Opens (or creates) the history at `path`; a file that is not a
    /// healthy database is moved aside to `<name>.damaged-<time>`.
    pub fn open(path: &Path) -> HistoryStore {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        match Self::try_open(path) {
            Ok(store) => store,
            Err(e) => {
                let aside = damaged_name(path);
                log::error!(
                    "the history at {} is damaged ({e}); moved it to {} and started a new one",
                    path.display(),
                    aside.display()
                );
                let _ = std::fs::rename(path, &aside);
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                Self::try_open(path).unwrap_or_else(|e| {
                    log::error!("cannot create the history at {}: {e}; keeping it in memory", path.display());
                    Self::in_memory()
                })
            }
        }
    }

    fn try_open(path: &Path) -> rusqlite::Result<HistoryStore> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        let verdict: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if verdict != "ok" {
            return Err(rusqlite::Error::InvalidQuery);
        }
        connection.execute_batch(SCHEMA)?;
        Ok(HistoryStore { connection })
    }

    fn in_memory() -> HistoryStore {
        let connection = Connection::open_in_memory().expect("SQLite opens in memory");
        connection.execute_batch(SCHEMA).expect("the schema is valid");
        HistoryStore { connection }
    }

    /// Records one poll: its transitions, and the last known states of the
    /// organization's systems when the poll told them (never the `unknown`
    /// of a failing poll), in one transaction.
    pub fn record(&mut self, org: &OrgView, transitions: &[Transition], at: DateTime<Utc>) -> rusqlite::Result<()> {
        let tx = self.connection.transaction()?;
        for transition in transitions {
            let e = entry(transition);
            tx.execute(
                "INSERT INTO events (at, organization_id, organization_name, system_id, system_name, text, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    e.at.to_rfc3339(),
                    e.organization_id.to_string(),
                    e.organization_name,
                    e.system_id.map(|id| id.to_string()),
                    e.system_name,
                    e.text,
                    e.state.map(|s| s.as_str()),
                ],
            )?;
        }
        if org.error.is_none() && org.has_data() {
            let stored: HashSet<(String, String, String)> = {
                let mut statement =
                    tx.prepare("SELECT system_id, system_name, state FROM last_state WHERE organization_id = ?1")?;
                let rows = statement
                    .query_map(params![org.id.to_string()], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let current: HashSet<(String, String, String)> =
                org.systems.iter().map(|s| (s.id.to_string(), s.name.clone(), s.state.as_str().to_string())).collect();
            // An unchanged poll writes nothing.
            if stored != current {
                let seen: HashSet<&String> = stored.iter().map(|(id, _, _)| id).collect();
                for system in org.systems.iter().filter(|s| !seen.contains(&s.id.to_string())) {
                    tx.execute(
                        "INSERT INTO events (at, organization_id, organization_name, system_id, system_name, text, state, listed)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'First seen', ?6, 0)",
                        params![at.to_rfc3339(), org.id.to_string(), org.name, system.id.to_string(), system.name, system.state.as_str()],
                    )?;
                }
                tx.execute("DELETE FROM last_state WHERE organization_id = ?1", params![org.id.to_string()])?;
                for system in &org.systems {
                    tx.execute(
                        "INSERT INTO last_state (organization_id, system_id, system_name, state, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![org.id.to_string(), system.id.to_string(), system.name, system.state.as_str(), at.to_rfc3339()],
                    )?;
                }
            }
        }
        tx.commit()
    }

    /// The last known state of every system.
    pub fn last_known(&self) -> rusqlite::Result<Vec<Known>> {
        let mut statement =
            self.connection.prepare("SELECT organization_id, system_id, system_name, state FROM last_state")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?))
        })?;
        Ok(rows
            .filter_map(Result::ok)
            .filter_map(|(org, system, name, state)| {
                Some(Known {
                    organization: org.parse().ok()?,
                    system: system.parse().ok()?,
                    name,
                    state: parse_state(&state),
                })
            })
            .collect())
    }

    /// The newest entries matching `query` (system, organization or text).
    pub fn entries(&self, query: &str, limit: usize) -> rusqlite::Result<Vec<HistoryEntry>> {
        let pattern = format!("%{}%", query.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut statement = self.connection.prepare(
            "SELECT at, organization_id, organization_name, system_id, system_name, text, state FROM events
             WHERE listed = 1
               AND (system_name LIKE ?1 ESCAPE '\\' OR organization_name LIKE ?1 ESCAPE '\\' OR text LIKE ?1 ESCAPE '\\')
             ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![pattern, limit as i64], |row| {
            Ok(HistoryEntry {
                at: parse_time(&row.get::<_, String>(0)?),
                organization_id: row.get::<_, String>(1)?.parse().unwrap_or_default(),
                organization_name: row.get(2)?,
                system_id: row.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                system_name: row.get(4)?,
                text: row.get(5)?,
                state: row.get::<_, Option<String>>(6)?.map(|s| parse_state(&s)),
            })
        })?;
        rows.collect()
    }

    /// A system's state changes (time and state gone to), oldest first.
    pub fn state_changes(
        &self,
        organization: Uuid,
        system: Uuid,
    ) -> rusqlite::Result<Vec<(DateTime<Utc>, Option<ApiState>)>> {
        let mut statement = self.connection.prepare(
            "SELECT at, state FROM events WHERE organization_id = ?1 AND system_id = ?2 AND state IS NOT NULL
                 ORDER BY at, id",
        )?;
        let rows = statement.query_map(params![organization.to_string(), system.to_string()], |row| {
            Ok((parse_time(&row.get::<_, String>(0)?), Some(parse_state(&row.get::<_, String>(1)?))))
        })?;
        rows.collect()
    }
}

fn parse_state(text: &str) -> ApiState {
    serde_json::from_value(serde_json::Value::String(text.to_string())).unwrap_or(ApiState::Unknown)
}

fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn damaged_name(path: &Path) -> PathBuf {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S");
    path.with_file_name(format!(
        "{}.damaged-{stamp}",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dms_tray_core::monitor::Monitor;
    use dms_tray_core::poll::PollOutcome;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dms-tray-history-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("history.sqlite3")
    }

    fn document(states: &[(u128, &str, ApiState)]) -> PollOutcome {
        let systems = states
            .iter()
            .map(|(n, name, state)| {
                serde_json::json!({
                    "id": Uuid::from_u128(*n), "name": name, "dnsLabel": name.to_lowercase(), "type": "selfHosted",
                    "state": state.as_str(), "lastSeenOnline": null, "cloudGateways": {"connected": 1, "total": 1},
                    "remoteAccess": {"enabled": false, "url": null}, "dataMinerVersion": null
                })
            })
            .collect::<Vec<_>>();
        let body = serde_json::json!({
            "organization": {"id": Uuid::from_u128(99), "name": "Skyline", "urlLabel": "skyline"},
            "generatedAt": "2026-11-21T09:00:00Z", "systems": systems
        });
        PollOutcome::Fresh {
            document: dms_tray_core::api::parse_document(body.to_string().as_bytes()).unwrap(),
            etag: None,
            max_age: None,
        }
    }

    #[test]
    fn transitions_and_last_states_survive_reopening() {
        let path = scratch("reopen");
        let org = Uuid::from_u128(99);
        let mut monitor = Monitor::new([(org, None)]);
        let mut store = HistoryStore::open(&path);
        let t0 = Utc::now();
        let transitions = monitor.record(org, &document(&[(1, "Ziine", ApiState::Ok)]), t0).transitions;
        store.record(&monitor.view().organizations[0], &transitions, t0).unwrap();
        let t1 = t0 + chrono::Duration::minutes(1);
        let transitions = monitor.record(org, &document(&[(1, "Ziine", ApiState::NoConnection)]), t1).transitions;
        store.record(&monitor.view().organizations[0], &transitions, t1).unwrap();
        drop(store);

        let store = HistoryStore::open(&path);
        let entries = store.entries("", 10).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].text, "No connection to dataminer.services");
        assert_eq!(store.entries("zii", 10).unwrap().len(), 1, "search is case-insensitive");
        assert_eq!(store.entries("tokyo", 10).unwrap().len(), 0);
        assert_eq!(store.entries("100%", 10).unwrap().len(), 0, "wildcards are literal");
        let known = store.last_known().unwrap();
        assert_eq!(known.len(), 1);
        assert_eq!((known[0].name.as_str(), known[0].state), ("Ziine", ApiState::NoConnection));
        let changes = store.state_changes(org, Uuid::from_u128(1)).unwrap();
        assert_eq!(
            changes,
            vec![
                (parse_time(&t0.to_rfc3339()), Some(ApiState::Ok)),
                (parse_time(&t1.to_rfc3339()), Some(ApiState::NoConnection))
            ]
        );
    }

    #[test]
    fn a_damaged_database_is_moved_aside_and_a_fresh_one_started() {
        let path = scratch("damaged");
        std::fs::write(&path, b"this is not a database, it is a damaged file of some length........").unwrap();
        let store = HistoryStore::open(&path);
        assert_eq!(store.entries("", 10).unwrap(), vec![]);
        let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .collect();
        assert_eq!(aside.len(), 1, "the damaged file is kept for inspection");
    }
}
