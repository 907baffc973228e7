# Gonghui: `make demo` serves the demo site; `make test` runs lint, migration checks and the whole
# suite on SQLite and on a PostgreSQL server it starts itself. Both work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_LINK_MODE := copy

.PHONY: demo test install install-dev frontend static migrate seed serve lint migrations-check \
        test-sqlite test-postgres system-deps messages bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Python packages from uv.lock (the runtime set; install-dev adds the test tools).
install: $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --no-dev

install-dev: $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact

# Front-end packages from the npm registry (package-lock.json), copied into static files.
frontend: node_modules/.package-lock.json
	npm run --silent build
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static: frontend
	$(BIN)/gonghui collectstatic --noinput -v0

migrate:
	$(BIN)/gonghui migrate --noinput -v0

seed:
	$(BIN)/gonghui seed --scale demo

# Serves the site with the production server and its background worker; Ctrl-C stops both.
serve:
	@echo "Gonghui: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	LOG_FORMAT=text $(BIN)/gonghui serve --bind 127.0.0.1:$(PORT) --workers 2 --with-worker

demo: install static migrate seed serve

# Chromium for browser tests, PostgreSQL server binaries and CJK fonts (for readable screenshots),
# through apt when they are missing.
system-deps:
	@bash scripts/system-deps.sh

lint: install-dev
	$(BIN)/ruff check src tests bench

migrations-check: install-dev
	$(BIN)/gonghui makemigrations --check --dry-run

test-sqlite:
	GONGHUI_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest

test-postgres:
	GONGHUI_VAR_DIR=$(CURDIR)/var/test bash scripts/with-postgres.sh $(BIN)/pytest

test: install-dev system-deps frontend lint migrations-check test-sqlite test-postgres

# Recompile the Chinese catalogue after editing src/gonghui/locale/zh_Hans/LC_MESSAGES/django.po.
messages:
	cd src/gonghui && ../../$(BIN)/gonghui makemessages -l zh_Hans --no-obsolete && ../../$(BIN)/gonghui compilemessages -l zh_Hans

bench: install-dev
	$(BIN)/python bench/org_subtree.py
	$(BIN)/python bench/coverage_stats.py
	$(BIN)/python bench/import_members.py
	$(BIN)/python bench/member_export.py
	$(BIN)/python bench/summary.py

clean:
	rm -rf $(VENV) node_modules var src/gonghui/static/vendor
