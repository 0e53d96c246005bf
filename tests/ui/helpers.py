"""Helpers for Pilot tests of the real app against the sandbox."""

from __future__ import annotations

import time

from textual.widget import Widget

from podtui.app import PodTuiApp
from podtui.ui.widgets.pod_table import PodTable


async def until(pilot, predicate, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def table(app: PodTuiApp) -> PodTable:
    return app.pod_list.query_one(PodTable)


def row(app: PodTuiApp, name: str):
    return next((s for s in table(app).rows.values() if s.name == name), None)


def table_text(app: PodTuiApp) -> str:
    widget = table(app)
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def widget_text(widget: Widget) -> str:
    """What a Static-like widget shows, as plain text."""
    from rich.console import Console

    console = Console(width=widget.app.size.width - 2, record=True, color_system=None)
    console.print(getattr(widget, "content", None) or widget.render())
    return console.export_text()


async def listed(pilot, app: PodTuiApp) -> None:
    """Until the pod list shows its first complete list."""
    await until(pilot, lambda: app.pod_list.feed and app.pod_list.feed.cache.synced,
                "the first list")


async def open_pod(pilot, app: PodTuiApp, name: str, key: str = "enter") -> None:
    """Select the pod's row in the list and press `key` on it; when the key opens a screen,
    until that screen is mounted and laid out."""
    summary = await until(pilot, lambda: row(app, name), f"the row of {name}")
    table(app).select_uid(summary.uid)
    assert table(app).selected.uid == summary.uid
    before = app.screen
    await pilot.press(key)  # the key's handler has run when press returns
    if app.screen is not before:
        await until(pilot, lambda: app.screen.is_mounted and app.screen.size.area > 0,
                    f"the screen {key} opens")
    await pilot.wait_for_scheduled_animations()


def plain(widget: Widget) -> str:
    """What a widget rendering Textual content shows, as plain text."""
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


def key_bar_text(screen) -> str:
    """The screen's key bar, as the line it draws."""
    from podtui.ui.widgets.key_bar import KeyBar

    return screen.query_one(KeyBar).render_line(0).text


def key_bar_keys(screen) -> dict[str, str]:
    """Key -> label of each key the screen's key bar draws at its width."""
    from podtui.ui.widgets.key_bar import KeyBar

    return {shown.key: shown.label for _, shown in screen.query_one(KeyBar).shown()}


def status_text(app: PodTuiApp) -> str:
    """The pod list's status bar."""
    from podtui.ui.screens.pod_list import StatusBar

    return plain(app.pod_list.query_one(StatusBar))
