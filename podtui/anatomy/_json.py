"""Tolerant accessors for pod JSON as returned by the API server.

Every helper accepts anything (``None``, wrong types) and returns a value of the
expected type, so the view-model builders never raise on odd input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})

_CONTROL = {c: " " for c in range(32)} | {127: " "}
#: What a terminal would obey rather than show (ESC starts sequences that set the title or
#: the clipboard): C0 controls but tab and newline, DEL, C1 controls.
_UNSAFE = {c: "\ufffd" for c in (*range(9), *range(11, 32), *range(127, 160))}


def obj(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty read-only mapping."""
    return value if isinstance(value, dict) else EMPTY


def arr(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def objs(value: Any) -> list[Mapping[str, Any]]:
    """The JSON objects of an array (other items are skipped)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text(value: Any) -> str:
    """A string field, safe to show on a terminal (cluster data is anyone's text: a
    container's termination message may hold escape sequences); anything else ``""``."""
    if not isinstance(value, str):
        return ""
    return value if value.isprintable() else value.translate(_UNSAFE)


def scalar(value: Any) -> str:
    """A scalar rendered as text (quantities may be numbers); containers give ``""``."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(int(value)) if value.is_integer() else repr(value)
    return ""


def opt_int(value: Any) -> int | None:
    """An integer field, or ``None`` when missing or not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def num(value: Any, default: int = 0) -> int:
    """An integer field with a default."""
    n = opt_int(value)
    return default if n is None else n


def count(value: Any) -> int:
    """A non-negative counter (restartCount, ...)."""
    return max(0, num(value))


def flag(value: Any) -> bool:
    """A boolean field: only JSON ``true`` is true."""
    return value is True


def opt_flag(value: Any) -> bool | None:
    """A boolean field that may be unset."""
    return value if isinstance(value, bool) else None


def pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """A string map (labels, annotations, requests) as a tuple of ``(key, value)``."""
    if not isinstance(value, dict):
        return ()
    return tuple((k, scalar(v)) for k, v in value.items() if isinstance(k, str))


def one_line(value: str, limit: int = 0) -> str:
    """Control characters (newlines, ESC, ...) to spaces; optionally shortened with '...'."""
    s = value.translate(_CONTROL).strip()
    if limit and len(s) > limit:
        s = s[: max(0, limit - 3)].rstrip() + "..."
    return s
