#!/usr/bin/env bash
# Runs every test of dms-tray: format and lint; the unit tests of the core,
# the monitor and the popup; the integration tests against the simulator
# over real HTTP; the end-to-end tests of the real release binaries under
# Xvfb (tray over D-Bus, notifications through dunst, the popup through
# tauri-driver and WebKitWebDriver); the popup's UI suite in headless
# Chromium; the Windows build; and the install packages (made into dist/,
# the .deb installed, run and removed, the .msi likewise under Wine).
# Installs what is missing first. Builds in the release profile, reusing
# cargo target directories outside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# The popup and the monitor are built apart: built together, cargo would
# give the monitor's dependencies the popup's GTK features.
echo "== the popup: build and unit tests"
cargo build --release --locked -p dms-tray-popup
cargo test --release --locked -p dms-tray-popup

echo "== the core and the monitor: unit, integration and end-to-end tests"
cargo test --release --locked -p dms-tray-core -p dms-tray

echo "== popup UI suite (headless Chromium)"
node --test tests/ui/

echo "== the Windows build (x86_64-pc-windows-gnu)"
scripts/build-windows.sh

echo "== install packages: make, install, run and remove"
scripts/package.sh
scripts/test-packages.sh
