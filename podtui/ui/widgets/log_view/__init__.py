"""The log pane: `LogView` (widget), its row layout (rows), search (search) and the
text of a line (text)."""

from __future__ import annotations

from podtui.ui.widgets.log_view.text import (
    DEFAULT_MAX_LINES,
    display_text,
    plain_line,
    short_time,
    write_lines,
)
from podtui.ui.widgets.log_view.widget import LogView

__all__ = ["DEFAULT_MAX_LINES", "LogView", "display_text", "plain_line", "short_time",
           "write_lines"]
