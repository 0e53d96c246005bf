"""Pilot tests of ctrl+d (kill a pod after a confirmation) on the real app against the
sandbox's real node: a graceful delete leaves the pod Terminating on the server until the
kubelet has stopped its containers (the list counts its grace period down meanwhile), a
forced one removes it at once."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from textual.widgets import Static

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.pod_actions import ReadOnlyError
from podtui.templates import load_templates, render
from podtui.ui.dialogs.confirm_delete import ConfirmDeleteScreen
from podtui.ui.screens.pod_list import MessageLine, PodListScreen
from podtui.ui.widgets.pod_table import PodTable
from tests.conftest import wait_for
from tests.ui.helpers import status_text, table_text, until

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))




def table(app: PodTuiApp) -> PodTable:
    return app.pod_list.query_one(PodTable)


def row(app: PodTuiApp, name: str):
    return next((s for s in table(app).rows.values() if s.name == name), None)


def message(app: PodTuiApp) -> str:
    line = app.pod_list.query_one(MessageLine)
    return str(line.content) if line.display else ""


def pods(conn, namespace: str) -> dict[str, str]:
    """name -> uid of the namespace's pods."""
    return {p.metadata.name: p.metadata.uid
            for p in conn.core.list_namespaced_pod(namespace).items}


def untouched(conn, namespace: str) -> dict[str, str]:
    """name -> uid, after checking that no pod is being deleted: a graceful delete keeps
    the pod (same name, same uid) with a deletionTimestamp until its grace period ends."""
    items = conn.core.list_namespaced_pod(namespace).items
    deleting = [p.metadata.name for p in items if p.metadata.deletion_timestamp]
    assert deleting == [], f"being deleted: {deleting}"
    return {p.metadata.name: p.metadata.uid for p in items}


async def writes_done(pilot, app: PodTuiApp) -> None:
    """The app deletes only from its 'writes' workers: once none is left running, any
    delete it made has reached the server (no sleep needed to see it)."""
    await until(pilot, lambda: not [w for w in app.workers
                                    if w.group == "writes" and not w.is_finished],
                "the app's writes to finish")


def create_from_template(conn, namespace: str, name: str, grace: int | None = None) -> None:
    """A two-container pod (localhost-pair), with the default 30 s grace period or `grace`.
    Neither container handles SIGTERM (busybox httpd and sh, each PID 1 of its container,
    ignore it): a graceful delete lasts the whole grace period."""
    templates, _ = load_templates()
    template = next(t for t in templates if t.name == "localhost-pair")
    manifest = render(template, {"namespace": namespace, "name": name})
    if grace is not None:
        manifest["spec"]["terminationGracePeriodSeconds"] = grace
    conn.core.create_namespaced_pod(namespace, manifest)


def read(conn, namespace: str, name: str):
    """The pod as the server has it, or None once it is gone."""
    from kubernetes.client.exceptions import ApiException

    try:
        return conn.core.read_namespaced_pod(name, namespace)
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


def running(conn, namespace: str, *names: str) -> None:
    """Waits until the kubelet runs every container of the pods: a delete of a pod that
    has not started has nothing to wait for."""
    def started(name: str) -> bool:
        pod = read(conn, namespace, name)
        return bool(pod and pod.status.container_statuses
                    and all(s.state.running for s in pod.status.container_statuses))

    wait_for(lambda: all(started(n) for n in names), f"{names} running", 90)


def left(app: PodTuiApp, name: str) -> int | None:
    """The seconds the row's STATUS says are left of its grace period."""
    summary = row(app, name)
    shown = summary.status_text(datetime.now(UTC)) if summary else ""
    found = re.fullmatch(r"Terminating \((\d+)s\)", shown)
    return int(found[1]) if found else None


async def select(pilot, app: PodTuiApp, name: str):
    summary = await until(pilot, lambda: row(app, name), f"the row of {name}", 60)
    table(app).select_uid(summary.uid)
    assert table(app).selected.name == name
    return summary


async def open_dialog(pilot, app: PodTuiApp) -> ConfirmDeleteScreen:
    await pilot.press("ctrl+d")
    return await until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen)
                       and app.screen, "the confirmation dialog")


def victims(dialog: ConfirmDeleteScreen) -> str:
    return str(dialog.query_one("#victims", Static).content)


GRACE = 12


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_d_then_d_deletes_gracefully(conn, namespace, admin_kubeconfig, size):
    """d: the pod is Terminating on the server (deletionTimestamp at the end of its grace
    period), the row counts the grace period down and stays until the kubelet has stopped
    the containers and the pod is gone."""
    create_from_template(conn, namespace, "victim", grace=GRACE)
    create_from_template(conn, namespace, "bystander")
    await asyncio.to_thread(running, conn, namespace, "victim", "bystander")
    bystander = untouched(conn, namespace)["bystander"]
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: row(app, "bystander"), "the rows", 60)
        await select(pilot, app, "victim")
        dialog = await open_dialog(pilot, app)
        # names the pod, and only it, with what a graceful delete will wait
        assert victims(dialog) == f"• {namespace}/victim  grace period {GRACE}s"
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await until(pilot, lambda: message(app), "the result line")
        assert message(app) == (f"{namespace}/victim: deleting (graceful) · "
                                f"kubectl delete pod victim -n {namespace}")
        await writes_done(pilot, app)
        pod = await asyncio.to_thread(read, conn, namespace, "victim")
        assert pod is not None and pod.metadata.deletion_timestamp  # still there: Terminating
        assert pod.metadata.deletion_grace_period_seconds == GRACE

        first = await until(pilot, lambda: left(app, "victim"), "the countdown")
        assert first <= GRACE
        line = next(t for t in table_text(app).splitlines() if "victim" in t)
        assert re.search(r"Terminating \(\d+s\)", line), line  # on screen, whole
        await until(pilot, lambda: (n := left(app, "victim")) is not None and n < first,
                    "the countdown to go down")
        await until(pilot, lambda: left(app, "victim") == 0 or row(app, "victim") is None,
                    "the end of the grace period", GRACE + 10)
        await until(pilot, lambda: row(app, "victim") is None, "the row to go", 60)
        assert await asyncio.to_thread(read, conn, namespace, "victim") is None
        assert await asyncio.to_thread(untouched, conn, namespace) == {"bystander": bystander}
        assert row(app, "bystander") is not None


async def test_force_kill_with_capital_f(conn, namespace, admin_kubeconfig):
    """F: grace period 0; the server removes the pod at once (no Terminating version of it),
    although its containers ignore SIGTERM and a graceful delete would take 30 s."""
    create_from_template(conn, namespace, "stuck")
    await asyncio.to_thread(running, conn, namespace, "stuck")
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "stuck")
        await open_dialog(pilot, app)
        await pilot.press("F")
        await until(pilot, lambda: message(app), "the result line")
        assert message(app) == (f"{namespace}/stuck: force-deleted (grace 0) · "
                                f"kubectl delete pod stuck -n {namespace} --grace-period=0 "
                                "--force")
        await writes_done(pilot, app)
        assert await asyncio.to_thread(read, conn, namespace, "stuck") is None  # at once
        await until(pilot, lambda: row(app, "stuck") is None, "the row to go")
        assert await asyncio.to_thread(pods, conn, namespace) == {}


@pytest.mark.parametrize("key", ["escape", "n", "enter"])
async def test_cancel_deletes_nothing(conn, namespace, admin_kubeconfig, key):
    """escape, n, and a stray enter (Cancel has the focus) delete nothing: neither the
    selected pod nor marked ones, not even gracefully (no deletionTimestamp)."""
    for name in ("keeper", "bystander"):
        create_from_template(conn, namespace, name)
    before = untouched(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(table(app).rows) == 2, "two rows", 60)
        await select(pilot, app, "keeper")
        dialog = await open_dialog(pilot, app)
        assert victims(dialog) == f"• {namespace}/keeper  grace period 30s"
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        # marked pods too
        await pilot.press("g", "space", "space")
        dialog = await open_dialog(pilot, app)
        assert len(dialog.pods) == 2
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await writes_done(pilot, app)
        assert message(app) == ""
        assert not [r.name for r in table(app).rows.values() if r.deleting]
    assert await asyncio.to_thread(untouched, conn, namespace) == before


async def test_pod_owned_by_a_replicaset_is_flagged(conn, namespace, admin_kubeconfig):
    from kubernetes.client import AppsV1Api

    labels = {"app": "web"}
    AppsV1Api(conn.api).create_namespaced_replica_set(namespace, {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-rs"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27-alpine"}],
                         "terminationGracePeriodSeconds": 0},
            },
        },
    })
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        summary = await until(pilot, lambda: next(iter(table(app).rows.values()), None),
                              "the ReplicaSet's pod", 60)
        assert summary.name.startswith("web-rs-")
        await select(pilot, app, summary.name)
        dialog = await open_dialog(pilot, app)
        text = victims(dialog)
        assert text.startswith(f"• {namespace}/{summary.name}")
        assert "owned by ReplicaSet/web-rs: its ReplicaSet will create a new one" in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await writes_done(pilot, app)
    assert list(await asyncio.to_thread(untouched, conn, namespace)) == [summary.name]


async def test_readonly_refuses_every_way_to_delete(conn, namespace, admin_kubeconfig):
    """--readonly (PodTuiApp's flag, as cli.main passes it; tests/ui/test_cli_readonly.py runs
    the command line itself): ctrl+d says why in one line, the app's entry point refuses
    too, and even a forced delete sent straight to the worker is refused by the connection."""
    create_from_template(conn, namespace, "protected")
    before = untouched(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace), readonly=True)
    assert app.conn.readonly  # the cluster layer refuses, whatever the UI asks
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "protected")
        assert "READONLY" in status_text(app)
        await pilot.press("ctrl+d")
        await until(pilot, lambda: message(app), "a one-line message", 5)
        assert message(app) == "read-only mode: ctrl-d refused, deleting pods is disabled"
        assert isinstance(app.screen, PodListScreen)
        pod = app.pod_list.feed.pod(row(app, "protected").uid)
        app.pod_list.message("", error=False)
        app.confirm_delete([pod])
        await until(pilot, lambda: message(app), "a one-line message", 5)
        assert message(app) == "read-only mode: deleting pods is disabled"
        assert isinstance(app.screen, PodListScreen)
        worker = app.delete_pods([pod], force=True)  # straight to the worker that deletes
        await until(pilot, lambda: worker.is_finished, "the worker")
        assert isinstance(worker.error, ReadOnlyError)
        await until(pilot, lambda: message(app) == "read-only mode: delete pod refused",
                    "one line")
        assert app.return_code is None and isinstance(app.screen, PodListScreen)
    assert await asyncio.to_thread(untouched, conn, namespace) == before


def test_a_read_only_connection_makes_a_read_only_app(admin_kubeconfig):
    readonly = connect(admin_kubeconfig)
    readonly.readonly = True
    try:
        assert PodTuiApp(readonly).readonly
    finally:
        readonly.close()
