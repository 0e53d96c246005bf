"""`podtui exec|shell|port-forward|debug`: inside a pod without the UI (scripts, drills).

    podtui exec POD [-c C] -- CMD...          stdout and stderr apart, the exit code as ours
    podtui shell POD [-c C] [--shell sh,bash] an interactive shell (the terminal's own)
    podtui port-forward POD [LOCAL:]REMOTE    until ctrl-c or the pod goes away
    podtui debug POD --target C [--image busybox]   an ephemeral container running a shell,
                                              the terminal attached (as kubectl debug -it)
"""

from __future__ import annotations

import argparse
import sys
import time

from podtui.cli.terminal_text import guard
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pod", help="the pod's name")
    if name in ("exec", "shell"):
        parser.add_argument("-c", "--container",
                            help="default: the pod's default-container annotation, else the "
                                 "first container")
    if name in ("shell", "debug"):
        parser.add_argument("--shell", help="shells to try, comma-separated (default: the "
                                             "config's exec.shell, sh,bash)")
    if name == "exec":
        parser.usage = "podtui exec POD [-c C] [options] -- COMMAND [ARGS...]"
    if name == "port-forward":
        parser.add_argument("ports", help="[LOCAL:]REMOTE (LOCAL 0: any free port)")
    if name == "debug":
        parser.add_argument("--target", required=True, help="the container whose processes "
                                                            "the debug container sees")
        parser.add_argument("--image", default="busybox")


def _container(conn: Connection, namespace: str, args) -> str:
    from podtui.anatomy.inside import default_container, exec_containers
    from podtui.cluster.pods import get_pod

    pod = get_pod(conn, namespace, args.pod)
    names = exec_containers(pod)
    chosen = args.container or default_container(pod)
    if chosen not in names:
        have = ", ".join(names) or "none"
        raise ClusterError(f"container {chosen!r} is not in pod {namespace}/{args.pod} "
                           f"(containers: {have})")
    return chosen


def run(name: str, conn: Connection, args, shells: tuple[str, ...] = ()) -> int:
    """`shells`: the config file's exec.shell (--shell wins)."""
    if getattr(args, "shell", None):
        shells = tuple(s.strip() for s in args.shell.split(",") if s.strip())
    namespace = args.namespace or conn.namespace
    if name == "exec":
        return _exec(conn, namespace, args)
    if name == "shell":
        return _shell(conn, namespace, args, _container(conn, namespace, args), shells)
    if name == "port-forward":
        return _port_forward(conn, namespace, args)
    return _debug(conn, namespace, args, shells)


def _exec(conn: Connection, namespace: str, args) -> int:
    from podtui.cluster.exec import run as run_command

    command = args.remote_command
    if not command:
        raise ClusterError("no command given: podtui exec POD [-c C] -- COMMAND [ARGS...]")
    container = _container(conn, namespace, args)
    result = run_command(conn, namespace, args.pod, container, command)
    sys.stdout.write(result.stdout)
    sys.stdout.flush()
    sys.stderr.write(result.stderr)
    if result.exit_code is None:  # podtui's line, not the command's: the server's text
        print(f"podtui exec: {result.error}", file=guard(sys.stderr))
        return 1
    return result.exit_code


def _shell(conn: Connection, namespace: str, args, container: str,
           shells: tuple[str, ...]) -> int:
    from podtui.cluster.shell import interactive_shell

    outcome = interactive_shell(conn, namespace, args.pod, container, shells)
    if not outcome.shell or outcome.exit_code is None:
        print(f"podtui: {outcome.line()}", file=sys.stderr)
        return 1
    return outcome.exit_code


def _port_forward(conn: Connection, namespace: str, args) -> int:
    from podtui.cluster.portforward import Forward, parse_ports

    local, remote = parse_ports(args.ports)
    forward = Forward(conn, namespace, args.pod, remote, local).start()
    print(f"Forwarding from 127.0.0.1:{forward.local} -> {args.pod}:{remote}", flush=True)
    try:
        while forward.active:
            time.sleep(0.2)
    except KeyboardInterrupt:
        forward.stop("interrupted")
    print(f"podtui port-forward: {forward.ended}; {forward.connections} connection(s), "
          f"{forward.bytes_out} bytes sent, {forward.bytes_in} received", file=sys.stderr)
    return 0 if forward.ended == "interrupted" else 1


def _debug(conn: Connection, namespace: str, args, shells: tuple[str, ...]) -> int:
    from podtui.cluster.debug import start_debug_container
    from podtui.cluster.shell import attached_shell

    def added(name: str) -> None:
        print(f"podtui debug: added ephemeral container {name} (target {args.target}), "
              "waiting", file=sys.stderr, flush=True)

    name, shell = start_debug_container(conn, namespace, args.pod, args.target, args.image,
                                        shells, on_added=added)
    outcome = attached_shell(conn, namespace, args.pod, name, shell)
    if outcome.exit_code is None:
        print(f"podtui: {outcome.line()}", file=sys.stderr)
        return 1
    return outcome.exit_code
