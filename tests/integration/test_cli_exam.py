"""`podtui exam ...` as a user runs it: a subprocess per command against the sandbox; the
tasks' namespaces are compared with what the API server says."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from tests.conftest import KUBECTL
from tests.integration.test_cli_drills import namespace_phase, subcommand_runner

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def podtui(tmp_path, admin_kubeconfig):
    run = subcommand_runner(tmp_path, admin_kubeconfig, "exam", 180)
    run.state = tmp_path / "state" / "podtui"
    return run


def test_exam_start_task_flag_end_history(podtui, conn, admin_kubeconfig):
    seed = str(random.randint(1, 99_999))
    started = podtui("start", "--seed", seed)
    assert started.returncode == 0, started.stderr
    lines = started.stdout.splitlines()
    assert lines[0] == f"exam {seed}: 15 tasks, 120 minutes, pass mark 66 %"
    rows = lines[1:16]
    namespaces = [row.rsplit("(namespace ", 1)[1].rstrip(")") for row in rows]
    assert len(set(namespaces)) == 15
    for ns in namespaces:
        assert namespace_phase(conn, ns) == "Active"
    assert lines[16].startswith("1:59:") or lines[16].startswith("119:")
    # no feedback: status says nothing of how a task stands
    status = podtui("status")
    assert status.returncode == 0 and "PASS" not in status.stdout and "/" not in "".join(
        r.split("pts")[0] for r in status.stdout.splitlines()[:15])

    task = podtui("task", "3")
    assert task.returncode == 0
    assert task.stdout.startswith("task 3/15: ") and f"namespace {namespaces[2]}" in task.stdout
    flagged = podtui("flag", "3")
    assert flagged.stdout == "task 3 flagged\n"
    assert "⚑" in podtui("status").stdout.splitlines()[2]
    assert podtui("task", "16").stderr == "podtui exam task: which task? (1-15)\n"

    # one task answered with kubectl: force-delete if drawn, else nothing answered
    state = json.loads((podtui.state / "exam.json").read_text())
    answered = next((i for i, t in enumerate(state["tasks"]) if t["drill"] == "force-delete"),
                    None)
    if answered is not None:
        ns = namespaces[answered]
        pods = subprocess.run([KUBECTL, "--kubeconfig", admin_kubeconfig, "-n", ns, "get",
                               "pods", "-o", "name"], capture_output=True, text=True,
                              check=True).stdout.split()
        stuck = next(p for p in pods if p.startswith("pod/stuck-"))
        subprocess.run([KUBECTL, "--kubeconfig", admin_kubeconfig, "-n", ns, "delete", stuck,
                        "--grace-period=0", "--force"], capture_output=True, check=True)

    ended = podtui("end")
    assert ended.returncode == 1  # far from the pass mark
    report = ended.stdout.splitlines()
    assert report[0].split()[:5] == ["#", "TASK", "CHECKS", "POINTS", "TIME"]
    assert report[3].split()[1] == state["tasks"][2]["drill"]
    assert report[3].endswith("flagged")
    if answered is not None:
        assert report[answered + 1].split()[2] == "3/3"
    total = report[16]
    assert total.startswith("total ") and total.endswith("(pass mark 66 %): FAIL")
    assert "Reference solutions:" in ended.stdout and "# task 15: " in ended.stdout
    for ns in namespaces:
        assert namespace_phase(conn, ns) in (None, "Terminating")
    assert podtui("status").stderr == "podtui exam status: no exam in progress (podtui exam " \
                                      "start)\n"

    history = podtui("history").stdout.splitlines()
    assert len(history) == 2 and history[1].split()[1] == seed and "FAIL" in history[1]
