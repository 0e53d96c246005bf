"""Themes are TOML files (the project's `themes/` plus the user's config dir), and the
bridge from their variables to Rich styles for renderables Textual does not style itself."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.color import Color as RichColor
from rich.style import Style as RichStyle
from textual.color import Color, ColorParseError
from textual.css.tokenizer import TokenError
from textual.markup import parse_style
from textual.theme import Theme

from podtui.settings.theme_files import theme_files, theme_name

DEFAULT_THEME = "podtui-dark"
FIELDS = ("secondary", "accent", "warning", "error", "success", "foreground",
          "background", "surface", "panel", "boost", "dark", "luminosity_spread", "text_alpha",
          "ansi", "variables")


def load_themes(*dirs: Path) -> tuple[list[Theme], list[str]]:
    """Every *.toml theme in the built-in and user dirs, and one line per broken file."""
    themes: list[Theme] = []
    errors: list[str] = []
    for path, data in theme_files(*dirs):
        try:
            if isinstance(data, Exception):
                raise data
            extra = {k: data[k] for k in FIELDS if k in data}
            if extra.get("ansi"):
                extra["variables"] = {**_ansi_defaults(bool(extra.get("dark", True))),
                                      **dict(extra.get("variables") or {})}
            themes.append(Theme(name=theme_name(path, data), primary=data["primary"], **extra))
        except (OSError, KeyError, TypeError, ValueError) as exc:
            errors.append(f"theme {path.name}: {type(exc).__name__}: {exc}")
    return themes, errors


def _ansi_defaults(dark: bool) -> dict[str, str]:
    # Textual's screen CSS refers to $ansi-background and $ansi-foreground, which only a
    # non-ANSI theme generates: an ANSI theme without them stops the app at start-up
    # (UnresolvedVariableError). Textual's own ANSI themes define them like this.
    black, white = "ansi_black", "ansi_white"
    return {"ansi-background": black if dark else white,
            "ansi-foreground": white if dark else black}


def rich_style(style: str, variables: Mapping[str, str]) -> RichStyle:
    """A Rich style from a Textual style string such as 'bold $text-muted'.

    Each $variable becomes the theme's value and Textual's own parser reads the result, so
    every colour expression a theme may hold works ('auto 60%', '#fff 40%', 'ansi_red').
    (Textual's parse_style substitutes variables too, but drops their percentage.) Rich has
    no 'auto' and no alpha: both are resolved against the theme's background, as Textual
    does on screen. A variable that is unknown or not a colour drops only the colour.
    """
    words = []
    for word in style.split():
        if word.startswith("$"):
            word = variables.get(word[1:], "")
            try:
                parse_style(word, {})
            except (TokenError, ColorParseError):
                continue
        words.append(word)
    parsed = parse_style(" ".join(words), {})
    try:
        background = Color.parse(variables.get("background", "black"))
    except ColorParseError:
        background = Color(0, 0, 0)
    # On the terminal's own palette a faded 'auto' colour can only be shown as dim.
    faded = (background.ansi is not None and parsed.foreground is not None
             and parsed.foreground.auto and parsed.foreground.a < 1)
    return RichStyle(
        color=_on(background, parsed.foreground),
        bgcolor=_on(background, parsed.background),
        bold=parsed.bold, dim=parsed.dim or faded or None, italic=parsed.italic,
        underline=parsed.underline, reverse=parsed.reverse, strike=parsed.strike,
    )


def _on(background: Color, color: Color | None) -> RichColor | None:
    if color is None:
        return None
    if background.ansi is not None:  # the terminal's own palette: no blending possible
        return None if color.auto else color.rich_color
    if color.auto:
        color = background.get_contrast_text(color.a)
    return (background + color).rich_color
