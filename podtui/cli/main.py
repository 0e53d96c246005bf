"""Command line: `podtui` runs the dashboard; subcommands serve scripts and exam drills.

Global options (--kubeconfig, --context, -n, --readonly, --theme) are accepted before or
after the subcommand, as kubectl's are. Heavy imports (textual, kubernetes) happen only
once we know we need them, so `podtui --version` and `podtui --help` stay instant.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TYPE_CHECKING

from podtui.cli.parser import (
    CONNECTED,
    HIDDEN,
    INSIDE,
    OWN_OUTPUT,
    SUBCOMMANDS,
    build_parser,
    subcommand_parser,
)

if TYPE_CHECKING:
    from podtui.cluster.connection import Connection
    from podtui.settings.config import Settings

def _fail(message: str) -> int:
    from podtui.cli.terminal_text import guard

    print(f"podtui: {message}", file=guard(sys.stderr))
    return 1


def _connect(args: argparse.Namespace, settings: Settings | None = None) -> Connection:
    from podtui.cluster.connection import connect

    conn = connect(args.kubeconfig, args.context, args.namespace)
    # --readonly is enforced by the cluster layer (pod_actions) from conn.readonly.
    conn.readonly = bool(args.readonly)
    if not args.namespace and settings is not None:
        settings.apply_namespace(conn)
    if conn.insecure:
        print(f"podtui: warning: TLS verification is off for {conn.server} "
              "(insecure-skip-tls-verify in the kubeconfig)", file=sys.stderr)
    return conn


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        if args.command not in SUBCOMMANDS + HIDDEN:
            parser.error(f"unknown command {args.command!r} "
                         f"(choose from {', '.join(SUBCOMMANDS)})")
        if args.all_namespaces:
            parser.error("-A/--all-namespaces is an option of the dashboard, not of "
                         f"podtui {args.command}")
        if args.command == "__complete":  # the words typed so far, not parsed as options
            from podtui.cli import complete

            return complete.complete(args.rest)
        return run_subcommand(args.command, args.rest, args)
    # No collection while the modules load: importing the client and Textual makes some
    # 60,000 objects the collector tracks, all kept, and it would scan them
    # again and again. The app turns it back on once mounted (PodTuiApp.on_mount).
    gc.disable()
    from podtui import config_rules
    from podtui.cluster.errors import ClusterError

    settings = config_rules.load()  # its problems are shown in the app
    try:
        conn = _connect(args, settings)
    except ClusterError as exc:
        for line in settings.problems:
            _fail(line)
        return _fail(str(exc))
    from podtui.cluster.pod_feed import PodFeed

    # The first list request runs while Textual is imported and the screen is built.
    feed = PodFeed(conn, None if args.all_namespaces else conn.namespace)
    feed.start()
    from podtui.app import PodTuiApp

    try:
        app = PodTuiApp(conn, readonly=args.readonly, theme=args.theme,
                        all_namespaces=args.all_namespaces, feed=feed, settings=settings)
        app.run()
    except Exception as exc:  # noqa: BLE001 - outside the app's loop: the same one line
        from podtui.cli.terminal_text import guard
        from podtui.crash import crash_line

        print(crash_line(exc, conn.secrets()), file=guard(sys.stderr))
        return 1
    from podtui.cli.terminal_text import guard

    if app.crash_line:  # an error inside the app (PodTuiApp._handle_exception)
        print(app.crash_line, file=guard(sys.stderr))
    inside = app.inside_actions  # port-forwards end with the app
    if active := [f for f in inside.forwards if f.active]:
        inside.stop_all()
        print(f"podtui: stopped {len(active)} port-forward(s): "
              + ", ".join(f"127.0.0.1:{f.local} -> {f.pod}:{f.remote}" for f in active),
              file=sys.stderr)
    return app.return_code or 0


def run_subcommand(name: str, rest: list[str], outer: argparse.Namespace) -> int:
    command: list[str] = []  # exec: what follows --
    if name == "exec" and "--" in rest:  # COMMAND's own options stay its own
        rest, command = rest[:rest.index("--")], rest[rest.index("--") + 1:]
    args = subcommand_parser(name).parse_args(rest)
    args.remote_command = command
    for key, value in vars(outer).items():  # given before the subcommand, not after it
        if key not in ("command", "rest") and not hasattr(args, key):
            setattr(args, key, value)
    if name in OWN_OUTPUT:
        return _run_subcommand(name, args)
    from podtui.cli.terminal_text import guarded_std

    with guarded_std(raw=getattr(args, "raw", False)):
        return _run_subcommand(name, args)


def _run_subcommand(name: str, args: argparse.Namespace) -> int:
    from podtui.cluster.errors import ClusterError, describe

    try:
        if name == "completion":
            from podtui.cli import completion as cli_complete

            return cli_complete.print_script(args.shell)
        from podtui import config_rules

        settings = config_rules.load(report=name != "config")
        if name == "config":
            from podtui.cli.config import print_effective
            from podtui.ui.keys.remap import action_clashes, all_bindings, clashes

            return print_effective(settings, sys.stdout, all_bindings(), clashes,
                                   action_clashes)
        if name == "logs":
            from podtui.cli import logs as cli_logs
            from podtui.cluster.names import check_pod_name

            check_pod_name(args.pod)  # before it goes into a URL path
            return cli_logs.run(_connect(args, settings), args)
        if name == "top":
            from podtui.cli import top as cli_top
            from podtui.cluster.names import check_pod_name

            if args.pod:
                check_pod_name(args.pod)
            return cli_top.run(_connect(args, settings), args)
        if name in INSIDE:
            from podtui.cli import inside as cli_inside
            from podtui.cluster.names import check_pod_name

            check_pod_name(args.pod)
            return cli_inside.run(name, _connect(args, settings), args, settings.shells)
        if name == "drill":
            from podtui.cli import drills as cli_drills

            args.namespace = None  # each attempt has its own namespace
            needs = args.action in cli_drills.CLUSTER_ACTIONS
            return cli_drills.run(_connect(args, settings) if needs else None, args)
        if name == "exam":
            from podtui.cli import exam as cli_exam

            args.namespace = None  # each task has its own namespace
            if args.minutes is None:
                args.minutes = config_rules.exam_minutes(settings)
            needs = args.action in cli_exam.CLUSTER_ACTIONS
            return cli_exam.run(_connect(args, settings) if needs else None, args)
        from podtui.cli import templates as cli_templates

        conn = _connect(args, settings) if name in CONNECTED else None
        return cli_templates.run(name, conn, args)
    except ClusterError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `podtui config | head`: the reader is gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        return _fail(describe(exc))


if __name__ == "__main__":
    sys.exit(main())
