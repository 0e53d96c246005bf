"""Batching between a follower's reader thread and its consumer."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from podtui.cluster.logs.events import LogBatch, LogEvent, LogStatus
from podtui.cluster.logs.lines import LogLine


class Outbox:
    """Collects lines and statuses from the reader thread; a second thread delivers them,
    lines in batches (after `interval` seconds or `max_batch` lines), in order."""

    def __init__(self, container: str, deliver: Callable[[LogEvent], None],
                 interval: float, max_batch: int) -> None:
        self.container = container
        self._deliver = deliver
        self._interval = interval
        self._max = max_batch
        self._cond = threading.Condition()
        self._ready: list[LogEvent] = []
        self._lines: list[LogLine] = []
        self._first_at = 0.0
        self._closed = False

    def lines(self, lines: list[LogLine]) -> None:
        if not lines:
            return
        with self._cond:
            if not self._lines:
                self._first_at = time.monotonic()
                self._cond.notify()
            self._lines.extend(lines)
            if len(self._lines) >= self._max:
                self._cond.notify()

    def status(self, status: LogStatus) -> None:
        with self._cond:
            self._move_lines()
            self._ready.append(status)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _move_lines(self) -> None:
        if self._lines:
            self._ready.append(LogBatch(self.container, self._lines))
            self._lines = []

    def run(self) -> None:
        while True:
            with self._cond:
                while not self._ready:
                    if self._lines:
                        wait = self._first_at + self._interval - time.monotonic()
                        if wait <= 0 or len(self._lines) >= self._max or self._closed:
                            self._move_lines()
                            break
                        self._cond.wait(wait)
                    elif self._closed:
                        return
                    else:
                        self._cond.wait()
                ready, self._ready = self._ready, []
            for event in ready:
                try:
                    self._deliver(event)
                except Exception:  # noqa: BLE001 - reported below, the stream goes on
                    # A consumer's bug is reported where any thread's uncaught exception
                    # goes (the app's crash report, else stderr), not swallowed; the
                    # events after it are still delivered, in order.
                    threading.excepthook(threading.ExceptHookArgs(
                        (*sys.exc_info(), threading.current_thread())))
