"""An `[[actions]]` entry of config.toml, read and checked:

    [[actions]]
    key = "S"                          # the key (a [keys] remapping of actions.<id> wins)
    title = "Stern logs"               # the footer's and `?`'s text; its id: actions.stern_logs
    scope = "pod"                      # pod | container | pods (the marked pods)
    command = ["stern", "-n", "${namespace}", "${pod}"]
    mode = "panes"                     # foreground (default) | panes | background
    confirm = true                     # optional: ask first (or the question itself)
    readonly_ok = false                # default: hidden under --readonly

An entry with any problem is left out whole, with one line saying why: running a command
the user did not quite write (a misspelt `confirm`, a placeholder that would stay literal)
is worse than not offering it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from podtui.actions.placeholders import check

SCOPES = ("pod", "container", "pods")
MODES = ("foreground", "panes", "background")
REQUIRED = ("key", "title", "scope", "command")
OPTIONAL = ("mode", "confirm", "readonly_ok")


@dataclass(frozen=True)
class Action:
    #: The binding id's last part: the title in lower case, words joined by `_`.
    name: str
    key: str
    title: str
    scope: str
    command: tuple[str, ...]
    mode: str = "foreground"
    #: The question asked before it runs; "" asks nothing.
    confirm: str = ""
    readonly_ok: bool = False
    #: Where it was written: the file, and the entry's place in it.
    source: str = ""
    index: int = 0

    @property
    def binding_id(self) -> str:
        return f"actions.{self.name}"

    @property
    def origin(self) -> str:
        return f"{self.source} [[actions]] #{self.index}".strip()


def label(index: int, entry: Any) -> str:
    """How a line names an entry: its place in the file, and its title if it has one."""
    title = entry.get("title") if isinstance(entry, dict) else None
    return f"[[actions]] #{index}" + (f" {title!r}" if isinstance(title, str) and title else "")


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")


def _keys_ok(keys: Any) -> bool:
    return isinstance(keys, str) and bool(keys.strip()) and all(
        part and part == part.strip() for part in keys.split(","))


def _problem(entry: dict[str, Any]) -> str | None:
    """Why the entry cannot be offered (None: it can)."""
    unknown = [k for k in entry if k not in REQUIRED + OPTIONAL]
    if unknown:
        return (f"unknown field {unknown[0]!r} (fields: {', '.join(REQUIRED + OPTIONAL)})")
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        return f"no {missing[0]}"
    if not isinstance(entry["title"], str) or not slug(entry["title"]):
        return f"title: expected a name with letters or digits, got {entry['title']!r}"
    if not _keys_ok(entry["key"]):
        return ("key: expected key names separated by commas, such as \"S\" or \"ctrl+s\", "
                f"got {entry['key']!r}")
    if entry["scope"] not in SCOPES:
        return f"scope: expected one of {', '.join(SCOPES)}, got {entry['scope']!r}"
    if entry.get("mode", MODES[0]) not in MODES:
        return f"mode: expected one of {', '.join(MODES)}, got {entry['mode']!r}"
    command = entry["command"]
    if not (isinstance(command, list) and command and all(isinstance(a, str) for a in command)
            and command[0]):
        return ("command: expected a list of arguments such as [\"stern\", \"${pod}\"] (no "
                f"shell reads it), got {command!r}")
    confirm = entry.get("confirm", False)
    if not isinstance(confirm, bool) and not (isinstance(confirm, str) and confirm.strip()):
        return f"confirm: expected true, false or the question to ask, got {confirm!r}"
    if not isinstance(entry.get("readonly_ok", False), bool):
        return f"readonly_ok: expected true or false, got {entry['readonly_ok']!r}"
    return check(command, entry["scope"])


def parse_actions(entries: Any, source: str = "") -> tuple[list[Action], list[tuple[str, str]]]:
    """The entries that can be offered, and (label, problem) for each that cannot."""
    if not isinstance(entries, list):
        return [], [("actions", "expected [[actions]] tables, one per action, got "
                                f"{type(entries).__name__}")]
    actions: list[Action] = []
    problems: list[tuple[str, str]] = []
    for index, entry in enumerate(entries, 1):
        name = label(index, entry)
        if not isinstance(entry, dict):
            problems.append((name, f"expected a table, got {entry!r}; left out"))
            continue
        why = _problem(entry)
        if why is None and (twin := next((a for a in actions
                                          if a.name == slug(entry["title"])), None)):
            why = f"its id {twin.binding_id} is also that of [[actions]] #{twin.index}"
        if why:
            problems.append((name, f"{why}; left out"))
            continue
        confirm = entry.get("confirm", False)
        actions.append(Action(
            name=slug(entry["title"]), key=entry["key"], title=entry["title"],
            scope=entry["scope"], command=tuple(entry["command"]),
            mode=entry.get("mode", MODES[0]),
            confirm=confirm if isinstance(confirm, str) else (
                f"Run {entry['title']}?" if confirm else ""),
            readonly_ok=entry.get("readonly_ok", False), source=source, index=index))
    return actions, problems
