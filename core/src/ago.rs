//! "15 minutes ago": the relative times dataminer.services shows for
//! "last seen online", so that dms-tray reads the same way.

use chrono::{DateTime, Utc};

/// `then` relative to `now`, in words.
pub fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds();
    if seconds < 60 {
        // Includes a `then` slightly in the future (clock skew).
        return "just now".to_string();
    }
    let (n, unit) = match seconds {
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_dataminer_services() {
        let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let cases = [
            (-30, "just now"),
            (0, "just now"),
            (59, "just now"),
            (60, "1 minute ago"),
            (15 * 60 + 20, "15 minutes ago"),
            (3600, "1 hour ago"),
            (5 * 3600 + 59 * 60, "5 hours ago"),
            (86_400, "1 day ago"),
            (40 * 86_400, "40 days ago"),
        ];
        for (seconds, text) in cases {
            assert_eq!(ago(now - chrono::Duration::seconds(seconds), now), text, "{seconds}s");
        }
    }
}
