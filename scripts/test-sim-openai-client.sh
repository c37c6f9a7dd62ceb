#!/usr/bin/env bash
# Checks that a third-party client works against the local OpenRouter unchanged: the official
# `openai` Python package, in a throwaway virtualenv under target/, pointed at
# <origin>/api/v1 of a freshly started openrouter-sim.
#
#   scripts/test-sim-openai-client.sh [path/to/openrouter-sim]
#
# Without a path the binary is built. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
bin="${1:-}"
if [ -z "$bin" ]; then
  cargo build --quiet -p openrouter-sim --bin openrouter-sim
  bin="$target_dir/debug/openrouter-sim"
fi
[ -x "$bin" ] || { echo "openrouter-sim binary not found: $bin" >&2; exit 1; }

venv="$target_dir/sim-openai-venv"
if [ ! -x "$venv/bin/python" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian splits venv out of python3.
    if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
      apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      python3 -m venv "$venv"
    else
      echo "python3 -m venv failed: install python3-venv" >&2
      exit 1
    fi
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check openai

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The emulator accepts only keys it issued or its scenario lists: list a fresh one.
key="sk-or-v1-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$work/scenario.json" <<JSON
{"name": "openai client check",
 "timing": {"latency_scale": 0, "processing_comments": 1, "keepalive_ms": 0,
            "generation_visible_after_ms": 0},
 "keys": {"$key": {}}}
JSON

"$bin" --port 0 --seed 1 --scenario "$work/scenario.json" >"$work/stdout" 2>"$work/stderr" &
pid=$!

# The first line of standard output names the origin; wait for it (at most 20 s).
line=""
for _ in $(seq 1 200); do
  if [ -s "$work/stdout" ] && IFS= read -r line <"$work/stdout" && [ -n "$line" ]; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { echo "openrouter-sim exited early:" >&2; cat "$work/stderr" >&2; exit 1; }
  sleep 0.1
done
case "$line" in
  "listening on http://127.0.0.1:"*) origin="${line#listening on }" ;;
  *) echo "unexpected first line from openrouter-sim: '$line'" >&2; exit 1 ;;
esac

status=0
OPENROUTER_SIM_KEY="$key" "$venv/bin/python" crates/openrouter-sim/tests/python/openai_client_check.py "$origin/api/v1" || status=$?

kill -TERM "$pid"
sim_status=0
wait "$pid" || sim_status=$?
pid=""
if [ "$sim_status" -ne 0 ]; then
  echo "openrouter-sim exited with $sim_status after SIGTERM (expected 0)" >&2
  cat "$work/stderr" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "openai client vs openrouter-sim: FAILED" >&2
  tail -n 20 "$work/stderr" >&2 || true
fi
exit "$status"
