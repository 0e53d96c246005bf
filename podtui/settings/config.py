"""The user's config file, `$XDG_CONFIG_HOME/podtui/config.toml` (default
`~/.config/podtui/config.toml`):

    theme = "podtui-light"            # the theme at start (--theme wins)

    [namespaces]                      # the namespace to start in, per kubeconfig context
    prod = "shop"                     # (-n wins; else the context's own namespace)

    [logs]                            # the dashboard's logs screen
    tail = 500                        # lines loaded per container
    timestamps = true                 # show each line's time

    [exec]
    shell = "bash,sh"                 # the shells `s` tries, in order (default "sh,bash")

    [drill]
    time_budget = "2h"                # the mock exam's clock (podtui exam, :exam)

    [keys]                            # key remapping: binding id = key(s), see `podtui config`
    pod_list.logs = "L"
    logs.follow = "f,space"

    [[actions]]                       # a key that runs a local command (podtui/actions/model.py)
    key = "S"
    title = "Stern logs"
    scope = "pod"
    command = ["stern", "-n", "${namespace}", "${pod}"]
    mode = "panes"

This module is the bottom layer (the standard library only): it reads the file and
checks what needs no other part of podtui (types, known keys). What the layers above
judge (an [[actions]] entry, a namespace name, a duration) comes in as `Rules`;
podtui/config_rules.py holds podtui's, and the keymap checks.

Each problem (a file that is not TOML, an unknown or invalid key) is one line naming the
file, the key and the problem; that value keeps its default and the app starts anyway.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from podtui.settings.xdg import config_dir

DEFAULTS: dict[str, Any] = {
    "theme": "podtui-dark",
    "logs.tail": 200,
    "logs.timestamps": False,
    "exec.shell": "sh,bash",
    "drill.time_budget": "2h",
}
DEFAULT = "default"


def config_path() -> Path:
    return config_dir() / "config.toml"


class Context(Protocol):
    """A connection's context and namespace (cluster.connection.Connection)."""

    context: str
    namespace: str


@dataclass(frozen=True)
class Rules:
    """What the layers above say of values this module cannot judge alone."""

    #: The [[actions]] array and the file's path -> the actions that can be offered (a
    #: layer above's objects), and (where, problem) for each entry left out.
    actions: Callable[[Any, str], tuple[list[Any], list[tuple[str, str]]]]
    #: Whether a [namespaces] value names a namespace.
    namespace: Callable[[Any], bool]
    #: Dotted key -> why a value of it is not valid (None: it is), instead of the type check.
    values: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)


@dataclass
class Settings:
    path: Path
    found: bool = False
    #: Dotted key -> value, every key of DEFAULTS present.
    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    #: Dotted key -> where its value comes from: DEFAULT or the file's path.
    sources: dict[str, str] = field(default_factory=dict)
    namespaces: dict[str, str] = field(default_factory=dict)
    #: Binding id -> keys, for App.set_keymap (ids are checked by the app, which knows them).
    keys: dict[str, str] = field(default_factory=dict)
    #: The [[actions]] that can be offered (actions.model.Action; a bad entry is left out,
    #: with its problem).
    actions: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def theme(self) -> str:
        return self.values["theme"]

    @property
    def log_tail(self) -> int:
        return self.values["logs.tail"]

    @property
    def log_timestamps(self) -> bool:
        return self.values["logs.timestamps"]

    @property
    def shells(self) -> tuple[str, ...]:
        """The shells tried in a container, in order (exec.shell, comma-separated)."""
        return tuple(s.strip() for s in self.values["exec.shell"].split(",") if s.strip())

    def source(self, key: str) -> str:
        return self.sources.get(key, DEFAULT)

    def problem(self, key: str, text: str) -> None:
        where = f"{key}: " if key else ""
        self.problems.append(f"config {self.path}: {where}{text}")

    def apply_namespace(self, conn: Context) -> None:
        """Start in the namespace the file names for the connection's context."""
        namespace = self.namespaces.get(conn.context)
        if namespace:
            conn.namespace = namespace


def _check(key: str, value: Any, rules: Rules) -> str | None:
    """Why `value` is not valid for `key` (None: it is)."""
    if key in rules.values:
        return rules.values[key](value)
    if key == "logs.tail":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"expected a whole number >= 0, got {value!r}"
    elif key == "logs.timestamps":
        if not isinstance(value, bool):
            return f"expected true or false, got {value!r}"
    elif not isinstance(value, str) or not value.strip():
        return f"expected a non-empty string, got {value!r}"
    return None


def load(rules: Rules, path: Path | None = None, *, report: bool = False) -> Settings:
    """The settings from the file (a missing file: the defaults, no problem)."""
    settings = Settings(path or config_path())
    try:
        text = settings.path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return settings
    except (OSError, UnicodeDecodeError) as exc:
        settings.problem("", f"cannot read it ({exc.__class__.__name__}: "
                             f"{getattr(exc, 'strerror', None) or exc}); using the defaults")
        return _reported(settings, report)
    settings.found = True
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        settings.problem("", f"not valid TOML ({exc}); using the defaults")
        return _reported(settings, report)
    _read(settings, data, rules)
    return _reported(settings, report)


def _read(settings: Settings, data: dict[str, Any], rules: Rules) -> None:
    source = str(settings.path)
    tables = {key.split(".")[0] for key in DEFAULTS if "." in key} | {"namespaces", "keys"}
    for name, value in data.items():
        if name == "actions":
            settings.actions, problems = rules.actions(value, source)
            for where, text in problems:
                settings.problem(where, text)
            continue
        if name in tables and not isinstance(value, dict):
            settings.problem(name, f"expected a table ([{name}]), got {value!r}")
            continue
        if name == "namespaces":
            for context, namespace in value.items():
                if rules.namespace(namespace):
                    settings.namespaces[context] = namespace
                    settings.sources[f"namespaces.{context}"] = source
                else:
                    settings.problem(f"namespaces.{context}",
                                     f"not a valid namespace name: {namespace!r}")
            continue
        if name == "keys":
            for binding, keys in _flat(value).items():
                if isinstance(keys, str) and keys.strip() and not any(
                        not part or part != part.strip() for part in keys.split(",")):
                    settings.keys[binding] = keys
                    settings.sources[f"keys.{binding}"] = source
                else:
                    settings.problem(f"keys.{binding}", "expected key names separated by "
                                     f"commas, such as \"L\" or \"ctrl+l,f2\", got {keys!r}")
            continue
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for sub, item in items:
            key = name if sub is None else f"{name}.{sub}"
            if key not in DEFAULTS:
                settings.problem(key, "unknown key (`podtui config` lists the known ones)")
                continue
            why = _check(key, item, rules)
            if why:
                settings.problem(key, f"{why}; using the default {DEFAULTS[key]!r}")
                continue
            settings.values[key] = item
            settings.sources[key] = source


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`pod_list.logs = "L"` is a TOML dotted key (a nested table): the binding id."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _reported(settings: Settings, report: bool) -> Settings:
    if report:
        print_problems(settings)
    return settings


def print_problems(settings: Settings) -> None:
    """Each problem, one line on stderr (the command line's way; the app shows them)."""
    for line in settings.problems:
        print(f"podtui: {line}", file=sys.stderr)
