"""The logs screen's keys during a flood: what a key costs the event loop (no cluster:
the panes are fed as the followers' batches would feed them)."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from podtui.cluster.logs import LogBatch, LogLine
from podtui.ui.screens import logs as logs_screen
from podtui.ui.screens.logs import LogsScreen
from tests.ui.helpers import until

NS0 = 1_764_928_800_000_000_000


class Unfollowed(LogsScreen):
    """The real screen, its panes fed by the test instead of followers."""

    def _start(self, pane) -> None:
        pane.generation = next(self._generations)

    def feed(self, container: str, lines: list[LogLine]) -> None:
        pane = self.pane(container)
        self._inbox.put((container, pane.generation, LogBatch(container, lines)))


def flood(container: str, start: int, count: int) -> list[LogLine]:
    return [LogLine(f"2026-12-05T10:00:00.{i:09d}Z", f"{container} {i} lorem ipsum", NS0 + i)
            for i in range(start, start + count)]


async def test_t_shows_times_and_the_heading_says_so_without_laying_out_the_screen():
    """`t` changes the kubectl in the heading: its one row is rewritten, but the screen is
    not laid out again (a layout of the whole screen made the key wait for it)."""
    app = App()
    async with app.run_test(size=(160, 20)) as pilot:
        screen = Unfollowed(None, "ns", "pod", ["a", "b"])  # type: ignore[arg-type]
        await app.push_screen(screen)
        for name in "ab":
            screen.feed(name, flood(name, 0, 500))
        await pilot.pause()
        title = screen.query_one("#logs-title", Static)
        assert "--timestamps" not in str(title.render())
        regions = {view: view.region for view in screen.pane_views}
        reflows = []
        full_reflow = screen._compositor.reflow
        screen._compositor.reflow = lambda *a: reflows.append(a) or full_reflow(*a)
        await pilot.press("t")
        await pilot.pause()
        assert "--timestamps" in str(title.render())
        for view in screen.pane_views:
            assert view.render_line(view.size.height - 1).text.startswith("10:00:00.000Z ")
            assert view.region == regions[view]
        assert reflows == []


async def test_lines_after_a_key_wait_for_its_frame_and_then_all_arrive(monkeypatch):
    """A key press holds the panes' next update back (the key's action and frame first);
    the lines that came meanwhile are all shown after it, none dropped."""
    monkeypatch.setattr(logs_screen, "KEY_FIRST_SECONDS", 2.0)
    app = App()
    async with app.run_test(size=(160, 20)) as pilot:
        screen = Unfollowed(None, "ns", "pod", ["a", "b"])  # type: ignore[arg-type]
        await app.push_screen(screen)
        screen.feed("a", flood("a", 0, 100))
        await until(pilot, lambda: screen.pane("a").view.line_count == 100, "the first lines")
        await pilot.press("t")
        screen.feed("a", flood("a", 100, 3000))
        await pilot.pause()
        view = screen.pane("a").view
        assert view.render_line(0).text.startswith("10:00:00.")  # the key's effect shows
        assert view.line_count == 100  # the lines wait
        await until(pilot, lambda: view.line_count == 3100, "the lines after the key", 10)
        assert view.texts == [line.text for line in flood("a", 0, 3100)]
