"""Inside a pod, against the sandbox's API server and its real node (kubelet, containerd,
runc): exec (output, stderr apart, exit status), an interactive TTY shell through a
pseudo-terminal, port-forward to the seed pod's Node.js app, debug containers, and the
refusals (--readonly, RBAC). The sandbox's own kubectl is the peer where one exists.

A debug container stays in its pod for good (ephemeral containers cannot be removed): the
tests that add one do so to a copy of the seed pod in their own namespace.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
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
from sandbox.render_config import seed_pod
from tests import kubeconfigs
from tests.conftest import KUBECTL, LIMITED_KUBECONFIG, SEED_POD, make_pod, read_pod, wait_for
from tests.integration.test_cli_errors import no_secrets, one_line_error
from tests.integration.test_cli_errors import run as run_podtui
from tests.terminal import Terminal

PODTUI = [sys.executable, "-m", "podtui"]


def kubectl(admin_kubeconfig: str, *args: str, kubeconfig: str | None = None):
    return subprocess.run([KUBECTL, "--kubeconfig", kubeconfig or admin_kubeconfig, *args],
                          capture_output=True, text=True, timeout=60)


def running_pod(conn, namespace: str, name: str, containers: list[str]) -> dict:
    create_pod(conn, {**make_pod(name, containers), "metadata": {"name": name,
                                                                 "namespace": namespace}})
    return wait_for(lambda: (p := get_pod(conn, namespace, name))
                    and (p.get("status") or {}).get("phase") == "Running" and p,
                    f"pod {name} running", timeout=60)


def seed_copy(conn, namespace: str, name: str = "seed") -> dict:
    """The seed pod (sandbox/render_config.py) in the test's namespace, its containers
    running."""
    manifest = seed_pod()
    manifest["metadata"].update(name=name, namespace=namespace)
    create_pod(conn, manifest)

    def running() -> dict | None:
        pod = get_pod(conn, namespace, name)
        states = [s.get("state") or {} for s in (pod.get("status") or {}).get(
            "containerStatuses") or []]
        return pod if len(states) == 2 and all("running" in s for s in states) else None

    return wait_for(running, f"the containers of {namespace}/{name} running", timeout=90)


def ps_rows(text: str, start: str, end: str) -> list[tuple[int, str]]:
    """(PID, command) of each process busybox `ps` listed between two marker lines."""
    lines = [line.strip() for line in text.splitlines()]
    table = lines[lines.index(start) + 1:lines.index(end)]
    assert table[0].split() == ["PID", "USER", "COMMAND"], table
    return [(int(pid), command) for pid, _user, command in
            (row.split(None, 2) for row in table[1:])]


def program(command: str) -> str:
    """The program of a `ps` row: busybox shows an applet run by a shell as "{ps} sh"."""
    return command.split()[0].strip("{}")


#: Typed after a shell's prompt: `ps` between two marker lines that the typed line's echo
#: does not contain (the shell computes them).
PS_LINE = b"echo ==$((1 + 1)); ps; echo $((2 + 2))=="
PS_START, PS_END = "==2", "4=="
#: What would show if the shell saw the machine's processes, not its container's.
MACHINE = ("python", "pytest", "kubelet", "containerd", "kube-apiserver", "etcd")


# --- exec ---------------------------------------------------------------------------------


def test_the_emptydir_is_one_file_seen_from_both_containers(conn, admin_kubeconfig):
    """What node writes at /app/logs/app.log, busybox reads at /logs/app.log (kubectl too)."""
    from_node = run(conn, "default", SEED_POD, "node", ["head", "-n", "3", "/app/logs/app.log"])
    from_busybox = run(conn, "default", SEED_POD, "busybox",
                       ["head", "-n", "3", "/logs/app.log"])
    peer = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--",
                   "head", "-n", "3", "/logs/app.log")
    assert from_node.exit_code == 0 and from_busybox.exit_code == 0, (from_node, from_busybox)
    assert from_node.stdout.count("\n") == 3
    assert from_node.stdout.split("\n")[0].endswith(" listening on port 3000")
    assert from_node.stdout == from_busybox.stdout == peer.stdout
    # ... and each container sees only its own mount path.
    elsewhere = run(conn, "default", SEED_POD, "node", ["ls", "/logs"])
    assert elsewhere.exit_code == 1 and elsewhere.stderr == "ls: /logs: No such file or directory\n"


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


def test_exec_output_and_exit_code_are_kubectls(conn, admin_kubeconfig):
    """The issue's check: stdout, stderr and the exit code of podtui's exec (the call `x`
    makes, and `podtui exec`) are kubectl exec's, in the same run."""
    script = "echo o; echo e >&2; exit 3"
    command = ["sh", "-c", script]
    peer = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--", *command)
    result = run(conn, "default", SEED_POD, "busybox", command)
    cli = run_podtui("exec", SEED_POD, "-c", "busybox", "--kubeconfig", admin_kubeconfig,
                     "--", *command)
    # kubectl adds a line of its own after the command's stderr.
    own_line = "command terminated with exit code 3\n"
    assert peer.stderr.endswith(own_line), peer.stderr
    expected = (peer.stdout, peer.stderr.removesuffix(own_line), peer.returncode)
    assert expected == ("o\n", "e\n", 3)
    assert (result.stdout, result.stderr, result.exit_code) == expected
    assert result.error == ""
    assert (cli.stdout, cli.stderr, cli.returncode) == expected
    # and the success path: the output as it is, nothing on stderr, exit 0
    command = ["sh", "-c", "echo ok; echo two words"]
    peer = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "busybox", "--", *command)
    cli = run_podtui("exec", SEED_POD, "-c", "busybox", "--kubeconfig", admin_kubeconfig,
                     "--", *command)
    assert (peer.stdout, peer.stderr, peer.returncode) == ("ok\ntwo words\n", "", 0)
    assert (cli.stdout, cli.stderr, cli.returncode) == (peer.stdout, peer.stderr, 0)


def test_a_missing_command_is_kubectls_line_on_one_line(conn, admin_kubeconfig):
    command = ["no-such-command", "--flag"]
    result = run(conn, "default", SEED_POD, "node", command)
    peer = kubectl(admin_kubeconfig, "exec", SEED_POD, "-c", "node", "--", *command)
    cli = run_podtui("exec", SEED_POD, "--kubeconfig", admin_kubeconfig, "--", *command)
    assert result.exit_code is None and missing_command(result.error)
    assert "\n" not in result.error
    assert result.error.endswith('exec: "no-such-command": executable file not found in $PATH')

    def same_exec(line: str) -> str:  # each run names its own exec id
        return re.sub(r"[0-9a-f]{64}", "ID", " ".join(line.split()))

    # kubectl wraps the same line ("error: Internal error occurred: " first)
    assert same_exec(peer.stderr).endswith(same_exec(result.error))
    assert peer.returncode == cli.returncode == 1
    assert cli.stderr.endswith("executable file not found in $PATH\n") and cli.stdout == ""


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
    assert peer.returncode == 0 and peer.stdout.endswith(" listening on port 3000\n")


# --- an interactive shell through a pseudo-terminal -----------------------------------------


def podtui_terminal(*args: str, size: tuple[int, int] = (101, 33)) -> Terminal:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    return Terminal([*PODTUI, *args], env, size=size)


def test_tty_shell_types_reads_resizes_and_exits(admin_kubeconfig):
    term = podtui_terminal("shell", SEED_POD, "-c", "busybox", "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.press(b"stty size; tty; echo $((6 * 7)); head -n 1 /logs/app.log; exit\r")
        term.wait_for(lambda t: "listening on port 3000" in t, "the command's output")
        assert term.wait() == 0
        lines = term.text().splitlines()
        assert "33 101" in lines  # our terminal's size reached the remote pty
        assert "42" in lines and any(line.startswith("/dev/pts/") for line in lines)
    finally:
        term.close()


def test_the_shell_sees_its_containers_processes_only(admin_kubeconfig):
    """The issue's check: `ps` in busybox's shell lists the container's processes, PID 1
    its `tail -F /logs/app.log`, and none of the machine's."""
    term = podtui_terminal("shell", SEED_POD, "-c", "busybox", "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.press(PS_LINE + b"; exit\r")
        assert term.wait() == 0
    finally:
        term.close()
    processes = ps_rows(term.text(), PS_START, PS_END)
    assert (1, "tail -F /logs/app.log") in processes, processes
    assert {program(command) for _, command in processes} == {"tail", "sh", "ps"}, processes
    assert not [c for _, c in processes if any(word in c for word in MACHINE)], processes


def test_tty_resize_is_passed_on_while_the_shell_runs(admin_kubeconfig):
    term = podtui_terminal("shell", SEED_POD, "-c", "node", "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.resize(70, 20)
        # The pump looks at the size every 0.25 s: ask until the remote pty has it.
        deadline = time.monotonic() + 20
        while "20 70" not in term.text().splitlines():
            assert time.monotonic() < deadline, "the new size never reached the remote pty"
            prompts = term.text().count("# ")
            term.press(b"stty size\r")
            term.wait_for(lambda t, n=prompts: t.count("# ") > n, "the next prompt")
        term.press(b"exit\r")
        assert term.wait() == 0
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
    """One HTTP/1.1 request; the response read to its Content-Length (Node.js keeps the
    connection open for the next request)."""
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


#: The Node.js app's answer, and the line it appends to app.log for a request (the forward
#: connects from inside the pod's network namespace).
HELLO = b"hello from the node container\n"
REQUEST_LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
                          r"GET (\S+) from ::ffff:127\.0\.0\.1")


def test_port_forward_reaches_the_node_app_and_busybox_logs_the_request(conn,
                                                                      admin_kubeconfig):
    """The issue's check: the reply is the Node.js app's, and the request's line (which
    the app appends to the shared file) is in the busybox container's log."""
    forward = Forward(conn, "default", SEED_POD, 3000).start()
    path = f"/from-forward-{uuid.uuid4().hex[:8]}"
    try:
        request, response = _http_get(forward.local, path)
        wait_for(lambda: forward.bytes_in == len(response), "the byte count", timeout=5)
    finally:
        forward.stop()
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and body == HELLO
    assert forward.bytes_out == len(request) and forward.connections == 1
    assert forward.error == "" and forward.ended == "stopped"

    def logged() -> list[str]:
        peer = kubectl(admin_kubeconfig, "logs", SEED_POD, "-c", "busybox", "--tail", "200")
        return [line for line in peer.stdout.splitlines() if line.endswith(f" {path} from "
                                                                            "::ffff:127.0.0.1")]

    lines = wait_for(logged, "the request in busybox's log", timeout=15)
    assert len(lines) == 1 and REQUEST_LINE.fullmatch(lines[0]).group(1) == path, lines
    shared = run(conn, "default", SEED_POD, "node", ["grep", path, "/app/logs/app.log"])
    assert shared.stdout.splitlines() == lines


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
        assert response.endswith(b"\r\n\r\n" + HELLO)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert err.strip() == (f"podtui port-forward: interrupted; 1 connection(s), "
                           f"{len(request)} bytes sent, {len(response)} received")


def test_a_port_nothing_serves_is_one_line_and_the_forward_goes_on(conn):
    def unanswered() -> bytes:
        """What comes back before the forward closes the connection (reset or not)."""
        got = b""
        with socket.create_connection(("127.0.0.1", forward.local), timeout=20) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            with contextlib.suppress(ConnectionResetError):
                while chunk := client.recv(65536):
                    got += chunk
        return got

    forward = Forward(conn, "default", SEED_POD, 4000).start()
    try:
        assert unanswered() == b""
        wait_for(lambda: forward.error, "the forward's error line", timeout=10)
        first, forward.error = forward.error, ""
        assert forward.active
        assert unanswered() == b""  # the next connection is tried again
        wait_for(lambda: forward.error, "the second connection's error line", timeout=10)
        assert forward.active and forward.connections == 2
    finally:
        forward.stop()
    assert "\n" not in first
    assert first.startswith(f"port-forward to default/{SEED_POD}:4000: error forwarding port "
                            "4000 to pod ")
    assert "127.0.0.1:4000: connect: connection refused" in first


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


def test_podtui_debug_beside_kubectl_debug_sees_the_targets_processes_and_ends(
        conn, namespace, admin_kubeconfig):
    """The issue's check, beside `kubectl debug -it --target node -- sh` on the same pod, in
    pseudo-terminals of one size: in both, `ps` in the debug shell shows node's process as
    PID 1 and nothing of the machine's; after `exit 4` both debug containers have the same
    spec (but kubectl's SYS_PTRACE) and end the same way (terminated, Error, exit 4), for
    the server and for podtui. podtui exits with the shell's code, kubectl with 0 whatever
    the shell did."""
    seed_copy(conn, namespace)
    size = (200, 40)  # busybox ps cuts its lines at the terminal's width: the same in both
    term = podtui_terminal("debug", "seed", "-n", namespace, "--target", "node",
                           "--image", "busybox:1.36", "--kubeconfig", admin_kubeconfig,
                           size=size)
    try:
        # The shell prints its first prompt before the terminal is attached: podtui's
        # first size makes it draw the prompt again.
        term.wait_for(lambda t: t.endswith("# "), "the debug shell's prompt", timeout=90)
        term.press(PS_LINE + b"; exit 4\r")
        assert term.wait() == 4
    finally:
        term.close()
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    peer = Terminal([KUBECTL, "--kubeconfig", admin_kubeconfig, "debug", "-it", "seed", "-n",
                     namespace, "--target", "node", "--image", "busybox:1.36", "--", "sh"],
                    env, size=size)
    try:
        # kubectl too may attach after the first prompt: enter asks the shell for another.
        peer.wait_for(lambda t: "try pressing enter." in t, "kubectl attaching", timeout=90)
        peer.press(b"\r")
        peer.wait_for(lambda t: t.endswith("# "), "kubectl's debug shell's prompt")
        peer.press(PS_LINE + b"; exit 4\r")
        assert peer.wait() == 0
    finally:
        peer.close()

    added = re.search(r"podtui debug: added ephemeral container (debugger-\w+) \(target node\)",
                      term.text())
    name = added.group(1)
    kubectl_name = re.search(r"Defaulting debug container name to (debugger-\w+)\.",
                             peer.text()).group(1)
    mine, theirs = (ps_rows(t.text(), PS_START, PS_END) for t in (term, peer))
    for processes in (mine, theirs):
        node = [command for pid, command in processes if pid == 1]
        assert node and node[0].startswith('node -e const fs = require("fs");'), processes
        assert {program(command) for _, command in processes} == {"node", "sh", "ps"}, \
            processes
        assert not [c for _, c in processes if any(word in c for word in MACHINE)], processes
    assert [c for pid, c in mine if pid == 1] == [c for pid, c in theirs if pid == 1]

    def both_ended() -> dict | None:  # the kubelet reports an end a moment after it
        pod = get_pod(conn, namespace, "seed")
        states = [debug.container_state(pod, n) for n in (name, kubectl_name)]
        return pod if all("terminated" in state for state in states) else None

    pod = wait_for(both_ended, "both debug containers' end in the pod's status")
    spec = {c["name"]: {k: v for k, v in c.items() if k != "name"}
            for c in pod["spec"]["ephemeralContainers"]}
    assert list(spec) == [name, kubectl_name]
    # The same container but for what kubectl's default debug profile (`general`) adds.
    general = {"securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}}
    assert spec[kubectl_name] == {**spec[name], **general}, spec
    assert (spec[name]["targetContainerName"], spec[name].get("command")) == ("node", ["sh"])
    statuses = {s["name"]: s["state"] for s in pod["status"]["ephemeralContainerStatuses"]}
    for ended in (statuses[name], statuses[kubectl_name]):
        assert list(ended) == ["terminated"], statuses
        assert (ended["terminated"]["exitCode"], ended["terminated"]["reason"]) == (4, "Error")
    shown = {c.name: c for c in pod_from_json(pod).containers if c.kind == "ephemeral"}
    for container in (name, kubectl_name):
        assert (shown[container].state.kind, shown[container].state.exit_code) == (
            "terminated", 4)
        assert shown[container].state.describe() == "terminated: Error (exit 4)"


def test_a_missing_shell_gets_the_next_in_a_new_debug_container(conn, namespace):
    seed_copy(conn, namespace)
    added: list[str] = []
    name, shell = debug.start_debug_container(conn, namespace, "seed", "node", "busybox:1.36",
                                              ["no-such-sh", "sh"], on_added=added.append)
    assert shell == "sh" and added[-1] == name and len(added) == 2
    pod = get_pod(conn, namespace, "seed")
    assert "running" in debug.container_state(pod, name)
    first = debug.container_state(pod, added[0])["waiting"]
    assert first["reason"] == "RunContainerError"
    assert 'exec: "no-such-sh": executable file not found in $PATH' in first["message"]
    with pytest.raises(debug.DebugContainerFailed) as failed:
        debug.start_debug_container(conn, namespace, "seed", "node", "busybox:1.36",
                                    ["no-such-sh"])
    assert "cannot start: RunContainerError: " in str(failed.value)


def test_an_unpullable_debug_image_is_said_as_soon_as_the_kubelet_reports_it(
        conn, namespace, admin_kubeconfig):
    """podtui waits on the pod's ephemeralContainerStatuses and ends when the kubelet says
    the image cannot be pulled, not at its 60 s limit."""
    seed_copy(conn, namespace)
    reported: list[tuple[float, str]] = []

    def watch_status() -> None:  # when the server first says so, beside podtui
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            statuses = (get_pod(conn, namespace, "seed").get("status") or {}).get(
                "ephemeralContainerStatuses") or []
            reasons = [((s.get("state") or {}).get("waiting") or {}).get("reason")
                       for s in statuses]
            failed = [r for r in reasons if r in ("ErrImagePull", "ImagePullBackOff")]
            if failed:
                reported.append((time.monotonic(), failed[0]))
                return
            time.sleep(0.1)  # a poll's pace, not a wait for something

    watcher = threading.Thread(target=watch_status, daemon=True)
    watcher.start()
    result = run_podtui("debug", "seed", "-n", namespace, "--target", "node",
                        "--image", "busybox:no-such-tag", "--kubeconfig", admin_kubeconfig)
    ended = time.monotonic()
    watcher.join(120)
    assert reported, "the kubelet never reported the pull's failure"
    seen, reason = reported[0]
    assert ended - seen < 5, f"podtui ended {ended - seen:.1f} s after the kubelet said {reason}"
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    no_secrets(result)
    added, line = result.stderr.splitlines()
    name = re.fullmatch(r"podtui debug: added ephemeral container (debugger-\w+) "
                        r"\(target node\), waiting", added).group(1)
    assert re.fullmatch(rf"podtui: debug container {name} cannot start: "
                        r"(ErrImagePull|ImagePullBackOff): .*busybox:no-such-tag.*not found",
                        line), line
    shown = next(c for c in pod_from_json(get_pod(conn, namespace, "seed")).containers
                 if c.name == name)
    assert shown.state.kind == "waiting"
    assert shown.state.reason in ("ErrImagePull", "ImagePullBackOff")


# --- refusals -------------------------------------------------------------------------------


def test_readonly_refuses_all_four_in_the_cluster_layer(conn, admin_kubeconfig):
    from podtui.cluster.connection import connect

    ro = connect(kubeconfig=admin_kubeconfig)
    ro.readonly = True
    try:
        attempts = {
            "exec": lambda: run(ro, "default", SEED_POD, "node", ["true"]),
            "shell": lambda: Session(ro, "default", SEED_POD, "node", ["sh"]),
            "attach": lambda: Session(ro, "default", SEED_POD, "node", [], attach=True),
            "port-forward": lambda: Forward(ro, "default", SEED_POD, 3000),
            "debug": lambda: debug.add_debug_container(ro, "default", SEED_POD, "node"),
            "debug shell": lambda: debug.start_debug_container(ro, "default", SEED_POD,
                                                               "node"),
        }
        for attempt in attempts.values():
            with pytest.raises(ReadOnlyError):
                attempt()
        assert inside_access(ro, "default") == type(inside_access(ro, "default"))(
            False, False, False)
    finally:
        ro.close()
    def debug_containers() -> list[str]:
        spec = read_pod(conn, "default", SEED_POD)["spec"]  # the client's own read
        return [c["name"] for c in spec.get("ephemeralContainers") or ()]

    with socket.socket() as probe:  # a port free now, that the refused forward would take
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = debug_containers()
    for words, refused in ((["exec", SEED_POD, "--", "true"], "exec in a container"),
                           (["shell", SEED_POD], "exec in a container"),
                           (["port-forward", SEED_POD, f"{port}:3000"], "port-forward"),
                           (["debug", SEED_POD, "--target", "node"], "debug container")):
        line = one_line_error(run_podtui(*words[:2], "--readonly", "--kubeconfig",
                                         admin_kubeconfig, *words[2:]))
        assert line == f"podtui: read-only mode: {refused} refused", words
    assert debug_containers() == before  # no debug container added
    with pytest.raises(ConnectionRefusedError):  # no listener was opened
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


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
    # (a debug container once added to the seed pod stays in it, and is offered too)
    debugging = [c.name for c in pod.spec.ephemeral_containers or []]
    where = ("--kubeconfig", admin_kubeconfig, "-n", "default")
    for command in ("exec", "shell", "port-forward", "debug"):
        assert SEED_POD in complete(*where, command, "")
    assert complete(*where, "exec", SEED_POD, "-c", "") == containers + debugging
    assert complete(*where, "debug", SEED_POD, "--target", "")[:2] == containers
