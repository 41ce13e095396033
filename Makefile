# `make run` and `make test` do all the set-up on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Another install running (unattended upgrades, a second `make test`) holds dpkg's lock: wait
# for it rather than fail.
APT := apt-get -o DPkg::Lock::Timeout=300

.PHONY: run serve test test-pg schemathesis lint bench clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Install, migrate, load the district (and with DEMO=1 a demo year), then serve.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-district
	@if [ -n "$(DEMO)" ]; then $(FLASK) demo-data; fi
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-style server: two sync workers suit two cores.
serve: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-district
	$(BIN)/gunicorn --bind $(HOST):$(PORT) wsgi:app

# Debian packages the browser tests need (Chromium and a CJK font); installed when missing
# and we may (root), never downloaded by Playwright.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
	  if [ "$$(id -u)" = 0 ]; then $(APT) update -qq && DEBIAN_FRONTEND=noninteractive \
	    $(APT) install -y -qq chromium fonts-wqy-microhei; \
	  else echo "browser tests need: sudo apt-get install -y chromium fonts-wqy-microhei"; fi; \
	fi

test: $(VENV)/.dev-installed browser-deps
	$(BIN)/python -m pytest

test-pg: $(VENV)/.dev-installed
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest

schemathesis: $(VENV)/.dev-installed
	$(BIN)/python scripts/schemathesis_run.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/xicheng.db*
