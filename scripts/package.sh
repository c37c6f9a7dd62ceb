#!/usr/bin/env bash
# `make package`: builds the Linux .deb with the Tauri bundler, release profile.
#
# Everything the build needs is fetched first, from the package registries only (crates, npm).
# The build itself then runs offline — inside a network namespace with no interfaces when the
# kernel allows one — so nothing can be downloaded while bundling. AppImage is not built: its
# bundler downloads tools at build time.
#
# Environment:
#   TAURI_CLI_VERSION   the @tauri-apps/cli release to use (default below; keep it on the same
#                       minor version as the `tauri` crate in Cargo.lock)
#   PACKAGE_ALLOW_NET=1 skip the network namespace (the build is still told to stay offline)
set -euo pipefail
cd "$(dirname "$0")/.."

TAURI_CLI_VERSION="${TAURI_CLI_VERSION:-2.12.5}"
tauri=(npx --yes "@tauri-apps/cli@${TAURI_CLI_VERSION}")

step() { echo "==> $*"; }
t_all=$(date +%s)

step "fetching build inputs (registries only)"
npx --yes "@tauri-apps/cli@${TAURI_CLI_VERSION}" --version
cargo fetch
[ -d ui/node_modules ] || npm --prefix ui ci --no-audit --no-fund

# Offline from here on: cargo, npm and npx must use what was fetched above.
export CARGO_NET_OFFLINE=true
export npm_config_offline=true
export CI=true

offline=()
if [ "${PACKAGE_ALLOW_NET:-0}" != 1 ]; then
  if unshare --net true 2>/dev/null; then
    offline=(unshare --net)
  elif unshare --map-root-user --net true 2>/dev/null; then
    # An unprivileged user namespace maps us to root inside; the build runs as that mapping.
    offline=(unshare --map-root-user --net)
  else
    echo "note: cannot create a network namespace here; building with offline settings only" >&2
  fi
fi

step "tauri build --bundles deb (release)${offline:+, no network}"
t_build=$(date +%s)
# The CLI runs beforeBuildCommand inside ui/ (the folder holding package.json), where the
# configured `npm --prefix ui …` would look for ui/ui; give it the command as seen from there.
${offline[@]+"${offline[@]}"} "${tauri[@]}" build --ci --bundles deb \
  --config '{"build":{"beforeBuildCommand":"npm run build"}}'
build_s=$(( $(date +%s) - t_build ))

# shellcheck disable=SC2012 # bundle file names are ours: no odd characters
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  echo "error: the bundler finished but no .deb is in target/release/bundle/deb/" >&2
  exit 1
fi

step "package contents"
dpkg-deb --field "$deb" Package Version Architecture Depends Installed-Size 2>/dev/null \
  || echo "(dpkg-deb is not installed: skipping the control summary)"
echo
printf '%-28s %s\n' ".deb" "$deb"
printf '%-28s %s bytes\n' ".deb size" "$(stat -c %s "$deb")"
printf '%-28s %s bytes\n' "binary size (stripped)" "$(stat -c %s target/release/castwright)"
printf '%-28s %ss (total %ss)\n' "build time" "$build_s" "$(( $(date +%s) - t_all ))"
