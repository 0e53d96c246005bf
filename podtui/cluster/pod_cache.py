"""The pods we know of, kept current from the watcher's events.

Applying a batch returns what changed, so a view updates only those rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

from podtui.anatomy import PodSummary, summarize
from podtui.anatomy.refs import pod_ref
from podtui.cluster.pods import Change, Page, WatchEvent


@dataclass
class Delta:
    upserted: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.upserted or self.removed)


def _uid(pod: dict) -> str:
    ref = pod_ref(pod)
    return ref.uid or f"{ref.namespace}/{ref.name}"


class PodCache:
    def __init__(self) -> None:
        #: Each pod as compact JSON, decoded on demand (PodFeed.pod): 10,000 pods as dicts cost
        #: ~200 MB and a heap the GC keeps scanning; as bytes ~40 MB (bench/RESULTS.md).
        self.pods: dict[str, bytes] = {}
        self.summaries: dict[str, PodSummary] = {}
        self._snapshot: set[str] | None = None  # uids seen by a (re-)list in progress
        self.synced = False  # the first full list has arrived

    def apply(self, events: Iterable[WatchEvent]) -> Delta:
        delta = Delta()
        for event in events:
            if isinstance(event, Page):
                if event.first:
                    self._snapshot = set()
                for index, pod in enumerate(event.pods):
                    uid = self._put(pod, event.raw[index] if event.raw is not None else None)
                    delta.upserted.add(uid)
                    if self._snapshot is not None:
                        self._snapshot.add(uid)
                if event.last and self._snapshot is not None:
                    # Pods that vanished while we were not watching (re-list after 410).
                    for uid in set(self.pods) - self._snapshot:
                        self._drop(uid, delta)
                    self._snapshot = None
                    self.synced = True
            elif isinstance(event, Change):
                if event.kind == "DELETED":
                    self._drop(_uid(event.pod), delta)
                else:
                    uid = self._put(event.pod)
                    delta.upserted.add(uid)
                    delta.removed.discard(uid)
                    if self._snapshot is not None:
                        self._snapshot.add(uid)
        return delta

    def _put(self, pod: dict, raw: bytes | None = None) -> str:
        """`pod` decoded, or (a list's page) only its row fields with its JSON in `raw`."""
        summary = summarize(pod)
        uid = summary.uid or _uid(pod)
        # A copy of exactly its size: orjson's bytes keep the capacity it grew while writing
        # (~8 KB for a pod of 3.7 KB), which was half the RSS of 50,000 cached pods.
        self.pods[uid] = raw if raw is not None else bytes(memoryview(orjson.dumps(pod)))
        self.summaries[uid] = summary
        return uid

    def _drop(self, uid: str, delta: Delta) -> None:
        if self.pods.pop(uid, None) is not None:
            self.summaries.pop(uid, None)
            delta.removed.add(uid)
            delta.upserted.discard(uid)
