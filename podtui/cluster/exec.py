"""Commands in a container through the API server's pods/exec subresource.

`run` executes one command and collects stdout and stderr apart with the exit code;
`Session` is an interactive (TTY) exec, or an attach to a container's own process
(pods/attach: a debug container's shell), whose bytes the caller moves (cluster/shell.py).
The remote command gets only what the container has: no variable of ours is sent.
"""

from __future__ import annotations

import contextlib
import json
import select
import time
from dataclasses import dataclass

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, redact
from podtui.cluster.names import pod_path
from podtui.cluster.pod_actions import refuse_if_readonly
from podtui.cluster.streams import open_websocket

STDIN, STDOUT, STDERR, ERROR, RESIZE = range(5)
#: A stream cut before the server said how the command ended.
NO_STATUS = "the stream ended without an exit status"
#: Shells tried in order by `s` (configurable).
DEFAULT_SHELLS = ("sh", "bash")


@dataclass(frozen=True)
class ExecResult:
    container: str
    command: tuple[str, ...]
    stdout: str
    stderr: str
    #: None when the server reported a failure that is not an exit code (see `error`).
    exit_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def exit_status(raw: bytes) -> tuple[int | None, str]:
    """(exit code, error line) from the Status the server sends on the error channel."""
    if not raw:
        return None, NO_STATUS
    try:
        status = json.loads(raw)
    except ValueError:
        return None, redact(" ".join(raw.decode("utf-8", "replace").split()))[:300]
    if status.get("status") == "Success":
        return 0, ""
    if status.get("reason") == "NonZeroExitCode":
        for cause in (status.get("details") or {}).get("causes") or []:
            if cause.get("reason") == "ExitCode" or cause.get("type") == "ExitCode":
                try:
                    return int(cause.get("message", "")), ""
                except ValueError:
                    break
    message = " ".join(str(status.get("message") or "exec failed").split())
    # Bounded against a hostile server, yet whole for runc's usual line: it names the exec's
    # 64-hex id before the executable, and `missing_command` reads the end.
    return None, redact(message)[:1000]


def missing_command(error: str) -> bool:
    """The container has no such executable (as runc and containerd word it)."""
    lowered = error.lower()
    return "executable file not found" in lowered or "no such file or directory" in lowered


def _query(container: str, command: list[str] | tuple[str, ...], stdin: bool, tty: bool):
    if not command:
        raise ClusterError("no command given")
    query: list[tuple[str, object]] = [("container", container), ("command", list(command)),
                                       ("stdout", "true"), ("stderr", "false" if tty else "true")]
    if stdin:
        query.append(("stdin", "true"))
    if tty:
        query.append(("tty", "true"))
    return query


class _Channels:
    """Frames of a v4.channel.k8s.io websocket, split by channel."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.open = True

    def ready(self, timeout: float) -> bool:
        sock = self.ws.sock
        if sock is None:
            return False
        pending = getattr(sock, "pending", None)  # TLS may hold a decrypted frame already
        if pending is not None and pending():
            return True
        return bool(select.select([sock], [], [], timeout)[0])

    def receive(self) -> tuple[int, bytes] | None:
        """The next data frame (channel, bytes); None when the stream closed."""
        from websocket import ABNF, WebSocketException

        try:
            opcode, frame = self.ws.recv_data_frame(True)
        except (WebSocketException, OSError):
            self.open = False
            return None
        if opcode == ABNF.OPCODE_CLOSE:
            self.open = False
            return None
        if opcode not in (ABNF.OPCODE_BINARY, ABNF.OPCODE_TEXT):
            return -1, b""  # ping/pong (answered by websocket-client)
        data = frame.data if isinstance(frame.data, bytes) else frame.data.encode()
        if len(data) < 1:
            return -1, b""
        return data[0], data[1:]

    def send(self, channel: int, data: bytes) -> None:
        from websocket import ABNF, WebSocketException

        try:
            self.ws.send(bytes([channel]) + data, opcode=ABNF.OPCODE_BINARY)
        except (WebSocketException, OSError):  # the other side is gone: the stream ends
            self.open = False

    def close(self) -> None:
        self.open = False
        with contextlib.suppress(Exception):  # closing must not fail the caller
            self.ws.close(timeout=1)


def run(conn: Connection, namespace: str, pod: str, container: str,
        command: list[str] | tuple[str, ...], timeout: float = 30.0) -> ExecResult:
    """Run one command (no stdin, no TTY) and wait for it; stdout and stderr kept apart."""
    refuse_if_readonly(conn, "exec in a container")
    what = f"exec in {namespace}/{pod} container {container}"
    ws = open_websocket(conn, pod_path(namespace, pod, "exec"),
                        _query(container, command, stdin=False, tty=False), what)
    channels = _Channels(ws)
    out, err, status = bytearray(), bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    try:
        while channels.open:
            left = deadline - time.monotonic()
            if left <= 0:
                return ExecResult(container, tuple(command), _text(out), _text(err), None,
                                  f"no exit status after {timeout:g} s (still running?)")
            if not channels.ready(min(left, 1.0)):
                continue
            frame = channels.receive()
            if frame is None:
                break
            channel, data = frame
            {STDOUT: out, STDERR: err, ERROR: status}.get(channel, bytearray()).extend(data)
    finally:
        channels.close()
    code, error = exit_status(bytes(status))
    return ExecResult(container, tuple(command), _text(out), _text(err), code, error)


def _text(data: bytearray) -> str:
    return bytes(data).decode("utf-8", "replace")


class Session:
    """An interactive exec: `send` keystrokes, `receive` output, `resize`; then `result`.

    `attach`: the container's own process instead of a new command (`command` unused). Its
    end gives no exit code (the kubelet says Success): that is in the container's status."""

    def __init__(self, conn: Connection, namespace: str, pod: str, container: str,
                 command: list[str] | tuple[str, ...], tty: bool = True,
                 attach: bool = False) -> None:
        verb = "attach to" if attach else "exec in"
        refuse_if_readonly(conn, f"{verb} a container")
        what = f"{verb} {namespace}/{pod} container {container}"
        if attach:
            query: list[tuple[str, object]] = [
                ("container", container), ("stdin", "true"), ("stdout", "true"),
                ("stderr", "false" if tty else "true"), ("tty", "true" if tty else "false")]
        else:
            query = _query(container, command, stdin=True, tty=tty)
        ws = open_websocket(conn, pod_path(namespace, pod, "attach" if attach else "exec"),
                            query, what)
        self._channels = _Channels(ws)
        self._status = bytearray()
        self.received = 0  # output bytes, to tell "never started" from "ran and failed"

    @property
    def open(self) -> bool:
        return self._channels.open

    def fileno(self) -> int:
        return self._channels.ws.sock.fileno()

    def ready(self, timeout: float) -> bool:
        return self._channels.ready(timeout)

    def send(self, data: bytes) -> None:
        if data and self._channels.open:
            self._channels.send(STDIN, data)

    def resize(self, columns: int, rows: int) -> None:
        if self._channels.open:
            self._channels.send(RESIZE, json.dumps({"Width": columns, "Height": rows}).encode())

    def receive(self) -> bytes:
        """Output of one frame (b"" for a frame without output); closes at the end."""
        frame = self._channels.receive()
        if frame is None:
            return b""
        channel, data = frame
        if channel == ERROR:
            self._status.extend(data)
            return b""
        if channel in (STDOUT, STDERR):
            self.received += len(data)
            return data
        return b""

    def result(self) -> tuple[int | None, str]:
        return exit_status(bytes(self._status))

    def close(self) -> None:
        self._channels.close()
