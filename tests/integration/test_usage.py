"""Resource usage from the sandbox's metrics-server, which scrapes the real node's kubelet
(the containers' own CPU and memory) and KWOK's fake nodes (usage emulated from
annotations): podtui's numbers are kubectl's, within one scrape; no metrics API is one
clear line."""

from __future__ import annotations

import subprocess

import orjson
import pytest

from podtui.cluster.errors import ClusterError
from podtui.cluster.usage_feed import UNAVAILABLE, UsageFeed, read_usage
from sandbox.render_config import ON_FAKE_NODE
from tests.conftest import KUBECTL, LIMITED_KUBECONFIG, SEED_POD, wait_for
from tests.integration.test_cli_errors import run

USAGE = "sandbox.podtui.dev/usage-"


def usage_pod(name: str) -> dict:
    """Two containers with emulated usage (sandbox/render_config.py reads the annotations):
    KWOK emulates it only on its fake nodes, so the pod asks for one."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "annotations": {
            USAGE + "cpu-app": "150m", USAGE + "memory-app": "40Mi",
            USAGE + "cpu-sidecar": "7m", USAGE + "memory-sidecar": "12345Ki",
        }},
        "spec": {
            "containers": [
                {"name": "app", "image": "nginx:1.27",
                 "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "64Mi"}}},
                {"name": "sidecar", "image": "busybox:1.36"},
            ],
            **ON_FAKE_NODE,
            "terminationGracePeriodSeconds": 0,
        },
    }


#: What the holder keeps in a shell variable: its memory is at least that.
HELD_MIB = 32


def real_pod(name: str) -> dict:
    """Two containers that run on the real node (the pod does not tolerate the fake
    nodes' taint): `busy` spends some CPU every second, `holder` keeps HELD_MIB in memory
    (its shell stays: a last plain command would replace it, variable and all)."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "containers": [
                {"name": "busy", "image": "busybox:1.36",
                 "command": ["sh", "-c", "while true; do i=0; while [ $i -lt 10000 ]; do "
                             "i=$((i+1)); done; sleep 1; done"],
                 "resources": {"requests": {"cpu": "10m", "memory": "8Mi"}}},
                {"name": "holder", "image": "busybox:1.36",
                 "command": ["sh", "-c", f"held=$(head -c {HELD_MIB * 2**20} /dev/zero | "
                             "tr '\\0' x); while true; do sleep 3600; done"],
                 # Building the variable takes a few times its size for a moment.
                 "resources": {"requests": {"cpu": "10m", "memory": "64Mi"},
                               "limits": {"memory": "256Mi"}}},
            ],
            "terminationGracePeriodSeconds": 0,
        },
    }


def metrics_timestamp(conn, namespace: str, pod: str) -> str:
    try:
        response = conn.request(
            "GET", f"/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{pod}")
    except Exception:  # noqa: BLE001 - not scraped yet
        return ""
    return orjson.loads(response.data).get("timestamp", "")


@pytest.fixture
def scraped(conn, namespace):
    """A pod of `namespace` that metrics-server has reported (its second scrape: ~30 s)."""
    conn.request("POST", f"/api/v1/namespaces/{namespace}/pods", body=usage_pod("web")).drain_conn()
    wait_for(lambda: metrics_timestamp(conn, namespace, "web"),
             "metrics-server to report the pod (is the sandbox's metrics API up? "
             "sandbox/sandbox up starts it)", timeout=90, interval=1)
    return "web"


def kubectl_top(kubeconfig: str, namespace: str) -> list[list[str]]:
    out = subprocess.run([KUBECTL, "--kubeconfig", kubeconfig, "top", "pod", "--containers",
                          "-n", namespace], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [line.split() for line in out.stdout.splitlines()]


def test_top_equals_kubectl_top_within_one_scrape(conn, admin_kubeconfig, namespace, scraped):
    for _attempt in range(5):
        before = metrics_timestamp(conn, namespace, scraped)
        ours = run("--kubeconfig", admin_kubeconfig, "top", "-n", namespace)
        theirs = kubectl_top(admin_kubeconfig, namespace)
        if metrics_timestamp(conn, namespace, scraped) == before:
            break  # the same scrape on both sides
    else:
        pytest.fail("metrics-server scraped between every pair of reads")
    assert ours.returncode == 0, ours.stderr
    assert [line.split() for line in ours.stdout.splitlines()] == theirs
    # Both containers, with the emulated numbers (a peer check of the sandbox itself).
    rows = {r[1]: r for r in theirs[1:]}
    assert set(rows) == {"app", "sidecar"}
    assert rows["app"][3] == "40Mi"  # memory is a gauge: exact; CPU a rate of a counter


def on_real_node(conn, namespace: str, pod: str) -> str:
    """The node the pod runs on, once it runs; it must be the real one (not KWOK's)."""
    def running() -> dict | None:
        found = orjson.loads(conn.request(
            "GET", f"/api/v1/namespaces/{namespace}/pods/{pod}").data)
        return found if found["status"].get("phase") == "Running" else None

    node_name = wait_for(running, f"{pod} to run", timeout=60, interval=0.5)["spec"]["nodeName"]
    node = orjson.loads(conn.request("GET", f"/api/v1/nodes/{node_name}").data)
    assert "kwok.x-k8s.io/node" not in node["metadata"].get("annotations", {}), node_name
    return node_name


def same_scrape_top(conn, admin_kubeconfig: str, namespace: str, pod: str):
    """`podtui top` and `kubectl top pod --containers`, read from one scrape."""
    for _attempt in range(5):
        before = metrics_timestamp(conn, namespace, pod)
        ours = run("--kubeconfig", admin_kubeconfig, "top", "-n", namespace)
        theirs = kubectl_top(admin_kubeconfig, namespace)
        if metrics_timestamp(conn, namespace, pod) == before:
            return ours, theirs
    pytest.fail("metrics-server scraped between every pair of reads")


def test_top_shows_the_real_nodes_containers_as_kubectl_does(conn, admin_kubeconfig,
                                                              namespace):
    """A pod on the real node: the numbers are its processes' own (the kubelet's), and
    podtui shows kubectl's."""
    conn.request("POST", f"/api/v1/namespaces/{namespace}/pods",
                 body=real_pod("real")).drain_conn()
    on_real_node(conn, namespace, "real")
    wait_for(lambda: metrics_timestamp(conn, namespace, "real"),
             "metrics-server to report the real node's pod", timeout=90, interval=1)

    def held() -> bool:  # the holder may still be filling its variable at the first scrape
        usage = read_usage(conn, namespace, "real")[(namespace, "real")]
        return usage.container("holder").memory >= HELD_MIB * 2**20

    wait_for(held, f"the holder's {HELD_MIB}Mi in its memory", timeout=60, interval=1)
    ours, theirs = same_scrape_top(conn, admin_kubeconfig, namespace, "real")
    assert ours.returncode == 0, ours.stderr
    assert [line.split() for line in ours.stdout.splitlines()] == theirs
    rows = {r[1]: r for r in theirs[1:]}
    assert set(rows) == {"busy", "holder"}
    assert int(rows["holder"][3].removesuffix("Mi")) >= HELD_MIB
    assert int(rows["busy"][2].removesuffix("m")) >= 1  # a rate: the loop's CPU


def test_top_of_one_pod_and_of_every_namespace_as_kubectl(conn, admin_kubeconfig, namespace,
                                                           scraped):
    """`top POD --pods` (summed), `top POD` (its containers) and `top -A` beside kubectl's
    `top pod POD`, `top pod POD --containers` and `top pod --containers -A`, from one
    scrape. -A: the rows of this test's namespace and of default (others' tests add and
    delete pods elsewhere meanwhile)."""
    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KUBECTL, "--kubeconfig", admin_kubeconfig, "top", "pod", *args],
                              capture_output=True, text=True, timeout=60)

    def same_scrape(*commands):
        for _attempt in range(5):
            before = metrics_timestamp(conn, namespace, scraped)
            done = [command() for command in commands]
            if metrics_timestamp(conn, namespace, scraped) == before:
                return done
        pytest.fail("metrics-server scraped between every set of reads")

    pairs = [same_scrape(
        lambda: run("--kubeconfig", admin_kubeconfig, "top", scraped, "-n", namespace, "--pods"),
        lambda: kubectl(scraped, "-n", namespace)), same_scrape(
        lambda: run("--kubeconfig", admin_kubeconfig, "top", scraped, "-n", namespace),
        lambda: kubectl(scraped, "-n", namespace, "--containers")), same_scrape(
        lambda: run("--kubeconfig", admin_kubeconfig, "top", "-A"),
        lambda: kubectl("--containers", "-A"))]
    for ours, theirs in pairs:
        assert ours.returncode == 0, ours.stderr
        assert theirs.returncode == 0, theirs.stderr
    tables = [([line.split() for line in ours.stdout.splitlines()],
               [line.split() for line in theirs.stdout.splitlines()]) for ours, theirs in pairs]
    (pods, kubectl_pods), (containers, kubectl_containers), (every, kubectl_every) = tables
    assert pods == kubectl_pods and pods[1][0] == scraped
    assert containers == kubectl_containers
    assert sorted(r[1] for r in containers[1:]) == ["app", "sidecar"]
    assert every[0] == kubectl_every[0] and every[0][0] == "NAMESPACE"

    def mine(rows: list[list[str]]) -> list[list[str]]:
        return [r for r in rows[1:] if r[0] in (namespace, "default")]

    assert mine(every) == mine(kubectl_every)
    assert {r[1] for r in mine(every)} >= {scraped, SEED_POD}


def test_a_growing_container_climbs_toward_its_limit(conn):
    """The sandbox's usage-demo pod: its cache sidecar's memory grows, never past its limit."""
    first = wait_for(lambda: read_usage(conn, "metrics-demo", "usage-demo"),
                     "the usage-demo pod's metrics", timeout=60, interval=1)
    start = first[("metrics-demo", "usage-demo")]
    pod = orjson.loads(conn.request("GET", "/api/v1/namespaces/metrics-demo/pods/usage-demo")
                       .data)
    limit = next(c for c in pod["spec"]["containers"]
                 if c["name"] == "cache")["resources"]["limits"]["memory"]
    from podtui.anatomy import parse_quantity

    cap = parse_quantity(limit)

    def later():
        now = read_usage(conn, "metrics-demo", "usage-demo")[("metrics-demo", "usage-demo")]
        return now if now.timestamp != start.timestamp else None

    after = wait_for(later, "the next scrape", timeout=45, interval=1)
    before_mem = start.container("cache").memory
    after_mem = after.container("cache").memory
    assert after_mem <= cap
    assert after_mem > before_mem or after_mem >= cap * 9 // 10  # growing, or at its plateau


def test_forbidden_metrics_api_is_one_line(namespace):
    """The namespace-limited user may not read metrics.k8s.io: one line, no numbers."""
    from podtui.cluster.connection import connect

    limited = connect(str(LIMITED_KUBECONFIG))
    with pytest.raises(ClusterError) as caught:
        read_usage(limited, limited.namespace)
    assert str(caught.value) == f"{UNAVAILABLE} (forbidden)"
    feed = UsageFeed(limited, limited.namespace, period=60)
    feed.start()
    try:
        snapshot = wait_for(feed.take, "the feed's first report", timeout=20)
    finally:
        feed.stop()
    assert snapshot.pods == {} and snapshot.problem == f"{UNAVAILABLE} (forbidden)"


def test_top_without_metrics_api_access_fails_in_one_line():
    result = run("--kubeconfig", str(LIMITED_KUBECONFIG), "top")
    assert result.returncode == 1
    assert result.stderr == f"podtui: {UNAVAILABLE} (forbidden)\n"
    assert result.stdout == ""
