"""A foreground action in the whole app under a pseudo-terminal, as a user at a real
terminal: podtui hands the terminal over (App.suspend), the command reads what is typed,
ctrl-c is the command's and not podtui's, and the app comes back with the exit code."""

from __future__ import annotations

import json
import os
import sys

from tests.conftest import SEED_POD
from tests.terminal import Terminal

SCRIPT = """\
import os, sys, time
print("argv", *sys.argv[1:], "tty", os.isatty(0), flush=True)
line = input("type something: ")
print("typed", line, flush=True)
try:
    time.sleep(120)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(5)
"""


def test_foreground_takes_the_terminal_and_ctrl_c_is_the_commands(tmp_path, admin_kubeconfig):
    script = tmp_path / "interactive"
    script.write_text(f"#!{sys.executable}\n{SCRIPT}")
    script.chmod(0o755)
    (tmp_path / "podtui").mkdir()
    command = json.dumps([str(script), "${pod}", "${container}"])
    (tmp_path / "podtui" / "config.toml").write_text(
        f'[[actions]]\nkey = "W"\ntitle = "Talk"\nscope = "container"\ncommand = {command}\n')
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    # As a login shell does: the pseudo-terminal becomes podtui's controlling terminal, so
    # ctrl-c is a SIGINT to its foreground process group, podtui and the command alike.
    controlling = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                   "os.execv(sys.executable, [sys.executable, '-m', 'podtui', *sys.argv[1:]])")
    term = Terminal([sys.executable, "-c", controlling, "--kubeconfig", admin_kubeconfig,
                     "-n", "default"], env, size=(120, 30))
    try:
        term.wait_for(lambda t: SEED_POD in t and "Talk" in t, "the seed pod and the action")
        term.press(b"/")
        term.wait_for(lambda t: "filter: name, status" in t, "the filter prompt")
        term.press(SEED_POD.encode() + b"\r")
        term.wait_for(lambda t: f"filter {SEED_POD}" in t, "the filter in the status bar")
        term.press(b"W")
        term.wait_for(lambda t: "Talk: which container" in t, "the container picker")
        term.press(b"\r")  # node, the default
        term.wait_for(lambda t: "type something: " in t, "the command's prompt")
        assert f"argv {SEED_POD} node tty True" in term.text()
        term.press(b"hello\r")
        term.wait_for(lambda t: "typed hello" in t, "the command reading the terminal")
        term.press(b"\x03")
        term.wait_for(lambda t: "interrupted" in t, "ctrl-c reaching the command")
        term.wait_for(lambda t: f"Talk (default/{SEED_POD} node): exit 5" in t,
                      "podtui back, with the exit code")
        term.press(b"q")
        assert term.wait() == 0
    finally:
        term.close()
