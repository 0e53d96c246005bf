"""What the user may do inside a pod's namespace: exec, port-forward, debug containers.

SelfSubjectAccessReviews through pod_actions.can_i (which answers no to every write under
--readonly); the UI hides what is not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from podtui.cluster.connection import Connection
from podtui.cluster.pod_actions import can_i


@dataclass(frozen=True)
class InsideAccess:
    exec: bool
    port_forward: bool
    debug: bool


def inside_access(conn: Connection, namespace: str) -> InsideAccess:
    return InsideAccess(
        exec=can_i(conn, "create", "pods", namespace, "exec"),
        port_forward=can_i(conn, "create", "pods", namespace, "portforward"),
        debug=can_i(conn, "patch", "pods", namespace, "ephemeralcontainers"),
    )
