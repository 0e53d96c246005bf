"""Themes are TOML files: the project's `themes/` plus the user's config dir."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from textual.theme import Theme

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "themes"
DEFAULT_THEME = "podtui-dark"
FIELDS = ("secondary", "accent", "warning", "error", "success", "foreground",
          "background", "surface", "panel", "boost", "dark", "luminosity_spread", "text_alpha",
          "ansi", "variables")


def user_theme_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "podtui" / "themes"


def load_themes(*dirs: Path) -> tuple[list[Theme], list[str]]:
    """Every *.toml theme in the built-in and user dirs, and one line per broken file."""
    themes: list[Theme] = []
    errors: list[str] = []
    for directory in dirs or (BUILTIN_DIR, user_theme_dir()):
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            try:
                data = tomllib.loads(path.read_text())
                name = str(data.get("name") or path.stem)
                extra = {k: data[k] for k in FIELDS if k in data}
                themes.append(Theme(name=name, primary=data["primary"], **extra))
            except (OSError, KeyError, TypeError, ValueError) as exc:
                errors.append(f"theme {path.name}: {type(exc).__name__}: {exc}")
    return themes, errors
