"""Give the memory a finished list freed back to the system.

A list arrives in pages of megabytes, decoded in the watcher's threads. glibc keeps what
those threads freed in their own arenas (and, once a big buffer was freed, serves the next
ones from the heap rather than from mmap), so without a trim the process keeps the size of
its largest pages for as long as it runs. One `malloc_trim(0)` after the list returns the
free pages of every arena; it costs a few milliseconds, and ctypes drops the GIL for it.
Elsewhere than glibc (musl, macOS) there is no such call and nothing to do."""

from __future__ import annotations

import functools
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    import ctypes  # only once a list is in: not on the way to the first frame

    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


def give_back() -> bool:
    """Return freed heap pages to the system; False where the C library cannot."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
