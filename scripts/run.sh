#!/usr/bin/env bash
# Builds and runs dms-tray, installing what is missing first. Without a
# configuration file it runs the demo against the built-in simulator.
# Arguments are passed to dms-tray: scripts/run.sh status --demo
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh run
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
# The popup is a program of its own, started by the monitor from beside it;
# each is built apart so that the monitor keeps clear of GTK and WebKit.
cargo build --release --locked --quiet -p dms-tray-popup
exec cargo run --release --locked --quiet -p dms-tray -- "$@"
