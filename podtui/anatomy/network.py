"""The pod's shared network namespace: one IP, one port space, localhost between containers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._json import obj, objs, text
from .containers import Container, containers_from_json


@dataclass(frozen=True, slots=True)
class PortUse:
    """A port declared by one container."""

    container: str
    name: str
    port: int
    protocol: str
    host_port: int | None


@dataclass(frozen=True, slots=True)
class PortClash:
    """The same port and protocol declared by several containers that run at the same time:
    they share one port space, so only the first to bind it gets it."""

    port: int
    protocol: str
    containers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Network:
    pod_ip: str
    pod_ips: tuple[str, ...]
    host_ip: str
    host_network: bool
    ports: tuple[PortUse, ...]
    clashes: tuple[PortClash, ...]
    note: str


def _concurrent_groups(containers: tuple[Container, ...]) -> list[list[Container]]:
    """Sets of containers that can run at the same time.

    Each classic init container runs alone next to the native sidecars declared
    before it; afterwards all sidecars run next to all app containers.
    Ephemeral containers may not declare ports and are left out.
    """
    groups: list[list[Container]] = []
    sidecars: list[Container] = []
    for c in containers:
        if c.kind == "sidecar":
            sidecars.append(c)
        elif c.kind == "init":
            groups.append([*sidecars, c])
    groups.append([*sidecars, *(c for c in containers if c.kind == "app")])
    return groups


def find_clashes(containers: tuple[Container, ...]) -> tuple[PortClash, ...]:
    """Ports (with protocol) declared by two or more distinct containers running together."""
    order = {c.name: i for i, c in reversed(list(enumerate(containers)))}
    found: dict[tuple[int, str], set[str]] = {}
    for group in _concurrent_groups(containers):
        users: dict[tuple[int, str], set[str]] = {}
        for c in group:
            for p in c.ports:
                users.setdefault((p.port, p.protocol), set()).add(c.name)
        for key, names in users.items():
            if len(names) > 1:
                found.setdefault(key, set()).update(names)
    return tuple(
        PortClash(port, proto, tuple(sorted(names, key=lambda n: (order.get(n, 0), n))))
        for (port, proto), names in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    )


def _note(containers: tuple[Container, ...], ip: str, host_ip: str, host_network: bool) -> str:
    running = [c for c in containers if c.kind in ("sidecar", "app")]
    examples: list[str] = []
    seen: set[int] = set()
    for c in running:
        for p in c.ports:
            if p.protocol == "TCP" and p.port not in seen and len(examples) < 3:
                seen.add(p.port)
                examples.append(f"localhost:{p.port} ({c.name})")
    via = f", e.g. {', '.join(examples)}" if examples else ""
    if host_network:
        where = f" ({host_ip})" if host_ip else ""
        return (
            f"hostNetwork: the containers use the node's network{where}. They share the "
            "node's IP and port space with each other and with every other host-network "
            f"process on that node, and reach each other on localhost{via}."
        )
    addr = f"one IP ({ip})" if ip else "one IP (not assigned yet)"
    if len(running) <= 1:
        return (
            f"All containers of a pod share one network namespace: {addr} and one port space, "
            f"and reach each other on localhost{via}. Other pods reach the pod at its IP "
            "or through a Service."
        )
    return (
        f"The {len(running)} containers share one network namespace: {addr} and one port "
        f"space. They reach each other on localhost{via}; two of them cannot listen on the "
        "same port. Other pods reach the pod at its IP or through a Service."
    )


def network_from_json(pod: Any, containers: tuple[Container, ...] | None = None) -> Network:
    """The Network view of a pod (``containers`` may be passed to avoid parsing them twice)."""
    p = obj(pod)
    spec, st = obj(p.get("spec")), obj(p.get("status"))
    if containers is None:
        containers = containers_from_json(p)
    pod_ip = text(st.get("podIP"))
    ips = tuple(ip for ip in (text(x.get("ip")) for x in objs(st.get("podIPs"))) if ip)
    if not ips and pod_ip:
        ips = (pod_ip,)
    if not pod_ip and ips:
        pod_ip = ips[0]
    host_ip = text(st.get("hostIP"))
    host_network = spec.get("hostNetwork") is True
    ports = tuple(
        PortUse(c.name, p.name, p.port, p.protocol, p.host_port)
        for c in containers
        for p in c.ports
    )
    return Network(
        pod_ip=pod_ip,
        pod_ips=ips,
        host_ip=host_ip,
        host_network=host_network,
        ports=ports,
        clashes=find_clashes(containers),
        note=_note(containers, pod_ip, host_ip, host_network),
    )
