"""`:exam`: the mock exam. One clock for every task, no checklist (nothing is graded until
the end), move between tasks (n/p), flag one to come back to (f), `!` opens a shell with
kubectl in the task's namespace; `E` twice ends it: every task graded, then the report
(checks passed, points, time spent, the reference solution), kept in the exam history.
Fits 80x24."""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe
from podtui.drills import exam as exams
from podtui.drills.loader import load_drills
from podtui.drills.model import Drill
from podtui.drills.params import new_seed
from podtui.ui.keys import bindings as keymap
from podtui.ui.screens.drill import SolutionScreen, reflow, task_shell
from podtui.ui.widgets.key_bar import KeyBar


class ExamScreen(Screen):
    BINDINGS = keymap.EXAM

    class Started(Message):
        """The start worker resumed or started the exam (`how`)."""

        def __init__(self, exam: exams.Exam, how: str) -> None:
            super().__init__()
            self.exam = exam
            self.how = how

    class Graded(Message):
        """The end worker graded and recorded the exam."""

        def __init__(self, report: exams.Report) -> None:
            super().__init__()
            self.report = report

    class Failed(Message):
        """A worker could not start or grade the exam: one line."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text
    DEFAULT_CSS = """
    ExamScreen #head { height: 1; background: $panel; padding: 0 1; }
    ExamScreen #tasks { height: auto; max-height: 2; padding: 0 1; }
    ExamScreen #task-box { height: 1fr; padding: 0 1; border-top: solid $primary; }
    ExamScreen #hints { height: auto; max-height: 2; padding: 0 1; color: $text-warning; }
    ExamScreen #message { height: auto; max-height: 2; padding: 0 1; color: $text-error; }
    ExamScreen #message.-info { color: $text-success; }
    """

    def __init__(self, conn: Connection, seed: int | None = None, minutes: int | None = None,
                 tasks: int | None = None, readonly: bool = False) -> None:
        super().__init__()
        self.conn = conn
        self.seed = seed
        self.minutes = minutes or exams.DEFAULT_MINUTES
        self.count = tasks or exams.DEFAULT_TASKS
        self.readonly = readonly or conn.readonly
        self.exam: exams.Exam | None = None
        self.drills: dict[str, Drill] = {}
        self.report: exams.Report | None = None
        self.ending = False
        self.end_asked = False

    def compose(self) -> ComposeResult:
        yield Static(id="head")
        yield Static(id="tasks")
        with VerticalScroll(id="task-box"):
            yield Static(id="task")
        yield Static(id="hints")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#task", Static).update("starting the exam: a namespace per task...")
        self.set_interval(1.0, self.tick)
        self.begin()

    def say(self, text: str, error: bool = True) -> None:
        line = self.query_one("#message", Static)
        line.update(Text(text))
        line.set_class(not error, "-info")

    # --- start or resume -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="exam-start", exit_on_error=False)
    def begin(self) -> None:
        try:
            self._begin()
        except Exception as exc:  # noqa: BLE001 - one line on screen
            self.post_message(self.Failed(f"cannot start the exam: {describe(exc)}"))

    def _begin(self) -> None:
        self.drills = {d.id: d for d in load_drills()[0]}
        exam = exams.load()
        if exam is not None and exam.context in ("", self.conn.context):
            exam.shown_since = time.time()
            self.post_message(self.Started(exam, "resumed"))
            return
        if exam is not None:
            raise ClusterError(f"an exam runs in context {exam.context!r}; end it there")
        if self.readonly:
            raise ClusterError("read-only mode: an exam writes to the cluster; refused")
        seed = self.seed if self.seed is not None else new_seed()
        now = time.time()
        exam = exams.new(self.conn, self.drills, seed, self.minutes, self.count, now)
        exams.start(self.conn, exam, self.drills)
        exam.shown_since = time.time()
        exams.save(exam)
        self.post_message(self.Started(exam, "started"))

    def on_exam_screen_failed(self, message: ExamScreen.Failed) -> None:
        self.say(message.text)

    def on_exam_screen_started(self, message: ExamScreen.Started) -> None:
        exam = self.exam = message.exam
        self.say(f"exam {exam.seed} {message.how}: {len(exam.tasks)} tasks, pass mark "
                 f"{exams.PASS_MARK} %; n/p move, f flags, ! opens a shell, E ends",
                 error=False)
        self.show_task()

    # --- display ---------------------------------------------------------------------

    def tick(self) -> None:
        if self.exam is None or self.ending:
            return
        if self.exam.remaining() <= 0:
            self.say("time is up: grading every task...", error=False)
            self.end_exam()
            return
        self.render_head()

    def render_head(self) -> None:
        head = Text()
        head.append("exam ", style="bold")
        if self.exam is not None:
            exam = self.exam
            task = exam.tasks[exam.current]
            head.append(f"{exam.seed}  task {exam.current + 1}/{len(exam.tasks)}  "
                        f"{task.weight} pts")
            if task.flagged:
                head.append("  ⚑ flagged", style="bold yellow")
            left = max(0, int(exam.remaining()))
            hours = f"{left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}"
            head.append(f"  {hours} left", style="bold red" if left < 600 else "bold")
        self.query_one("#head", Static).update(head)

    def render_tasks(self) -> None:
        line = Text()
        assert self.exam is not None
        for i, task in enumerate(self.exam.tasks):
            style = "reverse bold" if i == self.exam.current else ""
            line.append(f"{i + 1}{'⚑' if task.flagged else ''}", style=style)
            line.append(" ")
        self.query_one("#tasks", Static).update(line)

    def show_task(self) -> None:
        if self.exam is None:
            return
        task = self.exam.tasks[self.exam.current]
        attempt = exams.attempt_of(self.exam, task, self.drills)
        drill = self.drills[task.drill]
        text = Text()
        text.append(f"{drill.title}\n", style="bold")
        text.append(reflow(attempt.task))
        self.query_one("#task", Static).update(text)
        self.query_one("#task-box", VerticalScroll).scroll_home(animate=False)
        self.query_one("#hints", Static).update("")
        self.render_tasks()
        self.render_head()

    def save(self) -> None:
        if self.exam is None:
            return
        try:
            exams.save(self.exam)
        except OSError as exc:
            self.say(f"cannot save the exam: {exc.strerror or exc}")

    # --- keys ------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self.exam is None or self.ending:
            return
        self.exam.show((self.exam.current + step) % len(self.exam.tasks))
        self.end_asked = False
        self.save()
        self.show_task()

    def action_flag(self) -> None:
        if self.exam is None:
            return
        task = self.exam.tasks[self.exam.current]
        task.flagged = not task.flagged
        self.save()
        self.render_tasks()
        self.render_head()

    def action_scroll_task(self, lines: int) -> None:
        box = self.query_one("#task-box", VerticalScroll)
        box.scroll_to(y=box.scroll_y + lines, animate=False)

    def action_hint(self) -> None:
        if self.exam is None:
            return
        task = self.exam.tasks[self.exam.current]
        hints = exams.attempt_of(self.exam, task, self.drills).hints
        if not hints:
            self.say("this task has no hints")
            return
        task.hints = min(task.hints + 1, len(hints))
        self.save()
        self.query_one("#hints", Static).update(
            Text(f"hint {task.hints}/{len(hints)} (counted): {hints[task.hints - 1]}"))

    def action_solution(self) -> None:
        if self.exam is None:
            return
        task = self.exam.tasks[self.exam.current]
        task.solution_seen = True
        self.save()
        self.app.push_screen(SolutionScreen(exams.attempt_of(self.exam, task, self.drills)))

    def action_shell(self) -> None:
        if self.exam is None:
            self.say("the exam has not started: nothing to open a shell for")
            return
        task = self.exam.tasks[self.exam.current]
        task_shell(self, self.conn, task.namespace, task.drill,
                   f"podtui exam, task {self.exam.current + 1}")

    def action_end(self) -> None:
        if self.exam is None or self.ending:
            return
        if not self.end_asked:
            flagged = [str(i + 1) for i, t in enumerate(self.exam.tasks) if t.flagged]
            note = f" (flagged: {', '.join(flagged)})" if flagged else ""
            self.say(f"press E again to end the exam and grade every task{note}")
            self.end_asked = True
            return
        self.say("grading every task...", error=False)
        self.end_exam()

    # --- the end ---------------------------------------------------------------------

    def end_exam(self) -> None:
        if self.exam is None or self.ending:
            return
        self.ending = True
        now = time.time()
        self.exam.account(now)
        self.exam.ended = min(now, self.exam.started + self.exam.minutes * 60)
        self.save()
        self.grade()

    @work(thread=True, exclusive=True, group="exam-end", exit_on_error=False)
    def grade(self) -> None:
        assert self.exam is not None
        try:
            report = exams.grade(self.conn, self.exam, self.drills)
            exams.record(report)
            exams.discard(self.conn, self.exam)
            exams.clear()
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(f"cannot grade the exam: {describe(exc)}"))
            return
        self.post_message(self.Graded(report))

    def on_exam_screen_graded(self, message: ExamScreen.Graded) -> None:
        report = self.report = message.report
        self.say(f"exam ended: {report.percent} % ({'PASS' if report.passed else 'FAIL'}); "
                 "recorded: podtui exam history", error=not report.passed)
        self.app.push_screen(ExamReportScreen(report))


class ExamReportScreen(Screen):
    """The report: a line per task (checks passed, points, time spent, flags, hints,
    solution seen), the total against the pass mark, and the selected task's checks and
    reference solution."""

    BINDINGS = keymap.EXAM_REPORT
    DEFAULT_CSS = """
    ExamReportScreen #table { height: auto; max-height: 19; padding: 0 1; }
    ExamReportScreen #selected { height: 1fr; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, report: exams.Report) -> None:
        super().__init__()
        self.report = report
        self.selected = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="table"):
            yield Static(id="lines")
        with VerticalScroll(id="selected"):
            yield Static(id="solution")
        yield KeyBar()

    def on_mount(self) -> None:
        self.render_report()

    def render_report(self) -> None:
        # The table's width: the screen's less its padding (one column each side).
        lines = exams.report_lines(self.report, width=self.app.size.width - 2)
        text = Text()
        text.append(lines[0] + "\n", style="bold")
        for i, line in enumerate(lines[1:-1]):
            text.append(line + "\n", style="reverse" if i == self.selected else "")
        text.append(lines[-1], style="bold green" if self.report.passed else "bold red")
        self.query_one("#lines", Static).update(text)
        task = self.report.tasks[self.selected]
        detail = Text()
        detail.append(f"task {self.selected + 1}: {task.title}\n", style="bold")
        for result in task.results:
            mark, style = ("✔", "green") if result.passed else ("✘", "red")
            detail.append(f"{mark} ", style=f"bold {style}")
            detail.append(f"{result.check.say}: {result.detail}\n")
        detail.append("\nReference solution (without podtui)\n", style="bold")
        for command in task.solution:
            detail.append(command.rstrip() + "\n")
        self.query_one("#solution", Static).update(detail)

    def action_move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.report.tasks)
        self.render_report()
        self.query_one("#selected", VerticalScroll).scroll_home(animate=False)
