"""A pod's events, live: a watcher thread keeps them, the UI takes them when told.

The same shape as `PodFeed`: `start()`, `stop()`, `on_change` called in the watcher's
thread when the first change since the last `take()` arrives, and `take()` on the UI's
event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from podtui.anatomy import Event, event_from_json
from podtui.anatomy.refs import uid_of
from podtui.cluster.connection import Connection
from podtui.cluster.pods import Change, Page, PodWatcher, Status, WatchEvent


def events_selector(name: str, uid: str) -> str:
    """This pod's events only: a pod recreated under the same name has a new UID, and its
    predecessors' events stay for an hour (kubectl describe matches the UID too)."""
    selector = f"involvedObject.name={name},involvedObject.kind=Pod"
    return f"{selector},involvedObject.uid={uid}" if uid else selector


class EventFeed:
    def __init__(self, conn: Connection, namespace: str, pod: str, uid: str = "") -> None:
        self.lock = threading.Lock()
        self._events: dict[str, Event] = {}
        self._changed = False
        self._watcher = PodWatcher(
            conn, namespace, self._on_event, resource="events",
            field_selector=events_selector(pod, uid),
        )
        #: Called in the watcher's thread when the first change since the last take() arrives.
        self.on_change: Callable[[], None] | None = None

    def start(self) -> None:
        threading.Thread(target=self._watcher.run, name="pod-events", daemon=True).start()

    def stop(self) -> None:
        self._watcher.stop()

    def _on_event(self, event: WatchEvent) -> None:
        # Runs in the watcher thread: keep it to dictionary updates.
        with self.lock:
            if isinstance(event, Page):
                if event.first:
                    self._events.clear()
                for item in event.pods:
                    self._events[uid_of(item)] = event_from_json(item)
            elif isinstance(event, Change):
                uid = uid_of(event.pod)
                if event.kind == "DELETED":
                    self._events.pop(uid, None)
                else:
                    self._events[uid] = event_from_json(event.pod)
            elif isinstance(event, Status):
                return
            first, self._changed = not self._changed, True
        if first and self.on_change is not None:
            self.on_change()

    def take(self) -> dict[str, Event] | None:
        """The events by uid (a copy) when they changed since the last call, else None."""
        with self.lock:
            if not self._changed:
                return None
            self._changed = False
            return dict(self._events)
