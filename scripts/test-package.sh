#!/usr/bin/env bash
# Installs the .deb from `make package` into a clean Debian 12 root and runs it there, so no
# library present on the build machine can hide a dependency the package forgot to declare.
#
#   scripts/test-package.sh [path/to/castwright.deb]
#
# 1. debootstrap a minimal bookworm root (variant minbase) from the Debian mirror apt on this
#    machine already uses (or DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR when set);
# 2. `apt-get install --no-install-recommends ./<the .deb>` inside it, so only the declared
#    dependencies come in, then check every library the binary links resolves;
# 3. as an ordinary user with no display and no D-Bus session, run a whole episode headless
#    (`castwright produce --connection demo … --json`) and export it;
# 4. only then add Xvfb and xdotool, start the app as on a desktop (a D-Bus session with the
#    keyring unlocked) under `xvfb-run`, wait for its window and for the page to be drawn, fail
#    on an error notice, and check the process stays up.
#
# Everything inside the root runs in its own mount and PID namespaces: its mounts vanish and
# every process it started (the app, its web process, Xvfb, helpers GTK spawns) ends when the
# check ends, without touching anything else on the machine. Needs root (debootstrap, chroot).
#
# Environment: PACKAGE_TEST_DIR (work folder, default target/package-test), KEEP_ROOT=1 (keep
# the root for a look afterwards), DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "This check builds a Debian root with debootstrap and needs root: sudo $0 $*" >&2
  exit 1
fi

# shellcheck disable=SC2012 # bundle file names are ours: no odd characters
deb="${1:-$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)}"
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "No .deb found: run \`make package\` first, or pass the path to one." >&2
  exit 1
fi
deb=$(readlink -f "$deb")

if ! command -v debootstrap >/dev/null; then
  echo "==> installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
for tool in unshare chroot findmnt; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (util-linux, coreutils)" >&2; exit 1; }
done

# "URI SUITE" for every Debian source apt is configured with (one-line and deb822 formats).
apt_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } print $i, $(i + 1) }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush(  i, j, nu, ns, u, s) {
        if (types ~ /(^| )deb( |$)/ && enabled != "no") {
          nu = split(uris, u, " "); ns = split(suites, s, " ")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
        }
        types = uris = suites = enabled = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^#/ { next }
      tolower($1) == "types:"   { $1 = ""; types = $0 }
      tolower($1) == "uris:"    { $1 = ""; uris = $0 }
      tolower($1) == "suites:"  { $1 = ""; suites = $0 }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { flush() }' "$f"
  done
}
mirror="${DEBIAN_MIRROR:-$(apt_sources | awk '$2 == "bookworm" { print $1; exit }')}"
security="${DEBIAN_SECURITY_MIRROR:-$(apt_sources | awk '$2 == "bookworm-security" { print $1; exit }')}"
if [ -z "$mirror" ]; then
  echo "apt on this machine has no Debian 12 (bookworm) source: set DEBIAN_MIRROR to a Debian mirror URL." >&2
  exit 1
fi

work="${PACKAGE_TEST_DIR:-target/package-test}"
mkdir -p "$work"
work=$(readlink -f "$work")
root="$work/root"
debs="$work/debootstrap-cache" # downloaded .debs only: the root itself is always made fresh
mkdir -p "$debs"

mounts_under_root() { findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r "/") == 1 || $0 == r'; }
inner=""
cleanup() {
  local rc=$?
  [ -z "$inner" ] || { kill -TERM "$inner" 2>/dev/null || true; wait "$inner" 2>/dev/null || true; }
  # Nothing is mounted from out here, but a debootstrap stopped half-way can leave its own.
  local m
  for m in $(mounts_under_root | sort -r); do umount -l "$m" || true; done
  if [ "${KEEP_ROOT:-0}" = 1 ]; then
    echo "root kept at $root"
  elif [ -z "$(mounts_under_root)" ]; then
    rm -rf "$root"
  else
    echo "warning: something is still mounted under $root; not deleting it" >&2
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$(mounts_under_root)" ]; then
  echo "Something is mounted under $root (an earlier run?): unmount it first." >&2
  exit 1
fi
rm -rf "$root"

now() { date +%s; }
t_all=$(now)
echo "==> clean Debian 12 root (debootstrap --variant=minbase bookworm, mirror $mirror)"
t0=$(now)
debootstrap --variant=minbase --cache-dir="$debs" bookworm "$root" "$mirror" \
  > "$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log"; exit 1; }
t_boot=$(( $(now) - t0 ))

{
  echo "deb $mirror bookworm main"
  echo "deb $mirror bookworm-updates main"
  [ -z "$security" ] || echo "deb $security bookworm-security main"
} > "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
deb_name=$(basename "$deb")

# The inner check. It runs as PID 1 of its own namespaces inside the root.
cat > "$root/tmp/check-inside.sh" <<'INNER'
#!/bin/bash
set -euo pipefail
deb_name="$1"
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs -o ro sys /sys
mount -t tmpfs -o mode=1777 shm /dev/shm
mkdir -p /dev/pts
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx

say() { echo "    $*"; }
now() { date +%s; }
result() { echo "$1=$2" >> /tmp/results; }

echo "==> apt-get install --no-install-recommends ./$deb_name"
apt-get update -qq
before=$(dpkg-query -W -f='${binary:Package}\n' | sort)
t0=$(now)
(cd /tmp && apt-get install -y --no-install-recommends "./$deb_name") > /tmp/apt-install.log 2>&1 \
  || { tail -n 40 /tmp/apt-install.log; exit 10; }
result install_s $(( $(now) - t0 ))
after=$(dpkg-query -W -f='${binary:Package}\n' | sort)
comm -13 <(echo "$before") <(echo "$after") > /tmp/pulled-in
result pulled_in "$(wc -l < /tmp/pulled-in)"
grep -E '^Need to get|^After this operation' /tmp/apt-install.log | sed 's/^/    /' || true
pkg=$(dpkg-deb --field "/tmp/$deb_name" Package)
result package "$pkg"
bin=$(dpkg -L "$pkg" | grep -E '^/usr/bin/[^/]+$' | head -n 1)
[ -x "$bin" ] || { echo "the package installs no program in /usr/bin"; exit 11; }
result binary "$bin"
say "installed $pkg: $bin"

echo "==> every library the binary and WebKit's helper processes link is present"
missing=$(for f in "$bin" /usr/lib/*/webkit2gtk-4.1/WebKit*Process; do
  [ -e "$f" ] && ldd "$f" | grep 'not found' || true
done | sort -u)
if [ -n "$missing" ]; then
  echo "$missing" | sed 's/^/    missing: /'
  exit 12
fi
say "none missing"

useradd --create-home --shell /bin/bash producer
home=/home/producer
# The app's own logs, kept whatever happens below.
trap 'cp -r "$home/.local/share/com.castwright.desktop/logs" /tmp/app-logs 2>/dev/null || true' EXIT
mkdir -p "$home/notes" "$home/out"
cat > "$home/notes/voyager.md" <<'NOTES'
# The Golden Record

In 1977 NASA launched two Voyager probes, each carrying a gold-plated copper record.
A committee chaired by Carl Sagan had about six weeks to choose its contents: 116 images,
greetings in 55 languages, natural sounds and 90 minutes of music from many cultures.
Voyager 1 crossed the heliopause in August 2012; Voyager 2 followed in November 2018.
NOTES
chown -R producer: "$home"
# A producer's plain environment: no display, no D-Bus session, nothing from this script.
as_producer() { runuser -u producer -- env -i HOME="$home" USER=producer LANG=C.UTF-8 PATH=/usr/bin:/bin "$@"; }

echo "==> headless: castwright produce --connection demo (no display, no D-Bus)"
t0=$(now)
set +e
as_producer "$bin" produce --connection demo --notes "$home/notes" \
  --brief "Why the Voyager Golden Record still matters, for curious listeners" \
  --episode "Package check" --minutes 3 --export "$home/out/script.pdf" --json \
  > /tmp/produce.out 2> /tmp/produce.err
rc=$?
set -e
result produce_s $(( $(now) - t0 ))
result produce_rc "$rc"
tail -n 1 /tmp/produce.out > /tmp/produce.json
if [ "$rc" -ne 0 ]; then
  sed 's/^/    /' /tmp/produce.err | tail -n 20
  exit 13
fi
grep -q '"error":null' /tmp/produce.json || { echo "    the JSON line reports an error"; exit 13; }
grep -q '"simulated":true' /tmp/produce.json || { echo "    the demo run is not marked simulated"; exit 13; }
[ "$(head -c 4 "$home/out/script.pdf")" = "%PDF" ] || { echo "    no PDF export"; exit 13; }
say "exit 0; exported $(stat -c %s "$home/out/script.pdf") byte PDF"

echo "==> desktop: the window under Xvfb, in a desktop session (D-Bus, unlocked keyring)"
# Added only now, so the tools of the test cannot have supplied anything the app needed above.
apt-get install -y -qq --no-install-recommends xvfb xauth xdotool > /tmp/apt-x.log 2>&1 \
  || { tail -n 20 /tmp/apt-x.log; exit 14; }
# A producer's desktop has a session bus and an unlocked Secret Service; both come with the
# package's own dependencies (gnome-keyring and the D-Bus it needs), not with the test.
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "    $tool is missing after installing the package"; exit 14; }
done
mkdir -p /tmp/fb && chmod 1777 /tmp/fb
install -d -m 700 -o producer -g producer /tmp/run-producer  # the session's XDG_RUNTIME_DIR
# Screen statistics from Xvfb's frame buffer (XWD, 32 bits a pixel): the number of distinct
# colours (a blank window has one or two, a drawn page many) and how many pixels have the
# background colour of an error notice (so a "could not start" page fails the check).
cat > /tmp/fb-stats.pl <<'PERL'
use strict; use warnings;
my ($file, $errors) = @ARGV;
open(my $f, "<:raw", $file) or do { print "0 0\n"; exit 0 };
local $/; my $d = <$f>;
my @h = unpack("N25", $d);
my ($hs, $w, $ht, $order, $bpl, $nc) = @h[0, 4, 5, 7, 12, 19];
my $off = $hs + $nc * 12;
my %error = map { lc($_) => 1 } split(' ', $errors // '');
my %seen;
for (my $y = 0; $y < $ht; $y += 2) {
  $seen{$_}++ for unpack("(a4)*", substr($d, $off + $y * $bpl, $w * 4));
}
my $bad = 0;
for my $px (keys %seen) {
  my @b = unpack("C4", $px);
  my $rgb = $order == 0 ? sprintf("%02x%02x%02x", @b[2, 1, 0]) : sprintf("%02x%02x%02x", @b[1, 2, 3]);
  $bad += $seen{$px} if $error{$rgb};
}
printf "%d %d\n", scalar(keys %seen), $bad * 2;  # every other row was read
PERL
cat > /tmp/gui.sh <<'GUI'
#!/bin/bash
# Runs under xvfb-run as the producer. Writes key=value lines to /tmp/gui-results.
bin="$1"
out=/tmp/gui-results
: > "$out"
"$bin" > /tmp/gui-app.log 2>&1 &
app=$!
stats() { perl /tmp/fb-stats.pl /tmp/fb/Xvfb_screen0 "$(cat /tmp/error-colours 2>/dev/null)"; }
window=""; colours=0; error_px=0; prev=""; drawn_at=""
# Wait for the window, then for the page to be drawn and to settle (two identical frames, or
# ten more seconds for a blinking caret). Generous deadlines: this checks that it happens,
# not how fast.
for i in $(seq 1 180); do
  kill -0 "$app" 2>/dev/null || break
  [ -n "$window" ] || window=$(xdotool search --onlyvisible --name '^Castwright$' 2>/dev/null | head -n 1)
  if [ -n "$window" ]; then
    read -r colours error_px < <(stats)
    if [ "${colours:-0}" -ge 32 ]; then
      drawn_at=${drawn_at:-$i}
      frame=$(md5sum < /tmp/fb/Xvfb_screen0)
      [ "$frame" = "$prev" ] && break
      [ $((i - drawn_at)) -ge 10 ] && break
      prev=$frame
    fi
  fi
  sleep 1
done
echo "window=${window:-none}" >> "$out"
echo "colours=${colours:-0}" >> "$out"
echo "error_notice_px=${error_px:-0}" >> "$out"
if [ -n "$window" ]; then
  echo "title=$(xdotool getwindowname "$window")" >> "$out"
  xdotool getwindowgeometry "$window" | awk '/Geometry/ { print "geometry=" $2 }' >> "$out"
  cp /tmp/fb/Xvfb_screen0 /tmp/screen.xwd
fi
# Still up a while later, with its web process beside it.
alive=1
for _ in 1 2 3 4 5; do sleep 1; kill -0 "$app" 2>/dev/null || alive=0; done
echo "alive=$alive" >> "$out"
web=$(grep -l '^WebKitWebProces' /proc/[0-9]*/comm 2>/dev/null | head -n 1 | cut -d/ -f3)
echo "web_process=${web:-none}" >> "$out"
if [ "$alive" = 1 ]; then
  echo "app_rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$app/status")" >> "$out"
  [ -z "$web" ] || echo "web_rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$web/status")" >> "$out"
  kill -TERM "$app"
fi
wait "$app" 2>/dev/null
echo "app_exit=$?" >> "$out"
GUI
chmod +x /tmp/gui.sh
as_producer XDG_RUNTIME_DIR=/tmp/run-producer dbus-run-session -- bash -c '
  echo -n castwright | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x900x24 -fbdir /tmp/fb" /tmp/gui.sh "$1"' desktop "$bin" || true
sed 's/^/    /' /tmp/gui-results
cat /tmp/gui-results >> /tmp/results
value() { sed -n "s/^$1=//p" /tmp/gui-results; }
app_log() { tail -n 20 /tmp/gui-app.log | sed 's/^/    app: /'; }
[ -n "$(value window | grep -E '^[0-9]+$')" ] || { echo "    no window appeared"; app_log; exit 15; }
[ "$(value alive)" = 1 ] || { echo "    the app did not stay up"; app_log; exit 15; }
[ "$(value colours)" -ge 32 ] || { echo "    the window stayed blank"; app_log; exit 15; }
[ -n "$(value web_process | grep -E '^[0-9]+$')" ] || { echo "    no web process"; app_log; exit 15; }
if [ ! -s /tmp/error-colours ]; then
  echo "    note: no error-notice colour known; the first screen was not checked for one"
elif [ "$(value error_notice_px)" -ge 500 ]; then
  echo "    the first screen shows an error notice (see screen.png)"; app_log; exit 15
fi
INNER
chmod +x "$root/tmp/check-inside.sh"
: > "$root/tmp/results"
# The background of the UI's error notice, in both themes, read from the UI's own style sheet.
grep -o -- '--danger-soft: *#[0-9a-fA-F]\{6\}' ui/src/app.css 2>/dev/null | sed 's/.*#//' \
  | sort -u | tr '\n' ' ' > "$root/tmp/error-colours" || true

t0=$(now)
# --kill-child: if this script is stopped, the namespace's first process dies with it, and
# with that every process inside.
unshare --kill-child --mount --pid --fork --propagation private -- \
  chroot "$root" /tmp/check-inside.sh "$deb_name" &
inner=$!
set +e
wait "$inner"
rc=$?
set -e
inner=""
t_inside=$(( $(now) - t0 ))

# Keep what shows what happened, outside the root that is about to go.
for f in apt-install.log pulled-in produce.out produce.err produce.json gui-app.log results screen.xwd; do
  [ -f "$root/tmp/$f" ] && cp "$root/tmp/$f" "$work/$f"
done
rm -rf "$work/app-logs"
[ -d "$root/tmp/app-logs" ] && cp -r "$root/tmp/app-logs" "$work/app-logs"
if [ -f "$work/screen.xwd" ] && command -v python3 >/dev/null; then
  python3 - "$work/screen.xwd" "$work/screen.png" <<'PY' || echo "(could not convert the screenshot)"
# XWD (32 bits a pixel, as Xvfb writes it) to PNG, with the standard library only.
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
h = struct.unpack(">25I", d[:100])
hs, w, ht, order, bpl, ncol = h[0], h[4], h[5], h[7], h[12], h[19]
off = hs + ncol * 12
raw = bytearray()
for y in range(ht):
    row = d[off + y * bpl: off + y * bpl + w * 4]
    raw.append(0)
    for x in range(0, len(row), 4):
        b, g, r = (row[x], row[x + 1], row[x + 2]) if order == 0 else (row[x + 3], row[x + 2], row[x + 1])
        raw += bytes((r, g, b))
chunk = lambda t, p: struct.pack(">I", len(p)) + t + p + struct.pack(">I", zlib.crc32(t + p))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, ht, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
open(sys.argv[2], "wb").write(png)
PY
fi

echo
echo "==> summary"
printf '%-26s %s\n' ".deb" "$deb ($(stat -c %s "$deb") bytes)"
printf '%-26s %s\n' "Depends" "$(dpkg-deb --field "$deb" Depends 2>/dev/null || echo '?')"
printf '%-26s %ss\n' "debootstrap" "$t_boot"
sed 's/=/\t/' "$work/results" 2>/dev/null | awk -F'\t' '{ printf "%-26s %s\n", $1, $2 }'
printf '%-26s %ss (total %ss)\n' "inside the root" "$t_inside" "$(( $(now) - t_all ))"
[ -f "$work/screen.png" ] && printf '%-26s %s\n' "screenshot" "$work/screen.png"
echo "logs in $work"
if [ "$rc" -ne 0 ]; then
  echo "FAILED (step exit $rc)" >&2
  exit 1
fi
echo "PASSED: the package installs into a clean Debian 12 root, runs headless and opens its window"
