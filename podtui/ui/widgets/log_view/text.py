"""A log line as a terminal shows it and as a file keeps it, and the pane's entry tuple."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

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


#: The printable ASCII characters: a text made of them alone is shown as it is.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def plain_ascii(text: str) -> bool:
    """Whether every character of `text` is printable ASCII (one cell each, nothing to
    clean). For a flood's batch joined into one string: ~6x faster than `isprintable`."""
    return text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_ASCII)


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
    """Write lines to a new plain-text file (one per line), readable by its owner only:
    logs can hold what others must not read. An existing file raises FileExistsError
    (created exclusively: no race with another writer). Returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8", errors="replace", newline="\n") as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")
    return path
