#!/usr/bin/env bash
# The app benchmark (part of `make bench`): the release app in a real window under Xvfb, each
# figure beside the same figure for an empty Tauri 2 app built the same way (bench/empty-app),
# so the cost of Castwright itself is visible. Measures launch to the first interactive screen,
# resident memory of the app process and of its web process at idle and after streamed replies,
# and the binary size. Writes a Markdown section to target/bench-app.md (BENCH_APP_OUT); the
# figures are measurements, never test assertions.
#
# Environment:
#   BENCH_APP_LAUNCHES   launches of each app for the launch and idle figures (default 10)
#   BENCH_APP_REPLIES    streamed replies in the memory run (default 1000)
#   BENCH_APP_IDLE       seconds to let an app settle before reading its memory (default 3)
#   BENCH_APP_SKIP_BUILD=1  measure the binaries already built
#   BENCH_APP_BIN_DIR    where those binaries are (default target/release; a quick trial of
#                        this script can point it at target/debug, whose figures mean nothing)
set -euo pipefail
cd "$(dirname "$0")/.."

LAUNCHES="${BENCH_APP_LAUNCHES:-10}"
REPLIES="${BENCH_APP_REPLIES:-1000}"
IDLE="${BENCH_APP_IDLE:-3}"
OUT="${BENCH_APP_OUT:-$PWD/target/bench-app.md}"
BIN_DIR="${BENCH_APP_BIN_DIR:-$PWD/target/release}"
APP="$BIN_DIR/castwright"
EMPTY="$BIN_DIR/castwright-empty-app"
SCREEN="1440x900x24"

if [ "${1:-}" != --measure ]; then
  if [ "${BENCH_APP_SKIP_BUILD:-0}" != 1 ]; then
    echo "==> building the UI and both apps (release profile, together so they share one Tauri build)"
    npm --prefix ui run build
    cargo build --release -p castwright -p castwright-empty-app
  fi
  for bin in "$APP" "$EMPTY"; do
    [ -x "$bin" ] || { echo "error: $bin is missing; run without BENCH_APP_SKIP_BUILD" >&2; exit 1; }
  done
  # A desktop session as a producer has one: a display, a D-Bus session and an unlocked keyring
  # (Castwright asks the keychain whether a key is stored while its first screen loads).
  echo "==> measuring under Xvfb ($SCREEN)"
  exec scripts/with-keyring.sh xvfb-run -a -s "-screen 0 $SCREEN" "$0" --measure
fi

# The renderer: on Linux Castwright has WebKit draw pages on the processor when the computer
# has no GPU (src-tauri/renderer.rs). The empty app is given the same choice, so the difference
# between them stays the cost of Castwright itself.
renderer="GPU (WebKit's default)"
EMPTY_ENV=()
if [ -n "${WEBKIT_SKIA_ENABLE_CPU_RENDERING+set}" ]; then
  renderer="as set in the environment (WEBKIT_SKIA_ENABLE_CPU_RENDERING=$WEBKIT_SKIA_ENABLE_CPU_RENDERING)"
elif ! compgen -G "/dev/dri/renderD*" >/dev/null || { [ -n "${LIBGL_ALWAYS_SOFTWARE:-}" ] && [ "$LIBGL_ALWAYS_SOFTWARE" != 0 ]; }; then
  renderer="the processor (no GPU here), for both apps"
  EMPTY_ENV=(WEBKIT_SKIA_ENABLE_CPU_RENDERING=1)
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The demo's emulator without its realistic waiting, so a thousand replies take minutes, not
# hours; the launches use the demo as a producer gets it.
cat > "$work/instant.json" <<'JSON'
{"name": "instant", "timing": {"latency_scale": 0, "processing_comments": 1, "keepalive_ms": 0,
 "generation_visible_after_ms": 0, "words_per_chunk": 3}}
JSON

now_ms() { awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.1f", t * 1000 }'; }

# Every process below $1 (its web, network and other helper processes), one PID a line.
descendants() {
  local kid
  # shellcheck disable=SC2013 # the file is a space-separated list of PIDs
  for kid in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$kid"
    descendants "$kid"
  done
}

rss_kb() { awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print 0 }' /proc/"$1"/status 2>/dev/null || echo 0; }

# Resident memory in kB: "app web network other", the web figure summing every WebKitWebProcess.
memory() {
  local app=$1 web=0 net=0 other=0 pid comm kb
  for pid in $(descendants "$app"); do
    comm=$(cat /proc/"$pid"/comm 2>/dev/null || true)
    kb=$(rss_kb "$pid")
    case "$comm" in
      WebKitWebProces*) web=$((web + kb)) ;;
      WebKitNetworkPr*) net=$((net + kb)) ;;
      *) other=$((other + kb)) ;;
    esac
  done
  echo "$(rss_kb "$app") $web $net $other"
}

# CPU time (user + system, all threads) a process has used, in ms.
cpu_ms() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) * 1000 / hz }' /proc/"$1"/stat 2>/dev/null || echo 0
}

# CPU time in ms so far: "app web", the web figure summing every WebKitWebProcess.
cpu() {
  local app=$1 web=0 pid comm
  for pid in $(descendants "$app"); do
    comm=$(cat /proc/"$pid"/comm 2>/dev/null || true)
    case "$comm" in WebKitWebProces*) web=$((web + $(cpu_ms "$pid"))) ;; esac
  done
  echo "$(cpu_ms "$app") $web"
}

# Starts an app with a fresh data folder (the demo connection chosen, so the first screen is the
# episode library) and fresh webview storage. The cache folder ($3) is the app's own across its
# launches, as on a desktop: it holds the graphics driver's compiled shaders, which the software
# renderer under Xvfb takes most of a second to build on a first launch.
# Sets PID, IN and OUTFD (its stdin and stdout).
start_app() {
  local bin=$1 run=$2 cache=$3
  shift 3
  mkdir -p "$run/data" "$run/xdg/data" "$run/xdg/config" "$cache"
  printf '{"connection": "demo"}\n' > "$run/data/settings.json"
  mkfifo "$run/in" "$run/out"
  # Opened read-write so neither open blocks before the app has its ends.
  exec {IN}<>"$run/in" {OUTFD}<>"$run/out"
  env CASTWRIGHT_BENCH=1 CASTWRIGHT_DATA_DIR="$run/data" \
    CASTWRIGHT_KEYCHAIN_SERVICE=castwright-bench \
    XDG_DATA_HOME="$run/xdg/data" XDG_CACHE_HOME="$cache" XDG_CONFIG_HOME="$run/xdg/config" \
    "$@" "$bin" <"$run/in" >"$run/out" 2>"$run/stderr" &
  PID=$!
}

# Waits (up to $2 seconds) for a line starting with $1 on the app's stdout; prints the line.
wait_line() {
  local want=$1 limit=$2 line deadline=$((SECONDS + $2))
  while [ $SECONDS -lt "$deadline" ]; do
    if IFS= read -r -t "$limit" -u "$OUTFD" line; then
      case "$line" in "$want"*) echo "$line"; return 0 ;; esac
    else
      break
    fi
  done
  return 1
}

stop_app() {
  local run=$1 kids pid
  kids=$(descendants "$PID")
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  # Web processes leave with their app; anything still here after a second is stopped by PID.
  sleep 1
  for pid in $kids; do
    if [ -d /proc/"$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  exec {IN}>&- {OUTFD}<&-
  rm -f "$run/in" "$run/out"
}

fail() {
  echo "error: $1" >&2
  [ -f "$2/stderr" ] && tail -n 20 "$2/stderr" >&2
  exit 1
}

# One launch: launch-to-interactive in ms, then memory after IDLE seconds. Appends a line
# "ms app web net other page-load-start dom-content-loaded cpu-app cpu-web" to
# $work/<name>.launches: the page's times in ms from the spawn, as the page's own clock (the
# same wall clock) saw them; the CPU time the app and web processes had used when the page
# reported, which unlike wall time does not grow when other work shares the machine.
launch() {
  local name=$1 bin=$2 n=$3 run t0 t1 line nav dcl used
  shift 3
  run="$work/$name-$n"
  mkdir -p "$run"
  t0=$(now_ms)
  start_app "$bin" "$run" "$work/$name-cache" "$@"
  line=$(wait_line interactive 60) || fail "$name did not report an interactive screen (launch $n)" "$run"
  t1=$(now_ms)
  used=$(cpu "$PID")
  read -r _ nav dcl _ <<< "$line"
  sleep "$IDLE"
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $(memory "$PID")" \
    "$(awk -v a="$t0" -v b="$nav" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v a="$t0" -v b="$dcl" 'BEGIN { printf "%.1f", b - a }')" "$used" >> "$work/$name.launches"
  stop_app "$run"
}

# One launch of each first, reported apart: it starts the session's desktop services (portal,
# accessibility bus) that any app's launch on a desktop finds already running, brings the
# binaries into the page cache and fills the app's shader cache.
launch castwright "$APP" first
launch empty "$EMPTY" first "${EMPTY_ENV[@]}"
mv "$work/castwright.launches" "$work/castwright.first"
mv "$work/empty.launches" "$work/empty.first"

echo "launches of each app: $LAUNCHES (alternating)"
for n in $(seq 1 "$LAUNCHES"); do
  launch castwright "$APP" "$n"
  launch empty "$EMPTY" "$n" "${EMPTY_ENV[@]}"
  printf '.'
done
echo

echo "memory run: $REPLIES streamed replies through Castwright's engine and into its page"
run="$work/stream"
mkdir -p "$run"
start_app "$APP" "$run" "$work/castwright-cache" CASTWRIGHT_BENCH_REPLIES="$REPLIES" CASTWRIGHT_DEMO_SCENARIO="$work/instant.json"
wait_line interactive 60 >/dev/null || fail "Castwright did not report an interactive screen" "$run"
sleep "$IDLE"
read -r s_app0 s_web0 _ <<< "$(memory "$PID")"
t0=$(now_ms)
echo go >&"$IN"
streamed=$(wait_line streamed 3600) || fail "the streamed replies did not finish" "$run"
# Done when the page says every piece arrived and was drawn, not when the app sent the last.
received=$(wait_line received 600) || fail "the page did not receive every reply" "$run"
t1=$(now_ms)
sleep "$IDLE"
read -r s_app1 s_web1 _ <<< "$(memory "$PID")"
stop_app "$run"
read -r _ s_ok s_failed s_chars <<< "$streamed"
read -r _ r_replies r_chars <<< "$received"
[ "$r_chars" = "$s_chars" ] || fail "the page received $r_chars characters of $s_chars sent" "$run"
stream_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
echo "streamed $s_ok replies ($s_failed failed, $s_chars characters); the page drew $r_replies in ${stream_s}s"

# Nearest-rank percentile of column $2 of file $1: p50 and max.
pct() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk -v p="$3" '{ v[NR] = $1 } END { i = int(NR * p + 0.999999); if (i < 1) i = 1; print v[i] }'; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }'; }
mbb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
diff1() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }
yes_no() { if awk -v v="$1" -v t="$2" 'BEGIN { exit !(v < t) }'; then echo yes; else echo "**no**"; fi; }

c_first=$(pct "$work/castwright.first" 1 1); e_first=$(pct "$work/empty.first" 1 1)
c_ms50=$(pct "$work/castwright.launches" 1 0.5); c_msmax=$(pct "$work/castwright.launches" 1 1)
e_ms50=$(pct "$work/empty.launches" 1 0.5); e_msmax=$(pct "$work/empty.launches" 1 1)
c_app=$(mb "$(pct "$work/castwright.launches" 2 0.5)"); e_app=$(mb "$(pct "$work/empty.launches" 2 0.5)")
c_web=$(mb "$(pct "$work/castwright.launches" 3 0.5)"); e_web=$(mb "$(pct "$work/empty.launches" 3 0.5)")
c_net=$(mb "$(pct "$work/castwright.launches" 4 0.5)"); e_net=$(mb "$(pct "$work/empty.launches" 4 0.5)")
c_nav=$(pct "$work/castwright.launches" 6 0.5); e_nav=$(pct "$work/empty.launches" 6 0.5)
c_dcl=$(pct "$work/castwright.launches" 7 0.5); e_dcl=$(pct "$work/empty.launches" 7 0.5)
c_cpu_app=$(pct "$work/castwright.launches" 8 0.5); e_cpu_app=$(pct "$work/empty.launches" 8 0.5)
c_cpu_web=$(pct "$work/castwright.launches" 9 0.5); e_cpu_web=$(pct "$work/empty.launches" 9 0.5)
c_size=$(stat -c %s "$APP"); e_size=$(stat -c %s "$EMPTY")
app_growth=$(awk -v a="$(mb "$s_app1")" -v b="$(mb "$s_app0")" 'BEGIN { printf "%.1f", a - b }')
web_growth=$(awk -v a="$(mb "$s_web1")" -v b="$(mb "$s_web0")" 'BEGIN { printf "%.1f", a - b }')
idle_gap=$(awk -v a="$c_app" -v b="$e_app" 'BEGIN { printf "%.1f", a - b }')

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || uname -m)
# shellcheck disable=SC1091 # the machine's own file
os=$(if . /etc/os-release 2>/dev/null; then echo "$PRETTY_NAME"; else uname -s; fi)
webkit=$(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo "unknown")
mem=$(free -g 2>/dev/null | awk '/Mem:/ {print $2 " GiB"}' || echo "?")

mkdir -p "$(dirname "$OUT")"
{
  echo "## The app: launch, memory and size"
  echo
  echo "Measured by \`scripts/bench-app.sh\` on $(date -u +%Y-%m-%d) — $os, $cpu, $(nproc) cores, $mem,"
  echo "WebKitGTK $webkit, Xvfb at $SCREEN (software rendering), in a D-Bus session with an unlocked"
  echo "keyring. Both apps are release builds from one \`cargo build --release\` (the workspace's"
  echo "release profile: LTO, one codegen unit, \`opt-level = \"s\"\`, stripped), so they share one"
  echo "Tauri build. The baseline is \`bench/empty-app\`: an empty Tauri 2 app with the same \`tauri\`"
  echo "version and features, its page embedded the same way, one window of the same size and the"
  echo "same content security policy. Pages drawn by: $renderer."
  echo
  echo "Method: after a first launch of each (reported apart: it starts the session's desktop"
  echo "services, fills the page cache and the app's shader cache, which the software renderer"
  echo "needs most of a second to fill), each app is launched $LAUNCHES times, alternating, each time"
  echo "with a fresh data folder and fresh webview storage; the cache folder is kept, as on a desktop. Castwright's data folder holds only \`{\"connection\": \"demo\"}\`, so"
  echo "its first screen is the episode library (sidebar, library, demo label) with the built-in demo"
  echo "connection. *Launch to interactive* is the wall time from spawning the process to the page"
  echo "reporting, two animation frames after that first screen has mounted (after the empty page"
  echo "has loaded, for the baseline), through a command that prints one line — present only when"
  echo "\`CASTWRIGHT_BENCH\` is set. *Idle* memory is the resident set (VmRSS) read $IDLE s later: of"
  echo "the app process, and of its WebKitWebProcess (the web process); the network process is"
  echo "listed apart. Medians over the launches. *After $REPLIES replies*: one more Castwright launch,"
  echo "idle memory read as above, then $REPLIES streamed calls through the engine's real path on the"
  echo "demo connection (budget reservation, streamed call, cost, settlement and request-log row;"
  echo "never from the cache; the emulator with no simulated latency), the text sent to the page"
  echo "over a Tauri channel the way a run's is — the pieces a reply streams joined in the app and"
  echo "sent at most once a frame (16 ms), and drawn by the page once per animation frame; memory"
  echo "read again $IDLE s after the page confirmed it had received and drawn every character."
  echo "MB = 1,000,000 bytes. Load average (1, 5, 15 min) at the start: $load_before; at the end:"
  echo "$load_after — other work on the machine lengthens wall times, not CPU times."
  echo
  echo "| Measure | Castwright | Empty Tauri 2 app | Difference | Target | Met? |"
  echo "| --- | ---: | ---: | ---: | --- | --- |"
  echo "| Launch to interactive, median | $c_ms50 ms | $e_ms50 ms | $(diff1 "$c_ms50" "$e_ms50") ms | under 500 ms | $(yes_no "$c_ms50" 500) |"
  echo "| Launch to interactive, slowest of $LAUNCHES | $c_msmax ms | $e_msmax ms | $(diff1 "$c_msmax" "$e_msmax") ms | under 500 ms | $(yes_no "$c_msmax" 500) |"
  echo "| Launch to interactive, first launch (cold caches) | $c_first ms | $e_first ms | $(diff1 "$c_first" "$e_first") ms | — | — |"
  echo "| App process memory, idle | $c_app MB | $e_app MB | $(diff1 "$c_app" "$e_app") MB | within 25 MB of the empty app | $(yes_no "$idle_gap" 25.000001) |"
  echo "| Web process memory, idle | $c_web MB | $e_web MB | $(diff1 "$c_web" "$e_web") MB | — | — |"
  echo "| Network process memory, idle | $c_net MB | $e_net MB | $(diff1 "$c_net" "$e_net") MB | — | — |"
  echo "| App process memory, after $REPLIES replies | $(mb "$s_app1") MB (idle $(mb "$s_app0") MB, growth $app_growth MB) | no replies | — | growth under 20 MB | $(yes_no "$app_growth" 20) |"
  echo "| Web process memory, after $REPLIES replies | $(mb "$s_web1") MB (idle $(mb "$s_web0") MB, growth $web_growth MB) | no replies | — | — | — |"
  echo "| Release binary (stripped) | $(mbb "$c_size") MB ($c_size bytes) | $(mbb "$e_size") MB ($e_size bytes) | $(diff1 "$(mbb "$c_size")" "$(mbb "$e_size")") MB | under 20 MB | $(yes_no "$(mbb "$c_size")" 20) |"
  echo
  echo "Where the launch time goes (medians, ms from the spawn; each column's median is taken on"
  echo "its own, so the steps need not add up exactly):"
  echo
  echo "| Step | Castwright | Empty Tauri 2 app | Difference |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| Process start, GTK, window and webview created: the page starts loading | $c_nav | $e_nav | $(diff1 "$c_nav" "$e_nav") |"
  echo "| The page's code read and run (DOMContentLoaded) | $c_dcl | $e_dcl | $(diff1 "$c_dcl" "$e_dcl") |"
  echo "| First screen painted, reported | $c_ms50 | $e_ms50 | $(diff1 "$c_ms50" "$e_ms50") |"
  echo "| CPU time used by then: app process | $c_cpu_app | $e_cpu_app | $(diff1 "$c_cpu_app" "$e_cpu_app") |"
  echo "| CPU time used by then: web process | $c_cpu_web | $e_cpu_web | $(diff1 "$c_cpu_web" "$e_cpu_web") |"
  echo
  echo "The $REPLIES replies took ${stream_s} s from the signal to start until the page had drawn the"
  echo "last piece ($s_ok answered, $s_failed failed; $s_chars characters sent, all received by the page)."
} > "$OUT"
cat "$OUT"
echo "wrote $OUT"
