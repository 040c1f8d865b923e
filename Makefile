# The README's two commands: `make run` and `make test`; `make serve` for production (docs/deploy.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
DEV_ENV := DJANGO_DEBUG=1
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/newsdesk

STATIC_MANIFEST := staticfiles/staticfiles.json

.PHONY: install install-test run migrate import test test-fast test-postgres test-machine lint format editor static serve clean

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

# The suite's, the benchmarks' and the lint's packages, on top of the runtime's.
$(TEST_INSTALLED): $(INSTALLED) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(TEST_INSTALLED)

# Browser-test assets (axe-core) from the npm registry, when npm is there.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; fi

install: $(INSTALLED)

install-test: $(TEST_INSTALLED)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

# Exit status 1 means some files were rejected (reported above); the rest were imported.
import: migrate
	$(DEV_ENV) $(BIN)/python manage.py import_articles seeds/ || [ $$? -eq 1 ]

run: import
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Hashed, compressed copies of every static file for whitenoise, redone when a static source or
# the installed packages change (a full collect takes a minute on a busy machine). Needs no secret.
$(STATIC_MANIFEST): $(INSTALLED) $(shell find static */static -type f 2>/dev/null)
	NEWSDESK_STATIC_MANIFEST=1 $(DEV_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	touch $@

static: $(STATIC_MANIFEST)

# gunicorn (gunicorn.conf.py) as on an app server, with the production environment
# (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, ...: docs/deploy.md). Several app
# servers run migrations once per deploy instead (docs/deploy.md).
serve: $(STATIC_MANIFEST)
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn

# What the suite needs besides Python (chromium, wrk, npm, PostgreSQL and Redis running): installed and
# started, or one line saying what to install. First, so a machine that lacks something stops at once.
test-machine:
	@bash .ci/test-machine

# Every test runs: one that would be skipped for a missing tool fails instead.
test: test-machine install-test node_modules/.installed
	NEWSDESK_FORBID_SKIPS=1 $(BIN)/pytest

test-postgres: test-machine install-test node_modules/.installed
	NEWSDESK_FORBID_SKIPS=1 DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

# The edit loop: everything but the browser tests and the slow ones (benchmarks, servers, subprocess
# imports). CI runs them all.
test-fast: install-test
	$(BIN)/pytest -m "not browser and not slow"

# Lint, format and migrations as CI checks them (pyproject.toml; .pre-commit-config.yaml runs the same).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Create an editor: a staff account in the Editors group (asks for a user name and password).
# Scripts: `manage.py create_editor NAME --no-input` with NEWSDESK_EDITOR_PASSWORD set.
editor: migrate
	$(DEV_ENV) $(BIN)/python manage.py create_editor

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache staticfiles
