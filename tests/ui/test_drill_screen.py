"""Pilot tests of the drill screen on the real app against the sandbox: the checklist
turns from red to green item by item while the solution is applied from outside the app
(kubectl, as a candidate would in another terminal); countdown, score, hints, solution."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import pytest
from rich.text import Text

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.drills import attempts, state
from podtui.drills.loader import load_drills, render_attempt
from podtui.ui.dialogs.picker import PickerScreen
from podtui.ui.screens.drill import DrillScreen, SolutionScreen, reflow
from tests.conftest import KUBECTL
from tests.integration.test_drills_cluster import run_commands
from tests.ui.helpers import listed, plain, until

pytestmark = pytest.mark.integration

#: A fresh seed per run: an attempt's namespace from the run before may still be terminating.
SEED = random.randint(1, 99_999)


@pytest.fixture
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def cleanup(conn):
    namespaces: list[str] = []
    yield namespaces
    for ns in namespaces:
        attempts.reset(conn, ns)


def drill_screen(app: PodTuiApp) -> DrillScreen | None:
    screen = app.screen
    return screen if isinstance(screen, DrillScreen) and screen.attempt else None


def marks(screen: DrillScreen) -> list[bool]:
    return [r.passed for r in screen.results]


def text(screen: DrillScreen, selector: str) -> str:
    return plain(screen.query_one(selector))


async def test_checklist_turns_green_item_by_item(admin_kubeconfig, private_state, cleanup):
    drill = next(d for d in load_drills()[0] if d.id == "previous-logs")
    attempt = render_attempt(drill, SEED)
    cleanup.append(attempt.namespace)
    crash, ns = attempt.values["crash"], attempt.namespace
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        app.run_command_line(f"drill previous-logs {SEED}")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        await until(pilot, lambda: len(screen.results) == 4, "the first checklist")
        # the first checklist comes once everything is listed: the setup pod is there
        # (the pod's check counts once part of the answer is there: doing nothing scores 0)
        assert marks(screen) == [False, False, False, False]
        head = text(screen, "#head")
        assert head.endswith((" 7:00 left", " 6:59 left", " 6:58 left")), head  # started just now
        assert text(screen, "#task") == reflow(attempt.task)
        checks = text(screen, "#checks")
        assert checks.splitlines()[0] == "✘ ConfigMap answer exists"
        assert "0/4 checks pass" in checks
        assert text(screen, "#detail") == "configmap `answer` not found"

        # step 1, from outside the app: the ConfigMap, with the container only
        run_commands([f"kubectl -n {ns} create configmap answer --from-literal=container="
                      f"{crash}"], admin_kubeconfig)
        await until(pilot, lambda: marks(screen) == [True, True, False, True],
                    "two more items to turn green")
        assert text(screen, "#detail") == "configmap `answer`: exitCode is not set"
        assert screen.final == ""
        # step 2: the exit code
        run_commands([f"kubectl -n {ns} patch configmap answer -p "
                      "'{\"data\":{\"exitCode\":\"1\"}}'"], admin_kubeconfig)
        await until(pilot, lambda: all(marks(screen)) and screen.final, "all green")
        assert "4/4 checks pass" in text(screen, "#checks")
        assert screen.final.startswith("score 4/4 in 0:")
        assert "score 4/4" in text(screen, "#head")
        records = state.history()
        assert [(r.drill, r.seed, r.passed, r.total) for r in records] == [
            ("previous-logs", SEED, 4, 4)]

        # a wrong edit afterwards turns its item red again; the score stays recorded
        run_commands([f"kubectl -n {ns} patch configmap answer -p "
                      "'{\"data\":{\"exitCode\":\"137\"}}'"], admin_kubeconfig)
        await until(pilot, lambda: marks(screen) == [True, True, False, True], "red again")
        assert len(state.history()) == 1


async def test_countdown_hints_solution_and_time_up(admin_kubeconfig, private_state, cleanup):
    drill = next(d for d in load_drills()[0] if d.id == "force-delete")
    attempt = render_attempt(drill, SEED)
    cleanup.append(attempt.namespace)
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        app.run_command_line(f"drill force-delete {SEED}")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        await until(pilot, lambda: len(screen.results) == 3, "the checklist")
        await pilot.press("h")
        assert text(screen, "#hints") == f"hint 1/2: {attempt.hints[0]}"
        await pilot.press("h")
        assert text(screen, "#hints").startswith("hint 2/2: Exam tip")
        await pilot.press("s")
        assert isinstance(app.screen, SolutionScreen)
        await pilot.press("escape")
        assert app.screen is screen and screen.solution_seen
        # the countdown runs from the attempt's start (kept in the state file)
        screen.current.started = time.time() - 6 * 60 - 30
        screen.render_head()
        assert text(screen, "#head").endswith((" 0:30 left", " 0:29 left"))
        screen.current.started = time.time() - 7 * 60 - 1
        await until(pilot, lambda: screen.final, "time is up")
        assert screen.final.startswith("score 0/3 in 7:0") and "solution seen" in screen.final
        assert text(screen, "#message").startswith("time is up: score 0/3")
        assert [(r.passed, r.total) for r in state.history()] == [(0, 3)]


async def test_readonly_app_does_not_start_a_drill(admin_kubeconfig, private_state, conn,
                                                    tmp_path):
    """... nor resets one: the reset key, remapped in the config file, answers naming it."""
    from podtui import config_rules

    (tmp_path / "config.toml").write_text('[keys]\ndrill.reset = "w"\n')
    chosen = config_rules.load(tmp_path / "config.toml")
    assert chosen.problems == []
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig), readonly=True, settings=chosen)
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        app.run_command_line("drill adapter 9")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        await until(pilot, lambda: text(screen, "#message"), "a message")
        refused = "read-only mode: starting a drill writes to the cluster; refused"
        assert text(screen, "#message") == refused
        await pilot.press("R")  # the default: no longer the reset key
        assert text(screen, "#message") == refused
        await pilot.press("w")
        assert text(screen, "#message") == ("read-only mode: w refused, resetting a drill "
                                            "writes to the cluster")
        adapter = next(d for d in load_drills()[0] if d.id == "adapter")
        assert text(screen, "#task") == reflow(render_attempt(adapter, 9).task)
        from tests.integration.test_cli_drills import namespace_phase

        assert namespace_phase(conn, "drill-adapter-9") is None


async def test_fits_80x24_with_the_most_checks(admin_kubeconfig, private_state, cleanup):
    """The drill with the most checks, a long task, a two-line hint and a message: every
    part stays on the 80x24 screen, above the key bar; the task scrolls with j/k."""
    drills = load_drills()[0]
    most = max(len(d.checks) for d in drills)
    drill = next(d for d in drills if len(d.checks) == most)
    cleanup.append(render_attempt(drill, SEED).namespace)
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        app.run_command_line(f"drill {drill.id} {SEED}")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        await until(pilot, lambda: len(screen.results) == most, "the checklist")
        await pilot.press("h")
        await until(pilot, lambda: screen.query_one("#hints").region.height >= 1,
                    "the hint", 5)
        bar_top = screen.query_one("KeyBar").region.y
        for selector in ("#head", "#task-box", "#checks", "#detail", "#hints", "#message"):
            region = screen.query_one(selector).region
            assert region.height > 0, selector
            assert region.bottom <= bar_top, (selector, region, bar_top)
        assert bar_top == 23
        box = screen.query_one("#task-box")
        screen.query_one("#task").update(Text("\n".join(f"line {i}" for i in range(20))))
        await until(pilot, lambda: box.max_scroll_y == 20 - box.size.height,
                    "the task box to scroll its 20 lines", 5)
        await pilot.press("j", "j")
        assert box.scroll_y == 2
        await pilot.press("k")
        assert box.scroll_y == 1


async def test_bang_opens_the_shell_with_kubectl_in_the_drill_namespace(
        admin_kubeconfig, private_state, cleanup, tmp_path, monkeypatch):
    """`!`: $SHELL runs with KUBECONFIG pointing kubectl (the sandbox's) at the attempt's
    namespace; back in the app afterwards. The terminal suspend is Textual's job (a
    headless test has no terminal to give away), so only it is replaced here."""
    import contextlib

    out = tmp_path / "shell-saw"
    shell = tmp_path / "fake-shell"
    shell.write_text(f"#!/bin/sh\n{KUBECTL} get pods -o name > \"$SAW\"\n"
                     f"{KUBECTL} config view --minify -o "
                     "jsonpath='{.contexts[0].context.namespace}' >> \"$SAW\"\n")
    shell.chmod(0o755)
    monkeypatch.setenv("SHELL", str(shell))
    monkeypatch.setenv("SAW", str(out))
    drill = next(d for d in load_drills()[0] if d.id == "force-delete")
    attempt = render_attempt(drill, SEED + 1)  # not the countdown test's namespace
    cleanup.append(attempt.namespace)
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        app.run_command_line(f"drill force-delete {SEED + 1}")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        await until(pilot, lambda: len(screen.results) == 3, "the checklist")
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: out.exists() and len(out.read_text().split()) == 3,
                    "the shell's kubectl output", 30)
        pods = sorted(f"pod/{attempt.values[k]}" for k in ("stuck", "keep"))
        assert out.read_text().split() == [*pods, attempt.namespace]
        assert app.screen is screen
    assert not list(Path(tempfile.gettempdir()).glob("podtui-drill-*.kubeconfig"))


async def test_capital_d_picks_a_drill(admin_kubeconfig, private_state, cleanup):
    drill = next(d for d in load_drills()[0] if d.id == "native-sidecar")
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the drill picker")
        await pilot.press(*"native", "enter")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        cleanup.append(screen.attempt.namespace)
        assert screen.drill.id == drill.id
        await until(pilot, lambda: len(screen.results) == len(drill.checks), "the checklist")
        await pilot.press("escape")
        assert app.screen is app.pod_list


async def test_a_started_attempt_resumes_with_its_clock_e_ends_it_and_r_resets(
        admin_kubeconfig, conn, private_state, cleanup):
    """`podtui drill start` begins an attempt; the drill screen resumes it with the clock
    from its start (two minutes ago here); e ends it with one history record (e again adds
    none); R deletes its namespace and starts another seed in a new one."""
    import json
    import os
    import re

    from tests.integration.test_cli_drills import namespace_phase
    from tests.integration.test_drills_cluster import drill_cli

    drill = next(d for d in load_drills()[0] if d.id == "force-delete")
    seed = SEED + 2  # not the other tests' namespaces
    old = render_attempt(drill, seed).namespace
    cleanup.append(old)
    code, _, err = drill_cli(conn, "start", "force-delete", "--seed", str(seed))
    assert code == 0, err
    saved = Path(os.environ["XDG_STATE_HOME"]) / "podtui" / "drills" / "force-delete.json"
    began = json.loads(saved.read_text())
    assert (began["seed"], began["namespace"]) == (seed, old)
    began["started"] = time.time() - 120
    saved.write_text(json.dumps(began))
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot, app)
        app.run_command_line("drill force-delete")
        screen = await until(pilot, lambda: drill_screen(app), "the drill screen")
        assert text(screen, "#message").startswith(f"resumed: namespace {old}, seed {seed}")
        head, now = text(screen, "#head"), time.time()
        shown = re.search(r" (\d+):(\d\d) left$", head)
        assert shown, head
        expected = drill.minutes * 60 - (now - began["started"])  # two minutes fewer
        assert abs(int(shown[1]) * 60 + int(shown[2]) - expected) <= 2, (head, expected)

        await until(pilot, lambda: len(screen.results) == 3, "the checklist")
        await pilot.press("e")
        await until(pilot, lambda: screen.final, "the end")
        assert text(screen, "#message").startswith(f"ended: {screen.final} (recorded")
        assert [(r.drill, r.seed) for r in state.history()] == [("force-delete", seed)]
        await pilot.press("e")
        assert len(state.history()) == 1

        await pilot.press("R")
        await until(pilot, lambda: screen.attempt.namespace != old and screen.current
                    and screen.current.namespace == screen.attempt.namespace, "a new attempt",
                    60)
        cleanup.append(screen.attempt.namespace)
        assert screen.attempt.seed != seed and not screen.final
        assert namespace_phase(conn, screen.attempt.namespace) == "Active"
        assert namespace_phase(conn, old) in (None, "Terminating")
        assert len(state.history()) == 1  # the ended attempt was recorded once
