"""Textual's private names podtui relies on: one test each, so a Textual release that
renames or reshapes one fails here with the name and the podtui code that needs it,
rather than somewhere deep in a UI test (or not at all: a missing override is silent)."""

from __future__ import annotations

import asyncio
import inspect

import textual
from textual.app import App
from textual.screen import Screen

AT = f"Textual {textual.__version__}"


def test_compositor_module_and_its_updates():
    try:
        from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate, LayoutUpdate
    except ImportError as exc:
        raise AssertionError(f"{AT}: textual._compositor changed ({exc}); "
                             "podtui/ui/quiet_terminal.py imports it") from None
    params = list(inspect.signature(Compositor.render_update).parameters)
    assert params == ["self", "full", "screen_stack", "simplify"], (
        f"{AT}: Compositor.render_update{params}; QuietCompositor.render_update overrides it")
    for update, fields in ((ChopsUpdate, ["chops", "spans", "chop_ends"]),
                           (LayoutUpdate, ["strips", "region"])):
        assert issubclass(update, CompositorUpdate), f"{AT}: {update.__name__}'s base changed"
        got = list(inspect.signature(update.__init__).parameters)[1:]
        assert got == fields, (f"{AT}: {update.__name__}({got}); quiet_terminal's _QuietChops "
                               f"and _RecordedLayout read {fields}")
        assert callable(getattr(update, "render_segments", None)), (
            f"{AT}: {update.__name__}.render_segments is gone; quiet_terminal overrides it")


def test_screen_compositor():
    from textual._compositor import Compositor

    compositor = getattr(Screen(), "_compositor", None)
    assert isinstance(compositor, Compositor), (
        f"{AT}: Screen._compositor is {compositor!r}; QuietScreen replaces it with its own")


def test_normalize_keymap():
    normalize = getattr(App, "_normalize_keymap", None)
    assert normalize is not None, f"{AT}: App._normalize_keymap is gone; podtui/ui/keys uses it"
    assert normalize({"logs.follow": "f, space"}) == {"logs.follow": "f,space"}, (
        f"{AT}: App._normalize_keymap changed what it returns; podtui/ui/keys compares keys "
        "with it")


def test_background_screens_is_a_property():
    found = inspect.getattr_static(App, "_background_screens", None)
    assert isinstance(found, property), (
        f"{AT}: App._background_screens is {found!r}, not a property; PodTuiApp overrides it "
        "so an opaque screen does not repaint the one under it")


def test_exception_and_return_code_of_an_app():
    app = App()
    for name, wanted in (("_exception", None), ("_return_code", None)):
        assert hasattr(app, name) and getattr(app, name) is wanted, (
            f"{AT}: App.{name} changed; PodTuiApp._handle_exception sets it")
    assert isinstance(getattr(app, "_exception_event", None), asyncio.Event), (
        f"{AT}: App._exception_event changed; PodTuiApp._handle_exception sets it")


async def test_driver_of_a_running_app():
    app = App()
    assert hasattr(app, "_driver"), f"{AT}: App._driver is gone; podtui/ui/clipboard.py uses it"
    async with app.run_test():
        assert callable(getattr(app._driver, "write", None)), (
            f"{AT}: App._driver.write is gone; clipboard.copy writes tmux's passthrough with it")


async def test_bindings_of_a_screen_merged_at_mount():
    """ui/user_actions.ActionKeys adds the config file's actions to a mounted screen by
    replacing its `_bindings` with a merged BindingsMap: the new key must run its action."""
    from textual.binding import Binding, BindingsMap

    ran: list[str] = []

    class Merged(Screen):
        def on_mount(self) -> None:
            found = getattr(self, "_bindings", None)
            assert isinstance(found, BindingsMap), (
                f"{AT}: DOMNode._bindings is {found!r}; ActionKeys merges the user's actions "
                "into it")
            self._bindings = BindingsMap.merge([found, BindingsMap([Binding("z", "mine")])])
            self.refresh_bindings()

        def action_mine(self) -> None:
            ran.append("z")

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(Merged())

    app = Host()
    async with app.run_test() as pilot:
        await pilot.press("z")
    assert ran == ["z"], f"{AT}: a binding merged into Screen._bindings at mount is not bound"

