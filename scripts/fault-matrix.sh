#!/usr/bin/env bash
# Prints the fault matrix: the client and its monitor against the simulator
# (and a TCP front that breaks connections), one line per kind of failure:
# what the user is shown, and that the next good poll recovers. The same
# test runs in the README's test command; this shows its lines.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
cargo test --release --locked -p dms-tray --test api matrix:: -- --nocapture --test-threads 1 2>&1 |
  sed -E 's/^test [^ ]+ \.\.\. //' | grep -E '^( ?[0-9]+\. |fault matrix|gzip bomb|test result)'
