"""Active port-forwards: local address, pod and port, connections, bytes moved; `x` stops."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from podtui.cluster.portforward import Forward
from podtui.ui.columns import NARROW
from podtui.ui.widgets.key_bar import KeyBar


def _bytes(count: int, short: bool = False) -> str:
    """`1.5 KiB`; short, as k9s writes quantities: `1.5Ki`."""
    for unit in ("B", "KiB", "MiB"):
        if count < 1024 or unit == "MiB":
            if short:
                return f"{count}B" if unit == "B" else f"{count:.1f}{unit[:2]}"
            return f"{count} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


class ForwardsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="forwards.back"),
        Binding("x,delete,ctrl+d", "stop", "Stop forward", id="forwards.stop"),
    ]
    DEFAULT_CSS = """
    ForwardsScreen #forwards-title { height: auto; padding: 0 1; background: $panel; }
    ForwardsScreen DataTable { height: 1fr; }
    """
    COLUMNS = ("LOCAL", "POD", "PORT", "CONNECTIONS", "SENT", "RECEIVED", "STATE")
    #: Below NARROW columns, as k9s abbreviates: the local port alone (the title says
    #: 127.0.0.1), short headers and quantities, so that STATE stays on screen at 80.
    SHORT_COLUMNS = ("LOCAL", "POD", "PORT", "CONN", "SENT", "RECV", "STATE")

    def __init__(self, forwards: Callable[[], list[Forward]]) -> None:
        super().__init__()
        self.forwards = forwards

    def compose(self) -> ComposeResult:
        yield Static("Port-forwards (127.0.0.1 only; x stops the selected one)",
                     id="forwards-title")
        self.narrow = self.app.size.width < NARROW
        table = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns(*(self.SHORT_COLUMNS if self.narrow else self.COLUMNS))
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_rows()
        self.set_interval(0.5, self.refresh_rows)

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for forward in self.forwards():
            state = "active" if forward.active else f"ended: {forward.ended}"
            if forward.active and forward.error:
                state = f"active; last error: {forward.error}"
            short = self.narrow
            table.add_row(f"{'' if short else '127.0.0.1'}:{forward.local}",
                          f"{forward.namespace}/{forward.pod}", str(forward.remote),
                          str(forward.connections), _bytes(forward.bytes_out, short),
                          _bytes(forward.bytes_in, short), state, key=str(id(forward)))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def action_stop(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        for forward in self.forwards():
            if str(id(forward)) == key and forward.active:
                forward.stop()
        self.refresh_rows()
