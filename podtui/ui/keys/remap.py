"""Every key binding of the app by its stable id: the names the config file's [keys]
table remaps (through Textual's keymap)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from podtui.ui.keys import bindings as keymap
from podtui.ui.keys.bindings import action_keys


class AppBindings(DOMNode):
    """Stands for the App (podtui.app, above this layer), whose bindings are keymap.APP."""

    BINDINGS = keymap.APP


def binding_classes() -> list[type[DOMNode]]:
    """The App's bindings and every screen and widget class of podtui.ui (its
    subpackages too) that declares bindings."""
    import podtui.ui

    classes: list[type[DOMNode]] = [AppBindings]
    for info in pkgutil.walk_packages(podtui.ui.__path__, "podtui.ui."):
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


#: Where the actions of each scope are bound (ui/user_actions.py).
ACTION_SCREENS = {"pod": ("pod_list", "pod_detail"), "container": ("pod_list", "pod_detail"),
                  "pods": ("pod_list",)}


def _screen_chain(screen: str) -> list[type[DOMNode]]:
    """What answers a key on that screen before its own bindings would lose it: the widget
    that has the focus, the screen, the app (Textual's own bindings of each included)."""
    from textual.containers import VerticalScroll
    from textual.widgets import Tabs

    from podtui.ui.screens.pod_detail import PodDetailScreen
    from podtui.ui.screens.pod_list import PodListScreen
    from podtui.ui.widgets.pod_table import PodTable

    widgets = {"pod_list": [PodTable, PodListScreen],
               "pod_detail": [Tabs, VerticalScroll, PodDetailScreen]}[screen]
    return [*widgets, AppBindings, App]


def _builtin_keys(screen: str, keymap: dict[str, str]) -> dict[str, str]:
    """Key -> the binding that has it on the screen (its id, else its action, and what it
    does), its remapping applied."""
    found: dict[str, str] = {}
    for cls in _screen_chain(screen):
        merged = cls._merged_bindings
        for key, binding in merged or ():
            keys = keymap[binding.id].split(",") if binding.id in keymap else [key]
            name = binding.id or f"Textual's {binding.action}"
            for one in keys:
                found.setdefault(one, f"{name} ({binding.description})" if binding.description
                                 else name)
    return found


def action_clashes(actions: list, keymap: dict[str, str]) -> list[tuple[object, str, str]]:
    """(action, key, what else has it) for each action with a key that a built-in binding
    (or an action before it) has where the action would be bound."""
    keymap = App._normalize_keymap(keymap)
    builtin = {screen: _builtin_keys(screen, keymap) for screen in ("pod_list", "pod_detail")}
    actions_bound: dict[str, dict[str, str]] = {screen: {} for screen in builtin}
    found = []
    for action in actions:
        screens = ACTION_SCREENS[action.scope]
        keys = action_keys(action, keymap)
        # A built-in is named before an action: it is the one to remap, if any.
        clash = next(((key, by_screen[s][key]) for by_screen in (builtin, actions_bound)
                      for s in screens for key in keys if key in by_screen[s]), None)
        if clash:
            found.append((action, *clash))
            continue
        for screen in screens:
            actions_bound[screen].update(dict.fromkeys(keys, f"{action.binding_id} "
                                                             f"({action.title})"))
    return found
