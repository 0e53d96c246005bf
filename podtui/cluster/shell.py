"""An interactive shell in a container that owns the terminal (`s`, `e`, `podtui shell`).

The terminal is put in raw mode and every byte goes to the remote TTY and back; a change of
the terminal's size is passed on. Shells are tried in order (default sh, then bash; the
config's exec.shell): a container without the first gets the next, one without any gets
one clear line. A debug container runs its shell as its own process: the terminal is
attached to it instead (`attached_shell`).
"""

from __future__ import annotations

import contextlib
import os
import select
import termios
import tty
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from podtui.cluster.connection import Connection
from podtui.cluster.exec import DEFAULT_SHELLS, NO_STATUS, Session, missing_command


@dataclass(frozen=True)
class ShellOutcome:
    container: str
    shell: str  # "" when no shell started
    exit_code: int | None
    error: str = ""

    def line(self) -> str:
        """One line for the status bar once the shell is over."""
        if not self.shell:
            return self.error
        if self.exit_code is not None:
            return f"shell {self.shell} in {self.container} ended (exit {self.exit_code})"
        return f"shell {self.shell} in {self.container} ended: {self.error}"


@contextlib.contextmanager
def raw_mode(fd: int) -> Iterator[None]:
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _size(fd: int) -> tuple[int, int] | None:
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return None
    # A terminal that has no size yet (0x0) says nothing worth passing on.
    return (size.columns, size.lines) if size.columns and size.lines else None


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def pump(session: Session, in_fd: int, out_fd: int) -> None:
    """Move bytes until the remote side ends; the size is checked each turn (no SIGWINCH
    handler: the UI's driver owns that signal, and this may run off the main thread)."""
    size = _size(out_fd)
    if size:
        session.resize(*size)
    reading = True
    while session.open:
        if session.ready(0):
            ready = [session]
        else:
            ready = select.select([session, in_fd] if reading else [session], [], [], 0.25)[0]
        if in_fd in ready:
            try:
                data = os.read(in_fd, 4096)
            except OSError:
                data = b""
            if data:
                session.send(data)
            else:
                reading = False  # stdin closed: the remote shell keeps its own
        if session in ready:
            output = session.receive()
            if output:
                _write_all(out_fd, output)
        now = _size(out_fd)
        if now and now != size:
            size = now
            session.resize(*size)


def interactive_shell(conn: Connection, namespace: str, pod: str, container: str,
                      shells: Sequence[str] | None = None, in_fd: int = 0,
                      out_fd: int = 1) -> ShellOutcome:
    """Run the first shell the container has, with the terminal at in_fd/out_fd."""
    shells = tuple(shells or DEFAULT_SHELLS)
    for shell in shells:
        session = Session(conn, namespace, pod, container, [shell], tty=True)
        try:
            with raw_mode(in_fd):
                pump(session, in_fd, out_fd)
        finally:
            session.close()
        code, error = session.result()
        if code is None and missing_command(error) and not session.received:
            continue
        return ShellOutcome(container, shell, code, error)
    return ShellOutcome(container, "", None,
                        f"container {container} has no shell (tried {', '.join(shells)})")


def attached_shell(conn: Connection, namespace: str, pod: str, container: str, shell: str,
                   in_fd: int = 0, out_fd: int = 1) -> ShellOutcome:
    """The terminal attached to a container whose own process is `shell`. An attach ends
    without an exit code: that comes from the container's status, once it terminated."""
    from podtui.cluster.debug import wait_terminated

    session = Session(conn, namespace, pod, container, (), tty=True, attach=True)
    try:
        # The shell printed its first prompt before we attached. The size pump sends first
        # makes a shell draw it again, if that changed the size; else the user must ask
        # for it (kubectl says the same).
        _write_all(out_fd, b"If you don't see a command prompt, try pressing enter.\r\n")
        with raw_mode(in_fd):
            pump(session, in_fd, out_fd)
    finally:
        session.close()
    code, error = session.result()
    if code is None and error != NO_STATUS:
        return ShellOutcome(container, shell, None, error)
    ended = wait_terminated(conn, namespace, pod, container)
    if not ended:
        return ShellOutcome(container, shell, None, "the terminal was detached while the "
                                                    "container still runs")
    return ShellOutcome(container, shell, ended.get("exitCode"))
