"""Where a pane's lines are saved: a file name per pod, container and time, never
overwriting one."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "logs"


def save_path(directory: Path, pod: str, container: str, when: datetime | None = None) -> Path:
    """`<pod>_<container>_<YYYYmmdd-HHMMSS>.log` in `directory`, never overwriting a file."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{_safe(pod)}_{_safe(container)}_{stamp}"
    path = directory / f"{base}.log"
    counter = 1
    while path.exists():
        counter += 1
        path = directory / f"{base}-{counter}.log"
    return path


def save_directory() -> Path:
    return Path(os.environ.get("PODTUI_SAVE_DIR") or os.getcwd()).expanduser()
