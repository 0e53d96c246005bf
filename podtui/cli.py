"""Command line: `podtui` runs the dashboard; subcommands serve scripts and exam drills.

Heavy imports (textual, kubernetes) happen only once we know we need them, so
`podtui --version` and `podtui --help` stay instant.
"""

from __future__ import annotations

import argparse
import sys

from podtui import __version__

SUBCOMMANDS = ("logs", "templates", "render", "create")


def _connection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kubeconfig",
                        help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    parser.add_argument("--context", help="kubeconfig context (default: the current one)")
    parser.add_argument("-n", "--namespace", help="namespace (default: the context's)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podtui",
        description="A terminal dashboard for multi-container Kubernetes pods.",
    )
    parser.add_argument("--version", action="version", version=f"podtui {__version__}")
    _connection_args(parser)
    parser.add_argument("-A", "--all-namespaces", action="store_true",
                        help="list every namespace")
    parser.add_argument("--readonly", action="store_true", help="refuse every create and delete")
    parser.add_argument("--theme", help="podtui-dark (default), podtui-light, "
                        "podtui-high-contrast, "
                        "podtui-ansi, or a theme from ~/.config/podtui/themes")
    return parser


def _fail(message: str) -> int:
    print(f"podtui: {message}", file=sys.stderr)
    return 1


def _connect(args):
    from podtui.cluster.connection import connect

    conn = connect(args.kubeconfig, args.context, args.namespace)
    if conn.insecure:
        print(f"podtui: warning: TLS verification is off for {conn.server} "
              "(insecure-skip-tls-verify in the kubeconfig)", file=sys.stderr)
    return conn


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in SUBCOMMANDS:
        return run_subcommand(argv)
    args = build_parser().parse_args(argv)
    from podtui.cluster.errors import ClusterError

    try:
        conn = _connect(args)
    except ClusterError as exc:
        return _fail(str(exc))
    from podtui.cluster.pod_feed import PodFeed

    # The first list request runs while Textual is imported and the screen is built.
    feed = PodFeed(conn, None if args.all_namespaces else conn.namespace)
    feed.start()
    from podtui.app import PodTuiApp

    try:
        app = PodTuiApp(conn, readonly=args.readonly, theme=args.theme,
                        all_namespaces=args.all_namespaces, feed=feed)
        app.run()
    except Exception as exc:  # noqa: BLE001 - outside the app's loop: the same one line
        from podtui.crash import crash_line

        print(crash_line(exc, conn.secrets()), file=sys.stderr)
        return 1
    if app.crash_line:  # an error inside the app (PodTuiApp._handle_exception)
        print(app.crash_line, file=sys.stderr)
    return app.return_code or 0


def run_subcommand(argv: list[str]) -> int:
    from podtui.cluster.errors import ClusterError, describe

    name, rest = argv[0], argv[1:]
    parser = argparse.ArgumentParser(prog=f"podtui {name}")
    try:
        if name == "logs":
            from podtui import cli_logs

            _connection_args(parser)
            cli_logs.add_arguments(parser)
            args = parser.parse_args(rest)
            from podtui.cluster.names import check_pod_name

            check_pod_name(args.pod)  # before it goes into a URL path
            return cli_logs.run(_connect(args), args)
        from podtui import cli_templates

        if name in ("create",):
            _connection_args(parser)
            parser.add_argument("--readonly", action="store_true")
        cli_templates.add_arguments(name, parser)
        args = parser.parse_args(rest)
        conn = _connect(args) if name == "create" else None
        return cli_templates.run(name, conn, args)
    except ClusterError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        return _fail(describe(exc))


if __name__ == "__main__":
    sys.exit(main())
