#!/usr/bin/env bash
# A local cluster on loopback: PostgreSQL, Redis, s3rver, N meridian nodes and nginx in
# front (see scripts/cluster.mjs). Prints the URL and the first administrator; Ctrl-C
# stops and deletes everything.
#   scripts/cluster.sh [--nodes 3] [--port 8080] [--ready-file F]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "cluster: nginx is missing (scripts/install-deps.sh --test installs it)" >&2; exit 2; }
exec scripts/with-postgres.sh scripts/with-redis.sh node scripts/cluster.mjs "$@"
