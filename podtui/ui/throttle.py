"""`Throttle`: a burst of wake-ups becomes one update, a flood one update per gap. The
screens fed by background work (the pod list, the logs, the action panes) take what waits
through one."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump


class Throttle:
    """Runs `run` when woken, at most once per `gap` seconds: a burst of wake-ups becomes
    one update, a flood one update per gap. `run` calls `ran()` (direct calls count too)."""

    def __init__(self, owner: MessagePump, run: Callable[[], None], gap: float) -> None:
        self._owner = owner
        self._run = run
        self.gap = gap
        self._last = 0.0
        self._not_before = 0.0  # set by hold(), until the next run
        self._timer_set = False

    def ran(self) -> None:
        self._last = time.monotonic()
        self._not_before = 0.0

    def hold(self, seconds: float) -> None:
        """Keep the next run from starting for `seconds` (a key's frame goes first). Once
        between two runs, so that keys in a row delay an update by `seconds` at most."""
        if not self._not_before:
            self._not_before = time.monotonic() + seconds

    def wake(self) -> None:
        wait = max(self._last + self.gap, self._not_before) - time.monotonic()
        if wait <= 0:
            self._run()
        elif not self._timer_set:
            self._timer_set = True
            self._owner.set_timer(wait, self._timed)

    def _timed(self) -> None:
        self._timer_set = False
        self.wake()  # a hold since the timer was set moves the run later
