#!/usr/bin/env bash
# Runs every test of dms-tray: lint; the unit tests of the core and the
# shell; the integration tests against the simulator over real HTTP; the
# end-to-end tests of the real release binary under Xvfb (tray over D-Bus,
# popup through tauri-driver and WebKitWebDriver); and the popup's UI suite
# in headless Chromium. Installs what is missing first. Builds once, in the
# release profile, reusing a cargo target directory outside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test (unit, integration, end-to-end)"
cargo test --workspace --release --locked

echo "== popup UI suite (headless Chromium)"
node --test tests/ui/
