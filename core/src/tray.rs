//! What the tray shows at a glance: one look for the worst effective state
//! over every organization, the number of systems that need attention, and
//! the tooltip that says it in words.

use serde::{Deserialize, Serialize};

use crate::api::ApiState;
use crate::view::{SystemView, View};
use crate::wording::Attention;

/// The tray icon's looks, from the calmest to the most alarming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrayLevel {
    /// Nothing to watch: the configuration lists no organization.
    NoOrganizations,
    Ok,
    /// An organization has not answered its first poll yet.
    Starting,
    /// Connected, but with fewer Cloud Gateways than installed.
    Degraded,
    Unknown,
    /// An organization cannot be polled: key rejected, API unreachable.
    OrganizationError,
    DmsNotResponding,
    NoConnection,
}

impl TrayLevel {
    pub const ALL: [TrayLevel; 8] = [
        TrayLevel::NoOrganizations,
        TrayLevel::Ok,
        TrayLevel::Starting,
        TrayLevel::Degraded,
        TrayLevel::Unknown,
        TrayLevel::OrganizationError,
        TrayLevel::DmsNotResponding,
        TrayLevel::NoConnection,
    ];
}

/// The tray icon's look: it is only re-set when this value changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct TrayLook {
    pub level: TrayLevel,
    /// Systems that need attention and are not acknowledged; while any of
    /// them is on air, only those on air. 0 shows no count.
    pub count: u32,
    /// The count is of on-air systems (an on-air badge).
    pub on_air: bool,
}

impl TrayLook {
    /// A look without a count.
    pub fn plain(level: TrayLevel) -> TrayLook {
        TrayLook { level, count: 0, on_air: false }
    }
}

fn system_level(system: &SystemView) -> TrayLevel {
    match system.state {
        ApiState::NoConnection => TrayLevel::NoConnection,
        ApiState::DmsNotResponding => TrayLevel::DmsNotResponding,
        ApiState::Unknown => TrayLevel::Unknown,
        ApiState::Ok if system.redundancy_degraded() => TrayLevel::Degraded,
        ApiState::Ok => TrayLevel::Ok,
    }
}

/// The worst look over all organizations. An acknowledged outage still
/// colours the icon (the system is still down) but leaves the count.
pub fn tray_look(view: &View) -> TrayLook {
    if view.organizations.is_empty() {
        return TrayLook::plain(TrayLevel::NoOrganizations);
    }
    let systems = || view.organizations.iter().flat_map(|o| &o.systems);
    let attention = Attention::of(systems());
    let on_air = attention.on_air > 0;
    let count = if on_air { attention.on_air } else { attention.attention } as u32;
    let org_level = view.organizations.iter().map(|org| match &org.error {
        Some(error) if !error.kind.keeps_last_states() => TrayLevel::OrganizationError,
        _ if !org.has_data() || org.updating => TrayLevel::Starting,
        _ => TrayLevel::Ok,
    });
    let level = org_level.chain(systems().map(system_level)).max().unwrap_or(TrayLevel::Ok);
    TrayLook { level, count, on_air }
}

/// The tray's title while the configuration file cannot be used (the
/// tooltip's text then gives the reason).
pub const CONFIG_PROBLEM_TITLE: &str = "dms-tray — the configuration file cannot be used";

/// "dms-tray — 2 of 14 systems need attention", and the like.
pub fn tooltip(view: &View) -> String {
    if view.organizations.is_empty() {
        return "dms-tray — no organizations configured".to_string();
    }
    let failing: Vec<&str> = view.organizations.iter().filter(|o| o.error.is_some()).map(|o| o.name.as_str()).collect();
    let attention = Attention::of(view.organizations.iter().flat_map(|o| &o.systems));
    let mut parts = Vec::new();
    if view.organizations.iter().any(|o| o.updating) {
        parts.push("updating…".to_string());
    }
    match attention.total {
        0 if failing.is_empty() && parts.is_empty() => parts.push("updating…".to_string()),
        0 => {}
        _ => parts.push(attention.sentence()),
    }
    if !failing.is_empty() {
        parts.push(format!("cannot poll {}", failing.join(", ")));
    }
    format!("dms-tray — {}", parts.join("; "))
}

/// The one text of a tray that shows no title and at most `limit` UTF-16
/// units (the Windows notification area: 127): the title, then as many
/// whole lines of the description as fit, and "…" for those left out.
pub fn bounded_tooltip(title: &str, description: &str, limit: usize) -> String {
    const MORE: &str = "…";
    let units = |text: &str| text.encode_utf16().count();
    let mut text: String = title
        .chars()
        .scan(0, |used, c| {
            *used += c.len_utf16();
            (*used <= limit).then_some(c)
        })
        .collect();
    let mut lines = description.lines().filter(|line| !line.is_empty()).peekable();
    while let Some(line) = lines.next() {
        let room = limit - units(&text);
        let needed = 1 + units(line) + if lines.peek().is_some() { 1 + units(MORE) } else { 0 };
        if needed > room {
            if room > units(MORE) {
                text.push('\n');
                text.push_str(MORE);
            }
            break;
        }
        text.push('\n');
        text.push_str(line);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiState::*, CloudGateways};
    use crate::poll::{PollErrorKind, PollOutcome};
    use crate::view::tests::{at, failed, fresh, org_id, system};
    use crate::view::OrgSnapshot;
    use uuid::Uuid;

    fn view(orgs: &[&[PollOutcome]]) -> View {
        View {
            organizations: orgs
                .iter()
                .enumerate()
                .map(|(i, outcomes)| {
                    let mut snap = OrgSnapshot::new(Uuid::from_u128(i as u128 + 1), Some(format!("Org{i}")));
                    for outcome in *outcomes {
                        snap.record(outcome, at(0));
                    }
                    snap.view()
                })
                .collect(),
        }
    }

    #[test]
    fn the_worst_state_wins_and_problems_are_counted() {
        let mut degraded = system(9, "Gent", Ok);
        degraded.cloud_gateways = CloudGateways { connected: 2, total: 3 };
        let cases: Vec<(View, TrayLevel, u32)> = vec![
            (View::default(), TrayLevel::NoOrganizations, 0),
            (view(&[&[]]), TrayLevel::Starting, 0),
            (view(&[&[fresh(vec![system(1, "A", Ok)])]]), TrayLevel::Ok, 0),
            (view(&[&[fresh(vec![system(1, "A", Ok), degraded.clone()])]]), TrayLevel::Degraded, 1),
            (view(&[&[fresh(vec![degraded, system(2, "B", Unknown)])]]), TrayLevel::Unknown, 2),
            (
                view(&[&[fresh(vec![system(2, "B", Unknown)])], &[failed(PollErrorKind::KeyRejected)]]),
                TrayLevel::OrganizationError,
                1,
            ),
            (
                view(&[&[fresh(vec![system(3, "C", DmsNotResponding)])], &[failed(PollErrorKind::KeyRejected)]]),
                TrayLevel::DmsNotResponding,
                1,
            ),
            (
                view(&[&[fresh(vec![system(3, "C", DmsNotResponding), system(4, "D", NoConnection)])]]),
                TrayLevel::NoConnection,
                2,
            ),
            (view(&[&[fresh(vec![system(1, "A", Ok)])], &[]]), TrayLevel::Starting, 0),
        ];
        for (view, level, count) in cases {
            assert_eq!(tray_look(&view), TrayLook { level, count, on_air: false }, "{view:?}");
        }
    }

    #[test]
    fn a_failing_organization_shows_its_systems_as_unknown_and_itself_as_an_error() {
        let v = view(&[&[fresh(vec![system(1, "A", Ok)]), failed(PollErrorKind::ServiceError)]]);
        assert_eq!(tray_look(&v), TrayLook { level: TrayLevel::OrganizationError, count: 1, on_air: false });
        // A rate limit keeps the last states and is no alarm of its own.
        let v = view(&[&[fresh(vec![system(1, "A", Ok)]), failed(PollErrorKind::RateLimited)]]);
        assert_eq!(tray_look(&v), TrayLook::plain(TrayLevel::Ok));
    }

    #[test]
    fn acknowledged_outages_leave_the_count_and_on_air_problems_are_counted_apart() {
        use crate::alerts::SystemRef;
        use crate::priority::Priority;
        let mut monitor = crate::monitor::Monitor::new([(org_id(), None)]);
        let at_system = |n| SystemRef { organization: org_id(), system: Uuid::from_u128(n) };
        let systems = vec![system(1, "A", NoConnection), system(2, "B", DmsNotResponding), system(3, "C", Ok)];
        monitor.record(org_id(), &fresh(systems), at(0));
        assert_eq!(tray_look(monitor.view()), TrayLook { level: TrayLevel::NoConnection, count: 2, on_air: false });
        monitor.acknowledge(at_system(1), "alice", at(1)).unwrap();
        assert_eq!(
            tray_look(monitor.view()),
            TrayLook { level: TrayLevel::NoConnection, count: 1, on_air: false },
            "still red: the system is still down"
        );
        assert_eq!(tooltip(monitor.view()), "dms-tray — 1 of 3 systems needs attention, 1 acknowledged");
        monitor.set_priority(at_system(2), Some(Priority::OnAir));
        monitor.record(
            org_id(),
            &fresh(vec![system(1, "A", NoConnection), system(2, "B", DmsNotResponding), system(3, "C", Unknown)]),
            at(2),
        );
        assert_eq!(tray_look(monitor.view()), TrayLook { level: TrayLevel::NoConnection, count: 1, on_air: true });
        assert_eq!(tooltip(monitor.view()), "dms-tray — 2 of 3 systems need attention (1 on air), 1 acknowledged");
        monitor.acknowledge(at_system(2), "alice", at(3)).unwrap();
        assert_eq!(tray_look(monitor.view()), TrayLook { level: TrayLevel::NoConnection, count: 1, on_air: false });
    }

    #[test]
    fn after_a_resume_old_greens_show_as_updating() {
        let mut monitor = crate::monitor::Monitor::new([(org_id(), None)]);
        monitor.record(org_id(), &fresh(vec![system(1, "A", Ok)]), at(0));
        assert_eq!(tray_look(monitor.view()).level, TrayLevel::Ok);
        monitor.mark_updating();
        assert_eq!(tray_look(monitor.view()).level, TrayLevel::Starting);
        monitor.record(org_id(), &fresh(vec![system(1, "A", Ok)]), at(1));
        assert_eq!(tray_look(monitor.view()).level, TrayLevel::Ok);
    }

    #[test]
    fn tooltips_say_it_in_words() {
        let mut snap = OrgSnapshot::new(org_id(), None);
        snap.record(&fresh(vec![system(1, "A", Ok), system(2, "B", Ok)]), at(0));
        let all_ok = View { organizations: vec![snap.view()] };
        assert_eq!(tooltip(&all_ok), "dms-tray — all 2 systems connected");

        snap.record(&fresh(vec![system(1, "A", Ok), system(2, "B", NoConnection)]), at(1));
        let one_down = View { organizations: vec![snap.view()] };
        assert_eq!(tooltip(&one_down), "dms-tray — 1 of 2 systems needs attention");

        let failing = view(&[&[failed(PollErrorKind::Network)]]);
        assert_eq!(tooltip(&failing), "dms-tray — cannot poll Org0");
        assert_eq!(tooltip(&View::default()), "dms-tray — no organizations configured");
        assert_eq!(tooltip(&view(&[&[]])), "dms-tray — updating…");
    }

    #[test]
    fn a_tooltip_bounded_by_windows_keeps_the_title_and_whole_lines() {
        let title = "dms-tray — 2 of 14 systems need attention";
        let description = "Broadcast: 1 of 10 need attention\nLab: 1 of 4 needs attention";
        assert_eq!(bounded_tooltip(title, description, 127), format!("{title}\n{description}"));

        let long: String = (1..=9).map(|n| format!("Organization {n}: all 10 systems connected\n")).collect();
        let text = bounded_tooltip(title, &long, 127);
        assert!(text.encode_utf16().count() <= 127, "{text}");
        assert!(text.starts_with(title));
        assert!(text.ends_with("\n…"), "lines left out are said to be: {text}");
        let shown: Vec<&str> = text.lines().skip(1).filter(|line| *line != "…").collect();
        assert!(!shown.is_empty() && shown.iter().all(|line| long.lines().any(|l| l == *line)), "whole lines only");

        let endless_title = "x".repeat(300);
        assert_eq!(bounded_tooltip(&endless_title, description, 127), "x".repeat(127));
    }
}
