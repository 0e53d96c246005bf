"""The whole app in a pseudo-terminal, as a user at a real terminal: `s` hands the terminal
to a remote shell in the container (App.suspend) and the app comes back when it exits; a
port-forward made in the app reaches the Node.js app and ends with one line when podtui
quits."""

from __future__ import annotations

import re
import urllib.request

from tests.conftest import SEED_POD
from tests.integration.test_inside import (
    HELLO,
    MACHINE,
    PS_END,
    PS_LINE,
    PS_START,
    podtui_terminal,
    program,
    ps_rows,
)
from tests.terminal import Terminal


def on_seed(admin_kubeconfig: str) -> Terminal:
    term = podtui_terminal("--kubeconfig", admin_kubeconfig, "-n", "default", size=(120, 30))
    term.wait_for(lambda t: SEED_POD in t, "the seed pod's row")
    term.press(b"/")
    term.wait_for(lambda t: "filter: name, status" in t, "the filter prompt")
    term.press(SEED_POD.encode() + b"\r")  # filtered to the seed pod: the selected row
    term.wait_for(lambda t: f"filter {SEED_POD}" in t, "the filter in the status bar")
    return term


def test_shell_takes_the_terminal_and_gives_it_back(admin_kubeconfig):
    """... and the issue's check: busybox's shell sees the container's processes (PID 1
    its `tail -F /logs/app.log`), none of the machine's."""
    term = on_seed(admin_kubeconfig)
    try:
        term.press(b"s")
        term.wait_for(lambda t: "Shell in which container" in t, "the container picker")
        term.press(b"\x1b[B\r")  # node, the default, is preselected: busybox is next
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.press(b"echo in-$HOSTNAME-$((3 * 4)); " + PS_LINE + b"; exit\r")
        term.wait_for(lambda t: "shell sh in busybox ended (exit 0)" in t,
                      "the app's status line again")
        assert f"in-{SEED_POD}-12" in term.text()
        term.press(b"q")
        assert term.wait() == 0
    finally:
        term.close()
    processes = ps_rows(term.text(), PS_START, PS_END)
    assert (1, "tail -F /logs/app.log") in processes, processes
    assert {program(command) for _, command in processes} == {"tail", "sh", "ps"}, processes
    assert not [c for _, c in processes if any(word in c for word in MACHINE)], processes


def test_forwards_end_with_one_line_when_podtui_quits(admin_kubeconfig):
    term = on_seed(admin_kubeconfig)
    try:
        term.press(b"F")
        term.wait_for(lambda t: "Forward which port" in t, "the port picker")
        term.press(b"\r")  # 3000/TCP http (node)
        pattern = re.compile(rf"forwarding 127\.0\.0\.1:(\d+) -> {SEED_POD}:3000")
        term.wait_for(lambda t: pattern.search(t), "the forward's line")
        local = int(pattern.search(term.text()).group(1))
        assert urllib.request.urlopen(f"http://127.0.0.1:{local}/", timeout=20).read() == HELLO
        term.press(b"q")
        assert term.wait() == 0
        assert (f"podtui: stopped 1 port-forward(s): 127.0.0.1:{local} -> {SEED_POD}:3000"
                in term.text())
    finally:
        term.close()


def test_the_config_files_shells_reach_podtui_shell_and_s(admin_kubeconfig, tmp_path,
                                                          monkeypatch):
    """[exec] shell from the config file: `podtui shell` and `s` in the app both try its
    shells in order (no-such-sh, then ash) and run ash."""
    (tmp_path / "podtui").mkdir()
    (tmp_path / "podtui" / "config.toml").write_text('[exec]\nshell = "no-such-sh,ash"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    term = podtui_terminal("shell", SEED_POD, "-c", "busybox", "--kubeconfig", admin_kubeconfig)
    try:
        term.wait_for(lambda t: t.endswith("# "), "the shell's prompt")
        term.press(b"echo shell=$0; exit\r")
        assert term.wait() == 0
    finally:
        term.close()
    assert "shell=ash" in term.text().splitlines()
    term = on_seed(admin_kubeconfig)
    try:
        term.press(b"s")
        term.wait_for(lambda t: "Shell in which container" in t, "the container picker")
        term.press(b"\x1b[B\r")  # busybox
        term.wait_for(lambda t: t.endswith("# "), "the remote shell's prompt")
        term.press(b"exit\r")
        term.wait_for(lambda t: "shell ash in busybox ended (exit 0)" in t,
                      "the app's line naming the shell")
        term.press(b"q")
        assert term.wait() == 0
    finally:
        term.close()
