"""Seeded random parameter values: the same drill and seed always give the same task.

Values come from small safe sets (the drill file's lists, a name prefix plus a random
suffix, a port range), so they can be put into YAML and shell text as they are.
"""

from __future__ import annotations

import random
import re

from podtui.drills.model import ParamSpec

#: A value that stays one plain word in YAML and in a shell command.
SAFE_VALUE = re.compile(r"[A-Za-z0-9./_][A-Za-z0-9._:/@+-]{0,127}")
#: No look-alikes (l/1, o/0), so a name read off the screen is typed right.
_SUFFIX = "abcdefghjkmnpqrstuvwxyz23456789"


#: What a drill may know of the node its pods run on (`{node: staticPodPath}`): its name,
#: its kubelet's static pod directory, a directory for hostPath volumes; read from the
#: cluster at start (podtui.drills.attempts.node_facts); without a cluster (`drill show`),
#: the exam's and the Kubernetes tutorials' usual values.
NODE_FACTS = {"name": "node01", "staticPodPath": "/etc/kubernetes/manifests",
              "dataPath": "/mnt/data"}


def draw(drill_id: str, seed: int, params: tuple[ParamSpec, ...],
         facts: dict[str, str] | None = None) -> dict[str, str]:
    """Values for every parameter; choices and ports never repeat within one attempt
    (two containers never get the same name). `facts` are the node's (NODE_FACTS)."""
    rng = random.Random(f"{drill_id}/{seed}")
    values: dict[str, str] = {}
    for spec in params:
        taken = set(values.values())
        if spec.kind == "fixed":
            value = str(spec.value)
        elif spec.kind == "choose":
            free = [v for v in spec.value if v not in taken]
            value = rng.choice(free or list(spec.value))
        elif spec.kind == "name":
            value = spec.value + "-" + "".join(rng.choice(_SUFFIX) for _ in range(4))
        elif spec.kind == "node":
            value = (facts or {}).get(spec.value) or NODE_FACTS[spec.value]
        elif spec.kind == "port":
            low, high = spec.value
            value = str(rng.randint(low, high))
            while value in taken and high - low > len(taken):
                value = str(rng.randint(low, high))
        else:  # pragma: no cover - kinds are checked by the loader
            raise ValueError(f"unknown parameter kind {spec.kind!r}")
        values[spec.name] = value
    return values


def new_seed() -> int:
    return random.SystemRandom().randint(1, 99_999)


def namespace_for(drill_id: str, seed: int) -> str:
    """One namespace per attempt, readable in `kubectl get ns` (ids are <= 40 chars)."""
    return f"drill-{drill_id}-{seed}"
