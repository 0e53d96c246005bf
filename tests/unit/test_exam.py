"""The mock exam's pure parts: the draw, the clock per task, the score against the pass
mark, the report's lines, the state and history files (no cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest

from podtui.drills import exam as exams
from podtui.drills.checks import Result
from podtui.drills.loader import load_drills
from podtui.drills.model import Check

DRILLS = load_drills(Path("/nonexistent"))[0]


def test_one_seed_one_exam_of_fifteen_different_drills():
    first = exams.draw(DRILLS, 7)
    assert exams.draw(DRILLS, 7) == first
    assert exams.draw(DRILLS, 8) != first
    assert len(first) == 15 and len({t.drill for t in first}) == 15
    by_id = {d.id: d for d in DRILLS}
    for task in first:  # weighted: a task is worth its drill's time budget
        assert task.weight == by_id[task.drill].minutes
        assert task.namespace == f"drill-{task.drill}-{task.seed}"
    assert len({t.weight for t in first}) > 1


def test_time_spent_counts_for_the_task_shown():
    exam = exams.Exam(1, 120, 1000.0, exams.draw(DRILLS, 1), shown_since=1000.0)
    exam.show(3, now=1060.0)  # 60 s on task 1
    exam.show(0, now=1090.0)  # 30 s on task 4
    exam.account(now=1100.0)  # 10 s more on task 1
    assert [exam.tasks[i].seconds for i in (0, 3)] == [70.0, 30.0]
    assert exam.remaining(now=1100.0) == 120 * 60 - 100
    exam.ended = 1200.0
    assert exam.remaining(now=99_999.0) == 120 * 60 - 200  # the clock stops at the end


def result(passed: bool) -> Result:
    return Result(Check("s", (("pod", "p"),), "", "exists", True), passed, "seen")


def report_of(scores: list[tuple[int, int, int]]) -> exams.Report:
    tasks = [exams.Task(f"drill-{i}", i, f"ns-{i}", weight)
             for i, (_, _, weight) in enumerate(scores)]
    exam = exams.Exam(5, 120, 0.0, tasks)
    return exams.Report(exam, [
        exams.TaskResult(t, f"Title {i}", passed, total, t.weight * passed / total, ("kubectl x",),
                         [result(True)] * passed + [result(False)] * (total - passed))
        for i, (t, (passed, total, _)) in enumerate(zip(tasks, scores, strict=True))])


@pytest.mark.parametrize("scores, percent, passed", [
    ([(4, 4, 7), (2, 4, 6), (0, 3, 4)], 58, False),  # 10/17 points
    ([(4, 4, 7), (3, 4, 6), (0, 3, 4)], 67, True),   # 11.5/17
    ([(3, 3, 5), (3, 3, 5), (1, 3, 6)], 75, True),
])
def test_points_against_the_pass_mark(scores, percent, passed):
    report = report_of(scores)
    assert (report.percent, report.passed) == (percent, passed)


def test_report_lines():
    report = report_of([(4, 4, 7), (1, 3, 6)])
    report.tasks[1].task.flagged = True
    report.tasks[1].task.hints = 2
    report.tasks[1].task.solution_seen = True
    report.tasks[0].task.seconds = 125
    lines = exams.report_lines(report)
    assert lines[0].split() == ["#", "TASK", "CHECKS", "POINTS", "TIME", "NOTES"]
    assert lines[1].split() == ["1", "drill-0", "4/4", "7.0/7", "2:05"]
    assert lines[2].split()[:5] == ["2", "drill-1", "1/3", "2.0/6", "0:00"]
    assert lines[2].endswith("flagged, 2 hints, solution seen")
    assert lines[3] == "total 9.0/13 points = 69 % (pass mark 66 %): PASS"


def test_report_lines_abbreviate_their_notes_to_fit_80_columns():
    """The report screen at 80 columns (78 inside its padding): a task with every note and
    the longest drill id fits on its line as k9s would abbreviate it, no note wrapped."""
    from podtui.drills.loader import load_drills

    longest = max((d.id for d in load_drills()[0]), key=len)
    report = report_of([(1, 3, 6), (3, 3, 4)])
    task = report.tasks[0].task
    task.drill, task.flagged, task.hints, task.solution_seen = longest, True, 2, True
    assert len(exams.report_lines(report)[1]) > 78  # the full notes would wrap
    lines = exams.report_lines(report, width=78)
    assert max(len(line) for line in lines) <= 78, lines
    assert lines[1].split()[1] == longest and lines[1].endswith("  flag,2h,sol")
    assert lines[2].split()[-1] == "0:00"  # no notes: nothing abbreviated
    # wide enough: the words themselves
    assert exams.report_lines(report, width=120)[1].endswith("flagged, 2 hints, solution seen")


def test_state_and_history_files(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert exams.load() is None and exams.history() == []
    exam = exams.Exam(9, 120, 50.0, exams.draw(DRILLS, 9), "ctx", 2, 60.0)
    exam.tasks[2].flagged = True
    exams.save(exam)
    assert exams.load() == exam
    report = report_of([(1, 1, 5)])
    report.tasks[0].task.hints = 1
    entry = exams.record(report, now=3600.0)
    assert exams.history() == [entry]
    assert entry["tasks"][0] == {"drill": "drill-0", "seed": 0, "weight": 5, "passed": 1,
                                 "total": 1, "points": 5.0, "seconds": 0, "flagged": False,
                                 "hints": 1, "solution_seen": False}
    exams.clear()
    assert exams.load() is None
