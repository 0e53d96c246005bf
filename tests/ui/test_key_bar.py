"""The key bar at the bottom of the screens, in the real app against the sandbox: the
user's remapped keys written as `?` writes them, updated when the keys change, cut
whole at a narrow width, a click presses its key, and the same keys again write nothing
to the terminal."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from podtui import config_rules
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.help import HelpScreen
from podtui.ui.screens.pod_detail import PodDetailScreen
from podtui.ui.screens.pod_list import PodListScreen
from podtui.ui.widgets.key_bar import KeyBar
from tests.conftest import SEED_POD
from tests.painted import Painted
from tests.ui.helpers import key_bar_text, listed, open_pod, row, until, widget_text


async def test_remapped_keys_shown_as_help_shows_them(tmp_path: Path, admin_kubeconfig):
    path = tmp_path / "config.toml"
    path.write_text('[keys]\npod_list.logs = "L"\npod_list.delete = "ctrl+x"\n')
    chosen = config_rules.load(path)
    assert chosen.problems == []
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: row(app, SEED_POD), "the seed pod")
        bar = await until(pilot, lambda: "L Logs" in key_bar_text(app.screen)
                          and key_bar_text(app.screen), "the remapped key in the bar")
        assert "l Logs" not in bar and "ctrl-d" not in bar
        assert " ctrl-x Delete " in bar and " enter Describe " in bar
        await pilot.press("question_mark")
        help_screen = await until(pilot, lambda: isinstance(app.screen, HelpScreen)
                                  and app.screen, "the help screen")
        pod_list = next(text for s in help_screen.query("Static")
                        if (text := widget_text(s)).startswith("Pod list"))
        assert ["ctrl-x", "Delete"] in [line.split() for line in pod_list.splitlines()]


async def test_the_bar_follows_the_keys_that_work_now(admin_kubeconfig):
    """In the filter prompt the list's keys are text (the prompt takes `l`, `/`, enter,
    ctrl-d, ...): the bar empties, and shows them again when the prompt closes."""
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"))
    async with app.run_test(size=(160, 40)) as pilot:
        await listed(pilot, app)
        keys = await until(pilot, lambda: "/ Filter" in key_bar_text(app.screen)
                           and key_bar_text(app.screen), "the list's keys")
        await pilot.press("slash")
        assert isinstance(app.screen.focused, Input)
        await until(pilot, lambda: key_bar_text(app.screen).strip() == "", "an empty bar")
        await pilot.press("escape")
        await until(pilot, lambda: key_bar_text(app.screen) == keys, "the list's keys again")


async def test_a_narrow_bar_shows_whole_keys_on_one_line(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"))
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        bar = app.screen.query_one(KeyBar)
        # 80 columns: every key of the pod list, one space apart; `?` is the last one.
        line = " enter Describe l Logs y YAML / Filter : Cmd 0 All ns n New ctrl-d Delete ? Help"
        await until(pilot, lambda: key_bar_text(app.screen) == line, "the 80-column bar")
        await pilot.resize_terminal(40, 24)
        await until(pilot, lambda: bar.size.width == 40, "the bar at 40 columns")
        # `: Cmd` would end at column 44: it is left out whole, and so are the keys after it.
        assert key_bar_text(app.screen) == " enter Describe l Logs y YAML / Filter  "
        assert bar.region.height == 1 and bar.region.y == 23
        await pilot.resize_terminal(160, 24)
        await until(pilot, lambda: key_bar_text(app.screen).rstrip().endswith("F Port-forward"),
                    "the whole bar again, two spaces apart")
        assert " enter Describe  l Logs  y YAML " in key_bar_text(app.screen)


async def test_a_click_on_a_key_presses_it(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"))
    async with app.run_test(size=(120, 30)) as pilot:
        await listed(pilot, app)
        text = await until(pilot, lambda: "? Help" in key_bar_text(app.screen)
                           and key_bar_text(app.screen), "? in the bar")
        await pilot.click(KeyBar, offset=(text.index("? Help") + 3, 0))  # on its label
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the pod list")
        await pilot.click(KeyBar, offset=(text.index("? Help") - 1, 0))  # between two keys
        await pilot.pause(0.2)
        assert isinstance(app.screen, PodListScreen)


async def test_the_same_keys_again_write_nothing(admin_kubeconfig):
    """The pod detail is not a quiet screen (Textual writes each repainted row from the
    widget's left edge): a bar repainted with the same keys would be written again."""
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"))
    painted = Painted(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pod(pilot, app, SEED_POD)
        screen = app.screen
        assert isinstance(screen, PodDetailScreen)
        bar = screen.query_one(KeyBar)
        await until(pilot, lambda: "l Logs" in key_bar_text(screen), "the detail's keys")
        await pilot.pause(0.3)
        y = bar.region.y

        def bar_cells(since: int) -> set:
            return {c for c in painted.cells_written(since) if c[1] == y}

        mark = len(painted.writes)
        for _ in range(3):
            screen.refresh_bindings()
            await pilot.pause(0.1)
        screen.query_one("TabbedContent Tabs").focus()  # other widget, the same keys shown
        await pilot.pause(0.2)
        assert bar_cells(mark) == set()

        # A key that changes is written (so the nothing above is the bar's, not the test's).
        mark = len(painted.writes)
        app.update_keymap({"pod_detail.logs": "L"})
        await until(pilot, lambda: "L Logs" in key_bar_text(screen), "the remapped key")
        await until(pilot, lambda: bar_cells(mark), "the bar written")
        line = "".join(c for c, _ in painted.rows(y, y + 1, 0, 120)[0])
        assert "L Logs" in line
