"""Shared fixtures. Integration and UI tests talk to the sandbox's real API server
(`sandbox/sandbox up`); when it is not reachable they fail, they never skip."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SANDBOX_DIR = Path(os.environ.get("PODTUI_SANDBOX_DIR", "/tmp/podtui-sandbox"))
ADMIN_KUBECONFIG = SANDBOX_DIR / "admin.kubeconfig"
LIMITED_KUBECONFIG = SANDBOX_DIR / "limited.kubeconfig"
SEED_POD = "seed-sidecar-logs"
# kubectl of the sandbox's own release (sandbox/sandbox links it there at `up`).
KUBECTL = str(SANDBOX_DIR / "kubectl")
API_SERVER = f"https://127.0.0.1:{os.environ.get('PODTUI_SANDBOX_PORT', '16443')}"


@pytest.fixture(scope="session")
def sandbox_dir() -> Path:
    if not ADMIN_KUBECONFIG.is_file():
        pytest.fail(
            f"the sandbox is not running ({ADMIN_KUBECONFIG} missing): run `make test` "
            "or `sandbox/sandbox up` first",
            pytrace=False,
        )
    return SANDBOX_DIR


@pytest.fixture(scope="session")
def admin_kubeconfig(sandbox_dir: Path) -> str:
    return str(sandbox_dir / "admin.kubeconfig")


@pytest.fixture(scope="session")
def conn(admin_kubeconfig: str):
    from podtui.cluster.connection import connect

    connection = connect(kubeconfig=admin_kubeconfig)
    try:
        connection.core.get_api_resources(_request_timeout=5)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"the sandbox API server does not answer: {exc}", pytrace=False)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def zoo(conn) -> str:
    """The namespace of the sandbox's pod-state zoo (sandbox/zoo.py): created, or refreshed
    where its definitions changed, once per session (`sandbox/sandbox zoo`)."""
    import fcntl
    import subprocess

    from sandbox import zoo as zoo_data

    script = Path(__file__).resolve().parents[1] / "sandbox" / "sandbox"
    # Parallel workers (pytest-xdist) take turns: the second finds the zoo made.
    with (SANDBOX_DIR / "zoo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run([str(script), "zoo", zoo_data.NAMESPACE], capture_output=True,
                                text=True, timeout=300)
    if result.returncode:
        pytest.fail(f"could not make the pod-state zoo: {result.stderr.strip()}", pytrace=False)
    return zoo_data.NAMESPACE


@pytest.fixture
def namespace(conn) -> Iterator[str]:
    """A fresh namespace per test, deleted afterwards, so tests never see each other's pods."""
    from kubernetes.client import V1Namespace, V1ObjectMeta

    name = f"t-{uuid.uuid4().hex[:8]}"
    conn.core.create_namespace(V1Namespace(metadata=V1ObjectMeta(name=name)))
    ensure_default_service_account(conn, name)
    yield name
    conn.core.delete_namespace(name, grace_period_seconds=0)


def ensure_default_service_account(conn, namespace: str) -> None:
    """Pods need the namespace's `default` service account. The controller-manager makes
    it, but may lag after a fault test restarted the API server: then make it ourselves."""
    from kubernetes.client.exceptions import ApiException

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if conn.core.list_namespaced_service_account(namespace).items:
            return
        time.sleep(0.1)
    try:
        conn.core.create_namespaced_service_account(namespace, {"metadata": {"name": "default"}})
    except ApiException as exc:
        if exc.status != 409:
            raise


def wait_for(predicate, what: str, timeout: float = 30.0, interval: float = 0.05):
    """Poll until predicate() is truthy; return its value. Fails the test with `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}", pytrace=False)
        time.sleep(interval)


def compact_etcd() -> int:
    """Compact the sandbox's etcd history up to now (what the API server does every 5 min),
    so watches from older resourceVersions get 410 Gone. Returns the revision."""
    _in_a_disruptive_test()
    import base64
    import json
    import urllib.request

    base = f"http://127.0.0.1:{os.environ.get('PODTUI_SANDBOX_ETCD_PORT', '12379')}/v3/kv"

    def post(path: str, body: dict) -> dict:
        request = urllib.request.Request(f"{base}/{path}", json.dumps(body).encode())
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    # A key outside /registry moves the revision past anything a client was told, even with
    # the API server stopped (a bookmark sent just before the stop can carry the revision
    # that would otherwise be the last one, and a watch from it is still valid).
    revision = int(post("put", {"key": base64.b64encode(b"/podtui-tests/filler").decode(),
                                "value": ""})["header"]["revision"])
    post("compaction", {"revision": str(revision), "physical": True})
    return revision


# Tests that stop or restart a sandbox component or compact etcd: every other test would see
# the outage, so `make test` runs them alone, after the others run in parallel.
DISRUPTIVE = {
    "tests/integration/test_pod_watch.py",
    "tests/ui/test_faults_ui.py",
    "tests/ui/test_metrics_absent.py",
    "tests/ui/test_restart_with_logs.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.split("::")[0] in DISRUPTIVE:
            item.add_marker(pytest.mark.disruptive)


def _in_a_disruptive_test() -> None:
    current = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[0]
    assert current in DISRUPTIVE, f"{current} disrupts the sandbox: add it to DISRUPTIVE"


def sandbox_cmd(*args: str) -> None:
    """Run sandbox/sandbox (stop/start/restart of a component, for fault tests)."""
    import subprocess

    _in_a_disruptive_test()
    script = Path(__file__).resolve().parents[1] / "sandbox" / "sandbox"
    subprocess.run([str(script), *args], check=True, capture_output=True, timeout=120)


# What kubectl asks for: the API server's printer, whose READY and STATUS podtui must equal.
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def server_table(conn, namespace: str) -> dict[str, tuple[dict, dict]]:
    """name -> (the cells `kubectl get pods` prints by column, the pod they were printed from)."""
    import orjson

    response = conn.request("GET", f"/api/v1/namespaces/{namespace}/pods",
                            query=[("includeObject", "Object")], accept=TABLE)
    data = orjson.loads(response.data)
    assert data["kind"] == "Table", data.get("kind")
    columns = [c["name"] for c in data["columnDefinitions"]]
    rows = {}
    for row in data["rows"]:
        cells = dict(zip(columns, row["cells"], strict=True))
        rows[cells["Name"]] = (cells, row["object"])
    return rows


def read_pod(conn, namespace: str, name: str) -> dict | None:
    """The pod as the server sends it (JSON), or None once it is gone."""
    import orjson

    try:
        response = conn.core.read_namespaced_pod(name, namespace, _preload_content=False)
    except Exception as exc:  # noqa: BLE001
        if getattr(exc, "status", None) == 404:
            return None
        raise
    return orjson.loads(response.data)


def make_pod(name: str, containers: list[str] | None = None, **labels: str) -> dict:
    """A small pod manifest (plain dict, as the API takes it)."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"test": "podtui"}},
        "spec": {
            "containers": [
                {"name": c, "image": "busybox:1.36", "command": ["sleep", "3600"]}
                for c in (containers or ["main"])
            ],
            "terminationGracePeriodSeconds": 0,
        },
    }


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: every integration test must really run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped:
        reporter.write_line(f"CI: {skipped} test(s) skipped; failing the run", red=True)
        session.exitstatus = 1
