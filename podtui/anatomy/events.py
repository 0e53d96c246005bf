"""Events about a pod, from core/v1 Event or events.k8s.io/v1 Event objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._json import count, obj, one_line, opt_int, text
from .times import age, parse_time

_FIELD_CONTAINER = re.compile(r"containers\{([^}]*)\}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    reason: str
    message: str
    count: int
    first: datetime | None
    last: datetime | None
    source: str
    container: str = ""
    """The container the event is about (from ``fieldPath`` ``spec.containers{name}``)."""

    def describe(self, now: datetime) -> str:
        """One line like kubectl describe's events: ``Warning BackOff 3m (x5 over 10m) kubelet:
        Back-off restarting failed container``."""
        when = age(self.last, now) or "<unknown>"
        if self.count > 1 and self.first is not None:
            when = f"{when} (x{self.count} over {age(self.first, now)})"
        elif self.count > 1:
            when = f"{when} (x{self.count})"
        head = " ".join(p for p in (self.type, self.reason, when, self.source) if p)
        return f"{head}: {one_line(self.message)}" if self.message else head


def event_from_json(d: Any) -> Event:
    """An Event view from a core/v1 or events.k8s.io/v1 Event object (never raises)."""
    e = obj(d)
    series = obj(e.get("series"))
    source = obj(e.get("source")) or obj(e.get("deprecatedSource"))
    component = (
        text(source.get("component"))
        or text(e.get("reportingComponent"))
        or text(e.get("reportingController"))
    )
    host = text(source.get("host"))
    n = opt_int(series.get("count"))
    if n is None:
        n = opt_int(e.get("count"))
    if n is None:
        n = opt_int(e.get("deprecatedCount"))
    event_time = parse_time(e.get("eventTime"))
    created = parse_time(obj(e.get("metadata")).get("creationTimestamp"))
    first = (
        parse_time(e.get("firstTimestamp"))
        or parse_time(e.get("deprecatedFirstTimestamp"))
        or event_time
        or created
    )
    last = (
        parse_time(series.get("lastObservedTime"))
        or parse_time(e.get("lastTimestamp"))
        or parse_time(e.get("deprecatedLastTimestamp"))
        or event_time
        or first
    )
    involved = obj(e.get("involvedObject")) or obj(e.get("regarding"))
    match = _FIELD_CONTAINER.search(text(involved.get("fieldPath")))
    return Event(
        type=text(e.get("type")),
        reason=text(e.get("reason")),
        message=text(e.get("message")) or text(e.get("note")),
        count=max(1, count(n)),
        first=first,
        last=last,
        source=", ".join(p for p in (component, host) if p),
        container=match.group(1) if match else "",
    )
