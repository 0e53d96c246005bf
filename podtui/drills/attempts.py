"""A drill attempt on the cluster: its own namespace, the setup objects, a snapshot of
what the checks read, and the namespace's deletion on reset.

Writes go through `--readonly` (ReadOnlyError) like every other write; a user whom RBAC
forbids to create namespaces gets one line saying so.
"""

from __future__ import annotations

import contextlib
import time

import orjson

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.pod_actions import ReadOnlyError
from podtui.drills.checks import Snapshot, sanitize
from podtui.drills.loader import CLUSTER_KINDS, render_attempt
from podtui.drills.model import Attempt, Drill

#: Where each kind lives in the API (setup objects and what checks read).
API_PATHS = {
    "Pod": ("/api/v1", "pods"),
    "ConfigMap": ("/api/v1", "configmaps"),
    "Service": ("/api/v1", "services"),
    "Secret": ("/api/v1", "secrets"),
    "Job": ("/apis/batch/v1", "jobs"),
    "Event": ("/api/v1", "events"),
    "Deployment": ("/apis/apps/v1", "deployments"),
    "ReplicaSet": ("/apis/apps/v1", "replicasets"),
    "CronJob": ("/apis/batch/v1", "cronjobs"),
    "PersistentVolumeClaim": ("/api/v1", "persistentvolumeclaims"),
    "EndpointSlice": ("/apis/discovery.k8s.io/v1", "endpointslices"),
    "PersistentVolume": ("/api/v1", "persistentvolumes"),
}
#: On a setup's object of no namespace (CLUSTER_KINDS): the attempt's namespace, with which
#: reset deletes it.
ATTEMPT_LABEL = "podtui.dev/drill-namespace"
#: Check object kind -> API kind.
CHECKED = {"pod": "Pod", "job": "Job", "configmap": "ConfigMap", "service": "Service",
           "event": "Event", "deployment": "Deployment", "replicaset": "ReplicaSet",
           "cronjob": "CronJob", "secret": "Secret", "pvc": "PersistentVolumeClaim",
           "endpointslice": "EndpointSlice"}
DRILL_LABEL = "podtui.dev/drill"


def _path(kind: str, namespace: str) -> str:
    group, plural = API_PATHS[kind]
    if kind in CLUSTER_KINDS:
        return f"{group}/{plural}"
    return f"{group}/namespaces/{namespace}/{plural}"


def _read(response) -> dict:
    try:
        return orjson.loads(response.data)
    finally:
        response.release_conn()


def _forbidden_hint(exc: Exception, what: str, conn: Connection) -> ClusterError:
    status = api_status(exc)
    if status == 403:
        return ClusterError(f"cannot {what}: your user may not (RBAC: {describe(exc)}); drills "
                            "need to create and delete namespaces", 403)
    return ClusterError(f"cannot {what}: {describe(exc, conn.server)}", status)


#: Where a node whose kubelet the API server cannot proxy to (the sandbox's, at localhost)
#: says its staticPodPath, and where a node says drills may keep hostPath volumes.
STATIC_POD_PATH = "podtui.dev/static-pod-path"
DATA_PATH = "podtui.dev/data-path"


def node_facts(conn: Connection) -> dict[str, str]:
    """The node a drill's pods run on (Ready, schedulable, without a NoSchedule or
    NoExecute taint: the sandbox's real node; the first by name), as params.NODE_FACTS:
    its kubelet's `staticPodPath` (the node's annotation STATIC_POD_PATH, else the
    kubelet's configz through the API server's node proxy, as `kubectl get --raw
    /api/v1/nodes/NODE/proxy/configz`; left out if neither says) and a `dataPath` for
    hostPath volumes (its annotation DATA_PATH: a directory only the node's owner may
    name). A fact the node does not give is left out."""
    try:
        nodes = _read(conn.request("GET", "/api/v1/nodes")).get("items") or []
    except Exception as exc:  # noqa: BLE001
        raise _forbidden_hint(exc, "list nodes", conn) from None

    def runs_pods(node: dict) -> bool:
        spec, status = node.get("spec") or {}, node.get("status") or {}
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in status.get("conditions") or [])
        tainted = any(t.get("effect") in ("NoSchedule", "NoExecute")
                      for t in spec.get("taints") or [])
        return ready and not spec.get("unschedulable") and not tainted

    ready = sorted((n.get("metadata") or {} for n in nodes if runs_pods(n)),
                   key=lambda m: m.get("name", ""))
    if not ready:
        raise ClusterError("no node is ready for pods (Ready, schedulable, not tainted)")
    name = ready[0].get("name", "")
    annotations = ready[0].get("annotations") or {}
    facts = {"name": name}
    if annotations.get(DATA_PATH):
        facts["dataPath"] = annotations[DATA_PATH]
    static = annotations.get(STATIC_POD_PATH, "")
    if not static:
        with contextlib.suppress(Exception):  # RBAC, or a node it may not proxy to
            config = _read(conn.request("GET", f"/api/v1/nodes/{name}/proxy/configz"))
            static = (config.get("kubeletconfig") or {}).get("staticPodPath") or ""
    if static:
        facts["staticPodPath"] = static
    return facts


def needs_node(drill: Drill) -> bool:
    return any(p.kind == "node" for p in drill.parameters)


def render(conn: Connection, drill: Drill, seed: int, namespace: str | None = None) -> Attempt:
    """The attempt as on this cluster: with its node's facts if the drill names any."""
    if not needs_node(drill):
        return render_attempt(drill, seed, namespace)
    facts = node_facts(conn)
    missing = [p.value for p in drill.parameters if p.kind == "node" and p.value not in facts]
    if "staticPodPath" in missing:
        raise ClusterError(f"node {facts['name']} does not say where its kubelet reads static "
                           f"pods (no staticPodPath in its configz, no {STATIC_POD_PATH} "
                           "annotation)")
    if missing:
        raise ClusterError(f"node {facts['name']} does not say where drills may keep "
                           f"hostPath volumes: annotate it {DATA_PATH}=DIR")
    return render_attempt(drill, seed, namespace, facts)


def start(conn: Connection, attempt: Attempt, wait: float = 60.0) -> None:
    """Create the attempt's namespace (after a previous one of the same name is gone)
    and the setup objects."""
    if conn.readonly:
        raise ReadOnlyError("start drill")
    ns = attempt.namespace
    body = {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "labels": {DRILL_LABEL: attempt.drill.id,
                                                "podtui.dev/seed": str(attempt.seed)}}}
    deadline = time.monotonic() + wait
    while True:
        try:
            _read(conn.request("POST", "/api/v1/namespaces", body=body))
            break
        except Exception as exc:  # noqa: BLE001
            # 409: the same attempt's namespace is still terminating (reset, then start)
            if api_status(exc) != 409 or time.monotonic() > deadline:
                if api_status(exc) == 409:
                    raise ClusterError(f"namespace {ns} still exists; run podtui drill reset "
                                       f"{attempt.drill.id}", 409) from None
                raise _forbidden_hint(exc, f"create namespace {ns}", conn) from None
            time.sleep(0.5)
    try:
        _default_service_account(conn, ns, deadline)
        for manifest in attempt.setup:
            kind = manifest["kind"]
            if kind in CLUSTER_KINDS:
                manifest = {**manifest, "metadata": {
                    **manifest["metadata"], "labels": {
                        **(manifest["metadata"].get("labels") or {}), ATTEMPT_LABEL: ns}}}
            try:
                _read(conn.request("POST", _path(kind, ns), body=manifest))
            except Exception as exc:  # noqa: BLE001
                name = manifest["metadata"]["name"]
                raise _forbidden_hint(exc, f"create {kind.lower()} {ns}/{name}", conn) from None
    except ClusterError:
        with contextlib.suppress(ClusterError):  # no half-made attempt left behind
            reset(conn, ns)
        raise


def _default_service_account(conn: Connection, ns: str, deadline: float) -> None:
    """Pods need the namespace's `default` service account, which a controller makes a
    moment after the namespace; make it ourselves if it is slow."""
    path = f"/api/v1/namespaces/{ns}/serviceaccounts"
    until = min(deadline, time.monotonic() + 5)
    while time.monotonic() < until:
        try:
            _read(conn.request("GET", f"{path}/default"))
            return
        except Exception as exc:  # noqa: BLE001
            if api_status(exc) != 404:
                raise _forbidden_hint(exc, "read service accounts", conn) from None
        time.sleep(0.1)
    try:
        _read(conn.request("POST", path, body={"metadata": {"name": "default"}}))
    except Exception as exc:  # noqa: BLE001
        if api_status(exc) != 409:
            raise _forbidden_hint(exc, "create the default service account", conn) from None


def reset(conn: Connection, namespace: str) -> bool:
    """Delete the attempt's namespace (and so everything in it; its pods without their
    grace periods). False if it was gone.

    Only a namespace a drill made (its label) is deleted, and only the one that was read
    (a UID precondition): a state file of another cluster, or a namespace of the same name
    made meanwhile, is never deleted."""
    if conn.readonly:
        raise ReadOnlyError("reset drill")
    path = f"/api/v1/namespaces/{namespace}"
    try:
        found = _read(conn.request("GET", path))
        metadata = found.get("metadata") or {}
        if DRILL_LABEL not in (metadata.get("labels") or {}):
            raise ClusterError(f"namespace {namespace} was not made by a drill "
                               f"(no {DRILL_LABEL} label); not deleting it")
        _read(conn.request("DELETE", path, body={
            "preconditions": {"uid": metadata.get("uid", "")}}))
        _drop_pods(conn, path)
        _drop_cluster_objects(conn, namespace)
    except ClusterError:
        raise
    except Exception as exc:  # noqa: BLE001
        if api_status(exc) == 404:
            return False
        raise _forbidden_hint(exc, f"delete namespace {namespace}", conn) from None
    return True


def _drop_pods(conn: Connection, namespace_path: str) -> None:
    """The namespace controller deletes pods with their own grace period: a drill pod that
    ignores SIGTERM (force-delete's waits an hour, a `sleep` as PID 1 the default 30 s)
    would keep the namespace Terminating, and a retry of the same seed waiting. The attempt
    is thrown away, so its pods go at once. Called once the namespace is Terminating, so
    nothing (a Job) makes new pods meanwhile; a user who may not delete pods this way
    leaves them to the grace periods, as a plain namespace delete would."""
    with contextlib.suppress(Exception):
        _read(conn.request("DELETE", f"{namespace_path}/pods", body={"gracePeriodSeconds": 0}))


def _drop_cluster_objects(conn: Connection, namespace: str) -> None:
    """What the attempt's setup made outside its namespace (a PersistentVolume: the
    namespace's claims go with it, so nothing holds it)."""
    for kind in CLUSTER_KINDS:
        with contextlib.suppress(Exception):
            _read(conn.request("DELETE", _path(kind, namespace),
                               query=[("labelSelector", f"{ATTEMPT_LABEL}={namespace}")]))


def snapshot(conn: Connection, namespace: str) -> Snapshot:
    """Every object the checks can read, from one list per kind."""
    snap: Snapshot = {}
    for kind, api_kind in CHECKED.items():
        try:
            items = _read(conn.request("GET", _path(api_kind, namespace))).get("items") or []
        except Exception as exc:  # noqa: BLE001
            raise _forbidden_hint(exc, f"list {API_PATHS[api_kind][1]} in {namespace}",
                                  conn) from None
        snap[kind] = {(i.get("metadata") or {}).get("name", ""): sanitize(kind, i)
                      for i in items}
    return snap


def graded(conn: Connection, attempt: Attempt) -> Snapshot:
    """What the attempt's checks read: the objects, and the behaviours they observe."""
    from podtui.drills.probes import grade

    return grade(conn, attempt.namespace, attempt.checks, snapshot(conn, attempt.namespace))
