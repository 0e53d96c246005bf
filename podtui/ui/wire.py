"""What reaches the terminal: only the cells that changed.

Textual repaints a dirty region by writing each of its lines from the left edge of the
widget up to the region's right edge (textual 8: `ChopsUpdate.render_segments`, "TODO:
crop to x extents"). A one-cell change at the right of a row sends the whole row before
it. Over SSH every byte crosses the link: the pod list's ages tick every second, so a
tick would resend every name. `install()` crops the start too.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate
from textual.strip import Strip


def _crop_start(strip: Strip, x: int, x1: int) -> tuple[int, Strip]:
    """`strip` (drawn at column `x`) from column `x1` on, or from the start of the segment
    holding `x1` when cutting there could split a wide character."""
    offset = 0
    for segment in strip:
        width = cell_len(segment.text)
        if x + offset + width > x1:
            narrow = width == len(segment.text)
            start = x1 - x if narrow else offset
            return x + start, strip.crop(start, strip.cell_length)
        offset += width
    return x + strip.cell_length, Strip([])


def render_segments(self: ChopsUpdate, console: Console) -> str:
    """ChopsUpdate.render_segments, with each chop cropped to the span [x1, x2)."""
    sequences: list[str] = []
    append = sequences.append
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            if end > x2:
                strip = strip.crop(0, x2 - x)
            if x < x1:
                x, strip = _crop_start(strip, x, x1)
                if not strip.cell_length:
                    continue
            append(Control.move_to(x, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> None:
    ChopsUpdate.render_segments = render_segments
