"""CPU and memory in the real app against the sandbox's metrics-server: the list's columns
and the containers view agree with the metrics API, and for a pod on the real node with
`kubectl top`; without access to it the app goes on with `n/a` and says why once."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from datetime import datetime
from fractions import Fraction

import orjson
from textual.widgets import Static

from podtui.anatomy import cpu_text, memory_text
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.usage_feed import UNAVAILABLE, UsageFeed, read_usage
from podtui.ui.screens.pod_detail import PodDetailScreen
from sandbox.render_config import ON_FAKE_NODE
from tests.conftest import KUBECTL, LIMITED_KUBECONFIG, SEED_POD, make_pod, wait_for
from tests.integration.test_usage import (
    USAGE,
    kubectl_top,
    metrics_timestamp,
    on_real_node,
    real_pod,
)
from tests.ui.helpers import open_pod, status_text, table, table_text, until, widget_text

DEMO_NS, DEMO = "metrics-demo", "usage-demo"


def cells(app: PodTuiApp, name: str) -> dict[str, str]:
    """The list row of pod `name`, by column title."""
    widget = table(app)
    lines = table_text(app).splitlines()
    titles = [c.title for c, _ in widget._layout]
    line = next(ln for ln in lines[1:] if f" {name} " in f"{ln} ")
    values, at = {}, 1  # the mark column
    for (_column, width), title in zip(widget._layout, titles, strict=True):
        values[title] = line[at:at + width].strip()
        at += width + 1
    return values


def metrics_of(conn, namespace: str, pod: str) -> dict:
    """The metrics API's PodMetrics, as served (not through podtui's reader)."""
    return orjson.loads(conn.request(
        "GET", f"/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{pod}").data)


BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def memory_bytes(quantity: str) -> int:
    """metrics-server's memory quantities: plain bytes or a binary suffix."""
    unit = BINARY.get(quantity[-2:])
    return int(quantity[:-2]) * unit if unit else int(quantity)


async def test_list_columns_are_the_metrics_apis_numbers(conn, admin_kubeconfig):
    """usage-demo (KWOK's emulation, sandbox/render_config.py): app 120m and cache 35m of
    CPU, with some jitter, against requests of 100m and 50m; memory limits of 128Mi each,
    its memory climbing. CPU and MEM are kubectl top's, the percentages the served
    quantities' over those literal requests and limits, all read on the app's scrape."""
    app = PodTuiApp(connect(admin_kubeconfig, namespace=DEMO_NS))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: table(app).usage, "the first usage report", timeout=60)
        app.pod_list.usage_feed.period = 0.5  # catch up with metrics-server's scrapes

        def same_scrape():
            api = read_usage(conn, DEMO_NS)[(DEMO_NS, DEMO)]
            return api if (table(app).usage or {}).get((DEMO_NS, DEMO)) == api else None

        for _attempt in range(5):
            usage = await until(pilot, same_scrape, "the app and the API on one scrape", 40)
            served = metrics_of(conn, DEMO_NS, DEMO)
            pods, _containers = await asyncio.to_thread(kubectl_tops, admin_kubeconfig, DEMO_NS)
            shown = cells(app, DEMO)
            if (table(app).usage[(DEMO_NS, DEMO)] == usage
                    and metrics_of(conn, DEMO_NS, DEMO)["timestamp"] == served["timestamp"]):
                break
        else:
            raise AssertionError("metrics-server scraped between every pair of reads")
        assert pods[1][0] == DEMO
        assert shown["CPU"] == pods[1][1]
        assert 145 <= int(shown["CPU"].removesuffix("m")) <= 165  # 155m, KWOK's jitter aside
        assert shown["MEM"] == pods[1][2]
        nanocores = sum(int(c["usage"]["cpu"].removesuffix("n")) for c in served["containers"])
        assert shown["%CPU/R"] == str(nanocores * 100 // 150_000_000)  # rounded down, as k9s
        # Both containers set a memory limit: the pod has one (their sum), so %MEM/L shows.
        used = sum(memory_bytes(c["usage"]["memory"]) for c in served["containers"])
        assert shown["%MEM/L"] == str(used * 100 // (256 * 2**20))

        await pilot.press("M")  # k9s: shift-M sorts by memory, heaviest first
        assert table(app).sort_key == "mem"
        assert "MEM↑" in table_text(app).splitlines()[0]


#: name -> (CPU used, memory used, CPU requested, memory limit), each ordering the four
#: differently: U c a d b, M b d c a, X d b a c (100 80 40 20 %), Z a c d b (80 50 30 10 %).
HEAVY = {"a": ("400m", "20Mi", "1000m", "25Mi"), "b": ("100m", "90Mi", "125m", "900Mi"),
         "c": ("800m", "40Mi", "4000m", "80Mi"), "d": ("200m", "60Mi", "200m", "200Mi")}


def heavy_pod(name: str) -> dict:
    """One container whose usage KWOK emulates from the annotations (on a fake node)."""
    cpu, memory, request, limit = HEAVY[name]
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "annotations": {USAGE + "cpu-main": cpu,
                                                   USAGE + "memory-main": memory}},
        "spec": {"containers": [{"name": "main", "image": "busybox:1.36", "resources": {
            "requests": {"cpu": request}, "limits": {"memory": limit}}}],
                 **ON_FAKE_NODE, "terminationGracePeriodSeconds": 0},
    }


def quantity(text: str) -> Fraction:
    """The quantities these tests meet: cores (n, u, m or none) and bytes (Ki, Mi, Gi)."""
    if text[-2:] in BINARY:
        return Fraction(memory_bytes(text))
    scale = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000)}
    return Fraction(text[:-1]) * scale[text[-1]] if text[-1] in scale else Fraction(text)


async def test_usage_sort_keys_are_a_sort_of_the_metrics_apis_numbers(conn, namespace,
                                                                     admin_kubeconfig):
    """U M X Z order the rows heaviest first as a sort of what the metrics API serves
    (PodMetrics, read here) and, for %CPU/R and %MEM/L, of the pods' requests and limits
    as the API serves them; the same key again reverses."""
    for name in HEAVY:
        conn.request("POST", f"/api/v1/namespaces/{namespace}/pods",
                     body=heavy_pod(name)).drain_conn()
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))

    def shown() -> list[str]:
        return [table(app).rows[u].name for u in table(app).order]

    def served() -> dict[str, dict] | None:
        """The API's PodMetrics of the four, when the app shows that very scrape."""
        items = orjson.loads(conn.request(
            "GET", f"/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods").data)["items"]
        metrics = {m["metadata"]["name"]: m for m in items}
        usage = table(app).usage or {}
        if sorted(metrics) != sorted(HEAVY) or any(
                (u := usage.get((namespace, n))) is None
                or u.timestamp != datetime.fromisoformat(m["timestamp"].replace("Z", "+00:00"))
                for n, m in metrics.items()):
            return None
        return metrics

    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: table(app).usage is not None, "the first usage report", 60)
        app.pod_list.usage_feed.period = 0.5  # catch up with metrics-server's scrapes
        metrics = await until(pilot, served, "the four pods' metrics, in the app too", 120)
        specs = {n: orjson.loads(conn.request(
            "GET", f"/api/v1/namespaces/{namespace}/pods/{n}").data)["spec"] for n in HEAVY}

        def used(name: str, resource: str) -> Fraction:
            return sum(quantity(c["usage"][resource]) for c in metrics[name]["containers"])

        def declared(name: str, kind: str, resource: str) -> Fraction:
            return sum(quantity(c["resources"][kind][resource])
                       for c in specs[name]["containers"])

        values = {
            "U": lambda n: used(n, "cpu"),
            "M": lambda n: used(n, "memory"),
            "X": lambda n: used(n, "cpu") / declared(n, "requests", "cpu"),
            "Z": lambda n: used(n, "memory") / declared(n, "limits", "memory"),
        }
        for key, value in values.items():
            expected = sorted(HEAVY, key=lambda n, v=value: (-v(n), n))  # heaviest first
            await pilot.press(key)
            assert shown() == expected, key
            await pilot.press(key)  # again: reversed
            assert shown() == expected[::-1], key
        assert len({tuple(sorted(HEAVY, key=lambda n, v=v: -v(n))) for v in values.values()}
                   ) == 4  # each key a different order: a key sorting by another's fails


def kubectl_tops(kubeconfig: str, namespace: str) -> tuple[list[list[str]], list[list[str]]]:
    """`kubectl top pod` (a line per pod) and `kubectl top pod --containers`, split."""
    out = subprocess.run([KUBECTL, "--kubeconfig", kubeconfig, "top", "pod", "-n", namespace],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return ([line.split() for line in out.stdout.splitlines()],
            kubectl_top(kubeconfig, namespace))


async def test_real_nodes_containers_show_what_kubectl_top_shows(conn, admin_kubeconfig,
                                                                 namespace):
    """A pod whose processes really run (the real node): the list's CPU and MEM are `kubectl
    top pod`'s, the containers view's lines `kubectl top pod --containers`', each read while
    the app shows the scrape kubectl read."""
    conn.request("POST", f"/api/v1/namespaces/{namespace}/pods",
                 body=real_pod("real")).drain_conn()
    on_real_node(conn, namespace, "real")
    wait_for(lambda: metrics_timestamp(conn, namespace, "real"),
             "metrics-server to report the real node's pod", timeout=90, interval=1)
    key = (namespace, "real")

    def api():
        return read_usage(conn, namespace, "real").get(key)

    async def on_one_scrape(pilot, shown, read):
        """kubectl's two tables and `read()` of the screen, while the app shows the scrape
        the API had when kubectl read it."""
        # kubectl top takes seconds on a loaded machine: a scrape (every 15 s) may land
        # between the reads, so try again on the next one.
        for _attempt in range(10):
            usage = await until(pilot, lambda: (u := shown()) is not None and u == api() and u,
                                "the app on the API's scrape", 40)
            tops = await asyncio.to_thread(kubectl_tops, admin_kubeconfig, namespace)
            seen = read()
            if api() == usage and shown() == usage:
                return tops, seen
        raise AssertionError("metrics-server scraped between every pair of reads")

    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: table(app).usage, "the first usage report", timeout=60)
        app.pod_list.usage_feed.period = 0.5  # catch up with metrics-server's scrapes
        (pods, _containers), shown = await on_one_scrape(
            pilot, lambda: (table(app).usage or {}).get(key), lambda: cells(app, "real"))
        assert pods[1][0] == "real"
        assert [shown["CPU"], shown["MEM"]] == pods[1][1:]

        await open_pod(pilot, app, "real")
        screen = app.screen
        assert isinstance(screen, PodDetailScreen)
        await until(pilot, lambda: screen.usage and screen.usage.pods, "the pod's usage", 60)
        screen._usage_feed.period = 0.5  # noqa: SLF001 - as the list's, above
        await pilot.press("2")

        def usage_lines() -> list[str]:
            text = widget_text(screen.query_one("#section-containers", Static))
            return text.split("Resource usage", 1)[1].splitlines()

        (_pods, containers), lines = await on_one_scrape(
            pilot, lambda: screen.usage.pods.get(key), usage_lines)
        assert {row[1] for row in containers[1:]} == {"busy", "holder"}
        for _pod, name, cpu, memory in containers[1:]:
            at = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith(f"{name} "))
            assert lines[at].split()[:3] == [name, "cpu", cpu], lines[at]
            assert lines[at + 1].split()[:2] == ["mem", memory], lines[at + 1]


async def test_80_columns_drop_usage_first_and_keep_status(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=DEMO_NS))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: table(app).usage is not None, "the first usage report",
                    timeout=60)
        header = table_text(app).splitlines()[0]
        assert "STATUS" in header and "CPU" not in header and "MEM" not in header


async def test_containers_view_shows_usage_per_container(conn, admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=DEMO_NS))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_pod(pilot, app, DEMO)
        screen = app.screen
        assert isinstance(screen, PodDetailScreen)
        await until(pilot, lambda: screen.usage and screen.usage.pods, "the pod's usage",
                    timeout=60)
        await pilot.press("2")
        text = await until(pilot, lambda: "Resource usage" in (t := widget_text(
            screen.query_one("#section-containers", Static))) and t, "the usage section")
        usage = screen.usage.pods[(DEMO_NS, DEMO)]
        lines = text.split("Resource usage", 1)[1].splitlines()
        cache_cpu = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("cache "))
        cache_mem = lines[cache_cpu + 1]
        assert memory_text(usage.container("cache").memory) in cache_mem
        assert "128Mi" in cache_mem and "%" in cache_mem  # of its limit
        assert cpu_text(usage.container("cache").cpu) in lines[cache_cpu]


async def test_without_metrics_access_the_app_goes_on_with_na(conn):
    """The namespace-limited user may list pods but not read metrics.k8s.io."""
    limited = connect(str(LIMITED_KUBECONFIG))
    name = f"na-{uuid.uuid4().hex[:6]}"  # team-a is shared with other tests
    conn.core.create_namespaced_pod(limited.namespace, make_pod(name))
    try:
        app = PodTuiApp(limited)
        async with app.run_test(size=(160, 40)) as pilot:
            await until(pilot, lambda: table(app).usage_problem, "the usage feed's report",
                        timeout=30)
            assert table(app).usage_problem == f"{UNAVAILABLE} (forbidden)"
            assert "metrics n/a" in status_text(app)
            message = str(app.pod_list.query_one("#message", Static).render())
            assert UNAVAILABLE in message
            await until(pilot, lambda: f" {name} " in table_text(app), "the pod's row")
            assert cells(app, name)["CPU"] == "n/a"  # and the rest is as before
            assert cells(app, name)["STATUS"]
    finally:
        conn.core.delete_namespaced_pod(name, limited.namespace, grace_period_seconds=0)


def test_usage_feed_of_one_pod_keeps_its_history(conn):
    """Two of metrics-server's scrapes of the seed pod, oldest first, the last one current."""
    feed = UsageFeed(conn, "default", SEED_POD, period=0.2)
    feed.start()
    latest = None

    def two_scrapes():
        nonlocal latest
        latest = feed.take() or latest
        return latest is not None and len(latest.history) >= 2

    try:
        wait_for(two_scrapes, "two scrapes of the seed pod", timeout=90, interval=0.2)
    finally:
        feed.stop()
    assert latest.problem == ""
    stamps = [usage.timestamp for usage in latest.history]
    assert None not in stamps and stamps == sorted(set(stamps)), stamps
    assert latest.history[-1] == latest.pods[("default", SEED_POD)]
