"""The pod-list row: cheap to compute, called for every pod of a namespace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._json import arr, count, num, obj, objs, pairs, text
from .kinds import ContainerKind, container_specs
from .times import age, countdown, human_age, parse_time
from .usage import NO_BUDGET, Budget, budget_of

__all__ = [
    "PodSummary",
    "human_age",
    "owner_of",
    "parse_time",
    "pod_status",
    "summarize",
]

_TERMINAL = ("Succeeded", "Failed")


@dataclass(frozen=True, slots=True)
class PodSummary:
    """One row of the pod list.

    ``ready``/``total`` count app containers plus native sidecars, like kubectl.
    ``containers`` is the number of containers declared in the spec (init,
    sidecar, app and ephemeral). ``restarts`` and ``last_restart`` (the latest
    ``lastState.terminated.finishedAt``) count the containers kubectl counts: see ``_print``.
    """

    uid: str
    namespace: str
    name: str
    ready: int
    total: int
    status: str
    restarts: int
    last_restart: datetime | None
    created: datetime | None
    pod_ip: str
    node: str
    owner_kind: str
    owner_name: str
    containers: int
    labels: tuple[tuple[str, str], ...]
    phase: str
    deleting: bool
    #: Requests and limits, for the list's %CPU/R and %MEM/L.
    budget: Budget = NO_BUDGET
    #: The deletionTimestamp: when the grace period of a pending delete ENDS (the API server
    #: sets it to the time of the delete plus the grace period), not when it was asked.
    deletion_deadline: datetime | None = None

    def label(self, key: str, default: str | None = None) -> str | None:
        """The value of one label."""
        for k, v in self.labels:
            if k == key:
                return v
        return default

    def status_text(self, now: datetime) -> str:
        """STATUS as podtui shows it: ``status``, and for a Terminating pod what is left of
        its grace period, ``Terminating (27s)``, so a stuck delete (``overdue 2m``) shows."""
        if self.status == "Terminating" and self.deletion_deadline is not None:
            left = countdown(self.deletion_deadline, now)
            if left:
                return f"Terminating ({left})"
        return self.status

    def ready_text(self) -> str:
        """``1/2`` as in kubectl's READY column."""
        return f"{self.ready}/{self.total}"

    def restarts_text(self, now: datetime) -> str:
        """``3 (2m ago)`` as in kubectl's RESTARTS column."""
        if self.restarts and self.last_restart is not None:
            return f"{self.restarts} ({age(self.last_restart, now)} ago)"
        return str(self.restarts)

    def age(self, now: datetime) -> str:
        """kubectl-style age of the pod (``""`` when the creation time is unknown)."""
        return age(self.created, now)


def owner_of(metadata: Any) -> tuple[str, str]:
    """``(kind, name)`` of the controlling owner reference (else the first one), or ``("", "")``."""
    refs = objs(obj(metadata).get("ownerReferences"))
    if not refs:
        return "", ""
    ref = next((r for r in refs if r.get("controller") is True), refs[0])
    return text(ref.get("kind")), text(ref.get("name"))


def _condition_true(conditions: list[Mapping[str, Any]], kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True" for c in conditions)


def _exit_text(term: Mapping[str, Any], prefix: str = "") -> str:
    reason = text(term.get("reason"))
    if reason:
        return prefix + reason
    signal = num(term.get("signal"))
    if signal:
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{num(term.get('exitCode'))}"


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b > a else a


def pod_status(pod: Any) -> tuple[str, int, int]:
    """``(status, ready, total)`` exactly as kubectl's pod printer computes them.

    Notes on kubectl's rules that are easy to get wrong:

    * ``status.reason`` (Evicted, NodeLost, ...) replaces the phase;
      a ``PodScheduled`` condition with reason ``SchedulingGated`` wins over both.
    * Init containers are walked in order; completed ones and started native
      sidecars are skipped, the first other one decides ``Init:<reason>``,
      ``Init:Signal:N``, ``Init:ExitCode:N`` or ``Init:i/n``.
    * App container reasons (waiting, then terminated, then ``Signal:N``/``ExitCode:N``)
      replace the phase; the first entry of ``containerStatuses`` (sorted by name by the
      kubelet) wins.
    * ``Completed`` with a container still running and ready becomes ``Running``
      if the pod's Ready condition is true, else ``NotReady``. A Running pod
      with unready containers stays ``Running`` (as in kubectl).
    * A deletion timestamp shows ``Terminating`` unless the phase is terminal;
      with reason ``NodeLost`` it shows ``Unknown``.
    """
    p = obj(pod)
    spec = obj(p.get("spec"))
    status, ready, total, _restarts, _last = _print(
        obj(p.get("metadata")), spec, obj(p.get("status")), container_specs(spec))
    return status, ready, total


def _print(meta: Mapping[str, Any], spec: Mapping[str, Any], st: Mapping[str, Any],
           specs: list[tuple[ContainerKind, Mapping[str, Any]]],
           ) -> tuple[str, int, int, int, datetime | None]:
    """kubectl's pod printer (pkg/printers/internalversion printPod): status, ready, total,
    restarts and the last restart.

    Restarts, as kubectl counts them: while the pod initializes, those of the init
    containers walked so far; once initialized, those of its native sidecars (walked so far)
    and app containers: a regular init container that restarted before it completed no
    longer counts.
    """
    conditions = objs(st.get("conditions"))
    sidecar_specs = [c for kind, c in specs if kind == "sidecar"]
    sidecars = {text(c.get("name")) for c in sidecar_specs}
    total = len(arr(spec.get("containers"))) + len(sidecar_specs)
    n_init = len(arr(spec.get("initContainers")))
    phase = text(st.get("phase"))
    reason = text(st.get("reason")) or phase
    for cond in conditions:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    ready = 0
    restarts, last = 0, None
    sidecar_restarts, sidecar_last = 0, None
    initializing = False
    for i, cs in enumerate(arr(st.get("initContainerStatuses"))):
        cs = obj(cs)
        finished = _last_finished(cs)
        restarts += count(cs.get("restartCount"))
        last = _later(last, finished)
        is_sidecar = text(cs.get("name")) in sidecars
        if is_sidecar:
            sidecar_restarts += count(cs.get("restartCount"))
            sidecar_last = _later(sidecar_last, finished)
        state = obj(cs.get("state"))
        term, wait = state.get("terminated"), state.get("waiting")
        if isinstance(term, dict) and num(term.get("exitCode")) == 0:
            continue
        if is_sidecar and cs.get("started") is True:
            if cs.get("ready") is True:
                ready += 1
            continue
        if isinstance(term, dict):
            reason = _exit_text(term, "Init:")
        elif isinstance(wait, dict) and text(wait.get("reason")) not in ("", "PodInitializing"):
            reason = "Init:" + text(wait.get("reason"))
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _condition_true(conditions, "Initialized"):
        restarts, last = sidecar_restarts, sidecar_last
        has_running = False
        for cs in reversed(arr(st.get("containerStatuses"))):
            cs = obj(cs)
            restarts += count(cs.get("restartCount"))
            last = _later(last, _last_finished(cs))
            state = obj(cs.get("state"))
            term, wait = state.get("terminated"), state.get("waiting")
            if isinstance(wait, dict) and text(wait.get("reason")):
                reason = text(wait.get("reason"))
            elif isinstance(term, dict):
                reason = _exit_text(term)
            elif cs.get("ready") is True and isinstance(state.get("running"), dict):
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(conditions, "Ready") else "NotReady"

    if meta.get("deletionTimestamp"):
        if text(st.get("reason")) == "NodeLost":
            reason = "Unknown"
        elif phase not in _TERMINAL:
            reason = "Terminating"
    return reason or "Unknown", ready, total, restarts, last


def _last_finished(cs: Mapping[str, Any]) -> datetime | None:
    return parse_time(obj(obj(cs.get("lastState")).get("terminated")).get("finishedAt"))


def summarize(pod: Any) -> PodSummary:
    """The list row of one pod JSON object (never raises)."""
    p = obj(pod)
    meta, spec, st = obj(p.get("metadata")), obj(p.get("spec")), obj(p.get("status"))
    specs = container_specs(spec)  # once for the printer and the budget
    status, ready, total, restarts, last = _print(meta, spec, st, specs)
    kind, owner = owner_of(meta)
    containers = (len(arr(spec.get("initContainers"))) + len(arr(spec.get("containers")))
                  + len(arr(spec.get("ephemeralContainers"))))
    return PodSummary(
        uid=text(meta.get("uid")),
        namespace=text(meta.get("namespace")),
        name=text(meta.get("name")),
        ready=ready,
        total=total,
        status=status,
        restarts=restarts,
        last_restart=last,
        created=parse_time(meta.get("creationTimestamp")),
        pod_ip=text(st.get("podIP")),
        node=text(spec.get("nodeName")),
        owner_kind=kind,
        owner_name=owner,
        containers=containers,
        labels=pairs(meta.get("labels")),
        phase=text(st.get("phase")),
        deleting=bool(meta.get("deletionTimestamp")),
        budget=budget_of(spec, specs),
        deletion_deadline=parse_time(meta.get("deletionTimestamp")),
    )
