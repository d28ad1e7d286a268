//! Plays the alert sounds: synthesizes the core's notes and sends them to
//! the default audio output (ALSA, WASAPI, CoreAudio, through rodio), on a
//! thread of its own so that nothing else waits for audio. The output is
//! opened only while a sound plays, so that dms-tray holds no audio device
//! all day; a machine without one only gets a line in the log.

use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use dms_tray_core::sound::Sound;
use rodio::source::{SineWave, Source};

/// How loud the notes are, of full scale: audible, never harsh.
const VOLUME: f32 = 0.3;
/// The output stays open this much longer than the notes, so that none is cut.
const TAIL: Duration = Duration::from_millis(250);

pub struct SoundPlayer {
    queue: Sender<Sound>,
}

impl SoundPlayer {
    pub fn start() -> SoundPlayer {
        let (queue, sounds) = mpsc::channel::<Sound>();
        std::thread::Builder::new()
            .name("sound".into())
            .spawn(move || {
                for sound in sounds {
                    match play(sound) {
                        Ok(()) => log::info!("played the {sound:?} sound"),
                        Err(e) => log::warn!("cannot play the {sound:?} sound: {e}"),
                    }
                }
            })
            .expect("a thread starts");
        SoundPlayer { queue }
    }

    /// Plays `sound` after those already waiting.
    pub fn play(&self, sound: Sound) {
        let _ = self.queue.send(sound);
    }
}

fn play(sound: Sound) -> Result<(), rodio::DeviceSinkError> {
    let mut output = rodio::DeviceSinkBuilder::open_default_sink()?;
    output.log_on_drop(false);
    for note in sound.notes() {
        let tone =
            SineWave::new(note.hz).take_duration(note.length).fade_out(note.length).amplify(VOLUME).delay(note.start);
        output.mixer().add(tone);
    }
    std::thread::sleep(sound.length() + TAIL);
    Ok(())
}
