#!/usr/bin/env bash
# The soak: the real monitor polls simulated organizations every second
# while their systems change state and their polls meet random faults, for
# 50,000 polls of 50 organizations (or POLLS of ORGANIZATIONS), then prints
# the monitor's memory, file descriptors and threads after warm-up and at
# the end, and checks every change of the API is in the history exactly
# once. The test command runs the same test with 600 polls of 10. About
# 20 minutes.
#
#   scripts/soak.sh [POLLS [ORGANIZATIONS]]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}
DMS_TRAY_SOAK_POLLS=${1:-50000} DMS_TRAY_SOAK_ORGANIZATIONS=${2:-50} \
  cargo test --release --locked -p dms-tray --test e2e the_monitor_holds_steady -- --nocapture --test-threads 1 2>&1 |
  grep -oE "soak: .*|test result: .*|panicked .*|assertion .*"
