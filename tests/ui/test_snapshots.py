"""Snapshots of the main screens at 80x24 and 160x50 (pytest-textual-snapshot).

They pin the layout, so they must be deterministic: the app runs for real (connected to
the sandbox), but its pod feed replays pods recorded from the sandbox
(tests/fixtures/pods/sandbox-*.json) and the clock is pinned. The live behaviour is
covered by the other Pilot tests. Update with `pytest --snapshot-update` after a
deliberate UI change, and look at the report before committing.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from podtui.anatomy import parse_time
from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.pod_feed import PodFeed
from podtui.cluster.pods import Page, Status
from podtui.cluster.server_version import UNKNOWN
from podtui.cluster.usage_feed import UsageFeed, UsageSnapshot
from podtui.ui import clock
from podtui.ui.screens import pod_list

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pods"
#: PodMetrics recorded from the sandbox's metrics-server, one list per scrape (15 s apart),
#: and the usage-demo pod they describe (`sandbox/render_config.py usage-demo`).
METRICS = Path(__file__).resolve().parents[1] / "fixtures" / "metrics"
NAMESPACE = "recorded"  # no such namespace on the sandbox: no live events creep in


RECORDED = ("sandbox-seed.json", "sandbox-crash-sidecar.json")
#: Hand-written pods with the longest everyday statuses (Init:CrashLoopBackOff,
#: ContainerCreating): at 80 columns they must show whole.
LONG_STATUS = ("init-crashloop.json", "container-creating.json")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _load(name: str) -> dict:
    pod = json.loads((FIXTURES / name).read_text())
    pod["metadata"]["namespace"] = NAMESPACE
    return pod


def _shifted(pod: dict, delta: timedelta) -> dict:
    """The pod with every timestamp moved by `delta` (ages and restarts stay plausible)."""

    def move(match: re.Match) -> str:
        moved = parse_time(match.group()) + delta
        return moved.strftime("%Y-%m-%dT%H:%M:%SZ")

    return json.loads(_TIME.sub(move, json.dumps(pod)))


def recorded_pods() -> list[dict]:
    pods = [_load(name) for name in RECORDED]
    newest = max(parse_time(p["metadata"]["creationTimestamp"]) for p in pods)
    for name in LONG_STATUS:
        pod = _load(name)
        # created 3 minutes before the recorded ones' newest
        delta = newest - parse_time(pod["metadata"]["creationTimestamp"]) - timedelta(minutes=3)
        pods.append(_shifted(pod, delta))
    return pods


def recorded_connection(kubeconfig: str):
    """The sandbox's connection with its server version pinned to "not known" (no part in
    the status bar), as the clock is pinned: the snapshots must not change with the
    sandbox's Kubernetes version. tests/ui/test_server_version_ui.py shows that part."""
    conn = connect(kubeconfig, namespace=NAMESPACE)
    conn.server_version = UNKNOWN
    return conn


class RecordedFeed(PodFeed):
    def start(self) -> None:
        self._on_event(Page(recorded_pods(), first=True, last=True))
        self._on_event(Status("live"))


def recorded_scrapes() -> list[dict]:
    scrapes = json.loads((METRICS / "scrapes.json").read_text())
    for scrape in scrapes:
        for item in scrape["items"]:
            item["metadata"]["namespace"] = NAMESPACE
    return scrapes


class RecordedUsage(UsageFeed):
    """Replays the recorded scrapes in order, as the poller would have offered them."""

    def start(self) -> None:
        from podtui.anatomy import pod_usages_from_json

        for scrape in recorded_scrapes():
            pods = pod_usages_from_json(scrape)
            if self._pod:
                pods = {k: v for k, v in pods.items() if k == (NAMESPACE, self._pod)}
            self._offer(self._with_history(UsageSnapshot(pods, "")))


@pytest.fixture
def app(admin_kubeconfig, monkeypatch):
    created = max(parse_time(p["metadata"]["creationTimestamp"]) for p in recorded_pods())
    monkeypatch.setattr(clock, "now", lambda: created + timedelta(minutes=5))
    app = PodTuiApp(recorded_connection(admin_kubeconfig))
    app.feed_factory = RecordedFeed
    app.usage_factory = RecordedUsage
    monkeypatch.setattr(pod_list, "USAGE_AFTER_LIST", 0.01)  # usage in the first frames
    return app


class UsageDemoFeed(PodFeed):
    def start(self) -> None:
        pod = json.loads((METRICS / "usage-demo-pod.json").read_text())
        pod["metadata"]["namespace"] = NAMESPACE
        self._on_event(Page([pod], first=True, last=True))
        self._on_event(Status("live"))


@pytest.fixture
def usage_app(admin_kubeconfig, monkeypatch):
    """The usage-demo pod (its cache sidecar grows toward its memory limit), with its
    recorded scrapes; the clock is pinned just after the last one."""
    last = max(parse_time(s["items"][0]["timestamp"]) for s in recorded_scrapes())
    monkeypatch.setattr(clock, "now", lambda: last + timedelta(seconds=5))
    app = PodTuiApp(recorded_connection(admin_kubeconfig))
    app.feed_factory = UsageDemoFeed
    app.usage_factory = RecordedUsage
    return app


async def settle(pilot) -> None:
    """Until the recorded pods are listed, the access review has answered and no one-shot
    worker runs (the feeds' own threads go on), then until the screen is drawn."""
    from tests.ui.helpers import until

    app = pilot.app
    await until(pilot, lambda: app.allowed and app.pod_list.table.rows and not [
        w for w in app.workers if w.is_running and w.group != "default"], "the app at rest", 10)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def open_seed(pilot) -> None:
    await settle(pilot)
    table = pilot.app.pod_list.table
    table.select_uid(next(u for u, s in table.rows.items() if s.name == "seed-sidecar-logs"))
    await pilot.press("enter")
    await settle(pilot)


SIZES = [(80, 24), (160, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_list(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_detail(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=open_seed)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_detail_volumes(snap_compare, app, size):
    async def volumes(pilot) -> None:
        await open_seed(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=volumes)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_detail_containers_usage(snap_compare, usage_app, size):
    async def containers(pilot) -> None:
        await settle(pilot)
        table = pilot.app.pod_list.table
        table.select_uid(next(iter(table.rows)))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(usage_app, terminal_size=size, run_before=containers)


def one_pod_app(admin_kubeconfig: str, monkeypatch, fixture: str) -> PodTuiApp:
    """The app listing one hand-written pod, the clock 5 minutes after its creation."""
    pod = _load(fixture)
    created = parse_time(pod["metadata"]["creationTimestamp"])
    monkeypatch.setattr(clock, "now", lambda: created + timedelta(minutes=5))

    class OnePodFeed(PodFeed):
        def start(self) -> None:
            self._on_event(Page([_load(fixture)], first=True, last=True))
            self._on_event(Status("live"))

    app = PodTuiApp(recorded_connection(admin_kubeconfig))
    app.feed_factory = OnePodFeed
    app.usage_factory = RecordedUsage
    return app


@pytest.fixture
def ephemeral_app(admin_kubeconfig, monkeypatch):
    """A pod with an init container, a native sidecar, an app and a debug container."""
    return one_pod_app(admin_kubeconfig, monkeypatch, "sidecar-init-ephemeral.json")


@pytest.fixture
def volume_zoo_app(admin_kubeconfig, monkeypatch):
    """A pod with a volume of every type, whose details hold long words (a downward API
    item `metadata.namespace->namespace`, an image `ghcr.io/example/models:v3`)."""
    return one_pod_app(admin_kubeconfig, monkeypatch, "all-volumes.json")


async def open_section(pilot, name: str, key: str) -> None:
    """The pod `name`'s detail, its section `key` (2 containers, 4 volumes, ...)."""
    await settle(pilot)
    table = pilot.app.pod_list.table
    table.select_uid(next(u for u, s in table.rows.items() if s.name == name))
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


async def open_containers(pilot, name: str) -> None:
    await open_section(pilot, name, "2")


def section_text(app: PodTuiApp, section: str) -> str:
    """What a detail section shows, as plain text at its width."""
    from rich.console import Console
    from textual.widgets import Static

    widget = app.screen.query_one(f"#section-{section}", Static)
    console = Console(width=widget.content_region.width, record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def test_pod_detail_containers_seed_80x24(snap_compare, app):
    """At 80 columns the containers table abbreviates (`3000`, `64Mi`): no word broken."""
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=lambda pilot: open_containers(pilot, "seed-sidecar-logs"))


def test_pod_detail_containers_ephemeral_80x24(snap_compare, ephemeral_app):
    """`eph` for the debug container, `side` for the native sidecar, a long image cut
    with `…`: no word broken."""
    assert snap_compare(ephemeral_app, terminal_size=(80, 24),
                        run_before=lambda pilot: open_containers(pilot, "web-5d8f7b6c4-qpl9z"))


async def test_80_columns_containers_table_breaks_no_word(ephemeral_app):
    """Every cell of the containers table at 80x24 is whole words (or one cut with `…`):
    what the wide table folds (`ephemer|al`, `3000/T|CP`, `memory=6|4Mi`) is abbreviated."""
    async with ephemeral_app.run_test(size=(80, 24)) as pilot:
        await open_containers(pilot, "web-5d8f7b6c4-qpl9z")
        shown = section_text(ephemeral_app, "containers")
    table = shown.split("Resource usage")[0]
    words = set(table.split())
    assert {"eph→web", "side", "init", "2020", "80", "64Mi", "128Mi", "32Mi", "Completed",
            "Running", "Error"} <= words, table
    assert max(len(line.rstrip()) for line in table.splitlines()) <= 78, table
    for folded in ("ephemer", "/TCP", "memory=", "cpu="):
        assert folded not in table, table


def test_pod_detail_volumes_zoo_80x24(snap_compare, volume_zoo_app):
    """A volume of every type at 80 columns: the details wrap between words, and a word
    wider than its column is cut with `…`, never folded onto the next line."""
    assert snap_compare(volume_zoo_app, terminal_size=(80, 24),
                        run_before=lambda pilot: open_section(pilot, "volume-zoo", "4"))


async def test_80_columns_volumes_table_breaks_no_word(volume_zoo_app):
    """What the volumes table folded at 80 columns (`metadata.namespace->n|amespace`,
    `ghcr.io/example/model|s:v3`, `repository=https://gi|t.example/zoo.git`) is cut with
    `…` on its own line; the short words stay whole."""
    async with volume_zoo_app.run_test(size=(80, 24)) as pilot:
        await open_section(pilot, "volume-zoo", "4")
        shown = section_text(volume_zoo_app, "volumes")
    table = shown.split(" is shared by ")[0]
    words = table.split()
    assert {"emptyDir", "persistentVolumeClaim", "downwardAPI", "gitRepo", "SHARED",
            "unused", "zoo-db-credentials"} <= set(words), table
    assert max(len(line.rstrip()) for line in table.splitlines()) <= 78, table
    for head in ("metadata.namespace->", "ghcr.io/example/", "repository=https://"):
        (cut,) = [w for w in words if w.startswith(head)]
        assert cut.endswith("…"), table
    for tail in ("amespace", "mespace", "s:v3,", "t.example/zoo.git,", "vel", "ls", "imit"):
        assert tail not in words, (tail, table)


def test_exam_report_80x24(snap_compare, app):
    """The exam report at 80 columns: a task with every note and the longest drill id keeps
    its line, the notes abbreviated (`flag,2h,sol`) rather than wrapped."""
    from podtui.drills import exam as exams
    from podtui.drills.checks import Result
    from podtui.drills.model import Check
    from podtui.ui.screens.exam import ExamReportScreen

    check = Check("the pods share one process namespace", (("pod", "proc"),), "", "exists",
                  True)
    tasks = [exams.Task("share-process-namespace", 7, "drill-share-process-namespace-7", 6,
                        754.0, flagged=True, hints=2, solution_seen=True),
             exams.Task("log-sidecar", 3, "drill-log-sidecar-3", 4, 200.0)]
    report = exams.Report(exams.Exam(5, 120, 0.0, tasks), [
        exams.TaskResult(tasks[0], "Share the process namespace", 1, 3, 2.0,
                         ("kubectl apply -f pod.yaml",),
                         [Result(check, True, "seen"), Result(check, False, "not seen")]),
        exams.TaskResult(tasks[1], "A log sidecar", 3, 3, 4.0, ("kubectl apply -f x.yaml",),
                         [Result(check, True, "seen")])])

    async def open_report(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ExamReportScreen(report))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_report)


def recorded_forwards() -> list:
    """Two port-forwards as ForwardsScreen reads them: one moving bytes, one ended."""
    from types import SimpleNamespace

    return [SimpleNamespace(local=40123, namespace=NAMESPACE, pod="seed-sidecar-logs",
                            remote=3000, connections=2, bytes_out=1536, bytes_in=18_432,
                            active=True, error="", ended=""),
            SimpleNamespace(local=40124, namespace=NAMESPACE, pod="web-5d8f7b6c4-qpl9z",
                            remote=80, connections=0, bytes_out=0, bytes_in=0, active=False,
                            error="", ended="stopped")]


async def open_forwards(pilot) -> None:
    from podtui.ui.screens.forwards import ForwardsScreen

    await settle(pilot)
    pilot.app.push_screen(ForwardsScreen(recorded_forwards))
    await settle(pilot)


def test_forwards_80x24(snap_compare, app):
    """The port-forwards at 80 columns, abbreviated as k9s would (`:40123`, `CONN`,
    `1.5Ki`): every column on screen, STATE too."""
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_forwards)


async def test_80_columns_forwards_show_every_column(app):
    from textual.widgets import DataTable

    async with app.run_test(size=(80, 24)) as pilot:
        await open_forwards(pilot)
        table = app.screen.query_one(DataTable)
        shown = [table.render_line(y).text for y in range(3)]
    assert shown[0].split() == ["LOCAL", "POD", "PORT", "CONN", "SENT", "RECV", "STATE"]
    assert shown[1].split() == [":40123", f"{NAMESPACE}/seed-sidecar-logs", "3000", "2",
                                "1.5Ki", "18.0Ki", "active"]
    assert shown[2].split()[-2:] == ["ended:", "stopped"]
    assert max(len(line.rstrip()) for line in shown) <= 80, shown


async def test_80_columns_show_every_status_whole(app):
    """STATUS is what a user reads first: at 80x24 no status is cut, other columns go."""
    from tests.ui.helpers import status_text, table, table_text

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        statuses = {s.status for s in table(app).rows.values()}
        assert {"Init:CrashLoopBackOff", "ContainerCreating"} <= statuses
        shown = table_text(app)
        for status in statuses:
            assert f" {status} " in shown, (status, shown)
        # The status bar leaves parts out whole; the state and the pod count stay.
        bar = status_text(app)
        assert "● live" in bar and "4 pods" in bar
        assert len(bar) <= 78, bar


async def test_80_columns_status_bar_leaves_out_whole_parts(admin_kubeconfig, monkeypatch):
    """Read-only at 80 columns: the bar's one line shows READONLY, the state and the pod
    count; what does not fit is left out whole, never cut."""
    from textual.geometry import Region

    from podtui.ui.screens.pod_list import StatusBar

    app = PodTuiApp(recorded_connection(admin_kubeconfig), readonly=True)
    app.feed_factory = RecordedFeed
    app.usage_factory = RecordedUsage
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.pod_list.query_one(StatusBar)
        line = bar.render_lines(Region(0, 0, bar.size.width, 1))[0].text.strip()
        for must in ("READONLY", "● live", "4 pods"):
            assert must in line, line
        whole = ["podtui", f"ctx {app.conn.context}", f"ns {NAMESPACE}", "(2 pending 2 running)"]
        for part in line.replace(" (", "  (").split("  "):
            assert part in whole + ["READONLY", "● live", "4 pods"], (part, line)
