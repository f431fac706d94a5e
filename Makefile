# The two commands a newcomer needs: `make demo` and `make test`. Everything else is installed by them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
CB := $(VENV)/bin/citybridge
SYSTEM_PACKAGES := chromium gettext fonts-wqy-zenhei poppler-utils python3-venv
# The virtualenv is made from Debian's Python (built with profile-guided and link-time optimisation, the interpreter
# linked statically): a request takes about 0.84 of the CPU time it takes on a build without them, such as pyenv's
# default (docs/architecture.md, "Speed"). Elsewhere, the first python3 on the PATH.
BASE_PYTHON := $(firstword $(wildcard /usr/bin/python3) python3)
# LibreOffice (the decks' PDF proof in tests/materials/test_libreoffice.py) without its recommends: 56 packages, ~46 s
SYSTEM_PACKAGES_LEAN := libreoffice-impress
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: demo test test-suite system bench-system venv messages lint bench bench-quick mutation lock clean

demo: system venv  ## set up, load the demo data, print the sign-in, serve on http://127.0.0.1:8000 with a worker
	$(CB) demo

test: system venv  ## the whole test suite, browser tests included
	$(CB) manage compilemessages --verbosity 0 --ignore=.venv
	$(VENV)/bin/pytest -q

test-suite:  ## the suite alone (CI calls it again on PostgreSQL)
	$(VENV)/bin/pytest -q

system:  ## Debian packages the project needs (root; skipped when present)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	lean=""; for p in $(SYSTEM_PACKAGES_LEAN); do dpkg -s $$p >/dev/null 2>&1 || lean="$$lean $$p"; done; \
	if [ -n "$$missing$$lean" ]; then \
	  echo "Installing Debian packages:$$missing$$lean"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq; \
	  if [ -n "$$missing" ]; then DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi; \
	  if [ -n "$$lean" ]; then DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$lean >/dev/null; fi; \
	fi

bench-system:  ## Debian packages only the benchmarks need (wrk drives bench/load.py, valgrind counts bench/instructions.py; root; skipped when present)
	@dpkg -s wrk valgrind >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk valgrind >/dev/null; }

venv: system
	@# a virtualenv made from another interpreter than BASE_PYTHON (an older checkout's) is made again
	@if [ -f $(VENV)/pyvenv.cfg ] && [ "$$($(PY) -c 'import os, sys; print(os.path.realpath(sys._base_executable))')" != "$$($(BASE_PYTHON) -c 'import os, sys; print(os.path.realpath(sys.executable))')" ]; then \
	  echo "Making $(VENV) again from $(BASE_PYTHON)"; rm -rf $(VENV); fi
	@$(MAKE) --no-print-directory -q $(VENV)/.installed || $(MAKE) --no-print-directory $(VENV)/.installed

# requirements.lock: what production installs (no test tools); requirements-dev.lock: that plus the test tools.
# Both pin exact versions with hashes; `make lock` regenerates them from pyproject.toml.
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements-dev.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

lock:  ## regenerate both lock files (exact pins + hashes) from pyproject.toml
	$(PY) -m pip install -q pip-tools
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

messages: venv  ## refresh every app's zh_Hans catalogue after changing UI strings
	for app in src/citybridge/*/locale; do \
	  (cd $$(dirname $$app) && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=$(CURDIR)/src:$(CURDIR) \
	   $(CURDIR)/$(VENV)/bin/django-admin makemessages -l zh_Hans --no-obsolete --no-location); done

lint: venv  ## ruff: lint rules, formatting, and type annotations on public functions
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

BENCHES := $(filter-out bench/harness.py bench/__init__.py bench/load_settings.py bench/load_wsgi.py,$(wildcard bench/*.py))

bench: venv bench-system  ## every benchmark under bench/, printing its figures beside their floors
	for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || exit 1; done

bench-quick: venv bench-system  ## the benchmarks at small sizes (CI): fails on an error, never on a time
	for b in $(BENCHES); do echo "== $$b"; BENCH_QUICK=1 $(PY) $$b || exit 1; done

# mutmut (in the dev lock). Scope and pytest arguments: [tool.mutmut] in
# pyproject.toml; scripts/mutation.py lets mutmut mutate the @transaction.atomic services and prints the rate.
mutation: venv  ## mutation testing of the academy services: prints the survival rate (fresh run each time)
	$(CB) manage compilemessages --verbosity 0 --ignore=.venv
	rm -rf mutants
	$(PY) scripts/mutation.py --max-children 1

clean:
	rm -rf var/ $(VENV) mutants/
