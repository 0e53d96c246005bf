"""A small list to pick one item from (namespaces, contexts); type to narrow it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class PickerScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="picker.cancel")]
    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 60; max-width: 95%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1; }
    PickerScreen OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, items: list[str], current: str = "",
                 mark: str = "current") -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.current = current
        self.mark = mark  # the word after the current item ("current", "default")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{self.title_text}[/]  (type to narrow, enter picks, esc cancels)")
            yield Input(placeholder="filter")
            yield OptionList(*self._options(""))

    def _options(self, text: str) -> list[Option]:
        return [Option(f"{item}{f'  ({self.mark})' if item == self.current else ''}", id=item)
                for item in self.items if text.lower() in item.lower()]

    def on_mount(self) -> None:
        # The current item is preselected: enter alone picks it.
        if self.items:
            self.query_one(OptionList).highlighted = (
                self.items.index(self.current) if self.current in self.items else 0)

    def on_input_changed(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_key(self, event) -> None:
        if event.key in ("down", "up") and self.query_one(Input).has_focus:
            self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
