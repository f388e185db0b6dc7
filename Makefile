# Entry points. `make demo` runs the trainer on its embedded default, `make test` runs every test
# (single-rank `swift test`, then multi-rank tests under mpirun with 2 and 4 ranks).
SHELL := /bin/bash
SWIFT ?= swift
# Root needs --allow-run-as-root; more ranks than cores needs --oversubscribe (TOOLCHAIN.md).
MPIRUN ?= mpirun --allow-run-as-root --oversubscribe
DEMO_RANKS ?= 8

.PHONY: setup build release test test-single test-multirank demo bench clean

setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) --no-print-directory test-multirank

# Multi-rank checks: each runs under mpirun with 2 and 4 ranks, one BLAS thread per rank.
test-multirank:
	MPIRUN="$(MPIRUN)" ./cluster/run-multirank-tests.sh .build/debug/launcher 2 4

demo: release
	OPENBLAS_NUM_THREADS=1 $(MPIRUN) -n $(DEMO_RANKS) .build/release/launcher train

bench: release
	MPIRUN="$(MPIRUN)" ./scripts/bench.sh

clean:
	rm -rf .build
