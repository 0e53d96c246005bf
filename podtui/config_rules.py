"""The config file with podtui's rules: what settings.config (the bottom layer, which
reads the file) cannot judge alone. An [[actions]] entry is read by podtui.actions, a
namespace name and a duration are the cluster's rules, and a [keys] remapping is checked
against the key bindings the app has (which the caller passes in: they are Textual's).

Each problem stays one line naming the file and the key, as settings.config says them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from podtui.cluster.names import DNS_LABEL
from podtui.settings import config
from podtui.settings.config import DEFAULTS, Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from podtui.actions.model import Action

    Clashes = Callable[[dict[str, str]], list[tuple[str, str, str]]]
    ActionClashes = Callable[[list[Action], dict[str, str]], list[tuple[Action, str, str]]]


def _namespace(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 63 and bool(DNS_LABEL.fullmatch(value))


# The actions' parser and the log package are imported when a file has what they judge:
# `podtui` reads the file before its pod feed starts, and most files have neither.
def _actions(entries: Any, source: str) -> tuple[list[Action], list[tuple[str, str]]]:
    from podtui.actions.model import parse_actions

    return parse_actions(entries, source)


def _seconds(value: Any) -> int | None:
    """A duration's seconds; None for a time of day or no duration at all."""
    from podtui.cluster.logs import parse_since

    if not isinstance(value, str):
        return None
    try:
        seconds = parse_since(value)
    except ValueError:
        return None
    return seconds if isinstance(seconds, int) else None


def _duration(value: Any) -> str | None:
    if _seconds(value) is None:
        return f"expected a duration such as \"15m\" or \"1h30m\", got {value!r}"
    return None


RULES = config.Rules(actions=_actions, namespace=_namespace,
                     values={"drill.time_budget": _duration})


def load(path: Path | None = None, *, report: bool = False) -> Settings:
    """The settings from the file (default config.config_path()), checked by podtui's
    rules; with `report`, each problem is printed on stderr."""
    return config.load(RULES, path, report=report)


def exam_minutes(settings: Settings) -> int:
    """The mock exam's clock in minutes (`drill.time_budget`), at least one."""
    seconds = _seconds(str(settings.values.get("drill.time_budget",
                                               DEFAULTS["drill.time_budget"])))
    return 120 if seconds is None else max(1, seconds // 60)


def check_keys(settings: Settings, known: set[str], clashes: Clashes) -> None:
    """Drop (and report) remappings of binding ids the app does not have, and report keys
    that two bindings of one screen would share (the remapping wins)."""
    known = known | {action.binding_id for action in settings.actions}
    for key in [k for k in settings.keys if k not in known]:
        del settings.keys[key]
        settings.problem(f"keys.{key}", "no binding has this id (`podtui config` lists them)")
    for binding, key, other in clashes(settings.keys):
        settings.problem(f"keys.{binding}", f"{key!r} is also the key of {other}, which "
                         "loses it (remap that one too)")


def check_actions(settings: Settings, clashes: ActionClashes) -> None:
    """Leave out (and report) the actions whose key a built-in binding has: the built-in
    keeps it."""
    for action, key, other in clashes(settings.actions, settings.keys):
        if action in settings.actions:
            settings.actions.remove(action)
            settings.problem(f"[[actions]] #{action.index} {action.title!r}",
                             f"key {key!r} is also the key of {other}; left out (give it "
                             "another key)")
