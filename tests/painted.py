"""What a Textual app under `run_test()` would write to a terminal, and the screen those
writes build.

`run_test()` drives a headless app, which renders every update but writes nothing.
`Painted` turns each update into the escape sequences the real driver would write, counts
them, and applies them to a grid of cells (character and SGR state) as a terminal does.
A screen is right when that grid equals a full repaint of the app in the same state.
"""

from __future__ import annotations

import re

from textual._compositor import CompositorUpdate  # what Screen hands App._display
from textual.app import App

_TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([0-9;]*)m|\x1b\[[0-?]*[ -/]*[@-~]|\n|[^\x1b\n]")


class Painted:
    def __init__(self, app: App) -> None:
        self.app = app
        self.writes: list[str] = []
        self.grid: dict[tuple[int, int], tuple[str, str]] = {}
        self.cells = 0  # cells written
        # Of them, cells written with what they already showed, other than a short gap
        # (at most SHORT_GAP) between changed cells, which costs less than a cursor move.
        self.wasted = 0
        display = app._display

        def recording(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                data = renderable.render_segments(app.console)
                self.writes.append(data)
                self.apply(data)
            display(screen, renderable)

        app._display = recording

    @property
    def written(self) -> int:
        """Characters written so far (escape sequences included; ASCII: bytes)."""
        return sum(len(data.encode()) for data in self.writes)

    SHORT_GAP = 5

    def apply(self, data: str) -> None:
        x = y = 0
        sgr = ""
        run: list[bool] = []  # changed?, for each cell written since the last cursor move
        for match in _TOKEN.finditer(data):
            token = match.group()
            if match.group(1) is not None:
                self._end_run(run)
                y, x = int(match.group(1)) - 1, int(match.group(2)) - 1
            elif match.group(3) is not None:
                # Each SGR either resets ("0") or sets a whole style (after a reset).
                codes = match.group(3).removeprefix("0;")
                sgr = "" if codes in ("", "0") else codes
            elif token == "\n":
                y += 1
            elif not token.startswith("\x1b"):
                cell = (token, sgr)
                self.cells += 1
                run.append(self.grid.get((x, y)) != cell)
                self.grid[(x, y)] = cell
                x += 1
        self._end_run(run)

    def _end_run(self, run: list[bool]) -> None:
        text = "".join("c" if changed else "." for changed in run)
        inner = text.strip(".")
        self.wasted += len(text) - len(inner)  # unchanged cells at the ends of a run
        self.wasted += sum(len(gap) for gap in inner.split("c") if len(gap) > self.SHORT_GAP)
        run.clear()

    def rows(self, y0: int, y1: int, x0: int, x1: int) -> list[list[tuple[str, str]]]:
        return [[self.grid.get((x, y), (" ", "")) for x in range(x0, x1)]
                for y in range(y0, y1)]

    def full_repaint(self) -> Painted:
        """The grid a full repaint of the current screen writes (the reference)."""
        reference = Painted.__new__(Painted)
        reference.grid, reference.cells, reference.wasted = {}, 0, 0
        console = self.app.console
        # Rendered afresh: a widget's cache of its rendered rows is what a wrong partial
        # repaint leaves behind (it would agree with the wrong screen).
        for widget in self.app.screen.walk_children(with_self=True):
            widget._styles_cache.clear()
        for y, strip in enumerate(self.app.screen._compositor.render_strips()):
            reference.apply(f"\x1b[{y + 1};1H" + strip.render(console))
        return reference

    def cells_written(self, since: int = 0) -> set[tuple[int, int]]:
        """The cells (x, y) written by the updates from `writes[since]` on."""
        marker = Painted.__new__(Painted)
        marker.grid, marker.cells, marker.wasted = {}, 0, 0
        for data in self.writes[since:]:
            marker.apply(data)
        return set(marker.grid)
