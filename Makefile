# 养老服务综合监管平台 — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
SYS_STAMP := .sysdeps-ok
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install sysdeps run test test-random lint fmt pytest bench migrate demo clean worker beat

install: $(STAMP) sysdeps

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(BIN)/pip check
	@touch $(STAMP)

# System packages: a CJK font and HarfBuzz subsetting for PDF documents (WeasyPrint),
# Debian's chromium for browser tests, poppler-utils to inspect PDFs in tests.
SYS_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils
sysdeps:
	@missing=""; for p in $(SYS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo ">> System packages missing:$$missing"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo ">> Installing them with apt-get (needs the Debian mirror)…"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null || \
	      (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null); \
	  else \
	    echo ">> Please install them: sudo apt-get install$$missing"; \
	    echo ">> Without them PDFs lack Chinese glyphs and browser tests are skipped."; \
	  fi; \
	fi

# DEBUG (Django's error pages, which show settings) is for a developer's own machine: the
# settings default to DEBUG off and refuse the repository's secret key with it off; `make run`
# and the migrate/demo steps it runs turn DEBUG on. Nothing else does.
run demo migrate: export DJANGO_DEBUG ?= true

migrate: install
	$(PYTHON) manage.py migrate --noinput

demo: migrate
	$(PYTHON) manage.py seed_demo

# Without REDIS_URL, the beat schedule (deadline sweep, escalations, listing expiry) runs in a
# background process beside the server (`manage.py run_schedule`); with it, run `make worker`
# and `make beat` in two more terminals.
run: demo
	@echo ">> Serving http://$(HOST):$(PORT)/  (SQLite, Celery in-process unless DATABASE_URL/REDIS_URL are set)"
	@if [ -z "$$REDIS_URL" ]; then \
	  echo ">> Scheduled tasks run in-process (manage.py run_schedule)"; \
	  $(PYTHON) manage.py run_schedule > schedule.log 2>&1 & sched=$$!; \
	  trap "kill $$sched 2>/dev/null" EXIT INT TERM; \
	  $(PYTHON) manage.py runserver $(HOST):$(PORT); \
	else \
	  echo ">> REDIS_URL is set: start 'make worker' and 'make beat' for reminders"; \
	  $(PYTHON) manage.py runserver $(HOST):$(PORT); \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# mypy's Django plugin loads the settings (which refuse the dev key with DEBUG off).
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/mypy supervision institutions inspections credit funds
	$(BIN)/bandit -q -c pyproject.toml -r supervision institutions inspections credit funds

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite runs on two processes; the real-worker tests (marked redis: they start Celery
# workers and kill them) run afterwards on their own so that timing is not shared.
pytest: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PYTHON) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile -m "not redis" $(PYTEST_ARGS)
	$(BIN)/pytest -m redis $(PYTEST_ARGS)

test: lint pytest

# The same suite in a random order (the seed is printed; PYTEST_ARGS=--random-order-seed=N replays it).
test-random: install
	$(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile -m "not redis" --random-order-bucket=global $(PYTEST_ARGS)

bench: install
	@# DEBUG stays off while measuring; a throwaway secret key unless one is set.
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-bench-$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')}" \
	  $(PYTHON) -m bench

# Dependencies against a vulnerability database (pip-audit with OSV's advisories): every installed
# package but the portal itself, pinned as installed. Where OSV cannot be reached (this build
# machine), it says so and skips, exit 0; AUDIT_DEPS_REQUIRED=1 (a connected CI) makes that a
# failure. A finding fails the target until the pin in pyproject.toml is raised.
.PHONY: audit-deps
audit-deps: install
	@$(BIN)/pip-audit --version >/dev/null 2>&1 || $(BIN)/pip install --quiet --disable-pip-version-check pip-audit || \
	  { echo ">> pip-audit could not be installed (no package index): dependency audit SKIPPED"; test -z "$$AUDIT_DEPS_REQUIRED"; exit; }
	@if ! $(PYTHON) -c "import urllib.request as u; u.urlopen(u.Request('https://api.osv.dev/v1/query', \
	  data=b'{\"package\": {\"name\": \"django\", \"ecosystem\": \"PyPI\"}}'), timeout=10)" 2>/dev/null; then \
	  echo ">> The vulnerability database (api.osv.dev) cannot be reached: dependency audit SKIPPED."; \
	  echo ">> Run 'make audit-deps' where it can (AUDIT_DEPS_REQUIRED=1 makes this a failure)."; \
	  test -z "$$AUDIT_DEPS_REQUIRED"; exit; \
	fi; \
	reqs=$$(mktemp); trap 'rm -f $$reqs' EXIT; \
	$(BIN)/pip freeze --exclude-editable --disable-pip-version-check > $$reqs; \
	$(BIN)/pip-audit --vulnerability-service osv --strict --desc on --no-deps --disable-pip \
	  --progress-spinner off -r $$reqs

worker: install
	$(BIN)/celery -A supervision worker --loglevel=INFO --pool=solo

beat: install
	$(BIN)/celery -A supervision beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
