# KotaCerdas — the one entry point. `make run` serves the platform, `make test` checks it.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run setup test lint fmt messages bench chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-run

## run: set up, migrate the embedded SQLite database, load registry and demo content, serve
run: $(VENV)/.installed-run
	$(BIN)/kotacerdas setup
	$(BIN)/kotacerdas serve --host $(HOST) --port $(PORT)

setup: $(VENV)/.installed-run
	$(BIN)/kotacerdas setup

## test: lint, layer contracts, unit, integration and browser tests
test: $(VENV)/.installed-dev chromium lint
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/lint-imports --no-cache

fmt: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench

## messages: extract translatable strings and compile the catalogues (needs GNU gettext)
messages: $(VENV)/.installed-dev
	cd src/kotacerdas && ../../$(BIN)/django-admin makemessages --settings=kotacerdas.web.settings -l id --no-obsolete --no-location --ignore 'migrations/*'
	$(BIN)/python scripts/compile_messages.py

bench: $(VENV)/.installed-dev
	@status=0; for script in $$(ls bench/*.py | grep -v "/_"); do echo "== $$script"; $(BIN)/python "$$script" || status=1; done; exit $$status

## chromium: the browser tests drive the system Chromium (browsers are not downloaded)
chromium:
	@bash scripts/ensure-chromium.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
