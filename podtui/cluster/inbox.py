"""Items handed from background threads to the UI's event loop, in order.

`put()` from any thread; the first put since the last `take()` calls `on_change` (in the
putting thread), so the UI is woken once per batch however many items follow, and takes
them all at once. PodFeed and EventFeed keep state instead of items but wake the same way.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Inbox(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[T] = deque()
        self._waiting = False
        #: Called in the putting thread when the first item since the last take() arrives.
        self.on_change: Callable[[], None] | None = None

    def put(self, item: T) -> None:
        with self._lock:
            self._items.append(item)
            first, self._waiting = not self._waiting, True
        if first and self.on_change is not None:
            self.on_change()

    def take(self) -> list[T]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
            self._waiting = False
        return items
