"""Log lines as the API sends them with timestamps=true: the kubelet's RFC 3339 stamps
parsed to exact nanoseconds (fast: a flood is 20,000 lines a second), and --since values."""

from __future__ import annotations

import calendar
import contextlib
import re
import time
from datetime import UTC, datetime, timedelta
from typing import NamedTuple


class LogLine(NamedTuple):
    """One log line. `ns` (nanoseconds since the epoch, exact) orders and resumes; `ts_raw`
    is the timestamp as the kubelet wrote it (without one: `ts_raw` "", `ns` None)."""

    ts_raw: str
    text: str
    ns: int | None = None

    @property
    def ts(self) -> datetime | None:
        """The timestamp as a UTC datetime (microseconds), made on demand: most lines are
        never shown, and a datetime per line costs the follower more than the parsing."""
        return None if self.ns is None else ns_to_datetime(self.ns)


_SECOND_CACHE: dict[str, int] = {}
_FRAC_RE = re.compile(r"\.([0-9]{1,9})")  # ASCII digits only (\d takes any script's)
_DIGITS = frozenset("0123456789")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch_second(prefix: str) -> int:
    """'YYYY-MM-DDTHH:MM:SS' (UTC) -> seconds since the epoch, cached: the lines of one
    second share it. Raises ValueError (or IndexError) when it is not such a prefix."""
    value = _SECOND_CACHE.get(prefix)
    if value is None:
        if not (
            len(prefix) == 19
            and prefix[4] == prefix[7] == "-"
            and prefix[10] in "Tt"
            and prefix[13] == prefix[16] == ":"
            and _DIGITS.issuperset(prefix[0:4] + prefix[5:7] + prefix[8:10])
            and _DIGITS.issuperset(prefix[11:13] + prefix[14:16] + prefix[17:19])
        ):
            raise ValueError(prefix)
        dt = datetime(  # validates the ranges (month 13, February 30, ...)
            int(prefix[0:4]),
            int(prefix[5:7]),
            int(prefix[8:10]),
            int(prefix[11:13]),
            int(prefix[14:16]),
            int(prefix[17:19]),
            tzinfo=UTC,
        )
        value = calendar.timegm(dt.utctimetuple())
        if len(_SECOND_CACHE) > 4096:
            _SECOND_CACHE.clear()
        _SECOND_CACHE[prefix] = value
    return value


def timestamp_ns(raw: str) -> int | None:
    """An RFC 3339 timestamp as the kubelet writes it -> nanoseconds since the epoch.

    Fractions of 1-9 digits (Go trims trailing zeros), `Z` or a numeric offset.
    Returns None when `raw` is not such a timestamp.
    """
    if len(raw) < 20:
        return None
    try:
        seconds = _epoch_second(raw[:19])
    except (ValueError, IndexError):
        return None
    # The kubelet's usual form, 'YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ', without the regex.
    if len(raw) == 30 and raw[19] == "." and raw[29] == "Z":
        digits = raw[20:29]
        if digits.isdigit() and digits.isascii():
            return seconds * 1_000_000_000 + int(digits)
    rest = raw[19:]
    nanos = 0
    if rest[0] == ".":
        match = _FRAC_RE.match(rest)
        if match is None:
            return None
        nanos = int(match.group(1).ljust(9, "0"))
        rest = rest[match.end() :]
    if rest == "Z" or rest == "z":
        pass
    elif len(rest) == 6 and rest[0] in "+-" and rest[3] == ":" and _DIGITS.issuperset(
        rest[1:3] + rest[4:6]
    ):
        offset = int(rest[1:3]) * 3600 + int(rest[4:6]) * 60
        seconds += -offset if rest[0] == "+" else offset
    else:
        return None
    return seconds * 1_000_000_000 + nanos


def ns_to_datetime(ns: int) -> datetime:
    """Epoch nanoseconds -> UTC datetime (truncated to microseconds)."""
    return _EPOCH + timedelta(microseconds=ns // 1000)


def parse_timestamp(raw: str) -> tuple[int, datetime] | None:
    """An RFC 3339 timestamp (see `timestamp_ns`) -> (epoch nanoseconds, UTC datetime)."""
    ns = timestamp_ns(raw)
    return None if ns is None else (ns, ns_to_datetime(ns))


def parse_line(raw: str) -> LogLine:
    """'<RFC3339Nano> <text>' (the API's timestamps=true form) -> LogLine."""
    head, sep, rest = raw.partition(" ")
    ns = timestamp_ns(head) if sep or head else None
    if ns is None:
        return LogLine("", raw, None)
    return LogLine(head, rest, ns)


def format_since_time(ns: int) -> str:
    """Epoch nanoseconds -> the RFC 3339 second that contains them (what sinceTime accepts)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ns // 1_000_000_000))


_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_since(value: str) -> int | datetime:
    """'5m', '1h30m', '90s', '2h' -> seconds; an RFC 3339 time -> an aware datetime.

    Raises ValueError with a message fit for the user.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty --since")
    if text.isdigit():
        return max(1, int(text))
    pos = 0
    total = 0.0
    for match in _DURATION_RE.finditer(text):
        if match.start() != pos:
            break
        amount = float(match.group(1))
        total += amount * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[match.group(2)]
        pos = match.end()
    if pos == len(text) and pos > 0:
        return max(1, int(total + 0.999))
    parsed = parse_timestamp(text)
    if parsed is None:
        with contextlib.suppress(ValueError):
            dt = datetime.fromisoformat(text)
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        raise ValueError(
            f"--since {value!r}: expected a duration like 30s, 5m, 1h30m or an RFC 3339 time"
        )
    return parsed[1]
