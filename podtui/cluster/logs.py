"""Follow container logs through the API server (no Textual here).

A `LogFollower` streams one container's log (`GET .../pods/{pod}/log?follow=true`) in a
background thread and hands plain events to a callback or a queue:

- `LogBatch(container, lines)`: lines batched (every `flush_interval` or `max_batch` lines),
  so thousands of lines per second cost a few UI updates;
- `LogStatus(container, state, message)`: connecting, streaming, reconnecting, and one
  final state (ended, pod-deleted, error, stopped) after which nothing more comes.

Timestamps are always requested so that a dropped stream (container restart, API server
restart, broken connection) resumes from the last line seen, without a gap and without a
duplicate. The API takes `sinceTime` with one-second precision only (the API server
formats it as RFC 3339 when it forwards the request to the kubelet), so a resume asks for
the whole second of the last line and drops what was already delivered: every line
older than the last timestamp, and as many lines *at* that timestamp as were already seen.

One limit: when a `tail` starts inside a group of lines with the very same timestamp and the
stream drops before a newer line arrived, the lines of that group before the tail cannot be
told apart from the ones delivered (kubelet timestamps have nanoseconds, so this is rare).

The pod itself is watched alongside, so a deleted pod stops the follower even where the
log stream would stay open (KWOK keeps it open while the file exists).
"""

from __future__ import annotations

import calendar
import contextlib
import heapq
import http.client
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import orjson
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from podtui.cluster.connection import CONNECT_TIMEOUT, Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.pods import iter_lines

# --- events ---------------------------------------------------------------------------

CONNECTING = "connecting"
STREAMING = "streaming"
RECONNECTING = "reconnecting"
ENDED = "ended"  # the whole log was read (not following, or a previous instance)
POD_DELETED = "pod-deleted"
ERROR = "error"  # fatal: the follower stopped
STOPPED = "stopped"  # stop() was called

FINAL_STATES = frozenset({ENDED, POD_DELETED, ERROR, STOPPED})
#: The message of a CONNECTING status while the container has written nothing yet.
WAITING_FOR_OUTPUT = "waiting for output"

#: How long a follow stream may stay silent before we quietly reconnect (catches dead peers).
IDLE_READ_TIMEOUT = 300.0
#: The kubelet (and KWOK) send the response headers with the first line only: an empty log
#: keeps the request waiting. We ask again after this long, so that stop() stays prompt.
HEADER_TIMEOUT = 3.0
#: Backoff between reconnects, in seconds (doubling up to the maximum).
BACKOFF_START = 0.5
BACKOFF_MAX = 10.0


class LogLine(NamedTuple):
    """One log line. `ns` (nanoseconds since the epoch, exact) orders and resumes; `ts_raw`
    is the timestamp as the kubelet wrote it (without one: `ts_raw` "", `ns` None)."""

    ts_raw: str
    text: str
    ns: int | None = None

    @property
    def ts(self) -> datetime | None:
        """The timestamp as a UTC datetime (microseconds), made on demand: most lines are
        never shown, and a datetime per line costs the follower more than the parsing."""
        return None if self.ns is None else ns_to_datetime(self.ns)


class LogBatch(NamedTuple):
    container: str
    lines: list[LogLine]


class LogStatus(NamedTuple):
    container: str
    state: str
    message: str = ""
    error: bool = False  # the message is an error (shown as such; fatal when state is ERROR)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def worth_telling(self) -> bool:
        """Said in a merged stream: errors, retries, pod deleted."""
        return self.error or self.state in (POD_DELETED, ERROR)


LogEvent = LogBatch | LogStatus


# --- timestamps -----------------------------------------------------------------------

_SECOND_CACHE: dict[str, int] = {}
_FRAC_RE = re.compile(r"\.([0-9]{1,9})")  # ASCII digits only (\d takes any script's)
_DIGITS = frozenset("0123456789")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch_second(prefix: str) -> int:
    """'YYYY-MM-DDTHH:MM:SS' (UTC) -> seconds since the epoch, cached: the lines of one
    second share it. Raises ValueError (or IndexError) when it is not such a prefix."""
    value = _SECOND_CACHE.get(prefix)
    if value is None:
        if not (
            len(prefix) == 19
            and prefix[4] == prefix[7] == "-"
            and prefix[10] in "Tt"
            and prefix[13] == prefix[16] == ":"
            and _DIGITS.issuperset(prefix[0:4] + prefix[5:7] + prefix[8:10])
            and _DIGITS.issuperset(prefix[11:13] + prefix[14:16] + prefix[17:19])
        ):
            raise ValueError(prefix)
        dt = datetime(  # validates the ranges (month 13, February 30, ...)
            int(prefix[0:4]),
            int(prefix[5:7]),
            int(prefix[8:10]),
            int(prefix[11:13]),
            int(prefix[14:16]),
            int(prefix[17:19]),
            tzinfo=UTC,
        )
        value = calendar.timegm(dt.utctimetuple())
        if len(_SECOND_CACHE) > 4096:
            _SECOND_CACHE.clear()
        _SECOND_CACHE[prefix] = value
    return value


def timestamp_ns(raw: str) -> int | None:
    """An RFC 3339 timestamp as the kubelet writes it -> nanoseconds since the epoch.

    Fractions of 1-9 digits (Go trims trailing zeros), `Z` or a numeric offset.
    Returns None when `raw` is not such a timestamp.
    """
    if len(raw) < 20:
        return None
    try:
        seconds = _epoch_second(raw[:19])
    except (ValueError, IndexError):
        return None
    # The kubelet's usual form, 'YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ', without the regex.
    if len(raw) == 30 and raw[19] == "." and raw[29] == "Z":
        digits = raw[20:29]
        if digits.isdigit() and digits.isascii():
            return seconds * 1_000_000_000 + int(digits)
    rest = raw[19:]
    nanos = 0
    if rest[0] == ".":
        match = _FRAC_RE.match(rest)
        if match is None:
            return None
        nanos = int(match.group(1).ljust(9, "0"))
        rest = rest[match.end() :]
    if rest == "Z" or rest == "z":
        pass
    elif len(rest) == 6 and rest[0] in "+-" and rest[3] == ":" and _DIGITS.issuperset(
        rest[1:3] + rest[4:6]
    ):
        offset = int(rest[1:3]) * 3600 + int(rest[4:6]) * 60
        seconds += -offset if rest[0] == "+" else offset
    else:
        return None
    return seconds * 1_000_000_000 + nanos


def ns_to_datetime(ns: int) -> datetime:
    """Epoch nanoseconds -> UTC datetime (truncated to microseconds)."""
    return _EPOCH + timedelta(microseconds=ns // 1000)


def parse_timestamp(raw: str) -> tuple[int, datetime] | None:
    """An RFC 3339 timestamp (see `timestamp_ns`) -> (epoch nanoseconds, UTC datetime)."""
    ns = timestamp_ns(raw)
    return None if ns is None else (ns, ns_to_datetime(ns))


def parse_line(raw: str) -> LogLine:
    """'<RFC3339Nano> <text>' (the API's timestamps=true form) -> LogLine."""
    head, sep, rest = raw.partition(" ")
    ns = timestamp_ns(head) if sep or head else None
    if ns is None:
        return LogLine("", raw, None)
    return LogLine(head, rest, ns)


def format_since_time(ns: int) -> str:
    """Epoch nanoseconds -> the RFC 3339 second that contains them (what sinceTime accepts)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ns // 1_000_000_000))


_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_since(value: str) -> int | datetime:
    """'5m', '1h30m', '90s', '2h' -> seconds; an RFC 3339 time -> an aware datetime.

    Raises ValueError with a message fit for the user.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty --since")
    if text.isdigit():
        return max(1, int(text))
    pos = 0
    total = 0.0
    for match in _DURATION_RE.finditer(text):
        if match.start() != pos:
            break
        amount = float(match.group(1))
        total += amount * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[match.group(2)]
        pos = match.end()
    if pos == len(text) and pos > 0:
        return max(1, int(total + 0.999))
    parsed = parse_timestamp(text)
    if parsed is None:
        with contextlib.suppress(ValueError):
            dt = datetime.fromisoformat(text)
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        raise ValueError(
            f"--since {value!r}: expected a duration like 30s, 5m, 1h30m or an RFC 3339 time"
        )
    return parsed[1]


# --- resume without gap or duplicate ---------------------------------------------------


class ResumeCursor:
    """Remembers how far a stream got, and filters the replay after a reconnect.

    The position is the newest timestamp delivered and how many lines carried exactly
    that timestamp. After `begin_resume()`, `admit()` drops lines older than the position
    and the first `count` lines at it; the first line that gets through ends the catch-up,
    and from then on every line is admitted (and recorded).
    """

    __slots__ = ("last_ns", "last_raw", "count", "_catching_up", "_skip", "min_ns")

    def __init__(self, min_ns: int | None = None) -> None:
        self.last_ns: int | None = None
        self.last_raw = ""
        self.count = 0
        self._catching_up = False
        self._skip = 0
        #: Lines older than this are never admitted (a --since finer than one second).
        self.min_ns = min_ns

    @property
    def has_position(self) -> bool:
        return self.last_ns is not None

    def since_time(self) -> str | None:
        return None if self.last_ns is None else format_since_time(self.last_ns)

    def begin_resume(self) -> None:
        if self.last_ns is not None:
            self._catching_up = True
            self._skip = self.count

    @property
    def catching_up(self) -> bool:
        return self._catching_up

    def admit(self, ns: int | None, raw: str = "") -> bool:
        """Whether a line is new; records it when it is."""
        if self.min_ns is not None and ns is not None and ns < self.min_ns:
            return False
        if self._catching_up:
            last = self.last_ns
            if ns is None or last is None or ns < last:
                return False
            if ns == last and self._skip > 0:
                self._skip -= 1
                return False
            self._catching_up = False
        if ns is not None:
            if self.last_ns is None or ns > self.last_ns:
                self.last_ns = ns
                self.last_raw = raw
                self.count = 1
            elif ns == self.last_ns:
                self.count += 1
        return True


# --- the batching outbox ----------------------------------------------------------------


class _Outbox:
    """Collects lines and statuses from the reader thread; a second thread delivers them,
    lines in batches (after `interval` seconds or `max_batch` lines), in order."""

    def __init__(self, container: str, deliver: Callable[[LogEvent], None],
                 interval: float, max_batch: int) -> None:
        self.container = container
        self._deliver = deliver
        self._interval = interval
        self._max = max_batch
        self._cond = threading.Condition()
        self._ready: list[LogEvent] = []
        self._lines: list[LogLine] = []
        self._first_at = 0.0
        self._closed = False

    def lines(self, lines: list[LogLine]) -> None:
        if not lines:
            return
        with self._cond:
            if not self._lines:
                self._first_at = time.monotonic()
                self._cond.notify()
            self._lines.extend(lines)
            if len(self._lines) >= self._max:
                self._cond.notify()

    def status(self, status: LogStatus) -> None:
        with self._cond:
            self._move_lines()
            self._ready.append(status)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _move_lines(self) -> None:
        if self._lines:
            self._ready.append(LogBatch(self.container, self._lines))
            self._lines = []

    def run(self) -> None:
        while True:
            with self._cond:
                while not self._ready:
                    if self._lines:
                        wait = self._first_at + self._interval - time.monotonic()
                        if wait <= 0 or len(self._lines) >= self._max or self._closed:
                            self._move_lines()
                            break
                        self._cond.wait(wait)
                    elif self._closed:
                        return
                    else:
                        self._cond.wait()
                ready, self._ready = self._ready, []
            for event in ready:
                # A consumer's bug must not kill the stream.
                with contextlib.suppress(Exception):
                    self._deliver(event)


# --- raw API calls ------------------------------------------------------------------------


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


def _pod_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{namespace}/pods/{pod}"


# --- the follower ---------------------------------------------------------------------------


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
        self._outbox = _Outbox(container, self._deliver, flush_interval, max_batch)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._response = None
        self._watch_response = None
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
            response, watch = self._response, self._watch_response
        _close_response(response, shutdown=True)
        _close_response(watch, shutdown=True)

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
            response = self.conn.request("GET", f"{_pod_path(self.namespace, self.pod)}/log",
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
        read1 = response.read1
        if isinstance(raw, http.client.HTTPResponse) and not response.headers.get(
            "content-encoding"
        ):
            read1 = raw.read1
        buffer = b""
        try:
            while True:
                chunk = read1(65536)
                if not chunk:
                    break
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
                watch = self._watch_response
            _close_response(watch, shutdown=True)
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
        metadata = pod.get("metadata") or {}
        uid = metadata.get("uid", "")
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
        """Watch the pod (list + watch by name) until it is deleted or we stop."""
        backoff = BACKOFF_START
        version = ""
        pods = f"/api/v1/namespaces/{self.namespace}/pods"
        selector = ("fieldSelector", f"metadata.name={self.pod}")
        while not self._stop.is_set():
            clean = False
            started = time.monotonic()
            try:
                if not version:
                    # A list gives a current resourceVersion to watch from (a pod's own
                    # version may be older than the server's watch history).
                    response = self.conn.request("GET", pods, [selector])
                    try:
                        listed = orjson.loads(response.data)
                    finally:
                        _close_response(response)
                    items = listed.get("items") or []
                    if not items or self._pod_event("ADDED", items[0]):
                        self._gone()
                        return
                    version = (listed.get("metadata") or {}).get("resourceVersion", "")
                query = [
                    selector,
                    ("watch", "true"),
                    ("allowWatchBookmarks", "true"),
                    ("resourceVersion", version),
                    ("timeoutSeconds", 240),
                ]
                response = self.conn.request("GET", pods, query, timeout=(CONNECT_TIMEOUT, 300))
                with self._lock:
                    self._watch_response = response
                if self._stop.is_set():
                    break
                try:
                    clean = True
                    for raw in iter_lines(response):
                        event = orjson.loads(raw)
                        kind = event.get("type", "")
                        obj = event.get("object") or {}
                        if kind == "ERROR":
                            clean = False
                            if obj.get("code") == 410:
                                version = ""
                            break
                        new_version = (obj.get("metadata") or {}).get("resourceVersion")
                        if new_version:
                            version = new_version
                        if kind == "BOOKMARK":
                            continue
                        if self._pod_event(kind, obj):
                            self._gone()
                            return
                finally:
                    with self._lock:
                        self._watch_response = None
                    _close_response(response)
            except Exception as exc:  # noqa: BLE001
                if self._stop.is_set():
                    break
                clean = False
                if api_status(exc) == 404:
                    self._gone()
                    return
                if api_status(exc) == 410:
                    version = ""
            if clean and time.monotonic() - started > 1:
                backoff = BACKOFF_START  # the server ended the watch: resume at once
                continue
            if self._stop.wait(backoff):
                break
            backoff = min(backoff * 2, BACKOFF_MAX)


def _is_idle_timeout(exc: BaseException) -> bool:
    return "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower()


# --- several containers at once (the command line) ---------------------------------------


def pod_containers(conn: Connection, namespace: str, pod: str) -> dict[str, list[str]]:
    """The pod's container names by kind: {'init': [...], 'app': [...], 'ephemeral': [...]}.

    Raises ClusterError with one clear line.
    """
    try:
        response = conn.request("GET", _pod_path(namespace, pod))
        try:
            data = orjson.loads(response.data)
        finally:
            _close_response(response)
    except Exception as exc:  # noqa: BLE001
        if api_status(exc) == 404:
            raise ClusterError(f"pod {namespace}/{pod} not found", 404) from None
        raise ClusterError(describe(exc, conn.server), api_status(exc)) from None
    spec = data.get("spec") or {}

    def names(key: str) -> list[str]:
        return [c.get("name", "") for c in spec.get(key) or () if c.get("name")]

    return {
        "init": names("initContainers"),
        "app": names("containers"),
        "ephemeral": names("ephemeralContainers"),
    }


def merged_batches(
    conn: Connection,
    namespace: str,
    pod: str,
    containers: Sequence[str],
    *,
    follow: bool = False,
    tail: int | None = None,
    since: float | timedelta | datetime | None = None,
    previous: bool = False,
    sort_window: float = 0.0,
) -> Iterator[LogBatch | LogStatus]:
    """The logs of several containers as one stream of batches (see `merged_logs`);
    following with a `sort_window` (seconds), in timestamp order through a reorder window
    (podtui/cluster/reorder.py)."""
    events: queue.Queue[LogEvent] = queue.Queue()
    followers = [
        LogFollower(
            conn,
            namespace,
            pod,
            name,
            events=events,
            tail=tail,
            since=since,
            previous=previous,
            follow=follow,
            flush_interval=0.05 if follow else 0.2,
            max_batch=500 if follow else 5000,
        )
        for name in containers
    ]
    for follower in followers:
        follower.start()
    try:
        if follow and sort_window > 0:
            from podtui.cluster.reorder import merge_live_sorted  # it imports this module

            yield from merge_live_sorted(events, len(followers), sort_window)
        elif follow:
            yield from _merge_live(events, len(followers))
        else:
            yield from _merge_sorted(events, list(containers))
    finally:
        for follower in followers:
            follower.stop()


def merged_logs(
    conn: Connection, namespace: str, pod: str, containers: Sequence[str], **options: Any
) -> Iterator[tuple[str, LogLine] | LogStatus]:
    """The logs of several containers as one stream of `(container, line)`; `options` are
    those of `merged_batches` (follow, tail, since, previous).

    Not following: every container is read to its end, then the lines come ordered by
    timestamp across containers (each container's own order is kept; for equal times the
    containers come in the order asked for); problems (`LogStatus`: error, pod deleted)
    come first. Following: lines come as they arrive, with the statuses worth telling
    (errors, retries, pod deleted), until every container has reached a final state.
    Closing the iterator stops the followers.
    """
    stream = merged_batches(conn, namespace, pod, containers, **options)
    try:
        for item in stream:
            if isinstance(item, LogBatch):
                for line in item.lines:
                    yield item.container, line
            else:
                yield item
    finally:
        stream.close()


def _merge_live(events: queue.Queue, count: int) -> Iterator[LogBatch | LogStatus]:
    finished = 0
    while finished < count:
        event = events.get()
        if isinstance(event, LogBatch):
            yield event
            continue
        if event.final:
            finished += 1
        if event.worth_telling:
            yield event


def _merge_sorted(events: queue.Queue, containers: list[str]) -> Iterator[LogBatch | LogStatus]:
    collected: dict[str, list[LogLine]] = {name: [] for name in containers}
    finished = 0
    problems: list[LogStatus] = []
    while finished < len(containers):
        event = events.get()
        if isinstance(event, LogBatch):
            collected[event.container].extend(event.lines)
            continue
        if event.final:
            finished += 1
            if event.state in (ERROR, POD_DELETED):
                problems.append(event)
    yield from problems

    def keyed(name: str):
        for line in collected[name]:
            yield (line.ns if line.ns is not None else -1), name, line

    # heapq.merge is stable: for equal times, containers come in the order asked for.
    run: list[LogLine] = []
    run_name = ""
    for _ns, name, line in heapq.merge(*(keyed(n) for n in containers), key=lambda t: t[0]):
        if name != run_name and run:
            yield LogBatch(run_name, run)
            run = []
        run_name = name
        run.append(line)
    if run:
        yield LogBatch(run_name, run)
