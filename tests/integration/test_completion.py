"""Shell completion: the scripts `podtui completion SHELL` prints are valid and, run in the
shell itself, complete names from the sandbox; `podtui __complete` lists what the API
server has. bash, zsh and fish are each checked: `make test` puts zsh and fish on PATH where
the machine lacks them (tests/shells.sh); a shell missing fails its tests, never skips them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_POD, wait_for

BIN = Path(sys.executable).parent
SHELLS = ("bash", "zsh", "fish")


def env() -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    values["PATH"] = f"{BIN}{os.pathsep}{values.get('PATH', '')}"
    return values


def podtui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "podtui"), *args], capture_output=True, text=True,
                          env=env(), timeout=60)


def complete(*words: str) -> list[str]:
    result = podtui("__complete", "--", *words)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.splitlines()


def script(shell: str, tmp_path: Path) -> Path:
    result = podtui("completion", shell)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"podtui.{shell}"
    path.write_text(result.stdout)
    return path


def installed(shell: str) -> str:
    path = shutil.which(shell)
    if path is None:
        pytest.fail(f"{shell} is not on PATH: run `make test`, or put $(tests/shells.sh) first"
                    " on PATH", pytrace=False)
    return path


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_is_valid(shell, tmp_path):
    result = subprocess.run([installed(shell), "-n", str(script(shell, tmp_path))],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def seed_like_pods(conn) -> list[str]:
    return sorted(p.metadata.name for p in conn.core.list_namespaced_pod("default").items
                  if p.metadata.name.startswith("se"))


@pytest.mark.parametrize("shell", SHELLS)
def test_the_shell_completes_pod_names_from_the_cluster(shell, tmp_path, conn, admin_kubeconfig):
    executable = installed(shell)
    path = script(shell, tmp_path)
    words = ["podtui", "--kubeconfig", admin_kubeconfig, "-n", "default", "logs", "se"]
    if shell == "bash":
        code = (f"source {path}; COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1};"
                ' _podtui; printf "%s\\n" "${COMPREPLY[@]}"')
    elif shell == "zsh":  # outside a completion widget: words/CURRENT are plain variables
        code = (f"compdef() {{ :; }}; compadd() {{ shift; print -l -- $@; }}; source {path};"
                f" words=({' '.join(words)}); CURRENT={len(words)}; _podtui")
    else:
        code = f"source {path}; complete -C '{' '.join(words)}'"
    result = subprocess.run([executable, "-c", code], capture_output=True, text=True, env=env(),
                            timeout=60)
    assert result.returncode == 0, result.stderr
    shown = sorted(line.split("\t")[0] for line in result.stdout.splitlines() if line)
    assert SEED_POD in shown
    assert shown == seed_like_pods(conn)


def test_pods_are_the_namespaces_pods(conn, admin_kubeconfig):
    expected = sorted(p.metadata.name for p in conn.core.list_namespaced_pod("default").items)
    assert SEED_POD in expected
    assert complete("--kubeconfig", admin_kubeconfig, "-n", "default", "logs", "") == expected
    # the options may also come after the command
    assert complete("logs", "--kubeconfig", admin_kubeconfig, "-n", "default", "") == expected


def test_containers_are_the_pods_containers(conn, admin_kubeconfig):
    pod = conn.core.read_namespaced_pod(SEED_POD, "default")
    # Debug containers others' tests added to the seed pod stay (they cannot be removed),
    # and their logs can be read: they are completed too.
    expected = [c.name for c in pod.spec.containers] + [
        c.name for c in pod.spec.init_containers or ()] + [
        c.name for c in pod.spec.ephemeral_containers or ()]
    got = complete("--kubeconfig", admin_kubeconfig, "-n", "default", "logs", SEED_POD, "-c", "")
    assert got == expected and "busybox" in got


def test_namespaces_and_contexts(conn, namespace, admin_kubeconfig):
    from kubernetes import config as kconfig

    def same() -> bool:  # other tests may add or delete namespaces meanwhile: retry
        namespaces = sorted(n.metadata.name for n in conn.core.list_namespace().items)
        return namespace in namespaces and complete(
            "--kubeconfig", admin_kubeconfig, "-n", "") == namespaces

    wait_for(same, "the namespaces completed equal the API server's")
    contexts = [c["name"] for c in kconfig.list_kube_config_contexts(admin_kubeconfig)[0]]
    assert complete("--kubeconfig", admin_kubeconfig, "--context", "") == contexts


def test_templates_commands_and_options():
    from podtui.templates import load_templates

    names = list(dict.fromkeys(t.name for t in load_templates()[0]))
    assert complete("render", "") == names
    assert complete("create", "side") == [n for n in names if n.startswith("side")]
    assert "logs" in complete("") and complete("comp") == ["completion"]
    assert complete("logs", "--ta") == ["--tail"]
    assert complete("completion", "") == ["bash", "zsh", "fish"]


def test_no_cluster_no_candidates_and_no_error(tmp_path):
    assert complete("--kubeconfig", str(tmp_path / "missing"), "logs", "") == []


def test_kubectl_asks_the_plugins_completer_in_cobras_format(admin_kubeconfig):
    """`kubectl podtui <TAB>` runs kubectl_complete-podtui with the words after `podtui`."""
    result = subprocess.run(
        [str(BIN / "kubectl_complete-podtui"), "--kubeconfig", admin_kubeconfig, "-n",
         "default", "logs", "seed-"], capture_output=True, text=True, env=env(), timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    *found, directive = result.stdout.splitlines()
    assert SEED_POD in found and directive == ":4"  # :4 = no file names
