"""Run a command under a pseudo-terminal, as a user's terminal would: type keys, read what
it draws (escape sequences removed), and see how it leaves the terminal."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable

#: CSI and OSC sequences, charset selections and keypad modes.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                     r"|\x1b[()][A-Za-z0-9]|\x1b[=>78]")
LEAVE_ALT_SCREEN = b"\x1b[?1049l"


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (100, 30),
                 cwd: str | None = None) -> None:
        master, slave = os.openpty()
        columns, lines = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, start_new_session=True,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns),
                 "LINES": str(lines)})
        os.close(slave)
        self.master = master
        self.raw = b""

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other side closed: the process ended
                chunk = b""
            self.raw += chunk
            if not chunk:
                time.sleep(timeout)

    def text(self) -> str:
        """Everything drawn so far, without escape sequences."""
        return ESCAPES.sub("", self.raw.decode(errors="replace"))

    def wait_for(self, predicate: Callable[[str], bool], what: str,
                 timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            if self.process.poll() is not None:
                self._read(0.05)
                if not predicate(self.text()):
                    raise AssertionError(f"the program ended ({self.process.returncode}) "
                                         f"before {what}")
                return
            self._read(0.1)

    def idle(self, seconds: float) -> None:
        """Read what the program writes for `seconds`, doing nothing."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._read(min(0.1, max(deadline - time.monotonic(), 0.001)))

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def resize(self, columns: int, lines: int) -> None:
        """The user resizes the terminal window."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))

    def wait(self, timeout: float = 30.0) -> int:
        """The exit code, once every byte the program wrote has been read."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        if self.process.poll() is None:
            raise AssertionError("the program did not end")
        for _ in range(20):  # drain what is left
            before = len(self.raw)
            self._read(0.05)
            if len(self.raw) == before:
                break
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        os.close(self.master)
