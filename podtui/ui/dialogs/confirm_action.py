"""The question a `confirm` action asks first, above the very commands it would run (their
placeholders filled in), so what is confirmed is what runs."""

from __future__ import annotations

import shlex

from rich.text import Text
from textual.binding import Binding

from podtui.ui.dialogs.confirm import ConfirmScreen

#: Commands listed in the dialog; the others are counted.
SHOWN = 8


class ConfirmActionScreen(ConfirmScreen[bool]):
    BINDINGS = [
        Binding("y", "choose(True)", "Run", id="action_confirm.run"),
        # Not enter: the key that started the action may be pressed once too often.
        Binding("escape,n", "choose(False)", "Cancel", id="action_confirm.cancel"),
    ]
    DEFAULT_CSS = """
    ConfirmActionScreen > Vertical { max-width: 100; border: thick $warning; }
    """
    ABOUT_ID = "commands"

    def __init__(self, question: str, commands: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.question = question
        self.commands = commands

    def heading(self) -> str:
        return self.question

    def about(self) -> Text:
        listed = Text("\n").join(Text(f"$ {shlex.join(c)}") for c in self.commands[:SHOWN])
        if len(self.commands) > SHOWN:
            listed.append(f"\n… and {len(self.commands) - SHOWN} more", style="italic")
        return listed

    def answers(self) -> str:
        return "[b]y[/] run   [b]n[/]/[b]esc[/] cancel"
