"""`LogFollower`: one container's log, followed in background threads, resumed after every
drop, and stopped when the pod is deleted. The one job needs the whole state machine
(connect, stream, classify failures, back off, resume) and the pod watch beside it, so
it stays one module."""

from __future__ import annotations

import contextlib
import http.client
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from podtui.anatomy.refs import uid_of
from podtui.cluster.connection import CONNECT_TIMEOUT, Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.logs.chunked import read_chunked
from podtui.cluster.logs.cursor import ResumeCursor
from podtui.cluster.logs.events import (
    CONNECTING,
    ENDED,
    ERROR,
    POD_DELETED,
    RECONNECTING,
    STOPPED,
    STREAMING,
    WAITING_FOR_OUTPUT,
    LogEvent,
    LogStatus,
)
from podtui.cluster.logs.lines import LogLine, format_since_time, parse_line
from podtui.cluster.logs.outbox import Outbox
from podtui.cluster.names import pod_path
from podtui.cluster.pods import Change, Page, PodWatcher, WatchEvent

#: How long a follow stream may stay silent before we quietly reconnect (catches dead peers).
IDLE_READ_TIMEOUT = 300.0
#: KWOK sends the response headers with the first line only, so an empty log keeps the
#: request waiting (a real kubelet sends them at once: 0.16 s for an empty container's log
#: here). We ask again after this long, so that stop() stays prompt.
HEADER_TIMEOUT = 3.0
#: Backoff between reconnects, in seconds (doubling up to the maximum).
BACKOFF_START = 0.5
BACKOFF_MAX = 10.0


class _NoOutputYet(Exception):
    """No response headers within HEADER_TIMEOUT: the log has no line yet."""



def _close_response(response, shutdown: bool = False) -> None:
    if response is None:
        return
    if shutdown:
        with contextlib.suppress(Exception):
            response.shutdown()  # unblocks a read in another thread
    with contextlib.suppress(Exception):
        response.close()


def _error_message(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, bytes | str) and body:
        with contextlib.suppress(Exception):
            data = orjson.loads(body)
            if isinstance(data, dict) and data.get("message"):
                return str(data["message"])
    return ""




class LogFollower:
    """Follow one container's log in background threads.

    Events go to `on_event` (called from a background thread, in order) and/or are put on
    `events` (a queue). Call `start()`, later `stop()`; `join()` waits for the end.

    `since`: seconds (int/float/timedelta) back from now, or an aware datetime.
    `tail`: the last N lines to start with (None = all). Both only shape the first request;
    reconnects resume from the last line seen.
    """

    def __init__(
        self,
        conn: Connection,
        namespace: str,
        pod: str,
        container: str,
        *,
        on_event: Callable[[LogEvent], None] | None = None,
        events: queue.Queue | None = None,
        tail: int | None = None,
        since: float | timedelta | datetime | None = None,
        previous: bool = False,
        follow: bool = True,
        flush_interval: float = 0.05,
        max_batch: int = 500,
        watch_pod: bool = True,
    ) -> None:
        self.conn = conn
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.tail = tail
        self.previous = previous
        # A previous instance has ended: read it to its end, never follow it.
        self.follow = follow and not previous
        self.watch_pod = watch_pod and self.follow
        self._since_seconds: int | None = None
        self._since_time: str | None = None
        min_ns = None
        if isinstance(since, timedelta):
            since = since.total_seconds()
        if isinstance(since, datetime):
            aware = since if since.tzinfo else since.replace(tzinfo=UTC)
            stamp = aware.timestamp()
            min_ns = int(stamp) * 1_000_000_000 + aware.microsecond * 1000
            self._since_time = format_since_time(min_ns)
        elif since is not None:
            self._since_seconds = max(1, int(since + 0.999))
        self.cursor = ResumeCursor(min_ns)
        self._consumers: list[Callable[[LogEvent], None]] = []
        if on_event is not None:
            self._consumers.append(on_event)
        if events is not None:
            self._consumers.append(events.put)
        self._outbox = Outbox(container, self._deliver, flush_interval, max_batch)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._response = None
        self._pod_watcher: PodWatcher | None = None
        self._pod_gone = False
        self._pod_phase = ""
        self._pod_uid = ""
        self._threads: list[threading.Thread] = []
        self.state = CONNECTING
        self.lines_delivered = 0
        self.reconnects = 0

    # -- public -------------------------------------------------------------------------

    def start(self) -> LogFollower:
        name = f"logs-{self.pod}-{self.container}"
        targets = [(self._run, name), (self._outbox.run, f"{name}-out")]
        if self.watch_pod:
            targets.append((self._watch, f"{name}-pod"))
        for target, thread_name in targets:
            thread = threading.Thread(target=target, name=thread_name, daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def stop(self) -> None:
        """End promptly: close the streams; a final `stopped` status follows (unless the
        follower had already reached a final state)."""
        self._stop.set()
        with self._lock:
            response, watcher = self._response, self._pod_watcher
        _close_response(response, shutdown=True)
        if watcher is not None:
            watcher.stop()

    def join(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        return not any(t.is_alive() for t in self._threads)

    def reconnect(self) -> None:
        """Drop the current connection (as a network failure would); the follower resumes."""
        with self._lock:
            response = self._response
        _close_response(response, shutdown=True)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- internals ------------------------------------------------------------------------

    def _deliver(self, event: LogEvent) -> None:
        for consumer in self._consumers:
            consumer(event)

    def _status(self, state: str, message: str = "", error: bool = False) -> None:
        self.state = state
        self._outbox.status(LogStatus(self.container, state, message, error))

    def _query(self) -> list[tuple[str, Any]]:
        query: list[tuple[str, Any]] = [
            ("container", self.container),
            ("timestamps", "true"),
        ]
        if self.follow:
            query.append(("follow", "true"))
        if self.previous:
            query.append(("previous", "true"))
        since = self.cursor.since_time()
        if since is not None:
            query.append(("sinceTime", since))  # resume: the cursor drops what we had
        else:
            if self.tail is not None and self.tail >= 0:
                query.append(("tailLines", int(self.tail)))
            if self._since_time is not None:
                query.append(("sinceTime", self._since_time))
            elif self._since_seconds is not None:
                query.append(("sinceSeconds", self._since_seconds))
        return query

    def _open(self):
        timeout = (CONNECT_TIMEOUT, HEADER_TIMEOUT if self.follow else 60.0)
        try:
            response = self.conn.request("GET", pod_path(self.namespace, self.pod, "log"),
                                         self._query(), timeout=timeout, accept="*/*")
        except ReadTimeoutError:
            if self.follow:
                raise _NoOutputYet from None
            raise
        if self.follow:
            # Streaming now: a quiet log may stay silent for long.
            with contextlib.suppress(Exception):
                response.connection.sock.settimeout(IDLE_READ_TIMEOUT)
        return response

    def _read(self, response) -> None:
        """Read until EOF (or the socket is shut down), splitting and filtering lines."""
        # The API server sends a chunk every few lines, and urllib3 wraps each read in an
        # error catcher, a decoder check and a buffer queue (30 % of this thread's time):
        # read through the http.client response below it when the body is not encoded.
        raw = getattr(response, "_fp", None)
        blocks = iter(lambda: response.read1(65536), b"")
        if isinstance(raw, http.client.HTTPResponse) and not response.headers.get(
            "content-encoding"
        ):
            if raw.chunked and raw.chunk_left is None and raw.fp is not None:
                # Nothing of the body read yet: all that arrived in one read, not one
                # HTTP chunk (a few lines) per read (podtui.cluster.logs.chunked).
                blocks = read_chunked(raw.fp)
            else:
                blocks = iter(lambda: raw.read1(65536), b"")
        buffer = b""
        try:
            for chunk in blocks:
                buffer += chunk
                if b"\n" not in chunk:
                    continue
                end = buffer.rfind(b"\n")
                # One decode per chunk, not per line: lines end at b"\n", which no
                # multi-byte UTF-8 sequence contains, so the result is the same.
                text = buffer[:end].decode("utf-8", "replace")
                buffer = buffer[end + 1 :]
                self._admit(text.split("\n"))
        except http.client.HTTPException as exc:  # as urllib3 reports a broken stream
            raise ProtocolError(f"Connection broken: {exc!r}", exc) from exc
        if buffer and not self._stop.is_set():
            # A complete response without a final newline: keep the last line.
            self._admit([buffer.decode("utf-8", "replace")])

    def _admit(self, texts: list[str]) -> None:
        admit = self.cursor.admit
        batch: list[LogLine] = []
        for text in texts:
            if text.endswith("\r"):
                text = text[:-1]
            line = parse_line(text)
            if admit(line.ns, line.ts_raw):
                batch.append(line)
        if batch:
            self.lines_delivered += len(batch)
            self._outbox.lines(batch)

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            with self._lock:
                response, self._response = self._response, None
            _close_response(response)
            # The pod watcher may still be blocked on its stream.
            self._stop.set()
            with self._lock:
                watcher = self._pod_watcher
            if watcher is not None:
                watcher.stop()
            self._outbox.close()

    def _loop(self) -> None:
        backoff = BACKOFF_START
        first = True
        waiting = False
        while not self._stop.is_set():
            if self._pod_gone and (not first or self._pod_uid):
                self._status(POD_DELETED, "pod deleted: stopped")
                return
            if first and not waiting:
                self._status(CONNECTING, f"connecting to {self.container}")
            started = time.monotonic()
            try:
                response = self._open()
            except _NoOutputYet:
                if not waiting:
                    waiting = True
                    self._status(CONNECTING, WAITING_FOR_OUTPUT)
                continue
            except Exception as exc:  # noqa: BLE001 - every failure becomes a status line
                if self._stop.is_set():
                    break
                verdict = self._classify(exc, first)
                if verdict is not None:
                    state, message = verdict
                    self._status(state, message, error=state == ERROR)
                    return
                self._status(
                    RECONNECTING,
                    f"{describe(exc, self.conn.server)}; retrying in {backoff:g}s",
                    error=True,
                )
                if self._stop.wait(backoff):
                    break
                backoff = min(backoff * 2, BACKOFF_MAX)
                self.cursor.begin_resume()
                continue
            waiting = False
            with self._lock:
                self._response = response
            if self._stop.is_set():
                _close_response(response)
                break
            self._status(STREAMING, "previous instance" if self.previous else "")
            error: BaseException | None = None
            try:
                self._read(response)
            except Exception as exc:  # noqa: BLE001
                error = exc
            finally:
                with self._lock:
                    self._response = None
                _close_response(response)
            if self._stop.is_set():
                break
            if self._pod_gone:
                self._status(POD_DELETED, "pod deleted: stopped")
                return
            if error is None and not self.follow:
                what = "previous instance: end of log" if self.previous else "end of log"
                self._status(ENDED, what)
                return
            if self._pod_phase in ("Succeeded", "Failed"):
                self._status(ENDED, f"pod {self._pod_phase.lower()}: stream ended")
                return
            first = False
            self.reconnects += 1
            if time.monotonic() - started > 10:
                backoff = BACKOFF_START
            where = self.cursor.last_raw or "the start"
            if error is None or _is_idle_timeout(error):
                self._status(RECONNECTING, f"stream ended: reconnecting from {where}")
                # A clean end (restart, server closed it): come back quickly, then slower.
                delay = 0.0 if backoff <= BACKOFF_START else backoff
            else:
                self._status(
                    RECONNECTING,
                    f"{describe(error, self.conn.server)}: reconnecting from {where}",
                    error=True,
                )
                delay = backoff
            if delay and self._stop.wait(delay):
                break
            backoff = min(backoff * 2, BACKOFF_MAX)
            self.cursor.begin_resume()
        self._status(STOPPED, "stopped")

    def _classify(self, exc: BaseException, first: bool) -> tuple[str, str] | None:
        """A final (state, message) for errors that retrying cannot fix, else None."""
        status = api_status(exc)
        server_message = _error_message(exc)
        if status == 404:
            if first and not self._pod_uid:
                return ERROR, f"pod {self.namespace}/{self.pod} not found"
            self._pod_gone = True
            return POD_DELETED, "pod deleted: stopped"
        if status == 400:
            lowered = server_message.lower()
            if "not valid for pod" in lowered or "not found" in lowered or self.previous:
                text = server_message or "bad request"
                if "not valid for pod" in lowered:
                    text = (
                        f"container {self.container!r} is not in pod "
                        f"{self.namespace}/{self.pod}"
                    )
                return ERROR, text
            return None  # e.g. "container ... is waiting to start": retry
        if status in (401, 403):
            return ERROR, describe(exc, self.conn.server)
        if isinstance(exc, ClusterError):
            return ERROR, describe(exc, self.conn.server)
        return None

    # -- the pod watch (deletion, phase) ---------------------------------------------------

    def _pod_event(self, kind: str, pod: dict) -> bool:
        """Record what matters of the pod; True when the pod is gone."""
        uid = uid_of(pod)
        if kind == "DELETED" or (self._pod_uid and uid and uid != self._pod_uid):
            return True
        if uid and not self._pod_uid:
            self._pod_uid = uid
        self._pod_phase = (pod.get("status") or {}).get("phase", "") or ""
        return False

    def _gone(self) -> None:
        self._pod_gone = True
        with self._lock:
            response = self._response
        _close_response(response, shutdown=True)

    def _watch(self) -> None:
        """Watch the pod by name until it is deleted or we stop: the one list-and-watch
        loop (cluster/pods.PodWatcher: 410, bookmarks and backoff handled there)."""
        watcher = PodWatcher(self.conn, self.namespace, self._on_pod_watch,
                             field_selector=f"metadata.name={self.pod}")
        with self._lock:
            if self._stop.is_set():
                return
            self._pod_watcher = watcher
        watcher.run()

    def _on_pod_watch(self, event: WatchEvent) -> None:
        """The pod watcher's events, in its thread. Its connection states are its own: the
        log stream says how the stream is."""
        if isinstance(event, Page):
            # A list (the first, or again after 410) without the pod: it is gone.
            gone = (event.first and not event.pods) or any(
                self._pod_event("ADDED", pod) for pod in event.pods)
        elif isinstance(event, Change):
            gone = self._pod_event(event.kind, event.pod)
        else:
            return
        if gone and not self._pod_gone:
            if self._pod_watcher is not None:
                self._pod_watcher.stop()
            self._gone()


def _is_idle_timeout(exc: BaseException) -> bool:
    return "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower()
