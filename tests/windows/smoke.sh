#!/usr/bin/env bash
# Smoke test of the Windows installer under Wine, in a throw-away prefix.
#
#   tests/windows/smoke.sh dms-tray-0.1.0-x86_64.msi target/release/dms-tray
#
# Installs the MSI silently (msiexec /i /qn, as IT deploys it), checks what
# it put on the machine (files, Start-menu shortcut, toast registry key,
# PATH, Programs and Features entry), runs the installed dms-tray.exe and
# compares it with the Linux binary (--version; status --demo --json; status
# against `dms-tray.exe simulate`), starts the tray app on an Xvfb display
# (it goes to the background, shows its icon, runs the demo, and a second
# launch hands over to it through the named pipe and, with no WebView2
# here, is told what the popup needs), uninstalls (msiexec /x /qn) and
# checks that all of it is gone. Every check runs; the script fails at the
# end, naming each difference.
#
# Needs: wine (64-bit), x86_64-w64-mingw32-gcc (for the ProcessPrng shim),
# msiinfo (msitools). Environment: SMOKE_PORT (simulator port, 38471),
# SMOKE_TIMEOUT (seconds per Wine command, 300), SMOKE_KEEP=1 (keep the
# prefix and the outputs).
#
# shellcheck disable=SC2015 # "A && ok || fail": ok and fail always succeed
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 MSI LINUX_DMS_TRAY" >&2
  exit 2
fi
msi=$(realpath "$1")
linux=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
port=${SMOKE_PORT:-38471}
for tool in wine wineserver winepath x86_64-w64-mingw32-gcc msiinfo Xvfb; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dms-tray-smoke.XXXXXX")
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
# mscoree, mshtml: no Mono/Gecko install prompt; winemenubuilder: no menu
# entries on the host; bcryptprimitives: our shim even if a later Wine
# brings a builtin one.
export WINEDLLOVERRIDES='mscoree,mshtml=;winemenubuilder.exe=;bcryptprimitives=n,b'
unset DISPLAY WAYLAND_DISPLAY
# The Linux binary keeps its hands off the user's files.
linux_env=(env "XDG_CONFIG_HOME=$work/xdg/config" "XDG_DATA_HOME=$work/xdg/data"
  "XDG_STATE_HOME=$work/xdg/state" "XDG_CACHE_HOME=$work/xdg/cache")

sim_pid=
xvfb_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  wineserver -k 2>/dev/null || true # this prefix's wineserver only
  if [ "${SMOKE_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

failures=()
fail() { echo "FAIL: $*" >&2; failures+=("$*"); }
ok() { echo "ok: $*"; }
die() { fail "$*"; echo "stopped after a fatal failure" >&2; exit 1; }
wine_run() { timeout "${SMOKE_TIMEOUT:-300}" wine "$@"; }
timings=()
timed() { # NAME COMMAND...: runs COMMAND, records how long it took
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s.%N)
  "$@" || rc=$?
  timings+=("$name $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }')")
  echo "${timings[-1]}"
  return "$rc"
}
# What legitimately differs between the outputs of the two binaries:
# Windows line ends, the times of the moment of each run and the port of
# --demo's own simulator. Nothing else does; anything added here needs a
# comment saying why it may differ.
normalise() {
  sed -E -e 's/\r$//' \
    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<time>/g' \
    -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:<port>/g'
}
same() { # WHAT LINUX_OUT WINDOWS_OUT [STDERR...]: compares after normalise
  local msg f
  if diff -u --label linux --label windows <(normalise <"$2") <(normalise <"$3") >"$work/diff"; then
    ok "$1: same output"
  else
    msg="$1: output differs (linux vs windows):"$'\n'"$(head -40 "$work/diff")"
    for f in "${@:4}"; do
      if [ -s "$f" ]; then msg+=$'\n'"stderr ${f##*.}: $(head -c 600 "$f")"; fi
    done
    fail "$msg"
  fi
}
same_rc() { # WHAT RC_LINUX RC_WINDOWS
  if [ "$2" = "$3" ]; then ok "$1: same exit code $2"; else fail "$1: exit code $2 on linux, $3 on windows"; fi
}
regval() { # KEY NAME: a value from the 64-bit registry, empty if absent
  wine_run reg query "$1" /v "$2" /reg:64 2>/dev/null | tr -d '\r' |
    awk -v n="$2" '$1 == n { sub(/^[ \t]*[^ \t]+[ \t]+REG_[A-Z_]+[ \t]*/, ""); print }'
}
haskey() { wine_run reg query "$1" /reg:64 >/dev/null 2>&1; }

drive_c=$WINEPREFIX/drive_c
install_dir="$drive_c/Program Files/dms-tray"
exe='C:\Program Files\dms-tray\dms-tray.exe'
aumid='HKLM\Software\Classes\AppUserModelId\app.dms_tray.dms_tray'
env_key='HKLM\System\CurrentControlSet\Control\Session Manager\Environment'
product_code=$(msiinfo export "$msi" Property | tr -d '\r' | awk '$1 == "ProductCode" { print $2 }')
arp_key="HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$product_code"
# Wine 8 puts ProgramMenuFolder in the user's Start menu even for
# ALLUSERS=1; Windows uses the all-users one. Either counts.
shortcut() {
  local s
  for s in "$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/dms-tray.lnk" \
    "$drive_c"/users/*/"AppData/Roaming/Microsoft/Windows/Start Menu/Programs/dms-tray.lnk"; do
    if [ -e "$s" ]; then echo "$s"; fi
  done
}

echo "== prefix $WINEPREFIX"
timed wineboot sh -c 'wine wineboot -i >/dev/null 2>&1 && wineserver -w' || die "wineboot -i failed"

# Rust std >= 1.78 imports ProcessPrng from bcryptprimitives.dll, which
# Wine 8 lacks: without the shim every Rust .exe exits at once with 53
# and, under WINEDEBUG=-all, not a word. system32, not the install folder:
# a file of ours there would keep msiexec /x from removing the folder.
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$work/bcryptprimitives.dll" \
  "$here/processprng.c" "$here/processprng.def" -ladvapi32
cp "$work/bcryptprimitives.dll" "$drive_c/windows/system32/"

echo "== install"
rc=0
timed install wine_run msiexec /i "$(winepath -w "$msi")" /qn || rc=$?
[ "$rc" = 0 ] || die "msiexec /i exited with $rc"
for f in dms-tray.exe dms-tray-popup.exe dms-tray.ico; do
  [ -f "$install_dir/$f" ] && ok "installed $f" || fail "not installed: C:\\Program Files\\dms-tray\\$f"
done
lnk=$(shortcut)
if [ -z "$lnk" ]; then
  fail "no Start-menu shortcut dms-tray.lnk"
elif grep -aq 'dms-tray\.exe' "$lnk" || strings -a -el "$lnk" | grep -q 'dms-tray\.exe'; then
  ok "Start-menu shortcut ${lnk#"$drive_c/"}"
else
  fail "the shortcut $lnk does not point at dms-tray.exe"
fi
v=$(regval "$aumid" DisplayName)
[ "$v" = dms-tray ] && ok "toast DisplayName" || fail "$aumid DisplayName is '$v', not 'dms-tray'"
v=$(regval "$aumid" IconUri)
[ "$v" = 'C:\Program Files\dms-tray\dms-tray.ico' ] && ok "toast IconUri" || fail "$aumid IconUri is '$v'"
# dms-tray looks for it under HKCR (registry::toast_identity_registered).
haskey 'HKCR\AppUserModelId\app.dms_tray.dms_tray' && ok "toast identity seen under HKCR" ||
  fail "HKCR\\AppUserModelId\\app.dms_tray.dms_tray missing: dms-tray would not use its toast identity"
case "$(regval "$env_key" PATH)" in
  *'C:\Program Files\dms-tray'*) ok "install folder on the system PATH" ;;
  *) fail "the system PATH lacks C:\\Program Files\\dms-tray" ;;
esac
[ "$(regval "$arp_key" DisplayName)" = dms-tray ] && ok "in Programs and Features" ||
  fail "no Programs and Features entry $arp_key"

echo "== dms-tray.exe against the Linux binary"
# A Windows program that ends with 53 and says nothing misses a DLL: say which.
explain() {
  if [ "$1" = 53 ]; then
    WINEDEBUG=err+module wine_run "$exe" --version 2>&1 | grep -i 'not found' | head -3 >&2 || true
  fi
}
rc_l=0; rc_w=0
"$linux" --version >"$work/version.linux" 2>&1 || rc_l=$?
wine_run "$exe" --version >"$work/version.windows" 2>"$work/version.err.windows" || rc_w=$?
explain "$rc_w"
same "--version" "$work/version.linux" "$work/version.windows" "$work/version.err.windows"
same_rc "--version" "$rc_l" "$rc_w"
# The PATH entry at work: a command prompt finds dms-tray by its name.
wine_run cmd /c 'dms-tray --version' >"$work/version.cmd" 2>&1 || true
same "cmd /c dms-tray --version (PATH)" "$work/version.linux" "$work/version.cmd"

rc_l=0; rc_w=0
"${linux_env[@]}" "$linux" status --demo --json >"$work/demo.linux" 2>"$work/demo.err.linux" || rc_l=$?
wine_run "$exe" status --demo --json >"$work/demo.windows" 2>"$work/demo.err.windows" || rc_w=$?
same "status --demo --json" "$work/demo.linux" "$work/demo.windows" "$work/demo.err.linux" "$work/demo.err.windows"
same_rc "status --demo --json" "$rc_l" "$rc_w" # 2 (Nagios critical) for the demo

# The simulator run by dms-tray.exe, polled by both binaries. --still: the
# timeline stands still, so both polls see the same document.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  fail "port $port is taken: set SMOKE_PORT to a free one"
else
  # Not through wine_run: $! must be timeout itself, which passes a kill on.
  timeout 600 wine "$exe" simulate --listen "127.0.0.1:$port" --still >"$work/sim.log" 2>&1 &
  sim_pid=$!
  up=
  for _ in $(seq 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$up" ]; then
    fail "dms-tray.exe simulate did not listen on 127.0.0.1:$port; it wrote:"$'\n'"$(head -20 "$work/sim.log")"
  else
    ok "dms-tray.exe simulate listens on 127.0.0.1:$port"
    sleep 1 # its banner is printed after the bind
    # The organization id and key from the banner (see docs/simulator.md).
    field() { tr -d '\r' <"$work/sim.log" | sed -nE "s/^ *$1 *= *\"([^\"]*)\".*/\1/p" | head -1; }
    org_id=$(field id)
    export DMS_TRAY_SMOKE_KEY
    DMS_TRAY_SMOKE_KEY=$(field key)
    if [ -z "$org_id" ] || [ -z "$DMS_TRAY_SMOKE_KEY" ]; then
      fail "no id and key in what dms-tray.exe simulate printed:"$'\n'"$(head -20 "$work/sim.log")"
    else
      # The key comes through the environment (key_env): no key in the
      # file, so neither binary objects to the file's permissions.
      printf '[[organizations]]\napi_url = "http://127.0.0.1:%s"\nid = "%s"\nkey_env = "DMS_TRAY_SMOKE_KEY"\nallowed_remote_hosts = ["127.0.0.1:%s"]\n' \
        "$port" "$org_id" "$port" >"$work/smoke.toml"
      config_w=$(winepath -w "$work/smoke.toml")
      for args in status "status --json"; do
        rc_l=0; rc_w=0
        # shellcheck disable=SC2086 # $args: the command and its flag
        "${linux_env[@]}" "$linux" $args --config "$work/smoke.toml" >"$work/sim.linux" 2>"$work/sim.err.linux" || rc_l=$?
        # shellcheck disable=SC2086
        wine_run "$exe" $args --config "$config_w" >"$work/sim.windows" 2>"$work/sim.err.windows" || rc_w=$?
        same "$args against the simulator" "$work/sim.linux" "$work/sim.windows" "$work/sim.err.linux" "$work/sim.err.windows"
        same_rc "$args against the simulator" "$rc_l" "$rc_w"
      done
    fi
  fi
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=
fi

echo "== the tray app"
# Its log, where %LOCALAPPDATA% is in the prefix.
log=$(echo "$drive_c"/users/*/AppData/Local)/dms-tray/dms-tray.log
logged() { [ -f "$log" ] && grep -qF -- "$1" "$log"; }
wait_logged() { # TEXT: up to 30 s
  for _ in $(seq 60); do logged "$1" && return 0; sleep 0.5; done
  return 1
}
Xvfb -displayfd 3 -screen 0 800x600x24 3>"$work/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
if [ ! -s "$work/display" ]; then
  fail "Xvfb did not start"
else
  DISPLAY=":$(cat "$work/display")"
  export DISPLAY
  # A fresh Wine session on this display: its explorer.exe, which holds
  # the system tray, started without one.
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  rc=0
  wine_run "$exe" --demo >"$work/app.out" 2>&1 || rc=$?
  [ "$rc" = 0 ] && ok "dms-tray.exe --demo hands over to its copy in the background" ||
    fail "dms-tray.exe --demo exited with $rc: $(head -5 "$work/app.out")"
  wait_logged "simulator serving" && ok "the tray app runs the demo" ||
    fail "the tray app did not start the demo; its log:"$'\n'"$(tail -5 "$log" 2>/dev/null)"
  sleep 2 # its tray icon and first poll
  logged "no tray icon" && fail "no tray icon: $(grep -F "no tray icon" "$log" | head -1)" ||
    ok "its tray icon is up"
  rc=0
  wine_run "$exe" --demo >"$work/second.out" 2>&1 || rc=$?
  [ "$rc" = 0 ] && ok "a second launch exits" || fail "a second launch exited with $rc"
  wait_logged "another launch of dms-tray asked for the popup" &&
    ok "a second launch hands over through the named pipe" ||
    fail "the running tray app never heard of the second launch; its log:"$'\n'"$(tail -5 "$log")"
  wait_logged "The popup needs the Microsoft Edge WebView2 Runtime" &&
    ok "without WebView2, a click says what the popup needs" ||
    fail "no word of WebView2 when the popup cannot open; its log:"$'\n'"$(tail -5 "$log")"

  # A configuration fixed while it runs: it starts again in the background,
  # once the copy it replaces has let go of the named pipe.
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  rm -f "$log"
  config=$(echo "$drive_c"/users/*/AppData/Roaming)/dms-tray/config.toml
  mkdir -p "$(dirname "$config")"
  echo 'poll_interval = "soon"' >"$config"
  export DMS_TRAY_SMOKE_KEY=smoke-test-key
  wine_run "$exe" >/dev/null 2>&1 || true
  if wait_logged "to change"; then
    pipe_before=$(cat "$(dirname "$log")/channel")
    printf '[[organizations]]\napi_url = "http://127.0.0.1:9"\nid = "6c7dcd0f-a589-446e-bbb3-ac8d48e8e59d"\nkey_env = "DMS_TRAY_SMOKE_KEY"\n' >"$config"
    wait_logged "changed: starting again" && ok "a fixed configuration starts it again" ||
      fail "the fixed configuration went unnoticed; its log:"$'\n'"$(tail -5 "$log")"
    for _ in $(seq 60); do
      [ "$(cat "$(dirname "$log")/channel" 2>/dev/null)" != "$pipe_before" ] && [ -s "$(dirname "$log")/channel" ] && break
      sleep 0.5
    done
    if [ "$(cat "$(dirname "$log")/channel" 2>/dev/null)" != "$pipe_before" ] && ! logged "dms-tray already runs"; then
      ok "the new copy took over the channel"
    else
      fail "the new copy did not take over the channel; its log:"$'\n'"$(tail -8 "$log")"
    fi
  else
    fail "a configuration that cannot be used was not waited for; its log:"$'\n'"$(tail -5 "$log" 2>/dev/null)"
  fi
  wineserver -k 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=
  unset DISPLAY
fi

echo "== uninstall"
rc=0
timed uninstall wine_run msiexec /x "$(winepath -w "$msi")" /qn || rc=$?
[ "$rc" = 0 ] || fail "msiexec /x exited with $rc"
[ ! -e "$install_dir" ] && ok "install folder removed" ||
  fail "left behind: $(cd "$drive_c" && find "Program Files/dms-tray" | head -5 | tr '\n' ' ')"
lnk=$(shortcut)
[ -z "$lnk" ] && ok "shortcut removed" || fail "shortcut left behind: $lnk"
haskey "$aumid" && fail "registry key left behind: $aumid" || ok "toast registry key removed"
case "$(regval "$env_key" PATH)" in
  *'C:\Program Files\dms-tray'*) fail "the system PATH still has C:\\Program Files\\dms-tray" ;;
  *) ok "PATH entry removed" ;;
esac
haskey "$arp_key" && fail "Programs and Features entry left behind" || ok "Programs and Features entry removed"

echo "== timings: ${timings[*]}"
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED: ${#failures[@]} check(s):" >&2
  printf -- '- %s\n' "${failures[@]%%$'\n'*}" >&2
  exit 1
fi
echo "PASSED"
