"""Screen output that writes only the cells that changed, as tcell (k9s's) does.

Textual writes a partial update as whole runs: every dirty row from its widget's left
edge, each style run as `SGR text reset`. A followed log pane scrolls by a row per new
line, so every row of it is dirty although a log line often shares a prefix, a column
layout or its blank end with the line that was on that row before. Over SSH those bytes
cross the link. `QuietCompositor` keeps what the terminal shows, cell by cell, as this
screen's own writes left it, and turns Textual's partial updates into writes of the
changed cells only (a cursor move over unchanged ones, a style code only when the style
changes). Full updates (resize, resume) are written whole and start the record afresh;
a screen forgets it when another screen covers it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate, LayoutUpdate
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip

#: A gap of unchanged cells this short, in the current style, is rewritten rather than
#: skipped: a cursor move costs 6-8 bytes.
_SHORT_GAP = 5


class Cells:
    """What the terminal shows: per row, each cell's character and style (None: unknown)."""

    def __init__(self) -> None:
        self.size = Size(0, 0)
        self.chars: list[list[str | None]] = []
        self.styles: list[list[Style | None]] = []

    def forget(self, size: Size | None = None) -> None:
        self.size = size or self.size
        width, height = self.size
        self.chars = [[None] * width for _ in range(height)]
        self.styles = [[None] * width for _ in range(height)]

    def record(self, y: int, x: int, strip: Strip, limit: int) -> None:
        """`strip` was written at (x, y), up to cell `limit`."""
        if y >= len(self.chars):
            return
        chars, styles = self.chars[y], self.styles[y]
        limit = min(limit, len(chars))
        if not _one_cell_each(strip):
            chars[x:limit] = [None] * max(0, limit - x)
            return
        for segment in strip:
            if x >= limit:
                break
            text = segment.text[: limit - x]
            size = len(text)
            chars[x : x + size] = text
            styles[x : x + size] = [segment.style] * size
            x += size


def _one_cell_each(strip: Strip) -> bool:
    text = strip.text
    return text.isascii() or cell_len(text) == len(text)


class _Writer:
    """Escape sequences for the changed cells of one update."""

    def __init__(self, cells: Cells, console: Console) -> None:
        self.cells = cells
        self.console = console
        self.color_system = console._color_system or ColorSystem.TRUECOLOR
        self.out: list[str] = []
        self.current = ""  # the SGR parameters in force on the terminal ("": reset)
        self.codes: dict[Style, str] = {}

    def codes_of(self, style: Style | None) -> str:
        """The SGR parameters of `style` (two styles that render alike are alike here)."""
        if style is None:
            return ""
        codes = self.codes.get(style)
        if codes is None:
            codes = self.codes[style] = Strip.render_ansi(style, self.color_system)
        return codes

    def _set_style(self, style: Style | None) -> None:
        codes = self.codes_of(style)
        if codes == self.current:
            return
        self.out.append(f"\x1b[0;{codes}m" if codes else "\x1b[0m")
        self.current = codes

    def _same(self, old: Style | None, new: Style | None) -> bool:
        return old is new or (old is not None and self.codes_of(old) == self.codes_of(new))

    def whole(self, y: int, x: int, strip: Strip, limit: int) -> None:
        """Write as Textual does (wide characters, links): these cells are then known."""
        self._set_style(None)
        self.out.append(f"\x1b[{y + 1};{x + 1}H")
        self.out.append(strip.crop(0, limit - x).render(self.console))
        self.cells.record(y, x, strip, limit)

    def changed(self, y: int, x: int, strip: Strip, limit: int) -> None:
        """Write the cells of `strip` at (x, y) up to `limit` that differ from the record."""
        if y >= len(self.cells.chars) or not _one_cell_each(strip) or any(
            segment.style is not None and segment.style._link for segment in strip
        ):
            self.whole(y, x, strip, limit)
            return
        chars, styles = self.cells.chars[y], self.cells.styles[y]
        limit = min(limit, len(chars))
        out = self.out
        cursor = None  # the terminal cursor's column on this row, if known
        for segment in strip:
            if x >= limit:
                break
            text, style = segment.text[: limit - x], segment.style
            size = len(text)
            end = x + size
            # The usual case for a long run: nothing changed in it.
            same = self._same
            if "".join(c or "\0" for c in chars[x:end]) == text and all(
                same(s, style) for s in styles[x:end]
            ):
                x = end
                continue
            for i, char in enumerate(text):
                column = x + i
                old_style = styles[column]
                if chars[column] == char and same(old_style, style):
                    continue
                if cursor != column:
                    gap = column - cursor if cursor is not None else _SHORT_GAP + 1
                    current = self.current
                    if 0 < gap <= _SHORT_GAP and all(
                        self.codes_of(s) == current for s in styles[cursor:column]
                    ) and None not in chars[cursor:column]:
                        out.append("".join(chars[cursor:column]))  # cheaper than a move
                    else:
                        out.append(f"\x1b[{y + 1};{column + 1}H")
                self._set_style(style)
                out.append(char)
                chars[column] = char
                styles[column] = style
                cursor = column + 1
            x = end

    def finish(self) -> str:
        self._set_style(None)
        return "".join(self.out)


class _Wrapped(CompositorUpdate):
    """One of Textual's updates, written through the record of the terminal's cells."""

    def __init__(self, update: CompositorUpdate, cells: Cells) -> None:
        self.update = update
        self.cells = cells

    def __rich_console__(self, console, options):
        return self.update.__rich_console__(console, options)


class _QuietChops(_Wrapped):
    """Textual's partial update, written as the changed cells only."""

    def render_segments(self, console: Console) -> str:
        update = self.update
        writer = _Writer(self.cells, console)
        pieces = []
        for y, x1, x2 in update.spans:  # the walk of ChopsUpdate.render_segments
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(),
                                       strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                pieces.append((x, y, strip, min(end, x2)))
        # Widget by widget (a chop's column), not row by row: side-by-side panes differ in
        # style (the focused one is tinted), and each switch costs a style code (~40
        # bytes in true colour). Cursor moves are absolute: the order changes nothing else.
        pieces.sort(key=lambda piece: (piece[0], piece[1]))
        for x, y, strip, limit in pieces:
            writer.changed(y, x, strip, limit)
        return writer.finish()


class _RecordedLayout(_Wrapped):
    """Textual's full update, written whole; what it writes becomes the record."""

    def render_segments(self, console: Console) -> str:
        update = self.update
        self.cells.forget()
        for y, line in enumerate(update.strips, update.region.y):
            x = update.region.x
            for strip in line:
                self.cells.record(y, x, strip, x + strip.cell_length)
                x += strip.cell_length
        return update.render_segments(console)


class QuietCompositor(Compositor):
    """A screen's compositor whose updates write only the cells that changed."""

    def __init__(self) -> None:
        super().__init__()
        self.cells = Cells()

    def forget(self) -> None:
        """The terminal was drawn by someone else (another screen): trust no cell."""
        self.cells.forget()

    def render_update(self, full: bool = False, screen_stack=None, simplify: bool = False):
        update = super().render_update(full=full, screen_stack=screen_stack, simplify=simplify)
        if self.cells.size != self.size:
            self.cells.forget(self.size)
        if isinstance(update, ChopsUpdate):
            return _QuietChops(update, self.cells)
        if isinstance(update, LayoutUpdate):
            return _RecordedLayout(update, self.cells)
        return update


class QuietScreen(Screen):
    """A screen that writes only the cells that changed (see the module's doc)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._compositor = QuietCompositor()  # Screen's own, with quiet updates

    def on_screen_suspend(self) -> None:
        self._compositor.forget()  # another screen draws over this one's cells
