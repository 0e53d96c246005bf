"""Any TUI (podtui, k9s) run under a pseudo-terminal, read as a user would see it.

Every byte the program writes is kept with the time it arrived, and fed to a terminal
emulator (pyte), so a benchmark can wait for what is *on the screen* ("the title says
[1,000]") whatever escape sequences drew it, and count the bytes written in any interval.
The same class measures podtui and its peers, so both are timed by the same rule.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import os
import queue
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable

import pyte

#: What a screen test gets: the terminal's lines as text (trailing blanks kept).
Lines = list[str]


class Terminal:
    """`argv` running in a pty of `size` (columns, rows); the clock is time.time()."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (120, 40),
                 watch: dict[str, Callable[[Lines], bool]] | None = None) -> None:
        """`watch`: screen tests checked from the first byte; `hits[name]` gets the time
        each first passed."""
        self.argv = argv
        self.columns, self.rows = size
        self._screen = pyte.Screen(self.columns, self.rows)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Condition()  # the emulated screen and its waiters
        self._count_lock = threading.Lock()  # the byte counts (the reader's)
        self._ends: list[int] = []  # total bytes after each chunk ...
        self._times: list[float] = []  # ... and when it arrived
        self._total = 0
        self._waiters: list[tuple[Callable[[Lines], bool], list[float]]] = []
        self.hits = {name: self.watch(test) for name, test in (watch or {}).items()}
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        self._master = master
        full_env = dict(os.environ)
        full_env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor"})
        full_env.pop("NO_COLOR", None)
        full_env.update(env)
        self.started = time.time()
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=full_env,
            start_new_session=True, close_fds=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.ended: float | None = None
        self.cpu_s: float | None = None
        self.now = 0.0  # when the chunk the emulator is at arrived
        self._chunks: queue.SimpleQueue[tuple[bytes, float]] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._emulator = threading.Thread(target=self._emulate, daemon=True)
        self._reader.start()
        self._emulator.start()

    # --- what arrives ---------------------------------------------------------------------

    def _read(self) -> None:
        """Stamp each chunk as it arrives; the emulator (slower) catches up in its own
        thread, so a verbose program's chunks are not stamped late."""
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                chunk = b""
            now = time.time()
            if chunk:
                with self._count_lock:
                    self._total += len(chunk)
                    self._ends.append(self._total)
                    self._times.append(now)
            self._chunks.put((chunk, now))
            if not chunk:
                return

    def _emulate(self) -> None:
        while True:
            chunk, when = self._chunks.get()
            with self._lock:
                if not chunk:
                    self._lock.notify_all()
                    return
                self._stream.feed(chunk)
                self.now = when  # for screen tests that note times themselves
                if self._waiters:
                    lines = self._screen.display
                    for test, hit in self._waiters:
                        if not hit and test(lines):
                            hit.append(when)
                self._lock.notify_all()

    def wait_for(self, test: Callable[[Lines], bool], timeout: float) -> float | None:
        """When the screen first passed `test` (checked after every chunk), or None."""
        hit: list[float] = []
        with self._lock:
            if test(self._screen.display):
                return time.time()
            entry = (test, hit)
            self._waiters.append(entry)
            deadline = time.monotonic() + timeout
            while not hit and self._emulator.is_alive():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(min(left, 0.5))
            self._waiters.remove(entry)
        return hit[0] if hit else None

    def watch(self, test: Callable[[Lines], bool]) -> list[float]:
        """Keep checking `test` after every chunk; the list gets the time it first passes."""
        hit: list[float] = []
        with self._lock:
            self._waiters.append((test, hit))
        return hit

    def wait(self, name: str, timeout: float) -> float | None:
        """When the `watch` test `name` passed, waiting up to `timeout` for it."""
        hit = self.hits[name]
        deadline = time.monotonic() + timeout
        with self._lock:
            while not hit and self._emulator.is_alive() and time.monotonic() < deadline:
                self._lock.wait(min(deadline - time.monotonic(), 0.5))
        return hit[0] if hit else None

    def lines(self) -> Lines:
        with self._lock:
            return list(self._screen.display)

    def bytes_written(self, since: float, until: float) -> int:
        """Bytes that arrived in [since, until)."""
        with self._count_lock:
            first = bisect.bisect_left(self._times, since)
            last = bisect.bisect_left(self._times, until)
            before = self._ends[first - 1] if first else 0
            upto = self._ends[last - 1] if last else 0
        return upto - before

    @property
    def total_bytes(self) -> int:
        with self._count_lock:
            return self._total

    # --- the process ----------------------------------------------------------------------

    def send(self, keys: bytes | str) -> float:
        data = keys.encode() if isinstance(keys, str) else keys
        os.write(self._master, data)
        return time.time()

    def rss_kb(self) -> tuple[int | None, int | None]:
        """VmRSS and VmHWM (peak) of the process."""
        return status_kb(self.process.pid)

    def close(self, keys: bytes | None = None, timeout: float = 10) -> int | None:
        """Quit with `keys` (else SIGTERM), SIGKILL after `timeout`; the exit code."""
        if self.ended is not None:
            return self.process.returncode
        if self.process.returncode is None:
            with contextlib.suppress(OSError):
                if keys:
                    self.send(keys)
                else:
                    os.killpg(self.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.ended = time.time()
                self.process.returncode = os.waitstatus_to_exitcode(status)
                self.cpu_s = usage.ru_utime + usage.ru_stime
                break
            time.sleep(0.02)
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.ended = time.time()
        self._reader.join(5)
        self._emulator.join(30)
        with contextlib.suppress(OSError):
            os.close(self._master)
        return self.process.returncode

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def status_kb(pid: int) -> tuple[int | None, int | None]:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    rss = hwm = None
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def any_line(pattern: str) -> Callable[[Lines], bool]:
    """A screen test: some line matches the regular expression."""
    compiled = re.compile(pattern)
    return lambda lines: any(compiled.search(line) for line in lines)
