"""Command line: `podtui` runs the dashboard; subcommands serve scripts and exam drills.

Global options (--kubeconfig, --context, -n, --readonly, --theme) are accepted before or
after the subcommand, as kubectl's are. Heavy imports (textual, kubernetes) happen only
once we know we need them, so `podtui --version` and `podtui --help` stay instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from podtui import __version__

if TYPE_CHECKING:
    from podtui.cluster.connection import Connection
    from podtui.config import Settings

SUBCOMMANDS = ("logs", "top", "templates", "render", "create", "exec", "shell", "port-forward",
               "debug", "drill", "exam", "config", "completion")
#: Called by the shell completion scripts, not listed in --help.
HIDDEN = ("__complete",)
#: Subcommands that talk to the cluster.
CONNECTED = ("logs", "top", "create")
#: Inside a pod (cli_inside): exec, shell, port-forward, debug.
INSIDE = ("exec", "shell", "port-forward", "debug")
#: Whose output is not cluster text shown on a terminal: exec's is the user's own command's
#: (`ls --color` must stay coloured), completion's a script for the shell to read. Every
#: other subcommand's prints show control characters visibly on a terminal
#: (podtui.terminal_text); the shells hand the terminal over by its file descriptors.
OWN_OUTPUT = ("exec", "completion")


def global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """The options every form takes. After a subcommand they default to SUPPRESS, so a
    value given before the subcommand is kept unless it is given again after it."""
    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument("--kubeconfig", default=default,
                       help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    group.add_argument("--context", default=default,
                       help="kubeconfig context (default: the current one)")
    group.add_argument("-n", "--namespace", default=default,
                       help="namespace (default: the config file's for the context, "
                            "else the context's)")
    group.add_argument("--readonly", action="store_true",
                       default=False if default is None else default,
                       help="refuse every create and delete")
    group.add_argument("--theme", default=default,
                       help="podtui-dark (default), podtui-light, podtui-high-contrast, "
                            "podtui-ansi, or a theme from ~/.config/podtui/themes")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podtui",
        usage="podtui [-h] [--version] [global options] [-A] [COMMAND [ARGS ...]]",
        description="A terminal dashboard for multi-container Kubernetes pods.",
        epilog="commands: logs, top, templates, render, create, exec, shell, port-forward, debug, "
               "config, completion "
               "(podtui COMMAND --help); without one, the dashboard starts.",
    )
    parser.add_argument("--version", action="version", version=f"podtui {__version__}")
    global_options(parser)
    parser.add_argument("-A", "--all-namespaces", action="store_true",
                        help="list every namespace (the dashboard)")
    parser.add_argument("command", nargs="?", metavar="COMMAND", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _fail(message: str) -> int:
    from podtui.terminal_text import guard

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
            from podtui import cli_complete

            return cli_complete.complete(args.rest)
        return run_subcommand(args.command, args.rest, args)
    from podtui import config
    from podtui.cluster.errors import ClusterError

    settings = config.load()  # its problems are shown in the app
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
        from podtui.crash import crash_line
        from podtui.terminal_text import guard

        print(crash_line(exc, conn.secrets()), file=guard(sys.stderr))
        return 1
    from podtui.terminal_text import guard

    if app.crash_line:  # an error inside the app (PodTuiApp._handle_exception)
        print(app.crash_line, file=guard(sys.stderr))
    inside = getattr(app, "_inside_actions", None)  # port-forwards end with the app
    if inside is not None and (active := [f for f in inside.forwards if f.active]):
        inside.stop_all()
        print(f"podtui: stopped {len(active)} port-forward(s): "
              + ", ".join(f"127.0.0.1:{f.local} -> {f.pod}:{f.remote}" for f in active),
              file=sys.stderr)
    return app.return_code or 0


def subcommand_parser(name: str) -> argparse.ArgumentParser:
    """The parser of `podtui NAME`: its own arguments and the global options."""
    parser = argparse.ArgumentParser(prog=f"podtui {name}")
    global_options(parser, argparse.SUPPRESS)
    if name == "logs":
        from podtui import cli_logs

        cli_logs.add_arguments(parser)
    elif name == "top":
        from podtui import cli_top

        cli_top.add_arguments(parser)
    elif name in ("templates", "render", "create"):
        from podtui import cli_templates

        cli_templates.add_arguments(name, parser)
    elif name in INSIDE:
        from podtui import cli_inside

        cli_inside.add_arguments(name, parser)
    elif name == "drill":
        from podtui import cli_drills

        cli_drills.add_arguments(parser)
    elif name == "exam":
        from podtui import cli_exam

        cli_exam.add_arguments(parser)
    elif name == "config":
        parser.description = ("Print the effective configuration and where each value comes "
                              "from (the config file, else the default).")
    elif name == "completion":
        from podtui import cli_complete

        cli_complete.add_arguments(parser)
    return parser


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
    from podtui.terminal_text import guarded_std

    with guarded_std(raw=getattr(args, "raw", False)):
        return _run_subcommand(name, args)


def _run_subcommand(name: str, args: argparse.Namespace) -> int:
    from podtui.cluster.errors import ClusterError, describe

    try:
        if name == "completion":
            from podtui import cli_complete

            return cli_complete.print_script(args.shell)
        from podtui import config

        settings = config.load(report=name != "config")
        if name == "config":
            from podtui.ui.keys import action_clashes, all_bindings, clashes

            return config.print_effective(settings, sys.stdout, all_bindings(), clashes,
                                          action_clashes)
        if name == "logs":
            from podtui import cli_logs
            from podtui.cluster.names import check_pod_name

            check_pod_name(args.pod)  # before it goes into a URL path
            return cli_logs.run(_connect(args, settings), args)
        if name == "top":
            from podtui import cli_top
            from podtui.cluster.names import check_pod_name

            if args.pod:
                check_pod_name(args.pod)
            return cli_top.run(_connect(args, settings), args)
        if name in INSIDE:
            from podtui import cli_inside
            from podtui.cluster.names import check_pod_name

            check_pod_name(args.pod)
            return cli_inside.run(name, _connect(args, settings), args, settings.shells)
        if name == "drill":
            from podtui import cli_drills

            args.namespace = None  # each attempt has its own namespace
            needs = args.action in cli_drills.CLUSTER_ACTIONS
            return cli_drills.run(_connect(args, settings) if needs else None, args)
        if name == "exam":
            from podtui import cli_exam

            args.namespace = None  # each task has its own namespace
            if args.minutes is None:
                args.minutes = config.exam_minutes(settings)
            needs = args.action in cli_exam.CLUSTER_ACTIONS
            return cli_exam.run(_connect(args, settings) if needs else None, args)
        from podtui import cli_templates

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
