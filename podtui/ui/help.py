"""`?`: every key of every screen, read from the screens' own bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

EXTRA = {
    "Pod list": [("j/k ↑/↓", "move"), ("g/G", "top/bottom"), ("space", "mark for delete"),
                 ("N A S R I O C E", "sort by name, age, status, restarts, IP, node, "
                  "containers, namespace (again: reverse)"),
                 (":", "commands: ns [NAME|all], ctx [NAME] (alone: pick from a list), "
                  "theme NAME, q")],
    "Everywhere": [("?", "this help (j/k or arrows scroll it)"), ("T", "next theme"),
                   ("q", "quit"), ("esc", "back")],
}


def _key_text(binding: Binding) -> str:
    names = {"slash": "/", "colon": ":", "question_mark": "?", "escape": "esc", "ctrl+d": "ctrl-d",
             "ctrl+k": "ctrl-k"}
    return "/".join(names.get(k, k) for k in binding.key.split(","))


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


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%;
        border: round $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        from podtui.ui.logs_screen import LogsScreen
        from podtui.ui.pod_detail import PodDetailScreen
        from podtui.ui.pod_list import PodListScreen

        screens = [("Pod list", PodListScreen), ("Pod detail", PodDetailScreen),
                   ("Logs", LogsScreen)]
        with VerticalScroll():
            yield Static(Text("podtui keys (k9s habits)", style="bold"))
            for title, screen in screens:
                yield Static(bindings_table(title, list(screen.BINDINGS)))
                yield Static("")
            yield Static(bindings_table("Everywhere", []))
