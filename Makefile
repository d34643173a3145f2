# Kontorhaus developer tasks. `make run` gets you a running back office with demo data.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: help venv run test lint bench clean

help:
	@echo "make run     install (once), migrate, load demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test    the whole suite on SQLite, then on PostgreSQL (127.0.0.1:5432) if reachable"
	@echo "make lint    ruff and the import-layer contracts"
	@echo "make bench   order-intake benchmark"
	@echo "make clean   remove var/ and caches (keeps .venv)"

# The virtualenv is (re)installed only when pyproject.toml changed since the last install.
venv: $(STAMP)

$(STAMP): pyproject.toml
	@py=$$(command -v python3.11 || command -v python3 || true); \
	if [ -z "$$py" ] || ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	    echo "Kontorhaus needs Python 3.11 or newer (python3.11 or python3 on PATH)." >&2; exit 1; \
	fi; \
	if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV) || exit 1; fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# E-mail goes to files in var/mail unless EMAIL_URL says otherwise: nothing leaves the machine.
run: venv
	@mkdir -p var/mail
	$(BIN)/kontorhaus migrate
	$(BIN)/kontorhaus demo --if-empty
	EMAIL_URL="$${EMAIL_URL:-file://$(CURDIR)/var/mail}" $(BIN)/kontorhaus serve --host $(HOST) --port $(PORT)

test: venv
	@bash scripts/test.sh

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python benchmarks/order_intake.py

clean:
	rm -rf var .pytest_cache .ruff_cache test-results
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} +
