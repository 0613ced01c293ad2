# The contract (README): `make run` and `make test`. Everything installs what it needs.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# ccache: paths relative to the checkout, so a fresh clone (CI) reuses the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps configure build test test-unit run clean bench fuzz

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@./scripts/check-layering.sh
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

run: build
	@./scripts/run-demo.sh

bench: build
	@./bench/compare-kannel.sh
	@./bench/smpp-path.sh

fuzz: deps
	@./scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR)
