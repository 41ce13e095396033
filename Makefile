# `make run` and `make test` do all the set-up on a fresh machine with Python 3.11.
SHELL := /bin/bash
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

.PHONY: run serve worker test test-pg schemathesis lint bench clean browser-deps redis

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Runs a consumer of the job queue beside the web server given as $(1); when the server stops
# (one Ctrl-C), the consumer is stopped too and waited for.
define WITH_CONSUMER
@$(FLASK) worker & consumer=$$!; \
  trap 'kill -INT $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
  $(1)
endef

# Install, migrate, load the district (and with DEMO=1 a demo year), then serve, with a job
# consumer (weekly sets, backups, the schedule).
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-district
	@if [ -n "$(DEMO)" ]; then $(FLASK) demo-data; fi
	$(call WITH_CONSUMER,$(FLASK) run --host $(HOST) --port $(PORT))

# Production-style server: two sync workers suit two cores; and a consumer.
serve: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-district
	$(call WITH_CONSUMER,$(BIN)/gunicorn --bind $(HOST):$(PORT) wsgi:app)

# A consumer on its own (more of them, on this machine or others with REDIS_URL set).
worker: $(VENV)/.installed
	$(FLASK) worker

# Redis for the tests of the Redis-backed queue: Debian's redis-server, started when it is
# not answering (nothing kept on disk).
redis:
	@if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then \
	  if ! command -v redis-server >/dev/null; then \
	    if [ "$$(id -u)" = 0 ]; then $(APT) update -qq && DEBIAN_FRONTEND=noninteractive \
	      $(APT) install -y -qq redis-server; \
	    else echo "the tests need Redis: sudo apt-get install -y redis-server"; exit 1; fi; \
	  fi; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	  sleep 1; \
	fi

# Debian packages the browser tests need (Chromium and a CJK font); installed when missing
# and we may (root), never downloaded by Playwright.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
	  if [ "$$(id -u)" = 0 ]; then $(APT) update -qq && DEBIAN_FRONTEND=noninteractive \
	    $(APT) install -y -qq chromium fonts-wqy-microhei; \
	  else echo "browser tests need: sudo apt-get install -y chromium fonts-wqy-microhei"; fi; \
	fi

test: $(VENV)/.dev-installed browser-deps redis
	$(BIN)/python -m pytest

# The suite on PostgreSQL, its queue on Redis.
test-pg: $(VENV)/.dev-installed redis
	TEST_DATABASE_URL=$(PG_TEST_URL) TEST_REDIS_URL=redis://127.0.0.1:6379/0 $(BIN)/python -m pytest

schemathesis: $(VENV)/.dev-installed
	$(BIN)/python scripts/schemathesis_run.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/$${DATABASE_FILE:-service.db}* instance/jobs.db*
