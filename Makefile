# The two commands a newcomer needs: `make run` and `make test`. `make help` lists all.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app petitions
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run serve test test-sqlite test-postgres lint translations bench clean browser-deps deploy-deps attacks topology

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations ## Create the virtual environment and install the project

translations: $(STAMP) ## Compile the French, Dutch and English catalogs
	$(BIN)/pybabel compile -d translations

instance/config.py: | $(STAMP)
	$(BIN)/python -m petitions.instance_config instance

# The embedded default keeps a generated passphrase beside its keys: for development only.
instance/keys/sealing-public.pem: | instance/config.py
	$(FLASK) keys create --passphrase-file instance/keys/passphrase.txt

run: install instance/config.py instance/keys/sealing-public.pem ## Set up instance/ (secrets, keys, database, demo) and serve on http://127.0.0.1:5000
	$(FLASK) setup
	@echo "Serving on http://127.0.0.1:5000 (mail goes to instance/mail/; Ctrl+C stops)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python -m scheduler & \
	$(FLASK) run --host 127.0.0.1 --port 5000

# The browser tests drive Debian's Chromium (never a browser Playwright downloads) and
# inject axe-core from npm; both are installed here when missing.
AXE := tests/browser/node_modules/axe-core/axe.min.js

browser-deps: ## Install Chromium (Debian package) and axe-core (npm) for the browser tests
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
		else \
			echo "browser tests: /usr/bin/chromium is missing; run 'sudo apt-get install chromium' (the browser tests fail until then)"; \
		fi; \
	fi
	@if [ ! -f $(AXE) ] && ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" -eq 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm; \
	fi
	@if [ ! -f $(AXE) ]; then \
		if command -v npm >/dev/null 2>&1; then \
			npm install --prefix tests/browser --no-save --no-audit --no-fund axe-core@4; \
		else \
			echo "browser tests: npm is missing; run 'sudo apt-get install npm' (the browser tests fail until then)"; \
		fi; \
	fi

# tests/test_deploy_units.py reads deploy/systemd/ with systemd-analyze (Debian's systemd).
deploy-deps: ## Install systemd-analyze (Debian package systemd) for the deploy units' tests
	@if ! command -v systemd-analyze >/dev/null 2>&1; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends systemd; \
		else \
			echo "deploy tests: systemd-analyze is missing; run 'sudo apt-get install systemd' (those tests fail until then)"; \
		fi; \
	fi

# With PETITIONS_TEST_REDIS_URL set, the limits' tests (tests/test_limits.py) run on
# that Redis server too, beside the in-memory storage, in each pytest run below.
test: install browser-deps deploy-deps ## Run the whole test suite (also on PostgreSQL / Redis when PETITIONS_TEST_POSTGRES_URL / PETITIONS_TEST_REDIS_URL is set)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy verification petitions/dates.py $(wildcard petitions/*/rules.py)
	$(BIN)/pytest --cov --cov-report=term
	@if [ -n "$$PETITIONS_TEST_POSTGRES_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		PETITIONS_TEST_DATABASE_URL="$$PETITIONS_TEST_POSTGRES_URL" $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/browser; \
	fi

lint: install ## Check style and the import layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

extract: $(STAMP) ## Extract the translatable strings and update the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

bench: install ## Measure signing and confirming under gunicorn (figures go in the README)
	$(BIN)/python -m bench

# nginx and redis-server are installed from Debian when missing (as root, or with sudo);
# PostgreSQL's server binaries must be there (.ci/run installs them).
topology: install ## Start nginx, two gunicorn nodes, two schedulers, PostgreSQL and Redis on loopback; sign through them, kill a node and a scheduler, check
	$(BIN)/python -m topology

attacks: install ## Replay the security review's attacks at the default limits and print the figures
	$(BIN)/python -m bench.attacks

clean: ## Remove the virtual environment (instance/ is kept)
	rm -rf $(VENV)
