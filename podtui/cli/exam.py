"""`podtui exam ...`: the mock exam from the command line (`:exam` in the dashboard).

    podtui exam start [--seed N] [--minutes M] [--tasks N]   # every task's namespace + setup
    podtui exam status                 # the tasks, their weights and flags, the clock
    podtui exam task N                 # task N's text (time on it counts from now)
    podtui exam flag N                 # flag (or unflag) task N to come back to
    podtui exam end                    # grade: the report, the reference solutions, history
    podtui exam history                # one line per finished exam

No feedback until the end: nothing is graded before `end` (or the clock running out).
Errors are one line on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from podtui.cli.terminal_text import one_line
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, redact
from podtui.drills import exam as exams
from podtui.drills.loader import DrillError, load_drills
from podtui.drills.params import new_seed
from podtui.drills.state import clock

ACTIONS = ("start", "status", "task", "flag", "end", "history")
CLUSTER_ACTIONS = ("start", "end")


class CliError(Exception):
    """One line for stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "A mock CKA/CKAD exam: drills under one clock, graded at the end."
    parser.add_argument("action", nargs="?", default="status", choices=ACTIONS)
    parser.add_argument("number", nargs="?", type=int, metavar="N", help="a task's number")
    parser.add_argument("--seed", type=int, help="draw the same exam again")
    parser.add_argument("--minutes", type=int,
                        help="the clock (default: drill.time_budget of the config, 2h)")
    parser.add_argument("--tasks", type=int, default=exams.DEFAULT_TASKS,
                        help=f"how many drills (default {exams.DEFAULT_TASKS})")


def run(conn: Connection | None, args: argparse.Namespace,
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if args.action == "history":
            return _history(out)
        drills = {d.id: d for d in load_drills()[0]}
        if args.action == "start":
            assert conn is not None
            return _start(conn, drills, args, out)
        exam = exams.load()
        if exam is None:
            raise CliError("no exam in progress (podtui exam start)")
        if args.action == "end":
            assert conn is not None
            return _end(conn, exam, drills, out)
        if exam.remaining() <= 0:
            raise CliError("time is up: podtui exam end shows the report")
        if args.action == "status":
            return _status(exam, drills, out)
        index = _number(args, exam)
        if args.action == "task":
            exam.show(index)
            exams.save(exam)
            task = exam.tasks[index]
            attempt = exams.attempt_of(exam, task, drills)
            out.write(f"task {index + 1}/{len(exam.tasks)}: {drills[task.drill].title} "
                      f"({task.weight} points), namespace {task.namespace}\n\n")
            out.write(attempt.task + "\n")
            return 0
        task = exam.tasks[index]  # flag
        task.flagged = not task.flagged
        exams.save(exam)
        out.write(f"task {index + 1} {'flagged' if task.flagged else 'unflagged'}\n")
        return 0
    except (CliError, DrillError, ClusterError) as exc:
        print(f"podtui exam {args.action}: {redact(one_line(str(exc)))}", file=err)
        return 1
    except OSError as exc:
        print(f"podtui exam {args.action}: cannot write the exam state: "
              f"{exc.strerror or exc} ({exc.filename or exams.exam_path()})", file=err)
        return 1


def _number(args: argparse.Namespace, exam: exams.Exam) -> int:
    if args.number is None or not 1 <= args.number <= len(exam.tasks):
        raise CliError(f"which task? (1-{len(exam.tasks)})")
    return args.number - 1


def _start(conn: Connection, drills: dict, args: argparse.Namespace, out: TextIO) -> int:
    if conn.readonly:
        raise CliError("read-only mode: an exam writes to the cluster; refused")
    if exams.load() is not None:
        raise CliError("an exam is in progress: podtui exam end first")
    if args.minutes is None:
        args.minutes = exams.DEFAULT_MINUTES
    if not 1 <= args.minutes <= 600 or not 1 <= args.tasks <= len(drills):
        raise CliError(f"--minutes 1-600 and --tasks 1-{len(drills)}")
    seed = args.seed if args.seed is not None else new_seed()
    now = time.time()
    exam = exams.new(conn, drills, seed, args.minutes, args.tasks, now)
    exams.start(conn, exam, drills)
    exams.save(exam)
    out.write(f"exam {seed}: {len(exam.tasks)} tasks, {exam.minutes} minutes, pass mark "
              f"{exams.PASS_MARK} %\n")
    _status(exam, drills, out)
    out.write("\npodtui exam task N prints a task; podtui exam end grades them all.\n")
    return 0


def _status(exam: exams.Exam, drills: dict, out: TextIO) -> int:
    for i, task in enumerate(exam.tasks, 1):
        mark = "⚑" if task.flagged else " "
        here = ">" if i - 1 == exam.current else " "
        out.write(f"{here}{i:>2} {mark} {task.weight:>2} pts  {drills[task.drill].title}  "
                  f"(namespace {task.namespace})\n")
    out.write(f"{clock(exam.remaining())} left\n")
    return 0


def _end(conn: Connection, exam: exams.Exam, drills: dict, out: TextIO) -> int:
    now = time.time()
    exam.account(now)
    exam.ended = min(now, exam.started + exam.minutes * 60)
    report = exams.grade(conn, exam, drills)
    exams.record(report)
    for line in exams.report_lines(report):
        out.write(line + "\n")
    out.write("\nReference solutions:\n")
    for i, t in enumerate(report.tasks, 1):
        out.write(f"\n# task {i}: {t.title}\n")
        for command in t.solution:
            out.write(command.rstrip() + "\n")
    exams.discard(conn, exam)
    exams.clear()
    return 0 if report.passed else 1


def _history(out: TextIO) -> int:
    entries = exams.history()
    if not entries:
        out.write("no exams finished yet\n")
        return 0
    out.write(f"{'DATE':<20}  {'SEED':>5}  {'TIME':>6}  {'SCORE':>5}  RESULT  HINTS  "
              "SOLUTIONS\n")
    for e in entries:
        hints = sum(t.get("hints", 0) for t in e["tasks"])
        seen = sum(1 for t in e["tasks"] if t.get("solution_seen"))
        out.write(f"{e.get('date', ''):<20}  {e.get('seed', 0):>5}  "
                  f"{clock(e.get('seconds', 0)):>6}  {e.get('percent', 0):>4}%  "
                  f"{'PASS' if e.get('passed') else 'FAIL':<6}  {hints:>5}  {seen:>9}\n")
    return 0
