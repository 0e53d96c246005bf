"""`y`: a pod's YAML as the API server has it (managedFields hidden), to read, copy (`c`)
or save (`s`, a new owner-only file)."""

from __future__ import annotations

import yaml
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static, TextArea

from podtui.anatomy.refs import name_of, pod_ref
from podtui.ui.clipboard import copy
from podtui.ui.widgets.key_bar import KeyBar


def pod_yaml(pod: dict) -> str:
    return yaml.safe_dump(pod, sort_keys=False, default_flow_style=False, width=1000)


class PodYamlScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="pod_yaml.back"),
        Binding("s", "save", "Save", id="pod_yaml.save"),
        Binding("c", "copy", "Copy", id="pod_yaml.copy"),
    ]

    def __init__(self, pod: dict) -> None:
        super().__init__()
        self.pod = pod

    def compose(self) -> ComposeResult:
        from podtui.anatomy import kubectl

        ref = pod_ref(self.pod)
        name = ref.name
        same = kubectl.get_yaml(*ref.where)
        yield Static(Text(f" {name}.yaml  (managedFields hidden; c copies, s saves)"
                          f" · {same}"), id="yaml-title")
        yield TextArea(pod_yaml(self.pod), read_only=True, show_line_numbers=True, id="yaml")
        yield KeyBar()

    def action_copy(self) -> None:
        name = name_of(self.pod) or "pod"
        selected = self.query_one(TextArea).selected_text
        if selected:
            copy(self.app, selected, f"{selected.count(chr(10)) + 1} selected lines of {name}.yaml")
        else:
            copy(self.app, pod_yaml(self.pod), f"{name}.yaml")

    def action_save(self) -> None:
        from podtui.ui.saved_files import save_directory, save_yaml

        name = name_of(self.pod) or "pod"
        try:
            path = save_yaml(save_directory(), name, pod_yaml(self.pod))
        except OSError as exc:
            self.notify(f"could not save: {exc}", severity="error")
        else:
            self.notify(f"saved {path}")
