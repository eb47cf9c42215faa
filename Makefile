# samverka: `make demo` runs the app with demo data; `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000

.PHONY: demo serve test lint typecheck pytest messages bench browser clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("samverka needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## The app with demo data on SQLite, served on http://$(HOST)
demo: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo
	@$(MAKE) --no-print-directory serve

## Serve with a background worker for imports; Ctrl-C stops both
serve: $(VENV)/.runtime
	@mkdir -p var
	@echo "samverka: http://$(HOST)/ (stop with Ctrl-C)"
	@$(PY) manage.py db_worker --interval 1 > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

## Lint, types, migrations, and the suite on SQLite (and on PostgreSQL when DATABASE_URL names one)
test: $(VENV)/.dev browser lint typecheck
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	env -u DATABASE_URL $(PY) -m pytest
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== the suite again on $$(echo $$DATABASE_URL | sed 's#//[^@]*@#//#')"; \
		$(PY) -m pytest; \
	else \
		echo "== DATABASE_URL is not set: the suite ran on SQLite only"; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	env -u DATABASE_URL $(BIN)/mypy samverka

pytest: $(VENV)/.dev
	$(PY) -m pytest $(ARGS)

## Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded)
browser:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-chromium

## Extract and compile translations (needs GNU gettext)
messages: $(VENV)/.runtime
	$(PY) manage.py makemessages --locale sv --locale en --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' 

bench: $(VENV)/.dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
