"""`podtui top [POD] [-A]`: CPU and memory per container, like `kubectl top pod --containers`.

Read once from the metrics API (metrics.k8s.io); numbers are rounded as kubectl rounds
them, so the two agree within one scrape. Errors are one line on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from podtui.anatomy import PodUsage, cpu_text, memory_text
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError
from podtui.cluster.usage_feed import read_usage


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Print the CPU and memory each container uses, from the metrics "
                          "API (like kubectl top pod --containers).")
    parser.add_argument("pod", nargs="?", help="one pod (default: every pod of the namespace)")
    parser.add_argument("-A", "--all-namespaces", action="store_true",
                        help="every namespace")
    parser.add_argument("--pods", action="store_true",
                        help="one line per pod (its containers summed), like kubectl top pod")


def rows(usages: list[PodUsage], per_pod: bool, namespaces: bool) -> list[list[str]]:
    head = (["NAMESPACE"] if namespaces else []) + (
        ["NAME"] if per_pod else ["POD", "NAME"]) + ["CPU(cores)", "MEMORY(bytes)"]
    out = [head]
    for u in sorted(usages, key=lambda u: (u.namespace, u.name)):
        first = [u.namespace] if namespaces else []
        if per_pod:
            total = u.total
            out.append([*first, u.name, cpu_text(total.cpu), memory_text(total.memory)])
            continue
        for name, c in sorted(u.containers):  # by name, as kubectl lists them
            out.append([*first, u.name, name, cpu_text(c.cpu), memory_text(c.memory)])
    return out


def print_table(table: list[list[str]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        out.write("   ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        out.write("\n")


def run(conn: Connection, args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # at call time: cli.py guards it on a terminal
    if args.pod and args.all_namespaces:
        raise ClusterError("a pod name and -A/--all-namespaces do not go together")
    namespace = None if args.all_namespaces else conn.namespace
    usages = read_usage(conn, namespace, args.pod)
    if not usages:
        if args.pod:
            raise ClusterError(f"no metrics yet for pod {args.pod} in {namespace} "
                               "(metrics-server reports a pod after its second scrape)")
        print(f"No resources found in {namespace or 'any'} namespace.", file=sys.stderr)
        return 0
    print_table(rows(list(usages.values()), args.pods, args.all_namespaces), out)
    return 0
