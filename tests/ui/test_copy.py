"""`c` copies to the local clipboard with OSC 52 (Pilot tests on the real app against the
sandbox): the bytes the app writes to the terminal, and what the status line says."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shlex
import subprocess

import yaml

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.logs import LogsScreen
from podtui.ui.screens.pod_detail import PodDetailScreen
from podtui.ui.screens.pod_list import MessageLine
from podtui.ui.screens.pod_yaml import PodYamlScreen
from tests.conftest import KUBECTL, SEED_POD
from tests.ui.helpers import open_pod, plain, until


def capture_writes(app: PodTuiApp) -> list[str]:
    """What the app writes to the terminal from now on (the headless driver drops it)."""
    writes: list[str] = []
    driver = app._driver
    original = driver.write
    driver.write = lambda data: (writes.append(data), original(data))[-1]
    return writes


OSC_52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
TMUX = re.compile(r"\x1bPtmux;((?:[^\x1b]|\x1b\x1b)*)\x1b\\")


def clipboard_of(written: str) -> list[str]:
    """What each OSC 52 sequence in `written` asks the terminal to copy, decoded here."""
    return [base64.b64decode(payload, validate=True).decode("utf-8")
            for payload in OSC_52.findall(written)]


def notices(app: PodTuiApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_c_on_the_pod_list_copies_the_selected_pod_name(admin_kubeconfig, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        writes = capture_writes(app)
        await open_pod(pilot, app, SEED_POD, key="c")
        written = "".join(writes)
        assert OSC_52.fullmatch(written), repr(written)  # nothing else, one sequence
        assert clipboard_of(written) == [SEED_POD]
        assert app.clipboard == SEED_POD
        line = app.pod_list.query_one(MessageLine)
        assert line.display and plain(line) == f"copied pod name {SEED_POD}"


async def test_inside_tmux_the_sequence_also_goes_through_passthrough(admin_kubeconfig,
                                                                      monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        writes = capture_writes(app)
        await open_pod(pilot, app, SEED_POD, key="c")
        written = "".join(writes)
        direct = OSC_52.match(written)
        assert direct, repr(written)
        wrapped = TMUX.fullmatch(written, direct.end())
        assert wrapped, repr(written)  # ESCs doubled inside tmux's passthrough
        inner = wrapped.group(1).replace("\x1b\x1b", "\x1b")
        assert clipboard_of(direct.group(0)) == clipboard_of(inner) == [SEED_POD]


async def test_c_copies_the_yaml_and_the_last_kubectl_command_which_kubectl_runs(
        admin_kubeconfig, monkeypatch, tmp_path):
    """... and s saves the YAML into $PODTUI_SAVE_DIR; c with lines selected copies those."""
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("PODTUI_SAVE_DIR", str(tmp_path))
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="y")
        screen = await until(pilot, lambda: isinstance(app.screen, PodYamlScreen) and app.screen,
                             "the YAML screen")
        writes = capture_writes(app)
        await pilot.press("c")
        (copied,) = clipboard_of("".join(writes))
        served = await asyncio.to_thread(served_pod, admin_kubeconfig)
        assert screen.pod["metadata"]["resourceVersion"] == served["metadata"]["resourceVersion"]
        served["metadata"].pop("managedFields", None)  # left out of the YAML view
        assert yaml.safe_load(copied) == served
        assert f"copied {SEED_POD}.yaml" in notices(app)
        saved = tmp_path / f"{SEED_POD}.yaml"
        await pilot.press("s")
        await until(pilot, lambda: saved.exists(), "the saved file")
        assert yaml.safe_load(saved.read_text()) == served
        assert f"saved {saved}" in notices(app)
        screen.query_one("#yaml").focus()
        await pilot.press("shift+down", "shift+down", "shift+down")  # three lines
        writes.clear()
        await pilot.press("c")
        (selection,) = clipboard_of("".join(writes))
        assert selection == "".join(copied.splitlines(keepends=True)[:3])
        await pilot.press("escape")

        await open_pod(pilot, app, SEED_POD, key="enter")
        await until(pilot, lambda: isinstance(app.screen, PodDetailScreen), "the detail screen")
        await pilot.press("c")
        command = app.clipboard
        assert command.startswith("kubectl ") and " describe pod " in command
        assert f"copied the last action's command: {command}" in notices(app)
        # The peer runs what was copied, as a user would paste it.
        words = shlex.split(command)
        result = await asyncio.to_thread(
            subprocess.run, [KUBECTL, *words[1:]], capture_output=True, text=True,
            env={**os.environ, "KUBECONFIG": admin_kubeconfig}, timeout=60)
        assert result.returncode == 0, result.stderr
        assert f"Name:             {SEED_POD}" in result.stdout


def served_pod(kubeconfig: str) -> dict:
    done = subprocess.run([KUBECTL, "--kubeconfig", kubeconfig, "get", "pod", SEED_POD, "-n",
                           "default", "-o", "json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def test_c_on_the_logs_copies_the_current_match_else_the_lines_on_screen(conn,
                                                                              admin_kubeconfig):
    from tests.ui.test_logs_screen import open_seed_logs

    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        screen: LogsScreen = await open_seed_logs(pilot, conn)
        # busybox carries the app's lines (node prints nothing): focus its pane.
        busybox = screen.pane("busybox").view
        await pilot.press("tab")
        await until(pilot, lambda: busybox.line_count >= 3, "a few busybox lines")
        busybox.set_follow(False)  # the lines on screen stay put
        await pilot.pause()
        await pilot.press("c")
        shown = [row.rstrip() for row in
                 (busybox.render_line(y).text
                  for y in range(busybox.scrollable_content_region.height))
                 if row.strip()]
        copied = app.clipboard.split("\n")
        assert copied == shown
        assert f"copied {len(shown)} lines of busybox" in notices(app)

        term = busybox.texts[-1].split()[-1]  # e.g. heartbeat, or a request's source
        screen.search(term)
        match = busybox.current_match
        assert match is not None and term in match.text
        await pilot.press("c")
        assert app.clipboard == match.text
        assert "copied the current match in busybox" in notices(app)
