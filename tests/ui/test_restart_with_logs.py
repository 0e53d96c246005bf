"""API server restart while the pod list and a pod's two log panes are open: the pod runs
on the real node, so its containers keep printing while the server is down, and every line
(before, during, after) must reach its pane exactly once."""

from __future__ import annotations

import asyncio

import pytest

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from tests.conftest import sandbox_cmd
from tests.log_pods import feed_pods_in
from tests.ui.helpers import until
from tests.ui.test_logs_screen import open_pod_logs, shown


@pytest.fixture
def feed_pods(conn, namespace):
    yield from feed_pods_in(conn, namespace)


async def test_list_and_log_panes_recover_without_gap_or_duplicate(conn, admin_kubeconfig,
                                                                   namespace, feed_pods):
    pod = await asyncio.to_thread(feed_pods, "logs", ["a", "b"])
    written = {"a": 0, "b": 0}

    async def write(count: int) -> None:
        for name in written:
            first = written[name]
            await asyncio.to_thread(pod.write, name,
                                    [f"{name} {n}" for n in range(first, first + count)])
            written[name] += count

    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        await write(20)
        screen = await open_pod_logs(pilot, conn, namespace, "logs")
        panes = [screen.pane("a").view, screen.pane("b").view]
        feed = app.pod_list.feed
        await until(pilot, lambda: feed.status.state == "live", "a live pod list")
        await until(pilot, lambda: all(v.line_count == 20 for v in panes), "the first lines")
        try:
            await asyncio.to_thread(sandbox_cmd, "stop", "kube-apiserver")
            await write(30)  # the kubelet logs them; nobody can ask for them yet
            await until(pilot, lambda: feed.status.state == "reconnecting", "reconnecting list")
            await until(pilot, lambda: all("reconnecting" in v.border_text()[0] for v in panes),
                        "both panes to say they reconnect")
            await write(30)
        finally:
            await asyncio.to_thread(sandbox_cmd, "start", "kube-apiserver")
        await until(pilot, lambda: feed.status.state == "live", "the list to be live again", 90)
        await until(pilot, lambda: all("streaming" in v.border_text()[0] for v in panes),
                    "both panes streaming again", 90)
        await write(20)
        # A duplicate would come with a resume, before the lines written after it.
        await until(pilot, lambda: all(v.texts[-1:] == [f"{n} 99"] for v, n in
                                       zip(panes, ("a", "b"), strict=True)),
                    "the last line in both panes", 60)
        for view, name in zip(panes, ("a", "b"), strict=True):
            assert view.texts == [f"{name} {n}" for n in range(100)], f"{name}: gap or duplicate"
            assert shown(view) == await asyncio.to_thread(pod.api_log, name)
        listed = await asyncio.to_thread(conn.core.list_namespaced_pod, "default")
        with feed.lock:
            shown_uids = {s.uid for s in feed.cache.summaries.values()}
        assert shown_uids == {p.metadata.uid for p in listed.items}
