"""Containers of a pod: spec and status merged, one view model per container."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ._json import arr, count, obj, objs, one_line, opt_flag, opt_int, pairs, scalar, text
from .times import age, parse_time

ContainerKind = Literal["init", "sidecar", "app", "ephemeral"]
StateKind = Literal["waiting", "running", "terminated", "unknown"]

# Volume sources the kubelet always mounts read-only.
READ_ONLY_SOURCES = frozenset({"configMap", "secret", "downwardAPI", "projected", "image"})


@dataclass(frozen=True, slots=True)
class ContainerState:
    """One container state (current or last), from ``state``/``lastState`` of its status."""

    kind: StateKind
    reason: str = ""
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def describe(self, now: datetime | None = None) -> str:
        """One short line, e.g. ``terminated: Error (exit 1) 3m ago``.

        Relative times are only given when ``now`` is passed.
        """
        if self.kind == "running":
            when = f" for {age(self.started_at, now)}" if now and self.started_at else ""
            return f"running{when}"
        if self.kind == "waiting":
            return f"waiting: {self.reason}" if self.reason else "waiting"
        if self.kind == "terminated":
            parts = ["terminated:", self.reason or "(no reason)"]
            if self.signal:
                parts.append(f"(signal {self.signal})")
            elif self.exit_code is not None:
                parts.append(f"(exit {self.exit_code})")
            if now is not None and self.finished_at is not None:
                parts.append(f"{age(self.finished_at, now)} ago")
            return " ".join(parts)
        detail = self.reason or self.message
        return f"unknown ({detail})" if detail else "unknown"


UNKNOWN_STATE = ContainerState("unknown")


@dataclass(frozen=True, slots=True)
class Port:
    """A declared container port."""

    name: str
    port: int
    protocol: str
    host_port: int | None


@dataclass(frozen=True, slots=True)
class Mount:
    """A volume mount of one container. ``read_only`` is effective: the mount's flag or the
    volume's (readOnly sources, and configMap/secret/downwardAPI/projected/image volumes)."""

    volume: str
    path: str
    read_only: bool
    sub_path: str


@dataclass(frozen=True, slots=True)
class Container:
    """One container of the pod: what the spec asks for and what the kubelet reports."""

    name: str
    kind: ContainerKind
    image: str
    state: ContainerState
    last_state: ContainerState | None
    ready: bool
    started: bool | None
    restarts: int
    ports: tuple[Port, ...]
    requests: tuple[tuple[str, str], ...]
    limits: tuple[tuple[str, str], ...]
    mounts: tuple[Mount, ...]
    command: tuple[str, ...]
    args: tuple[str, ...] = ()
    restart_policy: str = ""
    """The container's own restartPolicy (``Always`` for native sidecars), else ``""``."""
    target: str = ""
    """An ephemeral container's targetContainerName (whose processes it sees), else ``""``."""


def state_from_json(value: Any) -> ContainerState | None:
    """A ``state``/``lastState`` object to a ContainerState; ``None`` when it holds no state."""
    s = obj(value)
    for kind in ("running", "terminated", "waiting"):
        detail = s.get(kind)
        if isinstance(detail, dict):
            break
    else:
        return None
    if kind == "running":
        return ContainerState("running", started_at=parse_time(detail.get("startedAt")))
    if kind == "waiting":
        return ContainerState(
            "waiting", reason=text(detail.get("reason")), message=text(detail.get("message"))
        )
    return ContainerState(
        "terminated",
        reason=text(detail.get("reason")),
        message=text(detail.get("message")),
        exit_code=opt_int(detail.get("exitCode")),
        signal=opt_int(detail.get("signal")) or None,
        started_at=parse_time(detail.get("startedAt")),
        finished_at=parse_time(detail.get("finishedAt")),
    )


def volume_source_type(volume: Mapping[str, Any]) -> str:
    """The source key of a volume (``emptyDir``, ``configMap``, ...), ``""`` if it has none."""
    keys = [k for k in volume if isinstance(k, str) and k != "name"]
    for k in keys:
        if isinstance(volume.get(k), dict):
            return k
    return keys[0] if keys else ""


def volume_read_only(volume: Mapping[str, Any]) -> bool:
    """True when every mount of this volume is read-only whatever the mount says."""
    kind = volume_source_type(volume)
    return kind in READ_ONLY_SOURCES or obj(volume.get(kind)).get("readOnly") is True


def read_only_volumes(spec: Any) -> frozenset[str]:
    """Names of the volumes of a pod spec that are always mounted read-only."""
    return frozenset(
        text(v.get("name")) for v in objs(obj(spec).get("volumes")) if volume_read_only(v)
    )


def _mounts(c: Mapping[str, Any], ro_volumes: frozenset[str]) -> tuple[Mount, ...]:
    out = []
    for m in objs(c.get("volumeMounts")):
        name = text(m.get("name"))
        out.append(
            Mount(
                volume=name,
                path=text(m.get("mountPath")),
                read_only=m.get("readOnly") is True or name in ro_volumes,
                sub_path=text(m.get("subPath")) or text(m.get("subPathExpr")),
            )
        )
    return tuple(out)


def _ports(c: Mapping[str, Any]) -> tuple[Port, ...]:
    out = []
    for p in objs(c.get("ports")):
        port = opt_int(p.get("containerPort"))
        if port is None:
            continue
        out.append(
            Port(
                name=text(p.get("name")),
                port=port,
                protocol=text(p.get("protocol")) or "TCP",
                host_port=opt_int(p.get("hostPort")) or None,
            )
        )
    return tuple(out)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(scalar(v) for v in arr(value))


def _pending_state(pod: Mapping[str, Any], kind: ContainerKind) -> ContainerState:
    """What to show for a container the kubelet has not reported yet."""
    spec, st = obj(pod.get("spec")), obj(pod.get("status"))
    phase = text(st.get("phase"))
    if not text(spec.get("nodeName")):
        if phase in ("", "Pending"):
            return ContainerState("unknown", message="pod not scheduled to a node yet")
        return ContainerState("unknown", message="no status reported")
    if phase not in ("", "Pending") or pod_deleting(pod):
        return ContainerState("unknown", message="no status reported")
    initialized = any(
        c.get("type") == "Initialized" and c.get("status") == "True"
        for c in objs(st.get("conditions"))
    )
    if kind != "ephemeral" and arr(spec.get("initContainers")) and not initialized:
        return ContainerState("waiting", reason="PodInitializing")
    return ContainerState("waiting", reason="ContainerCreating")


def pod_deleting(pod: Any) -> bool:
    """True when the pod has a deletion timestamp."""
    return bool(obj(obj(pod).get("metadata")).get("deletionTimestamp"))


def container_from_json(
    c: Any,
    kind: ContainerKind,
    status: Any = None,
    *,
    ro_volumes: frozenset[str] = frozenset(),
    pending: ContainerState = UNKNOWN_STATE,
) -> Container:
    """One container from its spec entry and (optional) status entry."""
    c, cs = obj(c), obj(status)
    state = state_from_json(cs.get("state")) if cs else None
    if state is None:
        state = pending if not cs else UNKNOWN_STATE
    resources = obj(c.get("resources"))
    return Container(
        name=text(c.get("name")),
        kind=kind,
        image=text(c.get("image")) or text(cs.get("image")),
        state=state,
        last_state=state_from_json(cs.get("lastState")),
        ready=cs.get("ready") is True,
        started=opt_flag(cs.get("started")),
        restarts=count(cs.get("restartCount")),
        ports=_ports(c),
        requests=pairs(resources.get("requests")),
        limits=pairs(resources.get("limits")),
        mounts=_mounts(c, ro_volumes),
        command=_strings(c.get("command")),
        args=_strings(c.get("args")),
        restart_policy=text(c.get("restartPolicy")),
        target=text(c.get("targetContainerName")),
    )


#: Where each kind of container sits in a pod spec, and its statuses in the pod status.
CONTAINER_GROUPS: tuple[tuple[str, str, ContainerKind], ...] = (
    ("initContainers", "initContainerStatuses", "init"),
    ("containers", "containerStatuses", "app"),
    ("ephemeralContainers", "ephemeralContainerStatuses", "ephemeral"),
)


def container_kind(group: ContainerKind, container: Mapping[str, Any]) -> ContainerKind:
    """A container's kind from its spec list: an init container with its own restartPolicy
    Always is a native sidecar."""
    if group == "init" and container.get("restartPolicy") == "Always":
        return "sidecar"
    return group


def containers_from_json(pod: Any) -> tuple[Container, ...]:
    """All containers of a pod in spec order: init containers and native sidecars (as declared),
    then app containers, then ephemeral containers."""
    p = obj(pod)
    spec, st = obj(p.get("spec")), obj(p.get("status"))
    ro = read_only_volumes(spec)
    out: list[Container] = []
    for spec_key, status_key, kind in CONTAINER_GROUPS:
        statuses: dict[str, Mapping[str, Any]] = {}
        for s in objs(st.get(status_key)):
            statuses.setdefault(text(s.get("name")), s)
        for c in objs(spec.get(spec_key)):
            k = container_kind(kind, c)
            out.append(
                container_from_json(
                    c,
                    k,
                    statuses.get(text(c.get("name"))),
                    ro_volumes=ro,
                    pending=_pending_state(p, k),
                )
            )
    return tuple(out)


def command_line(c: Container) -> str:
    """``command`` and ``args`` as one shell-quoted, single-line string."""
    return one_line(shlex.join(c.command + c.args))
