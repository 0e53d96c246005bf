"""Where podtui keeps files, by the XDG base directory spec (a relative base is ignored)."""

from __future__ import annotations

import os
from pathlib import Path


def _base(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "")
    return Path(value) if value and os.path.isabs(value) else default


def config_dir() -> Path:
    """`$XDG_CONFIG_HOME/podtui` (default ~/.config/podtui): config, themes, templates,
    drills."""
    return _base("XDG_CONFIG_HOME", Path.home() / ".config") / "podtui"


def state_dir() -> Path:
    """`$XDG_STATE_HOME/podtui` (default ~/.local/state/podtui): crash reports, drills."""
    return _base("XDG_STATE_HOME", Path.home() / ".local" / "state") / "podtui"
