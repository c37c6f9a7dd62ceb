#!/usr/bin/env bash
# Regenerates every app icon in icons/ from the hand-drawn master icons/icon.svg.
#
# Not part of the build: the rendered files are committed, so building needs neither Node nor
# the Tauri CLI. Run this after editing icon.svg, look at the results, and commit them.
#
#   scripts/render-icons.sh
#
# Needs Node.js with npx (the Tauri CLI is fetched from the npm registry on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned to the major version the app is built with; the CLI's renderer reads SVG directly.
TAURI_CLI="@tauri-apps/cli@2"
SRC="icons/icon.svg"
OUT="icons"

# What a desktop bundle uses; the CLI also makes android/ and ios/ sets, which we drop.
DESKTOP_FILES=(
  32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico
  Square30x30Logo.png Square44x44Logo.png Square71x71Logo.png Square89x89Logo.png
  Square107x107Logo.png Square142x142Logo.png Square150x150Logo.png Square284x284Logo.png
  Square310x310Logo.png StoreLogo.png
)

if ! command -v npx >/dev/null; then
  echo "npx (Node.js 20 or newer) is needed to render the icons." >&2
  exit 1
fi
[ -f "$SRC" ] || { echo "$SRC not found." >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$(pwd)"

# The master's tile fills 944 of 1024 units so it reads at 16 px on Windows and Linux. macOS
# expects the tile to fill 824 of 1024 with the rest left clear, so its variant is the same
# drawing seen through a wider viewBox: 944 * 1024 / 824 = 1173.126 units, centred.
sed 's|viewBox="0 0 1024 1024"|viewBox="-74.563 -74.563 1173.126 1173.126"|' "$SRC" >"$work/icon-macos.svg"
grep -q 'viewBox="-74.563' "$work/icon-macos.svg" || {
  echo "$SRC must keep viewBox=\"0 0 1024 1024\" on its root element." >&2
  exit 1
}

# Run the CLI from the scratch folder so npx never touches a package.json of ours. It lists
# every file it writes (mobile ones included), so its output is shown only when it fails.
render() {
  if ! (cd "$work" && npx --yes "$TAURI_CLI" icon "$1" -o "$2") >"$work/cli.log" 2>&1; then
    cat "$work/cli.log" >&2
    echo "The Tauri CLI failed to render $1." >&2
    exit 1
  fi
}
echo "==> rendering $SRC"
render "$root/$SRC" "$work/desktop"
echo "==> rendering the macOS variant"
render "$work/icon-macos.svg" "$work/macos"

for f in "${DESKTOP_FILES[@]}"; do
  [ -f "$work/desktop/$f" ] || { echo "The Tauri CLI did not produce $f." >&2; exit 1; }
  cp "$work/desktop/$f" "$OUT/$f"
done
[ -f "$work/macos/icon.icns" ] || { echo "The Tauri CLI did not produce icon.icns." >&2; exit 1; }
# The CLI writes the .icns entries in no fixed order, so its bytes change from run to run even
# when the pictures do not; commit it only when icon.svg changed.
cp "$work/macos/icon.icns" "$OUT/icon.icns"

echo "==> wrote ${#DESKTOP_FILES[@]} files and icon.icns to $OUT/"
