"""Phase, conditions, restart policy, and what happens when a container dies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._json import obj, objs, opt_int, text
from .containers import Container, containers_from_json
from .summary import owner_of
from .times import countdown, parse_time, stamp


@dataclass(frozen=True, slots=True)
class Condition:
    type: str
    status: str
    reason: str
    message: str
    last_transition: datetime | None


@dataclass(frozen=True, slots=True)
class Lifecycle:
    phase: str
    conditions: tuple[Condition, ...]
    restart_policy: str
    """The pod's restartPolicy (``Always`` when unset, the API server's default)."""
    qos_class: str
    start_time: datetime | None
    deleting: bool
    grace_seconds: int | None
    """Grace period of the pending deletion, else the pod's terminationGracePeriodSeconds."""
    if_container_dies: tuple[str, ...]
    """Plain sentences: what the kubelet and the controller do when a container exits."""
    deletion_time: datetime | None = None
    """The deletionTimestamp: when the grace period ends (the delete was asked
    ``grace_seconds`` before it)."""

    def deletion_text(self, now: datetime) -> str:
        """``grace period 30s, ends 2025-04-09T10:14:50Z (27s left)`` for a pod being
        deleted (``overdue 12s`` once that time has passed), else ``""``."""
        if not self.deleting:
            return ""
        line = f"grace period {self.grace_seconds}s"
        if self.deletion_time is None:
            return line
        line = f"{line}, ends {stamp(self.deletion_time)}"
        left = countdown(self.deletion_time, now)
        if not left:
            return line
        return f"{line} ({left if left.startswith('overdue') else left + ' left'})"

    def condition(self, kind: str) -> Condition | None:
        """The condition of the given type, if reported."""
        return next((c for c in self.conditions if c.type == kind), None)


_BACKOFF = (
    "with an exponential back-off (10s, 20s, 40s ... capped at 5 minutes, shown as "
    "CrashLoopBackOff; reset after 10 minutes of running)"
)
_IN_PLACE = (
    "The pod, its IP and its emptyDir data stay, and the other containers keep running; "
    "the restarted container starts again from its image, so only files kept in volumes survive."
)


def _names(cs: list[Container]) -> str:
    return ", ".join(c.name for c in cs)


def _policy_text(policy: str) -> list[str]:
    if policy == "Never":
        return [
            "restartPolicy Never: a container that exits is not restarted; it stays "
            "terminated while the other containers keep running.",
            "When all containers have terminated, the pod's phase becomes Succeeded if all "
            "exited with 0, otherwise Failed. The pod and its IP are not replaced by the kubelet.",
        ]
    if policy == "OnFailure":
        return [
            "restartPolicy OnFailure: if a container exits with a non-zero code (error, "
            "OOMKilled, killed by a signal), the kubelet restarts that container alone, in place, "
            f"{_BACKOFF}. {_IN_PLACE}",
            "A container that exits with 0 stays Completed and is not restarted; when all have "
            "exited with 0 the pod's phase becomes Succeeded.",
        ]
    return [
        "restartPolicy Always: whenever a container exits, even with 0, the kubelet restarts "
        f"that container alone, in place, {_BACKOFF}. {_IN_PLACE}",
    ]


def _owner_text(kind: str, name: str, node: str) -> str:
    ref = f"{kind} {name}".strip()
    fresh = "new IP and empty emptyDir volumes"
    if not kind:
        return (
            "This pod has no controller: if the pod itself is deleted, evicted, or its node "
            "fails, nothing recreates it, and its emptyDir data is lost."
        )
    if kind == "StatefulSet":
        return (
            f"Managed by {ref}: if the pod itself is deleted or evicted, the StatefulSet "
            f"recreates it with the same name and the same PersistentVolumeClaims, but a {fresh}."
        )
    if kind == "DaemonSet":
        return (
            f"Managed by {ref}: if the pod itself is deleted, the DaemonSet creates a new pod "
            f"on the same node, with a new name, {fresh}."
        )
    if kind == "Job":
        return (
            f"Managed by {ref}: if the pod fails or is deleted, the Job creates a new pod "
            f"(new name, {fresh}) until its backoffLimit is used up."
        )
    if kind == "Node":
        where = f" on node {node or name}"
        return (
            f"Mirror of a static pod run by the kubelet{where} from a manifest file: the "
            "kubelet keeps it running, and deleting it through the API does not stop it."
        )
    if kind in ("ReplicaSet", "ReplicationController"):
        return (
            f"Managed by {ref}: if the pod itself is deleted, evicted, or its node fails, "
            f"the {kind} creates a replacement pod with a new name, {fresh}; nothing of this "
            "pod carries over."
        )
    return (
        f"Owned by {ref}: if the pod itself is deleted, that controller decides whether to "
        f"create a replacement; a replacement is a new pod with a {fresh}."
    )


def if_container_dies(pod: Any, containers: tuple[Container, ...] | None = None) -> tuple[str, ...]:
    """Plain-language consequences of a container exiting, per the pod's configuration.

    Follows the Kubernetes pod lifecycle documentation: the pod's restartPolicy
    governs app and classic init containers, native sidecars are always
    restarted, ephemeral containers never are, and a controller (ownerReferences)
    replaces a deleted pod with a new one.
    """
    p = obj(pod)
    spec, meta = obj(p.get("spec")), obj(p.get("metadata"))
    if containers is None:
        containers = containers_from_json(p)
    policy = text(spec.get("restartPolicy")) or "Always"
    init = [c for c in containers if c.kind == "init"]
    sidecars = [c for c in containers if c.kind == "sidecar"]
    ephemeral = [c for c in containers if c.kind == "ephemeral"]
    own_policy = [c for c in containers if c.kind == "app" and c.restart_policy]
    out = _policy_text(policy)
    for c in own_policy:
        out.append(
            f"Container {c.name} sets its own restartPolicy {c.restart_policy}, which "
            "overrides the pod's for that container."
        )
    if init:
        if policy == "Never":
            fail = (
                "if one fails, the whole pod becomes Failed (restartPolicy Never) and the "
                "app containers never start."
            )
        else:
            fail = (
                "if one fails, the kubelet restarts that init container (with the same "
                "back-off) until it succeeds, and the app containers wait."
            )
        out.append(
            f"Init containers ({_names(init)}) run one at a time, in order, before the app "
            f"containers, and each must exit with 0; {fail} If the pod's sandbox is "
            "recreated (e.g. after a node reboot), all init containers run again."
        )
    if sidecars:
        out.append(
            f"Native sidecars ({_names(sidecars)}) are restarted whenever they exit, whatever "
            "the pod's restartPolicy. They start before the app containers, keep running "
            "beside them, do not keep the pod from completing, and are stopped after the app "
            "containers when the pod terminates."
        )
    if ephemeral:
        out.append(
            f"Ephemeral containers ({_names(ephemeral)}) are never restarted; when one exits "
            "it stays terminated and the pod is not affected."
        )
    probed = [
        text(c.get("name"))
        for key in ("initContainers", "containers")
        for c in objs(spec.get(key))
        if isinstance(c.get("livenessProbe"), dict)
    ]
    if probed:
        out.append(
            f"Liveness probes ({', '.join(probed)}): when a probe keeps failing, the kubelet "
            "kills that container, and it is then handled as if it had died."
        )
    kind, name = owner_of(meta)
    out.append(_owner_text(kind, name, text(spec.get("nodeName"))))
    return tuple(out)


def _condition(c: Mapping[str, Any]) -> Condition:
    return Condition(
        type=text(c.get("type")),
        status=text(c.get("status")),
        reason=text(c.get("reason")),
        message=text(c.get("message")),
        last_transition=parse_time(c.get("lastTransitionTime")),
    )


def lifecycle_from_json(pod: Any, containers: tuple[Container, ...] | None = None) -> Lifecycle:
    """The Lifecycle view of a pod (``containers`` may be passed to avoid parsing them twice)."""
    p = obj(pod)
    meta, spec, st = obj(p.get("metadata")), obj(p.get("spec")), obj(p.get("status"))
    deleting = bool(meta.get("deletionTimestamp"))
    grace = opt_int(spec.get("terminationGracePeriodSeconds"))
    if deleting and opt_int(meta.get("deletionGracePeriodSeconds")) is not None:
        grace = opt_int(meta.get("deletionGracePeriodSeconds"))
    return Lifecycle(
        phase=text(st.get("phase")),
        conditions=tuple(_condition(c) for c in objs(st.get("conditions"))),
        restart_policy=text(spec.get("restartPolicy")) or "Always",
        qos_class=text(st.get("qosClass")),
        start_time=parse_time(st.get("startTime")),
        deleting=deleting,
        grace_seconds=30 if grace is None else grace,
        if_container_dies=if_container_dies(p, containers),
        deletion_time=parse_time(meta.get("deletionTimestamp")),
    )
