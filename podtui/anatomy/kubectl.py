"""The kubectl command that does what a podtui action does (the exam allows only kubectl:
podtui shows it beside each action, and `?` lists them). Pure text; no I/O."""

from __future__ import annotations

import shlex
from collections.abc import Sequence


def _ns(namespace: str) -> list[str]:
    return ["-n", namespace]


def _join(words: Sequence[str]) -> str:
    return shlex.join(words)


def describe(namespace: str, pod: str) -> str:
    return _join(["kubectl", "describe", "pod", pod, *_ns(namespace)])


def get_yaml(namespace: str, pod: str) -> str:
    return _join(["kubectl", "get", "pod", pod, *_ns(namespace), "-o", "yaml"])


def logs(namespace: str, pod: str, containers: Sequence[str] = (), *, follow: bool = False,
         timestamps: bool = False, previous: bool = False, tail: int | None = None,
         since: str | None = None) -> str:
    """One container: `-c NAME`; several: `--all-containers --prefix` shows them merged,
    which is what podtui's side-by-side panes show split."""
    words = ["kubectl", "logs", pod, *_ns(namespace)]
    if len(containers) == 1:
        words += ["-c", containers[0]]
    elif containers:
        words += ["--all-containers", "--prefix"]
    if follow:
        words.append("-f")
    if timestamps:
        words.append("--timestamps")
    if previous:
        words.append("--previous")
    if tail is not None:
        words.append(f"--tail={tail}")
    if since:
        # a duration (5m, 1h) or an RFC 3339 time
        words.append(f"--since={since}" if since[-1:] in "smh" and since[:-1].isdigit()
                     else f"--since-time={since}")
    return _join(words)


def delete(namespace: str, pods: Sequence[str], force: bool = False) -> str:
    words = ["kubectl", "delete", "pod", *pods, *_ns(namespace)]
    if force:
        words += ["--grace-period=0", "--force"]
    return _join(words)


def create(namespace: str, pod: str) -> str:
    """What podtui did with a previewed template: a server dry run, then the create."""
    return (f"kubectl create -f {shlex.quote(pod + '.yaml')} {_join(_ns(namespace))} "
            "(after --dry-run=server)")


def create_inline(namespace: str, manifest_yaml: str) -> str:
    """The same create as one pasteable command: the manifest inline (a here-document)."""
    end = "PODTUI_EOF"
    while end in manifest_yaml:
        end += "_"
    body = manifest_yaml if manifest_yaml.endswith("\n") else manifest_yaml + "\n"
    return f"{_join(['kubectl', 'create', '-f', '-', *_ns(namespace)])} <<'{end}'\n{body}{end}"


def exec_in(namespace: str, pod: str, container: str, command: Sequence[str],
            tty: bool = False) -> str:
    """`tty`: an interactive shell (`-it`)."""
    flags = ["-it"] if tty else []
    return _join(["kubectl", "exec", *flags, pod, *_ns(namespace), "-c", container, "--",
                  *command])


def port_forward(namespace: str, pod: str, remote: int, local: int | None = None) -> str:
    ports = f"{local}:{remote}" if local and local != remote else str(remote)
    return _join(["kubectl", "port-forward", f"pod/{pod}", ports, *_ns(namespace)])


def debug(namespace: str, pod: str, target: str, image: str, shell: str = "sh") -> str:
    """An ephemeral container in the target's process namespace, then its shell."""
    return _join(["kubectl", "debug", "-it", pod, *_ns(namespace), f"--image={image}",
                  f"--target={target}", "--", shell])


def switch_namespace(namespace: str | None) -> str:
    if namespace is None:
        return "kubectl get pods -A"
    return _join(["kubectl", "config", "set-context", "--current", f"--namespace={namespace}"])


def switch_context(context: str) -> str:
    return _join(["kubectl", "config", "use-context", context])


def delete_namespace(namespace: str) -> str:
    return _join(["kubectl", "delete", "namespace", namespace])


#: For `?`: each podtui action and its kubectl form.
HELP = [
    ("describe (enter, d)", "kubectl describe pod NAME -n NS"),
    ("YAML (y)", "kubectl get pod NAME -n NS -o yaml"),
    ("logs (l), one container", "kubectl logs NAME -n NS -c CONTAINER [-f] [--timestamps]"),
    ("logs, several containers", "kubectl logs NAME -n NS --all-containers --prefix"),
    ("logs: previous instance (p)", "kubectl logs NAME -n NS -c CONTAINER --previous"),
    ("logs: tail/since (o)", "kubectl logs ... --tail=N | --since=5m | --since-time=TIME"),
    ("new pod from a template (n)", "kubectl create -f POD.yaml --dry-run=server, then "
     "kubectl create -f POD.yaml"),
    ("delete (ctrl-d, d)", "kubectl delete pod NAME -n NS"),
    ("force kill (ctrl-d, F)", "kubectl delete pod NAME -n NS --grace-period=0 --force"),
    ("shell (s)", "kubectl exec -it NAME -n NS -c CONTAINER -- sh"),
    ("run a command (x), volumes inside (v)", "kubectl exec NAME -n NS -c CONTAINER -- "
     "COMMAND (once per container)"),
    ("port-forward (F)", "kubectl port-forward pod/NAME [LOCAL:]REMOTE -n NS"),
    ("debug container (e)", "kubectl debug -it NAME -n NS --image=busybox "
     "--target=CONTAINER -- sh"),
    (":ns NAME / :ns all", "kubectl config set-context --current --namespace=NAME / "
     "kubectl get pods -A"),
    (":ctx NAME", "kubectl config use-context NAME"),
    ("drill: reset (R)", "kubectl delete namespace DRILL-NAMESPACE"),
    ("drill: ! shell", "kubectl config set-context --current --namespace=DRILL-NAMESPACE"),
]
