"""Writes: create (after a server-side dry run) and delete, plus access checks.

Every write goes through here, so `--readonly` is refused with a clear line before any
request; `Connection.request` refuses any write that would get past it all the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from podtui.anatomy.refs import pod_ref
from podtui.cluster.connection import Connection, ReadOnlyError
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.names import pod_path


def refuse_if_readonly(conn: Connection, what: str) -> None:
    if conn.readonly:
        raise ReadOnlyError(what)


def create_pod(conn: Connection, manifest: dict, dry_run: bool = False) -> dict:
    """Create (or with dry_run, only validate on the server) a pod; returns the server's pod."""
    refuse_if_readonly(conn, "create pod")
    namespace = pod_ref(manifest).namespace or conn.namespace
    try:
        response = conn.request("POST", pod_path(namespace),
                                [("dryRun", "All")] if dry_run else [], body=manifest)
    except Exception as exc:  # noqa: BLE001
        raise ClusterError(_write_error("create", pod_ref(manifest).name or "?", namespace, exc,
                                        conn.server), api_status(exc)) from None
    import orjson

    return orjson.loads(response.data)


@dataclass(frozen=True)
class DeleteResult:
    namespace: str
    name: str
    ok: bool
    message: str


def delete_pod(conn: Connection, namespace: str, name: str, force: bool = False) -> DeleteResult:
    """Graceful delete (the pod's own grace period), or forced with grace period 0."""
    refuse_if_readonly(conn, "delete pod")
    try:
        response = conn.request("DELETE", pod_path(namespace, name),
                                [("gracePeriodSeconds", 0)] if force else [])
        # Read to the end: a pooled connection with an unread response fails the next
        # request on it ("ResponseNotReady").
        response.drain_conn()
        response.release_conn()
    except Exception as exc:  # noqa: BLE001
        return DeleteResult(namespace, name, False,
                            _write_error("delete", name, namespace, exc, conn.server))
    how = "force-deleted (grace 0)" if force else "deleting (graceful)"
    return DeleteResult(namespace, name, True, f"{namespace}/{name}: {how}")


def _write_error(verb: str, name: str, namespace: str, exc: Exception, server: str = "") -> str:
    status = api_status(exc)
    if status == 409:
        return f"cannot {verb} pod {namespace}/{name}: a pod with that name already exists"
    if status == 404 and verb == "delete":
        return f"pod {namespace}/{name} is already gone"
    return f"cannot {verb} pod {namespace}/{name}: {describe(exc, server)}"


def can_i(conn: Connection, verb: str, resource: str = "pods", namespace: str | None = None,
          subresource: str = "") -> bool:
    """SelfSubjectAccessReview; `--readonly` answers no to every write."""
    if conn.readonly and verb in ("create", "delete", "update", "patch", "deletecollection"):
        return False
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"verb": verb, "resource": resource,
                                        "namespace": namespace or "",
                                        "subresource": subresource}},
    }
    import orjson

    try:
        review = conn.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                              body=body, timeout=(5, 10))
        # Parsed in here too: a proxy's HTML page would otherwise end the app.
        return bool((orjson.loads(review.data).get("status") or {}).get("allowed"))
    except Exception:  # noqa: BLE001 - unknown means "let the server decide"
        return True
