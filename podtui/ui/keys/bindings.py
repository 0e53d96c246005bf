"""Every screen's keys as data: the screens take their BINDINGS from here and the help
screen lists them from here, so neither has to import the other.

An entry is a Textual Binding: key(s), the action it runs (a screen action, or `app.X`
for one of the App's), and the footer text; `show=False` keeps it out of the footer
(`?` still lists it). Each has an id, `<screen>.<action>`, so that keys can be remapped
without code (Textual's `App.set_keymap({"pod_list.describe": "enter"})`).
"""

from __future__ import annotations

import dataclasses
import re

from textual.app import App
from textual.binding import Binding

#: Pod list: a key sorts by a column (again: reverse).
SORT_KEYS = {"N": "name", "A": "age", "S": "status", "R": "restarts", "I": "ip",
             "O": "node", "C": "containers", "E": "namespace",
             # Usage (metrics API), heaviest first: k9s's shift-M/X/Z; CPU is U, as C
             # was taken (containers) before usage came.
             "U": "cpu", "M": "mem", "X": "cpu_r", "Z": "mem_l"}

#: Pod detail: its tabs, in order; keys 1-6 switch to them.
DETAIL_SECTIONS = ("overview", "containers", "network", "volumes", "lifecycle", "describe")


def _ids(screen: str, bindings: list[Binding]) -> list[Binding]:
    """The bindings with their ids: `<screen>.<action>` (`sort('ip')` -> `sort_ip`)."""
    named = []
    for binding in bindings:
        if binding.id:  # named by hand where the action alone would not tell them apart
            named.append(binding)
            continue
        action = re.sub(r"\W+", "_", binding.action.removeprefix("app.")).strip("_")
        named.append(dataclasses.replace(binding, id=f"{screen}.{action}"))
    return named


APP = [  # everywhere (ids kept from before the keymap, which config files name)
    Binding("q", "quit", "Quit", show=False, id="app.quit"),
    Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit_now"),
    Binding("T", "next_theme", "Theme", show=False, id="app.next_theme"),
    Binding("question_mark", "help", "Help", show=False, id="app.help"),
]

#: Inside the selected pod (ui/inside.py), on the pod list and the pod detail.
INSIDE = [
    Binding("s", "shell", "Shell"),
    Binding("x", "run", "Run"),
    Binding("F", "port_forward", "Port-forward"),
    Binding("f", "forwards", "Port-forwards (list, stop)", show=False),
    Binding("e", "debug", "Debug container", show=False),
]

POD_LIST = _ids("pod_list", [
    Binding("enter,d", "describe", "Describe"),
    Binding("l", "logs", "Logs"),
    Binding("y", "yaml", "YAML"),
    Binding("c", "copy", "Copy name", show=False),
    # Priority: acted on as the key arrives, so the keys typed after it in one burst (over
    # SSH a fast "/name" is one packet) already go to the prompt, not to the list.
    Binding("slash", "filter", "Filter", priority=True),
    Binding("colon", "command", "Cmd", priority=True),
    Binding("0", "all_namespaces", "All ns"),
    Binding("n", "new_pod", "New"),
    Binding("ctrl+d", "delete", "Delete"),
    Binding("question_mark", "app.help", "Help"),
    *INSIDE,
    Binding("D", "app.open_drill", "Exam drill", show=False),
    Binding("escape", "clear_filter", "Clear", show=False),
    *(Binding(k, f"sort('{v}')", f"Sort by {v}", show=False) for k, v in SORT_KEYS.items()),
])

POD_DETAIL = _ids("pod_detail", [
    Binding("escape", "app.pop_screen", "Back"),
    Binding("l", "logs", "Logs"),
    Binding("y", "yaml", "YAML"),
    Binding("ctrl+d", "delete", "Delete"),
    Binding("c", "copy", "Copy kubectl"),
    *(Binding(str(i + 1), f"section('{name}')", name.title(), show=False)
      for i, name in enumerate(DETAIL_SECTIONS)),
    Binding("question_mark", "app.help", "Help"),
    *INSIDE,
    Binding("v", "volumes_inside", "Each volume from every container", show=False),
])

LOGS = _ids("logs", [
    # The footer shows the everyday keys (80 columns); `?` lists them all.
    Binding("escape", "back", "Back"),
    Binding("f", "follow", "Follow"),
    Binding("F", "follow_all", "Follow/pause all", show=False),
    Binding("t", "timestamps", "Time"),
    Binding("w", "wrap", "Wrap", show=False),
    Binding("slash", "search", "Search"),
    Binding("n", "next_match", "Next match", show=False),
    Binding("N", "previous_match", "Previous match", show=False),
    Binding("p", "previous", "Previous instance", show=False),
    # c copies (as in k9s); k9s clears with C, which chooses containers here.
    Binding("c", "copy", "Copy"),
    Binding("ctrl+k", "clear", "Clear", show=False),
    Binding("s", "save", "Save"),
    Binding("a", "aligned", "Time-aligned", show=False),
    Binding("C", "choose", "Containers", show=False),
    Binding("o", "range", "Tail/since"),
    Binding("question_mark", "app.help", "Help"),
    Binding("tab", "next_pane", "Next pane", show=False),
    Binding("shift+tab", "previous_pane", "Previous pane", show=False),
])

DRILL = _ids("drill", [
    Binding("h", "hint", "Hint"),
    Binding("s", "solution", "Solution"),
    Binding("exclamation_mark", "shell", "Shell"),
    Binding("e", "end", "End"),
    Binding("R", "reset", "Reset"),
    Binding("escape", "app.pop_screen", "Back"),
    Binding("j,down", "scroll_task(1)", "Scroll the task", show=False, id="drill.scroll_down"),
    Binding("k,up", "scroll_task(-1)", "Scroll the task", show=False, id="drill.scroll_up"),
])

EXAM = _ids("exam", [
    Binding("n,right", "move(1)", "Next", id="exam.next"),
    Binding("p,left", "move(-1)", "Previous", id="exam.previous"),
    Binding("f", "flag", "Flag"),
    Binding("exclamation_mark", "shell", "Shell"),
    Binding("h", "hint", "Hint", show=False),
    Binding("s", "solution", "Solution", show=False),
    Binding("E", "end", "End exam"),
    Binding("escape", "app.pop_screen", "Back"),
    Binding("j,down", "scroll_task(1)", "Scroll the task", show=False, id="exam.scroll_down"),
    Binding("k,up", "scroll_task(-1)", "Scroll the task", show=False, id="exam.scroll_up"),
])

EXAM_REPORT = _ids("exam_report", [
    Binding("j,down", "move(1)", "Next task", id="exam_report.next"),
    Binding("k,up", "move(-1)", "Previous task", id="exam_report.previous"),
    Binding("escape,q", "app.pop_screen", "Close", id="exam_report.close"),
])

#: What `?` lists, in this order.
HELP = [("Pod list", POD_LIST), ("Pod detail", POD_DETAIL), ("Logs", LOGS),
        ("Exam drill", DRILL), ("Mock exam", EXAM), ("Exam report", EXAM_REPORT)]


def action_keys(action, keymap: dict[str, str]) -> list[str]:
    """The action's keys, normalised as Textual binds them (`?` -> question_mark)."""
    chosen = keymap.get(action.binding_id, action.key)
    return App._normalize_keymap({"": chosen})[""].split(",")


def bound_action(screen, key: str) -> str | None:
    """The action the screen's own bindings give `key`, the config file's [keys] applied:
    a hidden binding (not allowed here) is answered on the key the user set, not on its
    default."""
    remapped = getattr(screen.app, "settings", None)
    remapped = remapped.keys if remapped is not None else {}
    for binding in type(screen).BINDINGS:
        keys = remapped.get(binding.id) or binding.key
        if key in (k.strip() for k in keys.split(",")):
            return binding.action
    return None


#: Textual's key names that a user reads otherwise (help and refusal lines).
KEY_NAMES = {"slash": "/", "colon": ":", "question_mark": "?", "escape": "esc",
             "exclamation_mark": "!"}


def key_text(key: str) -> str:
    """A key as the user reads it: `ctrl+k` -> `ctrl-k`, `question_mark` -> `?`."""
    return KEY_NAMES.get(key, key.replace("ctrl+", "ctrl-"))


def refusal(why: str, key: str, what: str) -> str:
    """The one line answering a key whose action is not allowed here: the key the user
    pressed, whichever it is mapped to (`read-only mode: b refused, exec is disabled`)."""
    return f"{why}: {key_text(key)} refused, {what}"
