#!/usr/bin/env bash
# Makes the install packages into dist/: the .deb and the .rpm of the
# monitor and the popup, with the desktop entry, the app icon, AppStream
# metadata, man pages, shell completions and the licence; the Windows MSI;
# and SHA256SUMS. It packages the release binaries the test command built
# (scripts/test.sh runs it); run it after release builds of all of them:
#   cargo build --release -p dms-tray-popup && cargo build --release -p dms-tray
#   scripts/build-windows.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
release="$CARGO_TARGET_DIR/release"
windows="${DMS_TRAY_WINDOWS_TARGET:-$HOME/.cache/dms-tray/target-windows}/x86_64-pc-windows-gnu/release"
for binary in "$release/dms-tray" "$release/dms-tray-popup" "$windows/dms-tray.exe" "$windows/dms-tray-popup.exe"; do
  [ -f "$binary" ] || { echo "package: no $binary; build it first (see above)" >&2; exit 1; }
done
version=$(sed -nE 's/^version = "([0-9.]+)"$/\1/p' Cargo.toml | head -1)

rm -rf dist
echo "== man pages and completions from the clap definitions"
cargo run --release --locked -q -p dms-tray --example package-assets -- dist/assets
cp packaging/dms-tray-popup.1 dist/assets/man/
gzip -9n dist/assets/man/*.1
for page in dist/assets/man/*.1.gz; do
  warnings=$(man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || { echo "package: $page: $warnings" >&2; exit 1; }
done

echo "== desktop entry and AppStream metadata"
desktop-file-validate packaging/dms-tray.desktop
appstreamcli validate --no-net --pedantic --strict packaging/*.metainfo.xml

echo "== .deb"
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) cargo deb --locked -p dms-tray --no-build -o dist/
lintian --fail-on error,warning dist/*.deb 2> >(grep -v "running with root privileges" >&2)

echo "== .rpm"
mkdir -p dist/assets/bin
for binary in dms-tray dms-tray-popup; do
  strip --strip-unneeded -o "dist/assets/bin/$binary" "$release/$binary"
done
cargo generate-rpm -p monitor -o dist/

echo "== Windows .msi"
# wixl opens sources by relative paths only: the binaries go to dist/
# first, stripped of their symbols (half their size).
mkdir -p dist/assets/windows
for binary in dms-tray.exe dms-tray-popup.exe; do
  x86_64-w64-mingw32-strip --strip-unneeded -o "dist/assets/windows/$binary" "$windows/$binary"
done
msi="dist/dms-tray-$version-x86_64.msi"
wixl -a x64 -D "Version=$version" -D BinDir=dist/assets/windows -D IconFile=icons/icon.ico \
  -o "$msi" packaging/windows/dms-tray.wxs
# The install folder on the system PATH, which wixl cannot say (see the .wxs).
msibuild "$msi" \
  -q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(64) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)' \
  -q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathDmsTray', '=-*PATH', '[~];[INSTALLDIR]', 'MonitorExe')" \
  -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)" \
  -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"

(cd dist && sha256sum -- *.deb *.rpm *.msi > SHA256SUMS && cat SHA256SUMS)
