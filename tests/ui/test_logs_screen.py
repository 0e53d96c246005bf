"""Pilot tests: logs side by side, in the real app, against pods on the sandbox's real node.

The seed pod (sandbox/render_config.py seed_pod): its Node.js program appends to app.log
and prints nothing; its busybox sidecar `tail -F`s app.log, so its log carries the app's
lines (~a line every 3 s: heartbeats, readiness probes). Tests that need lines on cue use
pods of tests/log_pods.py, whose containers print what the test writes."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import SelectionList

from podtui.app import PodTuiApp
from podtui.cluster import logs as cluster_logs
from podtui.cluster.connection import connect
from podtui.ui.screens.logs import ContainerPicker, LogsScreen
from podtui.ui.widgets.log_view import LogView
from tests.conftest import SEED_POD
from tests.log_pods import app_lines, app_time_ns, feed_pods_in, kubectl, kubectl_log, stamped
from tests.ui.helpers import key_bar_text, until

PREVIOUS = ["> web@1.4.2 start", "server listening on :3000",
            "FATAL heap out of memory while building report"]


def contiguous_in(got: list[tuple[int, str]], source: list[tuple[int, str]]) -> bool:
    if not got or got[0] not in source:
        return False
    start = source.index(got[0])
    return source[start : start + len(got)] == got


def rows(view: LogView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


def shown(view: LogView) -> list[tuple[int, str]]:
    return [(line.ns, line.text) for line in view.lines]


async def open_pod_logs(pilot, conn, namespace: str, name: str) -> LogsScreen:
    app = pilot.app
    pod = await asyncio.to_thread(conn.core.read_namespaced_pod, name, namespace)
    app.open_logs(conn.api.sanitize_for_serialization(pod))
    screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                         "the logs screen")
    await until(pilot, lambda: screen.pane_views and app.focused is screen.pane_views[0],
                "the first pane focused")
    return screen


async def open_seed_logs(pilot, conn) -> LogsScreen:
    """The seed pod's logs screen once busybox shows lines and node's stream (of nothing:
    the program prints nothing) is open."""
    screen = await open_pod_logs(pilot, conn, "default", SEED_POD)
    await until(pilot, lambda: screen.pane("busybox").view.line_count >= 3,
                "lines in the busybox pane")
    await until(pilot, lambda: screen.pane("node").view.state == "streaming",
                "the node pane streaming")
    return screen


@pytest.fixture
def app(admin_kubeconfig):
    return PodTuiApp(connect(admin_kubeconfig))


@pytest.fixture
def feed_pods(conn, namespace):
    yield from feed_pods_in(conn, namespace)


async def test_the_panes_show_what_kubectl_logs_shows_of_each_container(app, conn):
    """The issue's check: busybox shows the lines the Node.js program appends to app.log
    (its text, its ISO time), node exactly what the program prints to stdout: nothing."""
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        node, busybox = screen.pane("node").view, screen.pane("busybox").view
        assert [v.title for v in screen.pane_views] == ["node", "busybox"]
        # Side by side on a wide terminal.
        assert node.region.y == busybox.region.y and node.region.x < busybox.region.x
        # A container that has printed nothing yet says so (issue: the seed's node pane).
        assert busybox.border_text()[0] == "busybox · streaming"
        assert node.border_text()[0] == "node · streaming · no output yet"
        got = shown(busybox)
        await pilot.pause()
        visible = [row for row in rows(busybox) if row]
        node_rows = [row for row in rows(node) if row]
    reference = await asyncio.to_thread(kubectl_log, "default", SEED_POD, "busybox")
    assert contiguous_in(got, stamped(reference)), "busybox: not kubectl's lines in order"
    texts = app_lines([text for _, text in got])
    assert texts
    for ns, text in got:
        if text in texts:
            app_ns = app_time_ns(text)
            assert app_ns is not None, text
            assert app_ns <= ns, text  # tail -F copies what the app wrote before
    assert visible and visible[-1] == got[-1][1]
    # What the app appended to the file both containers mount.
    app_log = await asyncio.to_thread(kubectl, "exec", SEED_POD, "-n", "default", "-c", "node",
                                      "--", "cat", "/app/logs/app.log")
    assert app_log.returncode == 0, app_log.stderr
    lines = app_log.stdout.splitlines()
    assert texts[0] in lines
    start = lines.index(texts[0])
    assert lines[start : start + len(texts)] == texts
    # node: no line, as kubectl has none.
    assert (await asyncio.to_thread(kubectl_log, "default", SEED_POD, "node")) == []
    assert node.line_count == 0 and node_rows == []
    assert node.state == "streaming"


async def test_narrow_terminal_stacks_the_panes(app, conn):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        await pilot.pause()
        node, busybox = screen.pane("node").view, screen.pane("busybox").view
        assert node.region.x == busybox.region.x and node.region.y < busybox.region.y


async def test_search_finds_and_highlights_a_match(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        busybox = screen.pane("busybox").view
        await pilot.press("tab")
        assert app.focused is busybox
        # Two matches at least, so that N has somewhere to go (a heartbeat every 5 s).
        await until(pilot, lambda: sum("heartbeat" in t for t in busybox.texts) >= 2,
                    "two heartbeats")
        await pilot.press("slash", *"heartbeat", "enter")
        await until(pilot, lambda: busybox.search_term == "heartbeat", "the search")
        assert busybox.match_count == sum("heartbeat" in t for t in busybox.texts) >= 2
        assert "heartbeat" in busybox.current_match.text
        await pilot.pause()
        # The current match is on screen, with the term highlighted.
        row = next(y for y, text in enumerate(rows(busybox))
                   if text == busybox.current_match.text)
        styled = [s.text for s in busybox.render_line(row) if s.style and s.style.bgcolor]
        assert "heartbeat" in styled
        assert "/heartbeat" in busybox.border_text()[1]
        before = busybox.current_match
        await pilot.press("N")
        assert busybox.current_match != before and "heartbeat" in busybox.current_match.text
        assert not busybox.follow


async def test_pause_keeps_counting_and_follow_catches_up(app, conn, namespace, feed_pods):
    pod = await asyncio.to_thread(feed_pods, "logs", ["a", "b"])
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_pod_logs(pilot, conn, namespace, "logs")
        a = screen.pane("a").view
        assert app.focused is a
        await asyncio.to_thread(pod.write, "a", [f"a {n}" for n in range(60)])
        await until(pilot, lambda: a.line_count == 60, "a screenful and more")
        await pilot.press("f")
        assert not a.follow
        screen_before = rows(a)
        await asyncio.to_thread(pod.write, "a", ["a 60", "a 61", "a 62"])
        await until(pilot, lambda: a.new_while_paused == 3, "new lines while paused")
        assert a.line_count == 63  # nothing dropped
        assert "+3 new" in a.border_text()[1]
        assert rows(a) == screen_before  # the view did not move
        await pilot.press("f")
        assert a.follow and a.new_while_paused == 0
        await pilot.pause()
        visible = [r for r in rows(a) if r]
        assert visible[-1] == "a 62"
        # F pauses and resumes every pane.
        await pilot.press("F")
        assert not any(v.follow for v in screen.pane_views)
        await pilot.press("F")
        assert all(v.follow for v in screen.pane_views)


async def test_save_writes_the_panes_lines(app, conn, tmp_path, monkeypatch):
    monkeypatch.setenv("PODTUI_SAVE_DIR", str(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        busybox = screen.pane("busybox").view
        await pilot.press("tab")
        assert app.focused is busybox
        await pilot.press("s")
        saved = await until(pilot, lambda: screen.last_saved, "the saved file")
        assert saved.parent == tmp_path
        assert SEED_POD in saved.name and "busybox" in saved.name
        assert saved.stat().st_mode & 0o777 == 0o600  # logs can hold secrets: owner only
        lines = saved.read_text().splitlines()
        assert len(lines) >= 3
        assert lines == busybox.texts[: len(lines)]
        # With timestamps on, the file has the full RFC 3339 time of each line.
        await pilot.press("t")
        screen.last_saved = None
        await pilot.press("s")
        stamped_file = await until(pilot, lambda: screen.last_saved, "the second file")
        first = stamped_file.read_text().splitlines()[0]
        assert stamped_file != saved and "busybox" in stamped_file.name
        assert stamped([first]) == [shown(busybox)[0]]


async def test_time_aligned_view_interleaves_both_containers(app, conn, namespace, feed_pods):
    pod = await asyncio.to_thread(feed_pods, "logs", ["a", "b"])
    for index in range(6):  # each line served before the next: the stamps alternate
        container = ("a", "b")[index % 2]
        await asyncio.to_thread(pod.write, container, [f"{container} {index}"])
        await asyncio.to_thread(pod.wait_logged, container, f"{container} {index}")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_pod_logs(pilot, conn, namespace, "logs")
        for name in ("a", "b"):
            await until(pilot, lambda n=name: screen.pane(n).view.line_count == 3,
                        f"the lines of {name}")
        await pilot.press("a")
        aligned = await until(pilot, lambda: screen._aligned, "the aligned view")
        await until(pilot, lambda: len(aligned.tagged_lines) == 6, "lines of both containers")
        assert [(tag, line.text) for tag, line in aligned.tagged_lines] == [
            (("a", "b")[i % 2], f"{('a', 'b')[i % 2]} {i}") for i in range(6)]
        await pilot.pause()
        assert [r for r in rows(aligned) if r] == [
            f"[{('a', 'b')[i % 2]}] {('a', 'b')[i % 2]} {i}" for i in range(6)]
        await pilot.press("a")
        assert screen._aligned is None


async def test_previous_instance_and_clear(app, conn, namespace, feed_pods):
    pod = await asyncio.to_thread(feed_pods, "logs", ["node", "busybox"],
                                  crash_first={"node": PREVIOUS})
    await asyncio.to_thread(pod.write, "node", ["now 1", "now 2", "now 3"])
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_pod_logs(pilot, conn, namespace, "logs")
        node = screen.pane("node").view
        await until(pilot, lambda: node.texts == ["now 1", "now 2", "now 3"], "current lines")
        await pilot.press("p")
        await until(pilot, lambda: "end of log" in node.border_text()[0], "the previous log")
        assert node.title == "node (previous)"
        assert node.texts == PREVIOUS
        assert node.texts == [text for _, text in pod.api_log("node", previous=True)]
        await pilot.press("ctrl+k")
        assert node.line_count == 0
        await pilot.press("p")  # back to the current instance
        await until(pilot, lambda: node.texts == ["now 1", "now 2", "now 3"], "current lines again")
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
        await until(pilot, lambda: followers[0].state == cluster_logs.STOPPED,
                    "the followers to stop")


async def test_a_flood_of_lines_stays_bounded_and_complete(app, conn, namespace, feed_pods):
    """Two panes fed 15,000 lines each at once keep the newest 10,000, in order."""
    pod = await asyncio.to_thread(feed_pods, "logs", ["a", "b"])
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_pod_logs(pilot, conn, namespace, "logs")
        for name in ("a", "b"):
            await until(pilot, lambda n=name: screen.pane(n).view.state == "streaming",
                        f"{name} streaming")
        for name in ("a", "b"):
            await asyncio.to_thread(pod.write, name, [f"{name} {i}" for i in range(15_000)])
        for name in ("a", "b"):
            view = screen.pane(name).view
            await until(pilot, lambda v=view, n=name: v.texts and v.texts[-1] == f"{n} 14999",
                        f"the last line in {name}", timeout=90)
            assert view.texts == [f"{name} {i}" for i in range(5_000, 15_000)]
            await pilot.pause()
            assert rows(view)[-1].strip() == f"{name} 14999"


async def test_tail_and_since_reload_both_panes(app, conn):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_seed_logs(pilot, conn)
        busybox = screen.pane("busybox").view
        await pilot.press("o", "3", "enter")
        await until(pilot, lambda: busybox.line_count >= 3, "the last 3 lines")
        tailed = shown(busybox)
        assert len(tailed) < 6  # 3, plus what the app wrote in the meantime
        reference = stamped(await asyncio.to_thread(kubectl_log, "default", SEED_POD, "busybox"))
        assert contiguous_in(tailed, reference) and tailed[0] in reference[-6:]
        hour_ago = time.time_ns() - 3600 * 10**9
        await pilot.press("o", *"1h", "enter")
        expected = [line for line in reference if line[0] >= hour_ago - 10**9]
        await until(pilot, lambda: busybox.line_count >= len(expected) - 5, "an hour of lines")
        got = shown(busybox)
        assert got[0][0] >= hour_ago - 10**9  # sinceTime is to the second
        assert got[0] in expected[:5]
        reference = stamped(await asyncio.to_thread(kubectl_log, "default", SEED_POD, "busybox"))
        assert contiguous_in(got, reference)
        await pilot.press("o", *"soon", "enter")  # not a duration: one clear line, no reload
        assert busybox.line_count >= len(got)
        assert screen.pane("node").view.line_count == 0


async def test_80_columns_key_bar_shows_every_shown_key_whole(app, conn):
    """At 80x24 the key bar has room for each key the logs screen shows, `? Help` last;
    the rest are in `?`."""
    async with app.run_test(size=(80, 24)) as pilot:
        await open_seed_logs(pilot, conn)
        line = " esc Back  f Follow  t Time  / Search  c Copy  s Save  o Tail/since  ? Help"
        await until(pilot, lambda: key_bar_text(app.screen).rstrip() == line, "the key bar")
