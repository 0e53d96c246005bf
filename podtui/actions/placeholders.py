"""`${name}` in an action's command: string.Template's syntax, as in drills and templates
(`$$` is a literal `$`).

Each argument is filled on its own and stays one argument, whatever its value holds
(spaces, quotes, `$(...)`): the command is never given to a shell, and a value is never
read again for placeholders.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping, Sequence

from podtui.anatomy.refs import pod_ref

#: What a command may name, and where the value comes from.
NAMES = {
    "namespace": "the pod's namespace",
    "pod": "the pod's name",
    "container": "the chosen container (scope = \"container\")",
    "context": "the kubeconfig context podtui uses",
    "kubeconfig": "the kubeconfig file podtui uses",
    "node": "the node the pod runs on",
    "pod_ip": "the pod's IP",
}
#: Only a container-scoped action has a container to name.
CONTAINER_ONLY = {"container"}


def used(argument: str) -> list[str]:
    """The placeholders an argument names; ValueError for a `$` that starts none."""
    names = []
    for match in string.Template.pattern.finditer(argument):
        if match.group("invalid") is not None:
            rest = argument[match.start():match.start() + 8]
            raise ValueError(f"{rest!r} is not a placeholder (write ${{name}}, or $$ for a "
                             "literal $)")
        name = match.group("named") or match.group("braced")
        if name is not None:
            names.append(name)
    return names


def check(command: Sequence[str], scope: str) -> str | None:
    """Why the command's placeholders cannot be filled in this scope (None: they can)."""
    known = ", ".join(f"${{{n}}}" for n in NAMES)
    for argument in command:
        try:
            names = used(argument)
        except ValueError as exc:
            return f"command: {exc}"
        for name in names:
            if name not in NAMES:
                return f"unknown placeholder ${{{name}}} in command (known: {known})"
            if name in CONTAINER_ONLY and scope != "container":
                return f"${{{name}}} needs scope = \"container\" (this one is {scope!r})"
    return None


def expand(command: Sequence[str], values: Mapping[str, str]) -> tuple[str, ...]:
    """The argument list to run: one argument per argument of the command."""
    return tuple(string.Template(argument).substitute(values) for argument in command)


def unfilled(command: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """The placeholders the command names that have no value here (a pod not scheduled
    yet has no node nor IP; an in-cluster connection has no kubeconfig)."""
    wanted = dict.fromkeys(name for argument in command for name in used(argument))
    return [name for name in wanted if not values.get(name)]


def pod_values(pod: dict, *, context: str, kubeconfig: str, container: str = "") -> dict[str, str]:
    ref = pod_ref(pod)
    return {
        "namespace": ref.namespace,
        "pod": ref.name,
        "container": container,
        "context": context,
        "kubeconfig": kubeconfig,
        "node": (pod.get("spec") or {}).get("nodeName") or "",
        "pod_ip": (pod.get("status") or {}).get("podIP") or "",
    }


def kubeconfig_file(given: str | None, in_cluster: bool,
                    env: Mapping[str, str] | None = None) -> str:
    """The one file `${kubeconfig}` names ("" when there is none to name).

    --kubeconfig as podtui got it; else $KUBECONFIG when it is one file (a list has no
    single path to pass as `--kubeconfig`: the command inherits KUBECONFIG itself);
    else ~/.kube/config."""
    if given:
        return given
    if in_cluster:
        return ""
    env = os.environ if env is None else env
    listed = [p for p in env.get("KUBECONFIG", "").split(os.pathsep) if p]
    if len(listed) > 1:
        return ""
    return os.path.expanduser(listed[0] if listed else "~/.kube/config")


#: Why a placeholder has no value (unfilled), for the line that says the action did not run.
EMPTY = {
    "node": "the pod is not on a node yet",
    "pod_ip": "the pod has no IP yet",
    "kubeconfig": "there is no single kubeconfig file (in-cluster, or KUBECONFIG lists "
                  "several)",
    "context": "there is no kubeconfig context (in-cluster)",
}


def why_empty(name: str) -> str:
    return f"${{{name}}} has no value: {EMPTY.get(name, 'it is empty here')}"
