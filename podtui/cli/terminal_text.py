"""Cluster text on the user's terminal, outside the TUI.

A container's output, a server's error message or a webhook's warning is anyone's text: a
log line holding `ESC ] 52 ; c ; ... BEL` would set the user's clipboard, `ESC ] 0 ;` the
window title, `ESC [ 2 J` clear the screen (CVE-2021-25743 is this class of flaw in
kubectl). On a terminal every control character is shown as a C escape (`\\x1b`, `\\r`), as
journalctl shows them, so the line keeps its text and the terminal obeys none of it.
Piped, the bytes go out as they came: a file or a grep gets what the container wrote.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

# Tab and newline only move the cursor forward; everything else of C0, DEL and C1 can
# start a sequence, move back over text already shown or ring the bell. C1 is included
# because some terminals obey U+009B as CSI. A backslash is left alone: doubling it would
# change the text of every Windows path for no gain, an escape sequence being the danger.
_NAMED = {0x07: "\\a", 0x08: "\\b", 0x0B: "\\v", 0x0C: "\\f", 0x0D: "\\r"}
_VISIBLE = {c: _NAMED.get(c, f"\\x{c:02x}")
            for c in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def one_line(text: str) -> str:
    """A message (an error with a YAML excerpt, a server's multi-line answer) on one line:
    every run of whitespace, newlines included, one space."""
    return " ".join(text.split())


def visible(text: str) -> str:
    """`text` with its control characters (tab and newline aside) written out."""
    return text.translate(_VISIBLE)


class VisibleStream:
    """A text stream that writes `visible(text)` to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(visible(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def guard(stream: TextIO, raw: bool = False) -> TextIO:
    """`stream` itself when piped or `raw`, else a VisibleStream over it."""
    if raw or isinstance(stream, VisibleStream) or not is_terminal(stream):
        return stream
    return VisibleStream(stream)  # type: ignore[return-value]


@contextlib.contextmanager
def guarded_std(raw: bool = False) -> Iterator[None]:
    """sys.stdout and sys.stderr guarded while the block runs (a subcommand's prints)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = guard(sys.stdout, raw), guard(sys.stderr, raw)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
