# Kesu developer entry points. GNU make. Everything runs through uv (installed on demand).
#
#   make run       set up, load the demo organisation, start Kesu on http://127.0.0.1:8000
#   make test      install what the tests need and run the whole suite (PYTEST_ARGS="-k sla -x" ...)
#   make lint      ruff check, ruff format --check, import-linter contracts
#   make bench     performance benchmarks (kesu bench, academy_bench, roleplay bench|eval; *_BENCH_ARGS=...)
#   make messages  regenerate and compile the zh_Hans translation catalogue (needs GNU gettext)
#   make clean     remove caches and build artefacts (never the data in ./var)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Recursively expanded on purpose: evaluated again after `install` has bootstrapped uv.
UV ?= $(shell command -v uv 2>/dev/null || { test -x .venv-tools/bin/uv && echo $(CURDIR)/.venv-tools/bin/uv; } || echo $(HOME)/.local/bin/uv)
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help install run test lint bench messages clean uv

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

uv:
	@scripts/ensure-uv.sh

install: uv
	$(UV) sync --frozen --extra redis

run: install
	UV="$(UV)" scripts/run.sh

test: install
	@scripts/ensure-browser.sh
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check src tests
	$(UV) run --frozen ruff format --check src tests
	$(UV) run --frozen lint-imports
	# Type-checked so far: the desk's core (strict on services/selectors/sla/workflow), triage, the
	# competency services/selectors and the role-play engine.
	$(UV) run --frozen mypy src/kesu/complaints/services.py src/kesu/complaints/selectors.py \
		src/kesu/complaints/sla.py src/kesu/complaints/workflow.py src/kesu/common/*.py src/kesu/accounts \
		src/kesu/triage src/kesu/competency/services.py src/kesu/competency/selectors.py src/kesu/roleplay/engine

bench: install
	$(UV) run --frozen kesu bench $(BENCH_ARGS)
	$(UV) run --frozen kesu academy_bench $(ACADEMY_BENCH_ARGS)
	$(UV) run --frozen kesu roleplay bench $(ROLEPLAY_BENCH_ARGS)
	$(UV) run --frozen kesu roleplay eval

# makemessages/compilemessages run inside src/kesu so that they only look at Kesu's own code and
# catalogue (from the repository root they would also walk .venv). They need GNU gettext
# (msgfmt, xgettext; Debian: apt-get install gettext).
messages: install
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext (Debian: apt-get install gettext)" >&2; exit 1; }
	cd src/kesu && $(UV) run --frozen kesu makemessages -l zh_Hans --ignore=static --no-wrap
	cd src/kesu && $(UV) run --frozen kesu compilemessages -l zh_Hans

clean:
	rm -rf .pytest_cache .ruff_cache test-artifacts build dist
	find src tests -type d -name __pycache__ -prune -exec rm -rf {} +
