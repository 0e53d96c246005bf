"""Crash containment in the real app against the sandbox: a section of the detail screen that
fails is one line there, and a crash inside a cluster call made with the token kubeconfig
leaks the token neither to the terminal nor to the crash report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import urllib3.connectionpool
from rich.console import Console
from rich.traceback import Traceback
from textual.widgets import Static, TextArea

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.pod_detail import PodDetailScreen, PodView
from podtui.ui.screens.pod_yaml import PodYamlScreen
from tests.conftest import LIMITED_KUBECONFIG, SEED_POD
from tests.kubeconfigs import limited_token
from tests.ui.helpers import open_pod, until, widget_text


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def section(app: PodTuiApp, name: str) -> str:
    return widget_text(app.screen.query_one(f"#section-{name}", Static))


async def test_a_section_that_fails_is_one_line_and_the_rest_goes_on(
        conn, admin_kubeconfig, monkeypatch, state_home):
    def broken(self):
        raise RuntimeError(f"network view broke\nfor {self.pod.name}")

    monkeypatch.setattr(PodView, "network", broken)
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD)
        assert isinstance(app.screen, PodDetailScreen)
        await pilot.press("3")  # the network tab
        await pilot.pause()
        lines = [line for line in section(app, "network").splitlines() if line.strip()]
        assert lines == ["cannot show the network section: RuntimeError: network view broke"]
        # The overview shows the network too: one line there, its other parts drawn.
        overview = section(app, "overview")
        assert "cannot show the network: RuntimeError: network view broke" in overview
        assert "busybox:1.36" in overview and "SHARED" in overview
        # Everything else is drawn, and the app goes on.
        assert "busybox:1.36" in section(app, "containers")
        assert "logs" in section(app, "volumes")
        assert "If one container dies" in section(app, "lifecycle")
        assert SEED_POD in widget_text(app.screen.query_one("#detail-header", Static))
        await pilot.press("y")
        assert isinstance(app.screen, PodYamlScreen)
        assert f"name: {SEED_POD}" in app.screen.query_one(TextArea).text
    assert app.return_code in (0, None) and not app.crash_line
    assert not state_home.exists()  # no crash, so no report


async def test_a_crash_in_a_cluster_call_with_a_token_leaks_it_nowhere(
        sandbox_dir, monkeypatch, capfd, state_home):
    token = limited_token()
    unsent = urllib3.connectionpool.HTTPConnectionPool.urlopen
    caught: list[BaseException] = []

    def urlopen(self, method, url, *args, **kwargs):
        if "crash-probe" in url:  # a transport bug that echoes what it was sending
            raise RuntimeError(f"cannot send {method} {url} with {kwargs.get('headers')}")
        return unsent(self, method, url, *args, **kwargs)

    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", urlopen)
    app = PodTuiApp(connect(str(LIMITED_KUBECONFIG)))

    def probe() -> None:  # a cluster call from a worker thread, as the app's workers make
        try:
            app.conn.request("GET", f"/api/v1/namespaces/{app.namespace}/pods/crash-probe")
        except RuntimeError as exc:
            caught.append(exc)
            raise

    with pytest.raises(Exception, match="cannot send GET"):  # run_test re-raises it
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.pod_list.feed is not None, "the pod list")
            app.run_worker(probe, thread=True)
            await until(pilot, lambda: app.crash_line, "the crash")
    out, err = capfd.readouterr()

    # (The asserts below name what leaked, never print it: a failure must not leak either.)
    # The test means something: the token was in the error and in the frames' variables,
    # which Textual's own crash screen would have printed.
    error = caught[0]
    in_error = token in str(error)
    assert in_error
    shown = Console(width=200, record=True, file=io.StringIO())
    shown.print(Traceback.from_exception(type(error), error, error.__traceback__,
                                         show_locals=True, locals_max_length=5))
    in_locals = token in shown.export_text()
    assert in_locals

    assert app.return_code == 1
    printed = bool((out + err).strip())
    assert not printed  # nothing of Textual's: cli.main prints only the line
    line = app.crash_line
    assert "\n" not in line and "cannot send GET" in line
    report = Path(line.rsplit("; crash report: ", 1)[1])
    assert report.parent == state_home / "podtui"
    text = report.read_text()
    assert "urlopen" in text and "[redacted]" in text  # the traceback, redacted
    in_line, in_report = token in line, token in text
    assert not in_line and not in_report
