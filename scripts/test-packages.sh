#!/usr/bin/env bash
# Installs the .deb of dist/ on this machine (as root, as in CI), runs the
# installed dms-tray, checks that the desktop finds its entry, icon,
# metadata, man page and completions, then removes the package and checks
# that nothing of it is left. Also reads the .rpm's contents and
# requirements, and installs the .msi under Wine (tests/windows/smoke.sh).
# Run by the test command after scripts/package.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
deb=$(ls dist/dms-tray_*.deb)
rpm=$(ls dist/dms-tray-*.rpm)
fail() { echo "test-packages: $*" >&2; exit 1; }

echo "== install $deb"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
installed=$(dpkg-query -L dms-tray)

[ "$(command -v dms-tray)" = /usr/bin/dms-tray ] || fail "dms-tray is not /usr/bin/dms-tray"
version=$(/usr/bin/dms-tray --version)
[ "$version" = "dms-tray $(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)" ] || fail "--version says $version"
set +e
status=$(/usr/bin/dms-tray status --demo --json)
code=$?
set -e
python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert len(d["organizations"][0]["systems"]) == 12, d' "$status" ||
  fail "status --demo --json printed $status"
[ "$code" -eq 2 ] || fail "status --demo exits $code, not 2 (some DMS without connection)"
for file in /usr/bin/dms-tray-popup /usr/share/applications/dms-tray.desktop \
  /usr/share/icons/hicolor/{16x16,48x48,512x512}/apps/dms-tray.png \
  /usr/share/metainfo/app.dms_tray.dms_tray.metainfo.xml /usr/share/doc/dms-tray/copyright \
  /usr/share/bash-completion/completions/dms-tray /usr/share/zsh/vendor-completions/_dms-tray \
  /usr/share/fish/vendor_completions.d/dms-tray.fish; do
  [ -f "$file" ] || fail "$file is missing"
done
man -w dms-tray dms-tray-status dms-tray-key-set dms-tray-popup >/dev/null || fail "a man page is missing"
desktop-file-validate /usr/share/applications/dms-tray.desktop
grep -qx "Exec=dms-tray" /usr/share/applications/dms-tray.desktop || fail "the desktop entry does not start dms-tray"
ldd /usr/bin/dms-tray /usr/bin/dms-tray-popup | grep -q "not found" && fail "a shared library is missing"
echo "installed: $version; status --demo --json: 12 systems, exit code $code; entry, icons, metadata, man pages and completions in place"

echo "== remove"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq dms-tray >/dev/null
left=$(for path in $installed; do [ -f "$path" ] && echo "$path"; done || true)
[ -z "$left" ] || fail "left behind: $left"
dpkg-query -W dms-tray 2>/dev/null && fail "dpkg still lists dms-tray"
echo "removed: no file of the package is left"

echo "== $rpm"
rpm -qpl "$rpm" | grep -qx /usr/bin/dms-tray-popup || fail "the .rpm lacks the popup"
rpm -qpR "$rpm" | grep -q "libwebkit2gtk-4.1.so.0" || fail "the .rpm does not require WebKitGTK"
echo "rpm: $(rpm -qp --qf '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}' "$rpm"), $(rpm -qpl "$rpm" | wc -l) files, $(rpm -qpR "$rpm" | wc -l) requirements"

echo "== $(ls dist/*.msi) under Wine"
tests/windows/smoke.sh dist/dms-tray-*.msi "${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}/release/dms-tray"
