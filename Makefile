# The contract (README): `make run` and `make test`. Everything installs what it needs.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# ccache: paths relative to the checkout, so a fresh clone (CI) reuses the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps configure build test test-unit test-sanitize run clean bench fuzz package

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

# The whole test suite built with ASan+UBSan (-DDISKRET_SANITIZE=ON) in its own directory;
# every finding fails the run. The browser tests (label e2e) and the package install
# (label package) are left to `make test`.
# Not part of `make test`/.ci/run: a cold sanitizer build (at -O1) takes about an hour on 2
# idle cores (http/server.cpp alone 110 CPU-s), far over the 30 minutes `make test` has.
# With a warm ccache it is the links and the (2-3x slower) test run.
ASAN_DIR ?= build-asan
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp
test-sanitize: deps
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DDISKRET_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	@cd $(ASAN_DIR) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) --timeout 1200 -LE 'e2e|package'

# Debian packages diskret, diskret-vault, diskret-smsc in $(BUILD_DIR)/packages (docs/operations.md).
package: build
	@cd $(BUILD_DIR) && cpack -G DEB

run: build
	@./scripts/run-demo.sh

bench: build
	@./bench/compare-kannel.sh
	@./bench/smpp-path.sh

fuzz: deps
	@./scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR)
