"""What one can reach inside a pod: containers to exec in, ports to forward, volumes to list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._json import obj, objs, text
from .containers import containers_from_json
from .volumes import volumes_from_json

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


def exec_containers(pod: Any) -> list[str]:
    """Containers one can exec in: app containers, native sidecars and ephemeral containers
    (init containers that ran to completion are gone), in spec order."""
    return [c.name for c in containers_from_json(pod)
            if c.name and (c.kind != "init" or c.state.kind == "running")]


def default_container(pod: Any) -> str:
    """The annotation's container when the pod has it, else the first app container."""
    pod = obj(pod)
    names = exec_containers(pod)
    chosen = text(obj(obj(pod.get("metadata")).get("annotations"))
                  .get(DEFAULT_CONTAINER_ANNOTATION))
    if chosen in names:
        return chosen
    apps = [text(c.get("name")) for c in objs(obj(pod.get("spec")).get("containers"))]
    return apps[0] if apps else (names[0] if names else "")


@dataclass(frozen=True, slots=True)
class ForwardablePort:
    container: str
    port: int
    name: str
    protocol: str

    def label(self) -> str:
        named = f" {self.name}" if self.name else ""
        return f"{self.port}/{self.protocol}{named} ({self.container})"


def forwardable_ports(pod: Any) -> list[ForwardablePort]:
    """Declared TCP ports (port-forward carries TCP only), in spec order."""
    return [ForwardablePort(c.name, p.port, p.name, p.protocol)
            for c in containers_from_json(pod) for p in c.ports
            if (p.protocol or "TCP").upper() == "TCP"]


@dataclass(frozen=True, slots=True)
class VolumeView:
    """One volume as one container sees it (`ls -la PATH` there)."""

    volume: str
    container: str
    path: str

    @property
    def command(self) -> tuple[str, ...]:
        return ("ls", "-la", self.path)


def volume_views(pod: Any) -> list[VolumeView]:
    """Each mounted volume from every container that mounts it (volume order, then mounts).

    The service-account token volume the API server injects (kube-api-access-*) is left out:
    nobody declared it, and it is the same token in every container."""
    return [VolumeView(v.name, m.container, m.path)
            for v in volumes_from_json(pod) if not v.name.startswith("kube-api-access-")
            for m in v.mounts if m.path]
