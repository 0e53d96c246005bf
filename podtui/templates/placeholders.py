"""`${name}` placeholders (string.Template's syntax) replaced by inert tokens before the
body is composed as YAML, each with its place in the text."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from podtui.templates.model import Parameter, TemplateError


@dataclass(frozen=True)
class _Occurrence:
    name: str
    start: int  # index of the token in the prepared text
    end: int


@dataclass(frozen=True)
class Prepared:
    text: str  # the body with `$$` -> `$` and placeholders -> inert tokens
    occurrences: tuple[_Occurrence, ...]
    token_re: re.Pattern[str]
    names: tuple[str, ...]  # token index -> parameter name


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def prepare(body: str) -> Prepared:
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
    return Prepared("".join(pieces), tuple(occurrences), token_re, tuple(names))


def check_placeholders(body: str, params: Mapping[str, Parameter]) -> None:
    for m in string.Template.pattern.finditer(body):
        name = m.group("named") or m.group("braced")
        if name is not None and name not in params:
            raise TemplateError(
                f"{m.group(0)!r} is not a declared parameter"
                + (" (write '$$' for a literal '$')" if m.group("named") else ""),
                field="pod",
                line=_line_at(body, m.start()),
            )
