"""The mock exam end to end in the real app against the sandbox: `:exam` starts 15 tasks
(a namespace and setup each, on the real node), two are answered with kubectl in the drill
shell (`!`), one is flagged, a hint and a solution are looked at; nothing is graded until
`E` `E`; then the report and the exam history say what was done."""

from __future__ import annotations

import contextlib
import random
import re
import string
import time

import pytest

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.drills import exam as exams
from podtui.drills.loader import load_drills, render_attempt
from podtui.ui.screens.exam import ExamReportScreen, ExamScreen
from tests.conftest import KUBECTL
from tests.ui.helpers import listed, plain, until

pytestmark = pytest.mark.integration

#: Tasks that may be answered by their reference solution, then checked as a candidate
#: would before moving on (kubectl wait): enough of them that any 15 of the drills hold two.
#: The Service's endpoint turns ready after its pod, when the EndpointSlice controller
#: has seen it.
READY = ["kubectl wait --for=condition=Ready pod --all --timeout=90s"]
QUICK = {"previous-logs": [], "force-delete": [], "fix-image-pull": READY,
         "resources-split": READY, "qos-guaranteed": READY, "share-process-namespace": READY,
         "downward-api": READY, "configmap-env-volume": READY, "secret-env": READY,
         "security-context": READY, "memory-emptydir": READY, "tolerations": READY,
         "service-named-port": [*READY, "kubectl wait --for=jsonpath='{.endpoints[0]."
                                "conditions.ready}'=true endpointslice -l "
                                "kubernetes.io/service-name=${svc} --timeout=90s"]}


def up_long_enough(conn, attempt) -> bool:
    """Every container a `steady` check watches has been running for longer than the
    check's window: the grade wants it up since before the window, and a candidate does not
    end the exam the second a pod turns ready (graded then, such a check fails)."""
    for check in attempt.checks:
        if check.probe[:1] != ("steady",):
            continue
        pod = conn.core.read_namespaced_pod(check.scope[0][1], attempt.namespace)
        status = next((s for s in pod.status.container_statuses or []
                       if s.name == dict(check.scope[1:])["container"]), None)
        started = status and status.ready and status.state.running and \
            status.state.running.started_at
        if not started or time.time() - started.timestamp() <= check.probe[1] + 1:
            return False
    return True


@pytest.fixture
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def namespaces_gone(conn, names: list[str]) -> bool:
    from kubernetes.client.exceptions import ApiException

    for name in names:
        try:
            ns = conn.core.read_namespace(name)
        except ApiException as exc:
            if exc.status == 404:
                continue
            raise
        if ns.status.phase != "Terminating":
            return False
    return True


async def test_mock_exam_end_to_end(conn, admin_kubeconfig, private_state, tmp_path,
                                    monkeypatch):
    drills = {d.id: d for d in load_drills()[0]}
    # `!` runs $SHELL: here a script that runs what the test wrote for it, with kubectl
    # (the sandbox's) pointed at the task's namespace by the app
    commands = tmp_path / "commands.sh"
    shell = tmp_path / "fake-shell"
    shell.write_text(f"#!/bin/bash\nexport PATH={KUBECTL.rsplit('/', 1)[0]}:$PATH\n"
                     f"set -euo pipefail\ncd /tmp\nsource {commands}\n")
    shell.chmod(0o755)
    monkeypatch.setenv("SHELL", str(shell))
    # a random exam with two tasks this test can answer (all but a few in a thousand), of
    # the drills this sandbox can set up
    here, _ = exams.drawable(conn, drills)
    seed = next(s for s in iter(lambda: random.randint(1, 99_999), 0)
                if sum(t.drill in QUICK for t in exams.draw(here, s)) >= 2)
    print(f"exam seed {seed}")  # shown with a failure: the same exam again is `exam SEED`
    app = PodTuiApp(connect(kubeconfig=admin_kubeconfig))
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # no terminal to give away
    namespaces: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await listed(pilot, app)
            app.run_command_line(f"exam {seed}")
            screen = await until(pilot, lambda: isinstance(app.screen, ExamScreen)
                                 and app.screen.exam and app.screen, "the exam", timeout=120)
            exam = screen.exam
            namespaces = [t.namespace for t in exam.tasks]
            assert len(exam.tasks) >= 15 and len({t.drill for t in exam.tasks}) == len(
                exam.tasks)
            head = plain(screen.query_one("#head"))
            assert f"task 1/{len(exam.tasks)}" in head and " 1:59:" in head  # one 2-hour clock
            # every task's namespace and setup are there
            for task in exam.tasks:
                assert conn.core.read_namespace(task.namespace).status.phase == "Active"

            answered = [i for i, t in enumerate(exam.tasks) if t.drill in QUICK][:2]
            assert len(answered) == 2, [t.drill for t in exam.tasks]
            for index in answered:
                while screen.exam.current != index:
                    await pilot.press("n")
                task = exam.tasks[index]
                assert plain(screen.query_one("#task")).startswith(drills[task.drill].title)
                attempt = render_attempt(drills[task.drill], task.seed)
                # typed in the exam shell: plain kubectl, the namespace is the context's
                typed = [c.replace(f"kubectl -n {task.namespace} ", "kubectl ")
                         for c in attempt.solution]
                typed += [string.Template(c).substitute(attempt.values)
                          for c in QUICK[task.drill]]
                # the shell tells the test it ran every command (set -e: not after one fails)
                commands.write_text("\n".join(typed) + f"\ntouch {tmp_path}/done-{index}\n")
                await pilot.press("exclamation_mark")
                await until(pilot, (tmp_path / f"done-{index}").exists,
                            f"the shell to run {typed}", timeout=200)
                await until(pilot, lambda a=attempt: up_long_enough(conn, a),
                            f"the containers of task {index + 1} up for a steady window",
                            timeout=30)
            # no feedback: nothing on screen says how an answer did (the task's own text may
            # say "password" or "fails": only the exam's own areas are read for verdicts)
            own = "\n".join(plain(screen.query_one(s)) for s in ("#head", "#tasks", "#message"))
            verdicts = re.findall(r"\b(?:pass|passed|fail|failed|correct|wrong)\b",
                                  own.replace("pass mark", "").lower())
            assert not verdicts, own
            page = own + plain(screen.query_one("#task"))
            assert "✔" not in page and "✘" not in page

            # flag a task that was not answered, look at a hint and a solution on another
            flagged = next(i for i in range(len(exam.tasks)) if i not in answered)
            while screen.exam.current != flagged:
                await pilot.press("p")
            await pilot.press("f")
            assert f"{flagged + 1}⚑" in plain(screen.query_one("#tasks"))
            assert "flagged" in plain(screen.query_one("#head"))
            await pilot.press("h")
            assert plain(screen.query_one("#hints")).startswith("hint 1/")
            await pilot.press("s")
            await pilot.press("escape")
            assert app.screen is screen

            await pilot.press("E")
            assert f"(flagged: {flagged + 1})" in plain(screen.query_one("#message"))
            await pilot.press("E")
            report_screen = await until(pilot, lambda: isinstance(app.screen, ExamReportScreen)
                                        and app.screen.query("#lines") and app.screen,
                                        "the report", timeout=120)
            lines = await until(pilot, lambda: len(ls := plain(report_screen.query_one(
                "#lines")).splitlines()) > len(exam.tasks) and ls, "the report's rows")
            assert lines[0].split()[:5] == ["#", "TASK", "CHECKS", "POINTS", "TIME"]
            rows = lines[1:len(exam.tasks) + 1]
            for index in answered:
                task = exam.tasks[index]
                total = len(drills[task.drill].checks)
                row = rows[index].split()
                assert row[:3] == [str(index + 1), task.drill, f"{total}/{total}"], rows[index]
                assert row[3] == f"{float(task.weight):.1f}/{task.weight}"
            # at 80 columns a row that would wrap has its notes abbreviated, as k9s does
            assert rows[flagged].endswith(("flagged, 1 hint, solution seen", "flag,1h,sol")), \
                rows[flagged]
            assert max(len(line) for line in lines) <= 78, lines
            assert lines[-1].startswith("total ") and lines[-1].endswith(
                "(pass mark 66 %): FAIL")  # two tasks of fifteen
            # the selected task's checks and reference solution
            await pilot.press(*["j"] * answered[0])
            selected = plain(report_screen.query_one("#solution"))
            assert "Reference solution (without podtui)" in selected
            assert selected.count("✔") == len(drills[exam.tasks[answered[0]].drill].checks)

        history = exams.history()
        assert len(history) == 1 and history[0]["seed"] == seed and not history[0]["passed"]
        tasks = history[0]["tasks"]
        assert [t["drill"] for t in tasks] == [t.drill for t in exam.tasks]
        for index in answered:
            assert tasks[index]["passed"] == tasks[index]["total"] > 0
            assert tasks[index]["seconds"] >= 0
        assert tasks[flagged]["flagged"] and tasks[flagged]["hints"] == 1
        assert tasks[flagged]["solution_seen"]
        assert sum(t["solution_seen"] for t in tasks) == 1
        assert exams.load() is None  # the exam is over
        assert namespaces_gone(conn, namespaces)
    finally:
        if exams.load() is not None:
            exams.discard(conn, exams.load())
