"""Every screen, every zoo pod: the real app against the sandbox's pod-state zoo opens, for
each pod, every detail tab, the YAML, the logs (current, previous, time-aligned) and the
delete dialog (then cancels it), at 80x24 and 160x50, under the built-in themes, and with
NO_COLOR=1. Nothing may raise: no crashed app, no failed worker, no screen that did not open.

One app per run (the zoo in halves, so that pytest-xdist can share the walk out); each
pod's detail screen switches to the pod's two themes, and every screen is opened under each.
The themes go round the pods in turn, so that at each size every theme opens every screen
(29 pods x 2 > 25 themes): a theme changes colours, not which code draws a screen, and
walking every pod under every theme took a third of the suite's time for no other path.
"""

from __future__ import annotations

import pytest
from rich.console import Group
from textual.widgets import Static
from textual.worker import WorkerState
from textual.worker_manager import WorkerManager

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.settings.theme_files import BUILTIN_DIR
from podtui.ui.dialogs.confirm_delete import ConfirmDeleteScreen
from podtui.ui.screens.logs import LogsScreen
from podtui.ui.screens.pod_detail import SECTIONS, PodDetailScreen
from podtui.ui.screens.pod_list import PodListScreen
from podtui.ui.screens.pod_yaml import PodYamlScreen
from podtui.ui.themes import load_themes
from podtui.ui.widgets.contained import Contained
from sandbox import zoo as zoo_data
from tests.ui.helpers import open_pod, row, table, until

THEMES = [t.name for t in load_themes(BUILTIN_DIR)[0]]
SIZES = {"80x24": (80, 24), "160x50": (160, 50)}
#: What one walk opens per pod: 6 tabs, YAML, logs x 3 (current, previous, time-aligned),
#: the delete dialog.
SCREENS = [*(f"detail tab {name}" for name in SECTIONS), "yaml", "logs", "logs previous",
           "logs time-aligned", "delete dialog"]


def contained_parts(screen) -> list[Contained]:
    """The contained parts of a screen's Static widgets, nested ones too."""
    found: list[Contained] = []

    def visit(renderable) -> None:
        if isinstance(renderable, Contained):
            found.append(renderable)
            visit(renderable._built)  # noqa: SLF001 - what it drew, if drawn
        elif isinstance(renderable, Group):
            for part in renderable.renderables:
                visit(part)

    for widget in screen.query(Static):
        visit(widget.content)
    return found


class Walk:
    """Drives one app through the zoo; `where` names the step, for the failure message."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.app: PodTuiApp = pilot.app
        self.where = "start"
        self.seen: list[tuple[str, str, str]] = []
        #: Real key presses (the first pod); then each key's bound action, run at once:
        #: Pilot's press waits for an idle CPU each time, which would make the walk slow.
        self.real_keys = True

    async def key(self, key: str) -> None:
        if self.real_keys:
            await self.pilot.press(key)
            return
        screen = self.app.screen
        active = screen.active_bindings.get(key)
        assert active is not None and active.enabled, f"{self.where}: no binding for {key}"
        await self.app.run_action(active.binding.action, active.node)
        await self.pilot.pause(0)

    async def look(self, step: str, theme: str) -> None:
        """Draw the screen now (wait for its messages, refresh it; no idle wait) and note it.
        A part that failed and shows one line in its place (ui/contained.py) fails too."""
        self.where = f"{step}, theme {theme}"
        await self.pilot.pause(0)
        if self.app._exception is not None:  # noqa: SLF001 - Textual keeps it here
            raise self.app._exception  # noqa: SLF001
        failed = [f"{c.what}: {c.error!r}" for c in contained_parts(self.app.screen)
                  if c.error is not None]
        assert not failed, f"{self.where}: {failed}"
        self.seen.append((step, theme, type(self.app.screen).__name__))

    async def expect(self, kind: type, step: str):
        self.where = step
        return await until(self.pilot, lambda: isinstance(self.app.screen, kind) and
                           self.app.screen, f"{step}: the {kind.__name__}", timeout=10)

    async def logs_resolved(self, screen: LogsScreen, step: str) -> None:
        """Every pane has said what its stream does (lines, ended, an error line...)."""
        self.where = step
        await until(self.pilot, lambda: all(
            v.state and not v.state.startswith("connecting") for v in screen.pane_views),
            f"{step}: every log pane's state", timeout=15)

    async def pod(self, name: str, themes: list[str]) -> None:
        """Open the pod's detail, then every screen under each of `themes`: the theme is
        switched on the detail screen (a change redraws it), starting with the one in use."""
        pilot, app = self.pilot, self.app
        self.where = f"{name}: detail"
        if self.real_keys:
            await open_pod(pilot, app, name)
        else:
            table(app).select_uid((await until(pilot, lambda: row(app, name), name)).uid)
            await self.key("enter")
        await self.expect(PodDetailScreen, f"{name}: detail")
        current = app.theme
        for theme in sorted(themes, key=lambda t: t != current):
            if theme != app.theme:
                self.where = f"{name}: detail, theme {theme}"
                app.theme = theme
            await self.screens(name, theme)
        await self.key("escape")
        await self.expect(PodListScreen, f"{name}: back to the list")
        self.where = f"{name}: still there"
        assert row(app, name) is not None, f"{name} left the list after a cancelled delete"
        self.real_keys = False

    async def screens(self, name: str, theme: str) -> None:
        pilot = self.pilot
        for i, section in enumerate(SECTIONS, 1):
            await self.key(str(i))
            await self.look(f"{name}: detail tab {section}", theme)

        await self.key("y")
        await self.expect(PodYamlScreen, f"{name}: yaml")
        await self.look(f"{name}: yaml", theme)
        await self.key("escape")
        await self.expect(PodDetailScreen, f"{name}: back from yaml")

        await self.key("l")
        logs = await self.expect(LogsScreen, f"{name}: logs")
        await self.logs_resolved(logs, f"{name}: logs")
        await self.look(f"{name}: logs", theme)
        pane = logs.current_view()
        before = pane.state
        await self.key("p")
        self.where = f"{name}: logs previous"
        await until(pilot, lambda: pane.state != before, f"{self.where}: the pane's new state",
                    timeout=15)
        await self.logs_resolved(logs, f"{name}: logs previous")
        await self.look(f"{name}: logs previous", theme)
        await self.key("a")
        self.where = f"{name}: logs time-aligned"
        await until(pilot, lambda: logs._aligned is not None, self.where)  # noqa: SLF001
        await self.look(f"{name}: logs time-aligned", theme)
        await self.key("escape")  # leaves the time-aligned view
        await self.key("escape")
        await self.expect(PodDetailScreen, f"{name}: back from logs")

        await self.key("ctrl+d")
        await self.expect(ConfirmDeleteScreen, f"{name}: delete dialog")
        await self.look(f"{name}: delete dialog", theme)
        await self.key("escape")
        await self.expect(PodDetailScreen, f"{name}: delete cancelled")


@pytest.fixture
def worker_errors(monkeypatch) -> list[str]:
    """Workers that ended in an error (those not set to exit the app on error too)."""
    errors: list[str] = []
    remove = WorkerManager._remove_worker  # noqa: SLF001

    def spy(self, worker):
        if worker.state == WorkerState.ERROR:
            errors.append(f"worker {worker.name or worker.group}: {worker.error!r}")
        remove(self, worker)

    monkeypatch.setattr(WorkerManager, "_remove_worker", spy)
    return errors


#: The zoo in halves, one app each, so that `pytest -n 2` (pytest-xdist) can share the walk out.
PARTS = 2
RUNS = [(size, no_color, part) for no_color in (False, True) for size in SIZES
        for part in range(PARTS)]
THEMES_PER_POD = 2


def themes_of(index: int) -> list[str]:
    """The themes the zoo's pod number `index` is walked under (in colour)."""
    return [THEMES[(THEMES_PER_POD * index + k) % len(THEMES)] for k in range(THEMES_PER_POD)]


def test_the_walk_opens_every_screen_under_every_theme_at_each_size():
    assert {t for i in range(len(zoo_data.names())) for t in themes_of(i)} == set(THEMES)


@pytest.mark.parametrize(("size", "no_color", "part"), RUNS,
                         ids=[f"{s}{'-NO_COLOR' if n else ''}-part{p + 1}" for s, n, p in RUNS])
async def test_every_screen_of_every_zoo_pod_opens_without_an_error(
        admin_kubeconfig, zoo, worker_errors, monkeypatch, size, no_color, part):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # read when the app starts
    pods = list(enumerate(zoo_data.names()))[part::PARTS]
    app = PodTuiApp(connect(admin_kubeconfig, namespace=zoo))
    app.animation_level = "none"  # no tab-underline animations to wait for
    async with app.run_test(size=SIZES[size]) as pilot:
        walk = Walk(pilot)
        try:
            for index, name in pods:
                await walk.pod(name, THEMES[:1] if no_color else themes_of(index))
        except Exception as exc:
            raise AssertionError(f"{size}{' NO_COLOR' if no_color else ''}, "
                                 f"{walk.where}: {exc!r}") from exc
        assert app.no_color is no_color
    assert not worker_errors
    assert len(walk.seen) == len(pods) * len(SCREENS) * (1 if no_color else THEMES_PER_POD)


async def test_a_new_theme_redraws_the_open_detail_screen(admin_kubeconfig, zoo):
    """The detail sections hold styles resolved from the theme: switching themes there
    (T) must redraw them in the new theme's colours."""
    app = PodTuiApp(connect(admin_kubeconfig, namespace=zoo))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pod(pilot, app, "completed")
        await until(pilot, lambda: isinstance(app.screen, PodDetailScreen), "the detail")

        def header_colours() -> set:
            header = app.screen.query_one("#detail-header", Static).content
            text = header._renderable() if isinstance(header, Contained) else header  # noqa: SLF001
            return {span.style.color for span in text.spans if span.style.color}

        app.theme = "podtui-dark"
        await pilot.pause()
        dark = header_colours()
        app.theme = "podtui-light"
        await pilot.pause()
        assert header_colours() and header_colours() != dark
