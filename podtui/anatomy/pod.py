"""The whole anatomy of one pod, and a copy-friendly describe text."""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._json import obj, one_line, pairs, text
from .containers import Container, containers_from_json
from .events import Event
from .lifecycle import Lifecycle, lifecycle_from_json
from .network import Network, network_from_json
from .summary import PodSummary, owner_of, summarize
from .times import age, stamp
from .volumes import Volume, volumes_from_json


@dataclass(frozen=True, slots=True)
class Pod:
    namespace: str
    name: str
    uid: str
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    node: str
    owner_kind: str
    owner_name: str
    containers: tuple[Container, ...]
    network: Network
    volumes: tuple[Volume, ...]
    lifecycle: Lifecycle
    summary: PodSummary

    def container(self, name: str) -> Container | None:
        """The container with that name, if any."""
        return next((c for c in self.containers if c.name == name), None)


def pod_from_json(d: Any) -> Pod:
    """The full view model of a pod JSON object (never raises)."""
    p = obj(d)
    meta, spec = obj(p.get("metadata")), obj(p.get("spec"))
    containers = containers_from_json(p)
    kind, owner = owner_of(meta)
    return Pod(
        namespace=text(meta.get("namespace")),
        name=text(meta.get("name")),
        uid=text(meta.get("uid")),
        labels=pairs(meta.get("labels")),
        annotations=pairs(meta.get("annotations")),
        node=text(spec.get("nodeName")),
        owner_kind=kind,
        owner_name=owner,
        containers=containers,
        network=network_from_json(p, containers),
        volumes=volumes_from_json(p, containers),
        lifecycle=lifecycle_from_json(p, containers),
        summary=summarize(p),
    )


# --- describe -------------------------------------------------------------------------------

_W = 100
_KEY = 17


def _c(s: str, limit: int = 0) -> str:
    return one_line(s, limit)


def _field(lines: list[str], indent: str, key: str, values: Iterable[str] | str) -> None:
    vals = [values] if isinstance(values, str) else list(values)
    if not vals:
        vals = ["<none>"]
    pad = max(_KEY - len(indent), len(key) + 2)
    lines.append(f"{indent}{key + ':':<{pad}}{vals[0]}".rstrip())
    lines.extend(f"{indent}{'':<{pad}}{v}".rstrip() for v in vals[1:])


def _wrap(lines: list[str], indent: str, paragraph: str, bullet: str = "") -> None:
    lines.extend(
        textwrap.wrap(
            _c(paragraph),
            width=_W,
            initial_indent=indent + bullet,
            subsequent_indent=indent + " " * len(bullet),
            break_on_hyphens=False,
        )
        or [indent + bullet.rstrip()]
    )


def _kv(items: tuple[tuple[str, str], ...], limit: int = 0) -> list[str]:
    return [_c(f"{k}={v}", limit) for k, v in items]


def _when(t: datetime | None, now: datetime) -> str:
    return f"{stamp(t)} ({age(t, now)} ago)" if t is not None else "<unknown>"


_KIND_LABEL = {"init": "", "sidecar": " (native sidecar)", "app": "", "ephemeral": " (ephemeral)"}


def _describe_container(lines: list[str], c: Container, now: datetime) -> None:
    lines.append(f"  {_c(c.name) or '<unnamed>'}{_KIND_LABEL.get(c.kind, '')}:")
    if c.target:
        _field(lines, "    ", "Target Container", _c(c.target))
    _field(lines, "    ", "Image", _c(c.image) or "<none>")
    if c.command:
        _field(lines, "    ", "Command", _c(shlex.join(c.command), 300))
    if c.args:
        _field(lines, "    ", "Args", _c(shlex.join(c.args), 300))
    ports = [
        f"{p.port}/{_c(p.protocol)}"
        + (f" ({_c(p.name)})" if p.name else "")
        + (f" -> host port {p.host_port}" if p.host_port else "")
        for p in c.ports
    ]
    if ports:
        _field(lines, "    ", "Ports", ", ".join(ports))
    _field(lines, "    ", "State", _c(c.state.describe(now)))
    if c.state.message and c.state.kind != "unknown":
        _field(lines, "    ", "Message", _c(c.state.message, 300))
    if c.last_state is not None:
        _field(lines, "    ", "Last State", _c(c.last_state.describe(now)))
    _field(lines, "    ", "Ready", "True" if c.ready else "False")
    _field(lines, "    ", "Restarts", str(c.restarts))
    if c.requests:
        _field(lines, "    ", "Requests", ", ".join(_kv(c.requests)))
    if c.limits:
        _field(lines, "    ", "Limits", ", ".join(_kv(c.limits)))
    mounts = [
        f"{_c(m.path)} from {_c(m.volume)}"
        + (f" (subPath {_c(m.sub_path)})" if m.sub_path else "")
        + (" (ro)" if m.read_only else " (rw)")
        for m in c.mounts
    ]
    _field(lines, "    ", "Mounts", mounts)


def describe(pod: Pod, now: datetime, events: Iterable[Event] = ()) -> str:
    """A plain-text, copy-friendly summary of the pod, in the spirit of ``kubectl describe pod``.

    ``now`` makes the relative times ("5m ago") reproducible. ``events`` (optional)
    are listed at the end, oldest first.
    """
    s, lc, net = pod.summary, pod.lifecycle, pod.network
    lines: list[str] = []
    _field(lines, "", "Name", _c(pod.name))
    _field(lines, "", "Namespace", _c(pod.namespace))
    node = _c(pod.node) or "<none>"
    if pod.node and net.host_ip:
        node = f"{node}/{_c(net.host_ip)}"
    _field(lines, "", "Node", node)
    _field(lines, "", "Start Time", _when(lc.start_time, now))
    _field(lines, "", "Labels", _kv(pod.labels, 120))
    _field(lines, "", "Annotations", _kv(pod.annotations, 120))
    phase = f" (phase {_c(lc.phase)})" if lc.phase and lc.phase != s.status else ""
    _field(lines, "", "Status", _c(s.status) + phase)
    if lc.deleting:
        _field(lines, "", "Terminating", lc.deletion_text(now))
    _field(lines, "", "IP", _c(net.pod_ip) or "<none>")
    _field(lines, "", "IPs", [_c(ip) for ip in net.pod_ips])
    if net.host_network:
        _field(lines, "", "Host Network", "true")
    if pod.owner_kind:
        _field(lines, "", "Controlled By", _c(f"{pod.owner_kind}/{pod.owner_name}"))
    _field(lines, "", "Ready", s.ready_text())
    _field(lines, "", "Restarts", s.restarts_text(now))
    _field(lines, "", "QoS Class", _c(lc.qos_class) or "<unknown>")
    _field(lines, "", "Restart Policy", _c(lc.restart_policy))

    sections = (
        ("Init Containers", ("init", "sidecar")),
        ("Containers", ("app",)),
        ("Ephemeral Containers", ("ephemeral",)),
    )
    for title, kinds in sections:
        group = [c for c in pod.containers if c.kind in kinds]
        if group or title == "Containers":
            lines.append(f"{title}:")
            for c in group:
                _describe_container(lines, c, now)
            if not group:
                lines.append("  <none>")

    lines.append("Network:")
    _wrap(lines, "  ", net.note)
    for u in net.ports:
        name = f" ({_c(u.name)})" if u.name else ""
        host = f" -> host port {u.host_port}" if u.host_port else ""
        lines.append(f"  {_c(u.container)}: {u.port}/{_c(u.protocol)}{name}{host}")
    for clash in net.clashes:
        who = ", ".join(_c(n) for n in clash.containers)
        _wrap(
            lines,
            "  ",
            f"PORT CLASH {clash.port}/{_c(clash.protocol)}: declared by {who}; they share one "
            "port space, so only one of them can listen on it.",
        )

    lines.append("Volumes:")
    if not pod.volumes:
        lines.append("  <none>")
    for v in pod.volumes:
        lines.append(f"  {_c(v.name)}:")
        _field(lines, "    ", "Type", _c(v.type) + (f" ({_c(v.detail, 200)})" if v.detail else ""))
        _field(
            lines,
            "    ",
            "Mounted by",
            [
                f"{_c(m.container)} at {_c(m.path)}"
                + (f" (subPath {_c(m.sub_path)})" if m.sub_path else "")
                + (" (ro)" if m.read_only else " (rw)")
                for m in v.mounts
            ]
            or ["nobody (unused)"],
        )
        if v.shared:
            users = len({m.container for m in v.mounts})
            _field(lines, "    ", "Shared", f"yes, by {users} containers")

    lines.append("Conditions:")
    if not lc.conditions:
        lines.append("  <none>")
    else:
        width = max(len("Type"), *(len(_c(c.type)) for c in lc.conditions)) + 2
        lines.append(f"  {'Type':<{width}}{'Status':<8}Reason")
        for c in lc.conditions:
            row = f"  {_c(c.type):<{width}}{_c(c.status):<8}{_c(c.reason)}"
            if c.message:
                row += f" - {_c(c.message, 200)}"
            lines.append(row.rstrip())

    lines.append("If a container dies:")
    for sentence in lc.if_container_dies:
        _wrap(lines, "  ", sentence, "- ")

    evs = list(events)
    if evs:
        lines.append("Events:")
        far = datetime.min.replace(tzinfo=now.tzinfo)
        evs.sort(key=lambda e: (e.last is None, e.last or far))
        lines.extend(f"  {_c(e.describe(now), 300)}" for e in evs)
    return "\n".join(lines) + "\n"
