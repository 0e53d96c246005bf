"""Arbitrary pod-shaped JSON must never make a screen raise: every section of the pod detail
(header, overview, containers, network, volumes, lifecycle, describe) rendered to a console,
and every row of the pod list drawn by the real table widget, with every theme.

tests/unit/test_anatomy_fuzz.py fuzzes the view models; this fuzzes what lays them out.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.theme import Theme

from podtui.anatomy import describe, event_from_json, pod_from_json, summarize
from podtui.ui.screens.pod_detail import PodView
from podtui.ui.widgets.pod_table import SORT_KEYS, PodTable
from tests.pod_json import DAMAGED_FIXTURES, JSON, LEAF, PODS
from tests.themes import THEMES, theme_variables

NOW = datetime(2025, 4, 9, 10, 15, tzinfo=UTC)

EVENTS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["Normal", "Warning"]) | LEAF,
            "reason": LEAF,
            "message": LEAF,
            "count": LEAF,
            "firstTimestamp": LEAF,
            "lastTimestamp": LEAF,
            "eventTime": LEAF,
            "series": LEAF,
            "involvedObject": st.fixed_dictionaries({}, optional={"fieldPath": LEAF}) | LEAF,
        },
    )
    | JSON,
    max_size=4,
)
ANY_POD = PODS | DAMAGED_FIXTURES | JSON
#: A terminal from 10 columns up, in each colour mode (None: NO_COLOR, no colour at all).
CONSOLES = st.tuples(st.integers(10, 220), st.sampled_from([None, "standard", "256",
                                                            "truecolor"]))
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def render_detail(pod_json: Any, events_json: list, variables: dict[str, str],
                  console: tuple[int, str | None]) -> str:
    """What the detail screen draws, section by section, as PodDetailScreen builds it."""
    pod = pod_from_json(pod_json)
    events = [event_from_json(e) for e in events_json]
    view = PodView(pod, variables, NOW)
    width, colours = console
    out = Console(width=width, file=io.StringIO(), color_system=colours, record=True)
    for renderable in (view.header(), view.overview(events), view.containers(),
                       view.network(), view.volumes(), view.lifecycle(events),
                       Text(describe(pod, NOW, events))):
        out.print(renderable)
    return out.export_text()


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
@SETTINGS
@given(pod=ANY_POD, events=EVENTS, console=CONSOLES)
def test_every_detail_section_renders_any_pod(theme: Theme, pod: Any, events: list,
                                             console: tuple[int, str | None]) -> None:
    text = render_detail(pod, events, theme_variables(theme), console)
    assert "Containers" in text and "Events (" in text  # the overview and the lifecycle


class TableHost(App):
    """The pod list's table alone, with every theme podtui offers."""

    def __init__(self) -> None:
        super().__init__()
        for theme in THEMES:
            if theme.name not in self.available_themes:
                self.register_theme(theme)

    def compose(self) -> ComposeResult:
        yield PodTable()


@settings(SETTINGS, max_examples=10)
@given(pods=st.lists(ANY_POD, max_size=6), marks=st.lists(st.booleans(), max_size=6),
       sort=st.sampled_from(sorted(SORT_KEYS)), reverse=st.booleans(),
       terms=st.sampled_from(["", "run", "app=web", "a b"]), cursor=st.integers(-1, 9))
def rows_render(table: PodTable, pods: list, marks: list[bool], sort: str, reverse: bool,
                terms: str, cursor: int) -> None:
    summaries = {f"uid-{i}": summarize(pod) for i, pod in enumerate(pods)}
    table.update_rows(summaries)
    table.marked = {uid for uid, marked in zip(summaries, marks, strict=False) if marked}
    table.sort_key, table.sort_reverse = sort, reverse
    table.set_filter(terms)
    table.cursor = cursor
    lines = [table.render_line(y).text for y in range(table.size.height)]
    shown = [line for line in lines[1:] if line.strip()]
    assert len(shown) == min(len(table.order), table.size.height - 1)


@pytest.mark.parametrize("size", [(40, 12), (200, 12)])
async def test_every_list_row_renders_any_pod_with_every_theme(size: tuple[int, int]) -> None:
    app = TableHost()
    async with app.run_test(size=size) as pilot:
        table = app.query_one(PodTable)
        table.all_namespaces = True
        for i, theme in enumerate(THEMES):
            app.theme = theme.name
            app.set_focus(table if i % 2 else None)  # the cursor row's two styles
            await pilot.pause()
            rows_render(table)
