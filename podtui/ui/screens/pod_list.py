"""The pod list: live rows, filter, sort, namespace and context switching."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.widgets import Input, Static

from podtui.cluster.pods import Status
from podtui.ui.clipboard import copy
from podtui.ui.inside import InsideKeys
from podtui.ui.keys import bindings as keymap
from podtui.ui.quiet_terminal import QuietScreen
from podtui.ui.throttle import Throttle
from podtui.ui.user_actions import ActionKeys
from podtui.ui.widgets.key_bar import KeyBar
from podtui.ui.widgets.pod_table import PodTable

if TYPE_CHECKING:
    from podtui.cluster.pod_feed import PodFeed
    from podtui.cluster.usage_feed import UsageFeed
    from podtui.ui.host import Host

STATE_LABEL = {
    "connecting": ("connecting", "warning"),
    "live": ("live", "success"),
    "reconnecting": ("reconnecting", "warning"),
    "forbidden": ("forbidden", "error"),
    "error": ("error", "error"),
    "stopped": ("stopped", "warning"),
}

#: bench/run.py: write timing marks (first rows shown, whole list shown) to this file.
BENCH_MARKS = os.environ.get("PODTUI_BENCH_MARKS", "")

#: Seconds between the whole list being in and the first read of usage.
USAGE_AFTER_LIST = 1.0

#: Drains at most this often: a burst of changes becomes one table update.
MIN_DRAIN_GAP = 0.03

class StatusBar(Static):
    """One line of parts; those that do not fit are left out whole, least important first
    (a part cut in the middle reads as something else)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    GAP = "  "

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._parts: list[tuple[str, int]] = []
        self._shown = ""

    def show(self, parts: list[tuple[str, int]]) -> None:
        """`parts`: (markup, rank); a higher rank stays longer."""
        self._parts = parts
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.content_region.width or self.app.size.width - 2
        kept = list(self._parts)
        while len(kept) > 1 and Content.from_markup(self._joined(kept)).cell_length > width:
            kept.remove(min(kept, key=lambda part: part[1]))
        text = self._joined(kept)
        if text != self._shown:  # the same text again would repaint the line all the same
            self._shown = text
            self.update(text)

    def _joined(self, parts: list[tuple[str, int]]) -> str:
        # A part in parentheses belongs to the one before it: one space.
        return "".join((" " if markup.startswith("(") else self.GAP) * bool(i) + markup
                       for i, (markup, _) in enumerate(parts))


class MessageLine(Static):
    """One line for errors and confirmations; it clears itself after a while."""

    DEFAULT_CSS = """
    MessageLine { height: auto; max-height: 2; padding: 0 1; color: $text-error; display: none; }
    MessageLine.-info { color: $text-success; }
    """

    def show(self, text: str, error: bool = True, seconds: float = 8.0) -> None:
        self.update(text)
        self.set_class(not error, "-info")
        self.display = True
        if getattr(self, "_timer", None):
            self._timer.stop()
        self._timer = self.set_timer(seconds, self.clear_line)

    def clear_line(self) -> None:
        self.display = False


class PodListScreen(InsideKeys, ActionKeys, QuietScreen):
    BINDINGS = keymap.POD_LIST
    ACTION_SCOPES = ("pod", "container", "pods")

    class FeedChanged(Message, bubble=False):
        """Changes wait in the pod feed (posted from the watcher's thread)."""

    class UsageChanged(Message, bubble=False):
        """New resource usage (or the metrics API's absence) waits in the usage feed."""

    class PodsChanged(Message, bubble=False):
        """This screen took these pods' changes from the feed (added, changed or removed);
        sent to the screens above it, e.g. a pod's detail."""

        def __init__(self, uids: frozenset[str]) -> None:
            super().__init__()
            self.uids = uids

    DEFAULT_CSS = """
    PodListScreen Input { dock: bottom; display: none; height: 3; }
    PodListScreen Input.-active { display: block; }
    """

    app: Host

    def __init__(self) -> None:
        super().__init__()
        self.feed: PodFeed | None = None
        self.usage_feed: UsageFeed | None = None
        self._usage_said = ""  # the metrics API's problem, said once on the message line
        self._usage_namespace: str | None = None
        self._usage_due = False  # its start is timed (after the list)
        self.status = Status("connecting")
        self._input_mode = ""
        self._feed_said = False  # the message line shows the feed's error
        self._bench_done: set[str] = set()
        self._throttle = Throttle(self, self.drain, MIN_DRAIN_GAP)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield PodTable(id="pods")
        yield MessageLine(id="message")
        yield Input(id="prompt")
        yield KeyBar()

    @property
    def table(self) -> PodTable:
        return self.query_one(PodTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.start_feed()  # what a started feed already has makes the first frame
        if BENCH_MARKS:
            self._bench_mark("mounted", len(self.table.order))
        self.set_interval(1.0, self.table.tick)  # ages tick; only changed cells are sent

    def on_unmount(self) -> None:
        if self.feed:
            self.feed.stop()
        if self.usage_feed:
            self.usage_feed.stop()

    def start_feed(self) -> None:
        if self.feed:
            self.feed.stop()
        app = self.app
        namespace = None if app.all_namespaces else app.namespace
        feed, app.started_feed = app.started_feed, None
        if feed is None or feed.namespace != namespace:
            if feed:
                feed.stop()
            feed = app.feed_factory(app.conn, namespace)
            feed.start()
        self.feed = feed
        # Woken by the feed instead of polling it: a change reaches the table as soon as
        # the event loop is free (polling every 50 ms added 25 ms on average).
        feed.on_change = lambda: self.post_message(self.FeedChanged())
        self.table.all_namespaces = app.all_namespaces
        self.table.marked.clear()
        self.table.update_rows({})
        self.status = Status("connecting", app.conn.server)
        self.render_status()
        if self.usage_feed:
            self.usage_feed.stop()
            self.usage_feed = None
        self._usage_namespace = namespace
        self.drain()  # what came before on_change was set

    def _start_usage_now(self) -> None:
        self._usage_due = False
        if self.usage_feed is None and self.feed is not None:
            self.start_usage(self._usage_namespace)

    def start_usage(self, namespace: str | None) -> None:
        """CPU and memory from the metrics API, beside the pods (their own feed: an absent
        API changes nothing else)."""
        if self.usage_feed:
            self.usage_feed.stop()
        self.usage_feed = self.app.usage_factory(self.app.conn, namespace)
        self.usage_feed.on_change = lambda: self.post_message(self.UsageChanged())
        self.usage_feed.start()

    def on_pod_list_screen_usage_changed(self, _message: PodListScreen.UsageChanged) -> None:
        usage = self.usage_feed.take() if self.usage_feed else None
        if usage is None:
            return
        self.table.set_usage(usage.pods, usage.problem)
        self.render_status()
        self._say_usage_problem()

    def _say_usage_problem(self) -> None:
        """Why usage is n/a, once, on the message line; not while the pods' own connection
        fails, whose line matters more (the bar says "metrics n/a" either way)."""
        problem = self.table.usage_problem
        if not problem:
            self._usage_said = ""
        elif problem != self._usage_said and not self._feed_said \
                and self.status.state == "live":
            self.message(problem, error=False)
            self._usage_said = problem

    def on_pod_list_screen_feed_changed(self, _message: PodListScreen.FeedChanged) -> None:
        self._throttle.wake()

    def drain(self) -> None:
        if not self.feed:
            return
        self._throttle.ran()
        synced = bool(BENCH_MARKS) and self.feed.cache.synced  # before take(): all rows in it
        delta, rows, status = self.feed.take()
        if delta is not None:
            changed = delta.upserted | delta.removed
            self.table.update_rows(rows, changed)
            # Screens above this one that show a pod (its detail) follow it from here.
            stack = self.app.screen_stack
            if self in stack and stack[-1] is not self:
                uids = frozenset(changed)
                for screen in stack[stack.index(self) + 1 :]:
                    screen.post_message(self.PodsChanged(uids))
        if status is not None:
            self.status = status
            if status.state in ("forbidden", "error") or (
                status.state == "reconnecting" and status.message
            ):
                self.message(status.message)
                self._feed_said = True
            elif status.state == "live" and self._feed_said:
                # Back again: the connection error on the message line is stale now.
                self._feed_said = False
                self.query_one(MessageLine).clear_line()
        if delta is not None or status is not None:
            self.render_status()
        if self.usage_feed is None and not self._usage_due and self.feed.cache.synced:
            # Usage a second after the whole list is in: its first read of 10,000 pods'
            # metrics would otherwise slow the list's first paint.
            self._usage_due = True
            self.set_timer(USAGE_AFTER_LIST, self._start_usage_now)
        if status is not None:
            self._say_usage_problem()
        if BENCH_MARKS:
            for mark, due in (("first_rows", bool(self.table.order)), ("loaded", synced)):
                if due and mark not in self._bench_done:
                    self._bench_done.add(mark)
                    self.call_after_refresh(self._bench_mark, mark, len(self.table.order))

    def _bench_mark(self, mark: str, rows: int) -> None:
        with open(BENCH_MARKS, "a") as handle:
            handle.write(f"{mark} {time.time():.6f} {rows}\n")
        if mark == "loaded" and os.environ.get("PODTUI_BENCH_EXIT_WHEN_LOADED"):
            # Not at once: marks made before the first frame would end the app unpainted.
            self.set_timer(0.3, self.app.exit)

    def render_status(self) -> None:
        app = self.app
        label, colour = STATE_LABEL.get(self.status.state, (self.status.state, "warning"))
        counts = self.table.phase_counts
        shown = len(self.table.order)
        total = len(self.table.rows)
        noun = "pod" if total == 1 else "pods"
        pods = f"{total} {noun}" if shown == total else f"{shown}/{total} {noun}"
        detail = " ".join(f"{v} {k.lower()}" for k, v in sorted(counts.items()) if k)
        ns = "all namespaces" if app.all_namespaces else app.namespace
        # (markup, rank): at 80 columns the name and the phase counts go first.
        parts = [
            ("[b]podtui[/]", 1),
            (f"ctx [b]{escape(app.conn.context)}[/]", 4),
        ]
        version = app.conn.server_version
        if version is not None and version.raw:  # asked and answered (app.check_version)
            parts.append((f"k8s {escape(version.label)}", 2))
        parts += [
            (f"ns [b]{escape(ns)}[/]", 5),
            (f"[$text-{colour}]● {label}[/]", 7),
            (pods, 6),
        ]
        if detail:
            parts.append((f"({detail})", 2))
        if self.table.filter_terms:
            parts.append((f"filter [b]{escape(' '.join(self.table.filter_terms))}[/]", 3))
        if self.table.usage_problem:
            parts.append(("[$text-warning]metrics n/a[/]", 2))
        if app.readonly:
            parts.append(("[$text-warning]READONLY[/]", 8))
        if app.conn.insecure:
            parts.append(("[$text-error]TLS verification off (kubeconfig)[/]", 8))
        self.query_one(StatusBar).show(parts)

    def message(self, text: str, error: bool = True) -> None:
        self._feed_said = False  # the line says something else now
        self.query_one(MessageLine).show(text, error)

    # --- prompt: filter and commands ---------------------------------------------------

    def _open_prompt(self, mode: str, value: str = "") -> None:
        self._input_mode = mode
        prompt = self.query_one(Input)
        prompt.placeholder = (
            "filter: name, status, phase or label=value (esc clears)"
            if mode == "filter"
            else "command: ns [NAME|all] | ctx [NAME] | theme NAME | drill [ID] | q"
        )
        prompt.value = value
        prompt.add_class("-active")
        # Now, not after the keys already queued (`focus()` waits its turn): over SSH a
        # fast "/name" arrives in one packet, and its letters are the prompt's, not keys.
        self.set_focus(prompt)

    def action_filter(self) -> None:
        self._open_prompt("filter", " ".join(self.table.filter_terms))

    def action_command(self) -> None:
        self._open_prompt("command")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._input_mode == "filter":
            self.table.set_filter(event.value)
            self.render_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        mode, self._input_mode = self._input_mode, ""
        event.input.remove_class("-active")
        self.table.focus()
        if mode == "command":
            self.app.run_command_line(event.value)

    def action_clear_filter(self) -> None:
        prompt = self.query_one(Input)
        if prompt.has_class("-active"):
            prompt.remove_class("-active")
            self._input_mode = ""
            self.table.focus()
            return
        if self.table.filter_terms:
            self.table.set_filter("")
            self.render_status()
        elif self.table.marked:
            self.table.marked.clear()
            self.table.refresh()

    def action_sort(self, key: str) -> None:
        self.table.set_sort(key)

    def action_all_namespaces(self) -> None:
        self.app.switch_namespace(None)

    # --- row actions -----------------------------------------------------------------

    def _selected_pod(self) -> dict | None:
        summary = self.table.selected
        if summary is None or self.feed is None:
            self.message("no pod selected")
            return None
        return self.feed.pod(summary.uid)

    def on_pod_table_selected(self, event: PodTable.Selected) -> None:
        self.action_describe()

    def inside_pod(self, quiet: bool = False) -> dict | None:
        if quiet:  # asked while the footer is drawn: no message
            summary = self.table.selected
            return self.feed.pod(summary.uid) if summary and self.feed else None
        return self._selected_pod()

    def marked_pods(self) -> list[dict]:
        """The marked pods, else the selected one (for the actions of scope `pods`)."""
        pods = self.table.marked_or_selected()
        if not pods or self.feed is None:
            self.message("no pod selected")
            return []
        return [pod for p in pods if (pod := self.feed.pod(p.uid))]

    def action_describe(self) -> None:
        pod = self._selected_pod()
        if pod:
            self.app.open_detail(pod)

    def action_yaml(self) -> None:
        pod = self._selected_pod()
        if pod:
            self.app.open_yaml(pod)

    def action_copy(self) -> None:
        summary = self.table.selected
        if summary is None:
            self.message("no pod selected")
            return
        copy(self.app, summary.name, f"pod name {summary.name}")

    def action_logs(self) -> None:
        pod = self._selected_pod()
        if pod:
            self.app.open_logs(pod)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hide what this user may not do (--readonly, or RBAC said no).
        inside = self.inside_allowed(action)
        if inside is not None:
            return inside
        if action == "new_pod":
            return self.app.may("create")
        if action == "delete":
            return self.app.may("delete")
        # "/" and ":" typed into the prompt are text.
        return action not in ("filter", "command") or self.focused is not self.query_one(Input)

    def action_new_pod(self) -> None:
        self.app.open_new_pod()

    def action_delete(self) -> None:
        pods = self.table.marked_or_selected()
        if not pods:
            self.message("no pod selected")
            return
        self.app.confirm_delete([self.feed.pod(p.uid) or {} for p in pods] if self.feed else [])
