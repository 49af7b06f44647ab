# 巡察通 — developer entry points.
#
#   make demo   install what is missing, migrate, load the demo county, start a Celery worker (with beat)
#               in the background and the development server on http://127.0.0.1:8000 (Ctrl-C stops both)
#   make test   install what is missing (including Chromium for the browser tests), run the whole suite
#
# Both run again safely: packages already installed are skipped, migrate and seed_demo are idempotent.
# SQLite and a file-system Celery broker are the defaults; DATABASE_URL / CELERY_BROKER_URL switch to
# PostgreSQL / Redis (see .ci/run). SKIP_SYSTEM=1 skips the Debian package step.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.NOTPARALLEL:
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON      ?= python3
NPM         ?= npm
VENV        := .venv
VPY         := $(VENV)/bin/python
MANAGE      := $(VPY) manage.py
HOST        ?= 127.0.0.1
PORT        ?= 8000
PYTEST_ARGS ?=
# Volumes of the benchmark (bench/generate.py): S, L or both.
BENCH_VOLUMES ?= S L
SKIP_SYSTEM ?=
# The same directory settings.py uses for the SQLite file, logs, Celery queues and media.
VAR_DIR     := $(if $(XUNCHA_VAR_DIR),$(XUNCHA_VAR_DIR),var)
CELERY_PID  := $(VAR_DIR)/celery.pid
CELERY_LOG  := $(VAR_DIR)/log/celery.log

# libharfbuzz-subset0: WeasyPrint subsets the CJK fonts with it; without it, fontTools does it in Python
# (the 60-problem feedback PDF: 14 s instead of 1 s, `make bench`).
SYSTEM_PACKAGES      := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
TEST_SYSTEM_PACKAGES := chromium poppler-utils
BENCH_SYSTEM_PACKAGES := redis-server

NODE_STAMP := node_modules/.xuncha-npm-ci
VENDOR     := static/vendor
# apt-get update runs at most once per `make` invocation, even when two targets install packages.
APT_MARK   := $${TMPDIR:-/tmp}/xuncha-apt-updated.$(shell echo $$PPID)

# $(call apt_ensure,<packages>): install those Debian packages that are not installed yet.
define apt_ensure
if [ -n "$(SKIP_SYSTEM)" ]; then echo "SKIP_SYSTEM set: not checking Debian packages ($(strip $(1)))"; exit 0; fi
if ! command -v dpkg >/dev/null 2>&1; then
  echo "!! Not a Debian-like system (no dpkg). Install the equivalents of: $(strip $(1))"; exit 0
fi
missing=()
for p in $(1); do
  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$$p")
done
if [ $${#missing[@]} -eq 0 ]; then echo "Debian packages present: $(strip $(1))"; exit 0; fi
if [ "$$(id -u)" -eq 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"
else
  echo "!! Missing Debian packages: $${missing[*]}"
  echo "!! Not root and no sudo. Please run as root:"
  echo "!!   apt-get update && apt-get install -y --no-install-recommends $${missing[*]}"
  echo "!! then run make again (or SKIP_SYSTEM=1 to skip this check)."
  exit 1
fi
echo "Installing Debian packages: $${missing[*]}"
if [ ! -e "$(APT_MARK)" ]; then $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update; touch "$(APT_MARK)"; fi
$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$${missing[@]}"
endef

# Shell function stop_pid <pid>: TERM (Celery's warm shutdown), wait up to 15 s, then KILL.
define stop_pid_fn
stop_pid() {
  kill -0 "$$1" 2>/dev/null || return 0
  echo "Stopping Celery worker (pid $$1)"
  kill -TERM "$$1" 2>/dev/null || true
  for _ in $$(seq 1 30); do kill -0 "$$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$$1" 2>/dev/null || true
}
endef

.PHONY: help system test-system bench-system venv assets migrate demo stop-worker test lint bench

help:
	@echo "make demo         install, migrate, load the demo county, run worker+beat and http://$(HOST):$(PORT)"
	@echo "make test         install (incl. Chromium) and run the whole test suite (PYTEST_ARGS=... to narrow)"
	@echo "make lint         ruff check, and the layer contracts (import-linter, .importlinter)"
	@echo "make system       Debian packages for PDF rendering and Chinese fonts (+ nodejs/npm if npm is missing)"
	@echo "make test-system  Chromium for the browser tests"
	@echo "make venv         Python environment in $(VENV) from uv.lock (installs uv if missing)"
	@echo "make assets       npm ci, then copy Bootstrap and htmx into $(VENDOR)/"
	@echo "make migrate      apply database migrations"
	@echo "make stop-worker  stop the background Celery worker started by make demo"
	@echo "make bench        benchmark on PostgreSQL (127.0.0.1:5432) at BENCH_VOLUMES=\"$(BENCH_VOLUMES)\", writes BENCHMARKS.md"

system:
	@pkgs="$(SYSTEM_PACKAGES)"
	command -v $(NPM) >/dev/null 2>&1 || pkgs="$$pkgs nodejs npm"
	$(call apt_ensure,$$pkgs)

test-system:
	@$(call apt_ensure,$(TEST_SYSTEM_PACKAGES))

venv:
	@if command -v uv >/dev/null 2>&1; then uv=(uv)
	elif [ -x "$$HOME/.local/bin/uv" ]; then uv=("$$HOME/.local/bin/uv")
	elif $(PYTHON) -m uv --version >/dev/null 2>&1; then uv=($(PYTHON) -m uv)
	else
	  echo "Installing uv with pip"
	  $(PYTHON) -m pip install --user uv \
	    || $(PYTHON) -m pip install --user --break-system-packages uv \
	    || pip install uv \
	    || { echo "!! Could not install uv. Install pip (apt-get install python3-pip) or uv (https://docs.astral.sh/uv/) and retry."; exit 1; }
	  if command -v uv >/dev/null 2>&1; then uv=(uv)
	  elif [ -x "$$HOME/.local/bin/uv" ]; then uv=("$$HOME/.local/bin/uv")
	  else uv=($(PYTHON) -m uv); fi
	fi
	"$${uv[@]}" sync --frozen

# npm ci only when package.json / package-lock.json changed (or node_modules is gone).
$(NODE_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { echo "!! npm not found: run 'make system' (installs nodejs and npm)."; exit 1; }
	$(NPM) ci --no-audit --no-fund
	touch $@

assets: $(NODE_STAMP)
	@rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/bootstrap/css $(VENDOR)/bootstrap/js $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/bootstrap/css/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/js/
	for map in css/bootstrap.min.css.map js/bootstrap.bundle.min.js.map; do
	  if [ -f "node_modules/bootstrap/dist/$$map" ]; then cp "node_modules/bootstrap/dist/$$map" "$(VENDOR)/bootstrap/$$map"; fi
	done
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	echo "Front-end assets copied into $(VENDOR)/"

migrate: venv
	@$(MANAGE) migrate --noinput

stop-worker:
	@$(stop_pid_fn)
	pid=$$(cat "$(CELERY_PID)" 2>/dev/null || true)
	if [ -n "$$pid" ] && grep -qa celery "/proc/$$pid/cmdline" 2>/dev/null; then stop_pid "$$pid"; fi
	rm -f "$(CELERY_PID)"

demo: system venv assets migrate stop-worker
	@$(MANAGE) seed_demo
	mkdir -p "$(VAR_DIR)/log"
	$(VENV)/bin/celery -A xuncha worker -B -l info --concurrency 2 >>"$(CELERY_LOG)" 2>&1 &
	worker=$$!
	echo "$$worker" > "$(CELERY_PID)"
	$(stop_pid_fn)
	stop_worker() { stop_pid "$$worker"; rm -f "$(CELERY_PID)"; trap - EXIT; }
	trap stop_worker EXIT
	trap 'stop_worker; exit 130' INT TERM
	sleep 1
	kill -0 "$$worker" 2>/dev/null || { echo "!! The Celery worker exited at once; see $(CELERY_LOG)"; tail -n 20 "$(CELERY_LOG)"; exit 1; }
	echo
	echo "Celery worker + beat: pid $$worker, log $(CELERY_LOG)"
	echo "巡察通 demo: http://$(HOST):$(PORT)/   公告: http://$(HOST):$(PORT)/gonggao/"
	echo "Accounts (password demo12345): office leader zuzhang1 zuyuan1 zuyuan2 unit1 jiwei zuzhibu"
	echo "Ctrl-C stops the server and the worker."
	echo
	$(MANAGE) runserver $(HOST):$(PORT)

test: system test-system venv assets
	@$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# Issue #6: generate the synthetic county in its own PostgreSQL databases (xuncha_bench_s / _l, dropped
# afterwards), serve it with gunicorn (DEBUG off), time the pages, sweeps, documents and 50 users.
bench-system:
	@$(call apt_ensure,$(BENCH_SYSTEM_PACKAGES))

bench: bench-system venv assets
	@BENCH_VOLUMES="$(BENCH_VOLUMES)" $(VPY) bench/run.py
