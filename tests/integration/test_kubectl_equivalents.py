"""The kubectl commands podtui shows beside its actions really do the same: each one runs
with the real kubectl against the sandbox, and its effect is checked with the API."""

from __future__ import annotations

import shlex
import socket
import subprocess
import urllib.request
from datetime import datetime

import pytest
import yaml

from podtui.anatomy import kubectl
from podtui.cluster import debug
from podtui.cluster.pods import get_pod
from tests.conftest import KUBECTL, make_pod, wait_for
from tests.integration.test_drills_cluster import kubectl_env
from tests.integration.test_inside import HELLO, seed_copy
from tests.terminal import Terminal

pytestmark = pytest.mark.integration


def run(command: str, admin_kubeconfig: str) -> str:
    words = shlex.split(command)
    assert words[0] == "kubectl"
    done = subprocess.run([KUBECTL, *words[1:]], capture_output=True, text=True,
                          env=kubectl_env(admin_kubeconfig), timeout=60)
    assert done.returncode == 0, (command, done.stderr)
    return done.stdout


def pod_names(conn, namespace: str) -> set[str]:
    return {p.metadata.name for p in conn.core.list_namespaced_pod(namespace).items}


def test_read_commands(conn, namespace, admin_kubeconfig):
    """Each command's output, as the pod's containers printed it."""
    pod = make_pod("two", ["app", "side"])
    for container, count in zip(pod["spec"]["containers"], (7, 2), strict=True):
        name = container["name"]
        container["command"] = ["sh", "-c", f"for i in $(seq {count}); do echo {name} $i; done; "
                                "exec sleep 3600"]
    conn.core.create_namespaced_pod(namespace, pod)
    wait_for(lambda: conn.core.read_namespaced_pod("two", namespace).status.phase == "Running",
             "the pod to run")
    described = run(kubectl.describe(namespace, "two"), admin_kubeconfig)
    assert f"Namespace:        {namespace}" in described and "Name:             two" in described
    assert "\n  app:\n" in described and "\n  side:\n" in described
    got = yaml.safe_load(run(kubectl.get_yaml(namespace, "two"), admin_kubeconfig))
    assert got["metadata"]["uid"] == conn.core.read_namespaced_pod("two", namespace).metadata.uid
    assert [c["name"] for c in got["spec"]["containers"]] == ["app", "side"]

    both = kubectl.logs(namespace, "two", ["app", "side"], since="5m")
    merged = wait_for(lambda: (out := run(both, admin_kubeconfig)).count("\n") == 9 and out,
                      "both containers' lines")
    assert sorted(merged.splitlines()) == sorted(
        [f"[pod/two/app] app {i}" for i in range(1, 8)]
        + [f"[pod/two/side] side {i}" for i in range(1, 3)])
    lines = run(kubectl.logs(namespace, "two", ["app"], timestamps=True, tail=5),
                admin_kubeconfig).splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [f"app {i}" for i in range(3, 8)]
    for line in lines:  # RFC 3339 with nanoseconds, as --timestamps prints them
        datetime.fromisoformat(line.split(" ", 1)[0])


def test_delete_commands(conn, namespace, admin_kubeconfig):
    for name in ("a", "b", "c"):
        conn.core.create_namespaced_pod(namespace, make_pod(name))
    run(kubectl.delete(namespace, ["a", "b"]), admin_kubeconfig)
    wait_for(lambda: pod_names(conn, namespace) == {"c"}, "a and b to be gone")
    run(kubectl.delete(namespace, ["c"], force=True), admin_kubeconfig)
    wait_for(lambda: pod_names(conn, namespace) == set(), "c to be gone")


def test_create_inline_creates_the_previewed_pod(conn, namespace, admin_kubeconfig):
    """What `c` copies after a create: pasted into a shell, kubectl creates the same pod."""
    from podtui.templates import load_templates, render, render_yaml

    templates, _ = load_templates()
    template = next(t for t in templates if t.name == "sidecar-log-tailer")
    values = {p.name: p.default for p in template.parameters} | {"namespace": namespace}
    command = kubectl.create_inline(namespace, render_yaml(template, values))
    done = subprocess.run(["bash", "-c", command.replace("kubectl", KUBECTL, 1)],
                          capture_output=True, text=True, timeout=60,
                          env=kubectl_env(admin_kubeconfig))
    assert done.returncode == 0, done.stderr
    name = render(template, values)["metadata"]["name"]
    assert pod_names(conn, namespace) == {name}


def test_inside_commands(conn, namespace, admin_kubeconfig):
    """What `x`, `F` and `e` show, run by kubectl on a copy of the seed pod: the command's
    output, the Node.js app's answer through kubectl's own forward, and a debug container
    made as podtui makes it, which ends with its shell."""
    seed_copy(conn, namespace)
    line = kubectl.exec_in(namespace, "seed", "busybox", ["head", "-n", "1", "/logs/app.log"])
    assert run(line, admin_kubeconfig).endswith(" listening on port 3000\n")

    with socket.socket() as probe:  # a free local port for kubectl to listen on
        probe.bind(("127.0.0.1", 0))
        local = probe.getsockname()[1]
    words = shlex.split(kubectl.port_forward(namespace, "seed", 3000, local))
    forward = subprocess.Popen([KUBECTL, *words[1:], "--address", "127.0.0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=kubectl_env(admin_kubeconfig))
    try:
        assert forward.stdout.readline() == f"Forwarding from 127.0.0.1:{local} -> 3000\n"
        assert urllib.request.urlopen(f"http://127.0.0.1:{local}/", timeout=20).read() == HELLO
    finally:
        forward.terminate()
        forward.communicate(timeout=20)

    ours = debug.add_debug_container(conn, namespace, "seed", "node", "busybox:1.36",
                                     command=["sh"])
    words = shlex.split(kubectl.debug(namespace, "seed", "node", "busybox:1.36", "sh"))
    term = Terminal([KUBECTL, *words[1:]], kubectl_env(admin_kubeconfig), size=(120, 30))
    try:
        term.wait_for(lambda t: t.endswith("# "), "the debug shell's prompt", timeout=90)
        term.press(b"exit 5\r")
        term.wait()
    finally:
        term.close()
    pod = get_pod(conn, namespace, "seed")
    made = {c["name"]: c for c in pod["spec"]["ephemeralContainers"]}
    theirs = next(name for name in made if name != ours)
    fields = ("image", "targetContainerName", "command", "stdin", "tty")
    assert [made[theirs].get(f) for f in fields] == [made[ours].get(f) for f in fields]
    assert debug.wait_terminated(conn, namespace, "seed", theirs).get("exitCode") == 5
