# ShareHub: `make run` serves the hub with demo data; `make test` runs every test on SQLite and PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv from PATH, or installed once into .tools/ from PyPI.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
# Python 3.13 from uv (it downloads one where it can), else an installed 3.13 or 3.12 (pyenv, system).
PYTHON := $(shell $(UV) python find 3.13 2>/dev/null || \
	ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.13*/bin/python3 2>/dev/null | tail -n1 || true)
ifeq ($(strip $(PYTHON)),)
PYTHON := $(shell command -v python3.13 || command -v python3.12 || \
	ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.12*/bin/python3 2>/dev/null | tail -n1)
endif
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/sharehub
VENDOR := sharehub/static/vendor

.PHONY: sysdeps bench-sysdeps prod-sysdeps help setup run lint test test-sqlite test-postgres test-postgres-e2e bench messages makemessages assets chromium postgres demo clean

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT) with the worker"
	@echo "make test   - install and run every test on SQLite (browser tests included) and on PostgreSQL"
	@echo "make test-postgres-e2e - the browser tests on PostgreSQL too"
	@echo "make lint   - ruff, the import layers and mypy (part of make test)"
	@echo "make bench  - run the benchmarks in bench/"

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@test -n "$(PYTHON)" || { echo "Python 3.12+ not found: install Python 3.13"; exit 1; }
	$(UV) sync --locked --python "$(PYTHON)"
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json | sysdeps
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

$(VENDOR)/.built: frontend/node_modules/.installed
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/markercluster
	cp frontend/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp -r frontend/node_modules/leaflet/dist/leaflet.js frontend/node_modules/leaflet/dist/leaflet.js.map frontend/node_modules/leaflet/dist/leaflet.css frontend/node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp frontend/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js frontend/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map frontend/node_modules/leaflet.markercluster/dist/MarkerCluster.css frontend/node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/markercluster/
	mkdir -p $(VENDOR)/jsqr
	cp frontend/node_modules/jsqr/dist/jsQR.js $(VENDOR)/jsqr/jsQR.js
	mkdir -p $(VENDOR)/quill $(VENDOR)/tom-select
	cp frontend/node_modules/quill/dist/quill.js frontend/node_modules/quill/dist/quill.js.map frontend/node_modules/quill/dist/quill.js.LICENSE.txt frontend/node_modules/quill/dist/quill.core.css frontend/node_modules/quill/dist/quill.core.css.map $(VENDOR)/quill/
	cp frontend/node_modules/tom-select/dist/js/tom-select.complete.min.js frontend/node_modules/tom-select/dist/js/tom-select.complete.min.js.map frontend/node_modules/tom-select/dist/css/tom-select.min.css frontend/node_modules/tom-select/dist/css/tom-select.min.css.map $(VENDOR)/tom-select/
	mkdir -p $(VENDOR)/chartjs
	cp frontend/node_modules/chart.js/dist/chart.umd.min.js frontend/node_modules/chart.js/dist/chart.umd.min.js.map frontend/node_modules/chart.js/LICENSE.md $(VENDOR)/chartjs/
	@touch $@

assets: $(VENDOR)/.built

# gettext's msgfmt compiles the translations, and Java runs the HTML checker (vnu-jar) in the tests;
# Debian-like systems get them from apt when missing.
sysdeps:
	@command -v msgfmt >/dev/null || { command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }
	@command -v npm >/dev/null || { command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	@command -v java >/dev/null || { command -v apt-get >/dev/null && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

# The newsletter benchmark measures against Postfix's smtp-sink (a C SMTP sink, not the bottleneck).
# Only that binary is wanted: debconf is told "No configuration", and the Postfix daemon that the
# package may start is stopped and disabled, so nothing listens on port 25.
bench-sysdeps:
	@command -v smtp-sink >/dev/null || test -x /usr/sbin/smtp-sink || { command -v apt-get >/dev/null && \
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections && \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix && \
	{ postfix stop >/dev/null 2>&1 || true; } && \
	{ systemctl disable --now postfix >/dev/null 2>&1 || update-rc.d postfix disable >/dev/null 2>&1 || true; }; }

# The production profile's test (sharehub/core/tests/test_production_profile.py) runs Debian's
# redis-server and nginx itself, on free loopback ports with temporary directories: only the
# binaries are wanted, so a daemon the package starts when installed here is stopped and disabled.
prod-sysdeps:
	@command -v redis-server >/dev/null || test -x /usr/bin/redis-server || { command -v apt-get >/dev/null && \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server && \
	{ systemctl disable --now redis-server >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true; }; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { command -v apt-get >/dev/null && \
	apt-get update -qq && { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light || \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; } && \
	{ systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true; }; }

messages: $(VENV)/.synced sysdeps
	$(MANAGE) compilemessages --ignore=.venv --ignore=.tools --ignore=frontend -v 0

makemessages: $(VENV)/.synced
	@for app in sharehub/*/; do if [ -d "$$app/locale" ]; then (cd $$app && ../../$(PY) ../../manage.py makemessages -l ko -l en --no-obsolete -v 0); fi; done

setup: $(VENV)/.synced assets messages

demo: setup
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo

run: demo
	$(MANAGE) collectstatic --noinput -v 0
	@echo "Serving ShareHub on http://$(HOST):$(PORT) (Ctrl-C stops the web server, the worker and the scheduler)"
	@echo "Demo mode: no real e-mail is sent; each browser reads its own at http://$(HOST):$(PORT)/ko/notifications/demo-mailbox/"
	@trap 'kill 0' EXIT INT TERM; \
	export SHAREHUB_HTTPS=0 SHAREHUB_DEMO_MAILBOX=1 SHAREHUB_SITE_URL="$${SHAREHUB_SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(MANAGE) db_worker --queue-name default & \
	$(MANAGE) run_periodic & \
	$(VENV)/bin/gunicorn sharehub.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - & \
	wait

# Debian's Chromium for the browser tests, with Korean and emoji fonts so screenshots are readable.
chromium:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; } || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2; }

test-sqlite: setup chromium
	SHAREHUB_STATIC_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	$(VENV)/bin/pytest -q

# The browser tests run once, on the embedded default (test-sqlite): on PostgreSQL every other test
# runs, the concurrency proofs among them. `make test-postgres-e2e` runs the browser tests there too.
test-postgres: setup postgres prod-sysdeps
	DATABASE_URL=$(PG_URL) SHAREHUB_STATIC_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	$(VENV)/bin/pytest -q --create-db -m "not e2e"

test-postgres-e2e: setup chromium postgres
	DATABASE_URL=$(PG_URL) SHAREHUB_STATIC_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	$(VENV)/bin/pytest -q --create-db e2e

# The house rules: lint and format (ruff), the layers (import-linter), types of every service and
# selector (mypy with django-stubs).
LINTED := sharehub bench e2e conftest.py manage.py
lint: $(VENV)/.synced
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# The two databases' runs go side by side: each pytest is one process and the machine has two
# cores, so together they take about as long as the longer one (each run's output comes whole).
test: lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: setup postgres chromium bench-sysdeps
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .tools frontend/node_modules $(VENDOR) staticfiles var
