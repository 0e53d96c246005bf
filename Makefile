# podtui: `make demo` runs the app on the sandbox, `make test` runs every test.
VENV    ?= .venv
PY      := $(VENV)/bin/python
SANDBOX := sandbox/sandbox
export PODTUI_SANDBOX_DIR ?= /tmp/podtui-sandbox
KUBECONFIG_SANDBOX := $(PODTUI_SANDBOX_DIR)/admin.kubeconfig

.PHONY: setup demo demo-zoo test lint sandbox-up sandbox-down screenshots bench

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test,bench]'
	touch $@

setup: $(VENV)/.installed

sandbox-up:
	$(SANDBOX) up

sandbox-down:
	$(SANDBOX) down

# The sandbox stays up afterwards (stop it with `make sandbox-down`).
demo: setup sandbox-up
	$(VENV)/bin/podtui --kubeconfig $(KUBECONFIG_SANDBOX)

# The pod-state zoo: a pod in every state kubectl names (sandbox/zoo.py).
demo-zoo: setup sandbox-up
	$(SANDBOX) zoo
	$(VENV)/bin/podtui --kubeconfig $(KUBECONFIG_SANDBOX) --namespace zoo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo

# Builds (or reuses) the control plane, starts it, runs every test, stops it.
test: setup lint
	$(SANDBOX) up
	$(PY) -m pytest -ra $(PYTEST_ARGS); status=$$?; $(SANDBOX) down; exit $$status

screenshots: setup sandbox-up
	$(PY) screenshots/make_screenshots.py

bench: setup sandbox-up
	$(PY) bench/run.py
