"""A container's log read once, to its end (no follow): what a grader or script reads."""

from __future__ import annotations

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.names import pod_path

#: The end of a log that is read: enough for a check, bounded against a chatty container.
LIMIT_BYTES = 256 * 1024


def read_log(conn: Connection, namespace: str, pod: str, container: str,
             previous: bool = False, tail_lines: int = 2000, timeout: float = 10.0) -> str:
    """The container's log (its previous instance with `previous`). Raises ClusterError
    with the server's status: 404 no such pod, 400 no such container or instance."""
    query = [("container", container), ("tailLines", tail_lines),
             ("limitBytes", LIMIT_BYTES)]
    if previous:
        query.append(("previous", "true"))
    try:
        response = conn.request("GET", pod_path(namespace, pod, "log"), query=query,
                                accept="*/*", timeout=(5, timeout))
    except Exception as exc:  # noqa: BLE001
        raise ClusterError(describe(exc, conn.server), api_status(exc)) from None
    try:
        return response.data.decode("utf-8", "replace")
    finally:
        response.release_conn()
