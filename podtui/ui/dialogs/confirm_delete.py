"""Confirmation before anything is deleted: it names the pods and what comes next."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button

from podtui.anatomy import lifecycle_from_json, owner_of
from podtui.anatomy.refs import metadata, pod_ref
from podtui.ui.dialogs.confirm import ConfirmScreen

CONTROLLER_NOTE = {
    "ReplicaSet": "its ReplicaSet will create a new one (new name, new IP, empty emptyDirs)",
    "StatefulSet": "its StatefulSet will recreate it with the same name",
    "DaemonSet": "its DaemonSet will create a new one on the same node",
    "Job": "its Job may start a replacement, counting toward its backoff limit",
}


def describe_victim(pod: dict) -> Text:
    ref = pod_ref(pod)
    text = Text(f"• {ref.namespace or '?'}/{ref.name or '?'}", style="bold")
    # What `d` costs: the kubelet waits this long for the containers to stop.
    text.append(f"  grace period {lifecycle_from_json(pod).grace_seconds}s")
    kind, name = owner_of(metadata(pod))
    if kind:
        note = CONTROLLER_NOTE.get(kind, f"its {kind} may replace it")
        text.append(f"\n    owned by {kind}/{name}: {note}", style="italic")
    return text


class ConfirmDeleteScreen(ConfirmScreen[str | None]):
    """Dismisses with "graceful", "force" or None (cancel). Cancel has the focus."""

    BINDINGS = [
        Binding("escape,n", "choose(None)", "Cancel", id="delete_confirm.cancel"),
        Binding("d", "choose('graceful')", "Delete", id="delete_confirm.delete"),
        Binding("F", "choose('force')", "Force kill", id="delete_confirm.force"),
    ]
    DEFAULT_CSS = """
    ConfirmDeleteScreen > Vertical { max-width: 90; border: thick $error; }
    ConfirmDeleteScreen Horizontal { height: auto; align: center middle; }
    ConfirmDeleteScreen Button { margin: 0 1; min-width: 12; }
    """
    ABOUT_ID = "victims"

    def __init__(self, pods: list[dict]) -> None:
        super().__init__()
        self.pods = pods

    def heading(self) -> str:
        count = len(self.pods)
        return "Delete this pod?" if count == 1 else f"Delete these {count} pods?"

    def about(self) -> Text:
        return Text("\n").join(describe_victim(p) for p in self.pods)

    def answers(self) -> str:
        return ("[b]d[/] delete gracefully (containers get their grace period)   "
                "[b]F[/] [reverse]FORCE KILL[/]: grace period 0, no cleanup   [b]esc[/] cancel")

    def below(self) -> ComposeResult:
        with Horizontal():
            yield Button("Cancel", id="cancel", variant="primary")
            yield Button("Delete", id="graceful", variant="warning")
            yield Button("Force kill (grace 0)", id="force", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(None if event.button.id == "cancel" else event.button.id)
