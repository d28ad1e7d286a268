//! The alert sounds: which change sounds, and what each sound is. Short
//! chimes made for dms-tray, described here as notes so that the shell only
//! has to synthesize them (no sound files, no licence but the project's).
//! By default only on-air systems sound; quiet hours, a pause and a mute
//! keep every sound back; an on-air outage nobody has acknowledged sounds
//! again every few minutes until someone does or it ends.

use std::time::Duration;

use serde::Serialize;

use crate::api::ApiState;
use crate::priority::Priority;

/// The three sounds, from the calmest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Sound {
    /// Back online: a rising chime.
    Recovery,
    /// Cloud connection valid, DMS not responding: two even notes.
    Warning,
    /// No connection to dataminer.services: a falling alarm, twice.
    Critical,
}

/// One note: its pitch, when it starts and how long it rings (it decays
/// over that time, so that no note clicks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Note {
    pub hz: f32,
    pub start: Duration,
    pub length: Duration,
}

const fn note(hz: f32, start_ms: u64, length_ms: u64) -> Note {
    Note { hz, start: Duration::from_millis(start_ms), length: Duration::from_millis(length_ms) }
}

impl Sound {
    /// The sound a system going to `state` makes, if any.
    pub fn of_state(state: ApiState) -> Option<Sound> {
        match state {
            ApiState::NoConnection => Some(Sound::Critical),
            ApiState::DmsNotResponding => Some(Sound::Warning),
            ApiState::Ok => Some(Sound::Recovery),
            ApiState::Unknown => None,
        }
    }

    /// Its notes, at most 1.2 s in all.
    pub fn notes(self) -> &'static [Note] {
        const CRITICAL: [Note; 4] =
            [note(988.0, 0, 240), note(784.0, 260, 300), note(988.0, 600, 240), note(784.0, 860, 300)];
        const WARNING: [Note; 2] = [note(740.0, 0, 300), note(740.0, 340, 380)];
        const RECOVERY: [Note; 3] = [note(523.0, 0, 220), note(659.0, 160, 220), note(784.0, 320, 480)];
        match self {
            Sound::Critical => &CRITICAL,
            Sound::Warning => &WARNING,
            Sound::Recovery => &RECOVERY,
        }
    }

    /// How long it lasts.
    pub fn length(self) -> Duration {
        self.notes().iter().map(|n| n.start + n.length).max().unwrap_or_default()
    }
}

/// `[sounds]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoundSettings {
    pub critical: bool,
    pub warning: bool,
    pub recovery: bool,
    /// The priorities whose systems sound.
    pub priorities: Vec<Priority>,
    /// How often an unacknowledged on-air outage sounds again; `None`: once.
    pub repeat: Option<chrono::Duration>,
}

impl Default for SoundSettings {
    fn default() -> Self {
        SoundSettings {
            critical: true,
            warning: true,
            recovery: true,
            priorities: vec![Priority::OnAir],
            repeat: Some(chrono::Duration::minutes(5)),
        }
    }
}

impl SoundSettings {
    /// Whether `sound` plays for a system of `priority`.
    pub fn plays(&self, sound: Sound, priority: Priority) -> bool {
        let level = match sound {
            Sound::Critical => self.critical,
            Sound::Warning => self.warning,
            Sound::Recovery => self.recovery,
        };
        level && self.priorities.contains(&priority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sound_is_short_and_starts_at_once() {
        for sound in [Sound::Critical, Sound::Warning, Sound::Recovery] {
            assert!(sound.length() <= Duration::from_millis(1200), "{sound:?}");
            assert_eq!(sound.notes()[0].start, Duration::ZERO);
            assert!(sound.notes().iter().all(|n| (200.0..2000.0).contains(&n.hz)));
        }
        // A recovery rises, an alarm falls.
        let hz = |s: Sound| s.notes().iter().map(|n| n.hz).collect::<Vec<_>>();
        assert!(hz(Sound::Recovery).windows(2).all(|w| w[0] < w[1]));
        assert!(hz(Sound::Critical)[0] > hz(Sound::Critical)[1]);
    }

    #[test]
    fn by_default_only_on_air_systems_sound() {
        let settings = SoundSettings::default();
        assert!(settings.plays(Sound::Critical, Priority::OnAir));
        assert!(!settings.plays(Sound::Critical, Priority::Normal));
        assert!(!settings.plays(Sound::Recovery, Priority::Lab));
        let no_recovery = SoundSettings { recovery: false, ..SoundSettings::default() };
        assert!(!no_recovery.plays(Sound::Recovery, Priority::OnAir));
        assert_eq!(Sound::of_state(ApiState::Unknown), None);
    }
}
