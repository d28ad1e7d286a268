//! Opens pages in the user's default browser (xdg-open, ShellExecute,
//! `open`), never waiting for it.

/// Opens `url`, or says why it cannot.
pub fn open(url: &str) -> Result<(), String> {
    log::info!("opening {url}");
    open::that_detached(url).map_err(|e| format!("Cannot open the browser: {e}"))
}
