#!/usr/bin/env bash
# Measures dms-tray's footprint and latencies on a desktop of its own (Xvfb,
# a private D-Bus session bus, a StatusNotifierWatcher standing in for the
# panel and a notification server that notes the time of each Notify), and
# the idle memory of syncthingtray and Nagstamon on the same kind of
# desktop, each app with a fresh home. docs/performance.md explains every
# figure.
#
#   scripts/benchmark.sh [--no-peers | --peers-only] [--keep]
#
# The binaries come from $DMS_TRAY_BIN_DIR, else
# ${CARGO_TARGET_DIR:-~/.cache/dms-tray/target}/release: `dms-tray` and,
# when the popup is a binary of its own, `dms-tray-popup` next to it. The
# script never builds; build first (scripts/run.sh or cargo build --release).
# It installs what it needs with apt-get (Debian 12 / Ubuntu), talks only to
# loopback, takes about 5 minutes and stops everything it started, even when
# interrupted. --no-peers skips syncthingtray and Nagstamon, --peers-only
# measures only them; --keep keeps the work directory (logs, homes,
# screenshots of the popup).
set -uo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/scripts/bench"
BIN_DIR=${DMS_TRAY_BIN_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/dms-tray/target}/release}
LIMIT=${DMS_TRAY_BENCH_LIMIT:-600}   # seconds; the whole run is stopped after this
PY=/usr/bin/python3                  # Debian's, for python3-dbus, -gi, -xlib, -numpy
POLL=5                               # the poll interval, seconds (the configuration's floor)
OPENS=10                             # popup opens per size
CPU_WINDOW=50                        # seconds of unchanged polls per size
NOTIFY_CHANGES=5
PARSE_CHANGES=5
PEERS=1
SELF=1
KEEP=0

for arg in "$@"; do
  case "$arg" in
    --no-peers) PEERS=0 ;;
    --peers-only) SELF=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "benchmark: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { say "benchmark: $*"; exit 1; }

# ---------------------------------------------------------------- packages --

packages=(xvfb dbus procps curl hyperfine python3 python3-dbus python3-gi python3-xlib python3-numpy)
[ "$PEERS" = 1 ] && packages+=(syncthingtray nagstamon)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get failed"
fi

BIN_DIR=$(realpath -m "$BIN_DIR")
APP="$BIN_DIR/dms-tray"
[ -x "$APP" ] || [ "$SELF" = 0 ] || die "no $APP; build it first (scripts/run.sh, or cargo build --release), or set DMS_TRAY_BIN_DIR"
if [ -x "$BIN_DIR/dms-tray-popup" ]; then
  LAYOUT="two binaries: dms-tray + dms-tray-popup"
  OLD=0
else
  LAYOUT="one binary: the popup lives inside dms-tray (the old layout)"
  OLD=1
fi

# ------------------------------------------------- processes and cleanup --

WORK=$(mktemp -d /tmp/dms-tray-bench.XXXXXX)
cd "$WORK" || exit 1
STARTED=()   # every process this script started, by pid
CGROUPS=()   # cgroups made for the apps
CG_ROOT=""
CLK_TCK=$(getconf CLK_TCK)
START_TIME=$SECONDS
LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
LOAD_PEAK=$LOAD_AT_START
CPU_AT_START=$(head -1 /proc/stat)
# The busiest the machine was (1-minute load average), sampled as the run goes.
sample_load() { LOAD_PEAK=$(awk -v p="$LOAD_PEAK" '{ print ($1 > p ? $1 : p) }' /proc/loadavg); }

# The apps run in a cgroup of their own when this machine lets us make one
# (root, cgroup v2): their CPU time is then read to the microsecond for the
# whole tree, exited threads and processes included, and no process of theirs
# escapes the cleanup. Otherwise the process tree and /proc/PID/stat serve.
for candidate in /sys/fs/cgroup /sys/fs/cgroup/unified; do
  if [ -f "$candidate/cgroup.procs" ] && [ -f "$candidate/cgroup.controllers" ] &&
     mkdir "$candidate/dms-tray-bench.$$" 2>/dev/null; then
    CG_ROOT="$candidate/dms-tray-bench.$$"
    break
  fi
done

# The pid and every descendant of it, one a line.
tree() {
  ps -e -o pid= -o ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      out[root] = 1
      do { grew = 0; for (p in parent) if (!(p in out) && (parent[p] in out)) { out[p] = 1; grew = 1 } } while (grew)
      for (p in out) print p
    }'
}

# Whether a pid is still a process this shell started (and not a reused pid).
ours() {
  [ -n "$1" ] && [ "$(awk '{ sub(/^.*\) /, ""); print $2 }' "/proc/$1/stat" 2>/dev/null)" = "$$" ]
}

# The processes of an app: its tree (when the pid is still ours), and
# whatever else is in its cgroup.
members() { # pid [cgroup]
  { ours "$1" && tree "$1"; [ -n "${2:-}" ] && cat "$2/cgroup.procs" 2>/dev/null; } | sort -un | while read -r p; do
    [ -d "/proc/$p" ] && echo "$p"
  done
}

alive() { # pids...: whether any of them runs (zombies do not count)
  local p
  for p in "$@"; do
    [ "$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$p/stat" 2>/dev/null)" = Z ] && continue
    [ -d "/proc/$p" ] && return 0
  done
  return 1
}

kill_tree() { # pid [cgroup]: TERM, then KILL after 3 s
  local pids i
  pids=$(members "$1" "${2:-}")
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  for i in $(seq 30); do
    # shellcheck disable=SC2086
    alive $pids || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  if [ -n "${2:-}" ]; then
    [ -f "$2/cgroup.kill" ] && echo 1 >"$2/cgroup.kill" 2>/dev/null
    for p in $(cat "$2/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  fi
  # shellcheck disable=SC2086
  wait $pids 2>/dev/null
  return 0
}

forget() { # pids...: no longer to be stopped at the end
  local p keep=() q
  for q in "${STARTED[@]}"; do
    for p in "$@"; do [ "$q" = "$p" ] && continue 2; done
    keep+=("$q")
  done
  STARTED=("${keep[@]}")
}

WATCHDOG=""
PAUSE_PID=""
PRINTED=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ "$PRINTED" = 1 ] || print_results || true
  say "stopping everything the benchmark started"
  local i
  [ -n "$PAUSE_PID" ] && kill "$PAUSE_PID" 2>/dev/null
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do kill_tree "${STARTED[$i]}"; done
  for cg in "${CGROUPS[@]}"; do kill_tree "" "$cg"; rmdir "$cg" 2>/dev/null; done
  [ -n "$CG_ROOT" ] && rmdir "$CG_ROOT" 2>/dev/null
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
  if [ "$KEEP" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "stopped (the time limit of ${LIMIT}s, or a signal)"; exit 124' TERM

# A watchdog bounds the run; sleeps are waited on so that its signal lands at once.
(
  trap 'kill $sleeper 2>/dev/null; wait $sleeper; exit 0' TERM
  sleep "$LIMIT" & sleeper=$!
  wait "$sleeper" && kill -TERM $$
) &
WATCHDOG=$!
pause() { sleep "$1" & PAUSE_PID=$!; wait "$PAUSE_PID"; PAUSE_PID=""; sample_load; }

# ------------------------------------------------------------------ results --

declare -A R   # R[key] = value, printed by print_results
note() { R[$1]=$2; }
val() { echo "${R[$1]:-}"; }

fmt_mb() { if [ -n "$1" ]; then awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; else echo "n/a"; fi; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { sort -g | tail -1; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# A figure's row: label, dms-tray's value (raw number or text), unit, target, peers' columns.
ROWS=()
row() { ROWS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"${5:-}"$'\t'"${6:-}"); }

verdict() { # value limit
  if [ -z "$1" ] || ! [[ "$1" =~ ^[0-9.]+$ ]]; then echo "-"
  elif le "$1" "$2"; then echo "yes"
  else echo "NO"; fi
}

mem_row() { # label key target-MB [peer-key]
  local kb limit shown met st ng
  kb=$(val "$2")
  limit=$(awk -v m="$3" 'BEGIN { print m * 1024 }')
  if [ -n "$kb" ]; then shown=$(fmt_mb "$kb"); met=$(verdict "$kb" "$limit"); else shown="n/a"; met="-"; fi
  st=""; ng=""
  if [ -n "${4:-}" ]; then
    st=$(val "syncthingtray.$4"); [ -n "$st" ] && st=$(fmt_mb "$st") || st="n/a"
    ng=$(val "nagstamon.$4"); [ -n "$ng" ] && ng=$(fmt_mb "$ng") || ng="n/a"
  fi
  row "$1" "$shown" "<= $3 MB" "$met" "$st" "$ng"
}

ms_row() { # label key target-ms [unit]
  local v met
  v=$(val "$2")
  met=$(verdict "$v" "$3")
  [ -n "$v" ] && [[ "$v" =~ ^[0-9.]+$ ]] && v=$(awk -v x="$v" 'BEGIN { printf (x < 10 ? "%.2f ms" : "%.0f ms"), x }')
  row "$1" "${v:-n/a}" "<= $3 ms" "$met"
}

print_results() {
  PRINTED=1
  ROWS=()
  mem_row "1  idle PSS, 100 systems, popup never opened" idle.100 15 idle
  local idle10k
  idle10k=$(val idle.10000); [ -n "$idle10k" ] && idle10k=$(fmt_mb "$idle10k")
  row "1  idle PSS, 10,000 systems, popup never opened" "${idle10k:-n/a}" "(none)" "-"
  mem_row "2  popup open PSS, 100 systems" open.100 200 open
  mem_row "2  popup open PSS, 10,000 systems" open.10000 250
  mem_row "3  idle PSS 5 s after the popup hid, 100 systems" after.100 15 after
  # At 10,000 systems the idle figure itself has no target; this one is
  # there to compare with it.
  local after10k
  after10k=$(val after.10000); [ -n "$after10k" ] && after10k=$(fmt_mb "$after10k")
  row "3  idle PSS 5 s after the popup hid, 10,000 systems" "${after10k:-n/a}" "(none)" "-"
  local left="${R[webkit_left.100]:-n/a} / ${R[webkit_left.10000]:-n/a}" met=-
  case "$left" in "no / no") met=yes ;; *yes*) met=NO ;; esac
  row "3  WebKit process left after hiding, 100 / 10,000" "$left" "none" "$met"
  ms_row "4  click -> popup painted, median of $OPENS, 100 systems" paint.100 400
  ms_row "4  click -> popup painted, median of $OPENS, 10,000 systems" paint.10000 400
  ms_row "5  dms-tray --version, median" version 10
  ms_row "5  dms-tray status, 100 systems, median" status 10
  ms_row "6  CPU per unchanged poll (304), 100 systems" cpu.100 0.5
  ms_row "6  CPU per unchanged poll (304), 10,000 systems" cpu.10000 0.5
  ms_row "7  parse + diff of a changed document, 10,000 systems, median" parse 20
  local target=$((POLL * 1000 + 250))
  ms_row "8  change -> Notify, median" notify.median "$target"
  ms_row "8  change -> Notify, worst" notify.worst "$target"

  {
    echo
    local steal
    sample_load
    # The share of CPU time the hypervisor took away (steal), over the run.
    steal=$( { echo "$CPU_AT_START"; head -1 /proc/stat; } | awk '
      { t = 0; for (i = 2; i <= NF; i++) t += $i; total[NR] = t; st[NR] = $9 }
      END { d = total[2] - total[1]; printf "%.1f", (d > 0 ? 100 * (st[2] - st[1]) / d : 0) }')
    echo "dms-tray benchmark, $(date '+%Y-%m-%d %H:%M'), $(uname -srm), $(nproc) CPUs"
    echo "load average $LOAD_AT_START at the start, $LOAD_PEAK at the busiest; CPU steal $steal%"
    awk -v a="$LOAD_AT_START" -v p="$LOAD_PEAK" -v s="$steal" -v n="$(nproc)" 'BEGIN {
      if (a + 0 > n * 0.5 || p + 0 > n || s + 0 > 5)
        print "WARNING: the machine was busy besides the benchmark: times and CPU figures are inflated" }'
    echo "binaries: $BIN_DIR ($LAYOUT)"
    for b in dms-tray dms-tray-popup; do
      [ -x "$BIN_DIR/$b" ] && echo "  $b: $(stat -c '%s bytes, built %y' "$BIN_DIR/$b" | cut -d. -f1), sha256 $(sha256sum "$BIN_DIR/$b" | cut -c1-12)"
    done
    echo "dms-tray: $(val version_text)"
    [ "$OLD" = 1 ] && echo "NOTE: old single-process binary: the popup's web view lives inside dms-tray."
    echo "MB = 2^20 bytes of PSS summed over the app's whole process tree"
    echo
    printf '%s\n' "${ROWS[@]}" | awk -F'\t' -v peers="$PEERS" '
      BEGIN { w1 = 6; w2 = 8; w3 = 6; w4 = 3; w5 = 13; w6 = 9 }
      { n++; for (i = 1; i <= 7; i++) c[n, i] = $i
        if (length($1) > w1) w1 = length($1); if (length($2) > w2) w2 = length($2)
        if (length($3) > w3) w3 = length($3) }
      END {
        fmt = "%-" w1 "s  %-" w2 "s  %-" w3 "s  %-4s"
        if (peers) fmt = fmt "  %-" w5 "s  %-" w6 "s"
        fmt = fmt "\n"
        if (peers) printf fmt, "figure", "dms-tray", "target", "met", "syncthingtray", "Nagstamon"
        else printf fmt, "figure", "dms-tray", "target", "met"
        for (i = 1; i <= n; i++) {
          if (peers) printf fmt, c[i, 1], c[i, 2], c[i, 3], c[i, 4], c[i, 5], c[i, 6]
          else printf fmt, c[i, 1], c[i, 2], c[i, 3], c[i, 4]
        }
      }'
    echo
    for line in "${DETAILS[@]}"; do echo "  $line"; done
    echo
    echo "took $((SECONDS - START_TIME)) s"
  } | tee "$WORK/results.txt"
}
DETAILS=()
detail() { DETAILS+=("$*"); say "$*"; sample_load; }

# ---------------------------------------------------------------- helpers --

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { # seconds command...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# The app runs from a private copy of the binaries, and the simulator from
# another: PSS splits a shared page between the processes that map it, so
# a simulator, a build or a dms-tray of the user's running from the same
# files would make the app look smaller than it is alone. The copies also
# stay put while a build replaces the originals.
SIM_BIN="$WORK/bin/dms-tray-simulator"
if [ "$SELF" = 1 ]; then
  mkdir -p "$WORK/bin" "$WORK/app"
  cp "$APP" "$SIM_BIN"
  cp "$APP" "$WORK/app/dms-tray"
  [ "$OLD" = 0 ] && cp "$BIN_DIR/dms-tray-popup" "$WORK/app/dms-tray-popup"
  APP="$WORK/app/dms-tray"
fi

SIM_PID=""; SIM_URL=""; SIM_TOKEN=""
start_simulator() { # systems dir
  local port
  "$PY" "$BENCH/scenario.py" "$1" >"$2/scenario.toml"
  port=$(free_port)
  "$SIM_BIN" simulate --listen "127.0.0.1:$port" --scenario "$2/scenario.toml" --still >"$2/simulator.out" 2>"$2/simulator.err" &
  SIM_PID=$!
  STARTED+=("$SIM_PID")
  wait_for 120 grep -q "^Control API" "$2/simulator.out" || die "the simulator did not start: $(cat "$2/simulator.err")"
  SIM_URL=$(sed -n 's/^ *api_url *= *"\(.*\)"/\1/p' "$2/simulator.out")
  SIM_TOKEN=$(sed -n 's/^Control token.*"\(.*\)"/\1/p' "$2/simulator.out")
  {
    echo "poll_interval = \"${POLL}s\""
    echo
    echo "[[organizations]]"
    grep -E '^ *(api_url|id|key|allowed_remote_hosts) *=' "$2/simulator.out" | sed 's/^ *//'
  } >"$2/config.toml"
  chmod 600 "$2/config.toml" # it holds the key: dms-tray refuses it readable by others
}

# The simulator's control API wants its token and JSON bodies.
control_curl() { curl -sS --max-time 10 -H "X-Control-Token: $SIM_TOKEN" -H 'Content-Type: application/json' "$@"; }
control() { # method path [json]
  control_curl -X "$1" "$SIM_URL$2" ${3:+-d "$3"} -o /dev/null -w '%{http_code}'
}
status_requests() {
  control_curl "$SIM_URL/control/requests" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["count"])' 2>/dev/null
}
polled() { [ "$(status_requests)" -ge 1 ] 2>/dev/null; }
# Of the last N status requests (at most 50), how many sent If-None-Match.
conditional_requests() {
  control_curl "$SIM_URL/control/requests" | "$PY" -c '
import json, sys
recent = json.load(sys.stdin)["recent"][-int(sys.argv[1]):]
print(sum(1 for r in recent if "if-none-match" in r["headers"]), "of", len(recent))' "$1" 2>/dev/null
}

# A desktop: Xvfb, a session bus, the watcher and notification server, a home.
declare -A DESK_ENV DESK_PIDS
start_desktop() { # dir
  local dir=$1 home=$1/home
  mkdir -p "$home"/{config,state,data,cache,runtime,tmp}
  chmod 700 "$home/runtime"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/display" >"$dir/xvfb.log" 2>&1 &
  STARTED+=($!); DESK_PIDS[$dir]="$!"
  dbus-daemon --session --nofork --address="unix:path=$dir/bus" >"$dir/dbus.log" 2>&1 &
  STARTED+=($!); DESK_PIDS[$dir]="${DESK_PIDS[$dir]} $!"
  wait_for 20 test -s "$dir/display" || die "Xvfb did not start"
  wait_for 20 test -S "$dir/bus" || die "dbus-daemon did not start"
  DESK_ENV[$dir]="PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=$home
    XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state XDG_DATA_HOME=$home/data
    XDG_CACHE_HOME=$home/cache XDG_RUNTIME_DIR=$home/runtime TMPDIR=$home/tmp
    DISPLAY=:$(head -1 "$dir/display") DBUS_SESSION_BUS_ADDRESS=unix:path=$dir/bus
    BROWSER=/bin/true WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1"
  on "$dir" "$PY" "$BENCH/desktop.py" "$dir" >"$dir/desktop.log" 2>&1 &
  STARTED+=($!); DESK_PIDS[$dir]="${DESK_PIDS[$dir]} $!"
  wait_for 20 test -e "$dir/ready" || die "the desktop helper did not start: $(cat "$dir/desktop.log")"
}
stop_desktop() { # dir: the helper, the bus (and what it activated), the X server
  local p
  for p in $(echo "${DESK_PIDS[$1]}" | tr ' ' '\n' | tac); do kill_tree "$p"; forget "$p"; done
}
on() { # dir command... : runs a command on that desktop, with its home
  local dir=$1; shift
  # shellcheck disable=SC2086
  env -i ${DESK_ENV[$dir]} "$@"
}

APP_PID=""; APP_CG=""
launch() { # dir name command...
  local dir=$1 name=$2; shift 2
  APP_CG=""
  if [ -n "$CG_ROOT" ] && mkdir "$CG_ROOT/$name" 2>/dev/null; then
    APP_CG="$CG_ROOT/$name"
    CGROUPS+=("$APP_CG")
  fi
  (
    [ -n "$APP_CG" ] && echo "$BASHPID" >"$APP_CG/cgroup.procs"
    # shellcheck disable=SC2086
    exec env -i ${DESK_ENV[$dir]} ${EXTRA_ENV:-} "$@"
  ) >"$dir/app.log" 2>&1 &
  APP_PID=$!
  STARTED+=("$APP_PID")
}

stop_app() {
  kill_tree "$APP_PID" "$APP_CG"
  forget "$APP_PID"
  [ -n "$APP_CG" ] && rmdir "$APP_CG" 2>/dev/null
  APP_PID=""; APP_CG=""
}

ITEM=()
wait_item() { # dir
  if wait_for 60 test -s "$1/items"; then
    read -r -a ITEM <"$1/items"
    return 0
  fi
  ITEM=()
  return 1
}

# PSS of the app's processes, in kB (nothing when none runs); also lists
# them in processes.log.
pss() { # label
  local total=0 p kb comm seen=0
  for p in $(members "$APP_PID" "$APP_CG"); do
    kb=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
    comm=$(cat "/proc/$p/comm" 2>/dev/null)
    [ -n "$kb" ] || continue
    total=$((total + kb)); seen=1
    echo "$1: $p $comm $kb kB" >>"$WORK/processes.log"
  done
  [ "$seen" = 1 ] && echo "$total"
}

process_names() { for p in $(members "$APP_PID" "$APP_CG"); do cat "/proc/$p/comm" 2>/dev/null; done | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }'; }

webkit_left() {
  local p
  for p in $(members "$APP_PID" "$APP_CG"); do
    grep -qiE 'webkit|dms-tray-popup' "/proc/$p/comm" "/proc/$p/cmdline" 2>/dev/null && { echo "yes"; return; }
  done
  echo "no"
}

# CPU time of the app's processes, in µs: the cgroup's usage when there is
# one, else utime + stime of the processes alive now.
cpu_us() {
  if [ -n "$APP_CG" ]; then
    awk '/^usage_usec/ { print $2 }' "$APP_CG/cpu.stat"
  else
    stat_us
  fi
}
stat_us() {
  local p total=0 ticks
  for p in $(members "$APP_PID" "$APP_CG"); do
    ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null)
    total=$((total + ${ticks:-0}))
  done
  echo $((total * 1000000 / CLK_TCK))
}

popup() { on "$1" "$PY" "$BENCH/popup.py" "${@:2}"; }

# Says so when the app under test is gone: crashed, or killed from outside.
app_gone() {
  alive "$APP_PID" && return 1
  detail "dms-tray is no longer running (it exited or was killed from outside; see $1/app.log)"
  return 0
}

# --------------------------------------------------------------- figures --

# 5: start-up of the command line, against the 100-system simulator.
fig_cli() { # dir
  local dir=$1 json
  note version_text "$("$APP" --version 2>&1 | head -1)"
  json="$dir/hyperfine-version.json"
  if hyperfine -N --warmup 3 --runs 40 --export-json "$json" "$APP --version" >"$dir/hyperfine.log" 2>&1; then
    note version "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000)' "$json")"
  fi
  json="$dir/hyperfine-status.json"
  "$APP" status --config "$dir/config.toml" >"$dir/status.out" 2>&1
  detail "5: dms-tray status: exit code $? (2: a system without connection), $(grep -c . "$dir/status.out") lines: $(tail -1 "$dir/status.out")"
  # status exits 1 or 2 when systems need attention: a Nagios code, not a failure.
  if hyperfine -N -i --warmup 2 --runs 30 --export-json "$json" \
       "$APP status --config $dir/config.toml" >>"$dir/hyperfine.log" 2>&1; then
    note status "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000)' "$json")"
  fi
  detail "5: --version median $(val version) ms, status median $(val status) ms (hyperfine, $dir/hyperfine.log)"
}

# 6: CPU of unchanged polls (304 Not Modified), over CPU_WINDOW seconds.
fig_cpu() { # systems
  local c0 c1 s0 s1 r0 r1 polls per
  r0=$(status_requests); c0=$(cpu_us); s0=$(stat_us)
  pause "$CPU_WINDOW"
  r1=$(status_requests); c1=$(cpu_us); s1=$(stat_us)
  polls=$((r1 - r0))
  if [ "$polls" -gt 0 ]; then
    per=$(awk -v c=$((c1 - c0)) -v n="$polls" 'BEGIN { printf "%.3f", c / n / 1000 }')
    note "cpu.$1" "$per"
    detail "6: $1 systems: $polls unchanged polls in ${CPU_WINDOW}s ($(conditional_requests "$polls") with If-None-Match)," \
      "$(((c1 - c0) / 1000)) ms CPU $( [ -n "$APP_CG" ] && echo "(cgroup cpu.stat)"): $per ms a poll," \
      "$(awk -v c=$((c1 - c0)) -v w="$CPU_WINDOW" 'BEGIN { printf "%.1f", c / w * 60 / 1000 }') ms a minute;" \
      "utime+stime of /proc/PID/stat: $(((s1 - s0) / 1000)) ms (1/$CLK_TCK s ticks)"
  else
    detail "6: $1 systems: no polls in ${CPU_WINDOW}s"
  fi
}

# 4, 2, 3: OPENS opens of the popup, PSS with it open and after it hid.
fig_popup() { # dir systems
  local dir=$1 n=$2 times median_ms
  if [ "${#ITEM[@]}" -lt 2 ]; then detail "4: $n systems: no tray item registered"; return; fi
  times=$(popup "$dir" series "$OPENS" "${ITEM[0]}" "${ITEM[1]}" --shot "$dir/popup-$n.png" 2>"$dir/popup.err")
  if [ "$(echo "$times" | grep -c .)" -lt "$OPENS" ]; then
    app_gone "$dir"
    detail "4: $n systems: the popup did not show its rows: $(tail -1 "$dir/popup.err")"
  fi
  if [ -n "$times" ]; then
    median_ms=$(echo "$times" | median)
    note "paint.$n" "$median_ms"
    detail "4: $n systems: click -> rows painted (ms): $(echo $times)"
  fi
  if [ "$(echo "$times" | grep -c .)" -ge "$OPENS" ]; then
    pause 3
    note "open.$n" "$(pss "open.$n")"
    detail "2: $n systems, popup open: $(fmt_mb "$(val "open.$n")"): $(process_names)"
    popup "$dir" close "${ITEM[0]}" "${ITEM[1]}" >/dev/null 2>>"$dir/popup.err"
  fi
  pause 5
  note "after.$n" "$(pss "after.$n")"
  [ -n "$(val "after.$n")" ] && note "webkit_left.$n" "$(webkit_left)"
  detail "3: $n systems, 5 s after hiding: $(fmt_mb "$(val "after.$n")"): $(process_names)"
}

# 8: a system loses its connection in the API → Notify on the session bus.
fig_notify() { # dir
  local dir=$1 i name t0 at lat latencies=""
  for i in $(seq 1 "$NOTIFY_CHANGES"); do
    name=$(printf 'System %05d' "$i")
    t0=$EPOCHREALTIME
    [ "$(control PATCH "/control/systems/$(printf 'sys%05d' "$i")" '{"state": "noConnection"}')" = 200 ] || { detail "8: PATCH failed"; return; }
    if wait_for $((POLL * 3)) grep -qsF "$name" "$dir/notifications"; then
      at=$(grep -F "$name" "$dir/notifications" | head -1 | cut -f1)
      lat=$(awk -v a="$t0" -v b="$at" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
      latencies="$latencies $lat"
    else
      app_gone "$dir" && return
      detail "8: no notification for $name within $((POLL * 3)) s"
    fi
    # The next change lands at a random point of the poll cycle.
    pause "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.5 + rand() * 2 }')"
  done
  if [ -n "$latencies" ]; then
    note notify.median "$(echo $latencies | tr ' ' '\n' | median)"
    note notify.worst "$(echo $latencies | tr ' ' '\n' | maximum)"
    detail "8: change -> Notify (ms):$latencies"
  fi
}

# 7: parse + diff of changed 10,000-system documents, from the debug log.
PARSE_LINE='poll of .*: [0-9]+ systems, parsed in [0-9.]+ ms, diffed in [0-9.]+ ms'
parse_lines_above() { [ "$(grep -cE "$PARSE_LINE" "$1")" -gt "$2" ]; }
fig_parse() { # dir
  local dir=$1 i before values=""
  local pattern=$PARSE_LINE
  for i in $(seq 11 $((10 + PARSE_CHANGES))); do
    before=$(grep -cE "$pattern" "$dir/app.log")
    control PATCH "/control/systems/$(printf 'sys%05d' "$i")" '{"state": "dmsNotResponding"}' >/dev/null
    if ! wait_for $((POLL * 3)) parse_lines_above "$dir/app.log" "$before"; then
      app_gone "$dir" && return
      detail "7: no \"poll of …: N systems, parsed in X ms, diffed in Y ms\" line at debug level (the old binary has none): n/a"
      return
    fi
  done
  values=$(grep -oE "$pattern" "$dir/app.log" | tail -n "$PARSE_CHANGES" |
    sed -E 's/.*parsed in ([0-9.]+) ms, diffed in ([0-9.]+) ms/\1 \2/' | awk '{ print $1 + $2 }')
  note parse "$(echo "$values" | median)"
  detail "7: parse + diff (ms): $(echo $values)"
}

# ------------------------------------------------------------------- run --

say "dms-tray from $BIN_DIR ($LAYOUT); work directory $WORK"
[ -n "$CG_ROOT" ] && say "apps run in cgroups under $CG_ROOT" || say "no cgroup available: CPU from /proc/PID/stat"
EXTRA_ENV="RUST_LOG=info,dms_tray=debug"

for n in $( [ "$SELF" = 1 ] && echo 100 10000); do
  dir="$WORK/dms-tray-$n"
  mkdir -p "$dir"
  say "== dms-tray, $n systems"
  start_simulator "$n" "$dir"
  [ "$n" = 100 ] && fig_cli "$dir"
  start_desktop "$dir"
  mkdir -p "$dir/home/config/dms-tray"
  cp -p "$dir/config.toml" "$dir/home/config/dms-tray/config.toml"
  launch "$dir" "dms-tray-$n" "$APP"
  wait_item "$dir" || detail "dms-tray $n: no tray item registered within 60 s (see $dir/app.log)"
  wait_for 60 polled || detail "dms-tray $n: no poll within 60 s"
  if [ "$n" = 100 ]; then
    pause 20
    note idle.100 "$(pss idle.100)"
    detail "1: 100 systems, idle: $(fmt_mb "$(val idle.100)"): $(process_names)"
    fig_cpu 100
    fig_notify "$dir"
  else
    pause 10
    note idle.10000 "$(pss idle.10000)"
    detail "1: 10000 systems, idle: $(fmt_mb "$(val idle.10000)"): $(process_names)"
    fig_cpu 10000
    fig_parse "$dir"
  fi
  fig_popup "$dir" "$n"
  stop_app
  stop_desktop "$dir"
  kill_tree "$SIM_PID"
  forget "$SIM_PID"
done
unset EXTRA_ENV

if [ "$PEERS" = 1 ]; then
  # Nagstamon's credentials, obfuscated the way it stores them.
  o=$("$PY" -c '
import base64, zlib
s = b"nagios"
for _ in range(5):
    s = zlib.compress(base64.b64encode(s).decode()[::-1].encode())
print(base64.b64encode(s).decode())')
  for peer in syncthingtray nagstamon; do
    dir="$WORK/$peer"
    mkdir -p "$dir"
    say "== $peer"
    start_desktop "$dir"
    closed=$(free_port)   # a loopback port where nothing answers: the peer polls and fails
    case "$peer" in
      syncthingtray)
        printf '%s\n' '[General]' 'v=1.3.2' '' '[tray]' 'connections\1\label=Primary instance' \
          "connections\\1\\syncthingUrl=http://127.0.0.1:$closed" 'connections\1\apiKey=benchmark' \
          'connections\1\autoConnect=true' 'connections\size=1' >"$dir/home/config/syncthingtray.ini"
        launch "$dir" "$peer" syncthingtray ;;
      nagstamon)
        mkdir -p "$dir/home/.nagstamon/servers"
        printf '%s\n' '[Nagstamon]' 'update_interval_seconds = 5' 'icon_in_systray = True' 'statusbar_floating = False' \
          'fullscreen = False' 'windowed = False' 'check_for_new_version = False' 'use_system_keyring = False' \
          >"$dir/home/.nagstamon/nagstamon.conf"
        printf '%s\n' '[server_bench]' 'enabled = True' 'type = Nagios' 'name = bench' \
          "monitor_url = http://127.0.0.1:$closed/nagios" "monitor_cgi_url = http://127.0.0.1:$closed/nagios/cgi-bin" \
          "username = $o" "password = $o" "proxy_username = $o" "proxy_password = $o" 'save_password = True' \
          >"$dir/home/.nagstamon/servers/server_bench.conf"
        launch "$dir" "$peer" nagstamon ;;
    esac
    wait_item "$dir" || detail "$peer: no tray item registered within 60 s"
    pause 20
    note "$peer.idle" "$(pss "$peer.idle")"
    detail "1: $peer idle: $(fmt_mb "$(val "$peer.idle")"): $(process_names)"
    if [ "${#ITEM[@]}" -ge 2 ]; then
      before=$(popup "$dir" windows 2>/dev/null)
      popup "$dir" activate "${ITEM[0]}" "${ITEM[1]}" 2>>"$dir/popup.err"
      pause 3
      popup "$dir" shot "$dir/after-click.png" 2>>"$dir/popup.err"
      after=$(popup "$dir" windows 2>/dev/null)
      if [ "$after" != "$before" ]; then
        note "$peer.open" "$(pss "$peer.open")"
        detail "2: $peer after a click on its icon: $(fmt_mb "$(val "$peer.open")"); windows: $(echo "$after" | paste -sd, -)"
      else
        detail "2: $peer: a click on its icon opened no window$( [ "$peer" = nagstamon ] && echo " (Nagstamon opens one only when a monitored host has a problem)")"
      fi
      popup "$dir" activate "${ITEM[0]}" "${ITEM[1]}" 2>>"$dir/popup.err"
      pause 5
      note "$peer.after" "$(pss "$peer.after")"
      detail "3: $peer 5 s after a second click: $(fmt_mb "$(val "$peer.after")")"
    fi
    stop_app
    stop_desktop "$dir"
  done
fi

print_results
