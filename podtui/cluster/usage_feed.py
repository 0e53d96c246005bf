"""Resource usage from the metrics API (metrics.k8s.io PodMetrics), polled off the event loop.

The same shape as `PodFeed`: `start()`, `stop()`, `on_change` called in the poller's
thread when the first change since the last `take()` arrives, and `take()` on the UI's
event loop. metrics-server resolves usage every 15 s by default; asking more often only
returns the same numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from podtui.anatomy import PodUsage, pod_usage_from_json, pod_usages_from_json
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.names import check_namespace, check_pod_name

METRICS_API = "/apis/metrics.k8s.io/v1beta1"
#: metrics-server's default --metric-resolution.
RESOLUTION = 15.0
UNAVAILABLE = "metrics API not available"
#: Scrapes kept for one pod's history: 5 minutes at the default resolution.
HISTORY = 20


def _path(namespace: str | None, pod: str | None = None) -> str:
    if namespace is None:
        return f"{METRICS_API}/pods"
    base = f"{METRICS_API}/namespaces/{check_namespace(namespace)}/pods"
    return f"{base}/{check_pod_name(pod)}" if pod else base


def unavailable_reason(exc: BaseException, server: str = "") -> str:
    """One line for why usage cannot be read: absent (404), forbidden (403), metrics-server
    not answering (503), or what the request met."""
    status = api_status(exc)
    if status == 404:
        return f"{UNAVAILABLE} (no metrics.k8s.io on this cluster)"
    if status in (401, 403):
        return f"{UNAVAILABLE} (forbidden)"
    if status == 503:
        return f"{UNAVAILABLE} (metrics-server is not answering)"
    return f"{UNAVAILABLE}: {describe(exc, server)}"


def read_usage(conn: Connection, namespace: str | None,
               pod: str | None = None) -> dict[tuple[str, str], PodUsage]:
    """PodMetrics of a namespace (None: all), or of one pod; raises ClusterError with one line.

    A pod that metrics-server has not scraped yet is simply absent from the result.
    """
    try:
        response = conn.request("GET", _path(namespace, pod), timeout=(5, 20))
        doc = orjson.loads(response.data)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        if pod and api_status(exc) == 404 and _api_present(conn):
            return {}
        raise ClusterError(unavailable_reason(exc, conn.server), api_status(exc)) from None
    if pod:
        usage = pod_usage_from_json(doc)
        return {} if usage is None else {(usage.namespace, usage.name): usage}
    return pod_usages_from_json(doc)


def _api_present(conn: Connection) -> bool:
    """Whether the metrics API exists (a 404 for one pod may only mean "not scraped yet")."""
    try:
        conn.request("GET", METRICS_API, timeout=(5, 10)).drain_conn()
        return True
    except Exception:  # noqa: BLE001
        return False


@dataclass(frozen=True, slots=True)
class UsageSnapshot:
    """What the UI takes: the latest usage by (namespace, name), and why there is none.
    A one-pod feed also keeps that pod's last scrapes, oldest first (`history`)."""

    pods: dict[tuple[str, str], PodUsage]
    problem: str  # "" while the API answers
    history: tuple[PodUsage, ...] = ()


class UsageFeed:
    """Polls PodMetrics of a namespace (None: all namespaces) or of one pod every `period`."""

    def __init__(self, conn: Connection, namespace: str | None, pod: str | None = None,
                 period: float = RESOLUTION) -> None:
        self._conn = conn
        self._namespace = namespace
        self._pod = pod
        self.period = period
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._latest = UsageSnapshot({}, "")
        self._changed = False
        #: Called in the poller's thread when the first change since the last take() arrives.
        self.on_change: Callable[[], None] | None = None

    def start(self) -> None:
        name = f"usage-{self._pod or self._namespace or 'all'}"
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                snapshot = UsageSnapshot(read_usage(self._conn, self._namespace, self._pod), "")
            except ClusterError as exc:
                # The last numbers are stale now: show none rather than old ones.
                snapshot = UsageSnapshot({}, str(exc))
            if self._stopped.is_set():
                return
            self._offer(self._with_history(snapshot))
            self._stopped.wait(self.period)

    def _with_history(self, snapshot: UsageSnapshot) -> UsageSnapshot:
        if not self._pod:
            return snapshot
        history = self._latest.history
        for usage in snapshot.pods.values():  # one pod: at most one
            if not history or history[-1].timestamp != usage.timestamp:
                history = (*history, usage)[-HISTORY:]
        return UsageSnapshot(snapshot.pods, snapshot.problem, history)

    def _offer(self, snapshot: UsageSnapshot) -> None:
        with self._lock:
            if snapshot == self._latest:
                return
            self._latest = snapshot
            first, self._changed = not self._changed, True
        if first and self.on_change is not None:
            self.on_change()

    def take(self) -> UsageSnapshot | None:
        """The latest snapshot when it changed since the last call, else None."""
        with self._lock:
            if not self._changed:
                return None
            self._changed = False
            return self._latest
