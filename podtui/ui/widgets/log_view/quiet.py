"""Repainting a log pane quietly: only the cells that changed reach the terminal.

Over SSH every byte a TUI writes crosses the link. Textual repaints what a widget marks
dirty, whole rows of it (a row from the pane's left edge to the dirty region's right
end), and a followed pane scrolls by a row per new line, so a plain `refresh()` rewrote
every row of the pane, its padding, its scrollbar and the empty column after it, for
every new line. Here a pane remembers what Textual last rendered on each row and, after
new lines or a scroll, marks dirty only the rows that differ, each up to its last
changed cell; the scrollbar is repainted only when its thumb moves on screen.

A part of `LogView`, whose state it reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil
from typing import Self

from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


def _first_equal_tail(old: str, new: str) -> int:
    """The smallest k with old[k:] == new[k:] (strings of the same length)."""
    low, high = 0, len(new)
    while low < high:  # a suffix that matches stays matching when shortened
        middle = (low + high) // 2
        if old[middle:] == new[middle:]:
            high = middle
        else:
            low = middle + 1
    return low


def _runs(strip: Strip) -> list[tuple[int, object]]:
    """(first cell, style) of each segment (ASCII strips: a cell per character)."""
    runs = []
    cell = 0
    for segment in strip:
        runs.append((cell, segment.style))
        cell += len(segment.text)
    return runs


def changed_end(old: Strip, new: Strip) -> int:
    """1 + the last cell where `new` differs from `old` in text or style; 0 if none."""
    if old is new:
        return 0
    width = new.cell_length
    old_text, new_text = old.text, new.text
    if old.cell_length != width or not (old_text.isascii() and new_text.isascii()):
        return width  # cells and characters differ: not worth the care
    end = _first_equal_tail(old_text, new_text)
    # Styles of the equal tail, from the right: both strips' runs cover every cell.
    old_runs, new_runs = _runs(old), _runs(new)
    i, j = len(old_runs) - 1, len(new_runs) - 1
    position = width
    while position > end:
        (old_start, old_style), (new_start, new_style) = old_runs[i], new_runs[j]
        if old_style != new_style:
            return position
        position = max(old_start, new_start)
        if position == old_start:
            i -= 1
        if position == new_start:
            j -= 1
    return end


def _drawing(size: int, virtual_size: float, window_size: float, position: float,
             thickness: int = 1, **_ignored: object) -> tuple:
    """What a vertical scrollbar of these dimensions draws: glyphs, and which are thumb."""
    rendered = ScrollBarRender.render_bar(size=size, virtual_size=virtual_size,
                                          window_size=window_size, position=position,
                                          thickness=thickness, vertical=True)
    return tuple((segment.text, bool(segment.style and segment.style.reverse))
                 for segment in rendered.segments)


def _current_drawing(bar: ScrollBar) -> tuple:
    """What `bar` would draw now (as its `render` computes its arguments)."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    return _drawing(bar.size.height, ceil(bar.window_virtual_size), ceil(window),
                    bar.position, bar.thickness)


class _DrawnBar:
    """A vertical scrollbar's renderer (Textual lets a bar have its own) that remembers
    what the bar drew last, i.e. what the terminal shows."""

    def __init__(self, bar: ScrollBar) -> None:
        self.bar = bar
        self.drawn: tuple | None = None

    def __call__(self, **arguments: object) -> ScrollBarRender:
        self.drawn = (_drawing(self.bar.size.height, **arguments)
                      if "position" in arguments else None)
        return ScrollBarRender(**arguments)


class QuietMixin:
    # -- repaint only what changed ----------------------------------------------------------

    def _record_painted(self, y: int, strip: Strip) -> None:
        """Called for every row Textual renders: it is what the terminal will show."""
        self._painted[y] = strip

    def _repaint_changed_rows(self) -> None:
        """Mark dirty the rows whose cells differ from what was painted, each only up to
        its last changed cell (a scrolled pane: every row, but not its unchanged end)."""
        painted = self._painted
        width, height = self.size
        if not painted or not width:
            self.refresh(self.size.region)
            return
        regions = []
        self._view = (self.scroll_offset, width)
        try:
            for y in range(height):
                old = painted.get(y)
                new = self.render_line(y)
                end = width if old is None else changed_end(old, new)
                if end:
                    regions.append(Region(0, y, end, 1))
        finally:
            self._view = None
        if regions:
            self.refresh(*regions)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # ScrollView's own repaints the whole pane and its scrollbar on every scroll.
        if self.show_vertical_scrollbar:
            self._move_bar(self.vertical_scrollbar, position=new_value)
        if round(old_value) != round(new_value) and not self._adding:
            self._repaint_changed_rows()

    def _move_bar(self, bar: ScrollBar, **values: float) -> None:
        """Set a scrollbar's size or position; repaint it only if what it draws changes
        (a followed pane moves it by a line a line: the thumb seldom moves a cell)."""
        if "position" in values:
            values["position"] = bar.validate_position(values["position"])
        if all(getattr(bar, name) == value for name, value in values.items()):
            return
        if not bar.vertical:
            for name, value in values.items():
                setattr(bar, name, value)  # horizontal bars change rarely: Textual's way
            return
        for name, value in values.items():
            bar.set_reactive(getattr(ScrollBar, name), value)
        if not self._adding:
            self._repaint_bar(bar)

    def _repaint_bar(self, bar: ScrollBar) -> None:
        renderer = bar.renderer
        if not isinstance(renderer, _DrawnBar):
            renderer = bar.renderer = _DrawnBar(bar)
        if renderer.drawn is None or renderer.drawn != _current_drawing(bar):
            bar.refresh()

    def _quiet_scroll_update(self, virtual_size: Size) -> None:
        """Textual's `_scroll_update`, with scrollbars repainted only when they change."""
        self._refresh_scrollbars()
        width, height = self.container_size
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            self._move_bar(self.vertical_scrollbar,
                           window_virtual_size=virtual_size.height,
                           window_size=height - self.scrollbar_size_horizontal)
        if self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal:
            self._move_bar(self.horizontal_scrollbar,
                           window_virtual_size=virtual_size.width,
                           window_size=width - self.scrollbar_size_vertical)
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    # -- the border: its title and subtitle rows only ------------------------------------------

    @contextmanager
    def _repainting_border(self, title: bool, subtitle: bool) -> Iterator[None]:
        """While the border's texts are set: only the rows of the texts that change are
        repainted, not the whole pane (Textual's setters refresh the widget, and "+N new"
        changes with every batch while a pane is paused)."""
        (left, top), outer = self.content_offset, self.outer_size
        if not self.is_mounted or not outer.height:
            yield
            return
        rows = [y for y, changed in ((-top, title), (outer.height - 1 - top, subtitle))
                if changed]
        self._border_rows = [Region(-left, y, outer.width, 1) for y in rows]
        try:
            yield
        finally:
            self._border_rows = None

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        rows = self._border_rows
        if rows is not None and not regions and repaint and not layout and not recompose:
            return super().refresh(*rows)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
