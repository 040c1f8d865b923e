# The README's two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_ENV := DJANGO_DEBUG=1
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/newsdesk

.PHONY: install run migrate import test test-postgres editor clean

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

# Browser-test assets (axe-core) from the npm registry, when npm is there.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; fi

install: $(INSTALLED)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

# Exit status 1 means some files were rejected (reported above); the rest were imported.
import: migrate
	$(DEV_ENV) $(BIN)/python manage.py import_articles seeds/ || [ $$? -eq 1 ]

run: import
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install node_modules/.installed
	$(BIN)/pytest

test-postgres: install node_modules/.installed
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

# Create an editor: a staff account in the Editors group (asks for a user name and password).
# Scripts: `manage.py create_editor NAME --no-input` with NEWSDESK_EDITOR_PASSWORD set.
editor: migrate
	$(DEV_ENV) $(BIN)/python manage.py create_editor

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache
