# podtui: `make demo` runs the app on the sandbox, `make test` runs every test.
VENV    ?= .venv
PY      := $(VENV)/bin/python
SANDBOX := sandbox/sandbox
export PODTUI_SANDBOX_DIR ?= /tmp/podtui-sandbox
KUBECONFIG_SANDBOX := $(PODTUI_SANDBOX_DIR)/admin.kubeconfig

.PHONY: setup setup-lowest demo demo-zoo test test-client-lowest lint sandbox-up sandbox-down \
        screenshots bench bench-scale test-compat

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test,bench]'
	touch $@

setup: $(VENV)/.installed

# A second venv with the lowest kubernetes client pyproject.toml allows (`kubernetes>=N`:
# N, i.e. N.0.0), for test-client-lowest; .venv has the newest.
VENV_LOWEST ?= .venv-lowest
KUBERNETES_LOWEST := $(shell sed -n 's/^ *"kubernetes>=\([0-9.]*\),.*/\1/p' pyproject.toml)

$(VENV_LOWEST)/.installed: pyproject.toml
	python3 -m venv $(VENV_LOWEST)
	$(VENV_LOWEST)/bin/pip install -q --upgrade pip
	$(VENV_LOWEST)/bin/pip install -q -e '.[test,bench]' 'kubernetes==$(KUBERNETES_LOWEST)'
	touch $@

setup-lowest: $(VENV_LOWEST)/.installed

# What podtui asks of the client, once more on the lowest one: kubeconfig loading (token,
# client certificate, exec plugin, KUBECONFIG list, broken setups), the request path
# (podtui/cluster/transport.py) and its errors, streamed logs and watches, exec, shell,
# port-forward and debug containers. The sandbox must be up (the `test` recipe calls it).
# None of them stops or restarts a sandbox component (test_pod_watch and test_faults do).
CLIENT_TESTS := tests/unit/test_client_transport.py tests/unit/test_errors.py \
	tests/unit/test_server_version.py tests/integration/test_client_import.py \
	tests/integration/test_cli_errors.py tests/integration/test_cli_global_options.py \
	tests/integration/test_logs_follow.py tests/integration/test_inside.py

test-client-lowest: $(VENV_LOWEST)/.installed
	$(VENV_LOWEST)/bin/python -m pytest -ra -n 2 -p no:cacheprovider $(CLIENT_TESTS)

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

# Builds (or reuses) the sandbox and runs every test on two instances at once
# (tests/run_suite): the suite in two workers on the newest client on one; the tests that
# stop or restart a sandbox component (tests/conftest.py DISRUPTIVE), then the client-facing
# tests on the lowest client, on the other. Both are stopped afterwards. zsh and fish for
# the completion tests: the machine's, or Debian's unpacked into a cache (tests/shells.sh).
test: setup lint setup-lowest
	tests/run_suite $(PY) $(PYTEST_ARGS)

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

# The integration and UI tests against another Kubernetes release, built into its own cache
# and started beside the pinned one on other ports: make test-compat K8S=v1.32.13
# (results: docs/compatibility.md).
COMPAT_ENV = PODTUI_SANDBOX_K8S=$(K8S) PODTUI_SANDBOX_DIR=/tmp/podtui-compat-$(K8S) \
	PODTUI_SANDBOX_PORT=18443 PODTUI_SANDBOX_ETCD_PORT=14379 PODTUI_SANDBOX_KWOK_PORT=12247
test-compat: setup
	@test -n "$(K8S)" || { echo "make test-compat K8S=v1.MINOR.PATCH"; exit 2; }
	$(COMPAT_ENV) $(SANDBOX) up
	status=0; shells="$$(tests/shells.sh)" || exit 1; export PATH="$$shells:$$PATH"; \
	$(COMPAT_ENV) $(PY) -m pytest -ra -n 2 -p no:cacheprovider -m "not disruptive" \
		tests/integration tests/ui $(PYTEST_ARGS) || status=1; \
	$(COMPAT_ENV) $(PY) -m pytest -ra -p no:cacheprovider -m disruptive \
		tests/integration tests/ui $(PYTEST_ARGS) || status=1; \
	$(COMPAT_ENV) $(SANDBOX) down; exit $$status
