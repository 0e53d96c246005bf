"""Screens under an opaque screen are not repainted with it (no cluster needed)."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from podtui.app import PodTuiApp
from podtui.ui.user_actions import UserActions


class Host(PodTuiApp):
    """PodTuiApp's screen handling without its cluster."""

    def __init__(self) -> None:
        App.__init__(self)
        self.user_actions = UserActions(self)  # what PodTuiApp.on_unmount stops

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # no pod list, no access checks


class Opaque(Screen):
    def compose(self):
        yield Static("on top")


class Dialog(ModalScreen):
    def compose(self):
        yield Static("a dialog")


async def test_only_a_translucent_screen_shows_the_one_under_it():
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        base = app.screen
        await app.push_screen(Opaque())
        await pilot.pause()
        # Else each repaint of the screen underneath repaints the whole screen on top.
        assert app._background_screens == []
        assert not base.is_current
        await app.push_screen(Dialog())
        await pilot.pause()
        assert app._background_screens[-1] is app.screen_stack[-2]
