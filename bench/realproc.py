"""Run the real `podtui` process under a pseudo-terminal and time what it paints.

Two clocks agree on the wall time (time.time()):
- the app's own marks (PODTUI_BENCH_MARKS, written by `PodListScreen.drain()` after the
  refresh that shows the first rows / the whole list), with PODTUI_BENCH_EXIT_WHEN_LOADED
  making it exit once the whole list is shown;
- what reaches the terminal: the first pod's name, and the status bar's "N pods".
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import subprocess
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import KUBECONFIG, PODTUI, compile_bytecode
from terminal import status_kb


@dataclass
class Screen:
    """Bytes read from the terminal, with the time each chunk arrived."""

    data: bytearray = field(default_factory=bytearray)
    chunks: list[tuple[int, float]] = field(default_factory=list)  # (end offset, time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def first_time(self, needle: bytes, start: int = 0) -> float | None:
        """When `needle` first reached the terminal (at or after byte offset `start`)."""
        with self.lock:
            index = self.data.find(needle, start)
            if index < 0:
                return None
            end = index + len(needle)
            for offset, when in self.chunks:
                if offset >= end:
                    return when
        return None

    def size(self) -> int:
        with self.lock:
            return len(self.data)


@dataclass
class Interaction:
    """What a caller of run_podtui gets to press keys with while the app runs."""

    pid: int
    master: int  # write keys here
    screen: Screen
    marks_path: Path
    started: float

    def marks(self) -> dict[str, tuple[float, int]]:
        return _read_marks(self.marks_path)

    def ended(self) -> bool:
        return _ended(self.pid)


@dataclass
class Run:
    started: float
    marks: dict[str, tuple[float, int]]
    screen: Screen
    exited: float | None
    returncode: int | None
    rss_kb: int | None = None
    hwm_kb: int | None = None
    cpu_s: float | None = None  # user + system CPU of the whole run

    def since_start(self, when: float | None) -> float | None:
        return None if when is None else when - self.started


def _ended(pid: int) -> bool:
    """Has the child exited? (without reaping it)"""
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return info is not None


def _read_marks(path: Path) -> dict[str, tuple[float, int]]:
    marks: dict[str, tuple[float, int]] = {}
    with contextlib.suppress(FileNotFoundError):
        for line in path.read_text().splitlines():
            name, when, rows = line.split()
            marks.setdefault(name, (float(when), int(rows)))
    return marks


def run_podtui(namespace: str | None, *, exit_when_loaded: bool = True,
               memory_settle: float = 0.0, size: tuple[int, int] = (120, 40),
               timeout: float = 180.0, extra_env: dict[str, str] | None = None,
               argv: list[str] | None = None,
               interact: Callable[[Interaction], None] | None = None) -> Run:
    """Start podtui on `namespace` (None: all namespaces, -A) in a pty. Without
    `exit_when_loaded`, wait for the whole list, `memory_settle` seconds more, read
    VmRSS/VmHWM, then press q. `interact` runs first (keys while the list loads)."""
    if argv is None:  # this checkout's podtui; ab.py compiles the trees it runs
        compile_bytecode()
    tmp = tempfile.TemporaryDirectory(prefix="podtui-bench-")
    marks_path = Path(tmp.name) / "marks"
    columns, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = dict(os.environ)
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor",
                "PODTUI_BENCH_MARKS": str(marks_path)})
    env.pop("NO_COLOR", None)
    env.pop("TEXTUAL", None)
    if exit_when_loaded:
        env["PODTUI_BENCH_EXIT_WHEN_LOADED"] = "1"
    env.update(extra_env or {})
    command = argv or [str(PODTUI)]
    scope = ["-A"] if namespace is None else ["-n", namespace]
    command = [*command, "--kubeconfig", str(KUBECONFIG), *scope]

    def controlling_tty() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    screen = Screen()
    started = time.time()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                               start_new_session=True, preexec_fn=controlling_tty,
                               close_fds=True)
    os.close(slave)

    def reader() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.time()
            with screen.lock:
                screen.data += chunk
                screen.chunks.append((len(screen.data), now))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    rss = hwm = None
    exited = cpu = None
    try:
        deadline = time.monotonic() + timeout
        if interact is not None:
            interact(Interaction(process.pid, master, screen, marks_path, started))
        if not exit_when_loaded:
            while "loaded" not in _read_marks(marks_path):
                if _ended(process.pid) or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            time.sleep(memory_settle)
            rss, hwm = status_kb(process.pid)
            os.write(master, b"q")
        while time.monotonic() < deadline:
            # wait4 (not wait): the child's CPU time comes with it.
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                exited = time.time()
                process.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime
                break
            time.sleep(0.01)
        if process.returncode is None:
            process.kill()
            process.wait()
        thread.join(5)
    finally:
        with contextlib.suppress(OSError):
            os.close(master)
    marks = _read_marks(marks_path)
    tmp.cleanup()
    return Run(started, marks, screen, exited, process.returncode, rss, hwm, cpu)
