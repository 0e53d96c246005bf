"""Search in a log pane: highlight, count, next/previous match. A part of `LogView`,
whose state it reads."""

from __future__ import annotations

import re
from collections.abc import Iterable

from podtui.ui.widgets.log_view.text import _SHOWN


class SearchMixin:
    # -- search --------------------------------------------------------------------------

    def _matches(self, text: str) -> bool:
        if self._case_sensitive:
            return self._term in text
        return self._term_folded in text.lower()

    def search(self, term: str) -> int:
        """Highlight `term` (case-insensitive unless it has capitals); select the newest
        match and bring it into view. Returns the number of matching lines."""
        self._term = term
        self._current = None
        self._cache.clear()
        if not term:
            self._term_re = None
            self._match_count = 0
            self.refresh()
            self._update_border()
            return 0
        self._case_sensitive = term != term.lower()
        self._term_folded = term.lower()
        flags = 0 if self._case_sensitive else re.IGNORECASE
        self._term_re = re.compile(re.escape(term), flags)
        matches = self._matches
        self._match_count = sum(1 for entry in self._entries if matches(entry[_SHOWN]))
        if self._match_count:
            self._goto_match(reversed(range(len(self._entries))))
        else:
            self.refresh()
            self._update_border()
        return self._match_count

    def next_match(self) -> bool:
        """Select the next (newer) match, wrapping around; pauses following."""
        return self._step(+1)

    def previous_match(self) -> bool:
        """Select the previous (older) match, wrapping around; pauses following."""
        return self._step(-1)

    def _step(self, direction: int) -> bool:
        if not self._term or not self._match_count:
            return False
        count = len(self._entries)
        index = self._current_index()
        if index is None:
            located = self._locate(int(self.scroll_y))
            index = (located[0] if located else 0) - (1 if direction > 0 else -1)
        order = [(index + direction * step) % count for step in range(1, count + 1)]
        found = self._goto_match(order)
        if found:
            self.set_follow(False)
            self._show_current()
        return found

    def _goto_match(self, order: Iterable[int]) -> bool:
        matches = self._matches
        for index in order:
            if matches(self._entries[index][_SHOWN]):
                previous = self._current
                self._current = self._first_seq + index
                self._cache.discard(self._current)
                if previous is not None:
                    self._cache.discard(previous)
                self._reveal_current()
                self.refresh()
                self._update_border()
                return True
        return False

    def _reveal_current(self) -> None:
        """Bring the current match on screen, pausing if it is not there already."""
        if not self.size.height:  # not laid out yet: decide once it is
            self.call_after_refresh(self._reveal_current)
            return
        index = self._current_index()
        if index is not None and not self._row_visible(self._row_of(index)):
            self.set_follow(False)
            self._show_current()

    def _row_visible(self, row: int) -> bool:
        top = int(self.scroll_y)
        height = self.scrollable_content_region.height or self.size.height
        return top <= row < top + max(1, height)

    def _show_current(self) -> None:
        index = self._current_index()
        if index is None:
            return
        row = self._row_of(index)
        if self._row_visible(row):
            return
        height = self.scrollable_content_region.height or self.size.height
        self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)

    def _current_index(self) -> int | None:
        if self._current is None:
            return None
        index = self._current - self._first_seq
        return index if 0 <= index < len(self._entries) else None

    def _current_rank(self) -> int | None:
        index = self._current_index()
        if index is None:
            return None
        matches = self._matches
        return sum(1 for entry in self._entries[: index + 1] if matches(entry[_SHOWN]))
