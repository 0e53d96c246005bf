"""Where a pane's lines are saved: a file name per pod, container and time, never
overwriting one."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from podtui.ui.widgets.log_view import write_lines

if TYPE_CHECKING:
    from collections.abc import Iterable


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "logs"


def save_lines(directory: Path, pod: str, container: str, lines: Iterable[str],
               when: datetime | None = None) -> Path:
    """Write `lines` to `<pod>_<container>_<YYYYmmdd-HHMMSS>[-N].log` in `directory`, a
    new file (never one that exists, even if it appears meanwhile); returns its path."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{_safe(pod)}_{_safe(container)}_{stamp}"
    for counter in range(1, 1000):
        path = directory / (f"{base}.log" if counter == 1 else f"{base}-{counter}.log")
        try:
            return write_lines(path, lines)
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory}/{base}-*.log")


def save_directory() -> Path:
    return Path(os.environ.get("PODTUI_SAVE_DIR") or os.getcwd()).expanduser()
