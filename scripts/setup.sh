#!/usr/bin/env bash
# Installs what dms-tray needs to build, run and test on Debian 12 or Ubuntu,
# and nothing that is already there. Safe to run again.
#   scripts/setup.sh run    what the app needs to build and run
#   scripts/setup.sh test   also what the test suites use
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-run}
run_packages=(
  build-essential pkg-config ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libsoup-3.0-dev libxdo-dev libssl-dev libdbus-1-dev libasound2-dev
  xdg-utils
)
test_packages=(
  xvfb xauth x11-utils xclip dbus dbus-x11 at-spi2-core dunst libnotify-bin
  webkit2gtk-driver chromium tinyproxy gnome-keyring
  lintian desktop-file-utils appstream rpm man-db
  # The Windows build (Debian's Rust 1.96 from bookworm-security with the
  # standard library's source, and mingw-w64), its MSI and Wine to run it.
  rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 msitools wixl wine wine64
)
tauri_driver_version=2.1.0
# The packagers: the .deb and the .rpm of scripts/package.sh.
cargo_deb_version=3.8.0
cargo_generate_rpm_version=0.21.1

packages=("${run_packages[@]}")
[ "$what" = test ] && packages+=("${test_packages[@]}")
# Node may come from elsewhere than Debian's package; only install it when missing.
if [ "$what" = test ] && ! { command -v node && command -v npm; } >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

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

if [ "$what" = test ]; then
  if ! cargo install --list | grep -qx "tauri-driver v$tauri_driver_version:"; then
    echo "setup: installing tauri-driver $tauri_driver_version"
    cargo install --quiet --locked tauri-driver --version "$tauri_driver_version"
  fi
  for tool in "cargo-deb $cargo_deb_version" "cargo-generate-rpm $cargo_generate_rpm_version"; do
    set -- $tool
    if ! cargo install --list | grep -qx "$1 v$2:"; then
      echo "setup: installing $1 $2"
      cargo install --quiet --locked "$1" --version "$2"
    fi
  done
  if [ ! -d tests/ui/node_modules ] || [ tests/ui/package-lock.json -nt tests/ui/node_modules ]; then
    echo "setup: installing the UI suite's npm packages"
    npm ci --prefix tests/ui --no-audit --no-fund --loglevel=error
  fi
fi
