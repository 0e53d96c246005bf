"""The check language: where to look, what to expect, and a result that says both.

A check names an object (``pod: web``), optionally a part of it (``container: shipper``,
``volume: logs``, ``mount: logs`` inside a container), a dotted ``path`` inside that
(``command``, ``status.state.waiting.reason``, ``ports[*].containerPort``) and one
predicate:

    exists: true|false     equals: V     contains: V     one_of: [..]     none_of: [..]
    matches: REGEX         at_least: N   at_most: N      count: N

Numbers and Kubernetes quantities compare by value (``0.5`` equals ``500m``, ``1Gi`` is at
least ``512Mi``). ``contains`` is a substring test on text and a membership test on a
list. A container is its spec plus ``status`` (its containerStatus), ``kind``
(container, init, sidecar, ephemeral) and ``cmdline`` (command and args, joined).
``events: NAME`` is the list of events about the object NAME, oldest first
(``path: "[*].reason"``, ``contains: BackOff``).

Everything here is pure: :func:`evaluate` reads a snapshot of API objects
(``{"pod": {name: obj}, "job": {...}, ...}``) and never raises for odd data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from podtui.drills.model import Check

Snapshot = dict[str, dict[str, dict]]

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")
_QUANTITY = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|"
                       r"n|u|m|k|M|G|T|P|E)?")
_SUFFIXES = {
    "": 1, "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"),
    "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}
_MISSING = object()


@dataclass(frozen=True)
class Result:
    check: Check
    passed: bool
    detail: str  # what was looked at and what was found

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.check.say}: {self.detail}"


# --------------------------------------------------------------------------- paths


def parse_path(path: str) -> list[str | int | None]:
    """`ports[*].containerPort` -> ["ports", None, "containerPort"] (None = every item).
    Raises ValueError for a malformed path."""
    if not path:
        return []
    steps: list[str | int | None] = []
    for part in path.split("."):
        if not part:
            raise ValueError(f"empty step in path {path!r}")
        end = 0
        for m in _TOKEN.finditer(part):
            if m.start() != end:
                break
            end = m.end()
            if m.group(1) is not None:
                steps.append(m.group(1))
            else:
                steps.append(None if m.group(2) == "*" else int(m.group(2)))
        if end != len(part):
            raise ValueError(f"cannot read step {part!r} of path {path!r}")
    return steps


def resolve(value: Any, path: str) -> Any:
    """The value at `path`, `_MISSING` if absent; after a `[*]` step, a list of every
    item's value (absent ones left out)."""
    return _walk(value, parse_path(path))


def _walk(value: Any, steps: list[str | int | None]) -> Any:
    for i, step in enumerate(steps):
        if step is None:
            if not isinstance(value, list):
                return _MISSING
            found = [_walk(item, steps[i + 1:]) for item in value]
            return [v for v in found if v is not _MISSING]
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return _MISSING
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                return _MISSING
            value = value[step]
    return value


# --------------------------------------------------------------------------- scopes


def _pod_spec(obj: dict, kind: str) -> dict:
    if kind == "job":
        spec = ((obj.get("spec") or {}).get("template") or {}).get("spec")
    else:
        spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def container_view(obj: dict, kind: str, name: str) -> dict | None:
    """A container's spec with its status, kind and command line, or None."""
    spec = _pod_spec(obj, kind)
    status = obj.get("status") if isinstance(obj.get("status"), dict) else {}
    for field, status_field in (("containers", "containerStatuses"),
                                ("initContainers", "initContainerStatuses"),
                                ("ephemeralContainers", "ephemeralContainerStatuses")):
        items = spec.get(field)
        for index, container in enumerate(items if isinstance(items, list) else []):
            if not isinstance(container, dict) or container.get("name") != name:
                continue
            if field == "containers":
                ckind = "container"
            elif field == "ephemeralContainers":
                ckind = "ephemeral"
            else:
                ckind = "sidecar" if container.get("restartPolicy") == "Always" else "init"
            statuses = status.get(status_field) if kind == "pod" else None
            found = next((s for s in statuses if isinstance(s, dict) and s.get("name") == name),
                         None) if isinstance(statuses, list) else None
            words = [str(w) for w in (container.get("command") or []) + (container.get("args")
                                                                         or [])]
            view = dict(container)
            view.update(kind=ckind, index=index, cmdline=" ".join(words))
            if found is not None:
                view["status"] = found
            return view
    return None


def events_of(snapshot: Snapshot, name: str) -> list[dict]:
    """The events about the object called `name`, oldest first."""
    found = [e for e in (snapshot.get("event") or {}).values()
             if isinstance(e, dict) and (e.get("involvedObject") or {}).get("name") == name]

    def when(event: dict) -> str:
        return str(event.get("lastTimestamp") or event.get("eventTime") or "")

    return sorted(found, key=when)


def _scope(snapshot: Snapshot, scope: tuple[tuple[str, str], ...]) -> tuple[Any, str]:
    """The object a check looks at (or _MISSING) and how to name it in a sentence."""
    (kind, name), parts = scope[0], scope[1:]
    if kind == "events":
        return events_of(snapshot, name), f"events of `{name}`"
    obj: Any = (snapshot.get(kind) or {}).get(name, _MISSING)
    where = f"{kind} `{name}`"
    if not isinstance(obj, dict):
        return _MISSING, where
    container: str | None = None
    for part, pname in parts:
        if part == "container":
            obj = container_view(obj, kind, pname)
            container = pname
            where = f"container `{pname}`"
        elif part == "volume":
            volumes = _pod_spec(obj, kind).get("volumes")
            obj = next((v for v in volumes if isinstance(v, dict) and v.get("name") == pname),
                       None) if isinstance(volumes, list) else None
            where = f"volume `{pname}`"
        elif part == "mount":
            mounts = obj.get("volumeMounts") if isinstance(obj, dict) else None
            obj = next((m for m in mounts if isinstance(m, dict) and m.get("name") == pname),
                       None) if isinstance(mounts, list) else None
            where = f"mount of `{pname}` in `{container}`"
        if obj is None:
            return _MISSING, where
    return obj, where


# --------------------------------------------------------------------------- values


def quantity(value: Any) -> Decimal | None:
    """A number or Kubernetes quantity as a Decimal; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        m = _QUANTITY.fullmatch(value.strip())
        if m:
            try:
                return Decimal(m.group(1)) * _SUFFIXES[m.group(2) or ""]
            except InvalidOperation:
                return None
    return None


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    number = quantity(value)
    if number is not None:
        return number
    return value if isinstance(value, list | dict) else str(value)


def same(found: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return (isinstance(found, list) and len(found) == len(expected)
                and all(same(f, e) for f, e in zip(found, expected, strict=True)))
    if isinstance(found, list | dict):
        return False
    return _norm(found) == _norm(expected)


def show(value: Any) -> str:
    """A value as the user reads it: `sleep 3600`, `a, b`, `true`."""
    if value is _MISSING or value is None:
        return "not set"
    if isinstance(value, bool):
        return f"`{'true' if value else 'false'}`"
    if isinstance(value, list):
        if not value:
            return "empty"
        if all(not isinstance(v, list | dict) for v in value):
            return "`" + ", ".join(show(v).strip("`") for v in value) + "`"
    if isinstance(value, dict | list):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)
        return "`" + (text if len(text) <= 60 else text[:57] + "...") + "`"
    text = str(value)
    return "`" + (text if len(text) <= 80 else text[:77] + "...") + "`"


def _plural(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


# --------------------------------------------------------------------------- evaluate


def _test(predicate: str, found: Any, expected: Any) -> tuple[bool, str]:
    """Whether `found` meets the predicate, and the expectation in words."""
    if predicate == "equals":
        return same(found, expected), f"expected {show(expected)}"
    if predicate == "contains":
        if isinstance(found, list):
            ok = any(same(item, expected) for item in found)
        else:
            ok = isinstance(found, str | int | float) and str(expected) in str(found)
        return ok, f"expected it to contain {show(expected)}"
    if predicate == "one_of":
        return any(same(found, e) for e in expected), "expected one of " + ", ".join(
            show(e) for e in expected)
    if predicate == "none_of":
        return not any(same(found, e) for e in expected), "expected none of " + ", ".join(
            show(e) for e in expected)
    if predicate == "matches":
        ok = isinstance(found, str | int | float) and re.search(str(expected), str(found))
        return bool(ok), f"expected it to match {show(expected)}"
    if predicate in ("at_least", "at_most"):
        have, want = quantity(found), quantity(expected)
        ok = have is not None and want is not None and (
            have >= want if predicate == "at_least" else have <= want)
        words = "at least" if predicate == "at_least" else "at most"
        return ok, f"expected {words} {show(expected)}"
    if predicate == "count":
        n = len(found) if isinstance(found, list | dict) else 0
        return n == int(expected), f"expected {_plural(int(expected))}"
    raise ValueError(f"unknown predicate {predicate!r}")  # pragma: no cover - loader checks


def evaluate(check: Check, snapshot: Snapshot) -> Result:
    obj, where = _scope(snapshot, check.scope)
    label = check.what or check.path
    if check.predicate == "exists" and not check.path:
        there = obj is not _MISSING and obj != []
        want = bool(check.expected)
        detail = f"{where} {'exists' if there else 'not found'}"
        if there != want:
            detail += ", expected it to exist" if want else ", expected it gone"
        return Result(check, there == want, detail)
    if obj is _MISSING:
        return Result(check, False, f"{where} not found")
    found = resolve(obj, check.path) if check.path else obj
    if check.predicate == "exists":
        there = found is not _MISSING and found is not None
        want = bool(check.expected)
        detail = f"{where}: {label} is {show(found) if there else 'not set'}"
        if there != want:
            detail += ", expected it to be set" if want else ", expected it not set"
        return Result(check, there == want, detail)
    try:
        ok, expectation = _test(check.predicate, None if found is _MISSING else found,
                                check.expected)
    except (re.error, ValueError, TypeError) as exc:
        return Result(check, False, f"{where}: cannot test {label}: {exc}")
    if check.predicate == "count":
        n = len(found) if isinstance(found, list | dict) else 0
        detail = f"{where}: {label} has {_plural(n)}"
    else:
        detail = f"{where}: {label} is {show(found)}"
    return Result(check, ok, detail if ok else f"{detail}, {expectation}")


def evaluate_all(checks: tuple[Check, ...] | list[Check], snapshot: Snapshot) -> list[Result]:
    return [evaluate(c, snapshot) for c in checks]


def score(results: list[Result]) -> tuple[int, int]:
    return sum(r.passed for r in results), len(results)
