"""The layout of a question asked before something is done: a bold heading, what it is
about (a list that scrolls past 12 lines), the keys that answer; `choose` dismisses with
the answer. Confirming an action and confirming a delete are each one."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

Answer = TypeVar("Answer")


class ConfirmScreen(ModalScreen[Answer]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 90%; height: auto; max-height: 90%;
        background: $surface; padding: 0 1; }
    ConfirmScreen .about { height: auto; max-height: 12; overflow-y: auto; }
    """
    #: The id of what the question is about (tests find it by it).
    ABOUT_ID = "about"

    def heading(self) -> str:
        raise NotImplementedError

    def about(self) -> Text:
        """What would be done: the commands, the pods."""
        raise NotImplementedError

    def answers(self) -> str:
        """The keys that answer, as markup."""
        raise NotImplementedError

    def below(self) -> ComposeResult:
        """Anything under the keys (buttons)."""
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.heading(), style="bold"))
            yield Static(self.about(), id=self.ABOUT_ID, classes="about")
            yield Static(self.answers())
            yield from self.below()

    def action_choose(self, answer: Answer) -> None:
        self.dismiss(answer)
