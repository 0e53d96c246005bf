"""Inside the selected pod, from the pod list and the pod detail: `s` shell, `x` run a
command, `F` port-forward, `f` the active forwards, `e` debug container, and in the detail
`v` every volume listed from every container that mounts it.

One InsideActions per app (`app.inside_actions`, declared on ui.host.Host) keeps the
forwards and what the server allows per namespace; every action says its kubectl
equivalent on the status line.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from podtui.anatomy import kubectl
from podtui.anatomy.containers import containers_from_json
from podtui.anatomy.inside import (
    default_container,
    exec_containers,
    forwardable_ports,
    volume_views,
)
from podtui.anatomy.kinds import container_names
from podtui.anatomy.refs import pod_ref
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.inside_access import InsideAccess
from podtui.cluster.portforward import Forward, parse_ports
from podtui.ui.keys.bindings import bound_action, refusal

if TYPE_CHECKING:
    from podtui.cluster.shell import ShellOutcome
    from podtui.ui.host import Host

#: Screen actions -> the access they need (hidden when the server says no, or read-only).
ACTION_ACCESS = {"shell": "exec", "run": "exec", "volumes_inside": "exec",
                 "port_forward": "port_forward", "debug": "debug"}
#: Screen actions that write pods -> the verb the server is asked about.
WRITES = {"new_pod": "create", "delete": "delete"}
ALL_CONTAINERS = "(all containers)"
OTHER_PORT = "another port…"




def _exec_targets(pod: dict) -> list[str]:
    """The containers to exec in, less the debug containers that do not run: an ended one
    stays in the pod for good, and the kubelet has no container left to exec in."""
    idle = {c.name for c in containers_from_json(pod)
            if c.kind == "ephemeral" and c.state.kind != "running"}
    return [name for name in exec_containers(pod) if name not in idle]


class InsideActions:
    """Its work off the event loop (access reviews, a debug container's start) runs in the
    app's thread workers and reports to the app by these (posted: the app may have ended
    meanwhile, and post_message is then a no-op)."""

    class AccessChecked(Message):
        """What the user may do inside the pods of a namespace (exec, port-forward, debug);
        `key` is (kubeconfig context, namespace)."""

        def __init__(self, key: tuple[str, str], access: InsideAccess) -> None:
            super().__init__()
            self.key = key
            self.access = access

    class DebugContainerReady(Message):
        """The debug container runs: open a shell in it."""

        def __init__(self, namespace: str, pod: str, container: str, equivalent: str) -> None:
            super().__init__()
            self.namespace = namespace
            self.pod = pod
            self.container = container
            self.equivalent = equivalent

    class DebugFailed(Message):
        """The debug container could not be added or will not run: one line."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class ForwardEnded(Message):
        """A port-forward ended by itself (its pod went, the connection broke): one line,
        from the forward's thread."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, app: Host) -> None:
        self.app = app
        self.forwards: list[Forward] = []
        #: What the server allows, by (kubeconfig context, namespace): after `:ctx` the
        #: namespace of the same name on another cluster is asked again.
        self.access: dict[tuple[str, str], InsideAccess] = {}
        self._checking: set[tuple[str, str]] = set()
        #: Tests hand the shell a pseudo-terminal of their own: (in_fd, out_fd).
        self.shell_fds: tuple[int, int] | None = None
        #: Debug containers started here, (namespace, pod, container) -> the shell it runs:
        #: attached to, so that the container ends with it (a shell exec'd beside it would
        #: leave it running for good).
        self._debug_shells: dict[tuple[str, str, str], str] = {}
        self._closing = False

    # --- access ------------------------------------------------------------------------

    def may(self, action: str, namespace: str) -> bool:
        """Offer the action? Read-only never; otherwise unless the server said no."""
        if self.app.conn.readonly:
            return False
        key = (self.app.conn.context, namespace)
        access = self.access.get(key)
        if access is None:
            self._check(key)
            return True
        return getattr(access, ACTION_ACCESS[action])

    def _check(self, key: tuple[str, str]) -> None:
        if not key[1] or key in self._checking:
            return
        self._checking.add(key)
        conn = self.app.conn

        def check() -> None:
            from podtui.cluster.inside_access import inside_access

            self.app.post_message(self.AccessChecked(key, inside_access(conn, key[1])))

        self.app.run_worker(check, name="inside-access", group="inside-access", thread=True,
                            exit_on_error=False)

    def checked(self, key: tuple[str, str], access: InsideAccess) -> None:
        """The app's handler of AccessChecked, on its event loop."""
        self.access[key] = access
        self._checking.discard(key)
        if self.app.screen_stack:  # the answer may come as the app ends, its screens gone
            self.app.screen.refresh_bindings()

    # --- pickers -----------------------------------------------------------------------

    def _pick(self, title: str, items: list[str], current: str, done) -> None:
        from podtui.ui.dialogs.picker import PickerScreen

        if len(items) == 1:
            done(items[0])
            return
        self.app.push_screen(PickerScreen(title, items, current, mark="default"), done)

    def _prompt(self, title: str, done, value: str = "", placeholder: str = "") -> None:
        from podtui.ui.screens.run_panes import PromptScreen

        self.app.push_screen(PromptScreen(title, value, placeholder), done)

    # --- shell -------------------------------------------------------------------------

    def shell(self, pod: dict) -> None:
        namespace, name = pod_ref(pod).where
        names = _exec_targets(pod)
        if not names:
            self.app.say(f"pod {namespace}/{name} has no container to open a shell in")
            return
        self._pick(f"Shell in which container of {name}?", names, default_container(pod),
                   lambda c: c and self.open_shell(namespace, name, c))

    def open_shell(self, namespace: str, pod: str, container: str, equivalent: str = "") -> None:
        """Hand the terminal to the remote shell; back here, exactly where we were."""
        from podtui.cluster.shell import attached_shell, interactive_shell

        shells = self.app.settings.shells
        equivalent = equivalent or kubectl.exec_in(namespace, pod, container, shells[:1],
                                                   tty=True)
        self.app.last_kubectl = equivalent
        debug_shell = self._debug_shells.pop((namespace, pod, container), "")

        def run(in_fd: int, out_fd: int) -> ShellOutcome:
            if debug_shell:
                return attached_shell(self.app.conn, namespace, pod, container, debug_shell,
                                      in_fd, out_fd)
            return interactive_shell(self.app.conn, namespace, pod, container, shells,
                                     in_fd, out_fd)

        try:
            if self.shell_fds is not None:
                outcome = run(*self.shell_fds)
            else:
                with self.app.suspend():
                    outcome = run(0, 1)
        except ClusterError as exc:
            self.app.say(f"{describe(exc)}  ({equivalent})")
            return
        failed = not outcome.shell or outcome.exit_code is None
        self.app.say(f"{outcome.line()}  ({equivalent})", error=failed)

    # --- run one command ---------------------------------------------------------------

    def run_command(self, pod: dict) -> None:
        namespace, name = pod_ref(pod).where
        names = _exec_targets(pod)
        if not names:
            self.app.say(f"pod {namespace}/{name} has no container to run a command in")
            return
        # "every container": the pod's own, not the debug containers added to it
        own = [n for n in names if n not in container_names(pod, "ephemeral")]
        items = names + ([ALL_CONTAINERS] if len(own) > 1 else [])

        def chosen(container: str | None) -> None:
            if not container:
                return
            targets = own if container == ALL_CONTAINERS else [container]
            where = "every container" if len(targets) > 1 else container
            self._prompt(f"Run in {where} of {name} (no shell: words as typed)",
                         lambda line: line and self.show_runs(namespace, name, targets, line),
                         placeholder="e.g. ls -la /  or  sh -c 'ps; df -h'")

        self._pick(f"Run a command in which container of {name}?", items,
                   default_container(pod), chosen)

    def show_runs(self, namespace: str, pod: str, containers: list[str], line: str) -> None:
        from podtui.ui.screens.run_panes import RunPanesScreen, RunSpec

        try:
            command = tuple(shlex.split(line))
        except ValueError as exc:
            self.app.say(f"cannot read the command: {exc}")
            return
        specs = [RunSpec(c, c, command) for c in containers]
        self.app.push_screen(RunPanesScreen(self.app.conn, namespace, pod, line, specs))
        self.app.last_kubectl = kubectl.exec_in(namespace, pod, containers[0], command)
        self.app.say(self.app.last_kubectl
                     + (" (and each other container)" if len(containers) > 1 else ""),
                     error=False)

    def volumes_inside(self, pod: dict) -> None:
        from podtui.ui.screens.run_panes import RunPanesScreen, RunSpec

        namespace, name = pod_ref(pod).where
        views = [v for v in volume_views(pod) if v.container in exec_containers(pod)]
        if not views:
            self.app.say(f"no container of {namespace}/{name} mounts a volume")
            return
        specs = [RunSpec(f"{v.volume}: {v.container} {v.path}", v.container, v.command)
                 for v in views]
        self.app.push_screen(RunPanesScreen(
            self.app.conn, namespace, name, "each volume from every container that mounts it",
            specs))
        first = views[0]
        self.app.last_kubectl = kubectl.exec_in(namespace, name, first.container, first.command)
        self.app.say(self.app.last_kubectl + " (and each other mount)", error=False)

    # --- port-forward ------------------------------------------------------------------

    def port_forward(self, pod: dict) -> None:
        namespace, name = pod_ref(pod).where
        ports = forwardable_ports(pod)
        labels = {p.label(): p.port for p in ports}

        def chosen(label: str | None) -> None:
            if label == OTHER_PORT:
                self._prompt(f"Forward which port of {name}? [LOCAL:]REMOTE",
                             lambda spec: spec and self.start_forward(namespace, name, spec),
                             placeholder="8080 or 18080:8080 (LOCAL 0: any free port)")
            elif label:
                self.start_forward(namespace, name, str(labels[label]))

        self.app.push_screen(self._port_picker(name, [*labels, OTHER_PORT]), chosen)

    def _port_picker(self, name: str, items: list[str]):
        from podtui.ui.dialogs.picker import PickerScreen

        return PickerScreen(f"Forward which port of {name} to 127.0.0.1?", items,
                            items[0] if items else "")

    def start_forward(self, namespace: str, pod: str, spec: str) -> Forward | None:
        try:
            local, remote = parse_ports(spec)
            try:
                forward = Forward(self.app.conn, namespace, pod, remote, local,
                                  on_end=self._forward_ended).start()
            except ClusterError:
                if ":" in spec:  # the user named the local port: say it is taken
                    raise
                forward = Forward(self.app.conn, namespace, pod, remote, 0,
                                  on_end=self._forward_ended).start()
        except ClusterError as exc:
            self.app.say(describe(exc))
            return None
        self.forwards.append(forward)
        self.app.last_kubectl = forward.kubectl
        self.app.say(f"forwarding 127.0.0.1:{forward.local} -> {pod}:{remote} (f lists "
                     f"forwards)  ({forward.kubectl})", error=False)
        return forward

    def _forward_ended(self, forward: Forward) -> None:
        line = (f"forward 127.0.0.1:{forward.local} -> {forward.pod}:{forward.remote} "
                f"ended: {forward.ended}")
        if forward.ended == "stopped" or self._closing:
            return  # the user stopped it (the list shows it), or the app is gone
        self.app.post_message(self.ForwardEnded(line))

    def show_forwards(self) -> None:
        from podtui.ui.screens.forwards import ForwardsScreen

        self.app.push_screen(ForwardsScreen(lambda: list(self.forwards)))

    def stop_all(self) -> None:
        """When the app has exited: the command line says what was stopped."""
        self._closing = True
        for forward in self.forwards:
            forward.stop("podtui exited")

    # --- debug container ---------------------------------------------------------------

    def debug(self, pod: dict) -> None:
        from podtui.cluster.debug import DEFAULT_IMAGE

        namespace, name = pod_ref(pod).where
        targets = [c for c in exec_containers(pod) if c not in container_names(pod, "ephemeral")]
        if not targets:
            self.app.say(f"pod {namespace}/{name} has no container to debug")
            return

        def target_chosen(target: str | None) -> None:
            if target:
                self._prompt(f"Debug container image (targets {target}'s processes)",
                             lambda image: image and self._add_debug(namespace, name, target,
                                                                     image),
                             value=DEFAULT_IMAGE)

        self._pick(f"Debug which container of {name}?", targets, default_container(pod),
                   target_chosen)

    def _add_debug(self, namespace: str, pod: str, target: str, image: str) -> None:
        from podtui.cluster.debug import start_debug_container

        shells = self.app.settings.shells
        equivalent = kubectl.debug(namespace, pod, target, image, shells[0])
        self.app.last_kubectl = equivalent
        self.app.say(f"adding a debug container ({equivalent})", error=False)

        def work() -> None:
            # The wait for the container (up to a minute) ends when the worker is
            # cancelled, as the app exits: the exit waits for its thread workers.
            stop = get_current_worker().cancelled_event
            try:
                name, shell = start_debug_container(self.app.conn, namespace, pod, target,
                                                    image, shells, stop=stop)
            except ClusterError as exc:
                self.app.post_message(self.DebugFailed(f"{describe(exc)}  ({equivalent})"))
                return
            self._debug_shells[(namespace, pod, name)] = shell
            self.app.post_message(self.DebugContainerReady(
                namespace, pod, name, kubectl.debug(namespace, pod, target, image, shell)))

        self.app.run_worker(work, name="debug-container", group="debug-container",
                            thread=True, exit_on_error=False)


# --- the actions of the keys (ui/keymap.py INSIDE), on the pod list and the pod detail ---------

class InsideKeys:
    """Mixin for a screen with a current pod (`inside_pod`): the actions of keymap.INSIDE,
    and the one-line answer to a key not allowed there (inside, create or delete)."""

    app: Host

    def inside_pod(self, quiet: bool = False) -> dict | None:
        """The current pod; quiet: without saying "no pod selected"."""
        raise NotImplementedError

    def inside_allowed(self, action: str) -> bool | None:
        """check_action's answer for the inside actions; None for any other action."""
        if action not in ACTION_ACCESS:
            return None
        pod = self.inside_pod(quiet=True) or {}
        namespace = pod_ref(pod).namespace or self.app.namespace
        return self.app.inside_actions.may(action, namespace)

    def on_key(self, event) -> None:
        # A hidden key still gets an answer: why it does nothing here, naming the key
        # pressed (the config file's, when remapped).
        action = bound_action(self, event.key)
        if action in ACTION_ACCESS:
            if self.inside_allowed(action) is not False:
                return
            what = {"exec": "exec is", "port_forward": "port-forward is",
                    "debug": "debug containers are"}[ACTION_ACCESS[action]] + " disabled"
            why = ("read-only mode" if self.app.conn.readonly
                   else "the pod is gone" if getattr(self, "gone", False)
                   else "RBAC does not allow it here")
        elif (verb := WRITES.get(action)) and not self.app.may(verb):
            what = f"{'creating' if verb == 'create' else 'deleting'} pods is disabled"
            why = "read-only mode" if self.app.readonly else "RBAC does not allow it here"
        else:
            return
        event.stop()
        self.app.say(refusal(why, event.key, what))

    def _with_pod(self, act) -> None:
        pod = self.inside_pod()
        if pod:
            act(self.app.inside_actions, pod)

    def action_shell(self) -> None:
        self._with_pod(InsideActions.shell)

    def action_run(self) -> None:
        self._with_pod(InsideActions.run_command)

    def action_volumes_inside(self) -> None:
        self._with_pod(InsideActions.volumes_inside)

    def action_port_forward(self) -> None:
        self._with_pod(InsideActions.port_forward)

    def action_debug(self) -> None:
        self._with_pod(InsideActions.debug)

    def action_forwards(self) -> None:
        self.app.inside_actions.show_forwards()
