"""The drill screen: the task, a countdown, the checklist re-evaluated live from watches,
hints on demand, the solution on request, the score at the end; `!` opens a shell with
kubectl pointed at the attempt's namespace. Fits 80x24."""

from __future__ import annotations

import subprocess
import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, describe
from podtui.drills import attempts, state
from podtui.drills.checks import Result, evaluate_all, score
from podtui.drills.live import LiveObjects
from podtui.drills.model import Attempt, Drill
from podtui.drills.params import new_seed
from podtui.ui.keys import bindings as keymap
from podtui.ui.widgets.key_bar import KeyBar

#: Seconds between two looks at what the pod does (the behavioural checks): a command, a
#: log or a port changes without any object changing.
OBSERVE_SECONDS = 3.0


def reflow(task: str) -> str:
    """Join a task's hard-wrapped lines so the screen wraps them at its own width; list
    items ("- ...") and blank lines keep their breaks."""
    out: list[str] = []
    for line in task.splitlines():
        stripped = line.strip()
        # an indented line continues a list item; an unindented one, a paragraph
        joins = line[:1].isspace() or not out or not out[-1].startswith("- ")
        if out and out[-1] and stripped and not stripped.startswith("- ") and joins:
            out[-1] += " " + stripped
        else:
            out.append(stripped)
    return "\n".join(out)


class SolutionScreen(ModalScreen):
    BINDINGS = [Binding("escape,s,q", "app.pop_screen", "Close", id="solution.close")]
    DEFAULT_CSS = """
    SolutionScreen { align: center middle; }
    SolutionScreen > VerticalScroll { width: 95%; height: 90%; border: round $warning;
        background: $surface; padding: 0 1; }
    """

    def __init__(self, attempt: Attempt) -> None:
        super().__init__()
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Reference solution (without podtui)", style="bold"))
            for command in self.attempt.solution:
                yield Static(Text(command.rstrip() + "\n"))


class DrillScreen(Screen):
    BINDINGS = keymap.DRILL
    DEFAULT_CSS = """
    DrillScreen #head { height: 1; background: $panel; padding: 0 1; }
    DrillScreen #task-box { height: auto; max-height: 6; padding: 0 1; }
    DrillScreen #checks { height: auto; padding: 0 1; border-top: solid $primary; }
    DrillScreen #detail { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    DrillScreen #hints { height: auto; max-height: 2; padding: 0 1; color: $text-warning; }
    DrillScreen #message { height: auto; max-height: 2; padding: 0 1; color: $text-error; }
    DrillScreen #message.-info { color: $text-success; }
    """

    class ObjectsChanged(Message):
        """A watched object changed (posted from a watcher's thread)."""

    class WatchTrouble(Message):
        """A watch cannot see the namespace (forbidden, reconnecting) or sees it again."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Started(Message):
        """The start worker resumed or started an attempt (`how`)."""

        def __init__(self, attempt: Attempt, current: state.Current, how: str) -> None:
            super().__init__()
            self.attempt = attempt
            self.current = current
            self.how = how

    class NotStarted(Message):
        """The attempt is shown but was not started (`why`: read-only, a refusal); with
        `attempt` None, nothing could be shown either."""

        def __init__(self, attempt: Attempt | None, why: str) -> None:
            super().__init__()
            self.attempt = attempt
            self.why = why

    class Observed(Message):
        """What the behavioural checks observed for `attempt` (the observe worker's)."""

        def __init__(self, attempt: Attempt, found: dict[str, dict]) -> None:
            super().__init__()
            self.attempt = attempt
            self.found = found

    def __init__(self, conn: Connection, drill: Drill, seed: int | None = None,
                 readonly: bool = False) -> None:
        super().__init__()
        self.conn = conn
        self.drill = drill
        self.seed = seed
        self.readonly = readonly or conn.readonly
        self.attempt: Attempt | None = None
        self.current: state.Current | None = None
        self.results: list[Result] = []
        self.hints_shown = 0
        self.solution_seen = False
        self.final: str = ""  # the score line once the attempt has ended
        self.live: LiveObjects | None = None
        #: What the behavioural checks last observed (a command, a log, a port...).
        self.observed: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="head")
        with VerticalScroll(id="task-box"):
            yield Static(id="task")
        yield Static(id="checks")
        yield Static(id="detail")
        yield Static(id="hints")
        yield Static(id="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.render_head()
        self.query_one("#checks", Static).update("starting...")
        self.set_interval(1.0, self.render_head)
        self.set_interval(OBSERVE_SECONDS, self.observe)
        self.begin()

    def on_unmount(self) -> None:
        if self.live:
            self.live.stop()

    def say(self, text: str, error: bool = True) -> None:
        line = self.query_one("#message", Static)
        line.update(Text(text))  # not markup: API messages may hold [brackets]
        line.set_class(not error, "-info")

    # --- start or resume -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="drill-start", exit_on_error=False)
    def begin(self, restart: bool = False) -> None:
        try:
            self._begin(restart)
        except Exception as exc:  # noqa: BLE001 - one line on screen, never a traceback
            self.post_message(self.NotStarted(None, f"cannot start the drill: {describe(exc)}"))

    def _begin(self, restart: bool) -> None:
        """Resume the attempt in progress (say, one `podtui drill start` made), else start
        one: its namespace and setup."""
        current = None if restart else state.load_current(self.drill.id)
        if (current is not None and current.runs_in(self.conn.context)
                and self.seed in (None, current.seed)):
            attempt = attempts.render(self.conn, self.drill, current.seed, current.namespace)
            self.post_message(self.Started(attempt, current, "resumed"))
            return
        attempt = attempts.render(self.conn, self.drill, self.seed if self.seed is not None
                                  and not restart else new_seed())
        if self.readonly:
            self.post_message(self.NotStarted(attempt, "read-only mode: starting a drill "
                                              "writes to the cluster; refused"))
            return
        try:
            previous = state.load_current(self.drill.id)
            if previous is not None and previous.runs_in(self.conn.context):
                attempts.reset(self.conn, previous.namespace)
                state.clear_current(self.drill.id)
            attempts.start(self.conn, attempt)
        except ClusterError as exc:
            self.post_message(self.NotStarted(attempt, describe(exc)))
            return
        current = state.Current(self.drill.id, attempt.seed, attempt.namespace, time.time(),
                                self.conn.context)
        state.save_current(current)
        self.post_message(self.Started(attempt, current, "started"))

    def on_drill_screen_not_started(self, message: DrillScreen.NotStarted) -> None:
        attempt = message.attempt
        if attempt is None:
            self.say(message.why)
            return
        self.attempt = attempt
        self.query_one("#task", Static).update(Text(reflow(attempt.task)))
        self.query_one("#checks", Static).update("not started")
        self.say(message.why)

    def on_drill_screen_started(self, message: DrillScreen.Started) -> None:
        attempt, how = message.attempt, message.how
        self.attempt, self.current = attempt, message.current
        self.observed = {}
        self.final = ""
        self.hints_shown = 0
        self.solution_seen = False
        self.query_one("#task", Static).update(Text(reflow(attempt.task)))
        self.query_one("#hints", Static).update("")
        self.say(f"{how}: namespace {attempt.namespace}, seed {attempt.seed}; ! opens a shell",
                 error=False)
        if self.live:
            self.live.stop()
        self.live = LiveObjects(self.conn, attempt.namespace,
                                on_change=lambda: self.post_message(self.ObjectsChanged()),
                                on_status=self._watch_status)
        self.live.start()
        self.render_head()

    # --- live checklist --------------------------------------------------------------

    def _watch_status(self, kind: str, status) -> None:  # a watcher's thread
        if status.state in ("forbidden", "reconnecting", "error") and status.message:
            self.post_message(self.WatchTrouble(f"watching {kind}s: {status.message}"))
        elif status.state == "live" and self._trouble:
            self.post_message(self.WatchTrouble(""))

    _trouble = False

    def on_drill_screen_watch_trouble(self, message: DrillScreen.WatchTrouble) -> None:
        self._trouble = bool(message.text)
        if message.text:
            self.say(message.text)
        else:
            self.say("watching again", error=False)

    @work(thread=True, exclusive=True, group="drill-observe", exit_on_error=False)
    def observe(self) -> None:
        """Observe the behaviours the checks need (in a thread: a window takes seconds)."""
        attempt, live = self.attempt, self.live
        if attempt is None or live is None or not live.ready or self.readonly or not any(
                c.probe for c in attempt.checks):
            return
        from podtui.drills.probes import observe

        found = observe(self.conn, attempt.namespace, attempt.checks, live.snapshot())
        self.post_message(self.Observed(attempt, found))

    def on_drill_screen_observed(self, message: DrillScreen.Observed) -> None:
        if message.attempt is self.attempt:  # not one restarted meanwhile
            self.observed = message.found
            self.post_message(self.ObjectsChanged())

    def on_drill_screen_objects_changed(self, _message: DrillScreen.ObjectsChanged) -> None:
        if self.attempt is None or self.live is None or not self.live.ready:
            return
        self.results = evaluate_all(self.attempt.checks,
                                    {**self.live.snapshot(), "probe": self.observed})
        lines = Text()
        for result in self.results:
            mark, style = ("✔", "green") if result.passed else ("✘", "red")
            lines.append(f"{mark} ", style=f"bold {style}")
            lines.append(result.check.say + "\n")
        passed, total = score(self.results)
        lines.append(f"{passed}/{total} checks pass", style="bold")
        self.query_one("#checks", Static).update(lines)
        failing = next((r for r in self.results if not r.passed), None)
        self.query_one("#detail", Static).update(Text(failing.detail) if failing else "")
        if passed == total and not self.final:
            self.finish("all checks pass")
        self.render_head()

    def remaining(self) -> float:
        if self.current is None:
            return self.drill.minutes * 60
        return self.drill.minutes * 60 - (time.time() - self.current.started)

    def render_head(self) -> None:
        head = Text()
        head.append("drill ", style="bold")
        head.append(self.drill.title)
        if self.attempt is not None and self.current is not None:
            left = self.remaining()
            if self.final:
                head.append(f"  {self.final}", style="bold")
            elif left <= 0:
                self.finish("time is up")
                return
            else:
                style = "bold red" if left < 60 else "bold"
                head.append(f"  {state.clock(left)} left", style=style)
        self.query_one("#head", Static).update(head)

    def finish(self, why: str) -> None:
        """End of the attempt: the score is recorded once (the checks stay live)."""
        if self.current is None or self.attempt is None:
            return
        passed, total = score(self.results) if self.results else (0, len(self.attempt.checks))
        used = state.clock(time.time() - self.current.started)
        note = ", solution seen" if self.solution_seen else ""
        self.final = f"score {passed}/{total} in {used}{note}"
        where = "recorded; podtui drill history"
        if not self.current.recorded:
            try:
                state.record(self.current, passed, total)
            except OSError as exc:
                where = f"not recorded: {exc.strerror or exc}"
        self.say(f"{why}: {self.final} ({where})", error=passed != total)
        self.render_head()

    # --- keys ------------------------------------------------------------------------

    def action_scroll_task(self, lines: int) -> None:
        box = self.query_one("#task-box", VerticalScroll)
        box.scroll_to(y=box.scroll_y + lines, animate=False)

    def action_hint(self) -> None:
        if self.attempt is None:
            return
        hints = self.attempt.hints
        if not hints:
            self.say("this drill has no hints")
            return
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        n = self.hints_shown
        self.query_one("#hints", Static).update(Text(f"hint {n}/{len(hints)}: {hints[n - 1]}"))

    def action_solution(self) -> None:
        if self.attempt is None:
            return
        self.solution_seen = True
        self.app.push_screen(SolutionScreen(self.attempt))

    def action_end(self) -> None:
        if self.final:
            self.say(self.final, error=False)
        else:
            self.finish("ended")

    def on_key(self, event) -> None:
        # Read-only: R answers naming the key pressed (the config file's, when remapped).
        if self.readonly and keymap.bound_action(self, event.key) == "reset":
            event.stop()
            self.say(keymap.refusal("read-only mode", event.key,
                                    "resetting a drill writes to the cluster"))

    def action_reset(self) -> None:
        if self.readonly:  # reached without its key
            self.say("read-only mode: resetting a drill writes to the cluster; refused")
            return
        if self.attempt is not None and self.current is not None and not self.final:
            self.finish("reset")
        from podtui.anatomy import kubectl

        old = f" · {kubectl.delete_namespace(self.attempt.namespace)}" if self.attempt else ""
        self.say(f"resetting: a new namespace and a new seed...{old}", error=False)
        self.begin(restart=True)

    def action_shell(self) -> None:
        if self.attempt is None or self.current is None:
            self.say("no attempt running: nothing to open a shell for")
            return
        task_shell(self, self.conn, self.attempt.namespace, self.drill.id,
                   f"podtui drill {self.drill.id}")


def task_shell(screen, conn, namespace: str, drill_id: str, who: str) -> None:
    """The user's shell, the app suspended, with kubectl pointed at a task's namespace (the
    drill screen's and the exam's `!`); a failure is one line on `screen`."""
    from podtui.drills.shell import shell_env, user_shell

    try:
        env, front = shell_env(conn, namespace, drill_id)
    except ClusterError as exc:
        screen.say(describe(exc))
        return
    try:
        with screen.app.suspend():
            print(f"{who}: kubectl now uses namespace {namespace}; type exit to return.",
                  flush=True)
            subprocess.run([user_shell()], env=env, check=False)
    except Exception as exc:  # noqa: BLE001 - e.g. no terminal to suspend
        screen.say(f"cannot open a shell: {describe(exc)}")
    finally:
        front.unlink(missing_ok=True)
    screen.refresh()
