"""The detail screen shows the events of this pod only, not of an earlier pod that had the
same name (events outlive their pod by an hour)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from textual.widgets import Static

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.pod_detail import PodDetailScreen
from tests.conftest import make_pod, wait_for
from tests.ui.helpers import open_pod, until, widget_text

NAME = "again"


def add_event(conn, namespace: str, uid: str, reason: str) -> str:
    """An event about the pod with this UID, as a kubelet would post it; returns its uid."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {
        "metadata": {"generateName": f"{NAME}."},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": NAME,
                           "namespace": namespace, "uid": uid},
        "reason": reason, "message": f"{reason} of pod {uid}", "type": "Normal",
        "source": {"component": "podtui-test"}, "count": 1,
        "firstTimestamp": now, "lastTimestamp": now,
    }
    return conn.core.create_namespaced_event(namespace, body).metadata.uid


def events_by_pod_uid(conn, namespace: str) -> dict[str, set[str]]:
    """Every event about a pod called NAME, grouped by that pod's UID (client-side)."""
    events = conn.core.list_namespaced_event(
        namespace, field_selector=f"involvedObject.name={NAME}").items
    grouped: dict[str, set[str]] = {}
    for event in events:
        grouped.setdefault(event.involved_object.uid, set()).add(event.metadata.uid)
    return grouped


async def test_a_recreated_pod_shows_only_its_own_events(conn, namespace, admin_kubeconfig):
    first = conn.core.create_namespaced_pod(namespace, make_pod(NAME)).metadata.uid
    add_event(conn, namespace, first, "OfThePredecessor")
    conn.core.delete_namespaced_pod(NAME, namespace, grace_period_seconds=0)
    wait_for(lambda: not conn.core.list_namespaced_pod(namespace).items, "the first pod gone")
    second = conn.core.create_namespaced_pod(namespace, make_pod(NAME)).metadata.uid
    assert second != first
    add_event(conn, namespace, second, "OfThisPod")

    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pod(pilot, app, NAME)
        screen = app.screen
        assert isinstance(screen, PodDetailScreen) and screen.uid == second

        def shown_equals_the_servers() -> bool:
            own = events_by_pod_uid(conn, namespace).get(second, set())
            return bool(own) and set(screen.events) == own

        await until(pilot, lambda: shown_equals_the_servers(), "this pod's events, only them")
        grouped = await asyncio.to_thread(events_by_pod_uid, conn, namespace)
        assert grouped.get(first), "the predecessor's events must exist for the test to mean much"
        assert not set(screen.events) & grouped[first]
        await pilot.press("5")
        section = screen.query_one("#section-lifecycle", Static)
        lifecycle = await until(pilot, lambda: "OfThisPod" in widget_text(section)
                                and widget_text(section), "this pod's event on screen")
        assert "OfThePredecessor" not in lifecycle
