"""Painting a log pane: a visible row as one Strip (timestamp, tag, text, matches),
sliced straight from the line's runs. A part of `LogView`, whose state it reads."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from podtui.ui.widgets.log_view.text import _SHOWN, _TAG, TAG_COLOURS, short_time


class PaintMixin:
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
            padding = " " * (width - used)
            base = self._style
            if segments and segments[-1].style is base:
                # One run for the text and its padding: each run costs its style's escape
                # sequence and a reset on the terminal (~30 bytes with 256 colours).
                segments[-1] = Segment(segments[-1].text + padding, base)
            else:
                segments.append(Segment(padding, base))
        return Strip(segments, width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # `size` and `scroll_offset` walk up the DOM: once per repaint, not once per row.
        self._view = (self.scroll_offset, self.size.width)
        self._recording = True  # the rows rendered now are the ones the terminal gets
        try:
            return super().render_lines(crop)
        finally:
            self._view = None
            self._recording = False

    def render_line(self, y: int) -> Strip:
        strip = self._render_row(y)
        if self._recording:
            self._record_painted(y, strip)
        return strip

    def _render_row(self, y: int) -> Strip:
        (scroll_x, scroll_y), width = self._view or (self.scroll_offset, self.size.width)
        located = self._locate(scroll_y + y)
        if located is None:
            return Strip.blank(width, self._style)
        index, segment = located
        if self._wrap:
            start = segment * self._wrap_width
            return self._row(index, start, start + min(self._wrap_width, width), width)
        return self._row(index, scroll_x, scroll_x + width, width)
