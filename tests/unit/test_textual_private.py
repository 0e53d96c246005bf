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
    assert normalize is not None, f"{AT}: App._normalize_keymap is gone; podtui/ui/keys.py uses it"
    assert normalize({"logs.follow": "f, space"}) == {"logs.follow": "f,space"}, (
        f"{AT}: App._normalize_keymap changed what it returns; podtui/ui/keys.py compares keys "
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
