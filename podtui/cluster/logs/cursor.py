"""Resume a dropped stream without a gap or a duplicate (see the package's docstring)."""

from __future__ import annotations

from podtui.cluster.logs.lines import format_since_time


class ResumeCursor:
    """Remembers how far a stream got, and filters the replay after a reconnect.

    The position is the newest timestamp delivered and how many lines carried exactly
    that timestamp. After `begin_resume()`, `admit()` drops lines older than the position
    and the first `count` lines at it; the first line that gets through ends the catch-up,
    and from then on every line is admitted (and recorded).
    """

    __slots__ = ("last_ns", "last_raw", "count", "_catching_up", "_skip", "min_ns")

    def __init__(self, min_ns: int | None = None) -> None:
        self.last_ns: int | None = None
        self.last_raw = ""
        self.count = 0
        self._catching_up = False
        self._skip = 0
        #: Lines older than this are never admitted (a --since finer than one second).
        self.min_ns = min_ns

    @property
    def has_position(self) -> bool:
        return self.last_ns is not None

    def since_time(self) -> str | None:
        return None if self.last_ns is None else format_since_time(self.last_ns)

    def begin_resume(self) -> None:
        if self.last_ns is not None:
            self._catching_up = True
            self._skip = self.count

    def admit(self, ns: int | None, raw: str = "") -> bool:
        """Whether a line is new; records it when it is."""
        if self.min_ns is not None and ns is not None and ns < self.min_ns:
            return False
        if self._catching_up:
            last = self.last_ns
            if ns is None or last is None or ns < last:
                return False
            if ns == last and self._skip > 0:
                self._skip -= 1
                return False
            self._catching_up = False
        if ns is not None:
            if self.last_ns is None or ns > self.last_ns:
                self.last_ns = ns
                self.last_raw = raw
                self.count = 1
            elif ns == self.last_ns:
                self.count += 1
        return True
