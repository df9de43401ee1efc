# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

## install: the idempotent install step both `run` and `test` use
install: $(STAMP)

## run: migrate the SQLite database, load the seed once, create a local admin, serve
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_bijlage
	$(PY) manage.py ensure_local_admin
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite
test: install
	$(PY) -m pytest

## bench: medians of the overview and export timings (throwaway SQLite unless DATABASE_URL)
bench: install
	$(PY) bench/bench.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
