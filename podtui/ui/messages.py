"""The typed messages background work posts to the screens (Textual's post_message is
thread-safe), and `Throttle`, which turns a burst of wake-ups into one update.

Every background source has one shape: it runs in its own thread (or a Textual worker),
`start()`s and `stop()`s with the screen that owns it, and reports by posting one of
these; the screen then takes what waits, on its event loop. The messages of one sender
alone are declared beside it (ui/inside: InsideAccessChecked, DebugContainerReady).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message import Message
from textual.message_pump import MessagePump


class FeedChanged(Message):
    """Changes wait in the pod feed (posted from the watcher's thread)."""

    bubble = False  # for this screen only


class EventsChanged(Message):
    """The pod's events changed (posted from the event watcher's thread)."""

    bubble = False  # for this screen only


class LogsWaiting(Message):
    """Log lines or statuses wait in the logs screen's inbox (from a follower's thread)."""

    bubble = False  # for this screen only


class PodsChanged(Message):
    """The pod list took these pods' changes from the feed (added, changed or removed);
    sent to the screens above it, e.g. a pod's detail."""

    bubble = False

    def __init__(self, uids: frozenset[str]) -> None:
        super().__init__()
        self.uids = uids


class AccessChecked(Message):
    """What the user may do here (SelfSubjectAccessReviews), from the access worker."""

    def __init__(self, allowed: dict[str, bool]) -> None:
        super().__init__()
        self.allowed = allowed


class ServerVersionKnown(Message):
    """The API server's version was asked (Connection.server_version is set), from the
    version worker: the status bar shows it."""


class Said(Message):
    """One line for the status line, from a thread of background work (ui/inside)."""

    def __init__(self, text: str, error: bool = True) -> None:
        super().__init__()
        self.text = text
        self.error = error


class Throttle:
    """Runs `run` when woken, at most once per `gap` seconds: a burst of wake-ups becomes
    one update, a flood one update per gap. `run` calls `ran()` (direct calls count too)."""

    def __init__(self, owner: MessagePump, run: Callable[[], None], gap: float) -> None:
        self._owner = owner
        self._run = run
        self.gap = gap
        self._last = 0.0
        self._timer_set = False

    def ran(self) -> None:
        self._last = time.monotonic()

    def wake(self) -> None:
        wait = self._last + self.gap - time.monotonic()
        if wait <= 0:
            self._run()
        elif not self._timer_set:
            self._timer_set = True
            self._owner.set_timer(wait, self._timed)

    def _timed(self) -> None:
        self._timer_set = False
        self._run()


class UsageChanged(Message):
    """New resource usage (or the metrics API's absence) waits in a UsageFeed."""

    bubble = False  # for this screen only
