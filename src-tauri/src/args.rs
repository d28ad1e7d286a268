//! The popup's command line, as the monitor writes it (and the end-to-end
//! tests, through tauri-driver).

use std::path::PathBuf;

pub const USAGE: &str = "usage: dms-tray-popup --socket PATH [--at X,Y] [--settings]\n\
    The popup is started by dms-tray; run dms-tray and click its tray icon.";

#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    /// The monitor's channel.
    pub socket: PathBuf,
    /// Where the tray icon was clicked, in screen pixels.
    pub at: Option<(f64, f64)>,
    /// Open on the Settings view.
    pub settings: bool,
}

impl Args {
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
        let (mut socket, mut at, mut settings) = (None, None, false);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--socket" => socket = Some(PathBuf::from(args.next().ok_or("--socket needs a path")?)),
                "--at" => {
                    let value = args.next().ok_or("--at needs X,Y")?;
                    at = Some(position(&value).ok_or_else(|| format!("--at {value:?} is not X,Y in pixels"))?);
                }
                "--settings" => settings = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(Args { socket: socket.ok_or("--socket is missing")?, at, settings })
    }
}

fn position(value: &str) -> Option<(f64, f64)> {
    let (x, y) = value.split_once(',')?;
    Some((x.trim().parse::<i32>().ok()?.into(), y.trim().parse::<i32>().ok()?.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn the_monitor_s_command_line_reads_back() {
        let args =
            parse(&["--socket", "/run/user/1000/dms-tray/monitor.sock", "--at", "1200,12", "--settings"]).unwrap();
        assert_eq!(args.socket, PathBuf::from("/run/user/1000/dms-tray/monitor.sock"));
        assert_eq!(args.at, Some((1200.0, 12.0)));
        assert!(args.settings);
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(parse(&[]).unwrap_err(), "--socket is missing");
        assert!(parse(&["--socket", "s", "--at", "12"]).unwrap_err().contains("\"12\" is not X,Y"));
        assert!(parse(&["--socket", "s", "--verbose"]).unwrap_err().contains("unknown argument \"--verbose\""));
    }
}
