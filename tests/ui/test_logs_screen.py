"""Pilot tests: logs side by side, in the real app, against the sandbox's seed pod
(a Node.js app and a busybox sidecar tailing its log; KWOK serves both logs from files
the sandbox feeds ~2 lines a second)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.widgets import SelectionList

from podtui.app import PodTuiApp
from podtui.cluster import logs as cluster_logs
from podtui.cluster.connection import connect
from podtui.cluster.logs import parse_timestamp
from podtui.ui.log_view import LogView
from podtui.ui.logs_screen import ContainerPicker, LogsScreen
from tests.conftest import SEED_POD
from tests.ui.helpers import until


def file_lines(path: Path) -> list[tuple[int, str]]:
    out = []
    for raw in path.read_text().splitlines():
        head, _, rest = raw.partition(" ")
        text = rest.split(" ", 2)[2] if rest.count(" ") >= 2 else ""
        out.append((parse_timestamp(head)[0], text))
    return out


def contiguous_in(got: list[tuple[int, str]], source: list[tuple[int, str]]) -> bool:
    if not got or got[0] not in source:
        return False
    start = source.index(got[0])
    return source[start : start + len(got)] == got


def rows(view: LogView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def open_seed_logs(pilot, conn) -> LogsScreen:
    app = pilot.app
    pod = await asyncio.to_thread(conn.core.read_namespaced_pod, SEED_POD, "default")
    app.open_logs(conn.api.sanitize_for_serialization(pod))
    screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                         "the logs screen")
    for name in ("node", "busybox"):
        await until(pilot, lambda n=name: screen.pane(n).view.line_count >= 3,
                    f"lines in the {name} pane")
    return screen


@pytest.fixture
def app(admin_kubeconfig):
    return PodTuiApp(connect(admin_kubeconfig))


async def test_both_panes_show_their_own_containers_lines(app, conn, sandbox_dir):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node, busybox = screen.pane("node").view, screen.pane("busybox").view
        assert [v.title for v in screen.pane_views] == ["node", "busybox"]
        assert "streaming" in node.border_text()[0]
        assert "streaming" in busybox.border_text()[0]
        # Side by side on a wide terminal.
        assert node.region.y == busybox.region.y and node.region.x < busybox.region.x
        for view, stem in ((node, "seed-node"), (busybox, "seed-busybox")):
            got = [(line.ns, line.text) for line in view.lines]
            source = file_lines(sandbox_dir / "podlogs" / f"{stem}.log")
            assert contiguous_in(got, source), f"{view.title}: not its file's lines in order"
        await pilot.pause()
        assert any("req=" in row for row in rows(node))
        assert any("status=" in row for row in rows(busybox))
        assert not any("req=" in row for row in rows(busybox))


async def test_narrow_terminal_stacks_the_panes(app, conn):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        await pilot.pause()
        node, busybox = screen.pane("node").view, screen.pane("busybox").view
        assert node.region.x == busybox.region.x and node.region.y < busybox.region.y


async def test_search_finds_and_highlights_a_match(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node = screen.pane("node").view
        # Two matches at least, so that N has somewhere to go.
        await until(pilot, lambda: sum("GET" in t for t in node.texts) >= 2, "two GET lines")
        await pilot.press("slash", *"GET", "enter")
        await until(pilot, lambda: node.search_term == "GET", "the search")
        assert node.match_count == sum("GET" in t for t in node.texts) >= 2
        assert "GET" in node.current_match.text
        await pilot.pause()
        # The current match is on screen, with "GET" highlighted.
        row = next(y for y, text in enumerate(rows(node)) if text == node.current_match.text)
        styled = [s.text for s in node.render_line(row) if s.style and s.style.bgcolor]
        assert "GET" in styled
        assert "/GET" in node.border_text()[1]
        before = node.current_match
        await pilot.press("N")
        assert node.current_match != before and "GET" in node.current_match.text
        assert not node.follow


async def test_pause_keeps_counting_and_follow_catches_up(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node = screen.pane("node").view
        assert app.focused is node
        await pilot.press("f")
        assert not node.follow
        paused_at = node.line_count - node.new_while_paused
        screen_before = rows(node)
        seen = node.new_while_paused
        await until(pilot, lambda: node.new_while_paused >= seen + 3, "new lines while paused")
        assert node.line_count == paused_at + node.new_while_paused  # nothing dropped
        assert f"+{node.new_while_paused} new" in node.border_text()[1]
        assert rows(node) == screen_before  # the view did not move
        await pilot.press("f")
        assert node.follow and node.new_while_paused == 0
        await pilot.pause()
        visible = [r for r in rows(node) if r]
        assert visible[-1] == node.texts[-1]
        # F pauses and resumes every pane.
        await pilot.press("F")
        assert not any(v.follow for v in screen.pane_views)
        await pilot.press("F")
        assert all(v.follow for v in screen.pane_views)


async def test_save_writes_the_panes_lines(app, conn, tmp_path, monkeypatch):
    monkeypatch.setenv("PODTUI_SAVE_DIR", str(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node = screen.pane("node").view
        await pilot.press("s")
        saved = await until(pilot, lambda: screen.last_saved, "the saved file")
        assert saved.parent == tmp_path
        assert SEED_POD in saved.name and "node" in saved.name
        assert saved.stat().st_mode & 0o777 == 0o600  # logs can hold secrets: owner only
        lines = saved.read_text().splitlines()
        assert len(lines) >= 3
        assert lines == node.texts[: len(lines)]
        # With timestamps on, the file has the full RFC 3339 time of each line.
        await pilot.press("t")
        await pilot.press("tab")
        assert app.focused is screen.pane("busybox").view
        screen.last_saved = None
        await pilot.press("s")
        stamped = await until(pilot, lambda: screen.last_saved, "the second file")
        first = stamped.read_text().splitlines()[0]
        assert "busybox" in stamped.name
        assert parse_timestamp(first.split(" ", 1)[0]) is not None


async def test_time_aligned_view_interleaves_both_containers(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        await pilot.press("a")
        aligned = await until(pilot, lambda: screen._aligned, "the aligned view")
        await until(pilot, lambda: {t for t, _ in aligned.tagged_lines} == {"node", "busybox"},
                    "lines of both containers")
        stamps = [line.ns for _, line in aligned.tagged_lines]
        assert stamps == sorted(stamps)
        await pilot.pause()
        assert any(r.startswith("[node] ") for r in rows(aligned))
        assert any(r.startswith("[busybox] ") for r in rows(aligned))
        await pilot.press("a")
        assert screen._aligned is None


async def test_previous_instance_and_clear(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node = screen.pane("node").view
        await pilot.press("p")
        await until(pilot, lambda: "end of log" in node.border_text()[0], "the previous log")
        assert node.title == "node (previous)"
        assert node.texts == [
            "> web@1.4.2 start",
            "server listening on :3000",
            "FATAL heap out of memory while building report",
        ]
        await pilot.press("ctrl+k")
        assert node.line_count == 0
        await pilot.press("p")  # back to the current instance
        await until(pilot, lambda: node.line_count >= 3, "current lines again")
        assert node.title == "node"


async def test_choose_containers_and_go_back(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        followers = [p.follower for p in screen.panes.values()]
        await pilot.press("C")
        picker = await until(pilot, lambda: isinstance(app.screen, ContainerPicker)
                             and app.screen, "the container picker")
        # Every container of the pod, the two shown ones ticked.
        choices = picker.query_one(SelectionList)
        names = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
        assert names == ["node", "busybox"] and choices.selected == ["node", "busybox"]
        await pilot.press("down", "space", "enter")  # untick busybox
        await until(pilot, lambda: list(screen.panes) == ["node"], "one pane")
        assert followers[1].stopped
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LogsScreen), "back")
        await until(pilot, lambda: followers[0].stopped, "the followers to stop")
        assert followers[0].state in (cluster_logs.STOPPED, cluster_logs.STREAMING)


async def test_a_flood_of_lines_stays_bounded_and_complete(app, conn, sandbox_dir):
    """Two panes fed 15,000 lines each at once keep the newest 10,000, in order."""
    from tests.conftest import make_pod, wait_for
    from tests.integration.test_logs_follow import cri, delete_pod

    podlogs = sandbox_dir / "podlogs"
    await asyncio.to_thread(delete_pod, conn, "log-bench")
    for name in ("bench-a", "bench-b"):
        (podlogs / f"{name}.log").write_text("")
    await asyncio.to_thread(conn.core.create_namespaced_pod, "default",
                            make_pod("log-bench", ["a", "b"]))

    def running():
        pod = conn.core.read_namespaced_pod("log-bench", "default")
        return pod.status.phase == "Running" and pod.spec.node_name

    await asyncio.to_thread(wait_for, running, "log-bench to be Running")
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            pod = await asyncio.to_thread(conn.core.read_namespaced_pod, "log-bench", "default")
            app.open_logs(conn.api.sanitize_for_serialization(pod))
            screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                                 "the logs screen")
            for name in ("a", "b"):
                await until(pilot, lambda n=name: screen.pane(n).view.state == "waiting for output",
                            f"{name} waiting for its first line")
            base = time.time_ns()
            for name in ("a", "b"):
                lines = [cri(base + i * 1000, f"{name} {i}") for i in range(15_000)]
                with (podlogs / f"bench-{name}.log").open("a") as handle:
                    handle.write("".join(lines))
            for name in ("a", "b"):
                view = screen.pane(name).view
                await until(pilot, lambda v=view, n=name: v.texts and v.texts[-1] == f"{n} 14999",
                            f"the last line in {name}", timeout=90)
                assert view.texts == [f"{name} {i}" for i in range(5_000, 15_000)]
                await pilot.pause()
                assert rows(view)[-1].strip() == f"{name} 14999"
    finally:
        await asyncio.to_thread(delete_pod, conn, "log-bench")


async def test_tail_and_since_reload_both_panes(app, conn, sandbox_dir):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node = screen.pane("node").view
        source = file_lines(sandbox_dir / "podlogs" / "seed-node.log")
        await pilot.press("o", "3", "enter")
        await until(pilot, lambda: node.line_count >= 3, "the last 3 lines")
        tailed = node.line_count
        assert tailed < 10  # 3, plus what the feeder wrote in the meantime
        hour_ago = time.time_ns() - 3600 * 10**9
        await pilot.press("o", *"1h", "enter")
        expected = [line for line in source if line[0] >= hour_ago - 10**9]
        await until(pilot, lambda: node.line_count >= len(expected) - 5, "an hour of lines")
        got = [(line.ns, line.text) for line in node.lines]
        assert got[0][0] >= hour_ago - 10**9  # sinceTime is to the second
        assert got[0] in expected[:5]
        assert contiguous_in(got, file_lines(sandbox_dir / "podlogs" / "seed-node.log"))
        await pilot.press("o", *"soon", "enter")  # not a duration: one clear line, no reload
        assert node.line_count >= len(got)


async def test_80_columns_footer_shows_every_key_whole(app, conn):
    """At 80x24 the footer's last key (`? Help`) is not cut; the rest are in `?`."""
    from textual.widgets._footer import FooterKey

    async with app.run_test(size=(80, 24)) as pilot:
        await open_seed_logs(pilot, conn)
        await pilot.pause(0.2)
        keys = list(app.screen.query(FooterKey))
        assert any(k.description == "Help" for k in keys)
        for key in keys:
            assert key.region.right <= 80, (key.key_display, key.description, key.region)
