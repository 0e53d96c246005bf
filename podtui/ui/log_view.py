"""A fast, bounded log pane (Textual line API).

`LogView` keeps at most `max_lines` lines and renders only the rows on screen, so a
batch of thousands of lines costs one list extend and one refresh. It follows the end
(auto-scroll) or stays paused where the user is reading, still receiving lines and
counting them ("+N new" in the border) until the bound drops the oldest ones.

Also: timestamps on/off, wrap on/off (character wrap, computed incrementally), search
with highlight and next/previous match, clear, save to a plain-text file, and an
ordered mode for a time-aligned view of several containers (each line tagged).
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from heapq import merge
from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Offset, Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from podtui.cluster.logs import LogLine

DEFAULT_MAX_LINES = 10_000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: Colours for container tags in the time-aligned view (the 16-colour palette).
TAG_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")
TS_WIDTH = 13  # "HH:MM:SS.mmmZ"

# An entry: (ns, raw timestamp, text, tag, display text, display width of the text). A
# plain tuple of strings and ints, which the GC stops tracking: a LogLine (a namedtuple)
# would be scanned by every collection for as long as the pane keeps it.
_Entry = tuple[int | None, str, str, str, str, int]
_NS, _RAW, _TEXT, _TAG, _SHOWN, _WIDTH = range(6)
#: Lines with wide characters, rendered whole to be cut by cells: a screenful or two.
STRIP_CACHE_SIZE = 256


def display_text(text: str) -> str:
    """What a terminal can show of a log line: no escape sequences, no control codes."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\t" in text:
        text = text.expandtabs(8)
    if _CONTROL.search(text):
        text = _CONTROL.sub("\ufffd", text)
    return text


def short_time(ns: int | None) -> str:
    """Epoch nanoseconds -> 'HH:MM:SS.mmmZ' (UTC)."""
    if ns is None:
        return " " * TS_WIDTH
    seconds, nanos = divmod(ns, 1_000_000_000)
    return time.strftime("%H:%M:%S.", time.gmtime(seconds)) + f"{nanos // 1_000_000:03d}Z"


def plain_line(text: str, ts_raw: str = "", tag: str = "", timestamps: bool = False) -> str:
    """A line as saved to a file: `[tag] ` prefix, full RFC 3339 timestamp when wanted."""
    parts = []
    if timestamps and ts_raw:
        parts.append(ts_raw + " ")
    if tag:
        parts.append(f"[{tag}] ")
    parts.append(text)
    return "".join(parts)


def write_lines(path: Path, lines: Iterable[str]) -> Path:
    """Write lines to a plain-text file (one per line); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", errors="replace", newline="\n") as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")
    return path


class LogView(ScrollView, can_focus=True):
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
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom (follow)", show=False),
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
        if self._state:
            title = f"{title} · {self._state}" if title else self._state
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
        self._border = border
        self.border_title = Text(title, style="bold red" if self._state_is_error else "")
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
        self._prune()
        self._update_virtual_size()
        if self._follow:
            self._scroll_to_end()
        # The rows only: the border keeps its rendered lines unless its text changes.
        self.refresh(self.size.region)
        self._update_border()

    def _new_entries(self, lines: Sequence[LogLine], tag: str) -> list[_Entry]:
        texts = [line.text for line in lines]
        joined = " ".join(texts)
        if joined.isascii() and joined.isprintable():
            # The usual batch, checked at once: nothing to clean, a cell per character.
            new = [
                (line.ns, line.ts_raw, text, tag, text, len(text))
                for line, text in zip(lines, texts, strict=True)
            ]
            widest = max(map(len, texts))
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
        self._scroll_update(size)
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

    # -- rendering -----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._base_style = None
        self._part_styles.clear()

    @property
    def _style(self) -> Style:
        style = self._base_style
        if style is None:
            style = self._base_style = self.rich_style
        return style

    def _part_style(self, name: str) -> Style:
        """The base style with a component's on top (cached until the styles change)."""
        style = self._part_styles.get(name)
        if style is None:
            style = self._part_styles[name] = self._style + (
                self.get_component_rich_style(name, partial=True)
            )
        return style

    def _tag_style(self, tag: str) -> Style:
        style = self._tag_styles.get(tag)
        if style is None:
            colour = TAG_COLOURS[len(self._tag_styles) % len(TAG_COLOURS)]
            style = self._tag_styles[tag] = Style(color=colour, bold=True)
        return style

    def _pieces(self, index: int) -> list[tuple[str, Style]]:
        """The (text, style) runs of a line: timestamp, tag, text with its matches."""
        ns, _raw, _text, tag, text, _width = self._entries[index]
        base = self._style
        pieces = []
        if self._timestamps:
            pieces.append((short_time(ns), self._part_style("logview--timestamp")))
            pieces.append((" ", base))
        if tag:
            pieces.append((f"[{tag}] ", base + self._tag_style(tag)))
        start = 0
        if self._term_re is not None:
            current = self._first_seq + index == self._current
            match_style = self._part_style(
                "logview--current-match" if current else "logview--match"
            )
            for found in self._term_re.finditer(text):
                if found.start() > start:
                    pieces.append((text[start : found.start()], base))
                pieces.append((found.group(), match_style))
                start = found.end()
        if start < len(text):
            pieces.append((text[start:] if start else text, base))
        return pieces

    def _full_strip(self, index: int) -> Strip:
        seq = self._first_seq + index
        cached = self._cache.get(seq)
        if cached is None:
            cached = self._cache[seq] = Strip(
                [Segment(text, style) for text, style in self._pieces(index)],
                self._entry_width(self._entries[index]),
            )
        return cached

    def _row(self, index: int, start: int, end: int, width: int) -> Strip:
        """Cells [start, end) of a line, padded to `width`."""
        entry = self._entries[index]
        if not (entry[_SHOWN].isascii() and entry[_TAG].isascii()):
            # Wide characters: let Strip cut by cells (kept: a Strip caches its crops).
            strip = self._full_strip(index).crop(start, end)
            return strip.extend_cell_length(width, self._style).crop(0, width)
        # One character, one cell: slice the runs (no Text, no intermediate strips).
        segments = []
        position = 0
        for text, style in self._pieces(index):
            size = len(text)
            if position + size > start:
                cut = text[max(0, start - position) : end - position]
                if cut:
                    segments.append(Segment(cut, style))
            position += size
            if position >= end:
                break
        used = min(end, max(position, start)) - start
        if used < width:
            segments.append(Segment(" " * (width - used), self._style))
        return Strip(segments, width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # `size` and `scroll_offset` walk up the DOM: once per repaint, not once per row.
        self._view = (self.scroll_offset, self.size.width)
        try:
            return super().render_lines(crop)
        finally:
            self._view = None

    def render_line(self, y: int) -> Strip:
        (scroll_x, scroll_y), width = self._view or (self.scroll_offset, self.size.width)
        located = self._locate(scroll_y + y)
        if located is None:
            return Strip.blank(width, self._style)
        index, segment = located
        if self._wrap:
            start = segment * self._wrap_width
            return self._row(index, start, start + min(self._wrap_width, width), width)
        return self._row(index, scroll_x, scroll_x + width, width)

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

    def toggle_timestamps(self) -> bool:
        self.set_timestamps(not self._timestamps)
        return self._timestamps

    def set_wrap(self, on: bool) -> None:
        if on != self._wrap:
            self._wrap = on
            self.set_class(on, "-wrap")
            if not on:
                self._row_starts.clear()
                self._row_end = 0
            self._relayout()

    def toggle_wrap(self) -> bool:
        self.set_wrap(not self._wrap)
        return self._wrap

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

    def clear_search(self) -> None:
        self.search("")

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
