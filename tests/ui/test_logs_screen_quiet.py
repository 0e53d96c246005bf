"""Pilot test: the logs screen is quiet over SSH. In the real app against the sandbox,
lines arriving in one container repaint cells of that container's pane only, nearly
every cell written shows something new (as tcell, k9s's, writes), and what the terminal
then shows (rebuilt from the bytes Textual would write) is exactly what a full repaint
shows."""

from __future__ import annotations

import asyncio

import pytest

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.logs import LogsScreen
from tests.log_pods import FeedPod, feed_pods_in
from tests.painted import Painted
from tests.ui.helpers import until


@pytest.fixture
def feed_pods(conn, namespace):
    yield from feed_pods_in(conn, namespace)


@pytest.fixture
def log_bench(feed_pods) -> FeedPod:
    """A pod on the real node (containers a and b) printing what the test writes, with
    empty logs."""
    return feed_pods("log-bench", ["a", "b"])


def write(pod: FeedPod, first: int, count: int) -> None:
    pod.write("a", [f"a {n} GET /api/orders/{n * 37 % 1000} {200 + n % 3} {n % 97}ms"
                    for n in range(first, first + count)])


def shown(painted: Painted, text: str) -> bool:
    """Whether the terminal the writes built shows `text` on one row."""
    return any(text in "".join(c for c, _ in row) for row in painted.rows(0, 40, 0, 120))


async def test_lines_in_one_container_repaint_only_its_pane(admin_kubeconfig, conn, log_bench):
    app = PodTuiApp(connect(admin_kubeconfig))
    painted = Painted(app)
    async with app.run_test(size=(120, 40)) as pilot:
        pod = await asyncio.to_thread(conn.core.read_namespaced_pod, "log-bench",
                                      log_bench.namespace)
        app.open_logs(conn.api.sanitize_for_serialization(pod))
        screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                             "the logs screen")
        a, b = screen.pane("a").view, screen.pane("b").view
        for view in (a, b):
            await until(pilot, lambda v=view: v.state == "streaming",
                        f"{view.title} streaming")
        write(log_bench, 0, 50)  # more than a screenful: a scrolls
        await until(pilot, lambda: a.line_count == 50 and shown(painted, "a 49 GET "),
                    "a's first lines on the terminal")
        mark, cells_before, wasted_before = len(painted.writes), painted.cells, painted.wasted
        for first in range(50, 80, 10):  # batches a second apart: repaints one by one
            write(log_bench, first, 10)
            await until(pilot, lambda n=first + 10: a.line_count == n
                        and shown(painted, f"a {n - 1} GET "), f"{first + 10} lines in a, painted")
        assert a.texts[-1].startswith("a 79 ") and b.line_count == 0
        cells = painted.cells_written(mark)
        in_a = [c for c in cells if a.region.contains(*c)]
        in_b = [c for c in cells if b.region.contains(*c)]
        assert len(painted.writes) > mark and in_a, "a's new lines were not painted"
        assert in_b == [], "the pane without new lines was repainted"
        # A followed pane scrolls every row; its rows' unchanged cells (the shared start
        # "a ", blank ends, border, scrollbar) are not written again, short gaps aside.
        written = painted.cells - cells_before
        wasted = painted.wasted - wasted_before
        assert written and wasted == 0, f"{wasted} of {written} cells written for nothing"
        # The terminal shows what a full repaint of the screen shows.
        reference = painted.full_repaint()
        assert painted.rows(0, 40, 0, 120) == reference.rows(0, 40, 0, 120)
