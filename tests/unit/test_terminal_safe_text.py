"""Cluster data is anyone's text: what a container or a status writer put there must not
reach the user's terminal as escape sequences (OSC 52 sets the local clipboard, even over
SSH; others set the title or clear the screen)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from podtui.anatomy import describe, pod_from_json, summarize
from podtui.ui.screens.pod_detail import PodView
from podtui.ui.widgets.log_view.text import display_text
from tests.themes import THEMES, theme_variables
from tests.unit.test_pod_view_themes import NOW

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pods"
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
CSI = "\x1b[2J\x9b31m"


def hostile_pod() -> dict:
    pod = json.loads((FIXTURES / "job-oomkilled.json").read_text())
    status = pod["status"]
    status["reason"] = f"Evil{CSI}"
    status["message"] = f"evicted {OSC52}"
    for c in status.get("containerStatuses") or []:
        c.setdefault("state", {})["terminated"] = {
            "exitCode": 1, "reason": f"Error{OSC52}", "message": f"line 1\nline 2{OSC52}"}
    return pod


def test_no_escape_reaches_the_screen_from_the_row_the_detail_or_describe():
    pod = hostile_pod()
    summary = summarize(pod)
    detail = pod_from_json(pod)
    console = Console(width=160, file=io.StringIO(), color_system=None, record=True)
    view = PodView(detail, theme_variables(THEMES[0]), NOW)
    for renderable in (view.header(), view.overview([]), view.containers(), view.lifecycle([])):
        console.print(renderable)
    shown = console.export_text() + describe(detail, NOW, []) + summary.status
    assert summary.status.startswith("Error") and "line 2" in shown  # the text itself stays
    for code in ("\x1b", "\x07", "\x9b"):
        assert code not in shown


def test_command_output_is_shown_without_its_escape_sequences():
    shown = display_text(f"total 4\n-rw-r--r-- app.log{OSC52}\n{CSI}done")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown.splitlines()[0] == "total 4" and "app.log" in shown
