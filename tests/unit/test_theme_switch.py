"""Switching to any theme, built-in or a user's, never raises in Textual's own CSS.

An ANSI theme (ansi = true) lacked variables that Textual's CSS uses only under such a
theme ($ansi-background, in Screen's and Button's): switching to `podtui-ansi` raised
UnresolvedVariableError and ended the app (found by tests/ui/test_zoo_walk.py).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.theme import BUILTIN_THEMES
from textual.widgets import Button, Static

from podtui.ui.themes import load_themes
from podtui.ui.widgets.key_bar import KeyBar


class Probe(App):
    def compose(self) -> ComposeResult:
        yield Static("probe")
        yield Button("ok")
        yield KeyBar()  # its CSS uses the footer variables of the theme


async def test_every_theme_can_be_switched_to(tmp_path: Path):
    user = tmp_path / "themes"
    user.mkdir()
    (user / "mine.toml").write_text('name = "mine-ansi"\nansi = true\ndark = false\n'
                                    'primary = "ansi_blue"\n')
    themes, errors = load_themes(Path(__file__).resolve().parents[2] / "themes", user)
    assert not errors and "mine-ansi" in [t.name for t in themes]
    assert any(t.ansi for t in themes if t.name != "mine-ansi")
    app = Probe()
    for theme in themes:
        app.register_theme(theme)
    # Textual's screen CSS needs $ansi-background, which only non-ANSI themes generate:
    # podtui-ansi stopped the app at start-up too.
    app.theme = "podtui-ansi"
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.current_theme.name == "podtui-ansi"
        for name in [*(t.name for t in themes), *BUILTIN_THEMES]:  # podtui's and Textual's
            app.theme = name
            await pilot.pause()
            assert app.current_theme.name == name
    assert app._exception is None  # noqa: SLF001
