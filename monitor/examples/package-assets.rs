//! Writes dms-tray's man pages and its bash, zsh and fish completions,
//! made from the clap definitions, into FOLDER/man and
//! FOLDER/completions, for the packages (scripts/package.sh):
//!
//!     cargo run --release -p dms-tray --example package-assets -- FOLDER

use std::io;
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

fn main() -> io::Result<()> {
    let folder = PathBuf::from(std::env::args_os().nth(1).unwrap_or_else(|| "dist/assets".into()));
    let (man, completions) = (folder.join("man"), folder.join("completions"));
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    let command = dms_tray::cli::Cli::command();
    // dms-tray.1, and a page per command: dms-tray-status.1, dms-tray-key-set.1, …
    clap_mangen::generate_to(command.clone(), &man)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut command.clone(), "dms-tray", &completions)?;
    }
    Ok(())
}
