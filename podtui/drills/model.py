"""What a drill is, and one attempt at it (a drill rendered with a seed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The exam's pace: about 7 minutes a question.
DEFAULT_MINUTES = 7

#: Where a check looks: an object kind, then optional parts inside it (container, volume,
#: mount).
OBJECT_KINDS = ("pod", "job", "configmap", "service", "events", "deployment", "replicaset",
                "cronjob", "secret", "pvc")
#: Kinds with a pod template: their containers and volumes can be checked.
TEMPLATE_KINDS = ("pod", "job", "deployment", "replicaset", "cronjob")

#: What a check may observe of a pod by doing something (podtui.drills.probes), beside
#: reading its spec and status: a command run in a container, a container's log, an HTTP
#: request to a port of the pod, a container watched over a window.
PROBES = ("exec", "log", "http", "steady")

#: The predicate set: exactly one per check.
PREDICATES = ("exists", "equals", "contains", "one_of", "none_of", "matches",
              "at_least", "at_most", "count")


@dataclass(frozen=True)
class ParamSpec:
    """How one parameter gets its value: fixed, chosen from a list, a name with a random
    suffix, a port in a range, or a fact of the node the drill's pods run on."""

    name: str
    kind: str  # "fixed" | "choose" | "name" | "port" | "node"
    value: Any  # the fixed text, the list, the name prefix, (low, high), or the fact
    line: int | None = None


@dataclass(frozen=True)
class Check:
    say: str  # what the user should have achieved, in words
    scope: tuple[tuple[str, str], ...]  # (("pod", "web"), ("container", "shipper"))
    path: str  # dotted path inside the scoped object ("" = the object itself)
    predicate: str
    expected: Any
    what: str = ""  # a label for the path in results (defaults to the path)
    line: int | None = None
    #: A behaviour to observe instead of an object's fields: ("exec", argv), ("log",
    #: "current"|"previous"), ("log", "current", container, command): what is printed once
    #: the command has run in that container, ("http", port, path), ("steady", seconds);
    #: () for none.
    probe: tuple = ()
    #: The check guards what the task says to keep as it is: it counts only once a check
    #: of the answer passes (doing nothing scores 0).
    keeps: bool = False


@dataclass(frozen=True)
class Drill:
    id: str
    title: str
    tag: str  # curriculum: "CKAD: Application Design and Build"
    minutes: int
    parameters: tuple[ParamSpec, ...]
    task: str
    setup: tuple[str, ...]  # manifests (YAML text with placeholders)
    solution: tuple[str, ...]  # shell commands: kubectl, or on the node (static pods)
    hints: tuple[str, ...]
    checks: tuple[Check, ...]
    source: str
    builtin: bool
    #: Which sandbox emulation a check relies on (free text for the README/notes).
    sandbox: str = ""


@dataclass(frozen=True)
class Attempt:
    """A drill with its parameters drawn: everything is plain text and dicts."""

    drill: Drill
    seed: int
    namespace: str
    values: dict[str, str]
    task: str
    setup: tuple[dict, ...]
    solution: tuple[str, ...]
    hints: tuple[str, ...]
    checks: tuple[Check, ...]
