"""CPU and memory in the real app against the sandbox's metrics-server: the list's columns
and the containers view agree with the metrics API; without access to it the app goes on
with `n/a` and says why once."""

from __future__ import annotations

from textual.widgets import Static

from podtui.anatomy import cpu_text, memory_text, percent
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.usage_feed import UNAVAILABLE, UsageFeed, read_usage
from podtui.ui.pod_detail import PodDetailScreen
from tests.conftest import LIMITED_KUBECONFIG, SEED_POD
from tests.ui.helpers import open_pod, row, status_text, table, table_text, until, widget_text

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


async def test_list_columns_are_the_metrics_apis_numbers(conn, admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=DEMO_NS))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: table(app).usage, "the first usage report", timeout=60)
        app.pod_list.usage_feed.period = 0.5  # catch up with metrics-server's scrapes

        def same_scrape():
            api = read_usage(conn, DEMO_NS)[(DEMO_NS, DEMO)]
            return api if (table(app).usage or {}).get((DEMO_NS, DEMO)) == api else None

        usage = await until(pilot, same_scrape, "the app and the API on one scrape", 40)
        shown = cells(app, DEMO)
        assert table(app).usage[(DEMO_NS, DEMO)] == usage  # still that scrape when read
        budget = row(app, DEMO).budget
        assert shown["CPU"] == cpu_text(usage.total.cpu)
        assert shown["MEM"] == memory_text(usage.total.memory)
        assert shown["%CPU/R"] == str(percent(usage.total.cpu, budget.cpu_request))
        # Both containers set a memory limit: the pod has one (their sum), so %MEM/L shows.
        assert shown["%MEM/L"] == str(percent(usage.total.memory, budget.memory_limit))

        await pilot.press("M")  # k9s: shift-M sorts by memory, heaviest first
        assert table(app).sort_key == "mem"
        assert "MEM↑" in table_text(app).splitlines()[0]


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
        await pilot.pause(0.1)
        usage = screen.usage.pods[(DEMO_NS, DEMO)]
        text = widget_text(screen.query_one("#section-containers", Static))
        lines = text.split("Resource usage", 1)[1].splitlines()
        cache_cpu = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("cache "))
        cache_mem = lines[cache_cpu + 1]
        assert memory_text(usage.container("cache").memory) in cache_mem
        assert "128Mi" in cache_mem and "%" in cache_mem  # of its limit
        assert cpu_text(usage.container("cache").cpu) in lines[cache_cpu]


async def test_without_metrics_access_the_app_goes_on_with_na():
    """The namespace-limited user may list pods but not read metrics.k8s.io."""
    conn = connect(str(LIMITED_KUBECONFIG))
    app = PodTuiApp(conn)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: table(app).usage_problem, "the usage feed's report",
                    timeout=30)
        assert table(app).usage_problem == f"{UNAVAILABLE} (forbidden)"
        assert "metrics n/a" in status_text(app)
        message = str(app.pod_list.query_one("#message", Static).render())
        assert UNAVAILABLE in message
        if table(app).rows:  # every row says n/a, the rest is as before
            name = next(iter(table(app).rows.values())).name
            assert cells(app, name)["CPU"] == "n/a"
            assert cells(app, name)["STATUS"]


async def test_usage_feed_of_one_pod_keeps_its_history(conn):
    feed = UsageFeed(conn, "default", SEED_POD, period=0.2)
    feed.start()
    try:
        snapshot = None
        for _ in range(100):
            snapshot = feed.take() or snapshot
            if snapshot and snapshot.history:
                break
            import time

            time.sleep(0.1)
    finally:
        feed.stop()
    assert snapshot is not None and snapshot.problem == ""
    assert snapshot.history[-1] == snapshot.pods[("default", SEED_POD)]
