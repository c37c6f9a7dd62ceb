#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so
# keychain code talks to a real Secret Service without touching the user's own keyring.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export CASTWRIGHT_KEYRING_HOME="$keyring_home"
exec_in_session='
  export XDG_DATA_HOME="$CASTWRIGHT_KEYRING_HOME/data" XDG_RUNTIME_DIR="$CASTWRIGHT_KEYRING_HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  echo -n castwright | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"
'
dbus-run-session -- bash -c "$exec_in_session" with-keyring "$@"
