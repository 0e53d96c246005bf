"""Follow container logs through the API server (no Textual here).

A `LogFollower` streams one container's log (`GET .../pods/{pod}/log?follow=true`) in a
background thread and hands plain events to a callback or a queue:

- `LogBatch(container, lines)`: lines batched (every `flush_interval` or `max_batch` lines),
  so thousands of lines per second cost a few UI updates;
- `LogStatus(container, state, message)`: connecting, streaming, reconnecting, and one
  final state (ended, pod-deleted, error, stopped) after which nothing more comes.

Timestamps are always requested so that a dropped stream (container restart, API server
restart, broken connection) resumes from the last line seen, without a gap and without a
duplicate. The API takes `sinceTime` with one-second precision only (the API server
formats it as RFC 3339 when it forwards the request to the kubelet), so a resume asks for
the whole second of the last line and drops what was already delivered: every line
older than the last timestamp, and as many lines *at* that timestamp as were already seen.

One limit: when a `tail` starts inside a group of lines with the very same timestamp and the
stream drops before a newer line arrived, the lines of that group before the tail cannot be
told apart from the ones delivered (kubelet timestamps have nanoseconds, so this is rare).

The pod itself is watched alongside, so a deleted pod stops the follower even where the
log stream would stay open (KWOK keeps it open while the file exists).

The modules: `lines` (a line and its timestamp), `events` (what a follower hands on),
`cursor` (resume), `outbox` (batching), `follower` (the threads), `merge` (several
containers as one stream, for the command line), `reorder` (its timestamp order when
following).
"""

from __future__ import annotations

from podtui.cluster.logs.cursor import ResumeCursor
from podtui.cluster.logs.events import (
    CONNECTING,
    ENDED,
    ERROR,
    FINAL_STATES,
    POD_DELETED,
    RECONNECTING,
    STOPPED,
    STREAMING,
    WAITING_FOR_OUTPUT,
    LogBatch,
    LogEvent,
    LogStatus,
)
from podtui.cluster.logs.follower import (
    BACKOFF_MAX,
    BACKOFF_START,
    HEADER_TIMEOUT,
    IDLE_READ_TIMEOUT,
    LogFollower,
)
from podtui.cluster.logs.lines import (
    LogLine,
    format_since_time,
    ns_to_datetime,
    parse_line,
    parse_since,
    parse_timestamp,
    timestamp_ns,
)
from podtui.cluster.logs.merge import merged_batches, merged_logs, pod_containers
from podtui.cluster.logs.outbox import Outbox

_Outbox = Outbox  # the name the unit tests know it by

__all__ = [
    "BACKOFF_MAX", "BACKOFF_START", "CONNECTING", "ENDED", "ERROR", "FINAL_STATES",
    "HEADER_TIMEOUT", "IDLE_READ_TIMEOUT", "POD_DELETED", "RECONNECTING", "STOPPED",
    "STREAMING", "WAITING_FOR_OUTPUT", "LogBatch", "LogEvent", "LogFollower", "LogLine",
    "LogStatus", "Outbox", "ResumeCursor", "format_since_time", "merged_batches",
    "merged_logs", "ns_to_datetime", "parse_line", "parse_since", "parse_timestamp",
    "pod_containers", "timestamp_ns",
]
