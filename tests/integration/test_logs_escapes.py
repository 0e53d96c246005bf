"""`podtui logs` and a container that prints escape sequences, on the sandbox's real node:
busybox's printf writes them to its stdout, containerd keeps them in the CRI log and the
API server serves them as they are (kubectl logs prints them raw, as a terminal would obey
them). On a terminal podtui shows them; piped, or with --raw, it passes them through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import KUBECTL, wait_for
from tests.integration.test_cli_errors import run
from tests.terminal import Terminal

ROOT = Path(__file__).resolve().parents[2]
POD = "escapes"
# The clipboard (OSC 52, "pwned" in base64), the window title (OSC 0), a cleared screen.
PRINTF = r"before \033]52;c;cHduZWQ=\007 title \033]0;pwned\007 clear \033[2J after\n"
RAW = "before \x1b]52;c;cHduZWQ=\x07 title \x1b]0;pwned\x07 clear \x1b[2J after"
SHOWN = r"before \x1b]52;c;cHduZWQ=\a title \x1b]0;pwned\a clear \x1b[2J after"


def escaping_pod(conn, namespace: str) -> None:
    conn.core.create_namespaced_pod(namespace, {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": POD},
        "spec": {"containers": [{"name": "main", "image": "busybox:1.36",
                                 "command": ["sh", "-c", f"printf '{PRINTF}'; exec sleep 3600"]}],
                 "terminationGracePeriodSeconds": 0}})


def kubectl_logs(admin_kubeconfig: str, namespace: str) -> str:
    return subprocess.run([KUBECTL, "--kubeconfig", admin_kubeconfig, "-n", namespace, "logs",
                           POD, "-c", "main"], capture_output=True, text=True,
                          timeout=30).stdout


def under_a_terminal(admin_kubeconfig: str, namespace: str, *extra: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "NO_COLOR")}
    term = Terminal([sys.executable, "-m", "podtui", "logs", POD, "--kubeconfig",
                     admin_kubeconfig, "-n", namespace, *extra], env, cwd=str(ROOT))
    try:
        assert term.wait() == 0, term.raw
    finally:
        term.close()
    return term.raw


def test_a_terminal_sees_the_escapes_and_a_pipe_gets_them(conn, namespace, admin_kubeconfig):
    escaping_pod(conn, namespace)
    # The line really went through the node: kubectl serves the container's own bytes.
    wait_for(lambda: kubectl_logs(admin_kubeconfig, namespace) == RAW + "\n",
             "the container's line in kubectl logs", timeout=120)

    shown = under_a_terminal(admin_kubeconfig, namespace)
    assert b"\x1b" not in shown and b"\x07" not in shown, shown
    assert shown.decode() == f"[main] {SHOWN}\r\n"  # the pty's line discipline adds the \r

    piped = run("logs", POD, "--kubeconfig", admin_kubeconfig, "-n", namespace)
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, f"[main] {RAW}\n", "")

    raw = under_a_terminal(admin_kubeconfig, namespace, "--raw")
    assert raw.decode() == f"[main] {RAW}\r\n"
