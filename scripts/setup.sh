#!/usr/bin/env bash
# Installs what dms-tray needs to build, run and test on Debian 12 or Ubuntu,
# and nothing that is already there. Safe to run again.
#   scripts/setup.sh run    packages to build and run the app
#   scripts/setup.sh test   also those the test suites use
set -euo pipefail

what=${1:-run}
run_packages=(
  build-essential pkg-config ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libsoup-3.0-dev libxdo-dev libssl-dev
  xdg-utils
)
test_packages=(
  xvfb xauth dbus dbus-x11 at-spi2-core dunst libnotify-bin
  webkit2gtk-driver chromium nodejs npm
)

packages=("${run_packages[@]}")
[ "$what" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from elsewhere than Debian's package; do not fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -ra missing <<<"${missing[*]}"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo is missing. Install Rust 1.90 or newer (https://rustup.rs) and run this again." >&2
  exit 1
fi
