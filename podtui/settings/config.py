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

This module is a leaf (the standard library only at import): the command line, the app
and the template loader all read their directories and settings from here.

Each problem (a file that is not TOML, an unknown or invalid key) is one line naming the
file, the key and the problem; that value keeps its default and the app starts anyway.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from podtui.settings.xdg import config_dir

if TYPE_CHECKING:
    from podtui.actions.model import Action
    from podtui.cluster.connection import Connection

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
    #: The [[actions]] that can be offered (a bad entry is left out, with its problem).
    actions: list[Action] = field(default_factory=list)
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

    def apply_namespace(self, conn: Connection) -> None:
        """Start in the namespace the file names for the connection's context."""
        namespace = self.namespaces.get(conn.context)
        if namespace:
            conn.namespace = namespace

    def check_keys(self, known: set[str],
                   clashes: Callable[[dict[str, str]], list[tuple[str, str, str]]]) -> None:
        """Drop (and report) remappings of binding ids the app does not have, and report
        keys that two bindings of one screen would share (the remapping wins)."""
        known = known | {action.binding_id for action in self.actions}
        for key in [k for k in self.keys if k not in known]:
            del self.keys[key]
            self.problem(f"keys.{key}", "no binding has this id (`podtui config` lists them)")
        for binding, key, other in clashes(self.keys):
            self.problem(f"keys.{binding}", f"{key!r} is also the key of {other}, which loses "
                         "it (remap that one too)")

    def check_actions(self, clashes: Callable[[list[Action], dict[str, str]],
                                              list[tuple[Action, str, str]]]) -> None:
        """Leave out (and report) the actions whose key a built-in binding has: the
        built-in keeps it."""
        for action, key, other in clashes(self.actions, self.keys):
            if action in self.actions:
                self.actions.remove(action)
                self.problem(f"[[actions]] #{action.index} {action.title!r}",
                             f"key {key!r} is also the key of {other}; left out (give it "
                             "another key)")


def _check(key: str, value: Any) -> str | None:
    """Why `value` is not valid for `key` (None: it is)."""
    if key == "logs.tail":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"expected a whole number >= 0, got {value!r}"
    elif key == "logs.timestamps":
        if not isinstance(value, bool):
            return f"expected true or false, got {value!r}"
    elif key == "drill.time_budget":
        from podtui.cluster.logs import parse_since

        try:
            valid = isinstance(value, str) and isinstance(parse_since(value), int)
        except ValueError:
            valid = False
        if not valid:
            return f"expected a duration such as \"15m\" or \"1h30m\", got {value!r}"
    elif not isinstance(value, str) or not value.strip():
        return f"expected a non-empty string, got {value!r}"
    return None


def exam_minutes(settings: Settings) -> int:
    """The mock exam's clock in minutes (`drill.time_budget`), at least one."""
    from podtui.cluster.logs import parse_since

    seconds = parse_since(str(settings.values.get("drill.time_budget", DEFAULTS[
        "drill.time_budget"])))
    return max(1, int(seconds) // 60) if isinstance(seconds, int) else 120


def load(path: Path | None = None, *, report: bool = False) -> Settings:
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
    _read(settings, data)
    return _reported(settings, report)


def _read(settings: Settings, data: dict[str, Any]) -> None:
    from podtui.cluster.names import DNS_LABEL

    source = str(settings.path)
    tables = {key.split(".")[0] for key in DEFAULTS if "." in key} | {"namespaces", "keys"}
    for name, value in data.items():
        if name == "actions":
            from podtui.actions.model import parse_actions

            settings.actions, problems = parse_actions(value, source)
            for where, text in problems:
                settings.problem(where, text)
            continue
        if name in tables and not isinstance(value, dict):
            settings.problem(name, f"expected a table ([{name}]), got {value!r}")
            continue
        if name == "namespaces":
            for context, namespace in value.items():
                if isinstance(namespace, str) and len(namespace) <= 63 \
                        and DNS_LABEL.fullmatch(namespace):
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
            why = _check(key, item)
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
        for line in settings.problems:
            print(f"podtui: {line}", file=sys.stderr)
    return settings


def print_effective(settings: Settings, out: TextIO, bindings: dict[str, tuple[str, str]],
                    clashes: Callable[[dict[str, str]], list[tuple[str, str, str]]],
                    action_clashes: Callable[..., list] | None = None) -> int:
    """`podtui config`: every setting, TOML-like, with where its value comes from.

    `bindings` (id -> default keys, description), `clashes` and `action_clashes` are
    podtui.ui.keys.remap' (the keymap is Textual's; this module stays below it)."""
    settings.check_keys(set(bindings), clashes)
    if action_clashes is not None:
        settings.check_actions(action_clashes)
    _reported(settings, True)
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
