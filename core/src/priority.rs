//! How much each system matters to the people watching it: **on air**,
//! **normal** or **lab**. Set by hand from the popup, or by name patterns
//! per organization in the configuration; the hand wins over the patterns.
//! The priority decides a notification's urgency, whether quiet hours and
//! a pause hold it back, and the order of the popup and the menu.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::alerts::SystemRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    /// On air: always told, even in quiet hours and a pause, unless muted by hand.
    OnAir,
    #[default]
    Normal,
    /// A lab or test system: told quietly.
    Lab,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::OnAir, Priority::Normal, Priority::Lab];

    /// The word the configuration and the JSON documents use.
    pub fn key(self) -> &'static str {
        match self {
            Priority::OnAir => "on-air",
            Priority::Normal => "normal",
            Priority::Lab => "lab",
        }
    }

    /// The word people read.
    pub fn label(self) -> &'static str {
        match self {
            Priority::OnAir => "on air",
            Priority::Normal => "normal",
            Priority::Lab => "lab",
        }
    }

    pub fn from_key(key: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// `[[organizations.priority]] pattern = "*Playout*" level = "on-air"`: a
/// name pattern where `*` is any run of characters and `?` one character,
/// matched without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityRule {
    pub pattern: String,
    pub level: Priority,
}

impl PriorityRule {
    pub fn matches(&self, name: &str) -> bool {
        wildcard_match(&self.pattern.to_lowercase(), &name.to_lowercase())
    }
}

/// The priority of every system: the hand-set ones, else the first rule
/// of the system's organization that matches its name, else normal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Priorities {
    /// Each organization's rules, in the order of the file.
    pub rules: HashMap<uuid::Uuid, Vec<PriorityRule>>,
    /// Set from the popup; kept across restarts by the shell.
    pub by_hand: HashMap<SystemRef, Priority>,
}

impl Priorities {
    pub fn of(&self, system: SystemRef, name: &str) -> Priority {
        if let Some(priority) = self.by_hand.get(&system) {
            return *priority;
        }
        self.rules
            .get(&system.organization)
            .and_then(|rules| rules.iter().find(|rule| rule.matches(name)))
            .map_or(Priority::Normal, |rule| rule.level)
    }
}

/// `*` and `?` wildcards, iteratively with one backtrack point, so that no
/// pattern can take more than quadratic time.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_pi, star_ti)) = star {
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn rule(pattern: &str, level: Priority) -> PriorityRule {
        PriorityRule { pattern: pattern.into(), level }
    }

    #[test]
    fn patterns_match_names_without_regard_to_case() {
        let cases = [
            ("*Playout*", "Main playout 1", true),
            ("*Playout*", "Playout", true),
            ("*Playout*", "Encoder", false),
            ("Lab-?", "lab-3", true),
            ("Lab-?", "lab-30", false),
            ("*", "anything", true),
            ("Ziine", "Ziine", true),
            ("Ziine", "Ziine 2", false),
            ("a*b*c", "a-x-b-y-c", true),
            ("a*b*c", "a-x-c-y-b", false),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(rule(pattern, Priority::Lab).matches(name), expected, "{pattern} ~ {name}");
        }
    }

    #[test]
    fn the_hand_wins_then_the_first_matching_rule_then_normal() {
        let org = Uuid::from_u128(1);
        let at = |n| SystemRef { organization: org, system: Uuid::from_u128(n) };
        let mut priorities = Priorities::default();
        priorities.rules.insert(org, vec![rule("*playout*", Priority::OnAir), rule("*", Priority::Lab)]);
        assert_eq!(priorities.of(at(1), "Playout A"), Priority::OnAir);
        assert_eq!(priorities.of(at(2), "Encoder"), Priority::Lab);
        priorities.by_hand.insert(at(1), Priority::Normal);
        assert_eq!(priorities.of(at(1), "Playout A"), Priority::Normal);
        let other = SystemRef { organization: Uuid::from_u128(2), system: Uuid::from_u128(3) };
        assert_eq!(priorities.of(other, "Playout B"), Priority::Normal);
    }

    #[test]
    fn keys_round_trip_and_order_puts_on_air_first() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_key(p.key()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.key());
        }
        assert!(Priority::OnAir < Priority::Normal && Priority::Normal < Priority::Lab);
        assert_eq!(Priority::from_key("urgent"), None);
    }
}
