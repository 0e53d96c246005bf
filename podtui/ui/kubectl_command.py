"""The kubectl command that does what podtui just did (`c` on the detail screen copies it):
describe, YAML, logs, create, delete.

The context is always named: after `:ctx` podtui may not be on the kubeconfig's current
context, and a pasted `kubectl delete` must not reach another cluster.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence


def kubectl(context: str, namespace: str, *args: str) -> str:
    words = ["kubectl"]
    if context and context != "in-cluster":  # in a pod kubectl finds the service account
        words += ["--context", context]
    return shlex.join([*words, *args, "-n", namespace])


def describe(context: str, namespace: str, pod: str) -> str:
    return kubectl(context, namespace, "describe", "pod", pod)


def get_yaml(context: str, namespace: str, pod: str) -> str:
    return kubectl(context, namespace, "get", "pod", pod, "-o", "yaml")


def logs(context: str, namespace: str, pod: str, containers: Sequence[str],
         every: Sequence[str], tail: int) -> str:
    """kubectl follows one container or all of them (`--all-containers`); a subset of
    several becomes one command per container, run side by side."""
    base = ["logs", pod, "-f", f"--tail={tail}"]
    if len(containers) > 1 and set(containers) >= set(every):
        return kubectl(context, namespace, *base, "--all-containers", "--prefix")
    prefix = ("--prefix",) if len(containers) > 1 else ()
    return " & ".join(kubectl(context, namespace, *base, "-c", c, *prefix) for c in containers)


def create(context: str, namespace: str, manifest_yaml: str) -> str:
    """`kubectl create` of the manifest podtui created, inline (a shell here-document)."""
    end = "PODTUI_EOF"
    while end in manifest_yaml:
        end += "_"
    body = manifest_yaml if manifest_yaml.endswith("\n") else manifest_yaml + "\n"
    return f"{kubectl(context, namespace, 'create', '-f', '-')} <<'{end}'\n{body}{end}"


def delete(context: str, namespace: str, pods: Sequence[str], force: bool) -> str:
    extra = ("--grace-period=0", "--force") if force else ()
    return kubectl(context, namespace, "delete", "pod", *pods, *extra)
