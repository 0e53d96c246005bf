"""Which screen row shows which line: the wrap layout (rows per line, computed
incrementally) and the virtual size. A part of `LogView`, whose state it reads."""

from __future__ import annotations

from bisect import bisect_right

from textual.geometry import Size
from textual.widget import Widget

from podtui.ui.widgets.log_view.text import _TAG, _WIDTH, TS_WIDTH, _Entry


class RowsMixin:
    # -- rows ----------------------------------------------------------------------------

    def _prefix_width(self) -> int:
        return TS_WIDTH + 1 if self._timestamps else 0

    def _entry_width(self, entry: _Entry) -> int:
        tag = entry[_TAG]
        return self._prefix_width() + (len(tag) + 3 if tag else 0) + entry[_WIDTH]

    def _rows_of(self, entry: _Entry, width: int) -> int:
        total = self._entry_width(entry)
        return max(1, -(-total // width))

    def _current_wrap_width(self) -> int:
        width = self.size.width
        if width <= 0:
            width = 80
        return max(8, width - 1)  # one column for the vertical scrollbar

    def _recompute_rows(self, start: int = 0) -> None:
        """Row starts from entry `start` on (wrap mode); entries before keep theirs."""
        width = self._wrap_width = self._current_wrap_width()
        starts = self._row_starts
        if start > len(starts):
            start = 0
        row = self._row_end_of(start - 1) if start > 0 else 0
        del starts[start:]
        rows_of = self._rows_of
        for entry in self._entries[start:]:
            starts.append(row)
            row += rows_of(entry, width)
        self._row_end = row

    def _row_end_of(self, index: int) -> int:
        return self._row_starts[index] + self._rows_of(self._entries[index], self._wrap_width)

    def _total_rows(self) -> int:
        if not self._wrap:
            return len(self._entries)
        if not self._row_starts:
            return 0
        return self._row_end - self._row_starts[0]

    def _update_virtual_size(self) -> None:
        if self._wrap:
            size = Size(self._wrap_width, self._total_rows())
        else:
            size = Size(self._max_width + self._prefix_width(), len(self._entries))
        if size == self.virtual_size:
            return
        if not self.container_size:
            self.virtual_size = size  # not laid out yet
            return
        # Growing content does not change this widget's own size: update the scrollbars
        # without a layout of the whole screen (which costs far more than the new rows),
        # unless a scrollbar appears or goes.
        shown = (self.show_horizontal_scrollbar, self.show_vertical_scrollbar)
        self.set_reactive(Widget.virtual_size, size)
        self._quiet_scroll_update(size)
        if (self.show_horizontal_scrollbar, self.show_vertical_scrollbar) != shown:
            self.refresh(layout=True)

    def _locate(self, row: int) -> tuple[int, int] | None:
        """Visual row -> (entry index, wrapped segment)."""
        if row < 0:
            return None
        if not self._wrap:
            return (row, 0) if row < len(self._entries) else None
        starts = self._row_starts
        if not starts:
            return None
        absolute = starts[0] + row
        if absolute >= self._row_end:
            return None
        index = bisect_right(starts, absolute) - 1
        return index, absolute - starts[index]

    def _row_of(self, index: int) -> int:
        if not self._wrap:
            return index
        return self._row_starts[index] - self._row_starts[0]
