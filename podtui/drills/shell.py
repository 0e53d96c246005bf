"""`!` on the drill screen: the user's shell with kubectl pointed at the attempt.

kubectl reads the first file of a `KUBECONFIG` list for `current-context`, and the first
definition of a name wins, so a small file put in front of the user's own kubeconfig(s)
selects a context that is theirs with the drill's namespace, without editing their file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from podtui.cluster.connection import Connection, _kubeconfig_paths
from podtui.cluster.errors import ClusterError

DRILL_CONTEXT = "podtui-drill"


def shell_env(conn: Connection, namespace: str, drill_id: str,
              base: dict[str, str] | None = None) -> tuple[dict[str, str], Path]:
    """The environment for the shell, and the small kubeconfig to delete afterwards."""
    from kubernetes import config as kconfig

    paths = [p for p in _kubeconfig_paths(conn.kubeconfig) if p.is_file()]
    if not paths:
        raise ClusterError("no kubeconfig file to point kubectl at (in-cluster connection)")
    contexts, _ = kconfig.list_kube_config_contexts(str(paths[0]) if conn.kubeconfig else None)
    match = next((c for c in contexts or () if c.get("name") == conn.context), None)
    if match is None:
        raise ClusterError(f"context {conn.context!r} is not in the kubeconfig")
    ctx = dict(match.get("context") or {})
    ctx["namespace"] = namespace
    front = {
        "apiVersion": "v1", "kind": "Config", "current-context": DRILL_CONTEXT,
        "contexts": [{"name": DRILL_CONTEXT, "context": ctx}],
        # kubectl wants these lists to exist, even empty; the entries come from the others.
        "clusters": [], "users": [],
    }
    fd, name = tempfile.mkstemp(prefix="podtui-drill-", suffix=".kubeconfig")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
        yaml.safe_dump(front, handle)
    env = dict(os.environ if base is None else base)
    env["KUBECONFIG"] = os.pathsep.join([name, *(str(p) for p in paths)])
    env["PODTUI_DRILL"] = drill_id
    env["PODTUI_DRILL_NAMESPACE"] = namespace
    return env, Path(name)


def user_shell() -> str:
    return os.environ.get("SHELL") or "/bin/sh"
