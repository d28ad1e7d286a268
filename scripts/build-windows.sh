#!/usr/bin/env bash
# Builds dms-tray.exe and dms-tray-popup.exe for 64-bit Windows
# (x86_64-pc-windows-gnu) on Debian: with Debian's rustc-web and its
# standard library's source, built for the target with -Zbuild-std (rustup
# cannot fetch a Windows standard library here), linked by mingw-w64.
# scripts/setup.sh test installs all of these. The binaries land in
#   $DMS_TRAY_WINDOWS_TARGET/x86_64-pc-windows-gnu/release/
# (default ~/.cache/dms-tray/target-windows: another compiler than the
# Linux build's, so another target directory).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${DMS_TRAY_WINDOWS_TARGET:-$HOME/.cache/dms-tray/target-windows}"
# The toolchain of the rustc-web package, not the one on PATH.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
for tool in /usr/bin/rustc /usr/bin/cargo x86_64-w64-mingw32-gcc; do
  command -v "$tool" >/dev/null || { echo "build-windows: $tool is missing; run scripts/setup.sh test" >&2; exit 1; }
done
/usr/bin/cargo build --release --locked -Zbuild-std=std,panic_abort --target x86_64-pc-windows-gnu \
  -p dms-tray -p dms-tray-popup
ls -l "$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/"*.exe
