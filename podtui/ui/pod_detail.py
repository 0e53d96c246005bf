"""A pod's anatomy: what its containers share (network, volumes, lifecycle), live.

All the domain knowledge is in podtui.anatomy; this module only lays it out.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import yaml
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane, TextArea

from podtui.anatomy import Container, Event, Pod, describe, event_from_json, pod_from_json
from podtui.cluster.pods import Change, Page, PodWatcher, Status
from podtui.ui import clock
from podtui.ui.pod_table import status_class
from podtui.ui.themes import rich_style

if TYPE_CHECKING:
    from podtui.app import PodTuiApp

KIND_LABEL = {"init": "init", "sidecar": "sidecar", "app": "app", "ephemeral": "ephemeral"}


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

    def __init__(self, pod: Pod, variables: Mapping[str, str], now: datetime) -> None:
        self.pod = pod
        self.variables = variables  # the theme's, for the $names in styles
        self.now = now

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
        text.append_text(self.s(f"{summary.status} {summary.ready_text()}", status_style))
        text.append(f"  IP {p.network.pod_ip or '-'}  node {p.node or '-'}")
        if p.owner_kind:
            text.append(f"  owner {p.owner_kind}/{p.owner_name}")
        return text

    def containers(self, compact: bool = False) -> Table:
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        columns = ["CONTAINER", "KIND", "IMAGE", "STATE", "READY", "RESTARTS", "PORTS"]
        if not compact:
            columns.append("REQUESTS / LIMITS")
        for name in columns:
            table.add_column(name, no_wrap=name in ("CONTAINER", "READY", "RESTARTS"),
                             overflow="fold")
        for c in self.pod.containers:
            ports = ", ".join(f"{p.port}/{p.protocol}" for p in c.ports) or "-"
            last = ""
            if c.last_state and not compact:
                last = f"\nlast: {c.last_state.describe(self.now)}"
            cells = [
                self.s(c.name, "bold"),
                Text(KIND_LABEL.get(c.kind, c.kind)),
                Text(c.image),
                Text.assemble(self.s(c.state.describe(self.now), state_style(c)), last),
                Text("yes" if c.ready else "no"),
                Text(str(c.restarts)),
                Text(ports),
            ]
            if not compact:
                requests = " ".join(f"{k}={v}" for k, v in c.requests) or "-"
                limits = " ".join(f"{k}={v}" for k, v in c.limits) or "-"
                cells.append(Text(f"{requests}\n{limits}"))
            table.add_row(*cells)
        return table

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
            table.add_column(name, overflow="fold")
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
            table.add_row(self.s(v.name, "bold"), kind, mounts, shared)
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
            head.append_text(self.s("   being deleted", "bold $text-warning"))
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
            history.add_column(name, overflow="fold")
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

    def overview(self, events: list[Event]) -> Group:
        parts: list = [self.heading("Containers"),
                       self.containers(compact=True), Text(""),
                       self.heading("Shared network"), self.network(), Text(""),
                       self.heading("Shared volumes"), self.volumes(), Text(""),
                       self.heading("Lifecycle")]
        lc = self.pod.lifecycle
        parts.append(Text(f"phase {lc.phase or '-'}, restartPolicy {lc.restart_policy or 'Always'}"
                          f", QoS {lc.qos_class or '-'}"))
        parts += [Text(f"• {line}") for line in lc.if_container_dies[:3]]
        return Group(*parts)


SECTIONS = ("overview", "containers", "network", "volumes", "lifecycle", "describe")


class PodDetailScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("l", "logs", "Logs"),
        Binding("y", "yaml", "YAML"),
        Binding("ctrl+d", "delete", "Delete"),
        *(Binding(str(i + 1), f"section('{name}')", name.title(), show=False)
          for i, name in enumerate(SECTIONS)),
        Binding("question_mark", "app.help", "Help"),
    ]
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

    app: PodTuiApp

    def __init__(self, pod: dict) -> None:
        super().__init__()
        self.raw = pod
        metadata = pod.get("metadata") or {}
        self.uid = metadata.get("uid", "")
        self.pod_name = metadata.get("name", "")
        self.pod_namespace = metadata.get("namespace", "")
        self.events: dict[str, Event] = {}
        self._events_lock = threading.Lock()
        self._events_dirty = False
        self._version = ""
        self.gone = False
        self._watcher: PodWatcher | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-header")
        yield Static(id="detail-message")
        with TabbedContent(id="sections"):
            for name in SECTIONS:
                with TabPane(name.title(), id=f"tab-{name}"), VerticalScroll():
                    yield Static(id=f"section-{name}")
        yield Footer()

    def on_mount(self) -> None:
        self._watcher = PodWatcher(
            self.app.conn, self.pod_namespace, self._on_event, resource="events",
            field_selector=f"involvedObject.name={self.pod_name},involvedObject.kind=Pod",
        )
        threading.Thread(target=self._watcher.run, name="pod-events", daemon=True).start()
        # The sections hold Rich styles resolved from the theme: a new theme redraws them.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.render_pod())
        self.render_pod()
        self.set_interval(0.5, self.refresh_pod)

    def on_unmount(self) -> None:
        if self._watcher:
            self._watcher.stop()

    def _on_event(self, event) -> None:
        # Runs in the watcher thread: keep it to dictionary updates.
        with self._events_lock:
            if isinstance(event, Page):
                if event.first:
                    self.events.clear()
                for item in event.pods:
                    self.events[(item.get("metadata") or {}).get("uid", "")] = event_from_json(item)
            elif isinstance(event, Change):
                uid = (event.pod.get("metadata") or {}).get("uid", "")
                if event.kind == "DELETED":
                    self.events.pop(uid, None)
                else:
                    self.events[uid] = event_from_json(event.pod)
            elif isinstance(event, Status):
                return
            self._events_dirty = True

    def refresh_pod(self) -> None:
        """Follow the pod through the list's live cache; say so when it is gone."""
        feed = self.app.pod_list.feed
        pod = feed.pod(self.uid) if feed else None
        if pod is None and feed is not None and feed.cache.synced and not self.gone:
            self.gone = True
            message = self.query_one("#detail-message", Static)
            message.update(
                f"pod {self.pod_namespace}/{self.pod_name} was deleted; showing its last state")
            message.add_class("-shown")
            return
        version = ((pod or {}).get("metadata") or {}).get("resourceVersion", "")
        with self._events_lock:
            dirty, self._events_dirty = self._events_dirty, False
        if pod is not None and version != self._version:
            self.raw = pod
            dirty = True
        if dirty:
            self.render_pod()

    def render_pod(self) -> None:
        pod = pod_from_json(self.raw)
        self._version = (self.raw.get("metadata") or {}).get("resourceVersion", "")
        now = clock.now()
        with self._events_lock:
            events = sorted(self.events.values(),
                            key=lambda e: e.last or e.first or datetime.min.replace(tzinfo=UTC))
        view = PodView(pod, self.app.theme_variables, now)
        self.query_one("#detail-header", Static).update(view.header())
        sections = {
            "overview": view.overview(events),
            "containers": view.containers(),
            "network": view.network(),
            "volumes": view.volumes(),
            "lifecycle": view.lifecycle(events),
            "describe": Text(describe(pod, now, events)),
        }
        for name, renderable in sections.items():
            self.query_one(f"#section-{name}", Static).update(renderable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.app.may("delete") if action == "delete" else True

    def action_section(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{name}"

    def action_logs(self) -> None:
        self.app.open_logs(self.raw)

    def action_yaml(self) -> None:
        self.app.open_yaml(self.raw)

    def action_delete(self) -> None:
        self.app.confirm_delete([self.raw])


def pod_yaml(pod: dict) -> str:
    return yaml.safe_dump(pod, sort_keys=False, default_flow_style=False, width=1000)


class PodYamlScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "save", "Save"),
    ]

    def __init__(self, pod: dict) -> None:
        super().__init__()
        self.pod = pod

    def compose(self) -> ComposeResult:
        name = (self.pod.get("metadata") or {}).get("name", "")
        yield Static(f" {name}.yaml  (managedFields hidden; select text to copy, s saves)",
                     id="yaml-title")
        yield TextArea(pod_yaml(self.pod), read_only=True, show_line_numbers=True, id="yaml")
        yield Footer()

    def action_save(self) -> None:
        import os
        from pathlib import Path

        name = (self.pod.get("metadata") or {}).get("name", "pod")
        path = Path(os.environ.get("PODTUI_SAVE_DIR", ".")) / f"{name}.yaml"
        try:
            path.write_text(pod_yaml(self.pod))
        except OSError as exc:
            self.notify(f"could not save: {exc}", severity="error")
        else:
            self.notify(f"saved {path}")
