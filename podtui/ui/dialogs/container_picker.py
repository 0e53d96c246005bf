"""`C` on the logs screen: choose which of the pod's containers to show."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static


class ContainerPicker(ModalScreen[list[str] | None]):
    """Choose the containers to show: space toggles, enter shows them, escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="containers.cancel"),
        Binding("enter", "apply", "Show", priority=True, id="containers.apply"),
    ]
    DEFAULT_CSS = """
    ContainerPicker { align: center middle; }
    ContainerPicker > Vertical { width: 60; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    ContainerPicker SelectionList { height: auto; max-height: 16; }
    ContainerPicker Horizontal { height: auto; align: right middle; }
    ContainerPicker Button { margin: 0 1; min-width: 10; }
    """

    def __init__(self, containers: list[str], chosen: list[str]) -> None:
        super().__init__()
        self.containers = containers
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Containers to show side by side (space toggles, enter shows)")
            yield SelectionList[str](
                *((name, name, name in self.chosen) for name in self.containers),
                id="containers",
            )
            with Horizontal():
                yield Button("Show", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        selected = list(self.query_one(SelectionList).selected)
        if not selected:
            self.notify("choose at least one container", severity="warning")
            return
        self.dismiss([c for c in self.containers if c in selected])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()
