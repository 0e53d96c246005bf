"""The podtui App: wires the cluster services to the screens."""

from __future__ import annotations

import gc
import threading

from textual import work
from textual.app import App
from textual.message import Message
from textual.screen import Screen

from podtui.anatomy import kubectl
from podtui.anatomy.kinds import container_names
from podtui.anatomy.refs import pod_ref
from podtui.cluster.connection import Connection, connect
from podtui.cluster.errors import ClusterError, describe
from podtui.cluster.pod_feed import PodFeed
from podtui.cluster.usage_feed import UsageFeed
from podtui.config_rules import check_actions, check_keys, exam_minutes
from podtui.settings.config import Settings, config_path
from podtui.ui.inside import InsideActions
from podtui.ui.keys import bindings as keymap
from podtui.ui.screens.pod_list import PodListScreen
from podtui.ui.themes import DEFAULT_THEME, load_themes
from podtui.ui.user_actions import UserActions

#: Allocations (net) between collections of the youngest GC generation (CPython: 700).
GC_YOUNG_THRESHOLD = 20_000


class PodTuiApp(App):
    TITLE = "podtui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = keymap.APP

    #: Set when an unexpected exception ended the app: one line naming the crash report.
    crash_line = ""

    #: Builds the live pod feed for a namespace (None = all); snapshot tests pass a recorded one.
    feed_factory = PodFeed
    #: Builds the resource usage feed (metrics.k8s.io); snapshot tests replay recorded usage.
    usage_factory = UsageFeed

    # What the app's workers report (each a thread worker posting one of these).

    class AccessChecked(Message):
        """What the user may do here (SelfSubjectAccessReviews)."""

        def __init__(self, allowed: dict[str, bool]) -> None:
            super().__init__()
            self.allowed = allowed

    class ServerVersionKnown(Message):
        """The API server's version was asked (Connection.server_version is set): the
        status bar shows it."""

    class NamespacesListed(Message):
        """The namespaces to pick from; `names` None: they could not be listed (`error`)."""

        def __init__(self, names: list[str] | None, error: str = "") -> None:
            super().__init__()
            self.names = names
            self.error = error

    class PodsDeleted(Message):
        """The deletes were sent: one line for them all; `error` when any failed, and
        `ended` False when one was refused and the rest not sent."""

        def __init__(self, text: str, error: bool, ended: bool = True) -> None:
            super().__init__()
            self.text = text
            self.error = error
            self.ended = ended

    def __init__(
        self,
        conn: Connection,
        *,
        readonly: bool = False,
        theme: str | None = None,
        all_namespaces: bool = False,
        feed: PodFeed | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        conn.readonly = conn.readonly or readonly
        self.conn = conn
        self.namespace = conn.namespace
        #: What the user may do here, from SelfSubjectAccessReviews (absent: not known yet).
        self.allowed: dict[str, bool] = {}
        self.all_namespaces = all_namespaces
        #: A feed the command line started before the app existed, for the first pod list.
        self.started_feed = feed
        self.readonly = conn.readonly  # a read-only connection makes a read-only app
        themes, self._theme_errors = load_themes()
        for item in themes:
            self.register_theme(item)
        self.theme_names = [t.name for t in themes]
        #: The config file's settings (the command line loads it; without it, the defaults).
        self.settings = settings or Settings(config_path())
        self._wanted_theme = theme or self.settings.theme or DEFAULT_THEME
        #: The kubectl command of the last action (`c` on the detail screen copies it).
        self.last_kubectl = ""
        self.inside_actions = InsideActions(self)
        self.user_actions = UserActions(self)

    @property
    def _background_screens(self) -> list[Screen]:
        # Textual counts the screen under the top one as visible even when the top one is
        # opaque: every repaint of the pod list (its ages tick each second) then repaints
        # the whole screen on top, e.g. both log panes of a flood, and a key press waits.
        if self._screen_stack and self.screen.styles.background.a == 1:
            return []
        return super()._background_screens

    def on_mount(self) -> None:
        self.watch_threads()
        if self._wanted_theme in self.available_themes:
            self.theme = self._wanted_theme
        else:
            self._theme_errors.append(f"unknown theme {self._wanted_theme!r}")
        if self.settings.keys:
            from podtui.ui.keys.remap import all_bindings, clashes

            check_keys(self.settings, set(all_bindings()), clashes)
        if self.settings.actions:  # before the screens bind them
            from podtui.ui.keys.remap import action_clashes

            check_actions(self.settings, action_clashes)
        if self.settings.keys:
            self.set_keymap(self.settings.keys)
        self.push_screen(PodListScreen())
        self.check_access()
        self.check_version()
        # Everything allocated so far (modules, classes, the app) lives as long as the
        # process: move it out of the GC's way, so full collections during a pod or log
        # flood scan only new objects (unfrozen, they pause up to 0.9 s: bench/RESULTS.md).
        gc.freeze()
        gc.enable()  # off while the modules loaded (cli.main)
        # Each frame makes thousands of short-lived tracked objects (Textual's strips and
        # their caches) and a log flood 20,000 lines a second: with the default young
        # generation (700) they are collected, and promoted, many times a frame; with this
        # one most are freed first (2 log panes x 10,000 lines/s: the GC takes ~3 % of the
        # time instead of ~19 %).
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        for line in self.settings.problems + self._theme_errors:
            self.notify(line, severity="warning")

    def _handle_exception(self, error: Exception) -> None:
        # Textual's own handler prints a full-screen traceback with every frame's local
        # variables (connections, request headers, tokens). Instead: a redacted report in
        # the state directory, and one line naming it (crash_line: the command line prints
        # it once the terminal is restored; Textual would crop it to the terminal's width).
        from textual.worker import WorkerFailed

        from podtui.crash import crash_line

        self._return_code = 1
        if self._exception is None:  # what run_test re-raises, for the tests
            self._exception = error
            self._exception_event.set()
        cause = error.error if isinstance(error, WorkerFailed) else error
        try:
            conn = getattr(self, "conn", None)
            line = crash_line(cause, conn.secrets() if conn else ())
        except Exception:  # noqa: BLE001 - the app must still stop and restore the terminal
            line = "podtui stopped on an unexpected error (no crash report)"
        self.crash_line = self.crash_line or line  # the first error is the one to report
        self.panic()  # stop now, as Textual does, with nothing of its own to print

    def watch_threads(self) -> None:
        """While the app runs, an exception a thread does not catch ends it like any other
        (else it vanishes into Textual's captured stderr and a screen silently stops)."""
        self._previous_thread_hook = threading.excepthook
        threading.excepthook = self._thread_crashed

    def _thread_crashed(self, args: threading.ExceptHookArgs) -> None:
        loop = self._loop
        if loop is None or args.exc_value is None or args.exc_type is SystemExit:
            self._previous_thread_hook(args)
            return
        try:
            loop.call_soon_threadsafe(self._handle_exception, args.exc_value)
        except RuntimeError:  # the loop has closed: the app is gone
            self._previous_thread_hook(args)

    def on_unmount(self) -> None:
        if threading.excepthook == self._thread_crashed:
            threading.excepthook = self._previous_thread_hook
        self.user_actions.stop_all()  # [[actions]] still running in the background

    @property
    def pod_list(self) -> PodListScreen:
        return next(s for s in self.screen_stack if isinstance(s, PodListScreen))

    def pod(self, uid: str) -> dict | None:
        feed = self.pod_list.feed
        return feed.pod(uid) if feed else None

    @property
    def pods_synced(self) -> bool:
        feed = self.pod_list.feed
        return feed is not None and feed.cache.synced

    def say(self, text: str, error: bool = True) -> None:
        """One clear line on the current screen."""
        screen = self.screen
        if isinstance(screen, PodListScreen):
            screen.message(text, error)
        else:
            self.notify(text, severity="error" if error else "information")

    # --- navigation ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="access")
    def check_access(self) -> None:
        from podtui.cluster.pod_actions import can_i

        namespace = None if self.all_namespaces else self.namespace
        allowed = {verb: can_i(self.conn, verb, "pods", namespace) for verb in ("create", "delete")}
        self.post_message(self.AccessChecked(allowed))

    @work(thread=True, exclusive=True, group="version")
    def check_version(self) -> None:
        """GET /version once per connection: the status bar shows it."""
        from podtui.cluster.server_version import fetch

        fetch(self.conn)
        self.post_message(self.ServerVersionKnown())

    def on_pod_tui_app_server_version_known(self, message: ServerVersionKnown) -> None:
        self.pod_list.render_status()

    def on_pod_tui_app_access_checked(self, message: AccessChecked) -> None:
        self.allowed = message.allowed
        if self.screen_stack:  # the answer may come as the app ends, its screens gone
            self.screen.refresh_bindings()

    def on_inside_actions_access_checked(self, message: InsideActions.AccessChecked) -> None:
        self.inside_actions.checked(message.key, message.access)

    def on_inside_actions_forward_ended(self, message: InsideActions.ForwardEnded) -> None:
        self.say(message.text)

    def on_inside_actions_debug_failed(self, message: InsideActions.DebugFailed) -> None:
        self.say(message.text)

    def on_inside_actions_debug_container_ready(
            self, message: InsideActions.DebugContainerReady) -> None:
        self.inside_actions.open_shell(message.namespace, message.pod, message.container,
                                       message.equivalent)

    def on_user_actions_background_ended(self, message: UserActions.BackgroundEnded) -> None:
        self.say(message.text, not message.ok)

    def may(self, verb: str) -> bool:
        """Offer the action? Read-only never; otherwise unless the server said no."""
        return not self.readonly and self.allowed.get(verb, True)

    def switch_namespace(self, namespace: str | None) -> None:
        if namespace:
            from podtui.cluster.names import check_namespace

            try:
                check_namespace(namespace)
            except ClusterError as exc:
                self.say(describe(exc))
                return
        self.all_namespaces = namespace is None
        if namespace:
            self.namespace = namespace
        self.pod_list.start_feed()
        self.check_access()

    def switch_context(self, context: str) -> None:
        try:
            conn = connect(kubeconfig=self.conn.kubeconfig, context=context)
        except ClusterError as exc:
            self.say(describe(exc))
            return
        conn.readonly = self.readonly
        self.settings.apply_namespace(conn)
        self.conn.close()
        self.conn = conn
        self.namespace = conn.namespace
        self.allowed = {}
        self.pod_list.start_feed()
        self.check_access()
        self.check_version()

    def run_command_line(self, line: str) -> None:
        words = line.strip().split()
        if not words:
            return
        verb, args = words[0].lower(), words[1:]
        if verb in ("q", "quit", "q!"):
            self.exit()
        elif verb in ("ns", "namespace"):
            if not args:
                self.pick_namespace()
            else:
                self.switch_namespace(None if args[0] in ("all", "-A", "*") else args[0])
        elif verb in ("ctx", "context"):
            if not args:
                self.pick_context()
            else:
                self.switch_context(args[0])
        elif verb == "theme" and args:
            if args[0] in self.available_themes:
                self.theme = args[0]
            else:
                self.say(f"unknown theme {args[0]!r} (have: {', '.join(self.theme_names)})")
        elif verb in ("pods", "po", "pod"):
            pass
        elif verb == "drill":
            self.open_drill(args[0] if args else None, args[1] if len(args) > 1 else None)
        elif verb == "exam":
            self.open_exam(args[0] if args else None)
        else:
            self.say(f"unknown command {verb!r}: try ns, ctx, theme, drill, exam, q")

    @work(thread=True, exclusive=True, group="namespaces")
    def pick_namespace(self) -> None:
        """List namespaces (a user limited to one may not: say so, keep going)."""
        from podtui.cluster.pods import list_names

        try:
            names = ["all"] + list_names(self.conn, "namespaces", timeout=(5, 15))
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.NamespacesListed(None, f"cannot list namespaces: "
                                                          f"{describe(exc)}; use :ns NAME"))
            return
        self.post_message(self.NamespacesListed(names))

    def on_pod_tui_app_namespaces_listed(self, message: NamespacesListed) -> None:
        if message.names is None:
            self.say(message.error)
            return
        self._show_picker("Namespace", message.names, self.namespace,
                          lambda ns: ns and self.switch_namespace(None if ns == "all" else ns))

    def pick_context(self) -> None:
        if not self.conn.contexts:
            self.say("no kubeconfig contexts (in-cluster connection)")
            return
        self._show_picker("Context", list(self.conn.contexts), self.conn.context,
                          lambda ctx: ctx and self.switch_context(ctx))

    def _show_picker(self, title: str, items: list[str], current: str, done) -> None:
        from podtui.ui.dialogs.picker import PickerScreen

        self.push_screen(PickerScreen(title, items, current), done)

    def action_next_theme(self) -> None:
        names = self.theme_names or [self.theme]
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self.say(f"theme {self.theme}", error=False)

    def action_help(self) -> None:
        from podtui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def open_detail(self, pod: dict) -> None:
        from podtui.ui.screens.pod_detail import PodDetailScreen

        self.last_kubectl = kubectl.describe(*pod_ref(pod).where)
        self.push_screen(PodDetailScreen(pod))

    def open_yaml(self, pod: dict) -> None:
        from podtui.ui.screens.pod_yaml import PodYamlScreen

        self.last_kubectl = kubectl.get_yaml(*pod_ref(pod).where)
        self.push_screen(PodYamlScreen(pod))

    def open_logs(self, pod: dict, containers: list[str] | None = None) -> None:
        from podtui.ui.screens.logs import LogsScreen

        every = container_names(pod, "app") + container_names(pod, "sidecar")
        chosen = containers or (every[:2] if every else [])
        if not chosen:
            self.say("this pod has no containers to show logs for")
            return
        ref = pod_ref(pod)
        self.last_kubectl = kubectl.logs(*ref.where, chosen, follow=True,
                                         timestamps=self.settings.log_timestamps,
                                         tail=self.settings.log_tail)
        self.push_screen(
            LogsScreen(self.conn, ref.namespace or self.namespace,
                       ref.name, chosen, all_containers=every,
                       tail=self.settings.log_tail, timestamps=self.settings.log_timestamps)
        )

    def action_open_drill(self) -> None:
        self.open_drill()

    def open_drill(self, drill_id: str | None = None, seed: str | None = None) -> None:
        """`:drill [ID [SEED]]` or `D`: an exam drill (without an id, pick one)."""
        from podtui.drills.loader import load_drills
        from podtui.ui.screens.drill import DrillScreen

        drills, errors = load_drills()
        for error in errors:
            self.notify(" ".join(str(error).split()), severity="warning")
        if drill_id is None:
            self._show_picker("Drill", [d.id for d in drills], "",
                              lambda chosen: chosen and self.open_drill(chosen))
            return
        drill = next((d for d in drills if d.id == drill_id), None)
        if drill is None:
            self.say(f"unknown drill {drill_id!r} (podtui drill list)")
            return
        if seed is not None and not seed.isdigit():
            self.say(f"seed must be a number, got {seed!r}")
            return
        self.push_screen(DrillScreen(self.conn, drill, int(seed) if seed else None,
                                     readonly=self.readonly))

    def open_exam(self, seed: str | None = None) -> None:
        """`:exam [SEED]`: the mock exam (the one in progress, else a new one)."""
        from podtui.ui.screens.exam import ExamScreen

        if seed is not None and not seed.isdigit():
            self.say(f"seed must be a number, got {seed!r}")
            return
        self.push_screen(ExamScreen(self.conn, int(seed) if seed else None,
                                    minutes=exam_minutes(self.settings),
                                    readonly=self.readonly))

    def open_new_pod(self) -> None:
        if self.readonly:
            self.say("read-only mode: creating pods is disabled")
            return
        from podtui.ui.screens.new_pod import TemplatePickerScreen

        self.push_screen(TemplatePickerScreen())

    def confirm_delete(self, pods: list[dict]) -> None:
        if self.readonly:
            self.say("read-only mode: deleting pods is disabled")
            return
        pods = [p for p in pods if p]
        if not pods:
            return
        from podtui.ui.dialogs.confirm_delete import ConfirmDeleteScreen

        def chosen(choice: str | None) -> None:
            if choice in ("graceful", "force"):
                self.delete_pods(pods, force=choice == "force")

        self.push_screen(ConfirmDeleteScreen(pods), chosen)

    @work(thread=True, group="writes", exit_on_error=False)
    def delete_pods(self, pods: list[dict], force: bool) -> None:
        from podtui.cluster.pod_actions import delete_pod

        results = []
        for pod in pods:
            ref = pod_ref(pod)
            try:
                results.append(delete_pod(self.conn, ref.namespace or self.namespace,
                                          ref.name, force=force))
            except ClusterError as exc:  # read-only: one line; the worker ends with the error
                self.post_message(self.PodsDeleted(describe(exc), True, ended=False))
                raise
        failed = [r for r in results if not r.ok]
        text = "; ".join(r.message for r in (failed or results))
        if not failed:
            self.last_kubectl = kubectl_beside(results, force)
            text += " · " + self.last_kubectl
        self.post_message(self.PodsDeleted(text, bool(failed)))

    def on_pod_tui_app_pods_deleted(self, message: PodsDeleted) -> None:
        self.say(message.text, message.error)
        if message.ended:
            self.pod_list.table.marked.clear()
            self.pod_list.table.refresh()



def kubectl_beside(results, force: bool) -> str:
    """The kubectl command(s) that delete what was deleted: one per namespace."""
    by_namespace: dict[str, list[str]] = {}
    for r in results:
        by_namespace.setdefault(r.namespace, []).append(r.name)
    return "; ".join(kubectl.delete(ns, names, force) for ns, names in by_namespace.items())
