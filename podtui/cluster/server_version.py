"""The API server's version (GET /version), and what podtui does on a server too old for a
feature: one clear line, never a stack of errors.

gitVersion is what users know (`v1.37.2`, `v1.31.14-eks-3025e55`, `v1.30.5-gke.1014001`);
major and minor are less telling ("31+" on EKS and GKE, empty on a build from source). A
build without version stamps reports `v0.0.0-master+$Format:%H$`: that, or anything that
does not parse, is shown as it came and gates nothing (podtui then treats the server as
current, and the server's own answer speaks).

What podtui needs of a server, audited against the oldest one a provider still runs:
- pods, logs, watch with bookmarks, PartialObjectMetadataList (1.15+): every server.
- exec and port-forward: podtui speaks v4.channel.k8s.io over a websocket, which every
  server accepts (v5, 1.30+, only adds closing stdin half-way, which podtui never does).
- the pod list's columns are podtui's own (kubectl's printer, anatomy/summary.py), never
  the server's Table printer columns: nothing to gate.
- gated here: native sidecars (1.29) and debug containers (1.25).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from podtui.anatomy.kinds import container_names
from podtui.cluster.version_info import UNKNOWN, ServerVersion, parse

if TYPE_CHECKING:
    from podtui.cluster.connection import Connection

def fetch(conn: Connection) -> ServerVersion:
    """The connection's server version, asked until it answers once; UNKNOWN while
    /version does not answer (it is public on every cluster, but the server may be down,
    or a proxy in front of it may differ)."""
    cached = conn.server_version
    if cached is not None:
        return cached
    try:
        response = conn.request("GET", "/version", timeout=(5, 10))
        version = parse(response.data)
    except Exception:  # noqa: BLE001 - the version is a nicety: no answer gates nothing
        return UNKNOWN
    conn.server_version = version
    return version


# --- the gated features -----------------------------------------------------------------

@dataclass(frozen=True)
class Feature:
    name: str
    since: tuple[int, int]


NATIVE_SIDECARS = Feature("native sidecars (init containers with restartPolicy: Always)", (1, 29))
DEBUG_CONTAINERS = Feature("debug containers (pods/ephemeralcontainers)", (1, 25))


def lacks(version: ServerVersion, feature: Feature) -> str:
    """One line if the server is known to predate `feature`, else ""."""
    if not version.older_than(*feature.since):
        return ""
    major, minor = feature.since
    return f"{feature.name} need Kubernetes {major}.{minor}+; this API server is {version.label}"


def _sidecars(pod: dict) -> list[str]:
    return container_names(pod, "sidecar")


def lost_sidecars(manifest: dict, served: dict) -> list[str]:
    """The native sidecars of `manifest` that the server's copy (its dry-run answer) lost:
    a server before 1.29, or with the SidecarContainers gate off, drops restartPolicy from
    init containers silently."""
    kept = set(_sidecars(served))
    return [name for name in _sidecars(manifest) if name not in kept]


def sidecar_warning(lost: list[str], version: ServerVersion) -> str:
    """One line for sidecars the server dropped: each would then run to completion before
    the app containers start (or, like a log tailer, keep them from ever starting)."""
    if not lost:
        return ""
    why = lacks(version, NATIVE_SIDECARS) or "this API server has native sidecars switched off"
    return (f"warning: {why}: it drops restartPolicy: Always, so init container "
            f"{', '.join(lost)} must finish before the app containers start")


def check_sidecars(conn: Connection, manifest: dict, served: dict) -> str:
    """sidecar_warning for a dry run's answer; asks /version only if a sidecar was lost."""
    lost = lost_sidecars(manifest, served)
    return sidecar_warning(lost, fetch(conn)) if lost else ""
