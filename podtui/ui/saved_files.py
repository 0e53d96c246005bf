"""Files podtui saves for the user (a pane's lines, a pod's YAML): a name per pod (and
container and time), always a new file, created exclusively and readable by its owner
only (logs and pod specs can hold what others must not read), never overwriting one."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from podtui.ui.widgets.log_view import write_lines

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "logs"


def _new_file(directory: Path, base: str, suffix: str,
              write: Callable[[Path], Path]) -> Path:
    """`write` to `<base><suffix>`, else `<base>-2<suffix>`, ...: the first name free (never
    a file that exists, even if it appears meanwhile: `write` creates exclusively)."""
    for counter in range(1, 1000):
        path = directory / (f"{base}{suffix}" if counter == 1 else f"{base}-{counter}{suffix}")
        try:
            return write(path)
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory}/{base}-*{suffix}")


def save_lines(directory: Path, pod: str, container: str, lines: Iterable[str],
               when: datetime | None = None) -> Path:
    """Write `lines` to `<pod>_<container>_<YYYYmmdd-HHMMSS>[-N].log` in `directory`, a
    new file; returns its path."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return _new_file(directory, f"{_safe(pod)}_{_safe(container)}_{stamp}", ".log",
                     lambda path: write_lines(path, lines))


def save_yaml(directory: Path, pod: str, text: str) -> Path:
    """Write a pod's YAML to `<pod>[-N].yaml` in `directory`, a new file; returns its
    path."""
    return _new_file(directory, _safe(pod), ".yaml",
                     lambda path: write_lines(path, text.splitlines()))


def save_directory() -> Path:
    return Path(os.environ.get("PODTUI_SAVE_DIR") or os.getcwd()).expanduser()
