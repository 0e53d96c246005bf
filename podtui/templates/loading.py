"""Template files: parsed and checked (errors carry the file's line), built-in ones
from the podtui.templates.builtin package, the user's from their config directory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from podtui.cluster.names import DNS_LABEL
from podtui.settings.xdg import config_dir
from podtui.templates.model import KINDS, Parameter, Template, TemplateError
from podtui.templates.render import compose_yaml, render_checked, yaml_problem
from podtui.templates.values import IDENT_RE, show, validate_value

_TEMPLATE_FIELDS = ("name", "title", "description", "parameters", "pod")
_PARAMETER_FIELDS = ("name", "default", "description", "kind")




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
        loader, root = compose_yaml(text)
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
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
            problem, line = yaml_problem(exc)
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
            f"template name {show(name)} must be a DNS-1123 label (lowercase letters, "
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
        render_checked(template, {})
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
        if not isinstance(pname, str) or not IDENT_RE.fullmatch(pname):
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
    return config_dir() / "templates"


def _builtin_files() -> list[tuple[str, str]]:
    package = resources.files("podtui.templates.builtin")
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
