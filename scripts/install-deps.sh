#!/usr/bin/env bash
# Installs every Debian package Meridian needs to build, run and test, and the web
# app's npm packages. Idempotent and quiet: a second run does nothing.
#   scripts/install-deps.sh          build + run
#   scripts/install-deps.sh --test   also the servers and browser the tests start
set -euo pipefail

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

build_pkgs=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpqxx-dev libpq-dev libsodium-dev libssl-dev libcurl4-openssl-dev libutf8proc-dev libmagic-dev libhiredis-dev
  libpoppler-cpp-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
  libhowardhinnant-date-dev tzdata libical-dev
  libarchive-dev libxml2-dev
)
test_pkgs=(
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  postgresql wrk nginx chromium chromium-driver procps coturn redis-server
  # Self-signed certificates for the TLS tests.
  openssl
  # Export archives are checked with the real unzip (privacy tests).
  unzip
  # Emoji (reactions, pasted text) as people see them, so screenshots show what they see.
  fonts-noto-color-emoji
  # libFuzzer and its sanitizers for the fuzz targets (server/fuzz, scripts/fuzz.sh).
  clang-16 libfuzzer-16-dev
  # The real Alertmanager (0.25) the alerts bridge's integration test starts.
  prometheus-alertmanager
)

pkgs=("${build_pkgs[@]}")
((want_test)) && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "install-deps: Node.js 20 or newer is required for the web app (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci only when the lock file changed since the last install.
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in web e2e server/tests/integration; do
  [[ -f "$root/$dir/package-lock.json" ]] || continue
  stamp="$root/$dir/node_modules/.meridian-lock"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$root/$dir/package-lock.json" "$stamp"; then
    echo "install-deps: npm ci in $dir"
    (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$root/$dir/package-lock.json" "$stamp"
  fi
done
