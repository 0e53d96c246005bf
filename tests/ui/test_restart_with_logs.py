"""API server restart while the pod list and the seed pod's two log panes are open."""

from __future__ import annotations

import asyncio

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from tests.conftest import sandbox_cmd
from tests.ui.helpers import until
from tests.ui.test_logs_screen import contiguous_in, file_lines, open_seed_logs


async def test_list_and_log_panes_recover_without_gap_or_duplicate(conn, admin_kubeconfig,
                                                                   sandbox_dir):
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        panes = [screen.pane("node").view, screen.pane("busybox").view]
        feed = app.pod_list.feed
        await until(pilot, lambda: feed.status.state == "live", "a live pod list")
        before = [view.line_count for view in panes]
        try:
            await asyncio.to_thread(sandbox_cmd, "stop", "kube-apiserver")
            await until(pilot, lambda: feed.status.state == "reconnecting", "reconnecting list")
            await until(pilot, lambda: all("reconnecting" in v.border_text()[0] for v in panes),
                        "both panes to say they reconnect")
        finally:
            await asyncio.to_thread(sandbox_cmd, "start", "kube-apiserver")
        await until(pilot, lambda: feed.status.state == "live", "the list to be live again", 90)
        await until(pilot, lambda: all("streaming" in v.border_text()[0] for v in panes),
                    "both panes streaming again", 90)
        # Lines written while the server was down arrive too, and then new ones.
        await until(pilot, lambda: all(v.line_count >= n + 10 for v, n in zip(panes, before,
                                                                              strict=True)),
                    "new lines in both panes", 60)
        for view, stem in zip(panes, ("seed-node", "seed-busybox"), strict=True):
            got = [(line.ns, line.text) for line in view.lines]
            source = file_lines(sandbox_dir / "podlogs" / f"{stem}.log")
            assert len(set(got)) == len(got), f"{stem}: duplicated lines after the restart"
            assert contiguous_in(got, source), f"{stem}: a gap after the restart"
        listed = await asyncio.to_thread(conn.core.list_namespaced_pod, "default")
        with feed.lock:
            shown = {s.uid for s in feed.cache.summaries.values()}
        assert shown == {p.metadata.uid for p in listed.items}
