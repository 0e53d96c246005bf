"""The command line's grammar: `podtui [global options] [-A] [COMMAND [ARGS ...]]`, and
each subcommand's parser (its module adds its own arguments). Read by main, which runs the
command, and by the shell completion (podtui.cli.complete), which completes it.
"""

from __future__ import annotations

import argparse

from podtui import __version__

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
#: (podtui.cli.terminal_text); the shells hand the terminal over by its file descriptors.
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
               "drill, exam, "
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


def subcommand_parser(name: str) -> argparse.ArgumentParser:
    """The parser of `podtui NAME`: its own arguments and the global options."""
    parser = argparse.ArgumentParser(prog=f"podtui {name}")
    global_options(parser, argparse.SUPPRESS)
    if name == "logs":
        from podtui.cli import logs as cli_logs

        cli_logs.add_arguments(parser)
    elif name == "top":
        from podtui.cli import top as cli_top

        cli_top.add_arguments(parser)
    elif name in ("templates", "render", "create"):
        from podtui.cli import templates as cli_templates

        cli_templates.add_arguments(name, parser)
    elif name in INSIDE:
        from podtui.cli import inside as cli_inside

        cli_inside.add_arguments(name, parser)
    elif name == "drill":
        from podtui.cli import drills as cli_drills

        cli_drills.add_arguments(parser)
    elif name == "exam":
        from podtui.cli import exam as cli_exam

        cli_exam.add_arguments(parser)
    elif name == "config":
        parser.description = ("Print the effective configuration and where each value comes "
                              "from (the config file, else the default).")
    elif name == "completion":
        from podtui.cli import completion as cli_complete

        cli_complete.add_arguments(parser)
    return parser
