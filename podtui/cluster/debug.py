"""Debug containers: an ephemeral container added to a running pod (pods/ephemeralcontainers),
targeting one container's process namespace, as `kubectl debug -it POD --image=busybox
--target=CONTAINER` does."""

from __future__ import annotations

import secrets
import time

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.pod_actions import refuse_if_readonly
from podtui.cluster.pods import get_pod
from podtui.cluster.server_version import DEBUG_CONTAINERS, fetch, lacks
from podtui.cluster.streams import pod_path

DEFAULT_IMAGE = "busybox"


def add_debug_container(conn: Connection, namespace: str, pod: str, target: str,
                        image: str = DEFAULT_IMAGE, name: str | None = None) -> str:
    """Add the ephemeral container; returns its name (debugger-xxxxx unless given)."""
    refuse_if_readonly(conn, "debug container")
    name = name or f"debugger-{secrets.token_hex(3)[:5]}"
    container = {
        "name": name, "image": image or DEFAULT_IMAGE, "targetContainerName": target,
        "stdin": True, "tty": True, "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    try:
        response = conn.request(
            "PATCH", pod_path(namespace, pod, "ephemeralcontainers"),
            body={"spec": {"ephemeralContainers": [container]}},
            content_type="application/strategic-merge-patch+json")
        response.drain_conn()
        response.release_conn()
    except Exception as exc:  # noqa: BLE001
        # A server before 1.25 has no such subresource, or one of another shape: its
        # answer (404, 400) would not say why.
        reason = lacks(fetch(conn), DEBUG_CONTAINERS) or describe(exc, conn.server)
        raise ClusterError(f"cannot add a debug container to {namespace}/{pod}: "
                           f"{reason}") from None
    return name


def wait_running(conn: Connection, namespace: str, pod: str, name: str,
                 timeout: float = 60.0) -> None:
    """Until the ephemeral container runs; one clear line if it does not."""
    deadline = time.monotonic() + timeout
    state: dict = {}
    while time.monotonic() < deadline:
        status = get_pod(conn, namespace, pod).get("status") or {}
        for item in status.get("ephemeralContainerStatuses") or []:
            if item.get("name") == name:
                state = item.get("state") or {}
        if "running" in state:
            return
        if "terminated" in state:
            raise ClusterError(f"debug container {name} ended: "
                               f"{state['terminated'].get('reason', 'terminated')}")
        time.sleep(0.5)
    waiting = (state.get("waiting") or {}).get("reason", "no status yet")
    raise ClusterError(f"debug container {name} is not running after {timeout:g} s ({waiting})")
