"""Inside a pod, against the sandbox's API server: exec (output, stderr apart, exit status),
an interactive TTY shell through a pseudo-terminal, port-forward moving real HTTP bytes, a
debug container, and the refusals (--readonly, RBAC). kubectl is the peer where one exists.

The sandbox's KWOK runs exec'd commands in a chroot per seed-pod container, the emptyDir
bind-mounted at each container's mountPath, and forwards the seed pod's :3000 to the HTTP
server feed_logs.py runs in the app's place (sandbox/render_config.py, inside_docs).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest

from podtui.anatomy import describe, pod_from_json
from podtui.anatomy import kubectl as kubectl_line
from podtui.cluster import debug
from podtui.cluster.errors import ClusterError
from podtui.cluster.exec import Session, missing_command, run
from podtui.cluster.inside_access import inside_access
from podtui.cluster.pod_actions import ReadOnlyError, create_pod
from podtui.cluster.pods import get_pod
from podtui.cluster.portforward import Forward
from tests import kubeconfigs
from tests.conftest import LIMITED_KUBECONFIG, SEED_POD, make_pod, wait_for
from tests.integration.test_cli_errors import no_secrets, one_line_error
from tests.integration.test_cli_errors import run as run_podtui
from tests.terminal import Terminal

PODTUI = [sys.executable, "-m", "podtui"]


def kubectl(admin_kubeconfig: str, *args: str, kubeconfig: str | None = None):
    return subprocess.run(["kubectl", "--kubeconfig", kubeconfig or admin_kubeconfig, *args],
                          capture_output=True, text=True, timeout=60)


def running_pod(conn, namespace: str, name: str, containers: list[str]) -> dict:
    create_pod(conn, {**make_pod(name, containers), "metadata": {"name": name,
                                                                 "namespace": namespace}})
    return wait_for(lambda: (p := get_pod(conn, namespace, name))
                    and (p.get("status") or {}).get("phase") == "Running" and p,
                    f"pod {name} running", timeout=60)


# --- exec ---------------------------------------------------------------------------------


def test_the_emptydir_is_one_file_seen_from_both_containers(conn, admin_kubeconfig):
    """What node writes at /app/logs/app.log, busybox reads at /logs/app.log (kubectl too)."""
    from_node = run(conn, "default", SEED_POD, "node", ["head", "-n", "3", "/app/logs/app.log"])
    from_busybox = run(conn, "default", SEED_POD, "busybox",
                       ["head", "-n", "3", "/logs/app.log"])
    peer = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--",
                   "head", "-n", "3", "/logs/app.log")
    assert from_node.exit_code == 0 and from_busybox.exit_code == 0, (from_node, from_busybox)
    assert from_node.stdout.count("\n") == 3 and "server listening on :3000" in from_node.stdout
    assert from_node.stdout == from_busybox.stdout == peer.stdout
    # ... and each container sees only its own mount path.
    elsewhere = run(conn, "default", SEED_POD, "node", ["ls", "/logs"])
    assert elsewhere.exit_code != 0 and "No such file or directory" in elsewhere.stderr


def test_stdout_and_stderr_come_apart(conn, admin_kubeconfig):
    script = "ls -la /logs; ls /nowhere; echo done"
    result = run(conn, "default", SEED_POD, "busybox", ["sh", "-c", script])
    peer_out = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--",
                       "sh", "-c", script + " 2>/dev/null")
    peer_err = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--",
                       "sh", "-c", script + " >/dev/null")
    assert result.exit_code == 0, result
    assert "app.log" in result.stdout and result.stdout.endswith("done\n")
    assert "/nowhere" in result.stderr and "app.log" not in result.stderr
    # The file grows meanwhile: compare the listing's names, not its sizes.
    names = [line.split()[-1] for line in result.stdout.splitlines()[1:]]
    assert names == [line.split()[-1] for line in peer_out.stdout.splitlines()[1:]]
    assert result.stderr == peer_err.stderr


def test_a_failing_command_reports_what_the_server_says(conn, admin_kubeconfig):
    """A real kubelet answers NonZeroExitCode with the code (tests/unit/test_exec_status.py);
    KWOK v0.7 wraps the exit into an internal error that names it: podtui shows that line
    as kubectl does, and never claims an exit code it was not given."""
    result = run(conn, "default", SEED_POD, "busybox", ["sh", "-c", "echo partial; exit 3"])
    peer = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--",
                   "sh", "-c", "echo partial; exit 3")
    assert result.stdout == peer.stdout == "partial\n"
    assert peer.returncode != 0
    if result.exit_code is None:  # KWOK
        assert "exit status 3" in result.error and result.error in peer.stderr.replace("\n", " ")
    else:  # a real kubelet: kubectl exits with the command's code
        assert result.exit_code == peer.returncode == 3


def test_a_missing_command_is_one_line(conn):
    result = run(conn, "default", SEED_POD, "node", ["no-such-command", "--flag"])
    assert result.exit_code is None and missing_command(result.error)
    assert "\n" not in result.error and "no-such-command" in result.error


def test_the_remote_environment_carries_no_credentials(conn, sandbox_dir):
    result = run(conn, "default", SEED_POD, "node", ["env"])
    assert result.exit_code == 0 and "HOSTNAME=" in result.stdout
    for secret in [*kubeconfigs.secrets(), (sandbox_dir / "pki" / "limited.token").read_text()]:
        assert secret.strip() not in result.stdout
    assert "KUBECONFIG" not in result.stdout and "BEGIN" not in result.stdout


def test_exec_in_an_unknown_container_or_pod_is_one_line(conn, namespace):
    with pytest.raises(ClusterError) as missing:
        run(conn, namespace, "no-such-pod", "main", ["true"])
    assert str(missing.value) == (f"cannot exec in {namespace}/no-such-pod container main: "
                                  f'not found: pods "no-such-pod" not found')


def test_a_server_that_never_answers_is_one_line_not_a_hang(admin_kubeconfig):
    """An address that accepts the connection and then says nothing (a stuck proxy, a
    black-holed API server): the exec gives up with one line instead of waiting forever."""
    import dataclasses
    import threading

    from podtui.cluster.connection import connect

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # the kernel accepts; nobody reads or writes
    real = connect(kubeconfig=admin_kubeconfig)
    conn = dataclasses.replace(real, server=f"https://127.0.0.1:{silent.getsockname()[1]}")
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            run(conn, "default", SEED_POD, "node", ["true"])
        except BaseException as exc:  # noqa: BLE001 - what the user would see
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(60)  # far above the connect timeout; without one this never ends
    silent.close()
    real.close()
    assert not worker.is_alive(), "the exec still waits for a server that never answers"
    assert isinstance(outcome[0], ClusterError)
    assert str(outcome[0]).startswith(f"cannot exec in default/{SEED_POD} container node: ")


def test_kubectl_equivalent_is_runnable(admin_kubeconfig):
    line = kubectl_line.exec_in("default", SEED_POD, "busybox", ["cat", "/logs/app.log"])
    assert line == f"kubectl exec {SEED_POD} -n default -c busybox -- cat /logs/app.log"
    words = line.split()[1:]
    peer = kubectl(admin_kubeconfig, *words[:-2], "head", "-n", "1", "/logs/app.log")
    assert peer.returncode == 0 and "server listening" in peer.stdout


# --- an interactive shell through a pseudo-terminal -----------------------------------------


def podtui_terminal(*args: str, size: tuple[int, int] = (101, 33)) -> Terminal:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    return Terminal([*PODTUI, *args], env, size=size)


def test_tty_shell_types_reads_resizes_and_exits(admin_kubeconfig):
    term = podtui_terminal("shell", SEED_POD, "-c", "busybox", "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.press(b"stty size; tty; echo $((6 * 7)); head -n 1 /logs/app.log; exit\r")
        term.wait_for(lambda t: "server listening" in t, "the command's output")
        assert term.wait() == 0
        lines = term.text().splitlines()
        assert "33 101" in lines  # our terminal's size reached the remote pty
        assert "42" in lines and any(line.startswith("/dev/pts/") for line in lines)
    finally:
        term.close()


def test_tty_resize_is_passed_on_while_the_shell_runs(admin_kubeconfig):
    term = podtui_terminal("shell", SEED_POD, "-c", "node", "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.resize(70, 20)
        time.sleep(0.6)  # the pump looks at the size every 0.25 s
        term.press(b"stty size; exit\r")
        assert term.wait() == 0
        assert "20 70" in term.text().splitlines()
    finally:
        term.close()


def test_shells_are_tried_in_order_and_none_is_one_line(admin_kubeconfig):
    term = podtui_terminal("shell", SEED_POD, "-c", "busybox", "--shell", "no-such-sh,sh",
                           "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "sh's prompt after no-such-sh")
        term.press(b"exit\r")
        assert term.wait() == 0
    finally:
        term.close()
    line = one_line_error(run_podtui("shell", SEED_POD, "--shell", "nosh1,nosh2",
                                     "--kubeconfig", admin_kubeconfig))
    assert line == "podtui: container node has no shell (tried nosh1, nosh2)"


def test_session_api_without_a_terminal(conn):
    session = Session(conn, "default", SEED_POD, "busybox", ["sh"], tty=True)
    output = b""

    def read_until(needle: bytes) -> None:
        nonlocal output
        deadline = time.monotonic() + 20
        while needle not in output and session.open and time.monotonic() < deadline:
            if session.ready(0.2):
                output += session.receive()

    try:
        session.resize(80, 24)
        read_until(b"# ")  # as a user: type once the prompt is there (typeahead may be lost)
        session.send(b"echo from-$((40 + 2)); exit\r")
        read_until(b"\x00")  # to the end
    finally:
        session.close()
    assert b"from-42" in output
    assert session.result() == (0, "")


# --- port-forward ---------------------------------------------------------------------------


def _http_get(port: int, path: str) -> tuple[bytes, bytes]:
    """One HTTP/1.1 request; the response read to its Content-Length (the sandbox's KWOK
    keeps a forwarded connection open until the client closes it: no half-close)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as client:
        client.sendall(request)
        response = b""
        while b"\r\n\r\n" not in response and (chunk := client.recv(65536)):
            response += chunk
        head, _, body = response.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length and (chunk := client.recv(65536)):
            body += chunk
            response += chunk
    return request, response


def test_port_forward_moves_real_http_bytes_and_the_app_logs_them(conn, admin_kubeconfig):
    forward = Forward(conn, "default", SEED_POD, 3000).start()
    path = f"/from-forward-{uuid.uuid4().hex[:8]}"
    try:
        request, response = _http_get(forward.local, path)
        wait_for(lambda: forward.bytes_in == len(response), "the byte count", timeout=5)
    finally:
        forward.stop()
    assert response.startswith(b"HTTP/1.0 200") and response.endswith(b"\r\n\r\nok")
    assert forward.bytes_out == len(request) and forward.connections == 1
    assert forward.error == "" and forward.ended == "stopped"
    # The app logged the request: it shows in the node container's log and in the emptyDir.
    logs = wait_for(lambda: path in (p := kubectl(admin_kubeconfig, "logs", SEED_POD, "-c",
                                                  "node", "--tail", "200")).stdout and p,
                    "the request in the app's log", timeout=10)
    assert f"GET {path} 200" in logs.stdout
    shared = run(conn, "default", SEED_POD, "busybox", ["grep", path, "/logs/app.log"])
    assert f"INFO GET {path}" in shared.stdout


def test_port_forward_command_line(admin_kubeconfig):
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    process = subprocess.Popen([*PODTUI, "port-forward", SEED_POD, "0:3000", "--kubeconfig",
                                admin_kubeconfig], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = process.stdout.readline()
        assert first.startswith("Forwarding from 127.0.0.1:") and first.endswith(
            f" -> {SEED_POD}:3000\n"), first
        port = int(first.split(":")[1].split()[0])
        request, response = _http_get(port, "/cli-forward")
        assert response.endswith(b"ok")
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert err.strip() == (f"podtui port-forward: interrupted; 1 connection(s), "
                           f"{len(request)} bytes sent, {len(response)} received")


def test_a_port_nothing_serves_is_one_line_and_the_forward_goes_on(conn):
    forward = Forward(conn, "default", SEED_POD, 4000).start()
    try:
        _http_get(forward.local, "/")
        wait_for(lambda: forward.error, "the forward's error line", timeout=10)
        assert forward.active
    finally:
        forward.stop()
    assert "\n" not in forward.error and "4000" in forward.error


def test_a_forward_ends_when_its_pod_goes(conn, namespace):
    running_pod(conn, namespace, "short-lived", ["main"])
    ended = []
    forward = Forward(conn, namespace, "short-lived", 8080, on_end=ended.append).start()
    conn.request("DELETE", f"/api/v1/namespaces/{namespace}/pods/short-lived",
                 [("gracePeriodSeconds", 0)]).drain_conn()
    wait_for(lambda: ended, "the forward to end", timeout=30)
    assert not forward.active
    assert forward.ended in (f"pod {namespace}/short-lived is gone",
                             f"pod {namespace}/short-lived is being deleted")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", forward.local), timeout=2)


# --- debug containers -----------------------------------------------------------------------


def test_a_debug_container_is_added_runs_and_the_anatomy_shows_its_target(
        conn, namespace, admin_kubeconfig):
    running_pod(conn, namespace, "to-debug", ["app", "sidecar"])
    name = debug.add_debug_container(conn, namespace, "to-debug", "sidecar")
    debug.wait_running(conn, namespace, "to-debug", name)
    result = run(conn, namespace, "to-debug", name, ["sh", "-c", "echo inside-$((1 + 1))"])
    assert result.stdout == "inside-2\n" and result.exit_code == 0
    pod = pod_from_json(get_pod(conn, namespace, "to-debug"))
    ephemeral = [c for c in pod.containers if c.kind == "ephemeral"]
    peer = kubectl(admin_kubeconfig, "get", "pod", "to-debug", "-n", namespace, "-o",
                   "jsonpath={.spec.ephemeralContainers[*].name}/"
                   "{.spec.ephemeralContainers[*].targetContainerName}/"
                   "{.spec.ephemeralContainers[*].image}")
    assert [(c.name, c.target, c.image) for c in ephemeral] == [
        tuple(peer.stdout.split("/"))]
    assert ephemeral[0].state.kind == "running"
    text = describe(pod, datetime.now(UTC))
    described = [line.split() for line in text.splitlines() if "Target" in line]
    assert described == [["Target", "Container:", "sidecar"]]


# --- refusals -------------------------------------------------------------------------------


def test_readonly_refuses_all_four_in_the_cluster_layer(admin_kubeconfig):
    from podtui.cluster.connection import connect

    ro = connect(kubeconfig=admin_kubeconfig)
    ro.readonly = True
    try:
        attempts = {
            "exec": lambda: run(ro, "default", SEED_POD, "node", ["true"]),
            "shell": lambda: Session(ro, "default", SEED_POD, "node", ["sh"]),
            "port-forward": lambda: Forward(ro, "default", SEED_POD, 3000),
            "debug": lambda: debug.add_debug_container(ro, "default", SEED_POD, "node"),
        }
        for attempt in attempts.values():
            with pytest.raises(ReadOnlyError):
                attempt()
        assert inside_access(ro, "default") == type(inside_access(ro, "default"))(
            False, False, False)
    finally:
        ro.close()
    line = one_line_error(run_podtui("exec", SEED_POD, "--readonly", "--kubeconfig",
                                     admin_kubeconfig, "--", "true"))
    assert line == "podtui: read-only mode: exec in a container refused"


def test_rbac_hides_and_refuses_what_the_user_may_not(conn, admin_kubeconfig):
    """dev-user may read pods in team-a but not exec, forward or debug (kubectl agrees)."""
    from podtui.cluster.connection import connect

    limited = connect(kubeconfig=str(LIMITED_KUBECONFIG))
    name = f"rbac-{uuid.uuid4().hex[:6]}"
    running_pod(conn, "team-a", name, ["main"])
    try:
        access = inside_access(limited, "team-a")
        for field, resource, verb in (("exec", "pods/exec", "create"),
                                      ("port_forward", "pods/portforward", "create"),
                                      ("debug", "pods/ephemeralcontainers", "patch")):
            peer = kubectl(admin_kubeconfig, "auth", "can-i", verb, resource, "-n", "team-a",
                           kubeconfig=str(LIMITED_KUBECONFIG))
            assert getattr(access, field) is (peer.stdout.strip() == "yes") is False
        assert inside_access(conn, "team-a") == type(access)(True, True, True)
        with pytest.raises(ClusterError) as refused:
            run(limited, "team-a", name, "main", ["true"])
        assert str(refused.value).startswith(f"cannot exec in team-a/{name} container main: "
                                             'forbidden: User "dev-user" cannot ')
        with pytest.raises(ClusterError) as patched:
            debug.add_debug_container(limited, "team-a", name, "main")
        assert 'forbidden: User "dev-user" cannot patch resource "pods/ephemeralcontainers"' \
            in str(patched.value)
        result = run_podtui("exec", name, "-n", "team-a", "--kubeconfig",
                            str(LIMITED_KUBECONFIG), "--", "true")
        assert 'forbidden: User "dev-user" cannot' in one_line_error(result)
        no_secrets(result)
    finally:
        limited.close()
        conn.request("DELETE", f"/api/v1/namespaces/team-a/pods/{name}",
                     [("gracePeriodSeconds", 0)]).drain_conn()


def test_a_taken_local_port_is_one_line(conn, admin_kubeconfig):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ClusterError) as refused:
            Forward(conn, "default", SEED_POD, 3000, port).start()
        assert str(refused.value) == f"cannot listen on 127.0.0.1:{port}: Address already in use"
        line = one_line_error(run_podtui("port-forward", SEED_POD, f"{port}:3000",
                                         "--kubeconfig", admin_kubeconfig))
        assert line == f"podtui: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_completion_of_the_inside_commands(conn, admin_kubeconfig):
    from tests.integration.test_completion import complete

    pod = conn.core.read_namespaced_pod(SEED_POD, "default")
    containers = [c.name for c in pod.spec.containers]
    where = ("--kubeconfig", admin_kubeconfig, "-n", "default")
    for command in ("exec", "shell", "port-forward", "debug"):
        assert SEED_POD in complete(*where, command, "")
    assert complete(*where, "exec", SEED_POD, "-c", "") == containers
    assert complete(*where, "debug", SEED_POD, "--target", "") == containers
