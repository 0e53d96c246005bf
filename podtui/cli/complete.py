"""`podtui __complete -- WORD... CURRENT`: what the shell completion scripts
(podtui.cli.completion) ask for, one candidate per line; `kubectl_complete-podtui` answers
kubectl the same way. Pod, container, namespace and context names come from the cluster
(with the --kubeconfig, --context and -n typed on the line), template and theme names from
their files. Any failure (no cluster, no kubeconfig) just gives no candidates: nothing on
stderr. It reads the command line through its parser (podtui.cli.parser).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from podtui.cli.completion import SHELLS
from podtui.cluster.connection import CONNECT_TIMEOUT

#: A completion must not hang the shell: seconds for the whole request.
TIMEOUT = (min(CONNECT_TIMEOUT, 2.0), 4.0)


def complete(words: list[str]) -> int:
    """`podtui __complete -- WORD... CURRENT`: the candidates for CURRENT, one a line."""
    if words[:1] == ["--"]:
        words = words[1:]
    try:
        found = candidates(words[:-1], words[-1] if words else "")
    except Exception:  # noqa: BLE001 - a completion never prints an error
        found = []
    sys.stdout.write("".join(f"{c}\n" for c in found))
    return 0


def kubectl_complete() -> int:
    """`kubectl_complete-podtui WORD... CURRENT`: kubectl (1.26+) runs this for `kubectl
    podtui <TAB>`, and reads cobra's format: the candidates, then `:4` (no file names)."""
    complete(sys.argv[1:])
    sys.stdout.write(":4\n")
    return 0


class Line:
    """What the words before the current one say: the command, its positionals, the
    global options, and the option waiting for a value (if any)."""

    def __init__(self, words: list[str]) -> None:
        from podtui.cli.parser import SUBCOMMANDS, build_parser, subcommand_parser

        self.command: str | None = None
        self.positionals: list[str] = []
        self.options: dict[str, str] = {}
        self.pending: str | None = None
        parser = build_parser()
        for word in words:
            if self.pending:
                self.options[self.pending] = word
                self.pending = None
            elif word.startswith("-") and len(word) > 1:
                option, _, value = word.partition("=")
                action = parser._option_string_actions.get(option)
                dest = action.dest if action else option
                if value:
                    self.options[dest] = value
                elif action is not None and action.nargs != 0:
                    self.pending = dest
            elif self.command is None and word in SUBCOMMANDS:
                self.command = word
                parser = subcommand_parser(word)
            else:
                self.positionals.append(word)
        self.parser = parser

    def connect(self):
        from podtui import config_rules
        from podtui.cluster.connection import connect

        conn = connect(self.options.get("kubeconfig"), self.options.get("context"),
                       self.options.get("namespace"))
        if not self.options.get("namespace"):
            config_rules.load().apply_namespace(conn)
        return conn


def candidates(before: list[str], current: str) -> list[str]:
    """What may come in place of `current`, given the words typed before it."""
    from podtui.cli.parser import SUBCOMMANDS

    line = Line(before)
    values: Callable[[Line], list[str]] | None = None
    if line.pending:
        values = VALUES.get(line.pending)
        if values is None:
            return []
    elif current.startswith("-"):
        options = [o for o in line.parser._option_string_actions if o.startswith("--")]
        return sorted(o for o in options if o.startswith(current))
    elif line.command is None:
        values = lambda line: list(SUBCOMMANDS)  # noqa: E731
    elif not line.positionals:
        values = POSITIONAL.get(line.command)
    if values is None:
        return []
    return [c for c in values(line) if c.startswith(current)]


def _pods(line: Line) -> list[str]:
    from podtui.cluster.pods import list_names

    conn = line.connect()
    try:
        return list_names(conn, "pods", conn.namespace, timeout=TIMEOUT)
    finally:
        conn.close()


def _namespaces(line: Line) -> list[str]:
    from podtui.cluster.pods import list_names

    conn = line.connect()
    try:
        return list_names(conn, "namespaces", timeout=TIMEOUT)
    finally:
        conn.close()


def _contexts(line: Line) -> list[str]:
    from podtui.cluster.connection import connect

    conn = connect(line.options.get("kubeconfig"))
    conn.close()
    return list(conn.contexts)


def _containers(line: Line) -> list[str]:
    from podtui.cli.parser import INSIDE

    if line.command not in ("logs", *INSIDE) or not line.positionals:
        return []
    from podtui.cluster.logs import pod_containers
    from podtui.cluster.names import check_pod_name

    conn = line.connect()
    try:
        kinds = pod_containers(conn, conn.namespace, check_pod_name(line.positionals[0]))
    finally:
        conn.close()
    return kinds["app"] + kinds["init"] + kinds["ephemeral"]


def _templates(line: Line) -> list[str]:
    from podtui.templates import load_templates

    return list(dict.fromkeys(t.name for t in load_templates()[0]))


def _parameters(line: Line) -> list[str]:
    """`--set NAME=`: the parameters of the template on the line."""
    if not line.positionals:
        return []
    from podtui.cli.templates import find_template

    return [f"{p.name}=" for p in find_template(line.positionals[0]).parameters]


def _themes(line: Line) -> list[str]:
    from podtui.settings.theme_files import theme_names

    return theme_names()


#: The candidates for an option's value, by the option's dest.
VALUES: dict[str, Callable[[Line], list[str]]] = {
    "namespace": _namespaces, "context": _contexts, "theme": _themes,
    "containers": _containers, "values": _parameters,
    "container": _containers, "target": _containers,  # exec, shell, debug
}
#: The candidates for a command's first positional.
POSITIONAL: dict[str, Callable[[Line], list[str]]] = {
    "logs": _pods, "templates": _templates, "render": _templates, "create": _templates,
    "completion": lambda line: list(SHELLS),
    "exec": _pods, "shell": _pods, "port-forward": _pods, "debug": _pods,
}
