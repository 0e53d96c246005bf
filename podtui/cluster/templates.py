"""Multi-container pod templates: loading, validation and rendering (pure, no API calls).

A template is one YAML file::

    name: sidecar-log-tailer          # unique id, a DNS-1123 label
    title: Sidecar log tailer         # optional, defaults to the name
    description: >-                   # optional: the pattern it teaches
      A Node.js app writes a log file to a shared emptyDir; a busybox sidecar tails it.
    parameters:                       # optional list; every parameter has a default
      - {name: name, default: web-tailer, description: Pod name, kind: dns-name}
      - {name: namespace, default: default, kind: dns-label}
      - {name: app_image, default: "node:20-alpine", kind: image}
      - {name: port, default: "3000", kind: port}
    pod: |                            # the Pod manifest, with ${param} placeholders
      apiVersion: v1
      kind: Pod
      metadata:
        name: ${name}
        namespace: ${namespace}
      ...

Parameter ``kind`` (default ``string``) decides how a value is validated:

- ``dns-name``: RFC 1123 subdomain (lowercase letters, digits, '-' and '.'), at most 253;
- ``dns-label``: RFC 1123 label (lowercase letters, digits and '-'), at most 63;
- ``image``: a container image reference (``nginx:1.27``, ``ghcr.io/org/app@sha256:...``);
- ``port``: an integer in 1-65535;  ``int``: an integer;
- ``string``: any text without control characters (tab and newline are allowed).

Placeholders follow :class:`string.Template`: ``${param}`` (the bare ``$param`` form too),
and ``$$`` is a literal ``$`` -- so shell variables in inline scripts are written
``$$HOME``.  Every placeholder must name a declared parameter.

Values are inserted YAML-safely: the pod body is parsed with placeholders standing in
as inert tokens, and the values are substituted into the parsed scalars, so no value can
change the document's shape (a value containing a newline or ``": "`` stays one string).
A placeholder that is a whole unquoted scalar of an ``int``/``port`` parameter becomes a
number (``containerPort: ${port}``); everywhere else values are strings
(``value: "${port}"`` for an env var).  YAML syntax errors therefore come from the
template itself and are reported at load time with their line.

Built-in templates ship in the ``podtui.templates`` package; user templates live in
``$XDG_CONFIG_HOME/podtui/templates`` (default ``~/.config/podtui/templates``).
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePath
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from podtui.cluster.names import DNS_LABEL, DNS_SUBDOMAIN

__all__ = [
    "KINDS",
    "Parameter",
    "Template",
    "TemplateError",
    "default_user_dir",
    "load_templates",
    "parse_set_args",
    "parse_template",
    "render",
    "render_yaml",
    "validate_value",
]

KINDS = ("dns-name", "dns-label", "image", "port", "int", "string")

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"

_IDENT_RE = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_INT_RE = re.compile(r"-?[0-9]+")
_PORT_RE = re.compile(r"[0-9]{1,5}")
# [registry[:port]/]path-component(/path-component)*[:tag][@algorithm:digest]
_IMAGE_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE_RE = re.compile(
    r"(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?/)?"
    rf"{_IMAGE_COMPONENT}(?:/{_IMAGE_COMPONENT})*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?"
)
_MAX_STRING = 4096

_TEMPLATE_FIELDS = ("name", "title", "description", "parameters", "pod")
_PARAMETER_FIELDS = ("name", "default", "description", "kind")


class TemplateError(Exception):
    """A template that cannot be loaded or rendered, as one line for the UI.

    ``field`` is the parameter name for a bad value, ``"pod"`` for the pod body, a
    field path (``parameters[2].kind``) for a malformed file, or None.  ``line`` is the
    line in the file ``source`` for load errors (``in_file``), and the line within the
    pod body for render errors.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        line: int | None = None,
        template: str | None = None,
        in_file: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.field = field
        self.line = line
        self.template = template
        self.in_file = in_file

    def __str__(self) -> str:
        if self.in_file or not self.template:
            head = PurePath(self.source).name if self.source else ""
        else:
            head = self.template
        message = re.sub(r"\s*[\r\n]+\s*", " ", self.message)  # always one line
        if self.line is not None:
            if self.in_file or self.field != "pod":
                where = f"{head} line {self.line}" if head else f"line {self.line}"
                return f"{where}: {message}"
            return (
                f"{head}: pod line {self.line}: {message}"
                if head
                else (f"pod line {self.line}: {message}")
            )
        return f"{head}: {message}" if head else message


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str
    description: str = ""
    kind: str = "string"


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    body: str
    source: str
    builtin: bool

    def defaults(self) -> dict[str, str]:
        return {p.name: p.default for p in self.parameters}

    def parameter(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        return None


# --------------------------------------------------------------------------- values


def _show(value: str) -> str:
    text = value if len(value) <= 60 else value[:57] + "..."
    return repr(text)


def _bad_char(value: str, allow_newline: bool) -> str | None:
    for ch in value:
        if ch in "\t\n" and allow_newline:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            return f"U+{ord(ch):04X}"
    return None


def validate_value(parameter: Parameter, value: Any) -> str:
    """Check ``value`` against the parameter's kind; return it normalised (ports and
    ints lose leading zeros).  Raises ValueError with a short reason."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    value = str(value)
    kind = parameter.kind
    bad = _bad_char(value, allow_newline=kind == "string")
    if bad:
        raise ValueError(f"{_show(value)} contains a control character ({bad})")
    if kind == "dns-name":
        if not DNS_SUBDOMAIN.fullmatch(value):
            raise ValueError(
                f"{_show(value)} is not a valid DNS-1123 name "
                "(lowercase letters, digits, '-' and '.')"
            )
        if len(value) > 253:
            raise ValueError(f"{_show(value)} is longer than 253 characters")
    elif kind == "dns-label":
        if not DNS_LABEL.fullmatch(value):
            raise ValueError(
                f"{_show(value)} is not a valid DNS-1123 label (lowercase letters, digits and '-')"
            )
        if len(value) > 63:
            raise ValueError(f"{_show(value)} is longer than 63 characters")
    elif kind == "image":
        if len(value) > 512 or not _IMAGE_RE.fullmatch(value):
            raise ValueError(
                f"{_show(value)} is not a valid image reference (e.g. nginx:1.27 or "
                "registry.example.com/team/app:v2)"
            )
    elif kind == "port":
        if not _PORT_RE.fullmatch(value) or not 1 <= int(value) <= 65535:
            raise ValueError(f"{_show(value)} is not a valid port (1-65535)")
        value = str(int(value))
    elif kind == "int":
        if not _INT_RE.fullmatch(value) or len(value) > 19:
            raise ValueError(f"{_show(value)} is not an integer")
        value = str(int(value))
    elif kind == "string":
        if len(value) > _MAX_STRING:
            raise ValueError(f"value is longer than {_MAX_STRING} characters")
    else:  # pragma: no cover - kinds are checked when a template is parsed
        raise ValueError(f"unknown parameter kind {kind!r}")
    return value


def parse_set_args(args: Iterable[str]) -> dict[str, str]:
    """Turn CLI ``--set NAME=VALUE`` arguments into a values mapping (last one wins)."""
    values: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        key = key.strip()
        if not sep:
            raise TemplateError(
                f"--set expects NAME=VALUE, got {_show(arg)} (no '=')", field="--set"
            )
        if not _IDENT_RE.fullmatch(key):
            raise TemplateError(
                f"--set expects NAME=VALUE, got {_show(arg)} ({_show(key)} is not a "
                "parameter name)",
                field="--set",
            )
        values[key] = value
    return values


# --------------------------------------------------------------------------- placeholders


@dataclass(frozen=True)
class _Occurrence:
    name: str
    start: int  # index of the token in the prepared text
    end: int


@dataclass(frozen=True)
class _Prepared:
    text: str  # the body with `$$` -> `$` and placeholders -> inert tokens
    occurrences: tuple[_Occurrence, ...]
    token_re: re.Pattern[str]
    names: tuple[str, ...]  # token index -> parameter name


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _prepare(body: str) -> _Prepared:
    """Replace placeholders with tokens that YAML reads as plain words."""
    prefix = "zzpodtui"
    while prefix in body:
        prefix += "q"
    token_re = re.compile(rf"{prefix}([0-9]+)zz")
    pieces: list[str] = []
    occurrences: list[_Occurrence] = []
    names: list[str] = []
    index: dict[str, int] = {}
    pos = 0
    length = 0
    for m in string.Template.pattern.finditer(body):
        chunk = body[pos : m.start()]
        pieces.append(chunk)
        length += len(chunk)
        pos = m.end()
        if m.group("escaped") is not None:
            pieces.append("$")
            length += 1
            continue
        name = m.group("named") or m.group("braced")
        if name is None:
            snippet = body[m.start() : m.start() + 12].split("\n")[0]
            raise TemplateError(
                f"invalid placeholder {snippet!r} (use ${{name}}, or '$$' for a literal '$')",
                field="pod",
                line=_line_at(body, m.start()),
            )
        if name not in index:
            index[name] = len(names)
            names.append(name)
        token = f"{prefix}{index[name]}zz"
        occurrences.append(_Occurrence(name, length, length + len(token)))
        pieces.append(token)
        length += len(token)
    pieces.append(body[pos:])
    return _Prepared("".join(pieces), tuple(occurrences), token_re, tuple(names))


def _check_placeholders(body: str, params: Mapping[str, Parameter]) -> None:
    for m in string.Template.pattern.finditer(body):
        name = m.group("named") or m.group("braced")
        if name is not None and name not in params:
            raise TemplateError(
                f"{m.group(0)!r} is not a declared parameter"
                + (" (write '$$' for a literal '$')" if m.group("named") else ""),
                field="pod",
                line=_line_at(body, m.start()),
            )


# --------------------------------------------------------------------------- rendering


@dataclass
class _Scalar:
    node: ScalarNode
    start: int
    end: int
    style: str | None
    prefix: str  # the node's properties (`&anchor`, `!tag`) written before it


def _properties(text: str, start: int, end: int) -> str:
    pos = start
    while pos < end and text[pos] in "!&":
        while pos < end and not text[pos].isspace():
            pos += 1
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
    return text[start:pos]


def _yaml_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and not exc.context.startswith("while "):
            problem = f"{exc.context}, {exc.problem}"  # e.g. expected a single document...
        mark = exc.problem_mark or exc.context_mark
        return problem, (mark.line + 1 if mark is not None else None)
    return str(exc), None


def _compose(text: str) -> tuple[yaml.SafeLoader, Node | None]:
    loader = yaml.SafeLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        raise


def _nodes(root: Node) -> Iterator[Node]:
    """Every node of a composed graph once (aliases make it a graph, not a tree)."""
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _substitute(
    root: Node, prepared: _Prepared, values: Mapping[str, str], kinds: Mapping[str, str]
) -> list[_Scalar]:
    """Put the values into the composed node graph; return the scalars touched."""
    touched: list[_Scalar] = []
    for node in _nodes(root):
        if isinstance(node, ScalarNode) and prepared.token_re.search(node.value):
            start, end = node.start_mark.index, node.end_mark.index
            prefix = _properties(prepared.text, start, end)
            touched.append(_Scalar(node, start, end, node.style, prefix))
            whole = prepared.token_re.fullmatch(node.value)
            if whole and node.style is None:
                name = prepared.names[int(whole.group(1))]
                if kinds[name] in ("int", "port") and "!" not in prefix:
                    node.tag = _INT_TAG
                node.value = values[name]
                continue
            node.value = prepared.token_re.sub(
                lambda m: values[prepared.names[int(m.group(1))]], node.value
            )
    return touched


def _check_keys(root: Node) -> None:
    for node in _nodes(root):
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key, _value in node.value:
                if isinstance(key, ScalarNode) and key.value != "<<":
                    if key.value in keys:
                        raise TemplateError(
                            f"duplicate key {key.value!r}",
                            field="pod",
                            line=key.start_mark.line + 1,
                        )
                    keys.add(key.value)


def _node_line(root: Node | None, path: tuple[str | int, ...]) -> int | None:
    node = root
    line = root.start_mark.line + 1 if root is not None else None
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            node = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _check_pod(data: Any, root: Node | None) -> None:
    def fail(message: str, *path: str | int) -> NoReturn:
        raise TemplateError(message, field="pod", line=_node_line(root, path))

    if not isinstance(data, dict):
        fail("the pod body must be a mapping (a v1 Pod manifest)")
    if data.get("apiVersion") != "v1":
        fail(f"apiVersion must be 'v1', got {data.get('apiVersion')!r}", "apiVersion")
    if data.get("kind") != "Pod":
        fail(f"kind must be 'Pod', got {data.get('kind')!r}", "kind")
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        fail("metadata must be a mapping with a name", "metadata")
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        fail("metadata.name is required", "metadata")
    if not DNS_SUBDOMAIN.fullmatch(name) or len(name) > 253:
        fail(f"metadata.name {_show(name)} is not a valid DNS-1123 name", "metadata", "name")
    namespace = metadata.get("namespace")
    if namespace is not None and (
        not isinstance(namespace, str)
        or not DNS_LABEL.fullmatch(namespace)
        or len(namespace) > 63
    ):
        fail(
            f"metadata.namespace {namespace!r} is not a valid DNS-1123 label",
            "metadata",
            "namespace",
        )
    spec = data.get("spec")
    if not isinstance(spec, dict):
        fail("spec must be a mapping with containers", "spec")
    names: set[str] = set()
    for field in ("initContainers", "containers"):
        containers = spec.get(field)
        if containers is None and field == "initContainers":
            continue
        if not isinstance(containers, list) or (field == "containers" and not containers):
            fail(f"spec.{field} must be a non-empty list", "spec", field)
        for i, container in enumerate(containers):
            where = ("spec", field, i)
            if not isinstance(container, dict):
                fail(f"spec.{field}[{i}] must be a mapping", *where)
            cname = container.get("name")
            if not isinstance(cname, str) or not DNS_LABEL.fullmatch(cname):
                fail(f"spec.{field}[{i}].name {cname!r} is not a valid DNS-1123 label", *where)
            if cname in names:
                fail(f"container name {cname!r} is used twice", *where, "name")
            names.add(cname)
            image = container.get("image")
            if not isinstance(image, str) or not image:
                fail(f"container {cname!r} has no image", *where)


def _resolve_values(template: Template, values: Mapping[str, Any]) -> dict[str, str]:
    params = {p.name: p for p in template.parameters}
    unknown = [k for k in values if k not in params]
    if unknown:
        known = ", ".join(params) or "none"
        listed = ", ".join(repr(k) for k in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise TemplateError(
            f"unknown parameter{plural} {listed} (known: {known})",
            field=unknown[0],
            template=template.name,
            source=template.source,
        )
    resolved: dict[str, str] = {}
    for name, param in params.items():
        raw = values.get(name, param.default)
        try:
            resolved[name] = validate_value(param, raw)
        except ValueError as exc:
            raise TemplateError(
                f"parameter {name!r}: {exc}",
                field=name,
                template=template.name,
                source=template.source,
            ) from None
    return resolved


def _render(
    template: Template, values: Mapping[str, Any]
) -> tuple[dict[str, Any], _Prepared, list[_Scalar], dict[str, str]]:
    resolved = _resolve_values(template, values)
    try:
        prepared = _prepare(template.body)
        _check_placeholders(template.body, {p.name: p for p in template.parameters})
        try:
            loader, root = _compose(prepared.text)
        except yaml.YAMLError as exc:
            problem, line = _yaml_problem(exc)
            raise TemplateError(problem, field="pod", line=line) from None
        try:
            if root is None:
                raise TemplateError("the pod body is empty", field="pod")
            kinds = {p.name: p.kind for p in template.parameters}
            touched = _substitute(root, prepared, resolved, kinds)
            _check_keys(root)
            try:
                data = loader.construct_document(root)
            except yaml.YAMLError as exc:
                problem, line = _yaml_problem(exc)
                raise TemplateError(problem, field="pod", line=line) from None
            _check_pod(data, root)
        finally:
            loader.dispose()
    except TemplateError as exc:
        exc.template, exc.source = template.name, template.source
        raise
    return data, prepared, touched, resolved


def render(template: Template, values: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Render ``template`` with ``values`` (missing ones take their defaults) into a Pod
    manifest dict.  Raises TemplateError for unknown names, invalid values or a body that
    is not a single v1 Pod."""
    return _render(template, values or {})[0]


# --------------------------------------------------------------------------- YAML text


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(_STR_TAG, value, style=style)


_Dumper.add_representer(str, _represent_str)

_PLAIN_RE = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:@+=-]*")
_RESOLVER = yaml.resolver.Resolver()


def _plain_safe(value: str) -> bool:
    return (
        bool(_PLAIN_RE.fullmatch(value))
        and not value.endswith(":")
        and _RESOLVER.resolve(ScalarNode, value, (True, False)) == _STR_TAG
    )


def _double_quoted(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)[1:-1]
    return text.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def _block_indent(text: str, scalar: _Scalar) -> str:
    first = text.index("\n", scalar.start) + 1 if "\n" in text[scalar.start : scalar.end] else 0
    for line in text[first : scalar.end].split("\n"):
        if line.strip():
            return line[: len(line) - len(line.lstrip(" "))]
    return ""


def _encode_scalar(scalar: _Scalar) -> str:
    """The whole scalar (quotes included), written for its final value."""
    value = scalar.node.value
    if scalar.node.tag == _INT_TAG or (scalar.style is None and _plain_safe(value)):
        return scalar.prefix + value
    if scalar.style == "'" and "\n" not in value:
        return scalar.prefix + "'" + value.replace("'", "''") + "'"
    return scalar.prefix + '"' + _double_quoted(value) + '"'


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def render_yaml(template: Template, values: Mapping[str, str] | None = None) -> str:
    """Render to YAML text for a preview or ``kubectl apply -f``.

    The template's own layout and comments are kept, with each value quoted or escaped
    for where it stands; the text is checked to load back to exactly :func:`render`'s
    dict, and if it would not, the dict is dumped instead."""
    data, prepared, touched, resolved = _render(template, values or {})
    text = prepared.text
    edits: list[tuple[int, int, str]] = []
    blocks = [s for s in touched if s.style in ("|", ">")]
    for scalar in touched:
        if scalar.style not in ("|", ">"):
            edits.append((scalar.start, scalar.end, _encode_scalar(scalar)))
    for occ in prepared.occurrences:
        value = resolved[occ.name]
        block = next((s for s in blocks if s.start <= occ.start < s.end), None)
        if block is not None:
            edits.append(
                (occ.start, occ.end, value.replace("\n", "\n" + _block_indent(text, block)))
            )
        elif not any(s.start <= occ.start < s.end for s in touched):
            # a comment (or an anchor name): keep it on its line
            edits.append((occ.start, occ.end, value.replace("\n", " ")))
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in sorted(edits):
        pieces.append(text[pos:start])
        pieces.append(replacement)
        pos = end
    pieces.append(text[pos:])
    out = "".join(pieces)
    try:
        if _same(yaml.safe_load(out), data):
            return out if out.endswith("\n") else out + "\n"
    except yaml.YAMLError:
        pass
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# --------------------------------------------------------------------------- loading


def _file_error(
    message: str,
    source: str,
    line: int | None,
    field: str | None = None,
    template: str | None = None,
) -> TemplateError:
    return TemplateError(
        message, source=source, line=line, field=field, template=template, in_file=True
    )


def parse_template(text: str, *, source: str, builtin: bool = False) -> Template:
    """Parse and check one template file's text; it is rendered once with its defaults
    so that a broken body is reported here, with its line in the file."""
    try:
        loader, root = _compose(text)
    except yaml.YAMLError as exc:
        problem, line = _yaml_problem(exc)
        raise _file_error(problem, source, line) from None
    try:
        if root is None:
            raise _file_error("the file is empty (expected a template mapping)", source, None)
        if not isinstance(root, MappingNode):
            raise _file_error(
                "expected a mapping with name, parameters and pod", source, root.start_mark.line + 1
            )
        lines: dict[str, int] = {}
        nodes: dict[str, Node] = {}
        for key, value in root.value:
            kname = key.value if isinstance(key, ScalarNode) else None
            if kname not in _TEMPLATE_FIELDS:
                raise _file_error(
                    f"unknown field {kname!r} (expected {', '.join(_TEMPLATE_FIELDS)})",
                    source,
                    key.start_mark.line + 1,
                    field=kname,
                )
            if kname in nodes:
                raise _file_error(
                    f"duplicate field {kname!r}", source, key.start_mark.line + 1, field=kname
                )
            nodes[kname] = value
            lines[kname] = value.start_mark.line + 1
        try:
            data = loader.construct_document(root)
        except yaml.YAMLError as exc:
            problem, line = _yaml_problem(exc)
            raise _file_error(problem, source, line) from None
    finally:
        loader.dispose()

    def text_field(key: str, required: bool) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise _file_error(f"missing required field {key!r}", source, None, field=key)
            return None
        if not isinstance(value, str):
            raise _file_error(f"{key!r} must be a string", source, lines[key], field=key)
        return value

    name = text_field("name", True)
    assert name is not None
    if not DNS_LABEL.fullmatch(name) or len(name) > 63:
        raise _file_error(
            f"template name {_show(name)} must be a DNS-1123 label (lowercase letters, "
            "digits and '-')",
            source,
            lines["name"],
            field="name",
        )
    title = (text_field("title", False) or name).strip()
    description = " ".join((text_field("description", False) or "").split())
    body = text_field("pod", True)
    assert body is not None
    parameters = _parse_parameters(data.get("parameters"), nodes.get("parameters"), source, name)
    template = Template(name, title, description, parameters, body, source, builtin)

    try:
        _render(template, {})
    except TemplateError as exc:
        if exc.field == "pod":
            pod = nodes["pod"]
            if isinstance(pod, ScalarNode) and pod.style == "|" and exc.line is not None:
                # literal block: body line n is n lines below the `pod: |` line
                exc.line = pod.start_mark.line + 1 + exc.line
            else:
                exc.message = (
                    f"pod line {exc.line}: {exc.message}" if exc.line else f"pod: {exc.message}"
                )
                exc.line = lines["pod"]
        else:
            exc.line = lines.get("parameters")
        exc.in_file = True
        raise
    return template


def _parse_parameters(
    raw: Any, node: Node | None, source: str, template: str
) -> tuple[Parameter, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not isinstance(node, SequenceNode):
        raise _file_error(
            "'parameters' must be a list",
            source,
            node.start_mark.line + 1 if node else None,
            field="parameters",
            template=template,
        )
    params: list[Parameter] = []
    for i, (item, item_node) in enumerate(zip(raw, node.value, strict=True)):
        line = item_node.start_mark.line + 1
        where = f"parameters[{i}]"

        def fail(message: str, field: str = where, line: int = line) -> TemplateError:
            return _file_error(message, source, line, field=field, template=template)

        if not isinstance(item, dict):
            raise fail("each parameter must be a mapping with name and default")
        extra = [k for k in item if k not in _PARAMETER_FIELDS]
        if extra:
            raise fail(
                f"parameter has unknown field {extra[0]!r} "
                f"(expected {', '.join(_PARAMETER_FIELDS)})"
            )
        pname = item.get("name")
        if not isinstance(pname, str) or not _IDENT_RE.fullmatch(pname):
            raise fail(f"parameter name {pname!r} must be an identifier (letters, digits, '_')")
        if any(p.name == pname for p in params):
            raise fail(f"parameter {pname!r} is declared twice")
        kind = item.get("kind", "string")
        if kind not in KINDS:
            raise fail(f"parameter {pname!r}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        description = item.get("description", "")
        if not isinstance(description, str):
            raise fail(f"parameter {pname!r}: description must be a string")
        if "default" not in item:
            raise fail(f"parameter {pname!r} has no default")
        default = item["default"]
        if isinstance(default, bool) or not isinstance(default, str | int):
            raise fail(f"parameter {pname!r}: default must be a string (quote it)")
        param = Parameter(pname, str(default), description.strip(), kind)
        try:
            param = Parameter(pname, validate_value(param, str(default)), param.description, kind)
        except ValueError as exc:
            raise fail(f"parameter {pname!r}: default {exc}") from None
        params.append(param)
    return tuple(params)


def default_user_dir() -> Path:
    """``$XDG_CONFIG_HOME/podtui/templates``, or ``~/.config/podtui/templates``."""
    from podtui.config import config_dir

    return config_dir() / "templates"


def _builtin_files() -> list[tuple[str, str]]:
    package = resources.files("podtui.templates")
    entries = sorted(
        (e for e in package.iterdir() if e.name.endswith(".yaml") and e.is_file()),
        key=lambda e: e.name,
    )
    return [(e.read_text(encoding="utf-8"), str(e)) for e in entries]


def load_templates(
    user_dir: Path | None = None,
) -> tuple[list[Template], list[TemplateError]]:
    """Built-in templates (in file order) then the user's (``*.yaml``/``*.yml`` in
    ``user_dir``, sorted by file name).  A template that fails to load is left out and
    its error returned in the second list; the others still load.  Built-in and user
    templates with the same name are both listed."""
    templates: list[Template] = []
    errors: list[TemplateError] = []
    for text, source in _builtin_files():
        try:
            templates.append(parse_template(text, source=source, builtin=True))
        except TemplateError as exc:
            errors.append(exc)
    directory = user_dir if user_dir is not None else default_user_dir()
    try:
        if not directory.exists():
            return templates, errors
        if not directory.is_dir():
            errors.append(_file_error("is not a directory", str(directory), None))
            return templates, errors
        paths = sorted(
            p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
    except OSError as exc:
        errors.append(_file_error(f"cannot list: {exc.strerror or exc}", str(directory), None))
        return templates, errors
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            errors.append(_file_error(f"cannot read: {reason or exc}", str(path), None))
            continue
        try:
            templates.append(parse_template(text, source=str(path), builtin=False))
        except TemplateError as exc:
            errors.append(exc)
    return templates, errors
