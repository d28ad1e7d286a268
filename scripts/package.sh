#!/usr/bin/env bash
# Makes the install packages into dist/: the .deb and the .rpm of the
# monitor and the popup, with the desktop entry, the app icon, AppStream
# metadata, man pages, shell completions and the licence, and SHA256SUMS.
# It packages the release binaries the test command built (scripts/test.sh
# runs it); run it after a release build of both:
#   cargo build --release -p dms-tray-popup && cargo build --release -p dms-tray
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}"
release="$CARGO_TARGET_DIR/release"
for binary in dms-tray dms-tray-popup; do
  [ -x "$release/$binary" ] || { echo "package: no $release/$binary; build it first (see above)" >&2; exit 1; }
done

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

(cd dist && sha256sum -- *.deb *.rpm > SHA256SUMS && cat SHA256SUMS)
