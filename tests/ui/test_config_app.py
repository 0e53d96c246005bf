"""The config file in the running app: remapped keys, the theme, the logs screen's tail
and timestamps, the namespace of a context; a broken file is one line and the app runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from podtui import config_rules
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.settings import config
from podtui.ui.screens.help import HelpScreen
from podtui.ui.screens.logs import LogsScreen
from podtui.ui.screens.pod_list import PodListScreen
from tests.conftest import SEED_POD
from tests.ui.helpers import open_pod, row, until, widget_text


def settings(tmp_path: Path, text: str) -> config.Settings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return config_rules.load(path)


async def test_keys_theme_and_logs_settings_apply(tmp_path, admin_kubeconfig):
    chosen = settings(tmp_path, """\
theme = "podtui-light"
[logs]
tail = 7
timestamps = true
[keys]
pod_list.logs = "L"
logs.wrap = "z"
""")
    assert chosen.problems == []
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        assert app.theme == "podtui-light"
        await open_pod(pilot, app, SEED_POD, key="l")  # the old key does nothing now
        assert isinstance(app.screen, PodListScreen)
        await pilot.press("L")
        screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                             "the logs screen on the remapped key")
        assert screen.tail == 7
        assert all(view.timestamps for view in screen.pane_views)
        # a remapped key of the logs screen: w no longer wraps, z does
        await pilot.press("w")
        assert not any(view.has_class("-wrap") for view in screen.pane_views)
        await pilot.press("z")
        assert all(view.has_class("-wrap") for view in screen.pane_views)
        await pilot.press("escape", "question_mark")
        help_screen = await until(pilot, lambda: isinstance(app.screen, HelpScreen)
                                  and app.screen, "the help screen")
        pod_list = next(text for s in help_screen.query("Static")
                        if (text := widget_text(s)).startswith("Pod list"))
        rows = [line.split() for line in pod_list.splitlines()]
        assert ["L", "Logs"] in rows and ["l", "Logs"] not in rows


async def test_a_remapped_key_that_takes_another_bindings_key_is_said(tmp_path,
                                                                       admin_kubeconfig):
    chosen = settings(tmp_path, '[keys]\npod_list.logs = "y"\n')
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(120, 30)) as pilot:
        line = (f"config {tmp_path / 'config.toml'}: keys.pod_list.logs: 'y' is also the key "
                "of pod_list.yaml, which loses it (remap that one too)")
        await open_pod(pilot, app, SEED_POD, key="y")
        await until(pilot, lambda: line in {n.message for n in app._notifications},
                    "the clash, in one line")
        assert isinstance(app.screen, LogsScreen)  # y now opens the logs
        assert [n.message for n in app._notifications].count(line) == 1


async def test_a_broken_config_is_one_line_and_the_app_runs(tmp_path, admin_kubeconfig):
    chosen = settings(tmp_path, '[logs]\ntail = "many"\n[keys]\n"pod_list.nope" = "x"\n')
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(120, 30)) as pilot:
        path = tmp_path / "config.toml"
        expected = {
            f"config {path}: logs.tail: expected a whole number >= 0, got 'many'; "
            "using the default 200",
            f"config {path}: keys.pod_list.nope: no binding has this id "
            "(`podtui config` lists them)",
        }
        await until(pilot, lambda: expected <= {n.message for n in app._notifications},
                    "the config's problems, one line each")
        await open_pod(pilot, app, SEED_POD, key="l")  # defaults apply
        screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                             "the logs screen")
        assert screen.tail == 200
        await pilot.press("w")  # wraps every pane's lines, w again unwraps them
        assert screen.pane_views and all(v.has_class("-wrap") for v in screen.pane_views)
        await pilot.press("w")
        assert not any(v.has_class("-wrap") for v in screen.pane_views)


def test_the_command_line_starts_in_the_contexts_namespace(tmp_path, admin_kubeconfig,
                                                           namespace, conn):
    from podtui.cluster.connection import connect as plain_connect
    from tests.conftest import make_pod, wait_for
    from tests.integration.test_cli_errors import run

    conn.core.create_namespaced_pod(namespace, make_pod("only-here"))
    wait_for(lambda: conn.core.read_namespaced_pod("only-here", namespace).status.phase
             == "Running", "the pod running")
    context = plain_connect(admin_kubeconfig).context
    (tmp_path / "podtui").mkdir()
    (tmp_path / "podtui" / "config.toml").write_text(
        f'[namespaces]\n"{context}" = "{namespace}"\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    found = run("logs", "only-here", "--kubeconfig", admin_kubeconfig, env=env)
    assert found.returncode == 0 and found.stderr == "", found.stderr
    # -n wins over the file
    other = run("logs", "only-here", "--kubeconfig", admin_kubeconfig, "-n", "default", env=env)
    assert other.stderr.strip() == "podtui logs: pod default/only-here not found"


async def test_switching_context_starts_in_the_files_namespace_for_it(
        tmp_path, admin_kubeconfig, namespace, conn):
    import copy

    from tests import kubeconfigs
    from tests.conftest import make_pod
    from tests.ui.helpers import row

    conn.core.create_namespaced_pod(namespace, make_pod("in-lab"))
    admin = kubeconfigs.load(Path(admin_kubeconfig))
    lab = copy.deepcopy(admin["contexts"][0])
    lab["name"] = "lab"
    lab["context"].pop("namespace", None)
    admin["contexts"].append(lab)
    two_contexts = kubeconfigs.write(tmp_path, "two", admin)
    chosen = settings(tmp_path, f'[namespaces]\nlab = "{namespace}"\n')
    app = PodTuiApp(connect(two_contexts), settings=chosen)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: row(app, SEED_POD), "the seed pod of the first context")
        app.run_command_line("ctx lab")
        await until(pilot, lambda: row(app, "in-lab"), "the pod of the file's namespace")
        assert (app.conn.context, app.namespace) == ("lab", namespace)


async def test_a_refused_key_is_answered_on_its_remapped_key(tmp_path, conn, namespace,
                                                              admin_kubeconfig):
    """--readonly hides create, delete and the inside keys (s, x, F, e); their remapped
    keys (not the defaults, which now mean nothing) answer with the one-line refusal
    naming the key pressed, on the list and the detail."""
    from podtui.ui.screens.pod_detail import PodDetailScreen
    from podtui.ui.screens.pod_list import MessageLine
    from tests.conftest import make_pod

    await asyncio.to_thread(conn.core.create_namespaced_pod, namespace, make_pod("kept"))
    chosen = settings(tmp_path, """\
[keys]
pod_list.new_pod = "a"
pod_list.delete = "ctrl+k"
pod_list.shell = "b"
pod_list.run = "w"
pod_list.port_forward = "p"
pod_list.debug = "o"
pod_detail.shell = "b"
pod_detail.delete = "ctrl+k"
""")
    assert chosen.problems == []
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace), settings=chosen,
                    readonly=True)

    def line() -> str:
        shown = app.pod_list.query_one(MessageLine)
        return str(shown.content) if shown.display else ""

    async with app.run_test(size=(120, 30)) as pilot:
        table = await until(pilot, lambda: row(app, "kept") and app.pod_list.table, "the pod")
        table.select_uid(row(app, "kept").uid)
        for old in ("n", "ctrl+d", "s", "x", "F", "e"):  # the defaults: no longer these keys
            await pilot.press(old)
            assert line() == "" and isinstance(app.screen, PodListScreen), old
        for key, said in (("a", "read-only mode: a refused, creating pods is disabled"),
                          ("ctrl+k", "read-only mode: ctrl-k refused, deleting pods is "
                                     "disabled"),
                          ("b", "read-only mode: b refused, exec is disabled"),
                          ("w", "read-only mode: w refused, exec is disabled"),
                          ("p", "read-only mode: p refused, port-forward is disabled"),
                          ("o", "read-only mode: o refused, debug containers are disabled")):
            await pilot.press(key)
            assert line() == said, key
            assert isinstance(app.screen, PodListScreen), key
        await open_pod(pilot, app, "kept")
        detail = app.screen
        assert isinstance(detail, PodDetailScreen)
        await pilot.press("s", "ctrl+d")
        await pilot.press("b", "ctrl+k")
        notes = [n.message for n in app._notifications]
        assert notes == ["read-only mode: b refused, exec is disabled",
                         "read-only mode: ctrl-k refused, deleting pods is disabled"], notes
        assert app.screen is detail
    names = [p.metadata.name for p in
             (await asyncio.to_thread(conn.core.list_namespaced_pod, namespace)).items]
    assert names == ["kept"]
