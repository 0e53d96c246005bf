"""The reorder window of `podtui logs -f` (podtui/cluster/logs/reorder.py), on a simulated clock."""

from __future__ import annotations

import queue

from hypothesis import given, settings
from hypothesis import strategies as st

from podtui.cluster.logs import ENDED, ERROR, LogBatch, LogLine, LogStatus
from podtui.cluster.logs.reorder import ReorderWindow, merge_live_sorted

MS = 1_000_000  # ns


def line(ms: int, text: str = "") -> LogLine:
    return LogLine(f"t{ms}", text or f"at {ms}", ms * MS)


def simulate(window: float, arrivals: list[tuple[float, str, list[LogLine]]]):
    """Push each batch at its arrival time and release whenever a line is due, as
    merge_live_sorted does; returns [(released at, arrived at, container, line)]."""
    held = ReorderWindow(window)
    arrived: dict[int, float] = {}
    out = []

    def release(now: float, lines) -> None:
        out.extend((now, arrived[id(ln)], c, ln) for c, ln in lines)

    def release_due(until: float) -> None:
        while (wait := held.wait(0.0)) is not None and wait <= until:
            release(wait, held.release(wait))  # on this clock, `wait` is the deadline

    for at, container, lines in sorted(arrivals, key=lambda a: a[0]):
        release_due(at)
        for ln in lines:
            arrived[id(ln)] = at
        held.push(container, lines, at)
        release(at, held.release(at))
    release_due(float("inf"))
    assert len(held) == 0
    return out


def test_a_copy_that_arrives_first_is_printed_after_its_original():
    # busybox's copy (written 10 ms after) arrives 40 ms before node's original.
    out = simulate(0.25, [(1.00, "busybox", [line(1010, "copy")]),
                          (1.04, "node", [line(1000, "original")])])
    assert [ln.text for _, _, _, ln in out] == ["original", "copy"]
    assert all(released - arrived <= 0.25 for released, arrived, _, _ in out)


def test_a_late_line_older_than_what_went_out_is_still_printed_at_once():
    out = simulate(0.1, [(1.0, "node", [line(1000)]),
                         (1.5, "busybox", [line(900, "late")])])
    assert [ln.text for _, _, _, ln in out] == ["at 1000", "late"]
    late = out[1]
    assert late[0] == late[1]  # released when it arrived


def test_lines_without_a_timestamp_are_not_held():
    held = ReorderWindow(0.25)
    held.push("node", [LogLine("", "no time")], now=5.0)
    assert held.wait(5.0) == 0.0
    assert held.release(5.0) == [("node", LogLine("", "no time"))]


def test_one_stream_does_not_wait_behind_a_newer_line_of_another():
    # node's line is due at 1.25; busybox's newer-arrived but older line goes out with it.
    held = ReorderWindow(0.25)
    held.push("node", [line(2000)], now=1.0)
    held.push("busybox", [line(1990)], now=1.2)
    assert held.release(1.25) == [("busybox", line(1990)), ("node", line(2000))]
    assert len(held) == 0


streams = st.lists(
    st.tuples(st.sampled_from(["node", "busybox"]), st.integers(0, 5000),
              st.integers(0, 200)),  # container, written at (ms), delivered after (ms)
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(streams, st.sampled_from([0.05, 0.25, 1.0]))
def test_every_line_once_none_held_longer_than_the_window_sorted_when_it_suffices(
        written, window):
    arrivals = [((ms + delay) / 1000, container, [line(ms, f"{container} {i}")])
                for i, (container, ms, delay) in enumerate(written)]
    out = simulate(window, arrivals)
    # none lost, none twice
    assert sorted(ln.text for _, _, _, ln in out) == sorted(a[2][0].text for a in arrivals)
    # none held longer than the window
    assert all(released - arrived <= window + 1e-9 for released, arrived, _, _ in out)
    # delivered at most 200 ms late, a 250 ms window puts every line in timestamp order
    if window >= 0.25:
        times = [ln.ns for _, _, _, ln in out]
        assert times == sorted(times)


def test_merge_live_sorted_orders_batches_and_ends_with_the_streams():
    events: queue.Queue = queue.Queue()
    events.put(LogBatch("busybox", [line(1010, "INFO GET /a")]))
    events.put(LogBatch("node", [line(1000, "GET /a"), line(1020, "GET /b")]))
    events.put(LogStatus("busybox", ENDED))
    events.put(LogStatus("node", ERROR, "boom", error=True))
    got = list(merge_live_sorted(events, 2, window=0.05))
    assert got == [
        LogBatch("node", [line(1000, "GET /a")]),
        LogBatch("busybox", [line(1010, "INFO GET /a")]),
        LogBatch("node", [line(1020, "GET /b")]),
        LogStatus("node", ERROR, "boom", error=True),
    ]
