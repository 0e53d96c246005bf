"""The user's [[actions]] in the real app against the sandbox, on the seed pod: each mode
(background, panes, foreground), the arguments exactly as the command receives them (a
script records its argv), a kubeconfig path with a space and `$(...)` passed through
unchanged, the question first, the readonly refusal and a key that clashes."""

from __future__ import annotations

import json
import os
import select
import shutil
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from podtui import config_rules
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.pods import get_pod
from podtui.settings import config
from podtui.ui.dialogs.confirm_action import ConfirmActionScreen
from podtui.ui.dialogs.picker import PickerScreen
from podtui.ui.screens.action_panes import ActionPane, ActionPanesScreen
from podtui.ui.screens.help import HelpScreen
from podtui.ui.screens.logs import LogsScreen
from podtui.ui.screens.pod_detail import PodDetailScreen
from podtui.ui.screens.pod_list import PodListScreen
from tests.conftest import SEED_POD, wait_for
from tests.ui.helpers import key_bar_keys, open_pod, plain, row, table, until, widget_text

#: Records its arguments (and whether stdin is a terminal) as one JSON line in the file its
#: first argument names; prints them; exits 3 for an argument that --fail-if= names.
RECORDER = """\
import json, os, sys
out, args = sys.argv[1], sys.argv[2:]
with open(out, "a") as f:
    f.write(json.dumps({"argv": args, "tty": os.isatty(0)}) + "\\n")
print("got", *args)
print("stderr of", args[-1], file=sys.stderr)
fail = [a.split("=", 1)[1] for a in args if a.startswith("--fail-if=")]
if set(fail) & set(args):
    print("failing as asked for", *fail, file=sys.stderr)
    sys.exit(3)
"""


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "record"
    script.write_text(f"#!{sys.executable}\n{RECORDER}")
    script.chmod(0o755)
    return str(script), tmp_path / "argv.jsonl"


def recorded(out: Path) -> list[dict]:
    if not out.is_file():
        return []
    return [json.loads(line) for line in out.read_text().splitlines()]


def actions_toml(*entries: str, keys: str = "") -> str:
    head = f"[keys]\n{keys}\n" if keys else ""
    return head + "".join(f"[[actions]]\n{entry}\n" for entry in entries)


def settings(tmp_path: Path, text: str) -> config.Settings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return config_rules.load(path)


def toml_list(*args: str) -> str:
    return json.dumps(list(args))  # a JSON list of strings is a TOML array


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def message_line(app) -> str:
    return plain(app.pod_list.query_one("#message", Static))


async def test_background_passes_each_placeholder_as_one_argument(tmp_path, recorder,
                                                                  admin_kubeconfig, conn):
    script, out = recorder
    # A kubeconfig path a shell would split and run: it must reach the command as it is.
    odd = tmp_path / "my lab" / "$(id).yaml"
    odd.parent.mkdir()
    shutil.copy(admin_kubeconfig, odd)
    command = toml_list(script, str(out), "${namespace}", "${pod}", "${context}",
                        "${kubeconfig}", "${node}", "${pod_ip}", "--kubeconfig=${kubeconfig}",
                        "$$(id)", "${pod} ${namespace}")
    chosen = settings(tmp_path, actions_toml(
        f'key = "W"\ntitle = "Record it"\nscope = "pod"\nmode = "background"\n'
        f"command = {command}\n"))
    assert chosen.problems == []
    app = PodTuiApp(connect(str(odd), namespace="default"), settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: row(app, SEED_POD), "the seed pod")
        await until(pilot, lambda: key_bar_keys(app.screen).get("W") == "Record it",
                    "W in the key bar")
        await open_pod(pilot, app, SEED_POD, key="W")
        runs = await until(pilot, lambda: recorded(out), "the command's argv")
        await until(pilot, lambda: "exit" in message_line(app), "the line when it ends")
        pod = get_pod(conn, "default", SEED_POD)
        node, ip = pod["spec"]["nodeName"], pod["status"]["podIP"]
        assert node == "localhost" and ip
        assert runs == [{"argv": [
            "default", SEED_POD, app.conn.context, str(odd), node, ip,
            f"--kubeconfig={odd}", "$(id)", f"{SEED_POD} default"], "tty": False}]
        assert message_line(app) == f"Record it (default/{SEED_POD}): exit 0"
        assert isinstance(app.screen, PodListScreen)


async def test_panes_one_per_container_then_one_per_marked_pod(tmp_path, recorder,
                                                               admin_kubeconfig):
    script, out = recorder
    chosen = settings(tmp_path, actions_toml(
        'key = "W"\ntitle = "Per container"\nscope = "container"\nmode = "panes"\n'
        f'command = {toml_list(script, str(out), "--fail-if=busybox", "${container}")}\n',
        'key = "ctrl+w"\ntitle = "Per pod"\nscope = "pods"\nmode = "panes"\n'
        f'command = {toml_list(script, str(out), "${namespace}", "${pod}")}\n'))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="W")
        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one(OptionList)
        items = [options.get_option_at_index(i).id for i in range(options.option_count)]
        # (other tests may have added debug containers to the seed pod: listed, not "all")
        assert items[:2] == ["node", "busybox"] and items[-1] == "(all containers)"
        await pilot.press(*"all", "enter")
        screen = await until(pilot, lambda: isinstance(app.screen, ActionPanesScreen)
                             and app.screen, "the run panes")
        panes = list(screen.query(ActionPane))
        assert [p.border_title for p in panes] == ["node", "busybox"]
        await until(pilot, lambda: all(p.outcome for p in panes), "both commands' ends")
        node, busybox = panes
        assert node.border_subtitle == "exit 0" and not node.has_class("-failed")
        assert busybox.border_subtitle == "exit 3" and busybox.has_class("-failed")
        assert widget_text(node.query_one(".stdout", Static)).strip() == \
            "got --fail-if=busybox node"
        assert "failing as asked for busybox" in widget_text(busybox.query_one(".stderr",
                                                                               Static))
        assert sorted(r["argv"][-1] for r in recorded(out)) == ["busybox", "node"]
        await pilot.press("r")  # again: two more runs
        await until(pilot, lambda: len(recorded(out)) == 4 and all(p.outcome for p in panes),
                    "the second runs")
        await pilot.press("escape")
        assert isinstance(app.screen, PodListScreen)

        out.unlink()
        await pilot.press("space", "ctrl+w")  # the marked pod: one pane for it
        screen = await until(pilot, lambda: isinstance(app.screen, ActionPanesScreen)
                             and app.screen, "the pods' panes")
        (pane,) = screen.query(ActionPane)
        assert pane.border_title == SEED_POD
        await until(pilot, lambda: pane.border_subtitle == "exit 0", "the exit code")
        assert recorded(out) == [{"argv": ["default", SEED_POD], "tty": False}]


async def test_foreground_hands_the_terminal_over_and_comes_back(tmp_path, recorder,
                                                                 admin_kubeconfig):
    script, out = recorder
    chosen = settings(tmp_path, actions_toml(
        'key = "W"\ntitle = "Debug it"\nscope = "container"\n'
        f'command = {toml_list(script, str(out), "${pod}", "-c", "${container}")}\n'))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    master, slave = os.openpty()
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await open_pod(pilot, app, SEED_POD)
            detail = app.screen
            assert isinstance(detail, PodDetailScreen)
            await until(pilot, lambda: key_bar_keys(detail).get("W") == "Debug it",
                        "W in the key bar")
            app.user_actions.terminal_fds = (slave, slave)
            await pilot.press("2", "W")
            assert isinstance(app.screen, PickerScreen)
            await pilot.press("enter")  # node, the default container
            await until(pilot, lambda: recorded(out), "the command's argv")
            assert recorded(out) == [{"argv": [SEED_POD, "-c", "node"], "tty": True}]
            assert select.select([master], [], [], 10)[0], "nothing on the terminal"
            assert f"got {SEED_POD} -c node".encode() in os.read(master, 4096)
            assert app.screen is detail
            assert detail.query_one("TabbedContent").active == "tab-containers"
            assert f"Debug it (default/{SEED_POD} node): exit 0" in notes(app)
    finally:
        os.close(master)
        os.close(slave)


async def test_a_command_not_found_is_one_line_in_every_mode(tmp_path, admin_kubeconfig):
    missing = "podtui-test-no-such-command"
    chosen = settings(tmp_path, actions_toml(*(
        f'key = "{key}"\ntitle = "{mode}"\nscope = "pod"\nmode = "{mode}"\n'
        f'command = {toml_list(missing, "${pod}")}\n'
        for key, mode in (("W", "background"), ("K", "panes"), ("ctrl+w", "foreground")))))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    master, slave = os.openpty()
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            app.user_actions.terminal_fds = (slave, slave)
            await open_pod(pilot, app, SEED_POD, key="W")
            line = f"background (default/{SEED_POD}): command not found: {missing}"
            await until(pilot, lambda: message_line(app) == line, "the background's line")
            await pilot.press("ctrl+w")
            line = f"foreground (default/{SEED_POD}): command not found: {missing}"
            await until(pilot, lambda: message_line(app) == line, "the foreground's line")
            await pilot.press("K")
            screen = await until(pilot, lambda: isinstance(app.screen, ActionPanesScreen)
                                 and app.screen, "the panes")
            (pane,) = screen.query(ActionPane)
            await until(pilot, lambda: pane.outcome, "the pane's end")
            assert pane.border_subtitle == f"command not found: {missing}"
            assert pane.has_class("-failed")
    finally:
        os.close(master)
        os.close(slave)


async def test_confirm_asks_first_and_shows_what_runs(tmp_path, recorder, admin_kubeconfig):
    script, out = recorder
    chosen = settings(tmp_path, actions_toml(
        'key = "W"\ntitle = "Careful"\nscope = "pod"\nmode = "background"\n'
        'confirm = "Really run it on this pod?"\n'
        f'command = {toml_list(script, str(out), "${pod}")}\n'))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="W")
        assert isinstance(app.screen, ConfirmActionScreen)
        shown = " ".join(" ".join(widget_text(s) for s in app.screen.query(Static)).split())
        assert "Really run it on this pod?" in shown
        assert f"$ {script} {out} {SEED_POD}" in shown
        await pilot.press("n")
        assert isinstance(app.screen, PodListScreen)
        await pilot.press("W", "y")
        await until(pilot, lambda: recorded(out), "the command once confirmed")
        assert recorded(out) == [{"argv": [SEED_POD], "tty": False}]


async def test_readonly_hides_actions_unless_readonly_ok(tmp_path, recorder, admin_kubeconfig):
    script, out = recorder
    chosen = settings(tmp_path, actions_toml(
        'key = "W"\ntitle = "Writes"\nscope = "pod"\nmode = "background"\n'
        f'command = {toml_list(script, str(out), "writes")}\n',
        'key = "K"\ntitle = "Reads"\nscope = "pod"\nmode = "background"\nreadonly_ok = true\n'
        f'command = {toml_list(script, str(out), "reads")}\n'))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), readonly=True,
                    settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: row(app, SEED_POD), "the seed pod")
        bar = await until(pilot, lambda: key_bar_keys(app.screen).get("K") == "Reads"
                          and key_bar_keys(app.screen), "K in the key bar")
        assert "W" not in bar
        await open_pod(pilot, app, SEED_POD, key="W")
        assert message_line(app) == "read-only mode: W refused, Writes is disabled (its " \
                                    "readonly_ok is false)"
        await pilot.press("K")
        await until(pilot, lambda: recorded(out), "the readonly_ok action's run")
        await until(pilot, lambda: "exit 0" in message_line(app), "its line")
        assert [r["argv"] for r in recorded(out)] == [["reads"]]


async def test_a_clashing_key_and_a_bad_entry_are_one_line_each_and_the_rest_works(
        tmp_path, recorder, admin_kubeconfig):
    script, out = recorder
    chosen = settings(tmp_path, actions_toml(
        'key = "l"\ntitle = "Takes logs"\nscope = "pod"\n'
        f'command = {toml_list(script, str(out), "clash")}\n',
        'key = "K"\ntitle = "Typo"\nscope = "pod"\n'
        f'command = {toml_list(script, "${namspace}")}\n',
        'key = "W"\ntitle = "Fine"\nscope = "pods"\nmode = "background"\n'
        f'command = {toml_list(script, str(out), "${pod}")}\n',
        keys='"actions.fine" = "ctrl+w"'))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    path = tmp_path / "config.toml"
    async with app.run_test(size=(160, 40)) as pilot:
        clash = (f"config {path}: [[actions]] #1 'Takes logs': key 'l' is also the key of "
                 "pod_list.logs (Logs); left out (give it another key)")
        typo = (f"config {path}: [[actions]] #2 'Typo': unknown placeholder ${{namspace}} in "
                "command (known: ${namespace}, ${pod}, ${container}, ${context}, "
                "${kubeconfig}, ${node}, ${pod_ip}); left out")
        await until(pilot, lambda: {clash, typo} <= set(notes(app)), "both lines")
        assert [a.title for a in app.settings.actions] == ["Fine"]
        await open_pod(pilot, app, SEED_POD, key="l")  # the built-in keeps its key
        await until(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs screen")
        await pilot.press("escape")
        summary = table(app).selected
        assert summary is not None and summary.name == SEED_POD
        await pilot.press("W")  # remapped away: nothing
        assert "Fine" not in message_line(app)
        await pilot.press("ctrl+w")
        await until(pilot, lambda: recorded(out), "the remapped action's run")
        assert [r["argv"] for r in recorded(out)] == [[SEED_POD]]
        await pilot.press("question_mark")
        help_screen = await until(pilot, lambda: isinstance(app.screen, HelpScreen)
                                  and app.screen, "the help screen")
        pod_list, detail = (text for s in help_screen.query("Static")
                            if (text := widget_text(s)).startswith(("Pod list", "Pod detail")))
        rows = [" ".join(line.split()) for line in pod_list.splitlines()]
        assert "ctrl-w Fine (your action: marked pods, background)" in rows
        assert "Fine" not in detail and "Takes logs" not in pod_list


async def test_what_still_runs_stops_with_its_panes_and_with_the_app(tmp_path, admin_kubeconfig):
    pids = tmp_path / "pids"
    # Writes its pid, says so, then runs until stopped (as stern does).
    forever = toml_list(sys.executable, "-c", "import os, sys, time; "
                        "open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); "
                        "print('started', flush=True); time.sleep(600)", str(pids))
    chosen = settings(tmp_path, actions_toml(
        f'key = "W"\ntitle = "Follow"\nscope = "pod"\nmode = "panes"\ncommand = {forever}\n',
        f'key = "K"\ntitle = "Behind"\nscope = "pod"\nmode = "background"\n'
        f"command = {forever}\n"))
    assert chosen.problems == []

    def started() -> list[int]:
        return [int(p) for p in pids.read_text().split()] if pids.is_file() else []

    def running(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().split(") ")[1][0] not in "ZX"
        except (FileNotFoundError, ProcessLookupError):  # gone, before or while it is read
            return False

    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"), settings=chosen)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="W")
        screen = await until(pilot, lambda: isinstance(app.screen, ActionPanesScreen)
                             and app.screen, "the panes")
        (pane,) = screen.query(ActionPane)
        await until(pilot, lambda: "started" in pane.output["stdout"], "its first output")
        assert pane.border_subtitle == "running…"
        (follow,) = started()
        await pilot.press("escape")
        await until(pilot, lambda: not running(follow), "the pane's command stopped")
        await pilot.press("K")
        await until(pilot, lambda: len(started()) == 2, "the background command")
        behind = started()[1]
        assert running(behind)
        assert message_line(app) == "Behind: running in the background"
    wait_for(lambda: not running(behind), "the background command stopped with the app")
