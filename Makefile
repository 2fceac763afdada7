# Meridian: `make run` builds and starts the embedded default; `make test` runs every test.
SHELL := /bin/bash
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
MERIDIAN_PORT ?= 8080
MERIDIAN_DATA_DIR ?= ./data
JOBS ?= $(shell nproc)

.PHONY: run test build server server-bin configure web deps test-deps bench fuzz tsan clean cluster soak

run: deps server-bin web
	MERIDIAN_PORT=$(MERIDIAN_PORT) MERIDIAN_DATA_DIR=$(MERIDIAN_DATA_DIR) \
	  MERIDIAN_WEB_ROOT=web/dist/meridian/browser $(BUILD_DIR)/server/src/app/meridian

test: test-deps build
	scripts/run-tests.sh

build: server web

# Three nodes on PostgreSQL, Redis and s3rver behind nginx, on loopback (scripts/cluster.sh).
cluster: test-deps server-bin web
	scripts/cluster.sh --nodes $(or $(NODES),3)

# The long fault tests: SOAK_ROUNDS rounds (default 20) of kill -9, rolling restart, Redis
# restart and PostgreSQL restart under chat traffic on the three-node cluster (scripts/soak.sh).
SOAK_ROUNDS ?= 20
soak: test-deps server-bin
	scripts/soak.sh --rounds $(SOAK_ROUNDS)

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

configure:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

# Everything: the server, its tests and benchmarks.
server: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the meridian binary (what `make run` needs).
server-bin: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target meridian

web:
	@if [ -f web/package.json ]; then cd web && npm run --silent build; fi

bench: test-deps build
	scripts/run-bench.sh

# A long libFuzzer run: every target for FUZZ_SECONDS (default 10 minutes) each.
FUZZ_SECONDS ?= 600
fuzz: test-deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The concurrency tests under ThreadSanitizer (SQLite only unless PostgreSQL/Redis are wrapped in).
tsan: test-deps
	scripts/with-postgres.sh scripts/with-redis.sh scripts/tsan.sh

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz build-tsan web/dist
