#!/usr/bin/env bash
# Takes a screenshot of the real popup (the release binaries under Xvfb,
# through tauri-driver) against the simulator's default organization, for
# the README. Usage: scripts/screenshot.sh [docs/popup.png]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
out="$(realpath -m "${1:-docs/popup.png}")"
cargo build --release --locked -p dms-tray-popup
DMS_TRAY_SCREENSHOT="$out" cargo test --release --locked -p dms-tray --test e2e -- --ignored --exact popup::screenshot_of_the_popup
echo "wrote $out"
