"""A virtual pod table: renders only the visible rows, so 10,000 pods cost what 50 do.

Rows are PodSummary view models keyed by uid. A batch of changes moves only the changed
rows in the order (RowOrder) and refreshes; no widget per row, no table rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from podtui.anatomy import PodSummary, PodUsage, cpu_text, memory_text, percent
from podtui.ui import clock
from podtui.ui.widgets.row_order import RowOrder


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    least: int  # narrower than this and the column is dropped instead
    ideal: int  # what it gets when the terminal is wide enough (NAME: its longest value)
    keep: int  # higher survives longer when the terminal is narrow
    right: bool = False


COLUMNS = (
    Column("namespace", "NAMESPACE", 9, 16, 7),
    Column("name", "NAME", 16, 16, 10),
    Column("ready", "READY", 5, 5, 9),
    # STATUS is never dropped nor cut: it is as wide as its longest value (see _relayout).
    Column("status", "STATUS", 7, 7, 9),
    Column("restarts", "RESTARTS", 5, 14, 6, right=True),
    Column("age", "AGE", 4, 6, 8, right=True),
    Column("ip", "IP", 15, 15, 8),
    Column("node", "NODE", 8, 16, 4),
    Column("containers", "CTRS", 4, 4, 5, right=True),
    Column("owner", "OWNER", 10, 32, 3),
)
#: Shown once a usage feed reports (after RESTARTS, as k9s has them); kept least of all,
#: so at 80 columns they are the first to go.
USAGE_COLUMNS = (
    Column("cpu", "CPU", 5, 6, 2, right=True),
    Column("mem", "MEM", 5, 6, 2, right=True),
    Column("cpu_r", "%CPU/R", 6, 6, 1, right=True),
    Column("mem_l", "%MEM/L", 6, 6, 1, right=True),
)
NAME_LEAST = next(c.least for c in COLUMNS if c.key == "name")
STATUS_LEAST = next(c.least for c in COLUMNS if c.key == "status")
#: Who gets spare width first (STATUS has its full width before any other column).
GROW_ORDER = ("name", "ip", "age", "restarts", "namespace", "node", "owner")
#: Longer statuses are cut all the same (no kubelet reason is this long).
MAX_STATUS_WIDTH = 40
#: Columns kept less than this give way to whole pod names (up to MAX_WHOLE_NAME).
MINOR_KEEP = 6
MAX_WHOLE_NAME = 32

SORT_KEYS: dict[str, Callable[[PodSummary], object]] = {
    "namespace": lambda s: (s.namespace, s.name),
    "name": lambda s: (s.name, s.namespace),
    "ready": lambda s: (s.ready - s.total, s.name),
    "status": lambda s: (s.status, s.name),
    "restarts": lambda s: (s.restarts, s.name),
    "age": lambda s: (-(s.created.timestamp() if s.created else 0), s.name),
    "ip": lambda s: (tuple(int(p) if p.isdigit() else 0 for p in s.pod_ip.split(".")), s.name),
    "node": lambda s: (s.node, s.name),
    "containers": lambda s: (s.containers, s.name),
    "owner": lambda s: (s.owner_kind, s.owner_name, s.name),
}

def usage_value(usage: PodUsage | None, summary: PodSummary, key: str) -> object:
    """The number behind a usage column (None: unknown)."""
    if usage is None:
        return None
    total = usage.total
    if key == "cpu":
        return total.cpu
    if key == "mem":
        return total.memory
    if key == "cpu_r":
        return percent(total.cpu, summary.budget.cpu_request)
    return percent(total.memory, summary.budget.memory_limit)


BAD = ("Error", "CrashLoopBackOff", "OOMKilled", "Failed", "ImagePullBackOff", "ErrImagePull",
       "Evicted", "CreateContainerConfigError", "Unknown", "ExitCode", "Signal", "Init:Error",
       "Init:CrashLoopBackOff")


def status_class(summary: PodSummary) -> str:
    status = summary.status
    if summary.deleting:
        return "pod-table--deleting"
    if any(status.startswith(b) for b in BAD):
        return "pod-table--bad"
    if status in ("Completed", "Succeeded"):
        return "pod-table--done"
    if status == "Running" and summary.ready == summary.total:
        return "pod-table--ok"
    return "pod-table--pending"


def matches(summary: PodSummary, terms: list[str]) -> bool:
    """Each term must match: `key=value` a label, anything else name, status or phase."""
    for term in terms:
        if "=" in term:
            key, _, value = term.partition("=")
            if summary.label(key) != value:
                return False
        elif not (
            term in summary.name.lower()
            or term in summary.status.lower()
            or term in summary.phase.lower()
            or term in summary.namespace.lower()
        ):
            return False
    return True


class PodTable(ScrollView, can_focus=True):
    """Keyboard-first pod table (j/k, g/G, space marks)."""

    COMPONENT_CLASSES = {
        "pod-table--header",
        "pod-table--cursor",
        "pod-table--marked",
        "pod-table--ok",
        "pod-table--pending",
        "pod-table--bad",
        "pod-table--done",
        "pod-table--deleting",
        "pod-table--dim",
    }

    DEFAULT_CSS = """
    PodTable { height: 1fr; }
    PodTable > .pod-table--header { text-style: bold; color: $text-accent; }
    PodTable > .pod-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    PodTable > .pod-table--marked { color: $text-warning; text-style: bold; }
    PodTable > .pod-table--ok { color: $text-success; }
    PodTable > .pod-table--pending { color: $text-warning; }
    PodTable > .pod-table--bad { color: $text-error; text-style: bold; }
    PodTable > .pod-table--done { color: $text-muted; }
    PodTable > .pod-table--deleting { color: $text-secondary; text-style: italic; }
    PodTable > .pod-table--dim { color: $text-muted; }
    """

    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="pod_table.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="pod_table.up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="pod_table.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="pod_table.page_up"),
        Binding("g,home", "edge(0)", "Top", show=False, id="pod_table.top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="pod_table.bottom"),
        Binding("space", "mark", "Mark", show=False, id="pod_table.mark"),
    ]

    cursor = reactive(0, always_update=True)
    all_namespaces = reactive(False)

    class Selected(Message):
        """Enter on a row."""

        def __init__(self, uid: str) -> None:
            super().__init__()
            self.uid = uid

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: dict[str, PodSummary] = {}
        #: Pods per phase, kept with the rows: counting 50,000 rows at every drain of a
        #: loading list took more of the event loop than moving the changed rows.
        self.phase_counts: dict[str, int] = {}
        self.order = RowOrder()
        self.marked: set[str] = set()
        self.sort_key = "name"
        self.sort_reverse = False
        self.filter_terms: list[str] = []
        self._name_width = 16
        self._status_width = 0  # the longest status seen (like NAME: never shrinks, no jitter)
        #: Rows whose STATUS counts down a grace period: their width changes by the second.
        self._counting: set[str] = set()
        self._layout: list[tuple[Column, int]] = []
        self._widths: dict[str, int] = {}
        #: PodMetrics by (namespace, name); None until a usage feed reports (no columns).
        self.usage: dict[tuple[str, str], PodUsage] | None = None
        self.usage_problem = ""

    # --- data -------------------------------------------------------------------------

    def update_rows(self, summaries: dict[str, PodSummary],
                    changed: Collection[str] | None = None) -> None:
        """Take the current summaries; `changed` names the uids added, updated or removed
        (None: any may have changed)."""
        self._count_phases(summaries, changed)
        self.rows = summaries
        now = clock.now()
        for uid in summaries if changed is None else changed:
            summary = summaries.get(uid)
            if summary is None:
                continue
            if len(summary.name) > self._name_width:
                self._name_width = min(len(summary.name), 63)
            status = summary.status_text(now)
            if len(status) > self._status_width:
                self._status_width = min(len(status), MAX_STATUS_WIDTH)
            if status != summary.status:
                self._counting.add(uid)
            else:
                self._counting.discard(uid)
        self.marked &= summaries.keys()
        self._counting &= summaries.keys()
        self._reorder(changed)

    def _count_phases(self, summaries: dict[str, PodSummary],
                      changed: Collection[str] | None) -> None:
        counts = self.phase_counts
        if changed is None:
            counts.clear()
            changed, old = summaries.keys(), {}
        else:
            old = self.rows
        for uid in changed:
            before, after = old.get(uid), summaries.get(uid)
            if before is not None:
                counts[before.phase] -= 1
                if not counts[before.phase]:
                    del counts[before.phase]
            if after is not None:
                counts[after.phase] = counts.get(after.phase, 0) + 1

    def tick(self) -> None:
        """A second went by: ages change, and so do grace-period countdowns, which may
        need a wider STATUS ("Terminating (9s)" becomes "Terminating (overdue 1s)")."""
        if self._counting:
            now = clock.now()
            widest = max(len(self.rows[uid].status_text(now)) for uid in self._counting)
            if widest > self._status_width:
                self._status_width = min(widest, MAX_STATUS_WIDTH)
                self._relayout()
        self.refresh()

    def set_usage(self, pods: dict[tuple[str, str], PodUsage], problem: str) -> None:
        first = self.usage is None
        self.usage, self.usage_problem = pods, problem
        if self.sort_key in {c.key for c in USAGE_COLUMNS}:
            self._reorder()
        else:
            if first:
                self._relayout()
            self.refresh()

    def _sort_function(self) -> Callable[[PodSummary], object]:
        key = self.sort_key
        if key not in {c.key for c in USAGE_COLUMNS}:
            return SORT_KEYS[key]
        usage = self.usage or {}

        def by_usage(s: PodSummary) -> object:
            # The heaviest first (k9s); pods without numbers after all the others.
            value = usage_value(usage.get((s.namespace, s.name)), s, key)
            return (1, 0, s.name) if value is None else (0, -value, s.name)

        return by_usage

    def set_sort(self, key: str) -> None:
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = key, False
        self._reorder()

    def set_filter(self, text: str) -> None:
        self.filter_terms = text.lower().split()
        self._reorder()

    @property
    def selected(self) -> PodSummary | None:
        if 0 <= self.cursor < len(self.order):
            return self.rows.get(self.order[self.cursor])
        return None

    def marked_or_selected(self) -> list[PodSummary]:
        if self.marked:
            return [self.rows[uid] for uid in self.order if uid in self.marked]
        return [self.selected] if self.selected else []

    def select_uid(self, uid: str) -> None:
        if uid in self.order:
            self.cursor = self.order.index(uid)

    def _reorder(self, changed: Collection[str] | None = None) -> None:
        current = self.order[self.cursor] if 0 <= self.cursor < len(self.order) else None
        # On the first row of an unscrolled list the user watches the top (where new pods
        # sort when the list is by age, or a Job's pods come): it stays the top, as in
        # k9s. Anywhere else the cursor stays on its pod.
        watching_top = self.cursor == 0 and self.scroll_offset.y == 0 and changed is not None
        key = self._sort_function()
        terms = self.filter_terms
        shown = (lambda s: matches(s, terms)) if terms else (lambda _s: True)
        if changed is None:
            self.order.rebuild(self.rows, key, shown, self.sort_reverse)
        else:
            self.order.update(self.rows, changed, key, shown)
        if watching_top:
            self.cursor = 0
        elif current in self.order:
            self.cursor = self.order.index(current)
        else:
            self.cursor = min(self.cursor, max(len(self.order) - 1, 0))
        self._relayout()
        self.refresh()

    # --- layout and rendering -----------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def watch_all_namespaces(self) -> None:
        self._relayout()
        self.refresh()

    def _relayout(self) -> None:
        width = max(self.scrollable_content_region.width, 20) - 1  # the mark column
        columns = [c for c in COLUMNS if c.key != "namespace" or self.all_namespaces]
        if self.usage is not None:
            at = next(i for i, c in enumerate(columns) if c.key == "restarts") + 1
            columns[at:at] = USAGE_COLUMNS
        # The column a user reads first gets all it needs before the others get anything.
        sized = {"name": NAME_LEAST, "status": max(STATUS_LEAST, self._status_width)}

        def used() -> int:
            return sum(sized.values()) + len(sized)  # one space after each column

        # The most important columns that fit (a wide one left out leaves room for others),
        left_out = False
        for column in sorted(columns, key=lambda c: -c.keep):
            if column in USAGE_COLUMNS and left_out:
                continue  # usage only when everything else is shown: it goes first
            if column.key not in sized and used() + column.least + 1 <= width:
                sized[column.key] = column.least
            elif column.key not in sized:
                left_out = True
        # then the minor ones (CTRS, NODE, OWNER) give way to whole names.
        want = min(self._name_width, MAX_WHOLE_NAME) - sized["name"]
        while used() + want > width:
            minor = [c for c in columns if c.key in sized and c.keep < MINOR_KEEP]
            if not minor:
                break
            sized.pop(min(minor, key=lambda c: c.keep).key)
        spare = width - (sum(sized.values()) + len(sized))
        if spare < 0:
            sized["name"] = max(8, sized["name"] + spare)
        ideal = {c.key: c.ideal for c in columns} | {"name": max(16, self._name_width)}
        for key in GROW_ORDER:
            if key in sized and spare > 0:
                grow = min(spare, max(ideal[key] - sized[key], 0))
                sized[key] += grow
                spare -= grow
        self._layout = [(c, sized[c.key]) for c in columns if c.key in sized]
        self._widths = sized
        self.virtual_size = Size(width + 1, len(self.order) + 1)

    def _cell(self, summary: PodSummary, key: str, now: datetime) -> str:
        if key == "namespace":
            return summary.namespace
        if key == "name":
            return summary.name
        if key == "ready":
            return summary.ready_text()
        if key == "status":
            return summary.status_text(now)
        if key == "restarts":
            full = summary.restarts_text(now)
            return full if len(full) <= self._widths.get("restarts", 0) else str(summary.restarts)
        if key == "age":
            return summary.age(now)
        if key == "ip":
            return summary.pod_ip or "-"
        if key == "node":
            return summary.node or "<none>"
        if key == "containers":
            return str(summary.containers)
        if key == "owner":
            return f"{summary.owner_kind}/{summary.owner_name}" if summary.owner_kind else "-"
        if key in ("cpu", "mem", "cpu_r", "mem_l"):
            return self._usage_cell(summary, key)
        return ""

    def _usage_cell(self, summary: PodSummary, key: str) -> str:
        if self.usage_problem:
            return "n/a"
        value = usage_value((self.usage or {}).get((summary.namespace, summary.name)),
                            summary, key)
        if value is None:
            return "-"
        if key == "cpu":
            return cpu_text(value)  # type: ignore[arg-type]
        if key == "mem":
            return memory_text(value)  # type: ignore[arg-type]
        return str(value)

    def _line(self, cells: list[tuple[str, Style]], marker: str, base: Style) -> Strip:
        segments = [Segment(marker, base)]
        for (column, width), (text, style) in zip(self._layout, cells, strict=True):
            if len(text) > width:
                text = text[: max(width - 1, 0)] + "…"
            text = text.rjust(width) if column.right else text.ljust(width)
            segments.append(Segment(text + " ", base + style))
        # Cells of one style in one run: each run costs its escape codes on the way out.
        return Strip(segments).simplify()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = self.get_component_rich_style("pod-table--header")
            titles = [(c.title + self._sort_mark(c.key), Style()) for c, _ in self._layout]
            return self._line(titles, " ", header).crop_extend(0, width, header)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.order):
            return Strip.blank(width, self.rich_style)
        summary = self.rows[self.order[index]]
        now = clock.now()
        base = self.rich_style
        if index == self.cursor and self.has_focus:
            base = self.get_component_rich_style("pod-table--cursor")
        elif index == self.cursor:
            base = self.get_component_rich_style("pod-table--marked") + Style(reverse=True)
        status_style = self.get_component_rich_style(status_class(summary), partial=True)
        dim = self.get_component_rich_style("pod-table--dim", partial=True)
        cells = []
        for column, _ in self._layout:
            style = Style()
            if column.key in ("status", "ready"):
                style = status_style
            elif column.key in ("age", "node", "owner", "namespace"):
                style = dim
            cells.append((self._cell(summary, column.key, now), style))
        marked = summary.uid in self.marked
        if marked:
            base = base + self.get_component_rich_style("pod-table--marked", partial=True)
        return self._line(cells, "●" if marked else " ", base).crop_extend(0, width, base)

    def _sort_mark(self, key: str) -> str:
        if key != self.sort_key:
            return ""
        return "↓" if self.sort_reverse else "↑"

    # --- keys -----------------------------------------------------------------------------

    def watch_cursor(self, cursor: int) -> None:
        body = self.scrollable_content_region.height - 1
        if cursor < self.scroll_offset.y:
            self.scroll_to(y=cursor, animate=False)
        elif body > 0 and cursor >= self.scroll_offset.y + body:
            self.scroll_to(y=cursor - body + 1, animate=False)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        if self.order:
            self.cursor = max(0, min(len(self.order) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_edge(self, end: int) -> None:
        self.cursor = max(len(self.order) - 1, 0) if end else 0

    def action_mark(self) -> None:
        summary = self.selected
        if summary is not None:
            self.marked ^= {summary.uid}
            self.action_cursor(1)
            self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self.order):
            if index == self.cursor and event.chain >= 2:
                self.post_message(self.Selected(self.order[index]))
            self.cursor = index

    def key_enter(self) -> None:
        summary = self.selected
        if summary is not None:
            self.post_message(self.Selected(summary.uid))
