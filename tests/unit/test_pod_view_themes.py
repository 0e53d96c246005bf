"""Every section of the pod detail renders for every recorded pod state (on one theme), and
every theme paints one rich pod with its own colours.

A finished Job's pod (STATUS Completed) once crashed the detail screen: its header style was
the theme variable $text-muted, whose value 'auto 60%' is a Textual colour, not a Rich one.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from textual.theme import Theme

from podtui.anatomy import pod_from_json
from podtui.ui.screens.pod_detail import PodView
from podtui.ui.themes import rich_style
from tests.themes import THEMES, theme_variables

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pods"
NOW = datetime(2025, 4, 9, 10, 15, tzinfo=UTC)


def render_every_section(view: PodView, width: int) -> str:
    console = Console(width=width, record=True, color_system="truecolor", file=io.StringIO())
    for renderable in (view.header(), view.overview([]), view.containers(), view.network(),
                       view.volumes(), view.lifecycle([])):
        console.print(renderable)
    return console.export_text()


def test_the_themes_include_every_builtin_one():
    names = {t.name for t in THEMES}
    assert {"podtui-dark", "podtui-light", "podtui-high-contrast", "podtui-ansi"} <= names
    assert "textual-dark" in names


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_every_section_renders_every_recorded_pod(fixture: Path):
    pod = pod_from_json(json.loads(fixture.read_text()))
    dark = next(t for t in THEMES if t.name == "podtui-dark")
    text = render_every_section(PodView(pod, theme_variables(dark), NOW), 80)
    assert pod.name in text


# The ANSI colours the ANSI themes name, as terminal colour numbers.
ANSI_NUMBERS = {"ansi_red": 1, "ansi_green": 2, "ansi_yellow": 3, "ansi_bright_red": 9}


def painted_colours(view: PodView, width: int = 80) -> set[str]:
    """Every foreground colour the sections draw with: '#RRGGBB', or 'ansi N'."""
    console = Console(width=width, color_system="truecolor", file=io.StringIO())
    found = set()
    for renderable in (view.header(), view.overview([]), view.containers(), view.network(),
                       view.volumes(), view.lifecycle([])):
        for segment in console.render(renderable):
            colour = segment.style.color if segment.style else None
            if colour is None or colour.is_default:
                continue
            found.add(colour.triplet.hex.upper() if colour.triplet else f"ansi {colour.number}")
    return found


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_theme_paints_the_sections_with_its_colours(theme: Theme):
    # A crash-looping container beside a ready one and two containers on one port: error,
    # success and warning each have something to paint.
    pod = pod_from_json(json.loads((FIXTURES / "port-clash.json").read_text()))
    view = PodView(pod, theme_variables(theme), NOW)
    assert pod.name in render_every_section(view, 80)
    painted = painted_colours(view)
    for name in ("text-error", "text-success", "text-warning"):
        value = theme_variables(theme)[name]
        expected = f"ansi {ANSI_NUMBERS[value]}" if value.startswith("ansi_") else value.upper()
        assert expected in painted, f"{theme.name}: ${name} ({value}) is not drawn"


def test_completed_pod_header_is_muted_not_a_crash():
    pod = pod_from_json(json.loads((FIXTURES / "job-completed.json").read_text()))
    assert pod.summary.status == "Completed"
    dark = next(t for t in THEMES if t.name == "podtui-dark")
    header = PodView(pod, theme_variables(dark), NOW).header()
    status = next(span for span in header.spans if "Completed" in header.plain[span.start:span.end])
    # Muted: readable on the background, fainter than the ordinary text ($text is 'auto 87%').
    variables = theme_variables(dark)
    muted = status.style.color.triplet
    text = rich_style("$text", variables).color.triplet
    background = rich_style("$background", variables).color.triplet
    assert sum(background) < sum(muted) < sum(text)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_theme_variable_becomes_a_style(theme: Theme):
    variables = theme_variables(theme)
    for name in variables:
        rich_style(f"bold ${name}", variables)
    assert rich_style("bold $no-such-variable", variables).bold
