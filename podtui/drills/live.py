"""The objects a drill's checks read, kept current by one watch per kind (no polling):
a change made in another terminal reaches `on_change` as soon as the API server sends it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from podtui.cluster.connection import Connection
from podtui.cluster.pods import Change, Page, PodWatcher, Status, WatchEvent
from podtui.drills.checks import Snapshot, sanitize

#: check object kind -> the watched resource (PodWatcher's path form)
RESOURCES = {"pod": "pods", "configmap": "configmaps", "service": "services",
             "job": "apis/batch/v1/jobs", "event": "events",
             "deployment": "apis/apps/v1/deployments", "replicaset": "apis/apps/v1/replicasets",
             "cronjob": "apis/batch/v1/cronjobs", "secret": "secrets",
             "pvc": "persistentvolumeclaims",
             "endpointslice": "apis/discovery.k8s.io/v1/endpointslices"}


class LiveObjects:
    def __init__(self, conn: Connection, namespace: str,
                 on_change: Callable[[], None],
                 on_status: Callable[[str, Status], None] | None = None) -> None:
        self.namespace = namespace
        self.on_change = on_change
        self.on_status = on_status
        self._lock = threading.Lock()
        self._objects: Snapshot = {kind: {} for kind in RESOURCES}
        self._pending: dict[str, dict[str, dict]] = {}  # a re-list in progress, per kind
        self._listed: set[str] = set()  # kinds whose first list is complete
        self._watchers = {kind: PodWatcher(conn, namespace, self._emitter(kind), resource)
                          for kind, resource in RESOURCES.items()}

    def start(self) -> None:
        for kind, watcher in self._watchers.items():
            threading.Thread(target=watcher.run, name=f"drill-watch-{kind}", daemon=True).start()

    def stop(self) -> None:
        for watcher in self._watchers.values():
            watcher.stop()

    @property
    def ready(self) -> bool:
        """Every kind has been listed once: before that, a missing object may only be
        not listed yet (and an `exists: false` check would pass too early)."""
        with self._lock:
            return len(self._listed) == len(RESOURCES)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return {kind: dict(items) for kind, items in self._objects.items()}

    def _emitter(self, kind: str) -> Callable[[WatchEvent], None]:
        def emit(event: WatchEvent) -> None:
            changed = False
            with self._lock:
                if isinstance(event, Page):
                    pending = {} if event.first else self._pending.get(kind, {})
                    for obj in event.pods:
                        pending[(obj.get("metadata") or {}).get("name", "")] = sanitize(
                            kind, obj)
                    if event.last:
                        self._objects[kind] = pending
                        self._pending.pop(kind, None)
                        self._listed.add(kind)
                        changed = True
                    else:
                        self._pending[kind] = pending
                elif isinstance(event, Change):
                    name = (event.pod.get("metadata") or {}).get("name", "")
                    if event.kind == "DELETED":
                        self._objects[kind].pop(name, None)
                    else:
                        self._objects[kind][name] = sanitize(kind, event.pod)
                    changed = True
            if changed:
                self.on_change()
            elif isinstance(event, Status) and self.on_status is not None:
                self.on_status(kind, event)
        return emit
