# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_SETTINGS  := susi.config.settings.dev
PORT   ?= 8000

.PHONY: run test lint format migrate demo bench clean messages serve-prod

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## make run: install, migrate, load demo data, serve http://127.0.0.1:$(PORT) (SQLite; PORT=8000 by default)
## with one background-job worker beside the server
run: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/susi migrate
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/susi demo
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/susi worker & W=$$!; trap 'kill $$W 2>/dev/null' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python -m django runserver 127.0.0.1:$(PORT)

## make serve-prod: migrate, collect static files and start gunicorn with production settings
## (SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL from the environment; see docs/developers/deployment.md)
serve-prod: $(STAMP)
	DJANGO_SETTINGS_MODULE=susi.config.settings.production $(BIN)/susi migrate
	DJANGO_SETTINGS_MODULE=susi.config.settings.production $(BIN)/susi serve --bind $${BIND:-127.0.0.1:8000}

## make test: the guardrails (lint incl. complexity cap and stale noqa, format, types, import layering),
## then the whole suite (SQLite, or DATABASE_URL when set)
test: lint
	$(BIN)/pytest -p no:cacheprovider -n 2 $(PYTEST_ARGS)

## make lint: the same checks as the pre-commit hooks (.pre-commit-config.yaml)
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

migrate: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/susi migrate

demo: migrate
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/susi demo

## make messages: refresh the English translation catalogue (needs GNU gettext)
messages: $(STAMP)
	cd src/susi && DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) ../../$(BIN)/python -m django makemessages -l en --no-obsolete
	cd src/susi && DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) ../../$(BIN)/python -m django compilemessages -l en

bench: $(STAMP)
	for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
