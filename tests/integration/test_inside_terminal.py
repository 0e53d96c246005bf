"""The whole app in a pseudo-terminal, as a user at a real terminal: `s` hands the terminal
to a remote shell (App.suspend) and the app comes back when it exits; a port-forward made
in the app ends with one line when podtui quits."""

from __future__ import annotations

import os
import re
import time

from tests.conftest import SEED_POD
from tests.integration.test_inside import _finish, _read_until, _spawn_in_pty

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def visible(data: bytes) -> str:
    return ANSI.sub(b"", data).decode("utf-8", "replace")


def _start_on_seed(admin_kubeconfig: str):
    pid, fd = _spawn_in_pty(["--kubeconfig", admin_kubeconfig, "-n", "default"],
                            rows=30, columns=120)
    screen = _read_until(fd, SEED_POD.encode(), 30)
    assert SEED_POD.encode() in screen, visible(screen)
    os.write(fd, b"/")
    time.sleep(0.3)
    os.write(fd, SEED_POD.encode() + b"\r")  # filter to the seed pod: it is the selected row
    time.sleep(0.5)
    _read_until(fd, b"\x00", 0.5)
    return pid, fd


def test_shell_takes_the_terminal_and_gives_it_back(admin_kubeconfig):
    pid, fd = _start_on_seed(admin_kubeconfig)
    os.write(fd, b"s")
    time.sleep(0.5)
    os.write(fd, b"\r")  # the picker: node, the default, is preselected
    prompt = _read_until(fd, b"# ", 30)
    assert prompt.endswith(b"# "), visible(prompt)
    os.write(fd, b"echo in-$HOSTNAME-$((3 * 4)); exit\r")
    back = _read_until(fd, b"ended (exit 0)", 30)
    assert f"in-{SEED_POD}-12".encode() in back
    assert "shell sh in node ended (exit 0)" in visible(back)  # the app's status line again
    os.write(fd, b"q")
    assert _finish(pid, fd) == 0


def test_forwards_end_with_one_line_when_podtui_quits(admin_kubeconfig):
    import urllib.request

    pid, fd = _start_on_seed(admin_kubeconfig)
    os.write(fd, b"F")
    time.sleep(0.5)
    os.write(fd, b"\r")  # 3000/TCP http (node)
    shown = visible(_read_until(fd, b"-> " + SEED_POD.encode() + b":3000", 30))
    local = int(re.search(r"forwarding 127\.0\.0\.1:(\d+) ->", shown).group(1))
    assert urllib.request.urlopen(f"http://127.0.0.1:{local}/", timeout=20).read() == b"ok"
    os.write(fd, b"q")
    tail = visible(_read_until(fd, b"port-forward(s)", 30))
    assert (f"podtui: stopped 1 port-forward(s): 127.0.0.1:{local} -> {SEED_POD}:3000"
            in tail), tail
    assert _finish(pid, fd) == 0
