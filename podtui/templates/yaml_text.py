"""The rendered pod as YAML text, in the template's own layout and comments."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from podtui.templates.model import Template
from podtui.templates.render import INT_TAG, STR_TAG, Scalar, render_checked


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(STR_TAG, value, style=style)


_Dumper.add_representer(str, _represent_str)

_PLAIN_RE = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:@+=-]*")
_RESOLVER = yaml.resolver.Resolver()


def _plain_safe(value: str) -> bool:
    return (
        bool(_PLAIN_RE.fullmatch(value))
        and not value.endswith(":")
        and _RESOLVER.resolve(ScalarNode, value, (True, False)) == STR_TAG
    )


def _double_quoted(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)[1:-1]
    return text.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def _block_indent(text: str, scalar: Scalar) -> str:
    first = text.index("\n", scalar.start) + 1 if "\n" in text[scalar.start : scalar.end] else 0
    for line in text[first : scalar.end].split("\n"):
        if line.strip():
            return line[: len(line) - len(line.lstrip(" "))]
    return ""


def _encode_scalar(scalar: Scalar) -> str:
    """The whole scalar (quotes included), written for its final value."""
    value = scalar.node.value
    if scalar.node.tag == INT_TAG or (scalar.style is None and _plain_safe(value)):
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
    data, prepared, touched, resolved = render_checked(template, values or {})
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
