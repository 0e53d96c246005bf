"""A pod's anatomy: what its containers share (network, volumes, lifecycle), live.

All the domain knowledge is in podtui.anatomy; this module only lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from podtui.anatomy import Container, Event, Pod, describe, pod_from_json
from podtui.anatomy.refs import deleting, pod_ref, resource_version
from podtui.cluster.event_feed import EventFeed
from podtui.ui import clock
from podtui.ui.clipboard import copy
from podtui.ui.columns import NARROW, OVERFLOW
from podtui.ui.inside import InsideKeys
from podtui.ui.keys import bindings as keymap
from podtui.ui.themes import rich_style
from podtui.ui.user_actions import ActionKeys
from podtui.ui.widgets.contained import Contained
from podtui.ui.widgets.key_bar import KeyBar
from podtui.ui.widgets.path_wrap import PathWrap
from podtui.ui.widgets.pod_table import status_class
from podtui.ui.widgets.usage_view import usage_table

if TYPE_CHECKING:
    from podtui.anatomy.containers import ContainerState
    from podtui.cluster.usage_feed import UsageFeed, UsageSnapshot
    from podtui.ui.host import Host
    from podtui.ui.screens.pod_list import PodListScreen

KIND_LABEL = {"init": "init", "sidecar": "sidecar", "app": "app", "ephemeral": "ephemeral"}
#: At 80 columns the containers table says what k9s says: short kinds, ports without /TCP,
#: quantities without their resource name (cpu first, then memory).
SHORT_KIND = {"init": "init", "sidecar": "side", "app": "app", "ephemeral": "eph"}


def state_style(c: Container) -> str:
    state = c.state
    if state.kind == "running":
        return "bold $text-success" if c.ready or c.kind == "init" else "$text-warning"
    if state.kind == "terminated":
        return "$text-muted" if state.exit_code == 0 else "bold $text-error"
    if state.reason in ("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "Error"):
        return "bold $text-error"
    return "$text-warning"


class PodView:
    """Renders a Pod into Rich renderables; one method per section."""

    def __init__(self, pod: Pod, variables: Mapping[str, str], now: datetime,
                 narrow: bool = False) -> None:
        self.pod = pod
        self.variables = variables  # the theme's, for the $names in styles
        self.now = now
        self.narrow = narrow  # abbreviate (SHORT_KIND, ...) to fit 80 columns

    def s(self, text: str, style: str = "") -> Text:
        return Text(text, style=rich_style(style, self.variables) if style else "")

    def heading(self, title: str) -> Text:
        return self.s(title, "bold $text-accent")

    def header(self) -> Text:
        p = self.pod
        summary = p.summary
        text = Text()
        text.append_text(self.s(f"{p.namespace}/{p.name}", "bold"))
        text.append("  ")
        status_style = status_class(summary).replace("pod-table--", "")
        status_style = {"ok": "$text-success", "bad": "bold $text-error",
                        "done": "$text-muted"}.get(status_style, "$text-warning")
        text.append_text(self.s(f"{summary.status_text(self.now)} {summary.ready_text()}",
                                status_style))
        text.append(f"  IP {p.network.pod_ip or '-'}  node {p.node or '-'}")
        if p.owner_kind:
            text.append(f"  owner {p.owner_kind}/{p.owner_name}")
        return text

    def containers(self, compact: bool = False) -> Table:
        """One row per container. At 80 columns (`narrow`) abbreviated as k9s does
        (`eph`, `3000`, `64Mi`, the state in one word), one line per cell, and a cell too
        narrow for its word (a long image) cuts it with `…` rather than folding it onto
        the next line (`ephemer|al` reads as two words); one space between columns."""
        narrow = self.narrow
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False,
                      **({"padding": (0, 1, 0, 0)} if narrow else {}))
        columns = ["CONTAINER", "KIND", "IMAGE", "STATE", "READY", "RESTARTS", "PORTS"]
        if not compact:
            columns.append("REQ / LIM" if narrow else "REQUESTS / LIMITS")
        for name in columns:
            if narrow:
                table.add_column(name, no_wrap=True, overflow="ellipsis",
                                 ratio=1 if name == "IMAGE" else None)
            else:
                table.add_column(name, no_wrap=name in ("CONTAINER", "READY", "RESTARTS"),
                                 overflow="fold")
        for c in self.pod.containers:
            if narrow:
                ports = ",".join(str(p.port) if p.protocol == "TCP" else
                                 f"{p.port}/{p.protocol}" for p in c.ports)
                kind = SHORT_KIND.get(c.kind, c.kind) + (f"→{c.target}" if c.target else "")
            else:
                ports = ", ".join(f"{p.port}/{p.protocol}" for p in c.ports)
                kind = KIND_LABEL.get(c.kind, c.kind) + (f" → {c.target}" if c.target else "")
            last = ""
            if c.last_state and not compact:
                last = f"\nlast: {self._state(c.last_state)}"
            cells = [
                self.s(c.name, "bold"),
                Text(kind),
                Text(c.image),
                Text.assemble(self.s(self._state(c.state), state_style(c)), last),
                Text("yes" if c.ready else "no"),
                Text(str(c.restarts)),
                Text(ports or "-"),
            ]
            if not compact:
                cells.append(Text(f"{self._quantities(c.requests)}\n"
                                  f"{self._quantities(c.limits)}"))
            table.add_row(*cells)
        return table

    def _state(self, state: ContainerState) -> str:
        return state.brief() if self.narrow else state.describe(self.now)

    def _quantities(self, pairs: Sequence[tuple[str, str]]) -> str:
        """`cpu=100m memory=64Mi`; at 80 columns the values alone, cpu first: `100m 64Mi`."""
        if self.narrow:
            return " ".join(v for _, v in sorted(pairs)) or "-"
        return " ".join(f"{k}={v}" for k, v in pairs) or "-"

    def usage(self, snapshot: UsageSnapshot | None) -> Group:
        """Usage per container beside its requests and limits (the containers section)."""
        if snapshot is None:
            return Group(self.s("usage: waiting for the metrics API", "$text-muted"))
        latest = snapshot.pods.get((self.pod.namespace, self.pod.name))
        parts: list = []
        if snapshot.problem:
            parts.append(self.s(snapshot.problem, "$text-warning"))
        elif latest is None:
            parts.append(self.s("no usage yet (metrics-server reports a pod after its "
                                "second scrape)", "$text-muted"))
        elif latest.timestamp:
            parts.append(self.s(f"scraped {latest.timestamp:%H:%M:%S}Z over {latest.window}",
                                "$text-muted"))
        parts.append(usage_table(self.pod.containers, latest, snapshot.history,
                                 snapshot.problem, self.s))
        return Group(*parts)

    def network(self) -> Group:
        n = self.pod.network
        lines: list = []
        ip_line = Text("Pod IP ")
        ip_line.append_text(self.s(n.pod_ip or "(none yet)", "bold $text-primary"))
        others = [ip for ip in n.pod_ips if ip != n.pod_ip]
        if others:
            ip_line.append(f"  also {', '.join(others)}")
        ip_line.append(f"   host IP {n.host_ip or '-'}")
        if n.host_network:
            ip_line.append_text(self.s("  hostNetwork: the node's own network", "$text-warning"))
        lines.append(ip_line)
        lines.append(self.s(n.note, "italic"))
        if n.ports:
            table = Table(box=None, pad_edge=False, show_edge=False)
            for name in ("PORT", "PROTOCOL", "NAME", "CONTAINER", "HOST PORT"):
                table.add_column(name)
            clashing = {(c.port, c.protocol) for c in n.clashes}
            for p in n.ports:
                style = "bold $text-error" if (p.port, p.protocol) in clashing else ""
                table.add_row(self.s(str(p.port), style), Text(p.protocol), Text(p.name or "-"),
                              Text(p.container), Text(str(p.host_port) if p.host_port else "-"))
            lines.append(table)
        else:
            lines.append(Text("No container declares a port."))
        for clash in n.clashes:
            lines.append(self.s(
                f"CLASH: port {clash.port}/{clash.protocol} is declared by "
                f"{' and '.join(clash.containers)}; they share one port space, so only one "
                "can bind it.", "bold $text-error"))
        return Group(*lines)

    def volumes(self) -> Group:
        if not self.pod.volumes:
            return Group(Text("This pod has no volumes."))
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        for name in ("VOLUME", "TYPE", "MOUNTED BY", "SHARED"):
            table.add_column(name, overflow=OVERFLOW[self.narrow])
        for v in self.pod.volumes:
            mounts = Text()
            for i, m in enumerate(v.mounts):
                if i:
                    mounts.append("\n")
                mounts.append_text(self.s(m.container, "bold"))
                mounts.append(f" → {m.path}")
                if m.sub_path:
                    mounts.append(f" (subPath {m.sub_path})")
                mounts.append_text(self.s(" ro" if m.read_only else " rw",
                                          "$text-muted" if m.read_only else ""))
            if v.unused:
                mounts = self.s("nobody mounts it", "$text-warning")
            shared = (self.s("SHARED", "bold $text-success") if v.shared
                      else self.s("unused", "$text-warning") if v.unused else Text("-"))
            kind = Text(v.type)
            if v.detail:
                kind.append(f"\n{v.detail}", style="dim")
            table.add_row(self.s(v.name, "bold"), kind, PathWrap(mounts), shared)
        notes = [table]
        for v in self.pod.volumes:
            if v.shared:
                who = ", ".join(f"{m.container} at {m.path}" for m in v.mounts)
                what = ("the same read-only files" if all(m.read_only for m in v.mounts)
                        else "what one writes, the others read")
                notes.append(self.s(f"{v.name} ({v.type}) is shared by {who}: {what}.",
                                    "italic"))
        return Group(*notes)

    def lifecycle(self, events: list[Event]) -> Group:
        lc = self.pod.lifecycle
        head = Text()
        head.append("Phase ")
        head.append_text(self.s(lc.phase or "-", "bold"))
        head.append(f"   restartPolicy {lc.restart_policy or 'Always'}   QoS {lc.qos_class or '-'}")
        if lc.start_time:
            head.append(f"   started {lc.start_time:%Y-%m-%d %H:%M:%S}Z")
        if lc.deleting:
            head.append_text(self.s(f"   being deleted: {lc.deletion_text(self.now)}",
                                    "bold $text-warning"))
        parts: list = [head]
        conditions = Table(box=None, pad_edge=False, show_edge=False)
        for name in ("CONDITION", "STATUS", "SINCE", "REASON"):
            conditions.add_column(name)
        for c in lc.conditions:
            since = f"{c.last_transition:%H:%M:%S}" if c.last_transition else "-"
            style = "$text-success" if c.status == "True" else "$text-warning"
            conditions.add_row(Text(c.type), self.s(c.status, style), Text(since),
                               Text(" ".join(x for x in (c.reason, c.message) if x) or "-"))
        history = Table(box=None, pad_edge=False, show_edge=False)
        for name in ("CONTAINER", "STATE", "LAST STATE", "RESTARTS"):
            history.add_column(name, overflow=OVERFLOW[self.narrow])
        for c in self.pod.containers:
            last = c.last_state.describe(self.now) if c.last_state else "-"
            history.add_row(self.s(c.name, "bold"), self.s(c.state.describe(self.now),
                            state_style(c)), Text(last), Text(str(c.restarts)))
        parts += [Text(""), conditions, Text(""), history, Text(""),
                  self.heading("If one container dies")]
        parts += [Text(f"• {line}") for line in lc.if_container_dies]
        parts += [Text(""), self.heading(f"Events ({len(events)})")]
        parts += [Text(e.describe(self.now)) for e in events[-30:]] or [Text("none")]
        return Group(*parts)

    def contained(self, what: str, build) -> Contained:
        """`build()`'s renderable, or one line in its place if building or drawing fails."""
        return Contained(what, build, rich_style("$text-error", self.variables))

    def overview(self, events: list[Event]) -> Group:
        parts: list = [self.heading("Containers"),
                       self.contained("containers", lambda: self.containers(compact=True)),
                       Text(""),
                       self.heading("Shared network"), self.contained("network", self.network),
                       Text(""),
                       self.heading("Shared volumes"), self.contained("volumes", self.volumes),
                       Text(""), self.heading("Lifecycle")]
        lc = self.pod.lifecycle
        parts.append(Text(f"phase {lc.phase or '-'}, restartPolicy {lc.restart_policy or 'Always'}"
                          f", QoS {lc.qos_class or '-'}"))
        parts += [Text(f"• {line}") for line in lc.if_container_dies[:3]]
        return Group(*parts)


SECTIONS = keymap.DETAIL_SECTIONS


class PodDetailScreen(InsideKeys, ActionKeys, Screen):
    BINDINGS = keymap.POD_DETAIL

    class EventsChanged(Message, bubble=False):
        """The pod's events changed (posted from the event watcher's thread)."""

    class UsageChanged(Message, bubble=False):
        """New resource usage (or the metrics API's absence) waits in the usage feed."""

    DEFAULT_CSS = """
    PodDetailScreen #detail-header { height: auto; padding: 0 1; background: $panel; }
    PodDetailScreen #detail-message { height: auto; padding: 0 1; color: $text-error;
        display: none; }
    PodDetailScreen #detail-message.-shown { display: block; }
    PodDetailScreen TabbedContent { height: 1fr; }
    PodDetailScreen ContentSwitcher { height: 1fr; }
    PodDetailScreen TabPane { height: 1fr; padding: 0; }
    PodDetailScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """

    app: Host

    def __init__(self, pod: dict) -> None:
        super().__init__()
        self.raw = pod
        ref = pod_ref(pod)
        self.uid, self.pod_name, self.pod_namespace = ref.uid, ref.name, ref.namespace
        self.events: dict[str, Event] = {}
        self._version = ""
        self._narrow: bool | None = None  # as last rendered (None: not yet)
        self.gone = False
        self._event_feed: EventFeed | None = None
        self._usage_feed: UsageFeed | None = None
        self.usage: UsageSnapshot | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-header")
        yield Static(id="detail-message")
        with TabbedContent(id="sections"):
            for name in SECTIONS:
                with TabPane(name.title(), id=f"tab-{name}"), VerticalScroll():
                    yield Static(id=f"section-{name}")
        yield KeyBar()

    def on_mount(self) -> None:
        # Change-driven: the event watcher's on_change posts EventsChanged, the pod list
        # below posts PodListScreen.PodsChanged.
        self._event_feed = EventFeed(self.app.conn, self.pod_namespace, self.pod_name, self.uid)
        self._event_feed.on_change = lambda: self.post_message(self.EventsChanged())
        self._event_feed.start()
        self._usage_feed = self.app.usage_factory(self.app.conn, self.pod_namespace,
                                                  self.pod_name)
        self._usage_feed.on_change = lambda: self.post_message(self.UsageChanged())
        self._usage_feed.start()
        # The sections hold Rich styles resolved from the theme: a new theme redraws them.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.render_pod())
        self.render_pod()
        self.refresh_pod()  # a change between the list's last drain and this screen
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        # No pod event marks the seconds of a grace period: count them down here.
        if not self.gone and deleting(self.raw):
            self.render_pod()

    def on_unmount(self) -> None:
        if self._event_feed:
            self._event_feed.stop()
        if self._usage_feed:
            self._usage_feed.stop()

    def on_pod_detail_screen_usage_changed(self, _message: PodDetailScreen.UsageChanged) -> None:
        usage = self._usage_feed.take() if self._usage_feed else None
        if usage is not None:
            self.usage = usage
            self.render_pod()

    def on_pod_detail_screen_events_changed(self,
                                            _message: PodDetailScreen.EventsChanged) -> None:
        events = self._event_feed.take() if self._event_feed else None
        if events is not None:
            self.events = events
            self.render_pod()

    def on_pod_list_screen_pods_changed(self, message: PodListScreen.PodsChanged) -> None:
        if self.uid in message.uids:
            self.refresh_pod()

    def refresh_pod(self) -> None:
        """Follow the pod through the list's live cache; say so when it is gone."""
        pod = self.app.pod(self.uid)
        if pod is None and self.app.pods_synced and not self.gone:
            self.gone = True
            message = self.query_one("#detail-message", Static)
            message.update(
                f"pod {self.pod_namespace}/{self.pod_name} was deleted; showing its last state")
            message.add_class("-shown")
            return
        version = resource_version(pod)
        if pod is not None and version != self._version:
            self.raw = pod
            self.render_pod()

    def render_pod(self) -> None:
        pod = pod_from_json(self.raw)
        self._version = resource_version(self.raw)
        now = clock.now()
        events = sorted(self.events.values(),
                        key=lambda e: e.last or e.first or datetime.min.replace(tzinfo=UTC))
        self._narrow = self.size.width < NARROW
        view = PodView(pod, self.app.theme_variables, now, narrow=self._narrow)
        # Each part drawn on its own: an error in one is one line there, the rest still show.
        self.query_one("#detail-header", Static).update(view.contained("header", view.header))
        sections = {
            "overview": lambda: view.overview(events),
            "containers": lambda: Group(view.containers(), Text(""),
                                        view.heading("Resource usage"), view.usage(self.usage)),
            "network": view.network,
            "volumes": view.volumes,
            "lifecycle": lambda: view.lifecycle(events),
            "describe": lambda: Text.assemble((f"$ {self._kubectl_describe()}\n\n", "dim"),
                                              describe(pod, now, events)),
        }
        for name, build in sections.items():
            self.query_one(f"#section-{name}", Static).update(
                view.contained(f"{name} section", build))

    def on_resize(self) -> None:
        if self._narrow is not None and (self.size.width < NARROW) != self._narrow:
            self.render_pod()  # the tables abbreviate below NARROW columns

    def _kubectl_describe(self) -> str:
        from podtui.anatomy import kubectl

        return kubectl.describe(*pod_ref(self.raw).where)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        inside = self.inside_allowed(action)
        if inside is not None:
            return inside and not self.gone
        return self.app.may("delete") if action == "delete" else True

    def inside_pod(self, quiet: bool = False) -> dict | None:
        return self.raw

    def action_section(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{name}"

    def action_logs(self) -> None:
        self.app.open_logs(self.raw)

    def action_yaml(self) -> None:
        self.app.open_yaml(self.raw)

    def action_delete(self) -> None:
        self.app.confirm_delete([self.raw])

    def action_copy(self) -> None:
        command = self.app.last_kubectl
        copy(self.app, command, f"the last action's command: {command}" if command
             else "no action yet")
