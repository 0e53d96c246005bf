"""`Throttle`: a burst of wake-ups becomes one update, a flood one update per gap. The
screens fed by background work (the pod list, the logs, the action panes) take what waits
through one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic

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
        self._last = monotonic()
        self._not_before = 0.0

    def hold(self, seconds: float) -> None:
        """Keep the next run from starting for `seconds` (a key's frame goes first). Once
        between two runs, so that keys in a row delay an update by `seconds` at most."""
        if not self._not_before:
            self._not_before = monotonic() + seconds

    def wake(self) -> None:
        wait = max(self._last + self.gap, self._not_before) - monotonic()
        if wait <= 0:
            self._run()
        elif not self._timer_set:
            self._timer_set = True
            self._arm(wait)

    def _arm(self, wait: float) -> None:
        # Not Textual's set_timer: a one-shot Timer whose task finds itself past its time
        # (a short wait, or the loop or the GIL busy for a moment) skips its only tick, and
        # a throttle whose timer never fires would never run again (the sources wake it once
        # per take). The owner's queue still runs `_timed`, as it would a timer's callback.
        asyncio.get_running_loop().call_later(wait, self._owner.call_later, self._timed)

    def _timed(self) -> None:
        self._timer_set = False
        self.wake()  # a hold since the timer was set moves the run later
