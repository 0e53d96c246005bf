"""A live pod feed: a watcher thread applying events to a cache, read in batches.

JSON decoding and summarising happen in the watcher's thread, never on the UI's
event loop; `on_change` tells the UI when changes wait, it calls `take()` and redraws
only what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import orjson

from podtui.anatomy import PodSummary
from podtui.cluster.connection import Connection
from podtui.cluster.pod_cache import Delta, PodCache
from podtui.cluster.pods import PodWatcher, Status, WatchEvent


class PodFeed:
    def __init__(self, conn: Connection, namespace: str | None) -> None:
        self.conn = conn
        self.namespace = namespace  # None = all namespaces
        self.cache = PodCache()
        self.lock = threading.Lock()
        self.status = Status("connecting", conn.server)
        self._pending = Delta()
        self._status_changed = True
        self._watcher = PodWatcher(conn, namespace, self._on_event, row_fields=True)
        self._thread: threading.Thread | None = None
        #: Called in the watcher's thread when the first change since the last take()
        #: arrives: one call per batch, however many events follow before the take().
        self.on_change: Callable[[], None] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watcher.run, name="pod-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._watcher.stop()

    def _on_event(self, event: WatchEvent) -> None:
        if self._watcher.stopped and not isinstance(event, Status):
            return
        with self.lock:
            first = not self._pending and not self._status_changed
            if isinstance(event, Status):
                self.status = event
                self._status_changed = True
            else:
                delta = self.cache.apply((event,))
                self._pending.upserted -= delta.removed
                self._pending.removed -= delta.upserted
                self._pending.upserted |= delta.upserted
                self._pending.removed |= delta.removed
        if first and self.on_change is not None:
            self.on_change()

    def take(self) -> tuple[Delta | None, dict[str, PodSummary], Status | None]:
        """What changed since the last call, a snapshot of the rows (a shallow copy, so the
        UI never iterates a dict this thread mutates) and the status; None for no change."""
        with self.lock:
            delta = self._pending if self._pending else None
            rows = dict(self.cache.summaries) if delta else {}
            status = self.status if self._status_changed else None
            self._pending = Delta()
            self._status_changed = False
            return delta, rows, status

    def pod(self, uid: str) -> dict | None:
        """The pod's JSON (a fresh dict, decoded outside the lock)."""
        with self.lock:
            data = self.cache.pods.get(uid)
        return None if data is None else orjson.loads(data)
