"""Faults seen from the dashboard (the real app against the sandbox): an API server restart,
an expired watch, an RBAC-limited user, broken kubeconfigs, TLS (read-only and the delete
confirmation: test_delete.py).

The restart tests stop the shared API server for a few seconds and always start it again.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import os
import urllib.request
import uuid

import pytest

from podtui.app import PodTuiApp
from podtui.cluster import pods as pods_module
from podtui.cluster.connection import connect
from podtui.cluster.pod_feed import PodFeed
from podtui.cluster.pods import Page, Status
from podtui.ui.dialogs.confirm_delete import ConfirmDeleteScreen
from podtui.ui.screens.help import HelpScreen
from podtui.ui.screens.pod_list import MessageLine, PodListScreen
from tests import kubeconfigs
from tests.conftest import (
    API_SERVER,
    LIMITED_KUBECONFIG,
    compact_etcd,
    make_pod,
    sandbox_cmd,
)
from tests.ui.helpers import key_bar_keys, plain, row, status_text, table, table_text, until

TEAM = "team-a"


# --------------------------------------------------------------------------- helpers


class RecordingFeed(PodFeed):
    """The real feed, also keeping a log of what the watcher said (statuses and pages)."""

    def __init__(self, conn, namespace) -> None:
        super().__init__(conn, namespace)
        self.log: list[str] = []

    def _on_event(self, event) -> None:
        if isinstance(event, Status):
            self.log.append(event.state)
        elif isinstance(event, Page):
            self.log.append("page-first" if event.first else "page")
            if event.last:
                self.log.append("page-last")
        super()._on_event(event)


def message_text(app: PodTuiApp) -> str:
    line = app.pod_list.query_one(MessageLine)
    return plain(line) if line.display else ""




def shown(app: PodTuiApp) -> set[tuple[str, str]]:
    return {(s.name, s.uid) for s in table(app).rows.values()}


def server_pods(conn, namespace: str) -> set[tuple[str, str]]:
    return {(p.metadata.name, p.metadata.uid)
            for p in conn.core.list_namespaced_pod(namespace).items}


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in kubeconfigs.secrets():
            assert secret not in text, "a secret is on screen or in a saved file"


def screenshot_text(app: PodTuiApp, tmp_path) -> str:
    path = app.save_screenshot(filename=f"shot-{uuid.uuid4().hex[:6]}.svg", path=str(tmp_path))
    with open(path, encoding="utf-8") as handle:
        return html.unescape(handle.read()).replace("\xa0", " ")


def etcd_delete_pod(namespace: str, name: str) -> int:
    """Delete a pod's key straight from etcd: a pod that goes while the API server is down."""
    port = os.environ.get("PODTUI_SANDBOX_ETCD_PORT", "12379")
    key = base64.b64encode(f"/registry/pods/{namespace}/{name}".encode()).decode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v3/kv/deleterange",
                                     json.dumps({"key": key}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.loads(response.read()).get("deleted", 0))


async def start_app(pilot, app: PodTuiApp, count: int) -> RecordingFeed:
    await until(pilot, lambda: len(table(app).rows) == count, f"{count} rows")
    await until(pilot, lambda: "● live" in status_text(app), "live")
    feed = app.pod_list.feed
    assert isinstance(feed, RecordingFeed)
    return feed


# --------------------------------------------------------------------------- restart


async def test_pod_list_recovers_from_an_api_server_restart(conn, namespace, admin_kubeconfig):
    """While the server is down the status bar says reconnecting (never live) with one line
    why; then the app recovers by itself and its rows equal a fresh list: pods created and
    deleted around the outage, and one deleted during it (straight from etcd), are right."""
    for name in ("keep", "gone-before", "gone-during", "gone-after"):
        conn.core.create_namespaced_pod(namespace, make_pod(name))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    app.feed_factory = RecordingFeed
    async with app.run_test(size=(120, 30)) as pilot:
        feed = await start_app(pilot, app, 4)
        during_uid = row(app, "gone-during").uid

        def write(call, *args, **kwargs):
            return asyncio.to_thread(call, *args, **kwargs)

        await write(conn.core.create_namespaced_pod, namespace, make_pod("new-before"))
        await write(conn.core.delete_namespaced_pod, "gone-before", namespace,
                    grace_period_seconds=0)
        await write(sandbox_cmd, "stop", "kube-apiserver")
        try:
            down_from = len(feed.log)
            await until(pilot, lambda: "● reconnecting" in status_text(app), "reconnecting")
            message = await until(pilot, lambda: message_text(app), "the reason on screen")
            assert message == f"cannot reach the API server {API_SERVER}: " \
                              "connection refused"
            assert await write(etcd_delete_pod, namespace, "gone-during") == 1
            # one more failed attempt while surely down (the backoff is at most 8 s)
            await until(pilot, lambda: "reconnecting" in feed.log[down_from:], "a retry", 15)
            down_to = len(feed.log)
        finally:
            await write(sandbox_cmd, "start", "kube-apiserver")
        assert "live" not in feed.log[down_from:down_to], feed.log[down_from:down_to]

        await write(conn.core.create_namespaced_pod, namespace, make_pod("new-after"))
        await write(conn.core.delete_namespaced_pod, "gone-after", namespace,
                    grace_period_seconds=0)
        await until(pilot, lambda: "● live" in status_text(app), "live again", 90)
        expected = await write(server_pods, conn, namespace)
        assert {name for name, _ in expected} == {"keep", "new-before", "new-after"}
        await until(pilot, lambda: shown(app) == expected, "the rows to equal a fresh list", 60)
        assert during_uid not in table(app).rows
        text = table_text(app)
        assert "gone-" not in text and all(name in text for name, _ in expected)
        await until(pilot, lambda: message_text(app) == "", "the stale error line to go")
        assert isinstance(app.screen, PodListScreen)


async def test_expired_watch_relists_without_a_visible_glitch(conn, namespace,
                                                              admin_kubeconfig, monkeypatch):
    """etcd compaction + a restart (a fresh watch cache): the watch's version is gone (410),
    the feed lists again (in pages of 2 here), and no row blinks away meanwhile; cursor and
    marks stay."""
    monkeypatch.setattr(pods_module, "PAGE_SIZE", 2)
    monkeypatch.setattr(pods_module, "NEXT_PAGE_SIZE", 2)
    seeds = [f"seed-{i}" for i in range(6)]
    for name in seeds:
        conn.core.create_namespaced_pod(namespace, make_pod(name))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    app.feed_factory = RecordingFeed
    async with app.run_test(size=(120, 30)) as pilot:
        feed = await start_app(pilot, app, len(seeds))
        widget = table(app)
        uid = {name: row(app, name).uid for name in seeds}
        for name in ("seed-1", "seed-4"):
            widget.select_uid(uid[name])
            await pilot.press("space")
        widget.select_uid(uid["seed-3"])
        await pilot.pause()
        assert widget.marked == {uid["seed-1"], uid["seed-4"]}

        updates: list[tuple[set[str], str | None, set[str]]] = []
        update_rows = widget.update_rows

        def recording(summaries, changed):
            update_rows(summaries, changed)
            selected = widget.selected
            updates.append(({s.name for s in summaries.values()},
                            selected.name if selected else None, set(widget.marked)))

        widget.update_rows = recording
        samples: list[str] = []

        def relisted() -> bool:
            samples.append(table_text(app))  # what is on screen, at every pause
            log = feed.log[mark:]
            return "page-first" in log and "page-last" in log[log.index("page-first"):]

        # With the server stopped, history the watcher never sees moves etcd past its
        # version and compaction drops that version: the restarted server's watch cache
        # cannot serve it.
        mark = len(feed.log)
        try:
            await asyncio.to_thread(sandbox_cmd, "stop", "kube-apiserver")
            await until(pilot, lambda: "● reconnecting" in status_text(app), "reconnecting")
            await asyncio.to_thread(compact_etcd)
        finally:
            await asyncio.to_thread(sandbox_cmd, "start", "kube-apiserver")
        await until(pilot, relisted, "a re-list after 410 Gone", 90)
        await until(pilot, lambda: "● live" in status_text(app), "live", 60)
        samples.append(table_text(app))

        assert "page-first" in feed.log[mark:], "the test needs a 410 re-list to happen"
        assert updates, "the re-list reached the table"
        for names, selected, marked in updates:
            assert set(seeds) <= names, f"rows vanished during the re-list: {names}"
            assert selected == "seed-3"
            assert marked == {uid["seed-1"], uid["seed-4"]}
        for text in samples:
            assert all(name in text for name in seeds), text
        assert {s.name for s in widget.rows.values()} == set(seeds)
        assert widget.selected.name == "seed-3"


# --------------------------------------------------------------------------- RBAC


@pytest.fixture
def team_pod(conn):
    name = f"faults-ui-{uuid.uuid4().hex[:6]}"
    conn.core.create_namespaced_pod(TEAM, make_pod(name))
    yield name
    conn.core.delete_namespaced_pod(name, TEAM, grace_period_seconds=0)


async def test_limited_user_lists_team_a_and_meets_forbidden_in_one_line(conn, team_pod,
                                                                        tmp_path):
    app = PodTuiApp(connect(str(LIMITED_KUBECONFIG)))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: row(app, team_pod), "the team-a pod's row")
        await until(pilot, lambda: "● live" in status_text(app), "live")
        assert "ns team-a" in status_text(app)

        # no create, no delete for this user: hidden from the key bar, and the keys do nothing
        await until(pilot, lambda: app.allowed == {"create": False, "delete": False},
                    "the access review")
        await until(pilot, lambda: "Describe" in key_bar_keys(app.screen).values()
                    and not {"New", "Delete"} & set(key_bar_keys(app.screen).values()),
                    "the key bar")
        table(app).select_uid(row(app, team_pod).uid)
        for key, shown_key, what in (("n", "n", "creating"), ("ctrl+d", "ctrl-d", "deleting")):
            await pilot.press(key)
            line = f"RBAC does not allow it here: {shown_key} refused, {what} pods is disabled"
            await until(pilot, lambda line=line: message_text(app) == line, line)
            assert isinstance(app.screen, PodListScreen) and len(app.screen_stack) == 2
        assert not [w for w in app.workers if w.group == "writes"]
        pod = await asyncio.to_thread(conn.core.read_namespaced_pod, team_pod, TEAM)
        assert pod.metadata.deletion_timestamp is None

        for command, state, line in (
            ("ns all", "all namespaces",
             'forbidden: User "dev-user" cannot list resource "pods" at the cluster scope'),
            ("ns default", "ns default",
             'forbidden: User "dev-user" cannot list resource "pods" in the namespace '
             '"default"'),
        ):
            await pilot.press("colon", *command, "enter")
            await until(pilot, lambda: "● forbidden" in status_text(app), "forbidden")
            assert state in status_text(app)
            await until(pilot, lambda line=line: message_text(app) == line, "one clear line")
            message = app.pod_list.query_one(MessageLine)
            await until(pilot, lambda m=message: m.size.height == 1, "a single screen line")
            assert_no_secrets(status_text(app), message_text(app),
                              screenshot_text(app, tmp_path))
            # still running and usable: back to team-a
            await pilot.press("colon", *"ns team-a", "enter")
            await until(pilot, lambda: row(app, team_pod) and "● live" in status_text(app),
                        "team-a again")
            await until(pilot, lambda: message_text(app) == "", "the stale line to go")


# --------------------------------------------------------------------------- broken setups


BROKEN = {
    "unreachable": ("● reconnecting",
                    "cannot reach the API server https://127.0.0.1:1: connection refused"),
    "unreachable-admin": ("● reconnecting",
                          "cannot reach the API server https://127.0.0.1:1: connection refused"),
    "wrong-ca": ("● reconnecting",
                 f"TLS verification failed for {API_SERVER}: the server's certificate "
                 "is not signed by the CA in the kubeconfig"),
    "wrong-ca-admin": ("● reconnecting", f"TLS verification failed for {API_SERVER}"),
    "bad-token": ("● forbidden",
                  "unauthorized: the API server rejected the credentials (expired token?)"),
}


@pytest.fixture(scope="module")
def broken_kubeconfigs(tmp_path_factory, sandbox_dir) -> dict[str, str]:
    return kubeconfigs.bad_set(tmp_path_factory.mktemp("kubeconfigs"))


@pytest.mark.parametrize("setup", list(BROKEN))
async def test_broken_setup_is_one_line_and_the_app_keeps_running(broken_kubeconfigs, setup,
                                                                  tmp_path):
    state, line = BROKEN[setup]
    app = PodTuiApp(connect(broken_kubeconfigs[setup]))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: state in status_text(app), state)
        await until(pilot, lambda: line in message_text(app), "the reason on screen")
        message = message_text(app)
        assert "\n" not in message and "Traceback" not in message
        assert "TLS verification off" not in status_text(app)  # verification stays on
        # the app keeps running: help opens and closes, commands still work
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await pilot.press("colon", *"ns other", "enter")
        await until(pilot, lambda: "ns other" in status_text(app), "the namespace switch")
        await until(pilot, lambda: line in message_text(app), "the reason again")
        assert "● live" not in status_text(app)
        assert_no_secrets(status_text(app), message_text(app), screenshot_text(app, tmp_path))
        assert app.return_code is None


async def test_insecure_kubeconfig_shows_a_warning_in_the_status_bar(tmp_path, team_pod):
    app = PodTuiApp(connect(kubeconfigs.variant(tmp_path, "insecure", insecure=True)))
    async with app.run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: row(app, team_pod), "the team-a pod's row")
        assert "TLS verification off (kubeconfig)" in status_text(app)
    strict = PodTuiApp(connect(str(LIMITED_KUBECONFIG)))
    async with strict.run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: row(strict, team_pod), "the team-a pod's row")
        assert "TLS verification off" not in status_text(strict)


# --------------------------------------------------------------------------- bad input


async def test_invalid_namespace_is_one_line_and_the_list_stays(conn, namespace,
                                                                admin_kubeconfig):
    conn.core.create_namespaced_pod(namespace, make_pod("stays"))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: row(app, "stays"), "the row")
        for bad in ("Bad_NS", "../default", "a/b"):
            await pilot.press("colon", *f"ns {bad}", "enter")
            await until(pilot, lambda b=bad: message_text(app).startswith(
                f"invalid namespace name {b!r}"), "one line")
            assert f"ns {namespace}" in status_text(app) and row(app, "stays")
            assert app.namespace == namespace


# --------------------------------------------------------------------------- safety


async def test_pod_deleted_while_its_detail_is_open_stays_usable(conn, namespace,
                                                                 admin_kubeconfig):
    """The detail keeps the last state; YAML still opens; delete says the pod is gone, in one
    line, and nothing crashes."""
    from podtui.ui.screens.pod_detail import PodDetailScreen
    from podtui.ui.screens.pod_yaml import PodYamlScreen
    from tests.ui.helpers import open_pod, widget_text

    conn.core.create_namespaced_pod(namespace, make_pod("short-lived", ["a", "b"]))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pod(pilot, app, "short-lived")
        detail = app.screen
        assert isinstance(detail, PodDetailScreen)
        await asyncio.to_thread(conn.core.delete_namespaced_pod, "short-lived", namespace,
                                grace_period_seconds=0)
        message = detail.query_one("#detail-message")
        await until(pilot, lambda: "was deleted" in widget_text(message), "the deleted line")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PodYamlScreen), "the last YAML")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is detail, "the detail again")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen), "confirm")
        await pilot.press("d")
        gone = f"pod {namespace}/short-lived is already gone"
        await until(pilot, lambda: any(n.message == gone for n in app._notifications),
                    "one line saying it is gone")
        assert app.screen is detail and app.return_code is None
