"""`podtui config`: the effective configuration, TOML-like, each value with where it comes
from (the file or the default), every key binding with its id, and the user's actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from podtui.config_rules import check_actions, check_keys
from podtui.settings.config import Settings, print_problems

if TYPE_CHECKING:
    from podtui.config_rules import ActionClashes, Clashes


def print_effective(settings: Settings, out: TextIO, bindings: dict[str, tuple[str, str]],
                    clashes: Clashes, action_clashes: ActionClashes) -> int:
    """Every setting, with where its value comes from. `bindings` (id -> default keys,
    description), `clashes` and `action_clashes` are podtui.ui.keys.remap's (the keymap is
    Textual's, which the subcommands otherwise never import)."""
    check_keys(settings, set(bindings), clashes)
    check_actions(settings, action_clashes)
    print_problems(settings)
    state = "" if settings.found else " (not found: every value is a default)"
    out.write(f"# {settings.path}{state}\n")
    rows: list[tuple[str, str, str]] = []
    for key, value in settings.values.items():
        rows.append((key, _toml(value), settings.source(key)))
    for context, namespace in settings.namespaces.items():
        rows.append((f"namespaces.{_toml_key(context)}", _toml(namespace),
                     settings.source(f"namespaces.{context}")))
    for binding, (keys, description) in sorted(bindings.items()):
        chosen = settings.keys.get(binding, keys)
        source = settings.source(f"keys.{binding}")
        rows.append((f"keys.{_toml_key(binding)}", _toml(chosen), f"{source}; {description}"))
    for action in settings.actions:
        # Its key is remappable like a built-in's: listed with the other binding ids.
        chosen = settings.keys.get(action.binding_id, action.key)
        source = settings.sources.get(f"keys.{action.binding_id}", action.origin)
        rows.append((f"keys.{action.binding_id}", _toml(chosen), f"{source}; {action.title}"))
    for action in settings.actions:
        flags = [f"scope {action.scope}", f"mode {action.mode}"]
        flags += ["confirm"] * bool(action.confirm) + ["readonly_ok"] * action.readonly_ok
        rows.append((action.binding_id, "[" + ", ".join(_toml(a) for a in action.command) + "]",
                     f"{action.origin}; {action.title}: {', '.join(flags)}"))
    width = max(len(f"{k} = {v}") for k, v, _ in rows)
    for key, value, source in rows:
        out.write(f"{f'{key} = {value}':<{width}}  # {source}\n")
    return 0


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_key(key: str) -> str:
    """A bare key, or dotted bare keys (binding ids); anything else quoted."""
    bare = all(part.replace("-", "").replace("_", "").isalnum() for part in key.split("."))
    return key if bare else _toml(key)
