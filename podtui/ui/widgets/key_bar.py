"""The key bar: one line at the bottom of a screen with the keys the focused widget and
its screen show (`Binding.show`), each as `key label`, the key as the user has mapped it
(the config file's [keys]) and written as `?` writes it (`ctrl-d`, `esc`).

One widget draws the whole line (no widget per key): Textual's Footer composed a widget
per key, each styled on its own, and composed them again on every bindings change, which
cost ~0.16 s of CPU and ~50 ms to the first frame at start (bench/RESULTS.md, issue 26).
The keys are read again when the screen says its bindings changed, and the bar repaints
only when what it shows changed, so a terminal over SSH is sent nothing for a change that
shows nothing (focus moving between widgets with the same keys, an access review that
allows what was offered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from podtui.ui.keys.bindings import key_text

if TYPE_CHECKING:
    from textual.screen import Screen


class ShownKey(NamedTuple):
    key: str  #: as Textual names it: what a click presses
    label: str
    #: False when check_action answers None (shown, not allowed now): drawn dim
    enabled: bool

    @property
    def key_text(self) -> str:
        """The key as the user reads it."""
        return key_text(self.key)

    @property
    def width(self) -> int:
        """Cells of `key label`."""
        return cell_len(self.key_text) + 1 + cell_len(self.label)


def shown_keys(screen: Screen) -> tuple[ShownKey, ...]:
    """The screen's bindings to show, one per action (its first key), in the order Textual
    resolves keys: the focused widget's, its ancestors', the screen's, the app's."""
    keys: list[ShownKey] = []
    actions: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.show and binding.action not in actions:
            actions.add(binding.action)
            keys.append(ShownKey(binding.key, binding.description, active.enabled))
    return tuple(keys)


def placed(keys: tuple[ShownKey, ...], width: int) -> list[tuple[int, ShownKey]]:
    """Where each key starts on a bar `width` cells wide: one cell in, then two cells
    between keys if every key fits so, else one; a key that does not fit whole is left
    out, and so are those after it (the bar never wraps, `?` lists every key)."""
    gap = 2 if 1 + sum(k.width for k in keys) + 2 * (len(keys) - 1) <= width else 1
    shown, x = [], 1
    for key in keys:
        if x + key.width > width:
            break
        shown.append((x, key))
        x += key.width + gap
    return shown


class KeyBar(Widget):
    """The bottom line of a screen: its keys (`shown_keys`); a click on one types it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--label"}
    # Textual's footer variables: every theme (and podtui's) defines them.
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--label {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    #: What the bar shows, at any width.
    keys: tuple[ShownKey, ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # While the terminal window is not focused Textual clears the screen's focus (and
        # gives it back on return): the keys of the focused widget stay shown meanwhile.
        if not self.app.app_focus:
            return
        keys = shown_keys(screen)
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def shown(self) -> list[tuple[int, ShownKey]]:
        """The keys drawn at the bar's width, with where each starts."""
        return placed(self.keys, self.size.width)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        key_style = self.get_component_rich_style("key-bar--key")
        label_style = self.get_component_rich_style("key-bar--label")
        dim = Style(dim=True)
        segments, x = [], 0
        for start, shown in self.shown():
            extra = None if shown.enabled else dim
            segments += [Segment(" " * (start - x), base),
                         Segment(shown.key_text, key_style + extra),
                         Segment(" " + shown.label, label_style + extra)]
            x = start + shown.width
        return Strip(segments).adjust_cell_length(self.size.width, base)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for start, shown in self.shown():
            if start <= event.x < start + shown.width:
                self.app.simulate_key(shown.key)  # as if typed: a key not allowed does nothing
                return
