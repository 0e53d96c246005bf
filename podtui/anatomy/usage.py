"""Resource usage: Kubernetes quantities, PodMetrics (metrics.k8s.io) and a pod's budget.

Numbers are exact (Fraction) until they are shown; the texts round like `kubectl top`
(CPU: millicores rounded up; memory: whole MiB, rounded down), so the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ._json import arr, obj, objs, text
from .kinds import ContainerKind, running_specs
from .times import parse_time

__all__ = [
    "NO_BUDGET",
    "Budget",
    "PodUsage",
    "Usage",
    "budget_of",
    "cpu_text",
    "memory_text",
    "parse_quantity",
    "percent",
    "pod_usage_from_json",
    "pod_usages_from_json",
]

_SUFFIX = {
    "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": Fraction(1),
    "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12),
    "P": Fraction(10**15), "E": Fraction(10**18),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
    "Pi": Fraction(2**50), "Ei": Fraction(2**60),
}
_QUANTITY = re.compile(
    r"([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)")
_MI = 2**20


def parse_quantity(value: Any) -> Fraction | None:
    """A Kubernetes quantity ("250m", "64Mi", "1.5", "2e3", 3) as an exact number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(value) if value == value and abs(value) != float("inf") else None
    m = _QUANTITY.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        return None
    number = Fraction(m.group(1))
    if m.group(2):
        return number * Fraction(10) ** int(m.group(2)[1:])
    return number * _SUFFIX[m.group(3) or ""]


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


def cpu_text(cores: Fraction | None) -> str:
    """CPU like `kubectl top`: millicores, rounded up ("124m")."""
    return "n/a" if cores is None else f"{_ceil(cores * 1000)}m"


def memory_text(size: Fraction | None) -> str:
    """Memory like `kubectl top`: whole MiB of the bytes rounded up, rounded down ("45Mi")."""
    return "n/a" if size is None else f"{_ceil(size) // _MI}Mi"


def percent(used: Fraction | None, of: Fraction | None) -> int | None:
    """``used`` as a whole percentage of ``of`` (rounded down, like k9s), None when unknown."""
    if used is None or not of:
        return None
    return int(used * 100 / of)


@dataclass(frozen=True, slots=True)
class Usage:
    """What one container (or a whole pod) uses: CPU in cores, memory in bytes."""

    cpu: Fraction
    memory: Fraction


@dataclass(frozen=True, slots=True)
class PodUsage:
    """One PodMetrics item: usage per container at ``timestamp``, over ``window``."""

    namespace: str
    name: str
    containers: tuple[tuple[str, Usage], ...]
    timestamp: datetime | None
    window: str

    @property
    def total(self) -> Usage:
        return Usage(sum((u.cpu for _, u in self.containers), Fraction(0)),
                     sum((u.memory for _, u in self.containers), Fraction(0)))

    def container(self, name: str) -> Usage | None:
        return next((u for n, u in self.containers if n == name), None)


def pod_usage_from_json(item: Any) -> PodUsage | None:
    """One PodMetrics object; None when it names no pod."""
    meta = obj(obj(item).get("metadata"))
    name = text(meta.get("name"))
    if not name:
        return None
    containers = []
    for c in objs(obj(item).get("containers")):
        usage = obj(c.get("usage"))
        cpu, memory = parse_quantity(usage.get("cpu")), parse_quantity(usage.get("memory"))
        cname = text(c.get("name"))
        if cname and cpu is not None and memory is not None:
            containers.append((cname, Usage(cpu, memory)))
    return PodUsage(
        namespace=text(meta.get("namespace")),
        name=name,
        containers=tuple(containers),
        timestamp=parse_time(obj(item).get("timestamp")),
        window=text(obj(item).get("window")),
    )


def pod_usages_from_json(doc: Any) -> dict[tuple[str, str], PodUsage]:
    """A PodMetricsList, by (namespace, name)."""
    out: dict[tuple[str, str], PodUsage] = {}
    for item in arr(obj(doc).get("items")):
        usage = pod_usage_from_json(item)
        if usage is not None:
            out[(usage.namespace, usage.name)] = usage
    return out


@dataclass(frozen=True, slots=True)
class Budget:
    """A pod's requests and limits summed over its running containers (app containers
    and native sidecars). A limit is None unless every one of them sets it; a request is
    None unless at least one does."""

    cpu_request: Fraction | None = None
    cpu_limit: Fraction | None = None
    memory_request: Fraction | None = None
    memory_limit: Fraction | None = None


NO_BUDGET = Budget()


def _sum(values: list[Fraction | None], every: bool) -> Fraction | None:
    known = [v for v in values if v is not None]
    if not known or (every and len(known) != len(values)):
        return None
    return sum(known, Fraction(0))


def budget_of(spec: Mapping[str, Any],
              specs: list[tuple[ContainerKind, Mapping[str, Any]]] | None = None) -> Budget:
    """The Budget of a pod spec (never raises); `specs`: its `container_specs`, when the
    caller has them. Called for every pod of the list: the raw quantities are the cache
    key, so the pods of one workload share one parsed Budget."""
    running = running_specs(spec, specs)
    if not running:
        return NO_BUDGET
    key = []
    for c in running:
        res = obj(c.get("resources"))
        req, lim = obj(res.get("requests")), obj(res.get("limits"))
        key.append((_raw(req.get("cpu")), _raw(lim.get("cpu")),
                    _raw(req.get("memory")), _raw(lim.get("memory"))))
    return _budget(tuple(key))


_QUANTITY_TYPES = (str, int, float)  # a tuple: isinstance with `str | int | float` is slower


def _raw(value: Any) -> str | int | float | None:
    return value if isinstance(value, _QUANTITY_TYPES) and not isinstance(value, bool) else None


@lru_cache(maxsize=4096)
def _budget(key: tuple[tuple[Any, Any, Any, Any], ...]) -> Budget:
    columns = list(zip(*key, strict=True))
    cpu_req, cpu_lim, mem_req, mem_lim = ([parse_quantity(v) for v in col] for col in columns)
    return Budget(
        cpu_request=_sum(cpu_req, every=False),
        cpu_limit=_sum(cpu_lim, every=True),
        memory_request=_sum(mem_req, every=False),
        memory_limit=_sum(mem_lim, every=True),
    )
