"""LogView repaints only the cells that changed (quiet over SSH), a QuietScreen writes only
the changed cells of what Textual repaints, and the terminal still shows exactly what a
full repaint would (in a tiny Textual app, no cluster)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from podtui.ui.quiet_terminal import QuietScreen
from podtui.ui.widgets.log_view import LogView
from tests.painted import Painted
from tests.unit.test_log_view import make_lines


class Panes(Screen):
    DEFAULT_CSS = "LogView { width: 1fr; height: 1fr; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield LogView(max_lines=300, id="left")
            yield LogView(max_lines=300, id="right")


class QuietPanes(QuietScreen, Panes):
    pass


class Dialog(ModalScreen):
    DEFAULT_CSS = "Dialog { align: center middle; } Dialog Static { width: 30; height: 5; }"

    def compose(self) -> ComposeResult:
        yield Static("a dialog over the panes")


class TwoPanes(App):
    def __init__(self, screen: type[Screen] = Panes) -> None:
        super().__init__()
        self.screen_type = screen

    def on_mount(self) -> None:
        self.push_screen(self.screen_type())


def varied(n: int, start: int) -> list:
    """Lines whose lengths go up and down: rows get both longer and shorter."""
    return [line._replace(text=f"{i} " + "word " * (i % 7))
            for i, line in enumerate(make_lines(n, start), start)]


def assert_screen_is_right(painted: Painted) -> None:
    reference = painted.full_repaint()
    width, height = painted.app.size
    assert painted.rows(0, height, 0, width) == reference.rows(0, height, 0, width)


@pytest.mark.parametrize("screen", [Panes, QuietPanes])
async def test_the_terminal_shows_what_a_full_repaint_would(screen):
    app = TwoPanes(screen)
    painted = Painted(app)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        left, right = (app.screen.query_one(f"#{side}", LogView) for side in ("left", "right"))
        steps = [
            lambda: left.add_lines(varied(5, 0)),             # not full yet: no scroll
            lambda: left.add_lines(varied(30, 5)),            # scrolls, scrollbar appears
            lambda: right.add_lines(varied(1, 0)),
            *[(lambda i=i: left.add_lines(varied(1, 35 + i))) for i in range(12)],
            lambda: left.add_lines(varied(400, 100)),         # past the bound
            lambda: left.search("word word"),                 # highlights
            lambda: left.next_match(),                        # pauses, moves the view
            lambda: left.add_lines(varied(3, 600)),           # paused: "+3 new"
            lambda: left.action_scroll_up(),
            lambda: left.action_page_down(),
            lambda: left.set_follow(True),
            lambda: left.add_lines(varied(2, 700)),
            lambda: left.search(""),
            lambda: left.set_timestamps(not left.timestamps),
            lambda: left.add_lines(varied(1, 800)),
            lambda: left.set_wrap(not left.wrap),
            *[(lambda i=i: left.add_lines(varied(1, 900 + i))) for i in range(4)],
            lambda: right.add_lines(varied(40, 1000)),
            lambda: left.clear(),
            lambda: left.add_lines(varied(2, 2000)),
            # The same text on every row: only the current match's style moves.
            lambda: left.add_lines(make_lines(40, 3000, text="same text")),
            lambda: left.search("text"),
            lambda: left.add_lines(make_lines(1, 3040, text="same text")),
            # Another screen draws over the panes, lines arrive meanwhile, it goes.
            lambda: app.push_screen(Dialog()),
            lambda: left.add_lines(varied(3, 4000)),
            lambda: app.pop_screen(),
            lambda: left.add_lines(varied(1, 4003)),
        ]
        for step in steps:
            step()
            await pilot.pause()
            await pilot.pause()
            assert_screen_is_right(painted)


async def test_a_new_line_repaints_its_pane_only_up_to_the_changed_cells():
    app = TwoPanes()
    painted = Painted(app)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        left, right = (app.screen.query_one(f"#{side}", LogView) for side in ("left", "right"))
        # Both panes full (at their bound: the scrollbar's thumb no longer moves).
        left.add_lines(make_lines(300, 0, text="{i} aaaaaaaaaa"))
        right.add_lines(make_lines(300, 0, text="{i} bbbbbbbbbb"))
        await pilot.pause()
        await pilot.pause()
        mark = len(painted.writes)
        before = painted.written
        left.add_lines(make_lines(1, 300, text="{i} aaaaaaaaaa"))
        await pilot.pause()
        await pilot.pause()
        quiet = painted.written - before
        cells = painted.cells_written(mark)
        assert_screen_is_right(painted)
        content = left.content_region
        # Every row of the scrolled pane, but only up to its last changed cell (the
        # numbers: "281 aaaaaaaaaa" became "282 aaaaaaaaaa"); the pane's left border
        # comes with each row (Textual writes a row of a widget from its left edge).
        assert {y for _x, y in cells} == set(range(content.y, content.bottom))
        assert all(x < content.x + 3 for x, _y in cells)
        # Nothing of the other pane, of this pane's title, scrollbar or right border.
        assert not [c for c in cells if c[0] >= right.region.x]
        # What the same line cost when the pane and its scrollbar were repainted whole.
        mark = painted.written
        left.refresh(left.size.region)
        left.vertical_scrollbar.refresh()
        await pilot.pause()
        await pilot.pause()
        whole = painted.written - mark
        assert quiet < whole / 2
