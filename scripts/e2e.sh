#!/usr/bin/env bash
# End-to-end: the real app binary in a real window under Xvfb, driven through tauri-driver
# and WebKitWebDriver, with the real keychain (gnome-keyring in a private D-Bus session).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
[ -f ui/dist/index.html ] || npm --prefix ui run build
cargo build --bin castwright
cargo test -p castwright-e2e --no-run

export CASTWRIGHT_APP="${CARGO_TARGET_DIR:-$PWD/target}/debug/castwright"
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1440x900x24" \
  cargo test -p castwright-e2e -- --ignored --test-threads=1 --nocapture
echo "screenshots: artifacts/e2e/"
