"""A template and its parameters, and the one error type (with a file line)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

KINDS = ("dns-name", "dns-label", "image", "port", "int", "string")


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
