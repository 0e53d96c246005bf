# podtui: `make demo` runs the app on the sandbox, `make test` runs every test.
VENV    ?= .venv
PY      := $(VENV)/bin/python
SANDBOX := sandbox/sandbox
export PODTUI_SANDBOX_DIR ?= /tmp/podtui-sandbox
KUBECONFIG_SANDBOX := $(PODTUI_SANDBOX_DIR)/admin.kubeconfig

.PHONY: setup demo demo-zoo test lint sandbox-up sandbox-down screenshots bench bench-scale

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

# 50,000 pods in 10 namespaces, podtui -A beside k9s -A and kubectl (bench/scale.py). Not in
# `make bench`: creating the pods takes ~15 minutes; they are kept for the next run. Best on
# a private sandbox: PODTUI_SANDBOX_DIR=/tmp/sb-scale PODTUI_SANDBOX_PORT=18443
# PODTUI_SANDBOX_ETCD_PORT=14379 PODTUI_SANDBOX_KWOK_PORT=12247 make bench-scale
bench-scale: setup sandbox-up
	$(PY) bench/run.py --only scale --keep-namespaces
