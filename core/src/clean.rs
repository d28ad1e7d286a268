//! Text from the status API is shown in the tray menu, notifications, the
//! log, the popup and the terminal. A name with control characters could
//! write escape sequences to a terminal or a log, and one with bidi
//! overrides could show "Ziine OK" while saying something else; a name of a
//! megabyte would fill every menu. Such text is cleaned once, where the
//! document is read, so that nothing downstream has to think of it.

use std::borrow::Cow;

/// The longest name the contract allows, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// `text` without control characters (C0, DEL, C1) and bidirectional
/// formatting characters, cut to `max_chars` characters with "…" at the end
/// when it is longer. Borrows when there is nothing to change.
pub fn clean(text: &str, max_chars: usize) -> Cow<'_, str> {
    let mut chars = 0;
    let untouched = text.chars().all(|c| {
        chars += 1;
        chars <= max_chars && !is_unsafe(c)
    });
    if untouched {
        return Cow::Borrowed(text);
    }
    let kept: Vec<char> = text.chars().filter(|c| !is_unsafe(*c)).collect();
    if kept.len() <= max_chars {
        return Cow::Owned(kept.into_iter().collect());
    }
    let mut cut: String = kept[..max_chars.saturating_sub(1)].iter().collect();
    cut.push('…');
    Cow::Owned(cut)
}

/// Cleans `text` in place (see [`clean`]).
pub fn clean_in_place(text: &mut String, max_chars: usize) {
    if let Cow::Owned(cleaned) = clean(text, max_chars) {
        *text = cleaned;
    }
}

/// Control characters, and the characters that change the direction text
/// is shown in (embeddings, overrides, isolates and marks).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_borrowed_as_they_are() {
        for name in ["Ziine", "Ziine Playout – Brüssel", "東京 DMS", "مرحبا"] {
            assert!(matches!(clean(name, MAX_NAME_CHARS), Cow::Borrowed(n) if n == name), "{name}");
        }
    }

    #[test]
    fn escape_sequences_and_other_controls_are_removed() {
        assert_eq!(clean("\u{1b}[31mRed\u{1b}[0m", 200), "[31mRed[0m");
        assert_eq!(clean("Zi\u{0}i\tn\re\n\u{7f}", 200), "Ziine");
        assert_eq!(clean("C1\u{9b}31m", 200), "C131m");
    }

    #[test]
    fn bidi_overrides_cannot_turn_text_around() {
        assert_eq!(clean("Ziine \u{202E}KO\u{202C}", 200), "Ziine KO");
        assert_eq!(clean("\u{2066}a\u{2069}\u{200F}b\u{200E}\u{61C}", 200), "ab");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_on_a_character_boundary() {
        let long = "é".repeat(1_000_000);
        let cut = clean(&long, MAX_NAME_CHARS);
        assert_eq!(cut.chars().count(), MAX_NAME_CHARS);
        assert!(cut.ends_with("é…"));
        assert_eq!(clean(&"a".repeat(200), 200).chars().count(), 200);
        assert_eq!(clean(&"\u{1b}".repeat(500), 200), "");
    }

    #[test]
    fn in_place_cleaning_leaves_clean_text_alone() {
        let mut name = String::from("Ziine\u{1b}");
        clean_in_place(&mut name, 200);
        assert_eq!(name, "Ziine");
    }
}
