"""`?`: every key of every screen, read from the keymap the screens bind."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from podtui.ui.keys import bindings as keymap
from podtui.ui.user_actions import help_bindings

EXTRA = {
    "Pod list": [("j/k ↑/↓", "move"), ("g/G", "top/bottom"), ("space", "mark for delete"),
                 ("N A S R I O C E", "sort by name, age, status, restarts, IP, node, "
                  "containers, namespace (again: reverse)"),
                 (":", "commands: ns [NAME|all], ctx [NAME] (alone: pick from a list), "
                  "theme NAME, drill [ID [SEED]], q")],
    "Everywhere": [("?", "this help (j/k or arrows scroll it)"), ("T", "next theme"),
                   ("q", "quit"), ("esc", "back")],
}


def _key_text(binding: Binding) -> str:
    return "/".join(keymap.key_text(k) for k in binding.key.split(","))


def bindings_table(title: str, bindings: list[Binding]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, text in EXTRA.get(title, []):
        table.add_row(key, text)
    for binding in bindings:
        # Hidden footer keys are listed too; sorting keys are summed up in EXTRA.
        if binding.description and not binding.action.startswith("sort("):
            table.add_row(_key_text(binding), binding.description)
    return table


def kubectl_table() -> Table:
    """Each action beside the kubectl command that does the same (the exam allows only
    kubectl)."""
    from podtui.anatomy.kubectl import HELP

    table = Table(title="kubectl beside podtui", title_justify="left", box=None,
                  show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for action, command in HELP:
        table.add_row(action, command)
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%;
        border: round $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        remapped = self.app.settings.keys  # the config file's [keys]
        with VerticalScroll():
            yield Static(Text("podtui keys (k9s habits)", style="bold"))
            for title, screen_bindings in keymap.HELP:
                bindings = [b.with_key(remapped[b.id]) if b.id in remapped else b
                            for b in [*screen_bindings, *help_bindings(self.app, title)]]
                yield Static(bindings_table(title, bindings))
                yield Static("")
            yield Static(bindings_table("Everywhere", []))
            yield Static("")
            yield Static(kubectl_table())
