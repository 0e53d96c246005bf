"""Logs side by side: one pane per container of one pod, each following its own stream.

The reference case is the seed pod: a Node.js app writes /app/logs/app.log and a busybox
sidecar tails the same file through a shared emptyDir; the two panes show both, and the
time-aligned view (`a`) interleaves them by timestamp, each line tagged with its container.

Every stream runs in its follower's own threads (`podtui.cluster.logs`); the threads post
batches to this screen, so the event loop only appends lines and repaints visible rows.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from heapq import merge
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container
from textual.events import DescendantFocus, Key, Resize
from textual.message import Message
from textual.widgets import Input, Static

from podtui.cluster import logs as cluster_logs
from podtui.cluster.connection import Connection
from podtui.cluster.inbox import Inbox
from podtui.cluster.logs import LogBatch, LogEvent, LogFollower, LogLine, LogStatus
from podtui.ui.clipboard import copy
from podtui.ui.dialogs.container_picker import ContainerPicker
from podtui.ui.keys import bindings as keymap
from podtui.ui.quiet_terminal import QuietScreen
from podtui.ui.saved_files import save_directory, save_lines
from podtui.ui.throttle import Throttle
from podtui.ui.widgets.key_bar import KeyBar
from podtui.ui.widgets.log_pane import Pane, state_label
from podtui.ui.widgets.log_view import DEFAULT_MAX_LINES, LogView

#: Narrower terminals stack the panes vertically.
STACK_BELOW_COLUMNS = 100
#: How often, at most, the followers' lines reach the panes during a flood. 5 Hz: a frame
#: repaints every pane, and a key press waits for that frame, so fewer frames answer keys
#: sooner (key -> repaint p99 ~80 ms at 5 Hz against ~190 ms at 10 Hz, bench/RESULTS.md);
#: the price is that the last line of a flood shows up to 0.2 s after it came.
DRAIN_SECONDS = 0.2
#: While lines only trickle in, each batch still scrolls every row of a followed pane:
#: the panes then take lines at most once per QUIET_SECONDS (a line after a quiet second
#: shows at once), two lines a pane per repaint at the seed pod's rate, which halves the
#: bytes written per line (over SSH). A drain of FLOOD_LINES or more: DRAIN_SECONDS again.
QUIET_SECONDS = 1.0
FLOOD_LINES = 100
#: A key press holds the panes' next update back this long (once between two updates): the
#: key's action and frame do not wait behind thousands of lines and their repaint.
KEY_FIRST_SECONDS = 0.1


class LogsScreen(QuietScreen):
    """The logs of some containers of one pod, side by side. Quiet: a followed pane
    scrolls every row for a new line; only the cells that changed are written."""

    BINDINGS = keymap.LOGS

    class LogsWaiting(Message, bubble=False):
        """Log lines or statuses wait in the inbox (posted from a follower's thread)."""

    class Saved(Message):
        """The save worker wrote the lines (`path`), or could not (`error`)."""

        def __init__(self, path: Path | None, count: int, error: str = "") -> None:
            super().__init__()
            self.path = path
            self.count = count
            self.error = error

    DEFAULT_CSS = """
    LogsScreen { layout: vertical; }
    LogsScreen #logs-title { height: 1; padding: 0 1; background: $panel; color: $text; }
    LogsScreen #panes { layout: horizontal; height: 1fr; }
    LogsScreen #panes.-stacked { layout: vertical; }
    LogsScreen #panes LogView { width: 1fr; height: 1fr; }
    LogsScreen #panes.-aligned LogView.pane { display: none; }
    LogsScreen #search { dock: bottom; display: none; height: 1; }
    LogsScreen.-searching #search { display: block; }
    LogsScreen.-searching KeyBar { display: none; }
    """

    def __init__(
        self,
        conn: Connection,
        namespace: str,
        pod: str,
        containers: list[str],
        all_containers: list[str] | None = None,
        tail: int = 200,
        *,
        max_lines: int = DEFAULT_MAX_LINES,
        timestamps: bool = False,
    ) -> None:
        super().__init__()
        self.conn = conn
        self.namespace = namespace
        self.pod = pod
        self.tail = tail
        self.since: int | datetime | None = None  # seconds or a time; None: the last `tail`
        self.max_lines = max_lines
        self.all_containers = list(all_containers or containers)
        for name in containers:
            if name not in self.all_containers:
                self.all_containers.append(name)
        self._timestamps = timestamps
        self._wrap = False
        self._generations = itertools.count(1)
        # Every follower delivers here (from its thread); the first delivery since the last
        # drain posts LogsWaiting, and the screen drains at most every DRAIN_SECONDS.
        self._inbox: Inbox[tuple[str, int, LogEvent]] = Inbox()
        self._inbox.on_change = lambda: self.post_message(self.LogsWaiting())
        self._throttle = Throttle(self, self._drain_inbox, DRAIN_SECONDS)
        self.panes: dict[str, Pane] = {}
        for name in dict.fromkeys(containers):
            self._new_pane(name)
        self._term = ""
        self._prompt_mode = "search"
        self._aligned: LogView | None = None
        self._last_view: LogView | None = None
        self._pane_before: LogView | None = None
        self.last_saved: Path | None = None

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id="logs-title", markup=False)
        with Container(id="panes"):
            for pane in self.panes.values():
                yield pane.view
        # One row, in place of the footer while it is open: the panes keep their size.
        yield Input(placeholder="search (enter: find, escape: cancel)", id="search", compact=True)
        yield KeyBar()

    def _heading(self) -> str:
        names = ", ".join(self.panes)
        # kubectl beside the action; last, so a narrow terminal cuts it, not the names
        same = "; ".join(self._kubectl(p) for p in self.panes.values())
        return f"Logs  {self.namespace}/{self.pod}  ({names})  · {same}"

    def _show_heading(self) -> None:
        # Its one row keeps its size: no layout of the whole screen, which a key that
        # changes the kubectl beside it (t, the range) would otherwise wait for.
        self.query_one("#logs-title", Static).update(self._heading(), layout=False)

    def _new_pane(self, container: str) -> Pane:
        view = LogView(
            self.max_lines,
            title=container,
            timestamps=self._timestamps,
            wrap=self._wrap,
            classes="pane",
        )
        pane = Pane(container, view)
        self.panes[container] = pane
        return pane

    def on_mount(self) -> None:
        self._apply_width(self.app.size.width)
        for pane in self.panes.values():
            self._start(pane)
        views = self.pane_views
        if views:
            self._focus_view(views[0])

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.query_one("#panes").set_class(width < STACK_BELOW_COLUMNS, "-stacked")

    def on_unmount(self) -> None:
        for pane in self.panes.values():
            self._stop(pane)

    @property
    def pane_views(self) -> list[LogView]:
        return [pane.view for pane in self.panes.values()]

    def pane(self, container: str) -> Pane:
        return self.panes[container]

    # -- followers ------------------------------------------------------------------------

    def _kubectl(self, pane: Pane) -> str:
        """The kubectl command that streams what this pane shows."""
        from podtui.anatomy import kubectl

        since = self.since
        if isinstance(since, datetime):
            since_text = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            since_text = f"{since}s" if since is not None else None
        return kubectl.logs(self.namespace, self.pod, [pane.container],
                            follow=not pane.previous, timestamps=self._timestamps,
                            previous=pane.previous,
                            tail=None if pane.previous or since is not None else self.tail,
                            since=None if pane.previous else since_text)

    def _say_kubectl(self, head: str = "") -> None:
        commands = "; ".join(self._kubectl(p) for p in self.panes.values())
        self.notify(f"{head} · {commands}" if head else commands)

    def _start(self, pane: Pane) -> None:
        self._stop(pane)
        # Unique across panes, old and new: a stopped follower's late events are ignored.
        pane.generation = next(self._generations)
        if self.is_mounted:  # the options it starts with are in the heading's kubectl
            self._show_heading()
        key, generation = pane.container, pane.generation

        def deliver(event: LogEvent) -> None:
            # Runs in the follower's thread. One message per batch would queue key presses
            # behind a flood: the inbox wakes the screen once until it is drained.
            self._inbox.put((key, generation, event))

        pane.view.set_title(f"{pane.container} (previous)" if pane.previous else pane.container)
        pane.follower = LogFollower(
            self.conn,
            self.namespace,
            self.pod,
            pane.container,
            on_event=deliver,
            tail=None if pane.previous or self.since is not None else self.tail,
            since=None if pane.previous else self.since,
            previous=pane.previous,
        ).start()

    def _stop(self, pane: Pane) -> None:
        if pane.follower is not None:
            pane.follower.stop()
            pane.follower = None

    def on_key(self, _event: Key) -> None:
        self._throttle.hold(KEY_FIRST_SECONDS)

    def on_logs_screen_logs_waiting(self, _message: LogsScreen.LogsWaiting) -> None:
        self._throttle.wake()

    def _drain_inbox(self) -> None:
        """Apply what the followers delivered since the last drain: each pane's lines in one
        batch (one refresh), statuses in order."""
        self._throttle.ran()
        lines: dict[str, list[LogLine]] = {}
        events = self._inbox.take()
        count = sum(len(event.lines) for _k, _g, event in events if isinstance(event, LogBatch))
        self._throttle.gap = DRAIN_SECONDS if count >= FLOOD_LINES else QUIET_SECONDS
        for key, generation, event in events:
            pane = self.panes.get(key)
            if pane is None or generation != pane.generation:
                continue  # a stopped follower's last words
            if isinstance(event, LogBatch):
                lines.setdefault(key, []).extend(event.lines)
                continue
            self._flush_lines(lines)  # keep lines before the status that followed them
            self._apply_status(pane, event)
        self._flush_lines(lines)

    def _flush_lines(self, lines: dict[str, list[LogLine]]) -> None:
        for key, batch in lines.items():
            self.panes[key].view.add_lines(batch)
            if self._aligned is not None:
                self._aligned.add_lines(batch, tag=key)
        lines.clear()

    def _apply_status(self, pane: Pane, event: LogStatus) -> None:
        text, error = state_label(event, pane.previous)
        pane.view.set_state(text, error)
        if event.state == cluster_logs.ERROR or (
            event.state == cluster_logs.RECONNECTING and event.error
        ):
            self.log.warning(f"logs {pane.container}: {event.message}")

    # -- which view -------------------------------------------------------------------------

    @on(DescendantFocus)
    def _track_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, LogView):
            self._last_view = event.widget

    def _views(self) -> list[LogView]:
        if self._aligned is not None:
            return [self._aligned]
        return self.pane_views

    def current_view(self) -> LogView | None:
        """The focused pane, else the one focused last (search and dialogs take focus)."""
        views = self._views()
        focused = self.focused
        if isinstance(focused, LogView) and focused in views:
            return focused
        if self._last_view in views:
            return self._last_view
        return views[0] if views else None

    def _focus_view(self, view: LogView | None) -> None:
        if view is not None:
            self._last_view = view
            view.focus()

    def _pane_of(self, view: LogView | None) -> Pane | None:
        return next((p for p in self.panes.values() if p.view is view), None)

    # -- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.has_class("-searching"):
            self._hide_search()
            return
        if self._aligned is not None:
            self.run_worker(self.action_aligned(), exclusive=True, group="aligned")
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_follow(self) -> None:
        view = self.current_view()
        if view is not None:
            view.toggle_follow()

    def action_follow_all(self) -> None:
        views = self._views()
        follow = not any(view.follow for view in views)
        for view in views:
            view.set_follow(follow)

    def _all_views(self) -> list[LogView]:
        views = self.pane_views
        if self._aligned is not None:
            views.append(self._aligned)
        return views

    def action_timestamps(self) -> None:
        self._timestamps = not self._timestamps
        for view in self._all_views():
            view.set_timestamps(self._timestamps)
        self._show_heading()

    def action_wrap(self) -> None:
        self._wrap = not self._wrap
        for view in self._all_views():
            view.set_wrap(self._wrap)

    def action_search(self) -> None:
        self._prompt("search", self._term, "search (enter: find, escape: cancel)")

    def action_range(self) -> None:
        self._prompt("range", "", f"tail N lines (now {self.tail}) or since 5m / 1h / an RFC 3339 "
                     "time; enter reloads every pane")

    def _prompt(self, mode: str, value: str, placeholder: str) -> None:
        search = self.query_one("#search", Input)
        self._prompt_mode = mode
        self.add_class("-searching")
        search.placeholder = placeholder
        search.value = value
        search.focus()

    def set_range(self, text: str) -> None:
        """`200` = the last 200 lines; `5m`, `1h30m` or a time = everything since then."""
        text = text.strip()
        try:
            if text.isdigit():
                self.tail, self.since = int(text), None
            else:
                self.since = cluster_logs.parse_since(text)
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            return
        for pane in self.panes.values():
            pane.view.clear()
            pane.view.set_follow(True)
            self._start(pane)
        shown = f"last {self.tail} lines" if self.since is None else f"since {text}"
        self._say_kubectl(f"reloaded: {shown}")

    def _hide_search(self) -> None:
        self.remove_class("-searching")
        self._focus_view(self.current_view())

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._hide_search()
        if self._prompt_mode == "range":
            self.set_range(event.value)
        else:
            self.search(event.value)

    def search(self, term: str) -> int:
        """Highlight `term` in every pane; returns the matching lines of the current view."""
        self._term = term
        for view in self._all_views():
            view.search(term)
        view = self.current_view()
        count = view.match_count if view is not None else 0
        if term and view is not None and not view.match_count:
            self.notify(f"no match for {term!r} in {view.title}", severity="warning")
        return count

    def action_next_match(self) -> None:
        view = self.current_view()
        if view is not None and view.search_term and not view.next_match():
            self.notify(f"no match for {view.search_term!r}", severity="warning")

    def action_previous_match(self) -> None:
        view = self.current_view()
        if view is not None and view.search_term and not view.previous_match():
            self.notify(f"no match for {view.search_term!r}", severity="warning")

    def action_previous(self) -> None:
        pane = self._pane_of(self.current_view())
        if pane is None:
            self.notify("leave the time-aligned view (a) to choose a container's pane",
                        severity="warning")
            return
        pane.previous = not pane.previous
        pane.view.clear()
        pane.view.set_follow(True)
        self._start(pane)
        which = "previous instance" if pane.previous else "current instance"
        self.notify(f"{pane.container}: {which} · {self._kubectl(pane)}")

    def action_copy(self) -> None:
        """The current search match's line (n/N move it), else the focused pane's lines on
        screen, to the local clipboard."""
        view = self.current_view()
        if view is None:
            return
        match = view.current_match_line()
        if match is not None:
            copy(self.app, match, f"the current match in {view.title}")
            return
        lines = view.visible_lines()
        noun = "line" if len(lines) == 1 else "lines"
        copy(self.app, "\n".join(lines),
             f"{len(lines)} {noun} of {view.title}" if lines else f"{view.title} shows no lines")

    def action_clear(self) -> None:
        view = self.current_view()
        if view is not None:
            view.clear()

    def action_save(self) -> None:
        view = self.current_view()
        if view is None:
            return
        pane = self._pane_of(view)
        name = pane.container if pane is not None else "aligned"
        if pane is not None and pane.previous:
            name += "-previous"
        self._save(view.plain_lines(), name)

    @work(thread=True, exclusive=False, group="save")
    def _save(self, lines: list[str], container: str) -> None:
        try:
            path = save_lines(save_directory(), self.pod, container, lines)
        except OSError as exc:
            self.post_message(self.Saved(None, len(lines), str(exc.strerror or exc)))
            return
        self.post_message(self.Saved(path, len(lines)))

    def on_logs_screen_saved(self, message: LogsScreen.Saved) -> None:
        if message.path is None:
            self.notify(f"cannot save: {message.error}", severity="error")
            return
        self.last_saved = message.path
        self.notify(f"saved {message.count} lines to {message.path}")

    async def action_aligned(self) -> None:
        panes = self.query_one("#panes")
        if self._aligned is not None:
            aligned, self._aligned = self._aligned, None
            panes.remove_class("-aligned")
            await aligned.remove()
            self._focus_view(self._pane_before if self._pane_before in self.pane_views
                             else self.current_view())
            return
        self._pane_before = self.current_view()
        aligned = LogView(
            self.max_lines,
            title="time-aligned: " + ", ".join(self.panes),
            timestamps=self._timestamps,
            wrap=self._wrap,
            ordered=True,
            id="aligned",
        )

        def tagged(pane: Pane):
            return ((line.ns if line.ns is not None else -1, pane.container, line)
                    for line in pane.view.lines)

        combined = list(merge(*(tagged(p) for p in self.panes.values()), key=lambda t: t[0]))
        self._aligned = aligned
        panes.add_class("-aligned")
        await panes.mount(aligned)
        # Feed in runs of the same container, oldest first.
        run: list = []
        run_tag = None
        for _ns, tag, line in combined[-self.max_lines :]:
            if tag != run_tag and run:
                aligned.add_lines(run, tag=run_tag or "")
                run = []
            run_tag = tag
            run.append(line)
        if run:
            aligned.add_lines(run, tag=run_tag or "")
        if self._term:
            aligned.search(self._term)
        aligned.set_state("interleaved by timestamp")
        self._focus_view(aligned)

    def _focus_step(self, step: int) -> None:
        views = self._views()
        if not views:
            return
        current = self.current_view()
        index = views.index(current) if current in views else -1
        self._focus_view(views[(index + step) % len(views)])

    def action_next_pane(self) -> None:
        self._focus_step(+1)

    def action_previous_pane(self) -> None:
        self._focus_step(-1)

    def action_choose(self) -> None:
        chosen = list(self.panes)
        self.app.push_screen(ContainerPicker(self.all_containers, chosen), self._chosen)

    async def _chosen(self, containers: list[str] | None) -> None:
        if not containers:
            return
        await self.show_containers(containers)

    async def show_containers(self, containers: list[str]) -> None:
        """Show exactly these containers (keeping the panes that stay)."""
        if self._aligned is not None:
            await self.action_aligned()
        wanted = list(dict.fromkeys(containers))
        for name in list(self.panes):
            if name not in wanted:
                pane = self.panes.pop(name)
                self._stop(pane)
                await pane.view.remove()
        holder = self.query_one("#panes")
        kept = dict(self.panes)
        self.panes.clear()
        for name in wanted:
            if name in kept:
                self.panes[name] = kept[name]
                continue
            pane = self._new_pane(name)
            await holder.mount(pane.view)
            if self._term:
                pane.view.search(self._term)
            self._start(pane)
        for index, name in enumerate(wanted):
            view = self.panes[name].view
            if list(holder.children).index(view) != index:
                holder.move_child(view, before=index)
        self._show_heading()
        views = self.pane_views
        if views and not any(v.has_focus for v in views):
            self._focus_view(views[0])
