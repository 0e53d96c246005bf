"""`podtui drill ...`: exam drills from the command line (scripts, CI, the exam's habit).

    podtui drill list                     # id, time budget, title, curriculum tag
    podtui drill show ID [--seed N]       # the task as `start` would print it (no cluster)
    podtui drill start ID [--seed N]      # own namespace + setup; prints the task
    podtui drill check ID                 # one line per check; exit 0 only if all pass
    podtui drill reset ID                 # deletes the attempt's namespace
    podtui drill history                  # date, drill, seed, time used, score

Errors are one line on stderr, exit 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import PurePath
from typing import TextIO

from podtui.cli.terminal_text import one_line
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, redact
from podtui.drills import attempts, state
from podtui.drills.checks import evaluate_all, score
from podtui.drills.loader import DrillError, load_drills, render_attempt
from podtui.drills.model import Attempt, Drill
from podtui.drills.params import new_seed

ACTIONS = ("list", "show", "start", "check", "reset", "history")
CLUSTER_ACTIONS = ("start", "check", "reset")


class CliError(Exception):
    """One line for stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Exam drills graded live on the cluster."
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("drill", nargs="?", metavar="ID", help="the drill's id")
    parser.add_argument("--seed", type=int, help="draw the same task again (start, show)")


def find_drill(wanted: str | None) -> Drill:
    if not wanted:
        raise CliError("which drill? (podtui drill list)")
    drills, errors = load_drills()
    found = next((d for d in drills if d.id == wanted), None)
    if found:
        return found
    for exc in errors:
        if exc.template == wanted or (exc.source and PurePath(exc.source).stem == wanted):
            raise exc
    have = ", ".join(d.id for d in drills) or "none"
    raise CliError(f"unknown drill {wanted!r} (have: {have})")


def run(conn: Connection | None, args: argparse.Namespace,
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        if args.action == "list":
            return _list(out, err)
        if args.action == "history":
            return _history(out)
        drill = find_drill(args.drill)
        if args.action == "show":
            attempt = render_attempt(drill, args.seed if args.seed is not None else new_seed())
            _print_task(attempt, out)
            return 0
        assert conn is not None
        if args.action == "start":
            return _start(conn, drill, args.seed, out)
        if args.action == "check":
            return _check(conn, drill, out, err)
        return _reset(conn, drill, out)
    except (CliError, DrillError, ClusterError) as exc:
        print(f"podtui drill {args.action}: {redact(one_line(str(exc)))}", file=err)
        return 1
    except OSError as exc:  # the state directory: unwritable, full disk
        print(f"podtui drill {args.action}: cannot write the drill state: "
              f"{exc.strerror or exc} ({exc.filename or state.state_dir()})", file=err)
        return 1


def _list(out: TextIO, err: TextIO) -> int:
    drills, errors = load_drills()
    width = max((len(d.id) for d in drills), default=4)
    for d in drills:
        mark = "" if d.builtin else "  (user)"
        out.write(f"{d.id:<{width}}  {d.minutes:>2} min  {d.title}  [{d.tag}]{mark}\n")
    for exc in errors:
        print(f"podtui drill list: {one_line(str(exc))}", file=err)
    return 0


def _print_task(attempt: Attempt, out: TextIO) -> None:
    d = attempt.drill
    out.write(f"{d.title}  [{d.tag}]\n")
    out.write(f"namespace {attempt.namespace}, seed {attempt.seed}, {d.minutes} minutes\n\n")
    out.write(attempt.task + "\n")


def _start(conn: Connection, drill: Drill, seed: int | None, out: TextIO) -> int:
    if conn.readonly:
        raise CliError("read-only mode: starting a drill writes to the cluster; refused")
    previous = state.load_current(drill.id)
    if previous is not None and previous.runs_in(conn.context):
        attempts.reset(conn, previous.namespace)
        state.clear_current(drill.id)
    attempt = attempts.render(conn, drill, seed if seed is not None else new_seed())
    attempts.start(conn, attempt)
    state.save_current(state.Current(drill.id, attempt.seed, attempt.namespace, time.time(),
                                     conn.context))
    _print_task(attempt, out)
    out.write(f"\nCheck with: podtui drill check {drill.id}\n")
    return 0


def current_attempt(drill: Drill, conn: Connection) -> tuple[state.Current, Attempt]:
    current = state.load_current(drill.id)
    if current is None:
        raise CliError(f"no attempt of {drill.id} in progress (podtui drill start {drill.id})")
    if not current.runs_in(conn.context):
        raise CliError(f"the attempt of {drill.id} runs in context {current.context!r}, not "
                       f"{conn.context!r} (use --context {current.context})")
    return current, attempts.render(conn, drill, current.seed, current.namespace)


def _check(conn: Connection, drill: Drill, out: TextIO, err: TextIO) -> int:
    current, attempt = current_attempt(drill, conn)
    results = evaluate_all(attempt.checks, attempts.graded(conn, attempt))
    for result in results:
        out.write(result.line() + "\n")
    passed, total = score(results)
    used = time.time() - current.started
    print(f"score {passed}/{total}, {state.clock(used)} used of {drill.minutes}:00",
          file=err)
    if passed == total and not current.recorded:
        state.record(current, passed, total)
    return 0 if passed == total else 1


def _reset(conn: Connection, drill: Drill, out: TextIO) -> int:
    if conn.readonly:
        raise CliError("read-only mode: resetting a drill writes to the cluster; refused")
    current, attempt = current_attempt(drill, conn)
    if not current.recorded:
        try:  # the score it ends with goes into the history
            passed, total = score(evaluate_all(attempt.checks,
                                               attempts.graded(conn, attempt)))
            state.record(current, passed, total)
        except ClusterError:
            pass
    gone = attempts.reset(conn, attempt.namespace)
    state.clear_current(drill.id)
    out.write(f"namespace {attempt.namespace} {'deleted' if gone else 'was already gone'}\n")
    return 0


def _history(out: TextIO) -> int:
    records = state.history()
    if not records:
        out.write("no drills finished yet\n")
        return 0
    width = max(len(r.drill) for r in records)
    out.write(f"{'DATE':<20}  {'DRILL':<{width}}  {'SEED':>5}  {'TIME':>6}  SCORE\n")
    for r in records:
        out.write(f"{r.date:<20}  {r.drill:<{width}}  {r.seed:>5}  {state.clock(r.seconds):>6}"
                  f"  {r.score}\n")
    return 0
