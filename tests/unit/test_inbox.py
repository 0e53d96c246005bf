"""The hand-over from follower threads to the UI: every item once, in order, and one
wake-up per batch however many items follow."""

from __future__ import annotations

import threading

from podtui.cluster.inbox import Inbox


def test_items_from_threads_arrive_once_in_order_with_one_wake_up_per_batch():
    inbox: Inbox[tuple[int, int]] = Inbox()
    wakes = []
    inbox.on_change = lambda: wakes.append(1)
    inbox.put((0, 0))
    inbox.put((0, 1))
    assert len(wakes) == 1  # the second put finds the UI already woken
    taken = inbox.take()
    assert taken == [(0, 0), (0, 1)] and inbox.take() == []

    def writer(n: int) -> None:
        for i in range(2000):
            inbox.put((n, i))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    got: list[tuple[int, int]] = []
    batches = 1  # the first one, above
    while True:
        alive = any(t.is_alive() for t in threads)
        batch = inbox.take()
        batches += bool(batch)
        got += batch
        if not alive and not batch:
            break
    for n in range(3):
        assert [i for m, i in got if m == n] == list(range(2000))
    assert len(wakes) == batches  # each batch taken woke the UI exactly once
