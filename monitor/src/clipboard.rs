//! Puts text on the desktop's clipboard (arboard: X11, Windows, macOS), for
//! "Copy incident summary" and the handover report. On X11 the text stays
//! on the clipboard only while its owner lives, so the monitor, which runs
//! all day, owns it rather than the popup, which ends when it hides.

#[derive(Default)]
pub struct Clipboard {
    /// Opened on first use: a machine without a display never needs one.
    opened: Option<arboard::Clipboard>,
}

impl Clipboard {
    /// Puts `text` on the clipboard, or says why it cannot.
    pub fn copy(&mut self, text: &str) -> Result<(), String> {
        let clipboard = match &mut self.opened {
            Some(clipboard) => clipboard,
            None => self.opened.insert(arboard::Clipboard::new().map_err(|e| format!("no clipboard: {e}"))?),
        };
        clipboard.set_text(text).map_err(|e| format!("cannot copy to the clipboard: {e}"))
    }
}
