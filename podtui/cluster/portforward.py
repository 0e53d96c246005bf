"""Port-forward: 127.0.0.1:LOCAL to a pod's port through the API server (pods/portforward).

Each local connection gets its own websocket (as kubectl does with its streams), so one
slow client never holds another. Port-forward channels: 0 data, 1 error; the first frame
on each starts with the port number (2 bytes, little-endian), which is dropped.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable

from podtui.anatomy import kubectl
from podtui.anatomy.refs import deleting
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.names import pod_path
from podtui.cluster.pod_actions import refuse_if_readonly
from podtui.cluster.pods import get_pod
from podtui.cluster.streams import open_websocket

#: Seconds between checks that the pod still exists (a forward to a gone pod ends).
POD_CHECK_SECONDS = 3.0


def parse_ports(spec: str) -> tuple[int, int]:
    """'[LOCAL:]REMOTE' -> (local, remote); local 0 means any free port."""
    local_text, _, remote_text = spec.rpartition(":")
    try:
        remote = int(remote_text)
        local = int(local_text) if local_text else remote
    except ValueError:
        raise ClusterError(f"ports must be [LOCAL:]REMOTE numbers, not {spec!r}") from None
    if not 0 < remote < 65536 or not 0 <= local < 65536:
        raise ClusterError(f"port out of range in {spec!r}")
    return local, remote


class Forward:
    """One listening forward; `start` binds 127.0.0.1:local, `stop` ends every connection."""

    def __init__(self, conn: Connection, namespace: str, pod: str, remote: int,
                 local: int = 0, on_end: Callable[[Forward], None] | None = None) -> None:
        refuse_if_readonly(conn, "port-forward")
        self.conn, self.namespace, self.pod, self.remote = conn, namespace, pod, remote
        self.local = local
        self.bytes_in = 0  # from the pod
        self.bytes_out = 0  # to the pod
        self.connections = 0
        self.error = ""  # the last connection's error, one line
        self.ended = ""  # why the forward ended ("" while it runs)
        self._on_end = on_end
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._counts = threading.Lock()  # connections count from their own threads
        self._listener: socket.socket | None = None
        self._path = pod_path(namespace, pod, "portforward")

    @property
    def kubectl(self) -> str:
        return kubectl.port_forward(self.namespace, self.pod, self.remote, self.local)

    @property
    def active(self) -> bool:
        return self._listener is not None and not self._stop.is_set()

    def start(self) -> Forward:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", self.local))
        except OSError as exc:
            listener.close()
            raise ClusterError(f"cannot listen on 127.0.0.1:{self.local}: {exc.strerror}") from None
        listener.listen(16)
        self.local = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, name=f"forward-{self.local}", daemon=True).start()
        return self

    def stop(self, reason: str = "stopped") -> None:
        with self._lock:
            if self._stop.is_set():
                return
            self.ended = reason
            self._stop.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
        if self._on_end is not None:
            self._on_end(self)

    def _accept(self) -> None:
        checked = time.monotonic()
        while not self._stop.is_set():
            try:
                ready = select.select([self._listener], [], [], 0.5)[0]
            except (OSError, ValueError):
                break
            if ready:
                try:
                    client, _ = self._listener.accept()
                except OSError:
                    break
                self.connections += 1
                threading.Thread(target=self._serve, args=(client,), daemon=True,
                                 name=f"forward-{self.local}-conn").start()
            if time.monotonic() - checked >= POD_CHECK_SECONDS:
                checked = time.monotonic()
                gone = self._pod_gone()
                if gone:
                    self.stop(gone)

    def _pod_gone(self) -> str:
        try:
            pod = get_pod(self.conn, self.namespace, self.pod)
        except ClusterError as exc:
            return f"pod {self.namespace}/{self.pod} is gone" if exc.status == 404 else ""
        if deleting(pod):
            return f"pod {self.namespace}/{self.pod} is being deleted"
        return ""

    def _count(self, out: int = 0, into: int = 0) -> None:
        with self._counts:
            self.bytes_out += out
            self.bytes_in += into

    def _serve(self, client: socket.socket) -> None:
        from websocket import ABNF, WebSocketConnectionClosedException

        what = f"port-forward to {self.namespace}/{self.pod}:{self.remote}"
        try:
            ws = open_websocket(self.conn, self._path, [("ports", str(self.remote))], what)
        except ClusterError as exc:
            self.error = str(exc)
            client.close()
            return
        first = {0: True, 1: True}
        try:
            while not self._stop.is_set():
                pending = getattr(ws.sock, "pending", None)
                ready = ([ws.sock] if pending is not None and pending() else
                         select.select([client, ws.sock], [], [], 0.5)[0])
                if client in ready:
                    data = client.recv(65536)
                    if not data:
                        break
                    self._count(out=len(data))  # counted first: a reader may look now
                    ws.send(b"\x00" + data, opcode=ABNF.OPCODE_BINARY)
                if ws.sock in ready:
                    opcode, frame = ws.recv_data_frame(True)
                    if opcode == ABNF.OPCODE_CLOSE:
                        break
                    if opcode not in (ABNF.OPCODE_BINARY, ABNF.OPCODE_TEXT) or not frame.data:
                        continue
                    data = frame.data if isinstance(frame.data, bytes) else frame.data.encode()
                    channel, payload = data[0], data[1:]
                    if first.get(channel):
                        first[channel] = False
                        payload = payload[2:]  # the port number
                    if channel == 0 and payload:
                        self._count(into=len(payload))
                        client.sendall(payload)
                    elif channel == 1 and payload:
                        self.error = describe(ClusterError(
                            f"{what}: " + " ".join(payload.decode("utf-8", "replace").split())))
                        break
        except (OSError, WebSocketConnectionClosedException) as exc:
            if not self._stop.is_set():
                self.error = f"{what}: connection closed ({type(exc).__name__})"
        except Exception as exc:  # noqa: BLE001 - one line for this connection, the rest go on
            self.error = f"{what}: {describe(exc)}"
        finally:
            with contextlib.suppress(Exception):
                ws.close(timeout=1)
            with contextlib.suppress(OSError):
                client.close()
