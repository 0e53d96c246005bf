"""A `panes` action's commands side by side: the run panes of `x`, fed by local processes.

Output shows as it comes (a `stern` never ends), the exit code goes in the pane's border
when the command ends, `r` runs them again and leaving the screen stops what still runs.
"""

from __future__ import annotations

import shlex
import threading
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from podtui.actions.outcome import Outcome
from podtui.actions.process import Captured
from podtui.ui.screens.run_panes import RunPane, RunPanesScreen, RunSpec
from podtui.ui.throttle import Throttle
from podtui.ui.widgets.key_bar import KeyBar
from podtui.ui.widgets.log_view.text import display_text

#: What a pane keeps of each stream, in characters: the end of a long run.
KEEP = 200_000
#: Seconds between two repaints of a pane whose command writes a lot.
MIN_PAINT_GAP = 0.1


@dataclass(frozen=True)
class Run:
    """One command of an action, for one pod or container."""

    #: How the status line names its target (namespace/pod, and the container).
    label: str
    #: The pane's title (the pod's or the container's name).
    title: str
    argv: tuple[str, ...]


class ActionPane(RunPane):
    class Waiting(Message):
        """Output or the end of the command waits (posted from its reader threads)."""

        bubble = False

    def __init__(self, run: Run, **kwargs) -> None:
        super().__init__(RunSpec(run.title, "", run.argv), **kwargs)
        self.job = run
        self.captured: Captured | None = None
        self.outcome: Outcome | None = None
        self.output = {"stdout": "", "stderr": ""}
        self._lock = threading.Lock()
        self._pending: list[tuple[str, str]] = []
        self._ended: Outcome | None = None
        self._throttle = Throttle(self, self._paint, MIN_PAINT_GAP)

    def start(self) -> None:
        if self.captured is not None:
            self.captured.stop()
        self.outcome, self._ended = None, None
        self.output = {"stdout": "", "stderr": ""}
        with self._lock:
            self._pending.clear()
        self.border_subtitle = "running…"
        self.remove_class("-failed")
        for name in ("stdout", "stderr", "status"):
            self.query_one(f".{name}", Static).update("")
        # Its own callbacks: a run replaced by `r` must not write into the new one's pane.
        captured = Captured(self.job.argv, lambda s, t: self._output(captured, s, t),
                            lambda o: self._end(captured, o), name="action-pane")
        self.captured = captured
        captured.start()

    def stop(self) -> None:
        if self.captured is not None:
            self.captured.stop()

    def _output(self, captured: Captured, stream: str, text: str) -> None:
        with self._lock:
            if captured is not self.captured:
                return
            first = not self._pending
            self._pending.append((stream, text))
        if first:
            self.post_message(self.Waiting())

    def _end(self, captured: Captured, outcome: Outcome) -> None:
        with self._lock:
            if captured is not self.captured:
                return
            self._ended = outcome
        self.post_message(self.Waiting())

    def on_action_pane_waiting(self, _message: Waiting) -> None:
        self._throttle.wake()

    def _paint(self) -> None:
        self._throttle.ran()
        with self._lock:
            pending, self._pending = self._pending, []
            ended = self._ended
        for stream in ("stdout", "stderr"):
            added = "".join(text for s, text in pending if s == stream)
            if not added:
                continue
            kept = (self.output[stream] + added.replace("\r\n", "\n"))[-KEEP:]
            self.output[stream] = kept
            # What a command prints is anyone's text: no escape sequence reaches the terminal.
            self.query_one(f".{stream}", Static).update(Text(display_text(kept)))
        if ended is not None and self.outcome is None:
            self.outcome = ended
            self.border_subtitle = ended.short
            if ended.exit_code is None:
                self.query_one(".status", Static).update(Text(display_text(ended.error)))
            self.set_class(not ended.ok, "-failed")
        if pending and self.max_scroll_y - self.scroll_y <= 1:
            self.call_after_refresh(self.scroll_end, animate=False)


class ActionPanesScreen(RunPanesScreen):
    """The run panes' keys (run_panes.*: `r`, `tab`, `esc`) for local commands."""

    def __init__(self, title: str, runs: list[Run]) -> None:
        super().__init__(None, "", "", title, [])  # type: ignore[arg-type] - no cluster here
        self.runs = runs
        self.panes = [ActionPane(run) for run in runs]

    def compose(self) -> ComposeResult:
        head = Text(self.title_text, style="bold")
        for command in dict.fromkeys(shlex.join(run.argv) for run in self.runs):
            head.append(f"\n{command}", style="dim")
        yield Static(head, id="run-title")
        with Horizontal():
            yield from self.panes
        yield KeyBar()

    def action_rerun(self) -> None:
        for pane in self.panes:
            pane.start()

    def on_unmount(self) -> None:
        for pane in self.panes:
            pane.stop()
