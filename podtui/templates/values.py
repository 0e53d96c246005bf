"""A parameter's value checked against its kind; `--set NAME=VALUE` arguments."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from podtui.cluster.names import DNS_LABEL, DNS_SUBDOMAIN
from podtui.templates.model import Parameter, TemplateError

IDENT_RE = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
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



def show(value: str) -> str:
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
        raise ValueError(f"{show(value)} contains a control character ({bad})")
    if kind == "dns-name":
        if not DNS_SUBDOMAIN.fullmatch(value):
            raise ValueError(
                f"{show(value)} is not a valid DNS-1123 name "
                "(lowercase letters, digits, '-' and '.')"
            )
        if len(value) > 253:
            raise ValueError(f"{show(value)} is longer than 253 characters")
    elif kind == "dns-label":
        if not DNS_LABEL.fullmatch(value):
            raise ValueError(
                f"{show(value)} is not a valid DNS-1123 label (lowercase letters, digits and '-')"
            )
        if len(value) > 63:
            raise ValueError(f"{show(value)} is longer than 63 characters")
    elif kind == "image":
        if len(value) > 512 or not _IMAGE_RE.fullmatch(value):
            raise ValueError(
                f"{show(value)} is not a valid image reference (e.g. nginx:1.27 or "
                "registry.example.com/team/app:v2)"
            )
    elif kind == "port":
        if not _PORT_RE.fullmatch(value) or not 1 <= int(value) <= 65535:
            raise ValueError(f"{show(value)} is not a valid port (1-65535)")
        value = str(int(value))
    elif kind == "int":
        if not _INT_RE.fullmatch(value) or len(value) > 19:
            raise ValueError(f"{show(value)} is not an integer")
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
                f"--set expects NAME=VALUE, got {show(arg)} (no '=')", field="--set"
            )
        if not IDENT_RE.fullmatch(key):
            raise TemplateError(
                f"--set expects NAME=VALUE, got {show(arg)} ({show(key)} is not a "
                "parameter name)",
                field="--set",
            )
        values[key] = value
    return values
