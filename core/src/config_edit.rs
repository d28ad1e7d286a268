//! Changes the configuration file the way a careful person would: only the
//! setting asked for, keeping every comment, blank line and the order of the
//! user's file (toml_edit), and never producing a file that does not parse.

use std::path::Path;
use std::time::Duration;

use toml_edit::{value, DocumentMut};

use crate::config::{self, MIN_POLL_INTERVAL};

/// Reads a poll interval as typed in the settings ("30s", "2m"), with the
/// same floor as the configuration file.
pub fn parse_poll_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let interval = humantime::parse_duration(text)
        .map_err(|e| format!("\"{text}\" is not a duration ({e}); write it like \"60s\" or \"2m\""))?;
    if interval < MIN_POLL_INTERVAL {
        return Err(format!(
            "\"{text}\" is shorter than {}; dms-tray polls at most every 5 seconds",
            humantime::format_duration(MIN_POLL_INTERVAL)
        ));
    }
    Ok(interval)
}

/// The file's text with `poll_interval` set to `interval`, checked by
/// parsing the result as a configuration.
pub fn set_poll_interval(path: &Path, text: &str, interval: Duration) -> Result<String, String> {
    let mut document: DocumentMut = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let formatted = humantime::format_duration(interval).to_string();
    match document.get_mut("poll_interval").and_then(|item| item.as_value_mut()) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = formatted.into();
            *old.decor_mut() = decor;
        }
        None => {
            document.insert("poll_interval", value(formatted));
            // A new top-level key must come before the first table to stay top-level;
            // toml_edit places it there when the document is written.
        }
    }
    let edited = document.to_string();
    config::parse(path, &edited).map_err(|e| e.to_string())?;
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# My organizations\n\
poll_interval = \"60s\"   # once a minute\n\
\n\
[[organizations]]\n\
# production\n\
api_url = \"https://api.example\"\n\
id = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\n\
key_env = \"DMS_KEY\"\n";

    #[test]
    fn keeps_comments_and_layout() {
        let edited = set_poll_interval(Path::new("c.toml"), FILE, Duration::from_secs(30)).unwrap();
        assert_eq!(edited, FILE.replace("\"60s\"", "\"30s\""));
    }

    #[test]
    fn adds_the_setting_at_the_top_level_when_missing() {
        let without = FILE.replace("poll_interval = \"60s\"   # once a minute\n", "");
        let edited = set_poll_interval(Path::new("c.toml"), &without, Duration::from_secs(120)).unwrap();
        let config = config::parse(Path::new("c.toml"), &edited).unwrap();
        assert_eq!(config.poll_interval, Duration::from_secs(120));
        assert!(edited.contains("# production"));
        assert_eq!(config.organizations.len(), 1);
    }

    #[test]
    fn refuses_a_broken_file_and_does_not_write_it() {
        let broken = format!("{FILE}\nkee = 1\n");
        assert!(set_poll_interval(Path::new("c.toml"), &broken, Duration::from_secs(30)).is_err());
    }

    #[test]
    fn reads_intervals_as_typed() {
        assert_eq!(parse_poll_interval(" 2m "), Ok(Duration::from_secs(120)));
        assert_eq!(parse_poll_interval("5s"), Ok(Duration::from_secs(5)));
        assert!(parse_poll_interval("4s").unwrap_err().contains("shorter than 5s"));
        assert!(parse_poll_interval("often").unwrap_err().contains("\"often\" is not a duration"));
    }
}
