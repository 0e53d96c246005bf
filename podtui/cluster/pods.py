"""Watch the pods (or events) of a namespace or all: list + watch with resourceVersion.

Raw JSON all the way (orjson, `_preload_content=False`): the typed models cost about
ten times more for big lists. The watcher runs in its own thread and hands plain
events to a callback; the UI decides how to batch them.

- The list is paged (`limit`/`continue`) so the first rows arrive before the rest.
- Watches ask for bookmarks, so a reconnect resumes from a recent resourceVersion.
- 410 Gone (history compacted) -> re-list; the UI replaces its rows in place.
- Any other failure -> "reconnecting" with backoff, then resume the watch.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from podtui.anatomy.refs import metadata, name_of, resource_version
from podtui.anatomy.row_fields import decode_row_fields
from podtui.cluster.connection import CONNECT_TIMEOUT, Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.list_pages import (
    items_intact,
    pages_ahead,
    raw_pod_items,
    without_managed_fields,
)
from podtui.cluster.memory import give_back

#: The first page is small, so that the first rows come soon; the next ones larger: the
#: sandbox's API server spent 6-7.5 s of CPU serving 50,000 pods in pages of 500 and ~3 s
#: in pages of 2,000 (bench/RESULTS.md), a cost per request that a busy server pays on
#: the core podtui needs. Pages of 2,000 only past 10,000 pods: each page is decoded whole,
#: and at 5,000 pods a page of 2,000 left 38 MB more RSS than pages of 1,000.
PAGE_SIZE = 500
NEXT_PAGE_SIZE = 1000
BIG_PAGE_SIZE = 2000
BIG_AFTER = 10_000
#: The server ends each watch after this many seconds; we then resume from the last version.
WATCH_SECONDS = 240
BACKOFF = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0)

State = Literal["connecting", "live", "reconnecting", "forbidden", "error", "stopped"]


@dataclass(frozen=True, slots=True)
class Page:
    """A page of a (re-)list. `first` starts a new snapshot, `last` ends it. With `raw`
    (a watcher asked for `row_fields`), each of `pods` holds only what its list row reads
    (anatomy.row_fields) and `raw` the pod's whole JSON as the server sent it, in order."""

    pods: list[dict]
    first: bool
    last: bool
    raw: list[bytes] | None = None


@dataclass(frozen=True, slots=True)
class Change:
    kind: Literal["ADDED", "MODIFIED", "DELETED"]
    pod: dict


@dataclass(frozen=True, slots=True)
class Status:
    state: State
    message: str = ""
    #: The HTTP status the API server answered a failure with (None: no answer, or none
    #: of a failure): a caller that cannot wait for the retries gives up on it.
    code: int | None = None


WatchEvent = Page | Change | Status


class Gone(Exception):
    """The watch's resourceVersion is too old (HTTP 410)."""


def get_pod(conn: Connection, namespace: str, name: str) -> dict:
    """One pod's JSON; ClusterError with one clear line (404: "not found")."""
    try:
        response = conn.request("GET", f"{_path('pods', namespace)}/{name}", timeout=(5, 15))
        return orjson.loads(response.data)
    except Exception as exc:  # noqa: BLE001
        if api_status(exc) == 404:
            raise ClusterError(f"pod {namespace}/{name} not found", 404) from None
        raise ClusterError(describe(exc, conn.server), api_status(exc)) from None


def _path(resource: str, namespace: str | None) -> str:
    # "pods" (core API) or a group's resource as "apis/batch/v1/jobs" (drills watch jobs)
    prefix, _, plural = resource.rpartition("/")
    base = f"/{prefix}" if prefix else "/api/v1"
    return f"{base}/namespaces/{namespace}/{plural}" if namespace else f"{base}/{plural}"


#: Ask for metadata only (PartialObjectMetadataList): names of a big namespace stay cheap.
METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


def list_names(conn: Connection, resource: str, namespace: str | None = None,
               timeout: tuple[float, float] = (CONNECT_TIMEOUT, 30)) -> list[str]:
    """The names of the resource's objects (pods, namespaces, ...), sorted; one request.

    Raises the client's errors (describe() makes them one line)."""
    response = conn.request("GET", _path(resource, namespace), timeout=timeout,
                            accept=METADATA_ONLY)
    try:
        items = orjson.loads(response.data).get("items") or []
    finally:
        response.release_conn()
    return sorted(name for item in items if (name := name_of(item)))


def iter_lines(response) -> Iterator[bytes]:
    """Lines of a chunked response as they arrive (a watch sends one JSON object a line)."""
    buffer = b""
    for chunk in response.stream(65536, decode_content=True):
        buffer += chunk
        if b"\n" not in chunk:
            continue
        *lines, buffer = buffer.split(b"\n")
        yield from (line for line in lines if line)
    if buffer.strip():
        yield buffer


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while a page of pods is decoded and handed over. JSON makes no
    reference cycles, yet a page of 500 pods (some 75,000 dicts and lists) triggers ~100
    collections, and as the cache grows they scan ever more of the heap: listing 10,000
    pods spent more time in the GC than in everything else (bench/RESULTS.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _normalize(pod: dict) -> dict:
    # A list omits kind/apiVersion on items; watches carry them. Make both alike, and drop
    # managedFields (often half of a pod's JSON; kubectl hides them too) to save memory.
    if "spec" in pod:
        pod.setdefault("kind", "Pod")
        pod.setdefault("apiVersion", "v1")
    meta = pod.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
    return pod


def _decode_page(raw: bytes) -> dict:
    """A list page, decoded without its items' managedFields where the page's shape allows
    (list_pages.without_managed_fields), else whole."""
    cut = without_managed_fields(raw)
    data = orjson.loads(cut)
    if cut is not raw and not (isinstance(data, dict) and items_intact(data.get("items") or [])):
        data = orjson.loads(raw)
    return data


def _row_page(raw: bytes) -> tuple[dict, list[dict], list[bytes]] | None:
    """A pod list page as (its metadata, each pod's row fields, each pod's JSON): the pods
    are not decoded whole (~40 us a pod), only what their rows read (~20 us). None when the
    page or a pod is of another shape than the server's (then decode it whole)."""
    split = raw_pod_items(without_managed_fields(raw))
    if split is None:
        return None
    listed, items = split
    try:
        rows = [decode_row_fields(item) for item in items]
    except ValueError:
        return None
    return (listed, rows, items) if items_intact(rows) else None


class PodWatcher:
    """`run()` blocks until `stop()`; call it from a worker thread."""

    def __init__(
        self,
        conn: Connection,
        namespace: str | None,
        emit: Callable[[WatchEvent], None],
        resource: str = "pods",
        field_selector: str = "",
        row_fields: bool = False,
    ) -> None:
        self.conn = conn
        #: Pages of pods carry their row fields and raw JSON (Page.raw), not decoded pods.
        self.row_fields = row_fields and resource == "pods"
        self.namespace = namespace  # None = all namespaces
        self.emit = emit
        self.resource = resource
        self.field_selector = field_selector
        self.resource_version = ""
        self._stop = threading.Event()
        self._response = None
        self._attempt = 0  # failures in a row, for the backoff
        self._live = False  # "live" was the last state emitted

    def stop(self) -> None:
        self._stop.set()
        response = self._response
        if response is not None:
            with contextlib.suppress(Exception):  # best effort: the thread checks _stop too
                response.shutdown()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        self._attempt = 0
        need_list = not self.resource_version  # resume a known version without a re-list
        self.emit(Status("connecting", self.conn.server))
        while not self._stop.is_set():
            try:
                if need_list:
                    self._list()
                    need_list = False
                    give_back()  # the pages are decoded and freed
                if self._stop.is_set():  # stopped during the list (or by its consumer)
                    break
                self._watch()  # says "live" once the server has accepted the watch
            except Gone:
                need_list = True
                continue
            except Exception as exc:  # noqa: BLE001 - every failure is shown, then retried
                if self._stop.is_set():
                    break
                status = api_status(exc)
                if status == 410:
                    need_list = True
                    continue
                message = describe(exc, self.conn.server)
                if status in (401, 403):
                    self._live = False
                    self.emit(Status("forbidden", message, status))
                    self._stop.wait(15)
                    continue
                self._live = False
                self.emit(Status("reconnecting", message, status))
                self._stop.wait(BACKOFF[min(self._attempt, len(BACKOFF) - 1)])
                self._attempt += 1
        self.emit(Status("stopped"))

    def _selector(self) -> list[tuple[str, Any]]:
        return [("fieldSelector", self.field_selector)] if self.field_selector else []

    def _fetch_page(self, path: str, token: str, limit: int) -> bytes:
        query: list[tuple[str, Any]] = [("limit", limit), *self._selector()]
        if token:
            query.append(("continue", token))
        response = self.conn.request("GET", path, query, timeout=(CONNECT_TIMEOUT, 60))
        try:
            return response.data
        finally:
            response.release_conn()

    def _list(self) -> None:
        path = _path(self.resource, self.namespace)
        first = True
        asked = 0  # pods asked for so far

        def fetch(token: str) -> bytes:
            nonlocal asked
            limit = (BIG_PAGE_SIZE if asked >= BIG_AFTER else NEXT_PAGE_SIZE) if token \
                else PAGE_SIZE
            asked += limit
            return self._fetch_page(path, token, limit)

        # The next page is on its way while this one is decoded (list_pages).
        pages = pages_ahead(fetch)
        try:
            for raw in pages:
                with gc_paused():
                    rows = _row_page(raw) if self.row_fields else None
                    if rows is not None:
                        listed, items, whole = rows
                    else:
                        data = _decode_page(raw)
                        listed = metadata(data)  # the list's: continue token, resourceVersion
                        items, whole = data.get("items") or [], None
                        for pod in items:
                            _normalize(pod)
                        del data
                    raw = b""
                    token = listed.get("continue") or ""
                    self.emit(Page(items, first=first, last=not token, raw=whole))
                    del items, whole, rows  # freed now, before the collector would scan them
                first = False
                if not token:
                    self.resource_version = listed.get("resourceVersion") or ""
                    return
                if self._stop.is_set():
                    return
        finally:
            pages.close()

    def _watch(self) -> None:
        query = [
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("resourceVersion", self.resource_version),
            ("timeoutSeconds", WATCH_SECONDS),
            *self._selector(),
        ]
        response = self.conn.request("GET", _path(self.resource, self.namespace), query,
                                     timeout=(CONNECT_TIMEOUT, WATCH_SECONDS + 30))
        self._response = response
        if self._stop.is_set():  # stop() came before there was a response to shut down
            self._response = None
            response.close()
            response.release_conn()
            return
        # Only an accepted watch is "live": saying so before each attempt made the status
        # flicker between live and reconnecting (and reset the backoff) while the server
        # was down.
        self._attempt = 0
        if not self._live:
            self._live = True
            self.emit(Status("live"))
        finished = False
        try:
            for line in iter_lines(response):
                if self._stop.is_set():
                    return
                event = orjson.loads(line)
                kind = event.get("type")
                obj = event.get("object") or {}
                version = resource_version(obj)
                if kind == "ERROR":
                    if obj.get("code") == 410:
                        raise Gone(obj.get("message", ""))
                    raise RuntimeError(obj.get("message", "watch error"))
                if version:
                    self.resource_version = version
                if kind in ("ADDED", "MODIFIED", "DELETED"):
                    self.emit(Change(kind, _normalize(obj)))
            finished = True
        finally:
            self._response = None
            if not finished:
                # Left mid-stream (410, stop, error): the rest of the body may sit in the
                # connection's buffer, and a pooled connection with an unread response
                # fails the next request ("ResponseNotReady"). Close it instead of reusing.
                with contextlib.suppress(Exception):
                    response.close()
            response.release_conn()
