"""The seed pod's anatomy, opened in the real app against the sandbox."""

from __future__ import annotations

import asyncio

from textual.widgets import Static, TextArea

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.pod_detail import PodDetailScreen
from podtui.ui.screens.pod_yaml import PodYamlScreen
from tests.conftest import SEED_POD, make_pod
from tests.ui.helpers import open_pod, until, widget_text


def section(app: PodTuiApp, name: str) -> str:
    return widget_text(app.screen.query_one(f"#section-{name}", Static))


async def test_seed_pod_detail_shows_what_the_containers_share(conn, admin_kubeconfig):
    pod = conn.core.read_namespaced_pod(SEED_POD, "default")
    ip = pod.status.pod_ip
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_pod(pilot, app, SEED_POD)
        assert isinstance(app.screen, PodDetailScreen)
        header = widget_text(app.screen.query_one("#detail-header", Static))
        assert f"IP {ip}" in header and "Running 2/2" in header

        containers = section(app, "containers")
        assert "node:20-alpine" in containers and "busybox:1.36" in containers
        assert containers.count("running") >= 2

        network = section(app, "network")
        assert f"Pod IP {ip}" in network
        assert "localhost" in network
        assert "3000" in network and "node" in network

        volumes = section(app, "volumes")
        logs_line = next(line for line in volumes.splitlines() if line.startswith("logs"))
        assert "emptyDir" in logs_line and "SHARED" in logs_line
        assert "node → /app/logs rw" in volumes
        assert "busybox → /logs ro" in volumes

        lifecycle = section(app, "lifecycle")
        assert "restartPolicy Always" in lifecycle
        assert "If one container dies" in lifecycle

        await pilot.press("y")
        assert isinstance(app.screen, PodYamlScreen)
        yaml_text = app.screen.query_one(TextArea).text
        assert f"podIP: {ip}" in yaml_text and "mountPath: /app/logs" in yaml_text
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, PodDetailScreen)


async def test_detail_says_when_the_pod_is_deleted(conn, namespace, admin_kubeconfig):
    conn.core.create_namespaced_pod(namespace, make_pod("short-lived", ["a", "b"]))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_pod(pilot, app, "short-lived")
        assert isinstance(app.screen, PodDetailScreen)
        await asyncio.to_thread(conn.core.delete_namespaced_pod, "short-lived", namespace,
                                grace_period_seconds=0)
        message = app.screen.query_one("#detail-message", Static)
        await until(pilot, lambda: "was deleted" in widget_text(message), "the deleted line")
        assert isinstance(app.screen, PodDetailScreen)  # still usable: last state shown


async def test_detail_counts_down_a_graceful_delete_until_the_pod_is_gone(
        conn, namespace, admin_kubeconfig):
    """A pod whose container ignores SIGTERM (busybox sleep, PID 1 of its container) takes
    its whole grace period to go: the header counts it down from the deletionTimestamp, the
    time it ends on the server, until the pod is gone."""
    import re

    from podtui.anatomy import parse_time
    from tests.conftest import wait_for

    manifest = make_pod("slow-to-go", ["app"])
    manifest["spec"]["terminationGracePeriodSeconds"] = 8
    conn.core.create_namespaced_pod(namespace, manifest)
    wait_for(lambda: (p := conn.core.read_namespaced_pod("slow-to-go", namespace))
             .status.container_statuses and p.status.container_statuses[0].state.running,
             "the container to run", 90)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_pod(pilot, app, "slow-to-go")
        assert isinstance(app.screen, PodDetailScreen)
        header = app.screen.query_one("#detail-header", Static)
        await asyncio.to_thread(conn.core.delete_namespaced_pod, "slow-to-go", namespace)
        pod = await asyncio.to_thread(conn.core.read_namespaced_pod, "slow-to-go", namespace)
        ends = parse_time(pod.metadata.deletion_timestamp)
        assert pod.metadata.deletion_grace_period_seconds == 8

        def left() -> int | None:
            found = re.search(r"Terminating \((\d+)s\) \d/1", widget_text(header))
            return int(found[1]) if found else None

        first = await until(pilot, left, "the countdown in the header")
        assert first <= 8
        await until(pilot, lambda: (n := left()) is not None and n < first, "a second less")
        await pilot.press("5")
        said = f"being deleted: grace period 8s, ends {ends:%Y-%m-%dT%H:%M:%SZ} ("
        await until(pilot, lambda: said in " ".join(section(app, "lifecycle").split()),
                    "the lifecycle's line")
        message = app.screen.query_one("#detail-message", Static)
        await until(pilot, lambda: "was deleted" in widget_text(message), "the pod gone", 60)
        # Its last state stays, as the server last had it (the kubelet made the phase
        # Failed, sleep having been killed, just before it removed the pod).
        from podtui.anatomy import summarize

        last = summarize(app.screen.raw)
        shown = widget_text(header)
        assert last.deleting and last.status in shown and last.ready_text() in shown


async def test_detail_follows_the_pod_and_its_events_as_they_change(conn, namespace,
                                                                   admin_kubeconfig):
    conn.core.create_namespaced_pod(namespace, make_pod("changing", ["a"]))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_pod(pilot, app, "changing")
        assert isinstance(app.screen, PodDetailScreen)
        patched = await asyncio.to_thread(
            conn.core.patch_namespaced_pod, "changing", namespace,
            {"metadata": {"labels": {"tier": "changed-now"}}})
        labels = patched.metadata.labels  # as the API server has them now
        await until(pilot, lambda: all(f"{k}={v}" in section(app, "describe")
                                       for k, v in labels.items()), "the new label")
        pod = conn.core.read_namespaced_pod("changing", namespace)
        await asyncio.to_thread(conn.core.create_namespaced_event, namespace, {
            "metadata": {"name": "changing.test"},
            "involvedObject": {"kind": "Pod", "name": "changing", "namespace": namespace,
                               "uid": pod.metadata.uid},
            "reason": "Probing", "message": "an event the test made", "type": "Normal",
            "firstTimestamp": pod.metadata.creation_timestamp,
            "lastTimestamp": pod.metadata.creation_timestamp,
        })
        await until(pilot, lambda: "an event the test made" in section(app, "describe"),
                    "the new event")
