"""`c` copies to the clipboard of the user's own machine, over SSH too: OSC 52.

The terminal emulator, not the remote host, owns the clipboard. OSC 52
(`ESC ] 52 ; c ; <base64> BEL`) asks it to set its clipboard; the sequence travels through
SSH like any output. Textual's App.copy_to_clipboard writes exactly that sequence. tmux
passes it on with `set -g set-clipboard on`; with its default (`external`) tmux keeps
it, so inside tmux the same sequence also goes out wrapped in tmux's passthrough, which
reaches the outer terminal when `set -g allow-passthrough on` is set (README, Keys).
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from podtui.ui.host import Host

#: More than this is refused: terminals drop (or choke on) very long OSC 52 payloads.
MAX_COPY_BYTES = 1_000_000


def osc52(text: str) -> str:
    """The sequence that sets the terminal's clipboard to `text` (as Textual writes it)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def tmux_passthrough(sequence: str) -> str:
    """`sequence` wrapped for tmux to hand to the outer terminal (ESCs doubled)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def copy(app: Host, text: str, what: str) -> bool:
    """Put `text` on the user's clipboard; the status line says `what` was copied."""
    if not text:
        app.say(f"nothing to copy ({what})")
        return False
    size = len(text.encode("utf-8"))
    if size > MAX_COPY_BYTES:
        app.say(f"not copied: {what} is {size:,} bytes (at most {MAX_COPY_BYTES:,}); "
                "save it with s instead")
        return False
    app.copy_to_clipboard(text)  # writes osc52(text)
    driver = getattr(app, "_driver", None)  # Textual's own writer (copy_to_clipboard's too)
    if os.environ.get("TMUX") and driver is not None:
        driver.write(tmux_passthrough(osc52(text)))
    app.say(f"copied {what}", error=False)
    return True
