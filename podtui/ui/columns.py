"""How wide the terminal is, for the tables: below NARROW columns they abbreviate as k9s
does (an 80-column terminal, a split pane) and never fold a word onto the next line."""

from __future__ import annotations

#: Below this many columns the tables abbreviate.
NARROW = 100
#: How a cell too narrow for one of its words shows it: the wide tables fold it onto the
#: next line; at 80 columns it is cut with `…` (`metadata.namespace->na|mespace` would read
#: as two words), the cell still wrapping between words.
OVERFLOW = {False: "fold", True: "ellipsis"}
