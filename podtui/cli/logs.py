"""`podtui logs POD -c a -c b [-n NS] [-f] [--tail N] [--since 5m] [--timestamps] [--previous]`

The logs of several containers of one pod as one stream, each line prefixed with
`[container] `. Without `-f` every container is read to its end and the lines are ordered
by timestamp across containers; with `-f` they go through a small reorder window
(`--sort-window`, 250 ms) that prints them in timestamp order too, or as they come with
`--no-sort` (and resumed without gap or duplicate when a stream drops). Errors are one line
on stderr, exit 1. On a terminal, control characters are shown, not obeyed
(podtui.cli.terminal_text); `--raw` or a pipe passes the bytes through.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from podtui.cli.terminal_text import guard
from podtui.cluster import logs as cluster_logs
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.logs.reorder import DEFAULT_WINDOW


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments after `podtui logs` (cli.py adds the global ones, -n included)."""
    parser.description = "Print the logs of containers of one pod, merged, each line tagged."
    parser.add_argument("pod", help="the pod's name")
    parser.add_argument(
        "-c",
        "--container",
        action="append",
        dest="containers",
        default=[],
        metavar="NAME",
        help="a container to show (repeat for several; default: all the pod's containers)",
    )
    parser.add_argument("-f", "--follow", action="store_true", help="follow the streams")
    parser.add_argument(
        "--tail", type=int, default=None, metavar="N", help="start with the last N lines of each"
    )
    parser.add_argument(
        "--since", default=None, metavar="WHEN", help="only newer lines: 30s, 5m, 2h, or RFC 3339"
    )
    parser.add_argument(
        "--timestamps", action="store_true", help="print each line's RFC 3339 timestamp"
    )
    parser.add_argument(
        "-p", "--previous", action="store_true", help="the previous instance of each container"
    )
    parser.add_argument(
        "--sort-window", type=int, default=int(DEFAULT_WINDOW * 1000), metavar="MS",
        help="with -f: hold each line up to MS milliseconds to print the containers' lines "
        "in timestamp order (default: %(default)s)",
    )
    parser.add_argument(
        "--no-sort", action="store_true", help="with -f: print lines as they arrive"
    )
    parser.add_argument(
        "--raw", action="store_true",
        help="write the containers' bytes to a terminal as they are, escape sequences "
        "included (by default a terminal shows control characters as \\x1b, \\r, ...; "
        "piped output is always raw)",
    )


def format_line(container: str, line: cluster_logs.LogLine, timestamps: bool) -> str:
    if timestamps and line.ts_raw:
        return f"[{container}] {line.ts_raw} {line.text}"
    return f"[{container}] {line.text}"


def run(conn: Connection, args: argparse.Namespace, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    raw = getattr(args, "raw", False)
    out = guard(out or sys.stdout, raw)
    err = guard(err or sys.stderr, raw)
    namespace = getattr(args, "namespace", None) or conn.namespace

    def fail(message: str) -> int:
        print(f"podtui logs: {message}", file=err, flush=True)
        return 1

    since = None
    if args.since:
        try:
            since = cluster_logs.parse_since(args.since)
        except ValueError as exc:
            return fail(str(exc))
    # Namespaces made by hand (scripts, tests) may lack the newer options: their defaults.
    window_ms = getattr(args, "sort_window", int(DEFAULT_WINDOW * 1000))
    if window_ms < 0:
        return fail(f"--sort-window must be 0 or more milliseconds, not {window_ms}")
    if args.tail is not None and args.tail < 0:
        args.tail = None
    try:
        kinds = cluster_logs.pod_containers(conn, namespace, args.pod)
    except ClusterError as exc:
        return fail(describe(exc))
    known = kinds["init"] + kinds["app"] + kinds["ephemeral"]
    containers = list(dict.fromkeys(args.containers)) or kinds["app"]
    unknown = [c for c in containers if c not in known]
    if unknown:
        have = ", ".join(known) or "none"
        names = ", ".join(repr(c) for c in unknown)
        return fail(f"container {names} is not in pod {namespace}/{args.pod} (containers: {have})")
    if not containers:
        return fail(f"pod {namespace}/{args.pod} has no containers")

    code = 0
    stream = cluster_logs.merged_batches(
        conn,
        namespace,
        args.pod,
        containers,
        follow=args.follow,
        tail=args.tail,
        since=since,
        previous=args.previous,
        sort_window=0.0 if getattr(args, "no_sort", False) else window_ms / 1000,
    )
    try:
        for item in stream:
            if isinstance(item, cluster_logs.LogStatus):
                out.flush()
                print(f"podtui logs: [{item.container}] {item.message}", file=err, flush=True)
                if item.state == cluster_logs.ERROR:
                    code = 1
                continue
            name, timestamps = item.container, args.timestamps
            out.write("".join(format_line(name, line, timestamps) + "\n" for line in item.lines))
            if args.follow:
                out.flush()
        out.flush()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        stream.close()
    return code
