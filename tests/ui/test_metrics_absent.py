"""metrics-server stopped (the APIService answers 503), then started again: the app goes on,
the usage columns say n/a and the bar says why, and the numbers come back.

It stops the sandbox's metrics-server: like the fault tests, it is not for a shared
sandbox others are testing against (run it on your own instance, or in `make test`).
The pod is the seed pod, on the real node: its numbers are the kubelet's, whatever
KWOK's fake nodes report."""

from __future__ import annotations

import asyncio

import pytest

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.usage_feed import UNAVAILABLE
from tests.conftest import SEED_POD, sandbox_cmd
from tests.ui.helpers import row, status_text, table, table_text, until

NAMESPACE = "default"


@pytest.fixture
def metrics_server_stopped():
    sandbox_cmd("stop", "metrics-server")
    try:
        yield
    finally:
        sandbox_cmd("start", "metrics-server")


async def test_app_goes_on_without_metrics_server(admin_kubeconfig, metrics_server_stopped):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=NAMESPACE))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: table(app).usage_problem, "the usage feed's report", 60)
        assert table(app).usage_problem.startswith(UNAVAILABLE)
        assert "metrics n/a" in status_text(app)
        assert "● live" in status_text(app)  # the pods are unaffected
        assert row(app, SEED_POD) is not None
        line = next(ln for ln in table_text(app).splitlines() if SEED_POD in ln)
        assert line.count("n/a") == 4, line

        app.pod_list.usage_feed.period = 1.0
        await asyncio.to_thread(sandbox_cmd, "start", "metrics-server")
        await until(pilot, lambda: (table(app).usage or {}).get((NAMESPACE, SEED_POD)),
                    "the numbers to come back", 90)
        assert table(app).usage_problem == ""
        assert "metrics n/a" not in status_text(app)
