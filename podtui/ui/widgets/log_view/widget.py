"""A fast, bounded log pane (Textual line API).

`LogView` keeps at most `max_lines` lines and renders only the rows on screen, so a
batch of thousands of lines costs one list extend and one refresh. It follows the end
(auto-scroll) or stays paused where the user is reading, still receiving lines and
counting them ("+N new" in the border) until the bound drops the oldest ones.

Also: timestamps on/off, wrap on/off (character wrap, computed incrementally), search
with highlight and next/previous match, clear, save to a plain-text file, and an
ordered mode for a time-aligned view of several containers (each line tagged).

The widget is one class made of parts that read its state: `rows` (which screen row
shows which line), `paint` (a row as a Strip) and `search`; the text of a line is in
`text`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from heapq import merge
from itertools import repeat
from pathlib import Path

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Offset, Region
from textual.scroll_view import ScrollView
from textual.strip import Strip

from podtui.cluster.logs import LogLine
from podtui.ui.widgets.log_view.paint import PaintMixin
from podtui.ui.widgets.log_view.quiet import QuietMixin
from podtui.ui.widgets.log_view.rows import RowsMixin
from podtui.ui.widgets.log_view.search import SearchMixin
from podtui.ui.widgets.log_view.text import (
    _NS,
    _RAW,
    _SHOWN,
    _TAG,
    _TEXT,
    _WIDTH,
    DEFAULT_MAX_LINES,
    STRIP_CACHE_SIZE,
    _Entry,
    display_text,
    plain_ascii,
    plain_line,
    write_lines,
)

# The state a pane shows while its stream is open (podtui/ui/log_panes.state_label).
STREAMING = "streaming"


class LogView(RowsMixin, SearchMixin, PaintMixin, QuietMixin, ScrollView, can_focus=True):
    """A bounded, fast log pane. Feed it with `add_lines()` from the event loop."""

    COMPONENT_CLASSES = {
        "logview--timestamp",
        "logview--match",
        "logview--current-match",
    }

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $text;
        overflow: auto auto;
        scrollbar-size-vertical: 1;
        border: round $secondary 50%;
        border-title-align: left;
        border-subtitle-align: right;
        &:focus {
            border: round $accent;
            background-tint: $foreground 3%;
        }
        &.-wrap {
            overflow-x: hidden;
        }
        & > .logview--timestamp {
            color: $text-muted;
        }
        & > .logview--match {
            background: $warning 40%;
            text-style: bold;
        }
        & > .logview--current-match {
            background: $warning;
            color: $background;
            text-style: bold underline;  /* still visible without colours (NO_COLOR) */
        }
    }
    """

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="log_view.down"),
        Binding("k", "scroll_up", "Up", show=False, id="log_view.up"),
        Binding("g", "scroll_home", "Top", show=False, id="log_view.top"),
        Binding("G", "scroll_end", "Bottom (follow)", show=False, id="log_view.bottom"),
    ]

    def __init__(
        self,
        max_lines: int = DEFAULT_MAX_LINES,
        *,
        title: str = "",
        timestamps: bool = False,
        wrap: bool = False,
        follow: bool = True,
        ordered: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max(1, int(max_lines))
        self.ordered = ordered
        self._title = title
        self._state = ""
        self._state_is_error = False
        self._timestamps = timestamps
        self._wrap = wrap
        self._follow = follow
        self._entries: list[_Entry] = []
        self._first_seq = 0  # sequence number of _entries[0]
        self._max_width = 0
        self._new_while_paused = 0
        self._dropped = 0
        # Wrap mode: absolute first row of each entry, and the row after the last one.
        self._row_starts: list[int] = []
        self._row_end = 0
        self._wrap_width = 0
        # Search
        self._term = ""
        self._term_folded = ""
        self._case_sensitive = False
        self._term_re: re.Pattern[str] | None = None
        self._match_count = 0
        self._current: int | None = None  # seq of the current match
        self._tag_styles: dict[str, Style] = {}
        self._cache: LRUCache[int, Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._base_style: Style | None = None
        self._part_styles: dict[str, Style] = {}
        self._border: tuple[str, str, bool] | None = None
        self._view: tuple[Offset, int] | None = None  # while rendering: scroll, width
        # What Textual last rendered on each row (the terminal shows it): see `quiet`.
        self._painted: dict[int, Strip] = {}
        self._recording = False
        self._adding = False  # add_lines repaints once, after its scroll
        self._border_rows: list[Region] | None = None  # while the border's text is set
        self.set_class(wrap, "-wrap")

    # -- state --------------------------------------------------------------------------

    @property
    def lines(self) -> list[LogLine]:
        return [LogLine(e[_RAW], e[_TEXT], e[_NS]) for e in self._entries]

    @property
    def texts(self) -> list[str]:
        """The text of every line kept (no timestamps, no tags)."""
        return [entry[_TEXT] for entry in self._entries]

    @property
    def tagged_lines(self) -> list[tuple[str, LogLine]]:
        return [(e[_TAG], LogLine(e[_RAW], e[_TEXT], e[_NS])) for e in self._entries]

    @property
    def line_count(self) -> int:
        return len(self._entries)

    @property
    def follow(self) -> bool:
        return self._follow

    @property
    def new_while_paused(self) -> int:
        """Lines received since the pane was paused (shown as "+N new")."""
        return self._new_while_paused

    @property
    def dropped(self) -> int:
        """Lines dropped from the top because of the bound."""
        return self._dropped

    @property
    def timestamps(self) -> bool:
        return self._timestamps

    @property
    def wrap(self) -> bool:
        return self._wrap

    @property
    def search_term(self) -> str:
        return self._term

    @property
    def match_count(self) -> int:
        """Lines that contain the search term."""
        return self._match_count

    @property
    def current_match(self) -> LogLine | None:
        index = self._current_index()
        if index is None:
            return None
        entry = self._entries[index]
        return LogLine(entry[_RAW], entry[_TEXT], entry[_NS])

    @property
    def title(self) -> str:
        return self._title

    @property
    def state(self) -> str:
        return self._state

    def set_title(self, title: str) -> None:
        self._title = title
        self._update_border()

    def set_state(self, state: str, error: bool = False) -> None:
        self._state = state
        self._state_is_error = error
        self._update_border()

    def border_text(self) -> tuple[str, str]:
        """(title, subtitle) as plain text: what the border shows."""
        title = self._title
        state = self._state
        if state == STREAMING and not self._entries:
            # A real kubelet answers at once, even for a container that has printed
            # nothing (the seed's node writes only to its file): say so, not just "streaming".
            state = f"{state} · no output yet"
        if state:
            title = f"{title} · {state}" if title else state
        bits = []
        if self._term:
            where = ""
            rank = self._current_rank()
            if rank is not None:
                where = f" {rank}/{self._match_count}"
            else:
                where = f" {self._match_count} match" + ("" if self._match_count == 1 else "es")
            bits.append(f"/{self._term}{where}")
        if self._follow:
            bits.append("following")
        else:
            bits.append(f"paused +{self._new_while_paused} new")
        return title, " · ".join(bits)

    def _update_border(self) -> None:
        title, subtitle = self.border_text()
        border = (title, subtitle, self._state_is_error)
        if border == self._border:
            return  # setting a border title parses it and repaints the whole pane
        before, self._border = self._border, border
        new_title = before is None or before[::2] != border[::2]
        new_subtitle = before is None or before[1] != subtitle
        with self._repainting_border(new_title, new_subtitle):
            if new_title:
                self.border_title = Text(title, style="bold red" if self._state_is_error else "")
            if new_subtitle:
                self.border_subtitle = subtitle

    def on_mount(self) -> None:
        self._update_border()

    # -- adding lines -------------------------------------------------------------------

    def add_lines(self, lines: Sequence[LogLine], tag: str = "") -> None:
        """Append a batch (or, in ordered mode, merge it in by timestamp)."""
        if not lines:
            return
        if len(lines) > self.max_lines:
            self._dropped += len(lines) - self.max_lines
            if not self._follow:
                self._new_while_paused += len(lines) - self.max_lines
            lines = lines[-self.max_lines :]
        new = self._new_entries(lines, tag)
        entries = self._entries
        if self.ordered and self._needs_merge(new):
            self._merge_in(new)
        else:
            start = len(entries)
            entries.extend(new)
            self._after_append(start)
        if not self._follow:
            self._new_while_paused += len(new)
        self._adding = True
        try:
            self._prune()
            self._update_virtual_size()
            if self._follow:
                self._scroll_to_end()
        finally:
            self._adding = False
        # The changed cells of the rows only: not the border, the scrollbar or the cells
        # that still show the same thing.
        self._repaint_changed_rows()
        if self.show_vertical_scrollbar:
            self._repaint_bar(self.vertical_scrollbar)
        self._update_border()

    def _new_entries(self, lines: Sequence[LogLine], tag: str) -> list[_Entry]:
        # A flood's batch is thousands of lines on the event loop, where a key waits:
        # the usual batch (printable ASCII, checked at once) is built by zip, in C.
        raws, texts, nss = zip(*lines, strict=True)  # a LogLine is (ts_raw, text, ns)
        if plain_ascii(" ".join(texts)):
            widths = list(map(len, texts))
            new = list(zip(nss, raws, texts, repeat(tag), texts, widths, strict=False))
            widest = max(widths)
        else:
            new = []
            for line in lines:
                shown = display_text(line.text)
                width = len(shown) if shown.isascii() else cell_len(shown)
                new.append((line.ns, line.ts_raw, line.text, tag, shown, width))
            widest = max(entry[_WIDTH] for entry in new)
        widest += len(tag) + 3 if tag else 0
        if widest > self._max_width:
            self._max_width = widest
        return new

    def _needs_merge(self, new: list[_Entry]) -> bool:
        """Whether appending `new` would break the time order (ordered mode)."""
        previous = self._entries[-1][_NS] if self._entries else None
        if previous is None:
            previous = -1
        for entry in new:
            ns = entry[_NS]
            if ns is not None and ns < previous:
                return True
            if ns is not None:
                previous = ns
        return False

    def _merge_in(self, new: list[_Entry]) -> None:
        def key(entry: _Entry) -> int:
            ns = entry[_NS]
            return -1 if ns is None else ns

        new.sort(key=key)  # stable: a container's own order is kept
        first = key(new[0])
        position = bisect_right(self._entries, first, key=key) if self._entries else 0
        tail = self._entries[position:]
        self._entries[position:] = list(merge(tail, new, key=key))
        # Sequence numbers after `position` moved: forget what was rendered from there on.
        self._cache.clear()
        if self._current is not None and self._current >= self._first_seq + position:
            self._current = None
        if self._wrap:
            self._recompute_rows(position)
        if self._term:
            self._match_count += sum(1 for entry in new if self._matches(entry[_SHOWN]))

    def _after_append(self, start: int) -> None:
        if self._wrap:
            self._recompute_rows(start)
        if self._term:
            matches = self._matches
            self._match_count += sum(
                1 for entry in self._entries[start:] if matches(entry[_SHOWN])
            )

    def _prune(self) -> None:
        excess = len(self._entries) - self.max_lines
        if excess <= 0:
            return
        removed = self._entries[:excess]
        if self._term:
            matches = self._matches
            self._match_count -= sum(1 for entry in removed if matches(entry[_SHOWN]))
        if self._wrap:
            removed_rows = (
                self._row_starts[excess] if excess < len(self._row_starts) else self._row_end
            ) - self._row_starts[0]
            del self._row_starts[:excess]
        else:
            removed_rows = excess
        del self._entries[:excess]
        self._first_seq += excess
        self._dropped += excess
        if self._current is not None and self._current < self._first_seq:
            self._current = None
        if not self._follow:
            # Keep the rows the user is reading where they are.
            self.set_scroll(None, max(0, self.scroll_y - removed_rows))

    def on_resize(self) -> None:
        if self._wrap and self._current_wrap_width() != self._wrap_width:
            self._relayout()

    def _relayout(self) -> None:
        anchor = None if self._follow else self._locate(int(self.scroll_y))
        self._cache.clear()
        if self._wrap:
            self._recompute_rows(0)
        self._update_virtual_size()
        if self._follow:
            self._scroll_to_end()
        elif anchor is not None:
            self.set_scroll(0 if self._wrap else None, self._row_of(anchor[0]))
        self.refresh()

    # -- follow / pause ------------------------------------------------------------------

    def _scroll_to_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self.call_after_refresh(self._settle_end)

    def _settle_end(self) -> None:
        if self._follow and self.scroll_y != self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def set_follow(self, follow: bool) -> None:
        """Follow the end (auto-scroll) or pause where the view is."""
        if follow == self._follow:
            return
        self._follow = follow
        if follow:
            self._new_while_paused = 0
            self._scroll_to_end()
        self._update_border()

    def toggle_follow(self) -> bool:
        self.set_follow(not self._follow)
        return self._follow

    def action_scroll_up(self) -> None:
        self.set_follow(False)
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self.set_follow(False)
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self.set_follow(False)
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        self.set_follow(True)

    def on_mouse_scroll_up(self) -> None:
        if self.max_scroll_y > 0:
            self.set_follow(False)

    # -- options --------------------------------------------------------------------------

    def set_timestamps(self, on: bool) -> None:
        if on != self._timestamps:
            self._timestamps = on
            self._relayout()

    def set_wrap(self, on: bool) -> None:
        if on != self._wrap:
            self._wrap = on
            self.set_class(on, "-wrap")
            if not on:
                self._row_starts.clear()
                self._row_end = 0
            self._relayout()

    def clear(self) -> None:
        self._first_seq += len(self._entries)
        self._entries.clear()
        self._row_starts.clear()
        self._row_end = 0
        self._max_width = 0
        self._match_count = 0
        self._current = None
        self._new_while_paused = 0
        self._cache.clear()
        self._update_virtual_size()
        self.set_scroll(0, 0)
        self.refresh()
        self._update_border()

    # -- copy and save -----------------------------------------------------------------------

    def visible_lines(self) -> list[str]:
        """The lines on screen (a wrapped line once, whole), as `plain_lines` gives them."""
        top = int(self.scroll_y)
        height = self.scrollable_content_region.height or self.size.height
        first = self._locate(top)
        if first is None or height <= 0:
            return []
        last = self._locate(top + height - 1) or (len(self._entries) - 1, 0)
        timestamps = self._timestamps
        return [plain_line(entry[_TEXT], entry[_RAW], entry[_TAG], timestamps)
                for entry in self._entries[first[0] : last[0] + 1]]

    def current_match_line(self) -> str | None:
        """The current search match's line as `plain_lines` gives it (None: no match)."""
        index = self._current_index()
        if index is None:
            return None
        entry = self._entries[index]
        return plain_line(entry[_TEXT], entry[_RAW], entry[_TAG], self._timestamps)


    def plain_lines(self) -> list[str]:
        """The lines as saved: with full timestamps when shown, with tags when tagged."""
        timestamps = self._timestamps
        return [
            plain_line(entry[_TEXT], entry[_RAW], entry[_TAG], timestamps)
            for entry in self._entries
        ]

    def save(self, path: str | Path) -> Path:
        """Write the kept lines to `path` (plain text); returns the path."""
        return write_lines(Path(path), self.plain_lines())
