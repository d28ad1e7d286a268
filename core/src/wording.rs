//! One home for the sentences that several parts of dms-tray say about how
//! many systems need attention, so that the tray, its menu, the popup, the
//! notifications and `dms-tray status` never disagree on a word.

use crate::view::SystemView;

/// How many of an organization's (or all organizations') systems need
/// attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attention {
    pub attention: usize,
    pub total: usize,
}

impl Attention {
    pub fn of<'a>(systems: impl IntoIterator<Item = &'a SystemView>) -> Attention {
        let (mut attention, mut total) = (0, 0);
        for system in systems {
            total += 1;
            attention += usize::from(system.needs_attention());
        }
        Attention { attention, total }
    }

    /// "2 of 14 systems need attention", "1 of 14 systems needs attention",
    /// "all 14 systems connected".
    pub fn sentence(self) -> String {
        let Attention { attention, total } = self;
        match attention {
            0 => format!("all {total} system{} connected", plural(total)),
            n => format!("{n} of {total} system{} {} attention", plural(total), need(n)),
        }
    }

    /// The same without the word "systems", for a line that already names
    /// an organization: "2 of 14 need attention", "all 14 connected",
    /// "connected" (its only system), "no systems".
    pub fn short(self) -> String {
        let Attention { attention, total } = self;
        match (attention, total) {
            (_, 0) => "no systems".to_string(),
            (0, 1) => "connected".to_string(),
            (0, _) => format!("all {total} connected"),
            (n, _) => format!("{n} of {total} {} attention", need(n)),
        }
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
        let a = |attention, total| Attention { attention, total };
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
}
