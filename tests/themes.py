"""Every theme podtui can show (its own themes/ and Textual's built-in ones), and their
variables as the app holds them, for the tests that render with each theme."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

from podtui.ui.themes import load_themes

THEMES: list[Theme] = load_themes()[0] + list(BUILTIN_THEMES.values())


def theme_variables(theme: Theme) -> dict[str, str]:
    """What App.theme_variables holds while the theme is active."""
    return {**theme.to_color_system().generate(), **theme.variables}
