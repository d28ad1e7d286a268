//! The history in SQLite (`history.sqlite3` in the XDG state directory):
//! every transition, and the last known state of every system, written in
//! one transaction per poll so that a crash never loses or doubles an entry.
//! A damaged database is moved aside with a log line and a fresh one
//! started; any other trouble opening it leaves the file alone.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::places::with_suffix;
use chrono::{DateTime, Utc};
use dms_tray_core::acknowledge::Acknowledgement;
use dms_tray_core::alerts::SystemRef;
use dms_tray_core::api::ApiState;
use dms_tray_core::config::Config;
use dms_tray_core::history::{acknowledged_entry, entry, HistoryEntry, REMOVED};
use dms_tray_core::monitor::Monitor;
use dms_tray_core::priority::Priority;
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
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
CREATE TABLE IF NOT EXISTS last_state (
    organization_id TEXT NOT NULL,
    system_id TEXT NOT NULL,
    system_name TEXT NOT NULL,
    state TEXT NOT NULL,
    -- when this state was first recorded
    at TEXT NOT NULL,
    PRIMARY KEY (organization_id, system_id)
);
-- the outages acknowledged and not yet ended
CREATE TABLE IF NOT EXISTS acknowledgements (
    organization_id TEXT NOT NULL,
    system_id TEXT NOT NULL,
    state TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (organization_id, system_id)
);
-- priorities set by hand in the popup
CREATE TABLE IF NOT EXISTS priorities (
    organization_id TEXT NOT NULL,
    system_id TEXT NOT NULL,
    priority TEXT NOT NULL,
    PRIMARY KEY (organization_id, system_id)
);
";

pub struct HistoryStore {
    connection: Connection,
    /// How long a change is kept; older ones go in the next write.
    keep: chrono::Duration,
}

impl HistoryStore {
    /// Opens (or creates) the history at `path`. Only a file that SQLite
    /// says is damaged is moved aside, with its `-wal` and `-shm`, to
    /// `<name>.damaged-<time>`, and a new one started. A database that is
    /// busy is waited for; one that cannot be opened for another reason
    /// (permissions, a full disk) is left as it is, and dms-tray goes on
    /// with a history in memory, saying so in the log.
    pub fn open(path: &Path) -> HistoryStore {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let fallback = |e: &dyn std::fmt::Display| {
            log::error!(
                "cannot open the history at {} ({e}); it is left as it is, and this session's history is kept in memory",
                path.display()
            );
            Self::in_memory()
        };
        match Self::try_open(path) {
            Ok(store) => store,
            Err(OpenError::Unavailable(e)) => fallback(&e),
            Err(OpenError::Damaged(why)) => {
                let stamp = Utc::now().format("%Y%m%dT%H%M%S").to_string();
                for suffix in ["", "-wal", "-shm"] {
                    let from = with_suffix(path, suffix);
                    if from.exists() {
                        let _ = std::fs::rename(&from, with_suffix(path, &format!(".damaged-{stamp}{suffix}")));
                    }
                }
                log::error!(
                    "the history at {} is damaged ({why}); moved it to {} and started a new one",
                    path.display(),
                    with_suffix(path, &format!(".damaged-{stamp}")).display()
                );
                match Self::try_open(path) {
                    Ok(store) => store,
                    Err(OpenError::Damaged(why)) => fallback(&why),
                    Err(OpenError::Unavailable(e)) => fallback(&e),
                }
            }
        }
    }

    /// Opens the history at `path` only to read it, as `dms-tray report`
    /// does beside a running tray: a file that is missing or damaged is
    /// said, never created or moved aside (that is the tray's to do).
    pub fn read(path: &Path) -> Result<HistoryStore, ReadError> {
        let unreadable = |why: String| ReadError::Unreadable { path: path.to_path_buf(), why };
        match path.try_exists() {
            Ok(true) => {}
            Ok(false) => return Err(ReadError::Missing(path.to_path_buf())),
            Err(e) => return Err(unreadable(e.to_string())),
        }
        Self::try_open(path).map_err(|e| match e {
            OpenError::Damaged(why) => unreadable(format!("it is damaged: {why}")),
            OpenError::Unavailable(e) => unreadable(e.to_string()),
        })
    }

    fn try_open(path: &Path) -> Result<HistoryStore, OpenError> {
        // Checked before SQLite opens it: SQLite may remove the -wal and
        // -shm of a file it cannot read when it closes it.
        if !has_sqlite_header(path) {
            return Err(OpenError::Damaged("not an SQLite database".into()));
        }
        let connection = Connection::open(path)?;
        connection.busy_timeout(BUSY_WAIT)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        let verdict: String = connection.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if verdict != "ok" {
            return Err(OpenError::Damaged(format!("quick_check: {verdict}")));
        }
        connection.execute_batch(SCHEMA)?;
        Ok(HistoryStore { connection, keep: default_keep() })
    }

    fn in_memory() -> HistoryStore {
        let connection = Connection::open_in_memory().expect("SQLite opens in memory");
        connection.execute_batch(SCHEMA).expect("the schema is valid");
        HistoryStore { connection, keep: default_keep() }
    }

    /// Keeps changes for `keep` (the configuration's `history_keep`).
    pub fn keeping(mut self, keep: std::time::Duration) -> HistoryStore {
        self.keep = chrono::Duration::from_std(keep).unwrap_or_else(|_| default_keep());
        self
    }

    /// Records one poll: its transitions, and the last known states of the
    /// organization's systems when the poll told them (never the `unknown`
    /// of a failing poll), in one transaction.
    pub fn record(&mut self, org: &OrgView, transitions: &[Transition], at: DateTime<Utc>) -> rusqlite::Result<()> {
        let tx = self.connection.transaction()?;
        if let Some(cutoff) = at.checked_sub_signed(self.keep) {
            tx.execute("DELETE FROM events WHERE at < ?1", params![cutoff.to_rfc3339()])?;
        }
        for transition in transitions {
            insert_entry(&tx, &entry(transition))?;
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

    /// A system's state changes (time and state gone to), oldest first:
    /// those after `since`, and the last one before it (the state `since`
    /// began with).
    pub fn state_changes(
        &self,
        organization: Uuid,
        system: Uuid,
        since: DateTime<Utc>,
    ) -> rusqlite::Result<Vec<(DateTime<Utc>, Option<ApiState>)>> {
        let mut statement = self.connection.prepare(
            "SELECT at, state FROM (
                 SELECT at, state, id FROM (
                     SELECT at, state, id FROM events
                     WHERE system_id = ?2 AND organization_id = ?1 AND state IS NOT NULL AND at <= ?3
                     ORDER BY at DESC, id DESC LIMIT 1)
                 UNION ALL
                 SELECT at, state, id FROM events
                 WHERE system_id = ?2 AND organization_id = ?1 AND state IS NOT NULL AND at > ?3)
             ORDER BY at, id",
        )?;
        let rows = statement
            .query_map(params![organization.to_string(), system.to_string(), since.to_rfc3339()], |row| {
                Ok((parse_time(&row.get::<_, String>(0)?), Some(parse_state(&row.get::<_, String>(1)?))))
            })?;
        rows.collect()
    }
}

/// What the handover report (`dms-tray report`) reads besides the state
/// changes.
impl HistoryStore {
    /// Every organization with a line in the history, under its newest name,
    /// by name.
    pub fn organizations(&self) -> rusqlite::Result<Vec<(Uuid, String)>> {
        // SQLite takes a bare column from the row of the one max().
        let mut statement = self
            .connection
            .prepare("SELECT organization_id, organization_name, MAX(at) FROM events GROUP BY organization_id")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut organizations: Vec<(Uuid, String)> =
            rows.filter_map(Result::ok).filter_map(|(id, name)| Some((id.parse().ok()?, name))).collect();
        organizations.sort_by_key(|(_, name)| name.to_lowercase());
        Ok(organizations)
    }

    /// Every system of `organization` with a state in the history: its
    /// current name, and when it left the organization if that is the last
    /// thing the history knows of it.
    pub fn systems(&self, organization: Uuid) -> rusqlite::Result<Vec<StoredSystem>> {
        let mut statement = self.connection.prepare(
            "SELECT e.system_id, COALESCE(l.system_name, e.system_name), e.state, MAX(e.at)
             FROM events e LEFT JOIN last_state l ON l.organization_id = e.organization_id AND l.system_id = e.system_id
             WHERE e.organization_id = ?1 AND e.system_id IS NOT NULL AND (e.state IS NOT NULL OR e.text = ?2)
             GROUP BY e.system_id",
        )?;
        let rows = statement.query_map(params![organization.to_string(), REMOVED], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        Ok(rows
            .filter_map(Result::ok)
            .filter_map(|(id, name, state, at)| {
                Some(StoredSystem {
                    id: id.parse().ok()?,
                    name: name.unwrap_or_default(),
                    removed_at: state.is_none().then(|| parse_time(&at)),
                })
            })
            .collect())
    }
}

/// A system as the history knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSystem {
    pub id: Uuid,
    pub name: String,
    /// When it left its organization, unless it came back since.
    pub removed_at: Option<DateTime<Utc>>,
}

/// Why the history cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("there is no history at {} yet: dms-tray writes it while it runs", .0.display())]
    Missing(PathBuf),
    #[error("cannot read the history at {}: {why}", .path.display())]
    Unreadable { path: PathBuf, why: String },
}

/// Acknowledgements and hand-set priorities: kept across restarts, so that
/// `dms-tray status` and the next start know them too.
impl HistoryStore {
    /// Records an acknowledgement, and its line in the history.
    pub fn acknowledge(&mut self, org: &OrgView, system: SystemRef, ack: &Acknowledgement) -> rusqlite::Result<()> {
        let Some(view) = org.systems.iter().find(|s| s.id == system.system) else { return Ok(()) };
        let tx = self.connection.transaction()?;
        insert_entry(&tx, &acknowledged_entry(org, view, ack))?;
        tx.execute(
            "INSERT OR REPLACE INTO acknowledgements (organization_id, system_id, state, by, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                system.organization.to_string(),
                system.system.to_string(),
                ack.state.as_str(),
                ack.by,
                ack.at.to_rfc3339()
            ],
        )?;
        tx.commit()
    }

    /// Forgets acknowledgements that ended (their system changed state).
    pub fn end_acknowledgements(&mut self, ended: &[SystemRef]) -> rusqlite::Result<()> {
        let tx = self.connection.transaction()?;
        for system in ended {
            tx.execute(
                "DELETE FROM acknowledgements WHERE organization_id = ?1 AND system_id = ?2",
                params![system.organization.to_string(), system.system.to_string()],
            )?;
        }
        tx.commit()
    }

    /// The acknowledgements not yet ended.
    pub fn acknowledgements(&self) -> rusqlite::Result<Vec<(SystemRef, Acknowledgement)>> {
        let mut statement =
            self.connection.prepare("SELECT organization_id, system_id, state, by, at FROM acknowledgements")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        Ok(rows
            .filter_map(Result::ok)
            .filter_map(|(org, system, state, by, at)| {
                let system = SystemRef { organization: org.parse().ok()?, system: system.parse().ok()? };
                Some((system, Acknowledgement { by, at: parse_time(&at), state: parse_state(&state) }))
            })
            .collect())
    }

    /// Sets a system's priority by hand; `None` leaves it to the configuration's patterns.
    pub fn set_priority(&mut self, system: SystemRef, priority: Option<Priority>) -> rusqlite::Result<()> {
        let (org, id) = (system.organization.to_string(), system.system.to_string());
        match priority {
            Some(p) => self.connection.execute(
                "INSERT OR REPLACE INTO priorities (organization_id, system_id, priority) VALUES (?1, ?2, ?3)",
                params![org, id, p.key()],
            )?,
            None => self
                .connection
                .execute("DELETE FROM priorities WHERE organization_id = ?1 AND system_id = ?2", params![org, id])?,
        };
        Ok(())
    }

    /// The priorities set by hand.
    pub fn priorities(&self) -> rusqlite::Result<Vec<(SystemRef, Priority)>> {
        let mut statement = self.connection.prepare("SELECT organization_id, system_id, priority FROM priorities")?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))?;
        Ok(rows
            .filter_map(Result::ok)
            .filter_map(|(org, system, priority)| {
                let system = SystemRef { organization: org.parse().ok()?, system: system.parse().ok()? };
                Some((system, Priority::from_key(&priority)?))
            })
            .collect())
    }
}

/// One line of the history, as listed.
fn insert_entry(connection: &Connection, e: &HistoryEntry) -> rusqlite::Result<()> {
    connection.execute(
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
    Ok(())
}

/// A monitor of `config`'s organizations with the priorities set by hand
/// and the acknowledgements that `history` keeps: the tray app's and
/// `dms-tray status`'s, so that both show the same marks.
pub fn monitor_with_marks(config: &Config, history: Option<&HistoryStore>) -> Monitor {
    let mut monitor = Monitor::of(config);
    if let Some(history) = history {
        match (history.priorities(), history.acknowledgements()) {
            (Ok(priorities), Ok(acknowledgements)) => monitor.restore_marks(priorities, acknowledgements),
            (Err(e), _) | (_, Err(e)) => log::warn!("cannot read the priorities and acknowledgements: {e}"),
        }
    }
    monitor
}

fn parse_state(text: &str) -> ApiState {
    serde_json::from_value(serde_json::Value::String(text.to_string())).unwrap_or(ApiState::Unknown)
}

fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn default_keep() -> chrono::Duration {
    chrono::Duration::from_std(dms_tray_core::config::DEFAULT_HISTORY_KEEP).expect("90 days fit")
}

/// Whether the file starts as every SQLite database does; a file that is
/// missing, empty or cannot be read counts as one (SQLite creates it or
/// says what is wrong).
fn has_sqlite_header(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else { return true };
    let mut header = Vec::with_capacity(16);
    match file.take(16).read_to_end(&mut header) {
        Ok(0) | Err(_) => true,
        Ok(_) => header == b"SQLite format 3\0",
    }
}

/// How long opening the history waits for another process that holds it.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Why the history could not be opened.
#[derive(Debug)]
enum OpenError {
    /// SQLite says the file is not a sound database: it can only be set aside.
    Damaged(String),
    /// Anything else (busy for too long, permissions, a full disk): the file
    /// may be fine, so it is not touched.
    Unavailable(rusqlite::Error),
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> OpenError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                OpenError::Damaged(e.to_string())
            }
            _ => OpenError::Unavailable(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dms_tray_core::monitor::Monitor;
    use dms_tray_core::poll::PollOutcome;
    use std::path::PathBuf;

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
        let changes = store.state_changes(org, Uuid::from_u128(1), t0 - chrono::Duration::days(7)).unwrap();
        assert_eq!(
            changes,
            vec![
                (parse_time(&t0.to_rfc3339()), Some(ApiState::Ok)),
                (parse_time(&t1.to_rfc3339()), Some(ApiState::NoConnection))
            ]
        );
    }

    #[test]
    fn acknowledgements_and_priorities_survive_reopening_until_ended() {
        let path = scratch("marks");
        let org = Uuid::from_u128(99);
        let mut monitor = Monitor::new([(org, None)]);
        let mut store = HistoryStore::open(&path);
        let t0 = Utc::now();
        monitor.record(org, &document(&[(1, "Ziine", ApiState::NoConnection), (2, "Tokyo", ApiState::Ok)]), t0);
        let ziine = SystemRef { organization: org, system: Uuid::from_u128(1) };
        let tokyo = SystemRef { organization: org, system: Uuid::from_u128(2) };
        let ack =
            Acknowledgement { by: "alice".into(), at: parse_time(&t0.to_rfc3339()), state: ApiState::NoConnection };
        store.acknowledge(&monitor.view().organizations[0], ziine, &ack).unwrap();
        store.set_priority(ziine, Some(Priority::OnAir)).unwrap();
        store.set_priority(tokyo, Some(Priority::Lab)).unwrap();
        store.set_priority(tokyo, None).unwrap();
        drop(store);

        let mut store = HistoryStore::open(&path);
        assert_eq!(store.acknowledgements().unwrap(), vec![(ziine, ack)]);
        assert_eq!(store.priorities().unwrap(), vec![(ziine, Priority::OnAir)]);
        let lines = store.entries("", 10).unwrap();
        assert_eq!(lines[0].text, "Acknowledged by alice");
        assert_eq!(lines[0].system_name.as_deref(), Some("Ziine"));
        store.end_acknowledgements(&[ziine]).unwrap();
        assert_eq!(store.acknowledgements().unwrap(), vec![]);
    }

    #[test]
    fn the_report_finds_organizations_and_systems_under_their_names_and_removals() {
        let path = scratch("report");
        let org = Uuid::from_u128(99);
        let mut monitor = Monitor::new([(org, None)]);
        let mut store = HistoryStore::open(&path);
        let start = Utc::now() - chrono::Duration::hours(5);
        let t = |minutes: i64| start + chrono::Duration::minutes(minutes);
        let polls = [
            (0, vec![(1, "Ziine", ApiState::Ok), (2, "Tokyo", ApiState::Ok)]),
            (10, vec![(1, "Ziine", ApiState::NoConnection), (2, "Tokyo", ApiState::Ok)]),
            (20, vec![(1, "Ziine", ApiState::NoConnection)]),
            (30, vec![(1, "Ziine Main", ApiState::NoConnection), (3, "Gent", ApiState::Ok)]),
        ];
        for (minute, systems) in polls {
            let transitions = monitor.record(org, &document(&systems), t(minute)).transitions;
            store.record(&monitor.view().organizations[0], &transitions, t(minute)).unwrap();
        }
        let ziine = SystemRef { organization: org, system: Uuid::from_u128(1) };
        let ack = Acknowledgement { by: "alice".into(), at: t(40), state: ApiState::NoConnection };
        store.acknowledge(&monitor.view().organizations[0], ziine, &ack).unwrap();
        drop(store);

        let store = HistoryStore::read(&path).unwrap();
        assert_eq!(store.organizations().unwrap(), vec![(org, "Skyline".to_string())]);
        let mut systems = store.systems(org).unwrap();
        systems.sort_by_key(|s| s.id);
        let when = |minute| Some(parse_time(&t(minute).to_rfc3339()));
        assert_eq!(
            systems,
            vec![
                StoredSystem { id: Uuid::from_u128(1), name: "Ziine Main".into(), removed_at: None },
                StoredSystem { id: Uuid::from_u128(2), name: "Tokyo".into(), removed_at: when(20) },
                StoredSystem { id: Uuid::from_u128(3), name: "Gent".into(), removed_at: None },
            ],
            "the acknowledgement's line is neither a state nor a removal"
        );
        assert_eq!(store.systems(Uuid::from_u128(7)).unwrap(), vec![]);
    }

    #[test]
    fn reading_never_creates_or_moves_a_history() {
        let path = scratch("read");
        assert!(matches!(HistoryStore::read(&path), Err(ReadError::Missing(p)) if p == path));
        assert!(!path.exists(), "nothing was created");
        std::fs::write(&path, b"this is not a database, it is a damaged file of some length........").unwrap();
        let error = HistoryStore::read(&path).err().expect("a damaged file is not read");
        assert!(error.to_string().contains("damaged"), "{error}");
        assert!(path.exists(), "the damaged file is left where it is");
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

    #[test]
    fn a_damaged_database_takes_its_wal_and_shm_along() {
        let path = scratch("damaged-wal");
        std::fs::write(&path, b"this is not a database, it is a damaged file of some length........").unwrap();
        std::fs::write(with_suffix(&path, "-wal"), b"the journal").unwrap();
        std::fs::write(with_suffix(&path, "-shm"), b"the index").unwrap();
        HistoryStore::open(&path);
        let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".damaged-"))
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        let wal = names.iter().find(|n| n.ends_with("-wal")).expect("the -wal moved along");
        assert_eq!(std::fs::read(path.with_file_name(wal)).unwrap(), b"the journal");
    }

    #[test]
    fn a_busy_database_is_waited_for_and_never_moved_aside() {
        let path = scratch("busy");
        let org = Uuid::from_u128(99);
        let mut monitor = Monitor::new([(org, None)]);
        let mut store = HistoryStore::open(&path);
        let t0 = Utc::now();
        monitor.record(org, &document(&[(1, "Ziine", ApiState::Ok)]), t0);
        let transitions = monitor.record(org, &document(&[(1, "Ziine", ApiState::NoConnection)]), t0).transitions;
        store.record(&monitor.view().organizations[0], &transitions, t0).unwrap();
        drop(store);

        // Another process holds the database for a moment.
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            holder.execute_batch("COMMIT").unwrap();
        });
        let store = HistoryStore::open(&path);
        release.join().unwrap();
        assert_eq!(store.entries("", 10).unwrap().len(), 1, "the committed transition is still there");
        let aside = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".damaged-"))
            .count();
        assert_eq!(aside, 0, "nothing was moved aside");
    }

    #[test]
    fn changes_older_than_the_history_keeps_go_in_the_next_write() {
        let path = scratch("retention");
        let org = Uuid::from_u128(99);
        let mut monitor = Monitor::new([(org, None)]);
        let mut store = HistoryStore::open(&path).keeping(std::time::Duration::from_secs(30 * 86_400));
        let start = Utc::now() - chrono::Duration::days(100);
        let day = |n: i64| start + chrono::Duration::days(n);
        monitor.record(org, &document(&[(1, "Ziine", ApiState::Ok)]), day(0));
        for (n, state) in [(1, ApiState::NoConnection), (2, ApiState::Ok), (95, ApiState::NoConnection)] {
            let transitions = monitor.record(org, &document(&[(1, "Ziine", state)]), day(n)).transitions;
            store.record(&monitor.view().organizations[0], &transitions, day(n)).unwrap();
        }
        let entries = store.entries("", 10).unwrap();
        assert_eq!(entries.len(), 1, "the changes of 98 and 99 days ago are gone: {entries:?}");
        assert_eq!(entries[0].at, parse_time(&day(95).to_rfc3339()));
        assert_eq!(store.last_known().unwrap().len(), 1, "the last known states stay");
    }

    #[test]
    fn a_strip_reads_its_own_span_and_the_state_it_began_with() {
        let path = scratch("strip");
        let org = Uuid::from_u128(99);
        let mut monitor = Monitor::new([(org, None)]);
        let mut store = HistoryStore::open(&path);
        let start = Utc::now() - chrono::Duration::days(20);
        let t = |minutes: i64| start + chrono::Duration::minutes(minutes);
        monitor.record(org, &document(&[(1, "Ziine", ApiState::Ok)]), t(0));
        let states = [ApiState::NoConnection, ApiState::Ok, ApiState::DmsNotResponding, ApiState::Ok];
        for (i, state) in states.into_iter().enumerate() {
            let at = t(i as i64 * 10 + 10);
            let transitions = monitor.record(org, &document(&[(1, "Ziine", state)]), at).transitions;
            store.record(&monitor.view().organizations[0], &transitions, at).unwrap();
        }
        let changes = store.state_changes(org, Uuid::from_u128(1), t(25)).unwrap();
        let expected = [(t(20), ApiState::Ok), (t(30), ApiState::DmsNotResponding), (t(40), ApiState::Ok)];
        assert_eq!(changes, expected.map(|(at, s)| (parse_time(&at.to_rfc3339()), Some(s))));
        assert_eq!(
            store.state_changes(org, Uuid::from_u128(1), t(50)).unwrap().len(),
            1,
            "only the state it began with"
        );
    }
}
