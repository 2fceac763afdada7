#!/usr/bin/env bash
# The long fault tests (server/tests/soak/soak.mjs): the three-node cluster of scripts/cluster.mjs
# on a throwaway PostgreSQL and Redis, under chat traffic, through N rounds of kill -9 of a
# node, a rolling restart, a Redis restart and a PostgreSQL restart. Prints a line per round
# (acknowledged, lost, duplicated, holes, cross-node delivery) and a SOAK summary line; exits 1
# if anything acknowledged was lost or stored twice.
#   scripts/soak.sh [--rounds 20] [--senders 3]      (or: make soak SOAK_ROUNDS=20)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "soak: nginx is missing (scripts/install-deps.sh --test installs it)" >&2; exit 2; }
exec scripts/with-postgres.sh scripts/with-redis.sh node server/tests/soak/soak.mjs "$@"
