#!/usr/bin/env bash
# Fuzzes each parser entry point of the engine (the note parsers, the script parser and the
# SSE reader of streamed answers) for a bounded time: FUZZ_SECONDS per target
# (default 60). Name targets to run only those: scripts/fuzz.sh notes_pdf notes_docx.
#
# cargo fuzz builds with compiler flags only a nightly compiler accepts; on the stable
# toolchain RUSTC_BOOTSTRAP=1 lets stable accept them. New inputs go to target/fuzz/work (not
# committed); the seed corpus in crates/engine/fuzz/corpus is read, not written. A crash is
# saved under target/fuzz/work/artifacts/<target>/: once fixed, copy it to
# crates/engine/fuzz/regressions/<target>/ so `cargo test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds="${FUZZ_SECONDS:-60}"
targets=(script_parse notes_decode notes_html notes_pdf notes_docx sse_reader)
if [ $# -gt 0 ]; then targets=("$@"); fi

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
if ! rustc --version | grep -q nightly; then export RUSTC_BOOTSTRAP=1; fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/fuzz"
work="$CARGO_TARGET_DIR/work"
# AddressSanitizer needs its runtime; safe Rust loses little without it, so fall back to none.
sanitizer="${FUZZ_SANITIZER:-address}"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  echo "==> fuzzing $t for ${seconds}s"
  if ! cargo fuzz run --fuzz-dir "$root/crates/engine/fuzz" --sanitizer "$sanitizer" "$t" \
      "$work/corpus/$t" "$root/crates/engine/fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs in $work/artifacts/)" >&2
  exit 1
fi
echo "fuzzing found nothing in ${#targets[@]} targets (${seconds}s each)"
