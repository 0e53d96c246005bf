"""Rendering: the body composed by yaml with tokens in place, the values put into the
parsed scalars, the result constructed and checked to be a v1 Pod (with body lines)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from podtui.cluster.names import DNS_LABEL, DNS_SUBDOMAIN
from podtui.templates.model import Template, TemplateError
from podtui.templates.placeholders import Prepared, check_placeholders, prepare
from podtui.templates.values import show, validate_value

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"


@dataclass
class Scalar:
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


def yaml_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and not exc.context.startswith("while "):
            problem = f"{exc.context}, {exc.problem}"  # e.g. expected a single document...
        mark = exc.problem_mark or exc.context_mark
        return problem, (mark.line + 1 if mark is not None else None)
    return str(exc), None


def compose_yaml(text: str) -> tuple[yaml.SafeLoader, Node | None]:
    loader = yaml.SafeLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        raise


def yaml_nodes(root: Node) -> Iterator[Node]:
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
    root: Node, prepared: Prepared, values: Mapping[str, str], kinds: Mapping[str, str]
) -> list[Scalar]:
    """Put the values into the composed node graph; return the scalars touched."""
    touched: list[Scalar] = []
    for node in yaml_nodes(root):
        if isinstance(node, ScalarNode) and prepared.token_re.search(node.value):
            start, end = node.start_mark.index, node.end_mark.index
            prefix = _properties(prepared.text, start, end)
            touched.append(Scalar(node, start, end, node.style, prefix))
            whole = prepared.token_re.fullmatch(node.value)
            if whole and node.style is None:
                name = prepared.names[int(whole.group(1))]
                if kinds[name] in ("int", "port") and "!" not in prefix:
                    node.tag = INT_TAG
                node.value = values[name]
                continue
            node.value = prepared.token_re.sub(
                lambda m: values[prepared.names[int(m.group(1))]], node.value
            )
    return touched


def _check_keys(root: Node) -> None:
    for node in yaml_nodes(root):
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


def node_line(root: Node | None, path: tuple[str | int, ...]) -> int | None:
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
        raise TemplateError(message, field="pod", line=node_line(root, path))

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
        fail(f"metadata.name {show(name)} is not a valid DNS-1123 name", "metadata", "name")
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


def render_checked(
    template: Template, values: Mapping[str, Any]
) -> tuple[dict[str, Any], Prepared, list[Scalar], dict[str, str]]:
    resolved = _resolve_values(template, values)
    try:
        prepared = prepare(template.body)
        check_placeholders(template.body, {p.name: p for p in template.parameters})
        try:
            loader, root = compose_yaml(prepared.text)
        except yaml.YAMLError as exc:
            problem, line = yaml_problem(exc)
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
                problem, line = yaml_problem(exc)
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
    return render_checked(template, values or {})[0]
