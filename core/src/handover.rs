//! The handover report of `dms-tray report`: what the next shift needs to
//! know of a period, per organization. The outages that touched it, with
//! their start, end and duration; those still open, and who acknowledged
//! them; the systems that flapped; and each system's uptime over the last 7
//! days. Built from the history alone, so that it reads the same whether or
//! not the tray ran all along; the shell reads the history and prints one
//! of the renderings (Markdown, CSV, HTML).
//!
//! An outage is a stretch in `noConnection` or in `dmsNotResponding`. A
//! passing `unknown` (the cloud's trouble rather than the system's) neither
//! starts nor splits one, as it does not end an acknowledgement.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::acknowledge::Acknowledgement;
use crate::alerts::SystemRef;
use crate::api::ApiState;
use crate::history::{strip, uptime_percent, uptime_words, REMOVED};

/// The uptime column covers this many days up to the period's end.
pub const UPTIME_DAYS: i64 = 7;

/// One organization as the history has it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgHistory {
    pub id: Uuid,
    pub name: String,
    pub systems: Vec<SystemHistory>,
}

/// One system as the history has it.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemHistory {
    pub id: Uuid,
    pub name: String,
    /// Its state changes (time and state gone to, oldest first) from
    /// [`Period::history_from`] on, and the last one before (the state it
    /// began with); `None` where it left the organization.
    pub changes: Vec<(DateTime<Utc>, Option<ApiState>)>,
}

/// The period a report covers; `to` is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    /// Where the history must be read from: the period's start, or the
    /// start of the uptime's week when that is earlier.
    pub fn history_from(self) -> DateTime<Utc> {
        self.from.min(self.uptime_from())
    }

    fn uptime_from(self) -> DateTime<Utc> {
        self.to - Duration::days(UPTIME_DAYS)
    }
}

/// The report: what happened in the period, per organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub period: Period,
    /// More changes of state than this in the period is flapping.
    pub flap_changes: usize,
    pub organizations: Vec<OrgHandover>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrgHandover {
    pub id: Uuid,
    pub name: String,
    /// Outages not ended at the period's end, the oldest first.
    pub open: Vec<OpenOutage>,
    /// Outages that ended within the period, the oldest first.
    pub ended: Vec<EndedOutage>,
    /// The systems that flapped, the most changes first.
    pub flapping: Vec<Flapping>,
    /// Every system known in the period or the last 7 days, the lowest
    /// uptime first.
    pub uptime: Vec<Uptime>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpenOutage {
    pub system: String,
    pub state: ApiState,
    pub since: DateTime<Utc>,
    pub acknowledged: Option<Acknowledgement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndedOutage {
    pub system: String,
    pub state: ApiState,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// It ended as the system left the organization, not as it came back.
    pub removed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flapping {
    pub system: String,
    /// Changes between known states in the period (a passing `unknown`
    /// is not one).
    pub changes: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Uptime {
    pub system: String,
    /// The share of known time connected over the last 7 days, as the
    /// popup's strip counts it; `None`: nothing known.
    pub uptime: Option<f64>,
}

/// The report of `period` from the organizations' histories and the
/// acknowledgements not yet ended.
pub fn handover(
    organizations: &[OrgHistory],
    acknowledgements: &[(SystemRef, Acknowledgement)],
    period: Period,
    flap_changes: usize,
) -> Handover {
    let mut organizations: Vec<OrgHandover> = organizations
        .iter()
        .map(|org| {
            let mut report = OrgHandover {
                id: org.id,
                name: org.name.clone(),
                open: Vec::new(),
                ended: Vec::new(),
                flapping: Vec::new(),
                uptime: Vec::new(),
            };
            for system in &org.systems {
                let acknowledged: Vec<&Acknowledgement> = acknowledgements
                    .iter()
                    .filter(|(r, _)| *r == SystemRef { organization: org.id, system: system.id })
                    .map(|(_, ack)| ack)
                    .collect();
                add_system(&mut report, system, &acknowledged, period, flap_changes);
            }
            report.open.sort_by_key(|o| (o.since, o.system.to_lowercase()));
            report.ended.sort_by_key(|o| (o.start, o.system.to_lowercase()));
            report.flapping.sort_by(|a, b| b.changes.cmp(&a.changes).then_with(|| by_name(&a.system, &b.system)));
            report.uptime.sort_by(|a, b| {
                let lowest = match (a.uptime, b.uptime) {
                    (Some(a), Some(b)) => a.total_cmp(&b),
                    (a, b) => b.is_some().cmp(&a.is_some()),
                };
                lowest.then_with(|| by_name(&a.system, &b.system))
            });
            report
        })
        .collect();
    organizations.sort_by(|a, b| by_name(&a.name, &b.name));
    Handover { period, flap_changes, organizations }
}

fn by_name(a: &str, b: &str) -> std::cmp::Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

fn add_system(
    report: &mut OrgHandover,
    system: &SystemHistory,
    acknowledgements: &[&Acknowledgement],
    period: Period,
    flap_changes: usize,
) {
    let changes: Vec<(DateTime<Utc>, Option<ApiState>)> =
        system.changes.iter().copied().filter(|(at, _)| *at < period.to).collect();
    let known = strip(&changes, period.history_from(), period.to).segments.iter().any(|s| s.state.is_some());
    if !known {
        return;
    }
    let name = || system.name.clone();
    for stretch in stretches(&changes) {
        match stretch.end {
            None => {
                let now = changes.iter().rev().find_map(|(_, s)| *s).unwrap_or(stretch.state);
                let acknowledged = acknowledgements
                    .iter()
                    .find(|ack| ack.at >= stretch.start && ack.holds_in(now))
                    .map(|ack| (*ack).clone());
                report.open.push(OpenOutage {
                    system: name(),
                    state: stretch.state,
                    since: stretch.start,
                    acknowledged,
                });
            }
            Some((end, removed)) if end > period.from => report.ended.push(EndedOutage {
                system: name(),
                state: stretch.state,
                start: stretch.start,
                end,
                removed,
            }),
            Some(_) => {}
        }
    }
    let changed = changes_of_state(&changes, period.from);
    if changed > flap_changes {
        report.flapping.push(Flapping { system: name(), changes: changed });
    }
    report.uptime.push(Uptime { system: name(), uptime: strip(&changes, period.uptime_from(), period.to).uptime });
}

/// A stretch in one outage state; its end, and whether the system left
/// the organization then, once it ended.
struct Stretch {
    state: ApiState,
    start: DateTime<Utc>,
    end: Option<(DateTime<Utc>, bool)>,
}

fn stretches(changes: &[(DateTime<Utc>, Option<ApiState>)]) -> Vec<Stretch> {
    let mut stretches = Vec::new();
    let mut open: Option<Stretch> = None;
    for &(at, state) in changes {
        match (state, &open) {
            (Some(ApiState::Unknown), _) => continue,
            (Some(state), Some(outage)) if outage.state == state => continue,
            _ => {}
        }
        if let Some(mut outage) = open.take() {
            outage.end = Some((at, state.is_none()));
            stretches.push(outage);
        }
        if let Some(state @ (ApiState::NoConnection | ApiState::DmsNotResponding)) = state {
            open = Some(Stretch { state, start: at, end: None });
        }
    }
    stretches.extend(open);
    stretches
}

/// How often the known state changed after `from`.
fn changes_of_state(changes: &[(DateTime<Utc>, Option<ApiState>)], from: DateTime<Utc>) -> usize {
    let mut last = None;
    let mut count = 0;
    for &(at, state) in changes {
        let Some(state) = state.filter(|s| *s != ApiState::Unknown) else { continue };
        if at > from && last.is_some_and(|last| last != state) {
            count += 1;
        }
        last = Some(state);
    }
    count
}

/// "45 min", "2 h 5 min", "3 d 4 h": an outage's length, to the minute.
fn span_words(span: Duration) -> String {
    let minutes = span.num_minutes();
    let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => "under 1 min".to_string(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// What the Markdown and HTML renderings both show, in order.
enum Block {
    Title(String),
    Organization(String),
    Section(String),
    Table { headers: &'static [&'static str], rows: Vec<Vec<String>> },
    Text(String),
}

fn blocks(report: &Handover, clock: &dyn Fn(DateTime<Utc>) -> String) -> Vec<Block> {
    let Period { from, to } = report.period;
    let mut blocks = vec![Block::Title(format!("Handover: {} to {}", clock(from), clock(to)))];
    if report.organizations.is_empty() {
        blocks.push(Block::Text("The history holds no organization.".to_string()));
    }
    for org in &report.organizations {
        blocks.push(Block::Organization(org.name.clone()));
        blocks.push(Block::Section("Still open".to_string()));
        blocks.push(Block::Table {
            headers: &["System", "State", "Since", "For", "Acknowledged"],
            rows: org
                .open
                .iter()
                .map(|o| {
                    let acknowledged =
                        o.acknowledged.as_ref().map_or("no".to_string(), |a| format!("by {}, {}", a.by, clock(a.at)));
                    vec![
                        o.system.clone(),
                        o.state.describe().to_string(),
                        clock(o.since),
                        span_words(to - o.since),
                        acknowledged,
                    ]
                })
                .collect(),
        });
        blocks.push(Block::Section("Ended".to_string()));
        blocks.push(Block::Table {
            headers: &["System", "State", "Start", "End", "Duration"],
            rows: org
                .ended
                .iter()
                .map(|o| {
                    let end = match o.removed {
                        true => format!("{} ({})", clock(o.end), REMOVED.to_lowercase()),
                        false => clock(o.end),
                    };
                    vec![
                        o.system.clone(),
                        o.state.describe().to_string(),
                        clock(o.start),
                        end,
                        span_words(o.end - o.start),
                    ]
                })
                .collect(),
        });
        blocks.push(Block::Section(format!("Flapping: more than {} changes of state", report.flap_changes)));
        blocks.push(Block::Table {
            headers: &["System", "Changes of state"],
            rows: org.flapping.iter().map(|f| vec![f.system.clone(), f.changes.to_string()]).collect(),
        });
        blocks.push(Block::Section(format!("Uptime over the last {UPTIME_DAYS} days")));
        blocks.push(Block::Table {
            headers: &["System", "Uptime"],
            rows: org.uptime.iter().map(|u| vec![u.system.clone(), uptime_words(u.uptime)]).collect(),
        });
    }
    blocks
}

/// What an empty table reads as.
const NONE: &str = "None.";

/// The report as Markdown, with `clock` writing the times.
pub fn markdown(report: &Handover, clock: &dyn Fn(DateTime<Utc>) -> String) -> String {
    let mut out = String::new();
    for block in blocks(report, clock) {
        match block {
            Block::Title(text) => writeln!(out, "# {}\n", markdown_text(&text)),
            Block::Organization(name) => writeln!(out, "## {}\n", markdown_text(&name)),
            Block::Section(text) => writeln!(out, "### {}\n", markdown_text(&text)),
            Block::Text(text) => writeln!(out, "{}\n", markdown_text(&text)),
            Block::Table { rows, .. } if rows.is_empty() => writeln!(out, "{NONE}\n"),
            Block::Table { headers, rows } => {
                let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
                out.push_str(&line(headers.iter().map(|h| h.to_string()).collect()));
                out.push_str(&line(headers.iter().map(|_| "---".to_string()).collect()));
                for row in rows {
                    out.push_str(&line(row.iter().map(|cell| markdown_text(cell)).collect()));
                }
                writeln!(out)
            }
        }
        .expect("writing to a String succeeds");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Text that Markdown shows as it is: a name is data, never markup, and a
/// `|` would end a table's cell.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The report as a web page of its own, with `clock` writing the times.
pub fn html(report: &Handover, clock: &dyn Fn(DateTime<Utc>) -> String) -> String {
    let blocks = blocks(report, clock);
    let title = match blocks.first() {
        Some(Block::Title(title)) => html_text(title),
        _ => String::new(),
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; }}</style>\n\
         </head>\n<body>\n"
    );
    for block in blocks {
        match block {
            Block::Title(text) => writeln!(out, "<h1>{}</h1>", html_text(&text)),
            Block::Organization(name) => writeln!(out, "<h2>{}</h2>", html_text(&name)),
            Block::Section(text) => writeln!(out, "<h3>{}</h3>", html_text(&text)),
            Block::Text(text) => writeln!(out, "<p>{}</p>", html_text(&text)),
            Block::Table { rows, .. } if rows.is_empty() => writeln!(out, "<p>{NONE}</p>"),
            Block::Table { headers, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for header in headers {
                    let _ = write!(out, "<th>{}</th>", html_text(header));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", html_text(&cell));
                    }
                    out.push_str("</tr>\n");
                }
                writeln!(out, "</tbody>\n</table>")
            }
        }
        .expect("writing to a String succeeds");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The columns of the CSV rendering.
const CSV_HEADERS: &str = "organization,system,kind,state,start,end,minutes,acknowledged_by,acknowledged_at,\
                           changes_of_state,uptime_percent";

/// The cells of a CSV row after its organization, system and kind; those
/// that do not apply to its kind stay empty.
#[derive(Default)]
struct CsvCells {
    state: String,
    start: String,
    end: String,
    minutes: String,
    acknowledged_by: String,
    acknowledged_at: String,
    changes_of_state: String,
    uptime_percent: String,
}

/// The report as CSV (RFC 4180): a row per outage, flapping system and
/// uptime, `kind` saying which, with `clock` writing the times.
pub fn csv(report: &Handover, clock: &dyn Fn(DateTime<Utc>) -> String) -> String {
    let mut out = format!("{CSV_HEADERS}\r\n");
    let to = report.period.to;
    for org in &report.organizations {
        let mut row = |system: &str, kind: &str, c: CsvCells| {
            let cells = [
                &org.name,
                system,
                kind,
                &c.state,
                &c.start,
                &c.end,
                &c.minutes,
                &c.acknowledged_by,
                &c.acknowledged_at,
                &c.changes_of_state,
                &c.uptime_percent,
            ];
            let fields: Vec<String> = cells.iter().map(|cell| csv_field(cell)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        };
        for o in &org.open {
            let acknowledged = o.acknowledged.as_ref();
            let cells = CsvCells {
                state: o.state.describe().to_string(),
                start: clock(o.since),
                minutes: (to - o.since).num_minutes().to_string(),
                acknowledged_by: acknowledged.map(|a| a.by.clone()).unwrap_or_default(),
                acknowledged_at: acknowledged.map(|a| clock(a.at)).unwrap_or_default(),
                ..CsvCells::default()
            };
            row(&o.system, "open outage", cells);
        }
        for o in &org.ended {
            let cells = CsvCells {
                state: o.state.describe().to_string(),
                start: clock(o.start),
                end: clock(o.end),
                minutes: (o.end - o.start).num_minutes().to_string(),
                ..CsvCells::default()
            };
            row(&o.system, if o.removed { "outage until removed" } else { "outage" }, cells);
        }
        for f in &org.flapping {
            row(&f.system, "flapping", CsvCells { changes_of_state: f.changes.to_string(), ..CsvCells::default() });
        }
        for u in &org.uptime {
            let uptime_percent = u.uptime.map(uptime_percent).unwrap_or_default();
            row(&u.system, "uptime", CsvCells { uptime_percent, ..CsvCells::default() });
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break. Text
/// that a spreadsheet would run as a formula (starting with `=`, `+`, `-`
/// or `@`) gets a leading `'`, so that a system's name is only ever shown.
fn csv_field(text: &str) -> String {
    let text = match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_string(),
    };
    match text.contains([',', '"', '\n', '\r']) {
        true => format!("\"{}\"", text.replace('"', "\"\"")),
        false => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;
    use crate::view::tests::{at, org_id};

    /// The period: minutes 0 to 600 (10 hours).
    fn period() -> Period {
        Period { from: at(0), to: at(600) }
    }

    fn clock(t: DateTime<Utc>) -> String {
        t.format("%Y-%m-%d %H:%M").to_string()
    }

    fn system(n: u128, name: &str, changes: &[(i64, Option<ApiState>)]) -> SystemHistory {
        SystemHistory {
            id: Uuid::from_u128(n),
            name: name.into(),
            changes: changes.iter().map(|(minute, state)| (at(*minute), *state)).collect(),
        }
    }

    fn org(systems: Vec<SystemHistory>) -> OrgHistory {
        OrgHistory { id: org_id(), name: "Skyline".into(), systems }
    }

    fn ack(n: u128, minute: i64, state: ApiState) -> (SystemRef, Acknowledgement) {
        let system = SystemRef { organization: org_id(), system: Uuid::from_u128(n) };
        (system, Acknowledgement { by: "alice".into(), at: at(minute), state })
    }

    fn report_of(changes: &[(i64, Option<ApiState>)], acks: &[(SystemRef, Acknowledgement)]) -> OrgHandover {
        handover(&[org(vec![system(1, "Ziine", changes)])], acks, period(), 4).organizations.remove(0)
    }

    /// (open: since, state, acknowledged by whom at which minute), (ended: start, end, removed).
    type Outages = (Vec<(i64, ApiState, Option<i64>)>, Vec<(i64, i64, bool)>);

    fn outages(report: &OrgHandover) -> Outages {
        let minute = |t: DateTime<Utc>| (t - at(0)).num_minutes();
        (
            report
                .open
                .iter()
                .map(|o| (minute(o.since), o.state, o.acknowledged.as_ref().map(|a| minute(a.at))))
                .collect(),
            report.ended.iter().map(|o| (minute(o.start), minute(o.end), o.removed)).collect(),
        )
    }

    #[test]
    fn outages_in_the_period_with_their_start_and_end() {
        type Changes = Vec<(i64, Option<ApiState>)>;
        type Acks = Vec<(SystemRef, Acknowledgement)>;
        let cases: [(&str, Changes, Acks, Outages); 9] = [
            (
                "spanning the period's start: its real start is told",
                vec![(-100, Some(Ok)), (-30, Some(NoConnection)), (45, Some(Ok))],
                vec![],
                (vec![], vec![(-30, 45, false)]),
            ),
            (
                "still open, not acknowledged",
                vec![(-100, Some(Ok)), (500, Some(DmsNotResponding))],
                vec![],
                (vec![(500, DmsNotResponding, None)], vec![]),
            ),
            (
                "still open, acknowledged",
                vec![(-100, Some(Ok)), (300, Some(NoConnection))],
                vec![ack(1, 310, NoConnection)],
                (vec![(300, NoConnection, Some(310))], vec![]),
            ),
            (
                "an acknowledgement older than the outage is not its own",
                vec![(-100, Some(Ok)), (300, Some(NoConnection))],
                vec![ack(1, 200, NoConnection)],
                (vec![(300, NoConnection, None)], vec![]),
            ),
            (
                "a passing unknown inside an outage neither splits nor ends it, nor its acknowledgement",
                vec![(-100, Some(Ok)), (100, Some(NoConnection)), (120, Some(Unknown)), (140, Some(NoConnection))],
                vec![ack(1, 110, NoConnection)],
                (vec![(100, NoConnection, Some(110))], vec![]),
            ),
            (
                "unknown alone is no outage; an outage ending in unknown is still open",
                vec![
                    (-100, Some(Ok)),
                    (100, Some(Unknown)),
                    (150, Some(Ok)),
                    (200, Some(DmsNotResponding)),
                    (210, Some(Unknown)),
                ],
                vec![],
                (vec![(200, DmsNotResponding, None)], vec![]),
            ),
            (
                "another outage state is another outage, as for an acknowledgement",
                vec![(-100, Some(Ok)), (100, Some(NoConnection)), (160, Some(DmsNotResponding)), (200, Some(Ok))],
                vec![],
                (vec![], vec![(100, 160, false), (160, 200, false)]),
            ),
            (
                "ended before the period: not told",
                vec![(-100, Some(NoConnection)), (-50, Some(Ok)), (100, Some(Ok))],
                vec![],
                (vec![], vec![]),
            ),
            (
                "a system that left its organization ends its outage",
                vec![(-100, Some(NoConnection)), (100, None)],
                vec![],
                (vec![], vec![(-100, 100, true)]),
            ),
        ];
        for (case, changes, acks, expected) in cases {
            assert_eq!(outages(&report_of(&changes, &acks)), expected, "{case}");
        }
    }

    #[test]
    fn more_changes_of_state_than_the_threshold_is_flapping() {
        let alternating = |n: i64| -> Vec<(i64, Option<ApiState>)> {
            let mut changes = vec![(-10, Some(Ok))];
            changes.extend((1..=n).map(|i| (i * 10, Some(if i % 2 == 1 { NoConnection } else { Ok }))));
            changes
        };
        let flapping = |changes: &[(i64, Option<ApiState>)]| report_of(changes, &[]).flapping;
        assert_eq!(flapping(&alternating(5)), vec![Flapping { system: "Ziine".into(), changes: 5 }]);
        assert_eq!(flapping(&alternating(4)), vec![], "4 changes is not more than 4");
        let mut with_unknowns = alternating(4);
        with_unknowns.extend([(100, Some(Unknown)), (110, Some(Ok)), (120, Some(Unknown)), (130, Some(Ok))]);
        assert_eq!(flapping(&with_unknowns), vec![], "a passing unknown is no change of state");
        let mut before = alternating(4);
        before.insert(1, (-5, Some(NoConnection)));
        before.insert(1, (-8, Some(DmsNotResponding)));
        assert_eq!(flapping(&before), vec![], "changes before the period do not count");
    }

    #[test]
    fn uptime_over_the_last_seven_days_lowest_first() {
        // The week is minutes -9480 to 600; Tokyo is down for 1008 of its 10080 minutes.
        let tokyo = system(2, "Tokyo", &[(-20_000, Some(Ok)), (-1000, Some(NoConnection)), (8, Some(Ok))]);
        let ziine = system(1, "Ziine", &[(-20_000, Some(Ok))]);
        let young = system(3, "Antwerp", &[(300, Some(Ok)), (450, Some(DmsNotResponding))]);
        let gone = system(4, "Gone", &[(-30_000, Some(NoConnection)), (-20_000, None)]);
        let report = handover(&[org(vec![ziine, tokyo, young, gone])], &[], period(), 4);
        let uptime: Vec<(&str, Option<f64>)> =
            report.organizations[0].uptime.iter().map(|u| (u.system.as_str(), u.uptime)).collect();
        assert_eq!(uptime, [("Antwerp", Some(0.5)), ("Tokyo", Some(0.9)), ("Ziine", Some(1.0))]);
        assert_eq!(outages(&report.organizations[0]), (vec![(450, DmsNotResponding, None)], vec![(-1000, 8, false)]));
    }

    fn sample() -> Handover {
        let systems = vec![
            system(1, "Ziine", &[(-100, Some(Ok)), (300, Some(NoConnection))]),
            system(2, "Tokyo MCR", &[(-100, Some(Ok)), (-30, Some(DmsNotResponding)), (45, Some(Ok))]),
            system(3, "Gone", &[(-100, Some(NoConnection)), (100, None)]),
        ];
        let mut flapper = vec![(-10, Some(Ok))];
        flapper.extend((1..=5).map(|i| (i * 10, Some(if i % 2 == 1 { NoConnection } else { Ok }))));
        let mut systems = systems;
        systems.push(system(4, "Antwerp", &flapper));
        handover(&[org(systems)], &[ack(1, 310, NoConnection)], period(), 4)
    }

    #[test]
    fn markdown_reads_as_tables_per_organization() {
        let text = markdown(&sample(), &clock);
        let expected = "\
# Handover: 2026-11-18 11:06 to 2026-11-18 21:06

## Skyline

### Still open

| System | State | Since | For | Acknowledged |
| --- | --- | --- | --- | --- |
| Antwerp | No connection to dataminer.services | 2026-11-18 11:56 | 9 h 10 min | no |
| Ziine | No connection to dataminer.services | 2026-11-18 16:06 | 5 h | by alice, 2026-11-18 16:16 |

### Ended

| System | State | Start | End | Duration |
| --- | --- | --- | --- | --- |
| Gone | No connection to dataminer.services | 2026-11-18 09:26 | 2026-11-18 12:46 (removed from the organization) | 3 h 20 min |
| Tokyo MCR | Cloud connection valid, DMS not responding | 2026-11-18 10:36 | 2026-11-18 11:51 | 1 h 15 min |
| Antwerp | No connection to dataminer.services | 2026-11-18 11:16 | 2026-11-18 11:26 | 10 min |
| Antwerp | No connection to dataminer.services | 2026-11-18 11:36 | 2026-11-18 11:46 | 10 min |

### Flapping: more than 4 changes of state

| System | Changes of state |
| --- | --- |
| Antwerp | 5 |

### Uptime over the last 7 days

| System | Uptime |
| --- | --- |
| Gone | 0.0 % connected |
| Antwerp | 6.5 % connected |
| Ziine | 57.1 % connected |
| Tokyo MCR | 89.2 % connected |
";
        assert_eq!(text, expected);
    }

    /// One system with a name that means something to each format.
    fn named(name: &str) -> Handover {
        let systems = vec![system(1, name, &[(-100, Some(Ok)), (300, Some(DmsNotResponding))])];
        handover(&[org(systems)], &[], period(), 4)
    }

    #[test]
    fn a_name_is_data_in_markdown_never_markup() {
        let text = markdown(&named("A|B *bold* <img src=x> [link](y) #1"), &clock);
        assert!(
            text.contains("| A\\|B \\*bold\\* \\<img src=x\\> \\[link\\](y) \\#1 | Cloud connection valid"),
            "{text}"
        );
    }

    #[test]
    fn html_is_a_page_of_its_own_with_every_name_escaped() {
        let page = html(&named("<script>alert('x')</script> & \"co\""), &clock);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{page}");
        assert!(page.contains("<title>Handover: 2026-11-18 11:06 to 2026-11-18 21:06</title>"), "{page}");
        assert!(
            page.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</td>"),
            "{page}"
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("<h3>Ended</h3>\n<p>None.</p>"), "{page}");
        assert!(page.ends_with("</body>\n</html>\n"));
    }

    #[test]
    fn csv_has_a_row_per_outage_flapping_and_uptime() {
        let text = csv(&sample(), &clock);
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert_eq!(
            lines[0],
            "organization,system,kind,state,start,end,minutes,acknowledged_by,acknowledged_at,changes_of_state,uptime_percent"
        );
        assert_eq!(
            lines[1],
            "Skyline,Antwerp,open outage,No connection to dataminer.services,2026-11-18 11:56,,550,,,,"
        );
        assert_eq!(
            lines[2],
            "Skyline,Ziine,open outage,No connection to dataminer.services,2026-11-18 16:06,,300,alice,2026-11-18 16:16,,"
        );
        assert_eq!(
            lines[3],
            "Skyline,Gone,outage until removed,No connection to dataminer.services,2026-11-18 09:26,2026-11-18 12:46,200,,,,"
        );
        assert!(lines.contains(&"Skyline,Antwerp,flapping,,,,,,,5,"), "{text}");
        assert!(lines.contains(&"Skyline,Tokyo MCR,uptime,,,,,,,,89.2"), "{text}");
        assert_eq!(lines.len(), 1 + 2 + 4 + 1 + 4, "{text}");
        assert!(text.ends_with("\r\n"));
    }

    #[test]
    fn csv_quotes_what_needs_it_and_never_writes_a_formula() {
        let cases = [
            ("Tokyo MCR", "Tokyo MCR"),
            ("Tokyo, MCR", "\"Tokyo, MCR\""),
            ("The \"big\" one", "\"The \"\"big\"\" one\""),
            ("two\nlines", "\"two\nlines\""),
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
        ];
        for (name, field) in cases {
            let text = csv(&named(name), &clock);
            let row = text.split_terminator("\r\n").nth(1).unwrap();
            assert!(row.starts_with(&format!("Skyline,{field},open outage,")), "{name:?}: {row}");
        }
    }

    #[test]
    fn an_empty_history_says_so() {
        let report = handover(&[], &[], period(), 4);
        assert!(markdown(&report, &clock).ends_with("\n\nThe history holds no organization.\n"));
        assert_eq!(csv(&report, &clock).lines().count(), 1, "only the header");
    }

    #[test]
    fn spans_read_to_the_minute() {
        let cases = [
            (30, "under 1 min"),
            (60, "1 min"),
            (45 * 60 + 59, "45 min"),
            (3600, "1 h"),
            (2 * 3600 + 5 * 60, "2 h 5 min"),
            (86_400 + 59 * 60, "1 d"),
            (3 * 86_400 + 4 * 3600 + 30 * 60, "3 d 4 h"),
        ];
        for (seconds, words) in cases {
            assert_eq!(span_words(Duration::seconds(seconds)), words, "{seconds} s");
        }
    }
}
