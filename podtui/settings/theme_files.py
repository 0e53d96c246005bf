"""Where themes live and what they are called, without Textual (shell completion and the
config listing need the names, not the Theme objects: podtui/ui/themes.py builds those).

Themes are TOML files: the repository's top-level themes/ (shipped in the wheel as the
package podtui.themes) and the user's $XDG_CONFIG_HOME/podtui/themes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

from podtui.settings.xdg import config_dir


def _builtin_dir() -> Path:
    """The wheel ships themes/ as the package podtui.themes; a checkout (or an editable
    install) has it beside the podtui package."""
    package = Path(__file__).resolve().parents[1]  # podtui/, above settings/
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


BUILTIN_DIR = _builtin_dir()


def user_theme_dir() -> Path:
    return config_dir() / "themes"


def theme_files(*dirs: Path) -> Iterator[tuple[Path, dict | Exception]]:
    """Each *.toml theme of the built-in and user dirs, with its table or why it is bad."""
    for directory in dirs or (BUILTIN_DIR, user_theme_dir()):
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            try:
                yield path, tomllib.loads(path.read_text())
            except (OSError, ValueError) as exc:
                yield path, exc


def theme_name(path: Path, data: dict) -> str:
    return str(data.get("name") or path.stem)


def theme_names() -> list[str]:
    return [theme_name(path, data) for path, data in theme_files() if isinstance(data, dict)]
