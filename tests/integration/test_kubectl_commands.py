"""The kubectl commands that `c` copies on the detail screen (podtui/ui/kubectl_command.py)
do what podtui did: kubectl, the peer, runs them against the sandbox."""

from __future__ import annotations

import os
import shlex
import subprocess

from podtui.ui import kubectl_command
from tests.conftest import SEED_POD

CONTAINERS = ["node", "busybox"]


def kubectl(command: str, admin_kubeconfig: str, seconds: float = 60, *extra: str):
    words = shlex.split(command)
    assert words[0] == "kubectl"
    try:
        return subprocess.run(["/usr/bin/kubectl", *words[1:], *extra], capture_output=True,
                              text=True, timeout=seconds,
                              env={**os.environ, "KUBECONFIG": admin_kubeconfig})
    except subprocess.TimeoutExpired as exc:  # -f: what it printed until then (as bytes)
        return subprocess.CompletedProcess(exc.cmd, 0, (exc.stdout or b"").decode(),
                                           (exc.stderr or b"").decode())


def test_logs_of_every_container_prefixed(conn, admin_kubeconfig):
    command = kubectl_command.logs(conn.context, "default", SEED_POD, CONTAINERS, CONTAINERS, 5)
    out = kubectl(command, admin_kubeconfig, 4).stdout
    for name in CONTAINERS:
        assert f"[pod/{SEED_POD}/{name}]" in out, out


def test_logs_of_one_container(conn, admin_kubeconfig):
    command = kubectl_command.logs(conn.context, "default", SEED_POD, ["busybox"], CONTAINERS, 3)
    out = kubectl(command, admin_kubeconfig, 4).stdout
    assert out.strip() and "status=" in out and "req=" not in out  # busybox's copies only


def test_delete_commands_are_accepted_by_the_server(conn, admin_kubeconfig):
    for force in (False, True):
        command = kubectl_command.delete(conn.context, "default", [SEED_POD], force)
        result = kubectl(command, admin_kubeconfig, 60, "--dry-run=server")
        assert result.returncode == 0, result.stderr
        assert f'pod "{SEED_POD}"' in result.stdout and "server dry run" in result.stdout
    assert conn.core.read_namespaced_pod(SEED_POD, "default").metadata.name == SEED_POD


def test_names_are_quoted_for_the_shell():
    command = kubectl_command.describe("ctx with space", "default", "web")
    assert shlex.split(command) == ["kubectl", "--context", "ctx with space", "describe", "pod",
                                    "web", "-n", "default"]


def test_create_command_creates_the_same_pod(conn, namespace, admin_kubeconfig):
    from podtui.cluster.templates import load_templates, render, render_yaml

    templates, _ = load_templates()
    template = next(t for t in templates if t.name == "sidecar-log-tailer")
    values = {p.name: p.default for p in template.parameters} | {"namespace": namespace}
    text = render_yaml(template, values)
    command = kubectl_command.create(conn.context, namespace, text)
    result = subprocess.run(["bash", "-c", command.replace("kubectl", "/usr/bin/kubectl", 1)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "KUBECONFIG": admin_kubeconfig})
    assert result.returncode == 0, result.stderr
    name = render(template, values)["metadata"]["name"]
    assert conn.core.read_namespaced_pod(name, namespace).metadata.name == name
