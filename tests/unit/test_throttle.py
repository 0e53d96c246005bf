"""Throttle: one update per gap, and a key's hold that delays the next update but never
starves it."""

from __future__ import annotations

import pytest
from textual.app import App

from podtui.ui import throttle as throttle_module
from podtui.ui.throttle import Throttle
from tests.ui.helpers import until


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Owner:
    """Stands for the screen: remembers the timers it was asked for."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.timers: list[tuple[float, float, object]] = []  # delay, due, callback

    def set_timer(self, delay, callback):
        self.timers.append((delay, self.clock.now + delay, callback))

    def fire(self) -> None:
        _delay, due, callback = self.timers.pop(0)
        self.clock.now = max(self.clock.now, due)
        callback()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle_module, "monotonic", fake)
    return fake


@pytest.fixture
def owner_timers(monkeypatch) -> None:
    """The throttle's timers go to the test's Owner, which fires them on the fake clock."""
    monkeypatch.setattr(Throttle, "_arm", lambda self, wait: self._owner.set_timer(
        wait, self._timed))


def make(clock: Clock, gap: float = 0.2) -> tuple[Throttle, Owner, list[float]]:
    owner, runs = Owner(clock), []
    throttle: Throttle

    def run() -> None:
        throttle.ran()
        runs.append(throttle_module.monotonic())

    throttle = Throttle(owner, run, gap)  # type: ignore[arg-type]
    return throttle, owner, runs


def test_a_burst_runs_once_then_once_per_gap(clock, owner_timers):
    throttle, owner, runs = make(clock)
    throttle.wake()
    assert runs == [100.0]
    clock.now += 0.05
    throttle.wake()
    throttle.wake()
    assert runs == [100.0] and [round(d, 3) for d, _, _ in owner.timers] == [0.15]
    owner.fire()
    assert runs == [100.0, pytest.approx(100.2)]


def test_a_key_holds_the_next_update_back_once(clock, owner_timers):
    throttle, owner, runs = make(clock)
    throttle.wake()
    clock.now += 0.15
    throttle.hold(0.1)  # a key 50 ms before the update was due
    throttle.wake()
    assert runs == [100.0] and owner.timers[0][0] == pytest.approx(0.1)
    clock.now += 0.05
    throttle.hold(0.1)  # more keys do not push it further
    owner.fire()
    assert runs == [100.0, pytest.approx(100.25)]
    # After an update, the next key may hold the next one again.
    clock.now += 0.2
    throttle.hold(0.1)
    throttle.wake()
    assert len(runs) == 2 and owner.timers[0][0] == pytest.approx(0.1)


def test_a_hold_after_the_timer_was_set_moves_the_update(clock, owner_timers):
    throttle, owner, runs = make(clock)
    throttle.wake()
    clock.now += 0.1
    throttle.wake()  # timer for the rest of the gap: 0.1 s
    clock.now += 0.05
    throttle.hold(0.1)  # the key: not before 100.25
    owner.fire()  # at 100.2: too early, re-armed
    assert runs == [100.0] and owner.timers[0][0] == pytest.approx(0.05)
    owner.fire()
    assert runs == [100.0, pytest.approx(100.25)]


def test_held_keys_in_a_row_still_let_every_update_through(clock, owner_timers):
    """A key held down (auto-repeat, 30 a second) delays each update by the hold at most:
    lines keep reaching the panes."""
    throttle, owner, runs = make(clock)
    throttle.wake()
    for _ in range(90):  # 3 seconds of keys, with lines waiting all along
        clock.now += 1 / 30
        while owner.timers and owner.timers[0][1] <= clock.now:
            owner.fire()
        throttle.hold(0.1)
        throttle.wake()
    gaps = [b - a for a, b in zip(runs, runs[1:], strict=False)]
    assert len(runs) >= 9 and max(gaps) <= 0.3 + 1e-9


async def test_a_wait_of_a_moment_still_runs(clock):
    """Textual's one-shot timers skip their tick when they start past their time (20 of 20
    timers of 0.1 us never fired): a throttle woken just before its gap ends must still run,
    or the screen it feeds would never update again."""
    app = App()
    async with app.run_test() as pilot:
        runs: list[float] = []

        def run() -> None:
            throttle.ran()
            runs.append(clock.now)

        throttle = Throttle(app, run, 0.2)
        throttle.wake()
        clock.now += 0.2 - 1e-7  # woken 0.1 us before the gap ends
        throttle.wake()
        assert len(runs) == 1
        clock.now += 1
        await until(pilot, lambda: len(runs) == 2, "the run after the gap", 5)
