"""The user's [[actions]] on the pod list and the pod detail: their keys in the footer,
`?` and the keymap, the container picker and the question first, then the command in one
of three ways (foreground, panes, background).

What runs is the action's argument list with its placeholders filled in, one argument each
(podtui.actions): no shell ever reads it. One UserActions per app (`app.user_actions`,
declared on ui.host.Host) holds what runs in the background, stopped when the app ends.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingsMap
from textual.message import Message

from podtui.actions.model import Action
from podtui.actions.outcome import Outcome, summary
from podtui.actions.placeholders import (
    expand,
    kubeconfig_file,
    pod_values,
    unfilled,
    why_empty,
)
from podtui.actions.process import Captured, run_foreground
from podtui.anatomy.containers import containers_from_json
from podtui.anatomy.inside import default_container
from podtui.anatomy.refs import name_of
from podtui.ui.keys.bindings import action_keys, refusal

if TYPE_CHECKING:
    from podtui.ui.host import Host
    from podtui.ui.screens.action_panes import Run

ALL_CONTAINERS = "(all containers)"
SCOPE_WORDS = {"pod": "pod", "container": "container", "pods": "marked pods"}


def offered(app: Host, scopes: tuple[str, ...]) -> tuple[list[Action], list[Action]]:
    """(bound, hidden) actions of these scopes: under --readonly only readonly_ok ones are
    bound; the others' keys are still answered (with why)."""
    mine = [a for a in app.settings.actions if a.scope in scopes]
    if not app.readonly:
        return mine, []
    return [a for a in mine if a.readonly_ok], [a for a in mine if not a.readonly_ok]


def binding(action: Action) -> Binding:
    return Binding(action.key, f"user_action({action.name!r})", action.title,
                   id=action.binding_id)


def help_bindings(app: Host, title: str) -> list[Binding]:
    """`?`'s rows for a screen (keymap.HELP's title): its actions, scope and mode said."""
    scopes = {"Pod list": ("pod", "container", "pods"), "Pod detail": ("pod", "container")}
    bound, hidden = offered(app, scopes.get(title, ()))
    rows = []
    for action in bound + hidden:
        note = ", hidden: --readonly" if action in hidden else ""
        rows.append(Binding(action.key, f"user_action({action.name!r})",
                            f"{action.title} (your action: {SCOPE_WORDS[action.scope]}, "
                            f"{action.mode}{note})", id=action.binding_id))
    return rows


class ActionKeys:
    """Mixin for a screen with a current pod (`inside_pod`): binds the actions of its
    scopes when it mounts."""

    app: Host
    #: The scopes this screen offers (the pod list adds `pods`, its marked pods).
    ACTION_SCOPES: tuple[str, ...] = ("pod", "container")

    def inside_pod(self, quiet: bool = False) -> dict | None:
        raise NotImplementedError

    def marked_pods(self) -> list[dict]:
        pod = self.inside_pod()
        return [pod] if pod else []

    def on_mount(self) -> None:
        bound, hidden = offered(self.app, self.ACTION_SCOPES)
        self._hidden_actions = hidden
        if bound:
            # Per screen, not in the class's BINDINGS: they come from the user's file.
            self._bindings = BindingsMap.merge(
                [self._bindings, BindingsMap([binding(a) for a in bound])])
            self.refresh_bindings()

    def on_key(self, event) -> None:
        # A hidden action's key still gets an answer: why it does nothing.
        for action in getattr(self, "_hidden_actions", ()):
            if event.key in action_keys(action, self.app.settings.keys):
                event.stop()
                self.app.say(refusal("read-only mode", event.key, f"{action.title} is "
                                     "disabled (its readonly_ok is false)"))
                return

    def action_user_action(self, name: str) -> None:
        action = next((a for a in self.app.settings.actions if a.name == name), None)
        if action is None or (self.app.readonly and not action.readonly_ok):
            return  # bound only when allowed: a stale binding does nothing
        pods = self.marked_pods() if action.scope == "pods" else [self.inside_pod()]
        pods = [p for p in pods if p]
        if pods:
            self.app.user_actions.start(action, pods)


class UserActions:
    class BackgroundEnded(Message):
        """The last run of a background action ended (from its process's thread): one line
        for them all, to the app."""

        def __init__(self, text: str, ok: bool) -> None:
            super().__init__()
            self.text = text
            self.ok = ok

    def __init__(self, app: Host) -> None:
        self.app = app
        #: Tests hand foreground commands a pseudo-terminal of their own: (in_fd, out_fd).
        self.terminal_fds: tuple[int, int] | None = None
        self.background: list[Captured] = []
        self._lock = threading.Lock()

    def start(self, action: Action, pods: list[dict]) -> None:
        if action.scope != "container":
            self._prepare(action, [(pod, "") for pod in pods])
            return
        pod = pods[0]
        containers = [c for c in containers_from_json(pod) if c.name]
        names = [c.name for c in containers]
        if not names:
            self.app.say(f"{action.title}: the pod has no container")
            return
        # Every container: the pod's own, not the debug containers added to it (as `x`).
        own = [c.name for c in containers if c.kind != "ephemeral"]
        # One pane each is what panes are for; the other modes run one command.
        items = names + ([ALL_CONTAINERS] if action.mode == "panes" and len(own) > 1 else [])

        def chosen(container: str | None) -> None:
            if container:
                picked = own if container == ALL_CONTAINERS else [container]
                self._prepare(action, [(pod, c) for c in picked])

        if len(items) == 1:
            chosen(items[0])
            return
        from podtui.ui.dialogs.picker import PickerScreen

        name = name_of(pod)
        self.app.push_screen(PickerScreen(f"{action.title}: which container of {name}?",
                                          items, default_container(pod), mark="default"),
                             chosen)

    def _values(self, pod: dict, container: str) -> dict[str, str]:
        conn = self.app.conn
        in_cluster = not conn.contexts  # a kubeconfig has at least one
        return pod_values(pod, context="" if in_cluster else conn.context,
                          kubeconfig=kubeconfig_file(conn.kubeconfig, in_cluster),
                          container=container)

    def _prepare(self, action: Action, targets: list[tuple[dict, str]]) -> None:
        # Here, not at the top: the panes (and the log view they use) load when an action
        # runs, not with the pod list.
        from podtui.ui.screens.action_panes import Run

        runs = []
        for pod, container in targets:
            values = self._values(pod, container)
            where = f"{values['namespace']}/{values['pod']}"
            label = f"{where} {container}" if container else where
            missing = unfilled(action.command, values)
            if missing:
                self.app.say(f"{action.title} ({label}): {why_empty(missing[0])}; not run")
                return
            runs.append(Run(label, container or values["pod"], expand(action.command, values)))
        if not action.confirm:
            self.run(action, runs)
            return
        from podtui.ui.dialogs.confirm_action import ConfirmActionScreen

        self.app.push_screen(ConfirmActionScreen(action.confirm, [r.argv for r in runs]),
                             lambda yes: self.run(action, runs) if yes else None)

    def run(self, action: Action, runs: list[Run]) -> None:
        if action.mode == "panes":
            from podtui.ui.screens.action_panes import ActionPanesScreen

            self.app.push_screen(ActionPanesScreen(action.title, runs))
        elif action.mode == "background":
            self._background(action, runs)
        else:
            self._foreground(action, runs)

    def _foreground(self, action: Action, runs: list[Run]) -> None:
        """The terminal handed over, as `s` does; back to the same screen afterwards."""
        from textual.app import SuspendNotSupported

        ended: list[tuple[str, Outcome]] = []
        try:
            if self.terminal_fds is not None:
                for run in runs:
                    ended.append((run.label, run_foreground(run.argv, *self.terminal_fds)))
            else:
                with self.app.suspend():
                    for run in runs:
                        ended.append((run.label, run_foreground(run.argv)))
        except SuspendNotSupported:
            self.app.say(f"{action.title}: this terminal cannot be handed over; not run")
            return
        line, ok = summary(action.title, ended)
        self.app.say(line, error=not ok)

    def _background(self, action: Action, runs: list[Run]) -> None:
        """One line when the last of them ends (their output is not kept)."""
        ended: list[tuple[str, Outcome]] = []

        def done(run: Run, captured: Captured, outcome: Outcome) -> None:
            with self._lock:
                if captured in self.background:
                    self.background.remove(captured)
                ended.append((run.label, outcome))
                if len(ended) < len(runs):
                    return
            line, ok = summary(action.title, sorted(ended, key=lambda e: order[e[0]]))
            self.app.post_message(self.BackgroundEnded(line, ok))  # a no-op once it ended

        order = {run.label: i for i, run in enumerate(runs)}
        self.app.say(f"{action.title}: running in the background", error=False)
        for run in runs:
            captured = Captured(run.argv, lambda _stream, _text: None, lambda _o: None,
                                name="action-background")
            captured.on_end = partial(done, run, captured)
            with self._lock:
                self.background.append(captured)
            captured.start()

    def stop_all(self) -> None:
        """When the app ends: its background commands end with it."""
        with self._lock:
            running, self.background = list(self.background), []
        for captured in running:
            captured.stop()
