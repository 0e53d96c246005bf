"""Drill files: YAML in, checked Drill out; one bad file never stops the others.

A drill file (built-ins in ``podtui/drills/builtin``, the user's in
``$XDG_CONFIG_HOME/podtui/drills``, default ``~/.config/podtui/drills``)::

    id: log-sidecar                    # DNS-1123 label, at most 40 characters
    title: Log sidecar on a shared emptyDir
    tag: "CKAD: Application Design and Build"
    minutes: 7                         # optional time budget (default 7)
    parameters:                        # optional; drawn per attempt from the seed
      pod: {name: web}                 #   "web-" + 4 random letters/digits
      sidecar: {choose: [shipper, tailer]}   # one of the list (never a value already drawn)
      port: {port: [8000, 8999]}       #   a port in the range
      node: {node: name}               #   the node the pods run on (name, staticPodPath)
      image: "busybox:1.36"            #   fixed
    task: |                            # ${pod}, ${namespace} (the attempt's own) ...
      Create pod ${pod} in namespace ${namespace} ...
    setup: []                          # optional manifests applied before the task
    solution:                          # the kubectl commands, as typed in the exam
      - kubectl -n ${namespace} apply -f - <<'EOF' ... EOF
    hints: [...]
    sandbox: >-                        # optional: which sandbox emulation the checks need
      ...
    checks:                            # see podtui.drills.checks for the language
      - say: the sidecar tails the log
        pod: ${pod}
        container: ${sidecar}
        path: cmdline
        contains: tail -F

Placeholders follow :class:`string.Template` (``$$`` is a literal ``$``, e.g. for shell
variables in a solution); each must name a parameter or ``namespace``.
"""

from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

# One YAML error/line machinery for templates and drills (not a copy).
from podtui.cluster.names import DNS_LABEL, DNS_SUBDOMAIN
from podtui.drills.checks import parse_path
from podtui.drills.model import (
    DEFAULT_MINUTES,
    OBJECT_KINDS,
    PREDICATES,
    PROBES,
    TEMPLATE_KINDS,
    Attempt,
    Check,
    Drill,
    ParamSpec,
)
from podtui.drills.params import NODE_FACTS, SAFE_VALUE, draw, namespace_for
from podtui.settings.xdg import config_dir
from podtui.templates.model import TemplateError
from podtui.templates.render import compose_yaml, node_line, yaml_nodes, yaml_problem

FIELDS = ("id", "title", "tag", "minutes", "parameters", "task", "setup", "solution",
          "hints", "checks", "sandbox")
REQUIRED = ("id", "title", "tag", "task", "solution", "checks")
CHECK_FIELDS = ("say", "what", "path", *OBJECT_KINDS, "container", "volume", "mount",
                *PREDICATES, *PROBES, "after", "keeps")
#: The paths a behavioural check reads of what it observed ("" = the first).
PROBE_PATHS = {"exec": ("", "output", "exit"), "log": ("",), "http": ("", "status", "body"),
               "steady": ("", "ready", "restarts")}
#: Kinds a setup may create (the cluster side knows their API paths).
SETUP_KINDS = ("Pod", "Job", "ConfigMap", "Service", "Secret", "Deployment", "ReplicaSet",
               "CronJob", "PersistentVolumeClaim", "PersistentVolume")
#: Setup kinds of no namespace (the attempt's start labels them, its reset deletes them).
CLUSTER_KINDS = ("PersistentVolume",)
_IDENT = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")


class DrillError(TemplateError):
    """A drill file that cannot be loaded: one line, ``FILE line N: what is wrong``."""

    def __init__(self, message: str, source: str, line: int | None, drill: str | None = None):
        super().__init__(message, source=source, line=line, template=drill, in_file=True)


def _placeholders(text: str) -> list[tuple[str | None, int]]:
    """(name or None for an invalid `$`, offset) of every placeholder in `text`."""
    found = []
    for m in string.Template.pattern.finditer(text):
        if m.group("escaped") is not None:
            continue
        found.append((m.group("named") or m.group("braced"), m.start()))
    return found


def _scalar_line(node: ScalarNode, offset: int) -> int:
    line = node.start_mark.line + 1
    if node.style in ("|", ">"):
        return line + 1 + node.value.count("\n", 0, offset)
    return line


def parse_drill(text: str, *, source: str, builtin: bool = False) -> Drill:
    try:
        loader, root = compose_yaml(text)
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise DrillError(problem, source, line) from None
    try:
        if not isinstance(root, MappingNode):
            raise DrillError("expected a mapping with id, title, task, solution and checks",
                             source, root.start_mark.line + 1 if root is not None else None)
        seen: set[str] = set()
        for key, _ in root.value:
            kname = key.value if isinstance(key, ScalarNode) else None
            if kname not in FIELDS:
                raise DrillError(f"unknown field {kname!r} (expected {', '.join(FIELDS)})",
                                 source, key.start_mark.line + 1)
            if kname in seen:
                raise DrillError(f"duplicate field {kname!r}", source, key.start_mark.line + 1)
            seen.add(kname)
        try:
            data = loader.construct_document(root)
        except yaml.YAMLError as exc:
            problem, line = yaml_problem(exc)
            raise DrillError(problem, source, line) from None
        return _Parser(data, root, source, builtin).drill()
    finally:
        loader.dispose()


class _Parser:
    def __init__(self, data: dict, root: Node, source: str, builtin: bool) -> None:
        self.data, self.root, self.source, self.builtin = data, root, source, builtin
        self.id: str | None = None

    def fail(self, message: str, *path: str | int) -> DrillError:
        return DrillError(message, self.source, node_line(self.root, path), self.id)

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if value is None:
            raise self.fail(f"missing required field {key!r}")
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{key!r} must be a non-empty string", key)
        return value

    def texts(self, key: str, required: bool) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing required field {key!r}")
            return ()
        if not isinstance(value, list) or (required and not value):
            raise self.fail(f"{key!r} must be a list of strings", key)
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{i}] must be a non-empty string", key, i)
        return tuple(value)

    def drill(self) -> Drill:
        for key in REQUIRED:
            if key not in self.data:
                raise self.fail(f"missing required field {key!r}")
        ident = self.text("id")
        if not DNS_LABEL.fullmatch(ident) or len(ident) > 40:
            raise self.fail(f"id {ident!r} must be a DNS-1123 label (lowercase letters, digits "
                            "and '-') of at most 40 characters", "id")
        self.id = ident
        minutes = self.data.get("minutes", DEFAULT_MINUTES)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 180:
            raise self.fail("'minutes' must be a whole number of minutes (1-180)", "minutes")
        params = self.parameters()
        setup = self.setup()
        drill = Drill(
            id=ident, title=self.text("title").strip(), tag=self.text("tag").strip(),
            minutes=minutes, parameters=params, task=self.text("task"), setup=setup,
            solution=self.texts("solution", True), hints=self.texts("hints", False),
            checks=self.checks(), source=self.source, builtin=self.builtin,
            sandbox=" ".join(self.text("sandbox", False).split()),
        )
        self.placeholders({p.name for p in params} | {"namespace"})
        self.trial(drill)
        return drill

    def parameters(self) -> tuple[ParamSpec, ...]:
        raw = self.data.get("parameters") or {}
        if not isinstance(raw, dict):
            raise self.fail("'parameters' must be a mapping of name: spec", "parameters")
        specs = []
        for name, spec in raw.items():
            where = ("parameters", name)
            if not isinstance(name, str) or not _IDENT.fullmatch(name) or name == "namespace":
                raise self.fail(f"parameter name {name!r} must be an identifier other than "
                                "'namespace'", "parameters")
            line = node_line(self.root, where)
            if isinstance(spec, str | int) and not isinstance(spec, bool):
                specs.append(ParamSpec(name, "fixed", str(spec), line))
                continue
            if not isinstance(spec, dict) or len(spec) != 1:
                raise self.fail(f"parameter {name!r}: give a value, or exactly one of "
                                "choose, name, port, node", *where)
            (kind, value), = spec.items()
            if kind == "choose":
                if not isinstance(value, list) or not value:
                    raise self.fail(f"parameter {name!r}: choose needs a list", *where)
                items = [str(v) for v in value]
                bad = next((v for v in items if not SAFE_VALUE.fullmatch(v)), None)
                if bad is not None:
                    raise self.fail(f"parameter {name!r}: {bad!r} is not a plain word (letters, "
                                    "digits and . _ : / @ + -)", *where)
                specs.append(ParamSpec(name, "choose", tuple(items), line))
            elif kind == "name":
                if not isinstance(value, str) or not DNS_LABEL.fullmatch(value) or len(
                        value) > 50:
                    raise self.fail(f"parameter {name!r}: name needs a DNS-1123 prefix of at "
                                    "most 50 characters", *where)
                specs.append(ParamSpec(name, "name", value, line))
            elif kind == "port":
                ok = (isinstance(value, list) and len(value) == 2
                      and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                      and 1 <= value[0] <= value[1] <= 65535)
                if not ok:
                    raise self.fail(f"parameter {name!r}: port needs [LOW, HIGH] in 1-65535",
                                    *where)
                specs.append(ParamSpec(name, "port", (value[0], value[1]), line))
            elif kind == "node":
                if value not in NODE_FACTS:
                    raise self.fail(f"parameter {name!r}: node takes one of "
                                    f"{', '.join(NODE_FACTS)}", *where)
                specs.append(ParamSpec(name, "node", value, line))
            else:
                raise self.fail(f"parameter {name!r}: unknown kind {kind!r} (one of choose, "
                                "name, port, node)", *where)
        return tuple(specs)

    def setup(self) -> tuple[str, ...]:
        raw = self.data.get("setup") or []
        if not isinstance(raw, list):
            raise self.fail("'setup' must be a list of manifests", "setup")
        out = []
        for i, item in enumerate(raw):
            if isinstance(item, dict):
                item = yaml.safe_dump(item, sort_keys=False)
            if not isinstance(item, str):
                raise self.fail(f"setup[{i}] must be a manifest (a mapping or YAML text)",
                                "setup", i)
            out.append(item)
        return tuple(out)

    def checks(self) -> tuple[Check, ...]:
        raw = self.data.get("checks")
        if not isinstance(raw, list) or not raw:
            raise self.fail("'checks' must be a non-empty list", "checks")
        return tuple(self.check(i, item) for i, item in enumerate(raw))

    def check(self, i: int, item: Any) -> Check:
        where = ("checks", i)

        def fail(message: str, *key: str) -> DrillError:
            return self.fail(f"checks[{i}]: {message}", *where, *key)

        if not isinstance(item, dict):
            raise fail("each check must be a mapping (say, an object, a predicate)")
        unknown = [k for k in item if k not in CHECK_FIELDS]
        if unknown:
            raise fail(f"unknown key {unknown[0]!r} (expected say, what, path, keeps, one of "
                       f"{', '.join(OBJECT_KINDS)}, container/volume/mount, at most one of "
                       f"{', '.join(PROBES)}, and one of {', '.join(PREDICATES)})",
                       str(unknown[0]))
        say = item.get("say")
        if not isinstance(say, str) or not say.strip():
            raise fail("'say' (a sentence for the user) is required")
        objects = [k for k in OBJECT_KINDS if k in item]
        if len(objects) != 1:
            raise fail(f"name exactly one object ({', '.join(OBJECT_KINDS)}), got "
                       f"{len(objects)}")
        scope = [(objects[0], item[objects[0]])]
        if "container" in item and "volume" in item:
            raise fail("use container or volume, not both", "volume")
        if "mount" in item and "container" not in item:
            raise fail("'mount' needs a container (whose mount of that volume)", "mount")
        for part in ("container", "volume", "mount"):
            if part in item:
                if objects[0] not in TEMPLATE_KINDS:
                    raise fail(f"'{part}' only works inside a {', '.join(TEMPLATE_KINDS)}",
                               part)
                scope.append((part, item[part]))
        for key, value in scope:
            if not isinstance(value, str) or not value:
                raise fail(f"{key!r} must be a name", key)
        path = item.get("path", "")
        if not isinstance(path, str):
            raise fail("'path' must be a dotted path (e.g. status.state.waiting.reason)", "path")
        try:
            parse_path(path)
        except ValueError as exc:
            raise fail(str(exc), "path") from None
        predicates = [k for k in PREDICATES if k in item]
        if len(predicates) != 1:
            raise fail(f"give exactly one predicate ({', '.join(PREDICATES)}), got "
                       f"{len(predicates)}", *predicates[1:2])
        predicate = predicates[0]
        expected = item[predicate]
        self.expectation(predicate, expected, fail)
        what = item.get("what", "")
        if not isinstance(what, str):
            raise fail("'what' must be a short label", "what")
        keeps = item.get("keeps", False)
        if not isinstance(keeps, bool):
            raise fail("'keeps' takes true or false", "keeps")
        probe = self.probe(item, objects[0], fail)
        if "after" in item:
            probe = self.after(item["after"], probe, fail)
        return Check(say.strip(), tuple(scope), path, predicate, expected, what,
                     node_line(self.root, where), probe, keeps)

    @staticmethod
    def probe(item: dict, obj: str, fail) -> tuple:
        """The behaviour a check observes: exec, log, http or steady (at most one)."""
        probes = [k for k in PROBES if k in item]
        if not probes:
            return ()
        if len(probes) > 1:
            raise fail(f"observe one behaviour per check, not {' and '.join(probes)}",
                       probes[1])
        kind, value = probes[0], item[probes[0]]
        if obj != "pod":
            raise fail(f"'{kind}' observes a pod: name it with pod:", kind)
        if kind != "http" and "container" not in item:
            raise fail(f"'{kind}' needs a container", kind)
        if "volume" in item or "mount" in item:
            raise fail(f"'{kind}' observes a container, not a volume or mount", kind)
        path = item.get("path", "")
        if path not in PROBE_PATHS[kind]:
            allowed = ", ".join(p or "(none)" for p in PROBE_PATHS[kind])
            raise fail(f"{kind} checks read path {allowed}, not {path!r}", "path")
        if kind == "exec":
            if isinstance(value, str) and value.strip():
                return ("exec", value)
            if isinstance(value, list) and value and all(
                    isinstance(v, str | int) and not isinstance(v, bool) for v in value):
                return ("exec", tuple(str(v) for v in value))
            raise fail("exec takes a shell command (text, run with sh -c) or a list of "
                       "words", kind)
        if kind == "log":
            if value not in ("current", "previous"):
                raise fail("log takes current or previous", kind)
            return ("log", value)
        if kind == "http":
            if isinstance(value, int | str) and not isinstance(value, bool):
                value = {"port": value}
            if not isinstance(value, dict) or "port" not in value or set(value) - {
                    "port", "path"}:
                raise fail("http takes a port, or {port: N, path: /x}", kind)
            url = value.get("path", "/")
            if not isinstance(url, str) or not url.startswith(("/", "$")):
                raise fail("http path must start with /", kind)
            return ("http", str(value["port"]), url)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 60
        if not ok:
            raise fail("steady takes the seconds to watch (at most 60)", kind)
        return ("steady", float(value))

    @staticmethod
    def after(value: Any, probe: tuple, fail) -> tuple:
        """`after: {container: C, exec: CMD}` on a current log: what the container prints
        once CMD has run in C (a log rotated, a request made)."""
        if probe != ("log", "current"):
            raise fail("'after' goes with log: current", "after")
        if not (isinstance(value, dict) and set(value) == {"container", "exec"}
                and isinstance(value["container"], str) and value["container"]
                and isinstance(value["exec"], str) and value["exec"].strip()):
            raise fail("after takes {container: NAME, exec: a shell command}", "after")
        return (*probe, value["container"], value["exec"])

    @staticmethod
    def expectation(predicate: str, value: Any, fail) -> None:
        scalar = (str, int, float, bool)
        if predicate == "exists" and not isinstance(value, bool):
            raise fail("exists takes true or false", predicate)
        if predicate == "count" and (isinstance(value, bool) or not isinstance(value, int)
                                     or value < 0):
            raise fail("count takes a whole number", predicate)
        if predicate in ("one_of", "none_of") and not (
                isinstance(value, list) and value
                and all(isinstance(v, scalar) for v in value)):
            raise fail(f"{predicate} takes a list of values", predicate)
        if predicate in ("contains", "matches", "at_least", "at_most") and not isinstance(
                value, scalar):
            raise fail(f"{predicate} takes one value", predicate)
        if predicate == "equals" and not (isinstance(value, scalar) or (
                isinstance(value, list) and all(isinstance(v, scalar) for v in value))):
            raise fail("equals takes a value or a list of values", predicate)

    def placeholders(self, names: set[str]) -> None:
        for node in yaml_nodes(self.root):
            if not isinstance(node, ScalarNode) or "$" not in node.value:
                continue
            for name, offset in _placeholders(node.value):
                line = _scalar_line(node, offset)
                if name is None:
                    raise DrillError("invalid placeholder (use ${name}, or '$$' for a literal "
                                     "'$')", self.source, line, self.id)
                if name not in names:
                    raise DrillError(f"'${{{name}}}' is not a parameter (have: "
                                     f"{', '.join(sorted(names))}; '$$' is a literal '$')",
                                     self.source, line, self.id)

    def trial(self, drill: Drill) -> None:
        """Render once so a broken setup or check is refused now, with its line."""
        try:
            render_attempt(drill, 1)
        except DrillError as exc:
            raise DrillError(exc.message, self.source,
                             exc.line or node_line(self.root, ("setup",)), self.id) from None


def _sub(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return string.Template(value).substitute(values)
    if isinstance(value, list):
        return [_sub(v, values) for v in value]
    return value


def render_attempt(drill: Drill, seed: int, namespace: str | None = None,
                   facts: dict[str, str] | None = None) -> Attempt:
    """The drill with its parameters drawn from `seed`, in its own namespace; `facts` of
    the node (podtui.drills.attempts.node_facts) for its `node` parameters."""
    namespace = namespace or namespace_for(drill.id, seed)
    values = draw(drill.id, seed, drill.parameters, facts)
    values["namespace"] = namespace
    setup = []
    for i, text in enumerate(drill.setup):
        try:
            manifest = yaml.safe_load(_sub(text, values))
        except yaml.YAMLError as exc:
            problem, _ = yaml_problem(exc)
            raise DrillError(f"setup[{i}]: {problem}", drill.source, None, drill.id) from None
        _check_manifest(manifest, i, drill)
        if manifest["kind"] not in CLUSTER_KINDS:
            manifest.setdefault("metadata", {})["namespace"] = namespace
        setup.append(manifest)
    checks = []
    for check in drill.checks:
        probe = tuple(tuple(_sub(list(p), values)) if isinstance(p, tuple) else _sub(p, values)
                      for p in check.probe)
        if probe[:1] == ("http",) and (not str(probe[1]).isdigit()
                                       or not str(probe[2]).startswith("/")):
            raise DrillError(f"http: port {probe[1]!r} must be a number and path "
                             f"{probe[2]!r} start with /", drill.source, check.line, drill.id)
        checks.append(Check(
            _sub(check.say, values),
            tuple((k, _sub(v, values)) for k, v in check.scope),
            _sub(check.path, values), check.predicate, _sub(check.expected, values),
            _sub(check.what, values), check.line, probe, check.keeps))
        if check.predicate == "matches":
            try:
                re.compile(str(checks[-1].expected))
            except re.error as exc:
                raise DrillError(f"matches: bad regular expression ({exc})", drill.source,
                                 check.line, drill.id) from None
    return Attempt(
        drill=drill, seed=seed, namespace=namespace, values=values,
        task=_sub(drill.task, values).strip(), setup=tuple(setup),
        solution=tuple(_sub(list(drill.solution), values)),
        hints=tuple(_sub(list(drill.hints), values)), checks=tuple(checks),
    )


def _check_manifest(manifest: Any, i: int, drill: Drill) -> None:
    def fail(message: str) -> DrillError:
        return DrillError(f"setup[{i}]: {message}", drill.source, None, drill.id)

    if not isinstance(manifest, dict):
        raise fail("a manifest must be a mapping with apiVersion, kind and metadata.name")
    if manifest.get("kind") not in SETUP_KINDS:
        raise fail(f"kind {manifest.get('kind')!r} is not one of {', '.join(SETUP_KINDS)}")
    name = (manifest.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not DNS_SUBDOMAIN.fullmatch(name):
        raise fail(f"metadata.name {name!r} is not a valid name")


# --------------------------------------------------------------------------- files


def default_user_dir() -> Path:
    """``$XDG_CONFIG_HOME/podtui/drills``, or ``~/.config/podtui/drills``."""
    return config_dir() / "drills"


def load_drills(user_dir: Path | None = None) -> tuple[list[Drill], list[DrillError]]:
    """Built-in drills then the user's (``*.yaml``/``*.yml``, by file name). A file that
    fails is left out and its one-line error returned; a user drill with a built-in's id
    replaces it."""
    drills: dict[str, Drill] = {}
    errors: list[DrillError] = []
    files: list[tuple[str, str | None, bool]] = []
    package = resources.files("podtui.drills.builtin")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml") and entry.is_file():
            files.append((str(entry), entry.read_text(encoding="utf-8"), True))
    directory = user_dir if user_dir is not None else default_user_dir()
    try:
        paths = sorted(p for p in directory.iterdir()
                       if p.suffix in (".yaml", ".yml") and p.is_file()) \
            if directory.is_dir() else []
    except OSError as exc:
        errors.append(DrillError(f"cannot list: {exc.strerror or exc}", str(directory), None))
        paths = []
    for path in paths:
        try:
            files.append((str(path), path.read_text(encoding="utf-8"), False))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            errors.append(DrillError(f"cannot read: {reason}", str(path), None))
    for source, text, builtin in files:
        try:
            drill = parse_drill(text or "", source=source, builtin=builtin)
        except DrillError as exc:
            errors.append(exc)
            continue
        drills[drill.id] = drill
    return list(drills.values()), errors
