"""Followed log streams merged in timestamp order through a small, bounded reorder window.

Lines of several containers reach podtui in arrival order, which is not the order they
were written in: the seed pod's busybox tailer prints its copy of a line a few ms after the
Node.js app wrote the original, yet its stream often delivers it first. Each line waits at
most `window` seconds after it arrived. When lines are due, every held line up to the
newest due timestamp goes out, oldest first (so one stream's early lines never wait
behind another's). A line older than what already went out comes out at once: late, never
lost; so do lines without a timestamp.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from podtui.cluster.logs.events import LogBatch, LogStatus
from podtui.cluster.logs.lines import LogLine

#: The CLI's default window (`podtui logs -f --sort-window MS`).
DEFAULT_WINDOW = 0.25


class ReorderWindow:
    def __init__(self, window: float = DEFAULT_WINDOW) -> None:
        self.window = window
        self._held: list[tuple[int, int, str, LogLine]] = []  # heap: (ns, arrival no., ...)
        self._due: deque[tuple[float, int]] = deque()  # per push: (deadline, newest ns)
        self._arrivals = itertools.count()
        self._at_once: list[tuple[str, LogLine]] = []
        self._released_ns: int | None = None  # the newest timestamp let out so far

    def __len__(self) -> int:
        return len(self._held) + len(self._at_once)

    def push(self, container: str, lines: Iterable[LogLine], now: float) -> None:
        newest = None
        for line in lines:
            ns = line.ns
            if ns is None or (self._released_ns is not None and ns <= self._released_ns):
                self._at_once.append((container, line))
                continue
            heapq.heappush(self._held, (ns, next(self._arrivals), container, line))
            newest = ns if newest is None else max(newest, ns)
        if newest is not None:
            self._due.append((now + self.window, newest))

    def wait(self, now: float) -> float | None:
        """Seconds until a line is due (None: nothing held)."""
        if self._at_once:
            return 0.0
        if not self._due:
            return None
        return max(self._due[0][0] - now, 0.0)

    def release(self, now: float) -> list[tuple[str, LogLine]]:
        """The lines to print now, in order."""
        cutoff = None
        while self._due and self._due[0][0] <= now:
            newest = self._due.popleft()[1]
            cutoff = newest if cutoff is None else max(cutoff, newest)
        return self._take(cutoff)

    def flush(self) -> list[tuple[str, LogLine]]:
        """Everything held, in order (the streams ended)."""
        self._due.clear()
        return self._take(None, everything=True)

    def _take(self, cutoff: int | None, everything: bool = False) -> list[tuple[str, LogLine]]:
        out, self._at_once = self._at_once, []
        held = self._held
        while held and (everything or (cutoff is not None and held[0][0] <= cutoff)):
            ns, _, container, line = heapq.heappop(held)
            out.append((container, line))
            self._released_ns = ns if self._released_ns is None else max(self._released_ns, ns)
        return out


def runs(lines: list[tuple[str, LogLine]]) -> Iterator[LogBatch]:
    """(container, line) pairs as batches of consecutive lines of one container."""
    for container, group in itertools.groupby(lines, key=lambda pair: pair[0]):
        yield LogBatch(container, [line for _, line in group])


def merge_live_sorted(events: queue.Queue, count: int, window: float = DEFAULT_WINDOW,
                      clock: Callable[[], float] = time.monotonic
                      ) -> Iterator[LogBatch | LogStatus]:
    """`merge._merge_live` through a ReorderWindow: the followers' events in, batches in
    timestamp order (and the statuses worth telling) out, until every stream has ended."""
    held = ReorderWindow(window)
    finished = 0
    while finished < count:
        try:
            event = events.get(timeout=held.wait(clock()))
        except queue.Empty:
            event = None
        if isinstance(event, LogBatch):
            held.push(event.container, event.lines, clock())
        elif event is not None:
            if event.final:
                finished += 1
            if event.worth_telling:
                yield from runs(held.flush())  # the lines before the status that followed
                yield event
        yield from runs(held.release(clock()))
    yield from runs(held.flush())
