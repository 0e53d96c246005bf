"""The mock exam: 15 or more drills drawn with one seed, each with its weight, under one
clock (default 120 minutes), graded only at the end, as killer.sh does.

    $XDG_STATE_HOME/podtui/exam.json            the exam in progress
    $XDG_STATE_HOME/podtui/exam-history.jsonl   one line per finished exam

Drawing and scoring are pure; `start`, `grade` and `discard` talk to the cluster through
`attempts` (one namespace per task, as a single drill has).
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError
from podtui.drills import attempts
from podtui.drills.checks import Result, evaluate_all, score
from podtui.drills.loader import render_attempt
from podtui.drills.model import Attempt, Drill
from podtui.drills.state import append_line, read_lines
from podtui.settings.xdg import state_dir

#: The exam's clock and size, and the share of the points that passes (CKA/CKAD: 66 %).
DEFAULT_MINUTES = 120
DEFAULT_TASKS = 15
PASS_MARK = 66


@dataclass
class Task:
    drill: str
    seed: int
    namespace: str
    weight: int  # points of the task
    seconds: float = 0.0  # time spent on it (while it was the task shown)
    flagged: bool = False
    hints: int = 0  # hints shown
    solution_seen: bool = False


@dataclass
class Exam:
    seed: int
    minutes: int
    started: float  # epoch seconds
    tasks: list[Task]
    context: str = ""
    current: int = 0  # the task shown
    shown_since: float = 0.0  # when the current task was shown (time spent accrues)
    ended: float = 0.0
    #: The node's facts for tasks that name them (attempts.node_facts), read at start.
    facts: dict[str, str] = field(default_factory=dict)

    def remaining(self, now: float | None = None) -> float:
        now = time.time() if now is None else now
        return self.minutes * 60 - ((self.ended or now) - self.started)

    def show(self, index: int, now: float | None = None) -> None:
        """Move to task `index` (its time starts; the previous one's stops)."""
        now = time.time() if now is None else now
        self.account(now)
        self.current = max(0, min(index, len(self.tasks) - 1))

    def account(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        if self.shown_since and not self.ended:
            self.tasks[self.current].seconds += max(0.0, now - self.shown_since)
        self.shown_since = now


@dataclass
class TaskResult:
    task: Task
    title: str
    passed: int
    total: int
    points: float
    solution: tuple[str, ...]
    results: list[Result] = field(default_factory=list)


@dataclass
class Report:
    exam: Exam
    tasks: list[TaskResult]

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tasks)

    @property
    def possible(self) -> int:
        return sum(t.task.weight for t in self.tasks)

    @property
    def percent(self) -> int:
        return int(100 * self.points / self.possible) if self.possible else 0

    @property
    def passed(self) -> bool:
        return self.percent >= PASS_MARK


def weight_of(drill: Drill) -> int:
    """A task's points: its time budget (a longer task is worth more), as killer.sh weighs
    its tasks from 1 to 8 %."""
    return drill.minutes


def draw(drills: list[Drill], seed: int, count: int = DEFAULT_TASKS) -> list[Task]:
    """`count` different drills (all of them if fewer), in an order and with task seeds
    drawn from `seed`: the same seed, the same exam."""
    rng = random.Random(f"exam/{seed}")
    chosen = rng.sample(sorted(drills, key=lambda d: d.id), min(count, len(drills)))
    tasks = []
    for drill in chosen:
        task_seed = rng.randint(1, 99_999)
        attempt = render_attempt(drill, task_seed)
        tasks.append(Task(drill.id, task_seed, attempt.namespace, weight_of(drill)))
    return tasks


def drawable(conn: Connection, drills: dict[str, Drill]) -> tuple[list[Drill], dict[str, str]]:
    """The drills this cluster can set up, and its node's facts: a drill naming a fact of
    the node that the cluster does not give (a staticPodPath, a directory for volumes) is
    left out."""
    facts: dict[str, str] = {}
    if any(attempts.needs_node(d) for d in drills.values()):
        with contextlib.suppress(ClusterError):
            facts = attempts.node_facts(conn)
    return [d for d in drills.values()
            if all(p.value in facts for p in d.parameters if p.kind == "node")], facts


def new(conn: Connection, drills: dict[str, Drill], seed: int, minutes: int, count: int,
        now: float) -> Exam:
    """An exam drawn from the drills this cluster can set up, with the node's facts for
    the tasks that name them."""
    here, facts = drawable(conn, drills)
    return Exam(seed, minutes, now, draw(here, seed, count), conn.context, 0, now, facts=facts)


def attempt_of(exam: Exam, task: Task, drills: dict[str, Drill]) -> Attempt:
    return render_attempt(drills[task.drill], task.seed, task.namespace, exam.facts)


# --------------------------------------------------------------------------- cluster


def start(conn: Connection, exam: Exam, drills: dict[str, Drill]) -> None:
    """Every task's namespace and setup, at the same time; none left if one fails."""
    def one(task: Task) -> None:
        attempts.start(conn, attempt_of(exam, task, drills))

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda t: _catch(one, t), exam.tasks))
    failed = next((o for o in outcomes if o is not None), None)
    if failed is not None:
        discard(conn, exam)
        raise failed


def _catch(fn, task: Task) -> ClusterError | None:
    try:
        fn(task)
    except ClusterError as exc:
        return exc
    return None


def grade(conn: Connection, exam: Exam, drills: dict[str, Drill]) -> Report:
    """Every task graded now (behaviours observed), at the same time."""
    def one(task: Task) -> TaskResult:
        drill = drills[task.drill]
        attempt = attempt_of(exam, task, drills)
        try:
            results = evaluate_all(attempt.checks, attempts.graded(conn, attempt))
        except ClusterError:
            results = evaluate_all(attempt.checks, {})
        passed, total = score(results)
        points = task.weight * passed / total if total else 0.0
        return TaskResult(task, drill.title, passed, total, points, attempt.solution, results)

    with ThreadPoolExecutor(max_workers=6) as pool:
        return Report(exam, list(pool.map(one, exam.tasks)))


def discard(conn: Connection, exam: Exam) -> None:
    """Delete every task's namespace (those already gone are skipped)."""
    def one(task: Task) -> None:
        with contextlib.suppress(ClusterError):
            attempts.reset(conn, task.namespace)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(one, exam.tasks))


# --------------------------------------------------------------------------- files


def exam_path() -> Path:
    return state_dir() / "exam.json"


def history_path() -> Path:
    return state_dir() / "exam-history.jsonl"


def save(exam: Exam) -> None:
    path = exam_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(exam)), encoding="utf-8")
    tmp.replace(path)


def load() -> Exam | None:
    try:
        data = json.loads(exam_path().read_text(encoding="utf-8"))
        data["tasks"] = [Task(**t) for t in data["tasks"]]
        return Exam(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def clear() -> None:
    exam_path().unlink(missing_ok=True)


def record(report: Report, now: float | None = None) -> dict:
    """Append the exam's result to the exam history."""
    now = time.time() if now is None else now
    exam = report.exam
    entry = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "seed": exam.seed, "minutes": exam.minutes,
        "seconds": int((exam.ended or now) - exam.started),
        "percent": report.percent, "passed": report.passed,
        "points": round(report.points, 2), "possible": report.possible,
        "tasks": [{"drill": t.task.drill, "seed": t.task.seed, "weight": t.task.weight,
                   "passed": t.passed, "total": t.total, "points": round(t.points, 2),
                   "seconds": int(t.task.seconds), "flagged": t.task.flagged,
                   "hints": t.task.hints, "solution_seen": t.task.solution_seen}
                  for t in report.tasks],
    }
    append_line(history_path(), entry)
    return entry


def history() -> list[dict]:
    return [e for e in read_lines(history_path()) if isinstance(e.get("tasks"), list)]


def report_lines(report: Report, width: int | None = None) -> list[str]:
    """The report as text: one line per task, then the total against the pass mark. A
    line longer than `width` (80 columns) has its notes abbreviated, as k9s does (`flag`,
    `2h` for two hints, `sol` for the solution seen), rather than wrapped."""
    from podtui.drills.state import clock

    tasks = max((len(t.task.drill) for t in report.tasks), default=5)

    def lines_with(short: bool) -> list[str]:
        lines = [f"{'#':>2}  {'TASK':<{tasks}}  CHECKS  POINTS     TIME  NOTES"]
        for i, t in enumerate(report.tasks, 1):
            notes = []
            if t.task.flagged:
                notes.append("flag" if short else "flagged")
            if t.task.hints:
                count = t.task.hints
                notes.append(f"{count}h" if short else f"{count} hint{'s' if count > 1 else ''}")
            if t.task.solution_seen:
                notes.append("sol" if short else "solution seen")
            lines.append(f"{i:>2}  {t.task.drill:<{tasks}}  {t.passed:>2}/{t.total:<3} "
                         f"{t.points:>4.1f}/{t.task.weight:<2} {clock(t.task.seconds):>7}  "
                         f"{(',' if short else ', ').join(notes)}".rstrip())
        return lines

    lines = lines_with(short=False)
    if width is not None and max(len(line) for line in lines) > width:
        lines = lines_with(short=True)
    verdict = "PASS" if report.passed else "FAIL"
    lines.append(f"total {report.points:.1f}/{report.possible} points = {report.percent} % "
                 f"(pass mark {PASS_MARK} %): {verdict}")
    return lines
