# walletdesk — the two set-up commands are `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev messages messages-check lint typecheck ci-services clean screenshots

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

# The compiled catalogues are committed: installing needs no `make messages`, and CI checks
# them as committed (scripts/test.sh runs `walletdesk make_zh_hant --check`).
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Regenerate every app's zh_Hant catalogue from zh_Hans (OpenCC + the Hong Kong phrase table),
# then compile every .po to .mo (pure Python, no gettext needed). The .mo files are committed
# and ship in the wheel; `messages-check` (CI) fails when one is stale.
messages: install-dev
	PYTHONPATH=src $(BIN)/python -m walletdesk.core.catalogues

messages-check: install-dev
	PYTHONPATH=src $(BIN)/python -m walletdesk.core.catalogues --check

run: install
	$(BIN)/walletdesk migrate --noinput
	$(BIN)/walletdesk seed_demo
	WALLETDESK_DEV_OUTBOX=1 $(BIN)/walletdesk serve --host $(HOST) --port $(PORT)

test: install-dev
	bash scripts/test.sh

lint: install-dev
	$(BIN)/ruff check src scripts
	$(BIN)/mypy src/walletdesk
	npx --no-install eslint src/walletdesk  # after `npm ci` (scripts/test.sh runs it)

clean:
	rm -rf $(VENV) var

# Refresh the committed screenshots in docs/screenshots (a plain test run writes them to a
# scratch folder): every browser test, on SQLite.
screenshots: install-dev
	WALLETDESK_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -m browser -q
