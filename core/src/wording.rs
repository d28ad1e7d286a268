//! One home for the sentences that several parts of dms-tray say about how
//! many systems need attention, so that the tray, its menu, the popup, the
//! notifications and `dms-tray status` never disagree on a word.

use crate::priority::Priority;
use crate::view::SystemView;

/// How many of an organization's (or all organizations') systems need
/// attention: those nobody has acknowledged yet, how many of them are on
/// air, and those acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attention {
    pub attention: usize,
    pub on_air: usize,
    pub acknowledged: usize,
    pub total: usize,
}

impl Attention {
    pub fn of<'a>(systems: impl IntoIterator<Item = &'a SystemView>) -> Attention {
        let mut counts = Attention::default();
        for system in systems {
            counts.total += 1;
            if system.unacknowledged_problem() {
                counts.attention += 1;
                counts.on_air += usize::from(system.priority == Priority::OnAir);
            } else if system.needs_attention() {
                counts.acknowledged += 1;
            }
        }
        counts
    }

    /// "2 of 14 systems need attention", "1 of 14 systems needs attention",
    /// "all 14 systems connected", "3 of 14 systems need attention (1 on
    /// air), 1 acknowledged", "no system needs attention, 1 acknowledged".
    pub fn sentence(self) -> String {
        let Attention { attention, total, .. } = self;
        let head = match (attention, self.acknowledged) {
            (0, 0) => format!("all {total} system{} connected", plural(total)),
            (0, _) => "no system needs attention".to_string(),
            (n, _) => format!("{n} of {total} system{} {} attention", plural(total), need(n)),
        };
        head + &self.tail()
    }

    /// The same without the word "systems", for a line that already names
    /// an organization: "2 of 14 need attention", "all 14 connected",
    /// "connected" (its only system), "no systems", "none needs attention,
    /// 1 acknowledged".
    pub fn short(self) -> String {
        let Attention { attention, total, .. } = self;
        let head = match (attention, self.acknowledged, total) {
            (_, _, 0) => "no systems".to_string(),
            (0, 0, 1) => "connected".to_string(),
            (0, 0, _) => format!("all {total} connected"),
            (0, _, _) => "none needs attention".to_string(),
            (n, _, _) => format!("{n} of {total} {} attention", need(n)),
        };
        head + &self.tail()
    }

    /// " (1 on air), 2 acknowledged", or what of it applies.
    fn tail(self) -> String {
        let mut tail = String::new();
        if self.on_air > 0 {
            tail.push_str(&format!(" ({} on air)", self.on_air));
        }
        if self.acknowledged > 0 {
            tail.push_str(&format!(", {} acknowledged", self.acknowledged));
        }
        tail
    }
}

/// Upper-cases the first letter, for a sentence that starts a line.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn need(n: usize) -> &'static str {
    if n == 1 {
        "needs"
    } else {
        "need"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_agree_in_number() {
        let a = |attention, total| Attention { attention, total, ..Attention::default() };
        assert_eq!(a(2, 14).sentence(), "2 of 14 systems need attention");
        assert_eq!(a(1, 14).sentence(), "1 of 14 systems needs attention");
        assert_eq!(a(1, 1).sentence(), "1 of 1 system needs attention");
        assert_eq!(a(0, 14).sentence(), "all 14 systems connected");
        assert_eq!(a(0, 1).sentence(), "all 1 system connected");
        assert_eq!(a(2, 14).short(), "2 of 14 need attention");
        assert_eq!(a(1, 14).short(), "1 of 14 needs attention");
        assert_eq!(a(0, 14).short(), "all 14 connected");
        assert_eq!(a(0, 1).short(), "connected");
        assert_eq!(a(0, 0).short(), "no systems");
        assert_eq!(capitalized(&a(0, 3).sentence()), "All 3 systems connected");
    }

    #[test]
    fn on_air_and_acknowledged_systems_are_counted_apart() {
        let a = |attention, on_air, acknowledged| Attention { attention, on_air, acknowledged, total: 14 };
        assert_eq!(a(2, 0, 1).sentence(), "2 of 14 systems need attention, 1 acknowledged");
        assert_eq!(a(3, 1, 0).sentence(), "3 of 14 systems need attention (1 on air)");
        assert_eq!(a(3, 2, 2).short(), "3 of 14 need attention (2 on air), 2 acknowledged");
        assert_eq!(a(0, 0, 1).sentence(), "no system needs attention, 1 acknowledged");
        assert_eq!(a(0, 0, 2).short(), "none needs attention, 2 acknowledged");
    }
}
