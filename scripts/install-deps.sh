#!/usr/bin/env bash
# Installs what Castwright needs to build and test on Debian/Ubuntu, skipping what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Tauri's Linux build prerequisites
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev librsvg2-dev libxdo-dev libdbus-1-dev
  # tests: a D-Bus session with a real Secret Service, a virtual display, the WebDriver for WebKit
  dbus-daemon dbus-x11 gnome-keyring xvfb xauth webkit2gtk-driver
  # browser tests of the UI, and readers for exported documents
  chromium poppler-utils
  # the PDF export's embedded font
  fonts-dejavu-core
)

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "Missing system packages: ${missing[*]} — install them with your package manager (see README)." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: get it from https://rustup.rs and run this again." >&2
  exit 1
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Node.js 20 or newer is not installed: install it (with npm) and run this again." >&2
  exit 1
fi
# npm ci only when the lock file changed since the last install.
stamp=ui/node_modules/.castwright-lock
if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
  echo "==> installing UI packages"
  npm --prefix ui ci --no-audit --no-fund
  cp ui/package-lock.json "$stamp"
fi
