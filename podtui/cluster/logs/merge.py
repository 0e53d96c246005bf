"""Several containers at once (the command line): one stream, live or ordered by time."""

from __future__ import annotations

import heapq
import queue
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson

from podtui.anatomy.kinds import container_names
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, api_status, describe
from podtui.cluster.logs.events import ERROR, POD_DELETED, LogBatch, LogEvent, LogStatus
from podtui.cluster.logs.follower import LogFollower, _close_response
from podtui.cluster.logs.lines import LogLine
from podtui.cluster.logs.reorder import merge_live_sorted
from podtui.cluster.names import pod_path


def pod_containers(conn: Connection, namespace: str, pod: str) -> dict[str, list[str]]:
    """The pod's container names by kind: {'init': [...], 'app': [...], 'ephemeral': [...]}.

    Raises ClusterError with one clear line.
    """
    try:
        response = conn.request("GET", pod_path(namespace, pod))
        try:
            data = orjson.loads(response.data)
        finally:
            _close_response(response)
    except Exception as exc:  # noqa: BLE001
        if api_status(exc) == 404:
            raise ClusterError(f"pod {namespace}/{pod} not found", 404) from None
        raise ClusterError(describe(exc, conn.server), api_status(exc)) from None
    return {
        "init": container_names(data, "init", "sidecar"),  # in the order the spec lists them
        "app": container_names(data, "app"),
        "ephemeral": container_names(data, "ephemeral"),
    }


def merged_batches(
    conn: Connection,
    namespace: str,
    pod: str,
    containers: Sequence[str],
    *,
    follow: bool = False,
    tail: int | None = None,
    since: float | timedelta | datetime | None = None,
    previous: bool = False,
    sort_window: float = 0.0,
) -> Iterator[LogBatch | LogStatus]:
    """The logs of several containers as one stream of batches (see `merged_logs`);
    following with a `sort_window` (seconds), in timestamp order through a reorder window
    (`reorder`)."""
    events: queue.Queue[LogEvent] = queue.Queue()
    followers = [
        LogFollower(
            conn,
            namespace,
            pod,
            name,
            events=events,
            tail=tail,
            since=since,
            previous=previous,
            follow=follow,
            flush_interval=0.05 if follow else 0.2,
            max_batch=500 if follow else 5000,
        )
        for name in containers
    ]
    for follower in followers:
        follower.start()
    try:
        if follow and sort_window > 0:
            yield from merge_live_sorted(events, len(followers), sort_window)
        elif follow:
            yield from _merge_live(events, len(followers))
        else:
            yield from _merge_sorted(events, list(containers))
    finally:
        for follower in followers:
            follower.stop()


def merged_logs(
    conn: Connection, namespace: str, pod: str, containers: Sequence[str], **options: Any
) -> Iterator[tuple[str, LogLine] | LogStatus]:
    """The logs of several containers as one stream of `(container, line)`; `options` are
    those of `merged_batches` (follow, tail, since, previous).

    Not following: every container is read to its end, then the lines come ordered by
    timestamp across containers (each container's own order is kept; for equal times the
    containers come in the order asked for); problems (`LogStatus`: error, pod deleted)
    come first. Following: lines come as they arrive, with the statuses worth telling
    (errors, retries, pod deleted), until every container has reached a final state.
    Closing the iterator stops the followers.
    """
    stream = merged_batches(conn, namespace, pod, containers, **options)
    try:
        for item in stream:
            if isinstance(item, LogBatch):
                for line in item.lines:
                    yield item.container, line
            else:
                yield item
    finally:
        stream.close()


def _merge_live(events: queue.Queue, count: int) -> Iterator[LogBatch | LogStatus]:
    finished = 0
    while finished < count:
        event = events.get()
        if isinstance(event, LogBatch):
            yield event
            continue
        if event.final:
            finished += 1
        if event.worth_telling:
            yield event


def _merge_sorted(events: queue.Queue, containers: list[str]) -> Iterator[LogBatch | LogStatus]:
    collected: dict[str, list[LogLine]] = {name: [] for name in containers}
    finished = 0
    problems: list[LogStatus] = []
    while finished < len(containers):
        event = events.get()
        if isinstance(event, LogBatch):
            collected[event.container].extend(event.lines)
            continue
        if event.final:
            finished += 1
            if event.state in (ERROR, POD_DELETED):
                problems.append(event)
    yield from problems

    def keyed(name: str):
        for line in collected[name]:
            yield (line.ns if line.ns is not None else -1), name, line

    # heapq.merge is stable: for equal times, containers come in the order asked for.
    run: list[LogLine] = []
    run_name = ""
    for _ns, name, line in heapq.merge(*(keyed(n) for n in containers), key=lambda t: t[0]):
        if name != run_name and run:
            yield LogBatch(run_name, run)
            run = []
        run_name = name
        run.append(line)
    if run:
        yield LogBatch(run_name, run)
