"""Text that wraps after `/` as well as at spaces: a long path breaks between its parts
(`/var/run/secrets/` `kubernetes.io/serviceaccount`), not in the middle of a name."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

#: A run ending in slashes, a word with its trailing spaces, or spaces.
_TOKEN = re.compile(r"[^\s/]*/+|[^\s/]+\s*|\s+")


def _tokens(line: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(line))


class PathWrap:
    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.text.plain.split("\n")
        shortest = max((cell_len(m.group().rstrip()) for line in lines for m in _tokens(line)),
                       default=1)
        longest = max((cell_len(line) for line in lines), default=1)
        return Measurement(shortest, longest).clamp(max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.text.split("\n"):
            breaks: list[int] = []
            column = 0
            for match in _tokens(line.plain):
                if column and column + cell_len(match.group().rstrip()) > width:
                    breaks.append(match.start())
                    column = 0
                column += cell_len(match.group())
            for part in line.divide(breaks):
                part.rstrip()
                part.overflow = "fold"  # one name longer than the column: cut it after all
                yield part
