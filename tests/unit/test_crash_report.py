"""Crash containment without a cluster: a part of a screen that fails shows one line, and an
unexpected exception ends the app with one line naming a redacted report without locals."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import App

from podtui.app import PodTuiApp
from podtui.crash import report_text, state_dir, write_report
from podtui.ui.user_actions import UserActions
from podtui.ui.widgets.contained import Contained
from tests.ui.helpers import until

TOKEN = "bf81f8aa0c6f2e99d0b41c7e8a5d3f39c2d47a2cf9e1b5aa"  # a static token: bare hex
LOCAL_ONLY = "value-held-only-by-a-local-variable"


def fail_with_secrets() -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    secret_local = LOCAL_ONLY + TOKEN  # noqa: F841 - a local a traceback must not show
    raise RuntimeError(f"transport broke while sending {headers}")


def caught() -> RuntimeError:
    try:
        try:
            fail_with_secrets()
        except RuntimeError as exc:
            raise ValueError(f"wrapped, token={TOKEN}") from exc
    except ValueError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def test_the_report_is_the_traceback_redacted_without_local_variables(state_home):
    path = write_report(caught())
    assert path.parent == state_home / "podtui" and path.name.startswith("crash-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    # The whole chain, with the functions and lines where it happened...
    assert "RuntimeError: transport broke" in text and "ValueError: wrapped" in text
    assert "in fail_with_secrets" in text and "The above exception was the direct cause" in text
    # ... but no local variable and no secret.
    assert LOCAL_ONLY not in text
    assert TOKEN not in text and "[redacted]" in text


def test_a_known_secret_is_redacted_whatever_its_shape():
    exc = KeyError(TOKEN)  # no "Bearer", no "token:" before it
    assert TOKEN in report_text(exc)
    assert TOKEN not in report_text(exc, secrets=[TOKEN])


def test_reports_never_overwrite_each_other(state_home):
    first, second = write_report(caught()), write_report(caught())
    assert first != second and first.is_file() and second.is_file()


def test_the_state_dir_defaults_to_local_state(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert state_dir() == tmp_path / ".local" / "state" / "podtui"


# --------------------------------------------------------------------------- Contained


def render(renderable, width: int = 60) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(Text("before"), renderable, Text("after"))
    return console.export_text()


def test_a_part_that_fails_to_build_is_one_line_in_its_place():
    def build():
        raise KeyError(f"token: {TOKEN}")

    part = Contained("network section", build)
    out = render(part, width=100)
    assert out.splitlines() == [
        "before", "cannot show the network section: KeyError: 'token: [redacted]'", "after"]
    assert isinstance(part.error, KeyError)


def test_a_part_that_fails_halfway_through_drawing_leaves_nothing_half_drawn():
    class Broken:
        def __rich_console__(self, console, options):
            yield Text("first half")
            raise ValueError("bad width\nsecond line")

    table = Table("A")
    table.add_row(Broken())
    out = render(Contained("volumes section", lambda: table))
    assert "first half" not in out
    assert out.splitlines()[1] == "cannot show the volumes section: ValueError: bad width"


def test_a_part_that_works_draws_as_itself():
    table = Table("NAME", "IMAGE")
    table.add_row("node", "node:20-alpine")
    assert render(Contained("containers section", lambda: table)) == render(table)


# --------------------------------------------------------------------------- the app


class Host(PodTuiApp):
    """PodTuiApp's crash handling without its cluster (a key that raises)."""

    def __init__(self) -> None:
        App.__init__(self)
        self.user_actions = UserActions(self)  # what PodTuiApp.on_unmount stops

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()

    def key_x(self) -> None:
        fail_with_secrets()


async def test_an_unexpected_exception_ends_the_app_with_one_line_naming_the_report(
        capfd, state_home):
    app = Host()
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(60, 10)) as pilot:
            await pilot.press("x")
            await pilot.pause()
    assert app.return_code == 1
    out, err = capfd.readouterr()
    assert not (out + err).strip()  # not Textual's full-screen traceback (cli.main prints...)
    line = app.crash_line  # ... this line, once the terminal is restored
    assert "\n" not in line
    assert line.startswith("podtui stopped on an unexpected error: RuntimeError: ")
    report = Path(line.rsplit("; crash report: ", 1)[1])
    assert report.parent == state_home / "podtui"
    assert "in key_x" in report.read_text()
    assert TOKEN not in line + report.read_text()
    assert LOCAL_ONLY not in line + report.read_text()


class ThreadHost(Host):
    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()
        self.watch_threads()


async def test_an_exception_no_thread_catches_ends_the_app_the_same_way(capfd, state_home):
    import threading

    hook = threading.excepthook
    app = ThreadHost()
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(60, 10)) as pilot:
            threading.Thread(target=fail_with_secrets, name="watcher").start()
            await until(pilot, lambda: app.crash_line, "the crash")
    out, err = capfd.readouterr()
    assert not (out + err).strip()
    assert app.return_code == 1 and "RuntimeError: transport broke" in app.crash_line
    report = Path(app.crash_line.rsplit("; crash report: ", 1)[1]).read_text()
    assert "in fail_with_secrets" in report and TOKEN not in report
    assert threading.excepthook is hook  # put back when the app ended
