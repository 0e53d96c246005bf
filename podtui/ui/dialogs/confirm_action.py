"""The question a `confirm` action asks first, above the very commands it would run (their
placeholders filled in), so what is confirmed is what runs."""

from __future__ import annotations

import shlex

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

#: Commands listed in the dialog; the others are counted.
SHOWN = 8


class ConfirmActionScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "choose(True)", "Run", id="action_confirm.run"),
        # Not enter: the key that started the action may be pressed once too often.
        Binding("escape,n", "choose(False)", "Cancel", id="action_confirm.cancel"),
    ]
    DEFAULT_CSS = """
    ConfirmActionScreen { align: center middle; }
    ConfirmActionScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 0 1; }
    ConfirmActionScreen #commands { height: auto; max-height: 12; overflow-y: auto; }
    """

    def __init__(self, question: str, commands: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.question = question
        self.commands = commands

    def compose(self) -> ComposeResult:
        listed = Text("\n").join(Text(f"$ {shlex.join(c)}") for c in self.commands[:SHOWN])
        if len(self.commands) > SHOWN:
            listed.append(f"\n… and {len(self.commands) - SHOWN} more", style="italic")
        with Vertical():
            yield Static(Text(self.question, style="bold"))
            yield Static(listed, id="commands")
            yield Static("[b]y[/] run   [b]n[/]/[b]esc[/] cancel")

    def action_choose(self, run: bool) -> None:
        self.dismiss(run)
