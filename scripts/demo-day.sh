#!/usr/bin/env bash
# Prints how many notifications a day of the demo gives: the built-in
# scenario, polled every 10 s through the monitor and the default
# notification policy, without waiting a day.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
cargo test --release --locked --quiet -p dms-tray --lib -- --ignored --nocapture --exact \
  simulator::scenario::tests::a_day_of_the_demo 2>/dev/null | grep -v '^$' | grep -v '^running\|^test \|^test result'
