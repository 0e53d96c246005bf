"""Timestamps: RFC 3339 parsing and kubectl-style ages."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=8192)
def _parse(s: str) -> datetime | None:
    s = s.strip()
    if s[-1:] == "z":
        s = s[:-1] + "Z"
    try:
        t = datetime.fromisoformat(s)
    except (ValueError, OverflowError):
        return None
    if t.tzinfo is None:
        return t.replace(tzinfo=UTC)
    try:
        return t.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 text (``2025-04-09T10:00:00Z``, fractions, offsets) to an aware UTC datetime.

    Anything unparsable (``None``, numbers, garbage) gives ``None``.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    return _parse(value)


def aware(now: datetime) -> datetime:
    """``now`` as an aware datetime (naive values are taken as UTC)."""
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def seconds_since(t: datetime | None, now: datetime) -> float | None:
    """Seconds from ``t`` to ``now`` (negative when ``t`` is in the future); ``None`` without t."""
    if t is None:
        return None
    try:
        return (aware(now) - aware(t)).total_seconds()
    except (OverflowError, TypeError):
        return None


def human_age(seconds: Any) -> str:
    """A duration the way kubectl prints ages: ``45s``, ``5m12s``, ``12m``, ``3h4m``, ``2d3h``.

    Follows kubectl's rounding bands: seconds below 2 minutes, ``XmYs`` below
    10 minutes, minutes below 3 hours, ``XhYm`` below 8 hours, hours below 2 days,
    ``XdYh`` below 8 days, days below 2 years, then ``XyYd`` and ``Xy``.
    Slightly negative values (clock skew) give ``0s``; others ``<invalid>``.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "<invalid>"
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return "<invalid>"
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    years = days // 365
    if days < 365 * 8:
        rest = days % 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{years}y"


def age(t: datetime | None, now: datetime) -> str:
    """kubectl-style age of ``t`` at ``now``, or ``""`` when ``t`` is unknown."""
    secs = seconds_since(t, now)
    return "" if secs is None else human_age(secs)


def countdown(deadline: datetime | None, now: datetime) -> str:
    """Time left until ``deadline`` at ``now``: ``27s`` (rounded up, so ``0s`` only once it
    has come), ``overdue 12s`` more than a second after it, ``""`` without a deadline."""
    left = seconds_since(now, deadline) if deadline is not None else None
    if left is None or not math.isfinite(left):
        return ""
    if left > -1:
        return human_age(max(math.ceil(left), 0))
    return f"overdue {human_age(-left)}"


def stamp(t: datetime | None) -> str:
    """``2025-04-09T10:00:00Z`` (UTC, second precision), or ``""``."""
    if t is None:
        return ""
    try:
        return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):
        return ""
