"""Commands run in containers, side by side: one pane each, stdout and stderr apart, the exit
code in the pane's title (`x`, and the Volumes view's listing from every container)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from podtui.anatomy import kubectl
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError
from podtui.cluster.exec import ExecResult, run
from podtui.ui.widgets.key_bar import KeyBar
from podtui.ui.widgets.log_view.text import display_text


@dataclass(frozen=True)
class RunSpec:
    title: str
    container: str
    command: tuple[str, ...]


class RunPane(VerticalScroll):
    DEFAULT_CSS = """
    RunPane { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; }
    RunPane.-failed { border: round $error; }
    /* The focused pane (tab moves it): the one the arrow keys scroll. */
    RunPane:focus { border: heavy $accent; }
    RunPane.-failed:focus { border: heavy $error; }
    RunPane .stderr { color: $text-error; }
    RunPane .note { color: $text-muted; }
    RunPane .status { margin-top: 1; }
    """

    def __init__(self, spec: RunSpec, **kwargs) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.result: ExecResult | None = None
        self.border_title = spec.title
        self.border_subtitle = "running…"

    def compose(self) -> ComposeResult:
        yield Static(Text(f"$ {shlex.join(self.spec.command)}"), classes="note")
        yield Static(classes="stdout")
        yield Static(classes="stderr")
        yield Static(classes="note status")

    def show(self, result: ExecResult | None, error: str = "") -> None:
        self.result = result
        stdout, stderr = self.query_one(".stdout", Static), self.query_one(".stderr", Static)
        status = self.query_one(".status", Static)
        if result is None:
            self.border_subtitle = "failed"
            status.update(Text(display_text(error)))
            self.add_class("-failed")
            return
        # What a container prints is anyone's text: no escape sequence reaches the terminal.
        stdout.update(Text(display_text(result.stdout)))
        stderr.update(Text(display_text(result.stderr)))
        # No exit code: the server's own line instead (e.g. a command the image lacks).
        status.update(Text(f"server: {display_text(result.error)}" if result.error else ""))
        if result.exit_code is None:
            self.border_subtitle = "no exit code"
        else:
            self.border_subtitle = f"exit {result.exit_code}"
        self.set_class(not result.ok, "-failed")


class RunPanesScreen(Screen):
    class Ran(Message):
        """A pane's command ended (`result`), or could not run (`error`)."""

        def __init__(self, pane: RunPane, result: ExecResult | None, error: str = "") -> None:
            super().__init__()
            self.pane = pane
            self.result = result
            self.error = error

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="run_panes.back"),
        Binding("r", "rerun", "Run again", id="run_panes.rerun"),
        Binding("tab", "next_pane", "Next pane", show=False, id="run_panes.next_pane"),
    ]
    DEFAULT_CSS = """
    RunPanesScreen #run-title { height: auto; padding: 0 1; background: $panel; }
    RunPanesScreen Horizontal { height: 1fr; }
    """

    def __init__(self, conn: Connection, namespace: str, pod: str, title: str,
                 specs: list[RunSpec]) -> None:
        super().__init__()
        self.conn, self.namespace, self.pod = conn, namespace, pod
        self.title_text = title
        self.specs = specs

    @property
    def kubectl(self) -> list[str]:
        return [kubectl.exec_in(self.namespace, self.pod, s.container, s.command)
                for s in self.specs]

    def compose(self) -> ComposeResult:
        head = Text(f"{self.namespace}/{self.pod}: {self.title_text}", style="bold")
        for line in dict.fromkeys(self.kubectl):
            head.append(f"\n{line}", style="dim")
        yield Static(head, id="run-title")
        with Horizontal():
            for spec in self.specs:
                yield RunPane(spec)
        yield KeyBar()

    def on_mount(self) -> None:
        self.action_rerun()

    def action_next_pane(self) -> None:
        # From pane to pane and round again; the focused one is what the arrow keys scroll.
        self.focus_next(RunPane)

    def action_rerun(self) -> None:
        for pane in self.query(RunPane):
            pane.border_subtitle = "running…"
            self._run(pane)

    @work(thread=True, exit_on_error=False)
    def _run(self, pane: RunPane) -> None:
        spec = pane.spec
        try:
            result = run(self.conn, self.namespace, self.pod, spec.container, spec.command)
        except ClusterError as exc:
            self.post_message(self.Ran(pane, None, str(exc)))
            return
        self.post_message(self.Ran(pane, result))

    def on_run_panes_screen_ran(self, message: RunPanesScreen.Ran) -> None:
        message.pane.show(message.result, message.error)


class PromptScreen(ModalScreen[str | None]):
    """One line of input (a command, an image, ports); enter submits, esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="prompt.cancel")]
    AUTO_FOCUS = "Input"
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 80; max-width: 95%; height: auto;
        border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.placeholder = title, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(self.value, placeholder=self.placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
