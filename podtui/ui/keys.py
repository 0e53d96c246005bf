"""Every key binding of the app by its stable id: the names the config file's [keys]
table remaps (through Textual's keymap)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from podtui.ui import keymap


class AppBindings(DOMNode):
    """Stands for the App (podtui.app, above this layer), whose bindings are keymap.APP."""

    BINDINGS = keymap.APP


def binding_classes() -> list[type[DOMNode]]:
    """The App's bindings and every screen and widget class of podtui.ui that declares
    bindings."""
    import podtui.ui

    classes: list[type[DOMNode]] = [AppBindings]
    for info in pkgutil.iter_modules(podtui.ui.__path__, "podtui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, DOMNode) and cls.__module__ == module.__name__
                    and "BINDINGS" in vars(cls) and cls not in classes):
                classes.append(cls)
    return classes


def all_bindings() -> dict[str, tuple[str, str]]:
    """Binding id -> (default keys, description)."""
    found: dict[str, tuple[str, str]] = {}
    for cls in binding_classes():
        for binding in vars(cls)["BINDINGS"]:
            if isinstance(binding, Binding) and binding.id:
                found[binding.id] = (binding.key, binding.description or binding.action)
    return found


def clashes(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(remapped id, key, other id) for each key a remapping gives a binding that another
    binding of the same screen still has: Textual then drops the other one silently."""
    keymap = App._normalize_keymap(keymap)
    found = []
    for cls in binding_classes():
        own = [b for b in vars(cls)["BINDINGS"] if isinstance(b, Binding) and b.id]
        keys = {b.id: set((keymap.get(b.id) or App._normalize_keymap({"": b.key})[""])
                          .split(",")) for b in own}
        for binding in own:
            if binding.id not in keymap:
                continue
            for other in own:
                if other.id != binding.id:
                    found += [(binding.id, key, other.id)
                              for key in sorted(keys[binding.id] & keys[other.id])]
    return found
