"""cluster.memory.give_back: what a thread freed goes back to the system (glibc)."""

from __future__ import annotations

import threading

from podtui.cluster.memory import give_back

MB = 1 << 20


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_pages_freed_by_a_thread_are_returned():
    # What a list does: a thread decodes megabyte pages and keeps small pieces of each
    # (the pods' bytes), then frees the pages. The pieces, between the freed pages, keep
    # glibc from shrinking its heap on its own.
    kept: list[bytearray] = []

    def pages() -> None:
        first = bytearray(8 * MB)  # freed, it makes glibc serve the next ones from its heap
        del first
        held = []
        for _ in range(64):
            page = bytearray(MB)
            page[::4096] = b"x" * len(page[::4096])  # touched: resident
            held.append(page)
            kept.append(bytearray(2048))
        del held, page

    thread = threading.Thread(target=pages)
    thread.start()
    thread.join()
    before = _rss_kb()
    assert give_back() is True
    returned_mb = (before - _rss_kb()) / 1024
    assert returned_mb >= 48, f"only {returned_mb:.1f} MB of 64 freed returned"
