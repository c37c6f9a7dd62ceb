# Castwright — every set-up step lives here, so a fresh Debian/Ubuntu machine needs only
# `make run` or `make test`. The scripts it calls are in scripts/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup deps ui run test check bindings e2e bench fuzz clean package

help:
	@echo "make run    install what is missing, build the UI and open Castwright"
	@echo "make test   install what is missing and run every check (see README)"
	@echo "make bench  run the benchmarks and regenerate BENCHMARKS.md"
	@echo "make fuzz   fuzz the SSE reader and every note parser for a bounded time"
	@echo "make package   build the Linux .deb (scripts/test-package.sh tests it in a clean root)"
	@echo "make bindings   regenerate ui/src/lib/bindings.ts from the Rust commands"

# System packages (apt), Node packages (npm ci) and cargo tools, each only when missing.
deps:
	@scripts/install-deps.sh

ui: deps
	npm --prefix ui run build

run: ui
	cargo run --bin castwright

test:
	@scripts/test.sh

bench: deps
	@scripts/bench.sh

# Fuzz every parser entry point for a bounded time (FUZZ_SECONDS each); not part of
# `make test`, which replays the saved corpus.
fuzz:
	@scripts/fuzz.sh

bindings:
	CASTWRIGHT_UPDATE_BINDINGS=1 cargo test --test bindings

e2e: ui
	@scripts/e2e.sh

# The Linux .deb (release build, offline once inputs are fetched); not part of `make test`.
# scripts/test-package.sh installs it into a clean Debian 12 root and starts it there.
package: deps
	@scripts/package.sh

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
