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

Other kinds: ``job``, ``deployment``, ``replicaset``, ``cronjob`` (their pod template's
containers and volumes, as for a pod), ``configmap``, ``service`` (plus ``endpoints``: the
addresses of its EndpointSlices, each with ``ready`` and ``pod``), ``secret`` (its key
names only, as ``keys``: a value never reaches a check), ``pvc``. A list item is selected
by a field: ``env[name=DB_ADDR].value``, ``status.conditions[type=Complete].status``.

Behaviour (``podtui.drills.probes`` observes it): ``exec: CMD`` in a container
(``path: exit`` or ``output``), ``log: current|previous`` of a container (with
``after: {container: C, exec: CMD}``: only what it prints once CMD has run in C, read
until it meets the predicate or a few seconds pass), ``http: PORT``
or ``{port, path}`` of a pod (``path: status`` or ``body``), ``steady: SECONDS`` (a
container ready at every look and not restarted; ``path: restarts`` for the count).
``keeps: true`` marks a check of what the task says to leave alone: it counts only once a
check of the answer passes, so doing nothing scores 0.

Everything here is pure: :func:`evaluate` reads a snapshot of API objects
(``{"pod": {name: obj}, "job": {...}, ...}``) and never raises for odd data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from podtui.anatomy.kinds import SPEC_LISTS, kind_of
from podtui.drills.model import Check

Snapshot = dict[str, dict[str, dict]]

_STEP = re.compile(r"\.?([^.\[\]]+)|\[([^\]]*)\]")
_SELECT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=[^\]]*")
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


def parse_path(path: str) -> list:
    """`ports[*].containerPort` -> ["ports", None, "containerPort"] (None = every item);
    `env[name=DB_ADDR].value` -> ["env", ("name", "DB_ADDR"), "value"] (the item whose
    field `name` is DB_ADDR; the value may hold dots). Raises ValueError for a malformed
    path."""
    if not path:
        return []
    steps: list = []
    end = 0
    for m in _STEP.finditer(path):
        if m.start() != end or (m.group(1) is not None and end and not m.group(0).startswith(
                ".") and path[end - 1] != "]"):
            break
        if m.group(0).startswith(".") and end == 0:
            break
        end = m.end()
        if m.group(1) is not None:
            steps.append(m.group(1))
        elif m.group(2) == "*":
            steps.append(None)
        elif m.group(2).isdigit():
            steps.append(int(m.group(2)))
        elif _SELECT.fullmatch(m.group(2)):
            key, _, wanted = m.group(2).partition("=")
            steps.append((key, wanted))
        else:
            raise ValueError(f"cannot read [{m.group(2)}] in path {path!r}")
    if end != len(path):
        raise ValueError(f"cannot read path {path!r} at {path[end:]!r}")
    return steps


def resolve(value: Any, path: str) -> Any:
    """The value at `path`, `_MISSING` if absent; after a `[*]` step, a list of every
    item's value (absent ones left out)."""
    return _walk(value, parse_path(path))


def _walk(value: Any, steps: list) -> Any:
    for i, step in enumerate(steps):
        if isinstance(step, tuple):
            key, wanted = step
            if not isinstance(value, list):
                return _MISSING
            value = next((item for item in value if isinstance(item, dict)
                          and str(item.get(key)) == wanted), _MISSING)
            if value is _MISSING:
                return _MISSING
            continue
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
    """The pod spec of a pod, or of the pod template of a Job, Deployment, ReplicaSet or
    CronJob."""
    spec = obj.get("spec")
    if kind == "cronjob":
        spec = ((spec or {}).get("jobTemplate") or {}).get("spec") if isinstance(
            spec, dict) else None
    if kind != "pod":
        spec = ((spec or {}).get("template") or {}).get("spec") if isinstance(
            spec, dict) else None
    return spec if isinstance(spec, dict) else {}


SERVICE_LABEL = "kubernetes.io/service-name"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def sanitize(kind: str, obj: dict) -> dict:
    """What a check may read of an object: a Secret's key names only (its values, and the
    last-applied annotation that repeats them, never reach a check or an output line)."""
    if kind != "secret" or not isinstance(obj, dict):
        return obj
    keys = set(obj.get("keys") or ()) if "data" not in obj else set()  # sanitized already
    for field in ("data", "stringData"):
        if isinstance(obj.get(field), dict):
            keys.update(obj[field])
    metadata = dict(obj.get("metadata") or {})
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items()
                   if k != LAST_APPLIED}
    metadata["annotations"] = annotations
    return {"metadata": metadata, "type": obj.get("type"), "keys": sorted(keys)}


def endpoints_of(snapshot: Snapshot, service: str) -> list[dict]:
    """The endpoints of a Service from its EndpointSlices: address, ready, the pod."""
    found = []
    for item in (snapshot.get("endpointslice") or {}).values():
        labels = ((item or {}).get("metadata") or {}).get("labels") or {}
        if labels.get(SERVICE_LABEL) != service:
            continue
        ports = [p.get("port") for p in item.get("ports") or [] if isinstance(p, dict)]
        for endpoint in item.get("endpoints") or []:
            if not isinstance(endpoint, dict):
                continue
            for address in endpoint.get("addresses") or []:
                found.append({"address": address,
                              "ready": (endpoint.get("conditions") or {}).get("ready") is True,
                              "pod": (endpoint.get("targetRef") or {}).get("name", ""),
                              "ports": ports})
    return found


def container_view(obj: dict, kind: str, name: str) -> dict | None:
    """A container's spec with its status, kind and command line, or None."""
    spec = _pod_spec(obj, kind)
    status = obj.get("status") if isinstance(obj.get("status"), dict) else {}
    for field, status_field, group in SPEC_LISTS:
        items = spec.get(field)
        for index, container in enumerate(items if isinstance(items, list) else []):
            if not isinstance(container, dict) or container.get("name") != name:
                continue
            # the drill language says "container" for an app container
            ckind = "container" if group == "app" else kind_of(group, container)
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
    obj = sanitize(kind, obj)
    if kind == "service":
        obj = {**obj, "endpoints": endpoints_of(snapshot, name)}
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


def holds(predicate: str, found: Any, expected: Any) -> bool:
    """Whether `found` meets the predicate."""
    if predicate == "equals":
        return same(found, expected)
    if predicate == "contains":
        if isinstance(found, list):
            return any(same(item, expected) for item in found)
        return isinstance(found, str | int | float) and str(expected) in str(found)
    if predicate == "one_of":
        return any(same(found, e) for e in expected)
    if predicate == "none_of":
        return not any(same(found, e) for e in expected)
    if predicate == "matches":
        return bool(isinstance(found, str | int | float)
                    and re.search(str(expected), str(found), re.MULTILINE))
    if predicate in ("at_least", "at_most"):
        have, want = quantity(found), quantity(expected)
        return have is not None and want is not None and (
            have >= want if predicate == "at_least" else have <= want)
    if predicate == "count":
        n = len(found) if isinstance(found, list | dict) else 0
        return n == int(expected)
    raise ValueError(f"unknown predicate {predicate!r}")  # pragma: no cover - loader checks


def evaluate(check: Check, snapshot: Snapshot) -> Result:
    """The check against the snapshot. The detail says what the cluster shows, never what
    was expected: a failing line must not give the answer away."""
    if check.probe:
        return _evaluate_probe(check, snapshot)
    obj, where = _scope(snapshot, check.scope)
    label = check.what or check.path
    if check.predicate == "exists" and not check.path:
        there = obj is not _MISSING and obj != []
        return Result(check, there == bool(check.expected),
                      f"{where} {'exists' if there else 'not found'}")
    if obj is _MISSING:
        return Result(check, False, f"{where} not found")
    found = resolve(obj, check.path) if check.path else obj
    if check.predicate == "exists":
        there = found is not _MISSING and found is not None
        return Result(check, there == bool(check.expected),
                      f"{where}: {label} is {show(found) if there else 'not set'}")
    try:
        ok = holds(check.predicate, None if found is _MISSING else found, check.expected)
    except (re.error, ValueError, TypeError) as exc:
        return Result(check, False, f"{where}: cannot test {label}: {exc}")
    if check.predicate == "count":
        n = len(found) if isinstance(found, list | dict) else 0
        return Result(check, ok, f"{where}: {label} has {_plural(n)}")
    return Result(check, ok, f"{where}: {label} is {show(found)}")


# --------------------------------------------------------------------------- behaviour


def probe_key(check: Check) -> str:
    """Where the observation of a behavioural check sits in ``snapshot["probe"]``: checks
    that observe the same thing (one command, one log) share one observation."""
    return json.dumps([list(map(list, check.scope)), list(check.probe)], separators=(",", ":"))


def _container(check: Check) -> str:
    return next((name for part, name in check.scope if part == "container"), "")


def _pod(check: Check) -> str:
    return check.scope[0][1]


def _said(text: str) -> str:
    """Output as the user reads it in a result: nothing, or its last line."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "nothing"
    last = show(lines[-1].strip())
    return last if len(lines) == 1 else f"{len(lines)} lines, the last {last}"


def _evaluate_probe(check: Check, snapshot: Snapshot) -> Result:
    seen = (snapshot.get("probe") or {}).get(probe_key(check))
    kind = check.probe[0]
    container, pod = _container(check), _pod(check)
    pods = snapshot.get("pod")
    if isinstance(pods, dict) and pod not in pods:  # gone since it was observed
        return Result(check, False, f"pod `{pod}` not found")
    if not isinstance(seen, dict):
        return Result(check, False, "not observed yet")
    if seen.get("error"):
        return Result(check, False, str(seen["error"]))
    path = check.path or {"exec": "output", "log": "text", "http": "status",
                          "steady": "ready"}[kind]
    found = seen.get(path)
    try:
        ok = holds(check.predicate, found, check.expected)
    except (re.error, ValueError, TypeError) as exc:
        return Result(check, False, f"cannot test {path}: {exc}")
    if kind == "exec":
        command = show(" ".join(check.probe[1]) if not isinstance(check.probe[1], str)
                       else check.probe[1])
        where = f"{command} in `{container}`"
        if path == "exit":
            detail = f"{where} exited {seen.get('exit')}"
            if seen.get("exit") != 0 and seen.get("output", "").strip():
                detail += f" and printed {_said(seen.get('output', ''))}"
        else:
            detail = f"{where} printed {_said(seen.get('output', ''))}"
    elif kind == "log":
        which = "the previous instance of " if check.probe[1] == "previous" else ""
        if len(check.probe) > 2:  # what it printed once a command ran beside it
            which = f"after {show(check.probe[3])} in `{check.probe[2]}`, "
        text = seen.get("text") or ""
        detail = (f"{which}`{container}` printed {_said(text)}" if text.strip()
                  else f"{which}`{container}` prints nothing")
    elif kind == "http":
        port, url = check.probe[1], check.probe[2]
        where = f"GET {url} on port {port} of pod `{pod}`"
        if path == "body":
            body = seen.get("body") or ""
            text = " ".join(body.split())
            detail = (f"{where} answered {seen.get('status')} with "
                      f"{show(text[:60]) if text else 'an empty body'}")
        else:
            detail = f"{where} answered {seen.get('status')}"
    else:  # steady
        seconds = check.probe[1]
        restarts = seen.get("restarts", 0)
        if path == "restarts":
            detail = f"over {seconds:g} s `{container}` restarted {restarts} time" + (
                "" if restarts == 1 else "s")
        else:
            looks, ready = seen.get("looks", 0), seen.get("ready_looks", 0)
            detail = (f"`{container}` was ready at {ready} of {looks} looks over "
                      f"{seconds:g} s")
            if seen.get("state"):
                detail += f" ({seen['state']})"
    return Result(check, ok, detail)


def evaluate_all(checks: tuple[Check, ...] | list[Check], snapshot: Snapshot) -> list[Result]:
    """Every check; a check that `keeps` what the task says to leave alone counts only once a
    check of the answer passes (doing nothing scores 0)."""
    results = [evaluate(c, snapshot) for c in checks]
    if not any(r.passed for r in results if not r.check.keeps):
        results = [Result(r.check, False, f"{r.detail} (counts once the task is begun)")
                   if r.check.keeps and r.passed else r for r in results]
    return results


def score(results: list[Result]) -> tuple[int, int]:
    return sum(r.passed for r in results), len(results)
