# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements.stamp
PORT ?= 8501
DB ?=
DB_ARG := $(if $(DB),--db $(DB),)
# Debian packages: chromium for the browser tests; fonts with every Vietnamese glyph, and an emoji
# font so status icons render in screenshots; nginx for
# `make serve` (several dashboard processes) and its tests; postgresql for served deployments.
SYSTEM_PACKAGES := chromium fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji nginx postgresql
WORKERS ?= 2
SERVE_PORT ?= 8500
PYTEST_ARGS ?=
# Python caches each module's bytecode in __pycache__/ (git-ignored) unless told not to; some
# containers and CI images set PYTHONDONTWRITEBYTECODE, and then every process (a CLI command, a
# dashboard worker, each of the suite's hundreds of subprocesses) compiles the project again:
# about 0.2 s a process here. The commands below run as on a user's machine.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run serve test check lint format format-check contracts sysdeps seed bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# Installs the Debian packages when missing and we are root; otherwise says what to install.
sysdeps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing  (chart images, PDF and browser tests need them;"; \
	    echo "nginx: make serve and its tests; postgresql: the PostgreSQL store). Without root, nginx runs"; \
	    echo "unprivileged from a config in var/serve/ once installed: nothing else needs root."; \
	  fi; \
	fi

seed: $(STAMP)
	$(BIN)/python -m metrics seed $(DB_ARG)

run: $(STAMP) sysdeps seed
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) -- $(DB_ARG)

# WORKERS dashboard processes on ports SERVE_PORT+1.. behind nginx on SERVE_PORT (deploy/serve.py;
# the production layout is in docs/OPERATIONS.md).
serve: $(STAMP) sysdeps
	$(BIN)/python deploy/serve.py --workers $(WORKERS) --port $(SERVE_PORT) $(DB_ARG)

# The whole suite, in parallel (pyproject.toml addopts: -n auto); PYTEST_ARGS="-n 0" runs it serially.
test: $(STAMP) sysdeps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fast tier: the pure core and the store, in-process, serially (no browser, server, subprocess,
# page, report or whole import; tests/conftest.py sets the markers from each module's imports).
.PHONY: test-fast
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not e2e" -n 0 $(PYTEST_ARGS)

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

format-check: $(STAMP)
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .

contracts: $(STAMP)
	$(BIN)/lint-imports

# The type checker (mypy, [tool.mypy] in pyproject.toml): zero errors, part of `check`.
.PHONY: typecheck
typecheck: $(STAMP)
	$(BIN)/mypy

# Everything a reviewer runs: formatting, lint, types, import contracts, the whole suite.
check: format-check lint typecheck contracts test

bench: $(STAMP) sysdeps
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Full-page screenshots for a person to look at (tests/artifacts/screenshots/): every public page,
# desktop and phone, vi and en (phone/), and the analyst's import steps; `make test` takes only the
# README's (docs/screenshots/overview.png) and those of a failure.
screenshots: $(STAMP) sysdeps
	AI_DASHBOARD_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e/test_phone.py tests/e2e/test_browser.py tests/e2e/test_analyst.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache tests/artifacts
