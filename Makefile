# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Every target is idempotent: re-running it does only what is not yet done.

SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
# PIP_CONSTRAINT also pins the build backend inside pip's isolated build environment.
PIP := PIP_CONSTRAINT=requirements.lock $(PY) -m pip --disable-pip-version-check -q
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PYTEST_ARGS ?= -n auto
PORT ?= 8000

.PHONY: run serve serve-dev install install-dev browser migrate seed admin-user test lint format lock clean

run: install migrate seed admin-user ## venv, install, migrate, load the seeds, local admin, serve
	@echo "Serving http://$(HOST):$(PORT)/ (admin at /admin/). Stop with Ctrl-C."
	$(MANAGE) runserver $(HOST):$(PORT)

# Production: DEBUG off, so SECRET_KEY must be set; DATABASE_URL, ALLOWED_HOSTS and the rest as in the README.
serve: install ## migrate, collect static files, check the deployment settings, then gunicorn on HOST:PORT
	DEBUG=0 $(MANAGE) migrate --no-input
	DEBUG=0 $(MANAGE) collectstatic --no-input -v 0
	DEBUG=0 $(MANAGE) check --deploy
	@echo "Serving http://$(HOST):$(PORT)/ with gunicorn. Stop with Ctrl-C."
	exec env DEBUG=0 HOST=$(HOST) PORT=$(PORT) $(PY) -m gunicorn --config config/gunicorn.conf.py config.wsgi

$(PY):
	@PYTHON=$$(bin/find-python) && echo "Creating $(VENV) with $$PYTHON" && "$$PYTHON" -m venv $(VENV)
	$(PY) -m pip --disable-pip-version-check -q install "pip==26.3"

# Reinstall only when the declared or locked dependencies change.
$(VENV)/.installed: $(PY) pyproject.toml requirements.lock
	$(PIP) install -c requirements.lock -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -c requirements.lock -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --no-input

seed: migrate
	$(MANAGE) load_seeds

admin-user: migrate
	$(MANAGE) ensure_local_admin

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser of its own).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium (sudo apt-get install chromium); without it they are skipped."; \
	  fi; }

test: install-dev browser ## the whole test suite (DATABASE_URL picks the database; SQLite by default)
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmark harness (benchmarks/run.py), on PostgreSQL only: DATABASE_URL names the database it fills
# and measures; BENCH_ARGS passes options, e.g. BENCH_ARGS="--scale 0.1 --requests 100".
.PHONY: bench
BENCH_ARGS ?=
$(VENV)/.installed-bench: $(VENV)/.installed
	$(PIP) install -c requirements.lock -e '.[bench]'
	@touch $@

bench: $(VENV)/.installed-bench ## benchmark the API and admin against a raw floor; report in benchmarks/reports/
	$(PY) -m benchmarks.run $(BENCH_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock: install-dev ## re-pin every installed package after a change to pyproject.toml
	{ sed -n '1,5p' requirements.lock; $(PIP) freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache staticfiles
