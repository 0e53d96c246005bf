"""An action's command on this machine: given the terminal (foreground), or with its output
piped to podtui (the panes, background).

Always an argument list to exec, never a shell: what a placeholder filled in stays one
argument. The command inherits the user's environment, as it would from their shell.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence

from podtui.actions.outcome import Outcome, from_returncode

#: Seconds a stopped command has to end after SIGTERM before it gets SIGKILL.
STOP_GRACE = 3.0
#: A piped command's reads, in bytes.
CHUNK = 65536


def not_started(program: str, exc: OSError) -> Outcome:
    if isinstance(exc, FileNotFoundError):
        what = f"no such file: {program}" if "/" in program else f"command not found: {program}"
        return Outcome(None, what)
    if isinstance(exc, PermissionError):
        return Outcome(None, f"cannot run {program}: permission denied")
    return Outcome(None, f"cannot run {program}: {exc.strerror or exc}")


@contextlib.contextmanager
def _keyboard_to_the_command() -> Iterator[None]:
    """ctrl-c and ctrl-\\ in the handed-over terminal are the command's, not podtui's.

    A Python handler, not SIG_IGN: an ignored signal would stay ignored in the command
    too, while a handled one is reset to the default when it execs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = (signal.SIGINT, signal.SIGQUIT)
    saved = {sig: signal.signal(sig, lambda *_: None) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_foreground(argv: Sequence[str], in_fd: int | None = None,
                   out_fd: int | None = None) -> Outcome:
    """Run with podtui's terminal (or the given one) until the command ends."""
    streams = {} if in_fd is None else {"stdin": in_fd, "stdout": out_fd, "stderr": out_fd}
    try:
        process = subprocess.Popen(list(argv), **streams)
    except OSError as exc:
        return not_started(argv[0], exc)
    with _keyboard_to_the_command():
        code = process.wait()
    return from_returncode(code)


class Captured:
    """One command with stdout and stderr piped and read by threads of its own.

    `on_output(stream, text)` ("stdout" or "stderr") and then `on_end(outcome)` once, all
    from those threads. The command gets no terminal: stdin is /dev/null and it runs in a
    session of its own, so it can neither read the keys nor draw over the screen, and
    `stop()` reaches whatever it started too."""

    def __init__(self, argv: Sequence[str], on_output: Callable[[str, str], None],
                 on_end: Callable[[Outcome], None], name: str = "action") -> None:
        self.argv = tuple(argv)
        self.on_output, self.on_end = on_output, on_end
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False
        self.outcome: Outcome | None = None
        self._last_error = ""

    def start(self) -> Captured:
        try:
            self.process = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            self._ended(not_started(self.argv[0], exc))
            return self
        readers = [threading.Thread(target=self._read, args=(stream, pipe), daemon=True,
                                    name=f"{self.name}-{stream}")
                   for stream, pipe in (("stdout", self.process.stdout),
                                        ("stderr", self.process.stderr))]
        for reader in readers:
            reader.start()
        threading.Thread(target=self._wait, args=(readers,), daemon=True,
                         name=f"{self.name}-wait").start()
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.outcome is None

    def _read(self, stream: str, pipe) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        fd = pipe.fileno()
        tail = ""
        while True:
            try:
                data = os.read(fd, CHUNK)
            except OSError:
                data = b""
            text = decoder.decode(data, final=not data)
            if text:
                if stream == "stderr":
                    tail = (tail + text)[-4096:]
                self.on_output(stream, text)
            if not data:
                break
        pipe.close()
        if stream == "stderr":
            lines = [line.strip() for line in tail.splitlines() if line.strip()]
            self._last_error = lines[-1][:300] if lines else ""

    def _wait(self, readers: list[threading.Thread]) -> None:
        assert self.process is not None
        code = self.process.wait()
        for reader in readers:
            # What it started may hold the pipes open after it ended: not for ever.
            reader.join(timeout=2.0)
        if self.stopped:
            self._ended(Outcome(None, "stopped", self._last_error))
        else:
            self._ended(from_returncode(code, self._last_error))

    def _ended(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.on_end(outcome)

    def stop(self) -> None:
        """SIGTERM to its session, SIGKILL if it is still there after STOP_GRACE."""
        process = self.process
        if process is None or self.outcome is not None:
            return
        self.stopped = True
        _signal_group(process, signal.SIGTERM)

        def insist() -> None:
            try:
                process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)

        threading.Thread(target=insist, daemon=True, name=f"{self.name}-stop").start()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.returncode is not None:  # reaped: its id may be another's by now
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
