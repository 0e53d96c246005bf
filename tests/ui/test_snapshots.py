"""Snapshots of the main screens at 80x24 and 160x50 (pytest-textual-snapshot).

They pin the layout, so they must be deterministic: the app runs for real (connected to
the sandbox), but its pod feed replays pods recorded from the sandbox
(tests/fixtures/pods/sandbox-*.json) and the clock is pinned. The live behaviour is
covered by the other Pilot tests. Update with `pytest --snapshot-update` after a
deliberate UI change, and look at the report before committing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from podtui.anatomy import parse_time
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.pod_feed import PodFeed
from podtui.cluster.pods import Page, Status
from podtui.ui import clock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pods"
NAMESPACE = "recorded"  # no such namespace on the sandbox: no live events creep in


def recorded_pods() -> list[dict]:
    pods = []
    for name in ("sandbox-seed.json", "sandbox-crash-sidecar.json"):
        pod = json.loads((FIXTURES / name).read_text())
        pod["metadata"]["namespace"] = NAMESPACE
        pods.append(pod)
    return pods


class RecordedFeed(PodFeed):
    def start(self) -> None:
        self._on_event(Page(recorded_pods(), first=True, last=True))
        self._on_event(Status("live"))


@pytest.fixture
def app(admin_kubeconfig, monkeypatch):
    created = max(parse_time(p["metadata"]["creationTimestamp"]) for p in recorded_pods())
    monkeypatch.setattr(clock, "now", lambda: created + timedelta(minutes=5))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=NAMESPACE))
    app.feed_factory = RecordedFeed
    return app


async def settle(pilot) -> None:
    await pilot.pause(0.2)
    await pilot.wait_for_scheduled_animations()


async def open_seed(pilot) -> None:
    await settle(pilot)
    table = pilot.app.pod_list.table
    table.select_uid(next(u for u, s in table.rows.items() if s.name == "seed-sidecar-logs"))
    await pilot.press("enter")
    await settle(pilot)


SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_list(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_detail(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=open_seed)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_detail_volumes(snap_compare, app, size):
    async def volumes(pilot) -> None:
        await open_seed(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=volumes)
