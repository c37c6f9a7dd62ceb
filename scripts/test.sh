#!/usr/bin/env bash
# `make test`: installs what is missing, then runs every check in phases, timing each. Every
# phase runs even after a failure (so one run shows everything wrong); the exit status is
# non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never
export CI="${CI:-}"
results=()
failed=0
t_all=$(date +%s)

phase() {
  local name="$1"; shift
  echo
  echo "==> [$name] $*"
  local t0; t0=$(date +%s)
  "$@"
  local rc=$?
  local dt=$(( $(date +%s) - t0 ))
  if [ $rc -eq 0 ]; then
    results+=("$(printf '%-24s ok     %5ss' "$name" "$dt")")
  else
    results+=("$(printf '%-24s FAILED %5ss (exit %s)' "$name" "$dt" "$rc")")
    failed=$((failed + 1))
  fi
  echo "<== [$name] exit $rc after ${dt}s"
  return 0
}

# Rust tests need a D-Bus session with an unlocked Secret Service (gnome-keyring), so the
# keychain tests talk to the real thing.
rust_tests() {
  scripts/with-keyring.sh cargo test --workspace --all-targets --no-fail-fast
}

phase "install dependencies" scripts/install-deps.sh || true
phase "ui build" npm --prefix ui run build
phase "cargo fmt" cargo fmt --all -- --check
phase "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
phase "note fixtures (LibreOffice)" scripts/make-note-fixtures.sh
phase "rust tests" rust_tests
phase "svelte-check / tsc" npm --prefix ui run check
phase "vitest" npm --prefix ui test
phase "browser (chromium)" npm --prefix ui run test:browser
if [ -x scripts/test-sim-openai-client.sh ]; then
  phase "openai client vs sim" scripts/test-sim-openai-client.sh
fi
phase "end to end (Xvfb)" scripts/e2e.sh

echo
echo "Phase                    result   time"
printf '%s\n' "${results[@]}"
echo "total $(( $(date +%s) - t_all ))s"
passed=$(( ${#results[@]} - failed ))
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
