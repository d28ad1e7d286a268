#!/usr/bin/env bash
# The history under kill -9: runs the end-to-end test that kills dms-tray at
# random moments around its polls and history writes, 100 times (or N), and
# prints what it found: SQLite's integrity check after each kill, and every
# change of the API in the history exactly once. The test command runs the
# same test with 3 kills. About 10 s a kill.
#
#   scripts/kill-history.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}
DMS_TRAY_KILLS=${1:-100} cargo test --release -p dms-tray --test e2e \
  the_history_survives_kill_9_at_random_moments -- --nocapture --test-threads 1 2>&1 |
  grep -E "kill -9s:|^test |panicked|assert"
