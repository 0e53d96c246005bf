"""Pilot tests of ctrl+d (kill a pod after a confirmation) on the real app against the
sandbox. KWOK's pod-delete stage removes a pod as soon as it is marked for deletion, so a
gracefully deleted row shows Terminating only briefly before it goes."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Static

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.templates import load_templates, render
from podtui.ui.dialogs import ConfirmDeleteScreen
from podtui.ui.pod_list import MessageLine, PodListScreen
from podtui.ui.pod_table import PodTable
from tests.ui.helpers import until

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


def create_from_template(conn, namespace: str, name: str) -> None:
    """A two-container pod with the default 30 s grace period (localhost-pair)."""
    templates, _ = load_templates()
    template = next(t for t in templates if t.name == "localhost-pair")
    conn.core.create_namespaced_pod(namespace, render(template, {"namespace": namespace,
                                                                 "name": name}))


async def select(pilot, app: PodTuiApp, name: str):
    summary = await until(pilot, lambda: row(app, name), f"the row of {name}", 60)
    table(app).select_uid(summary.uid)
    await pilot.pause(0.05)
    assert table(app).selected.name == name
    return summary


async def open_dialog(pilot, app: PodTuiApp) -> ConfirmDeleteScreen:
    await pilot.press("ctrl+d")
    return await until(pilot, lambda: isinstance(app.screen, ConfirmDeleteScreen)
                       and app.screen, "the confirmation dialog")


def victims(dialog: ConfirmDeleteScreen) -> str:
    return str(dialog.query_one("#victims", Static).content)


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_d_then_d_deletes_gracefully(conn, namespace, admin_kubeconfig, size):
    for name in ("victim", "bystander"):
        create_from_template(conn, namespace, name)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: row(app, "bystander"), "the rows", 60)
        await select(pilot, app, "victim")
        dialog = await open_dialog(pilot, app)
        assert victims(dialog) == f"• {namespace}/victim"  # names the pod, and only it
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await until(pilot, lambda: message(app), "the result line")
        assert message(app) == (f"{namespace}/victim: deleting (graceful) · "
                                f"kubectl delete pod victim -n {namespace}")
        await until(pilot, lambda: (r := row(app, "victim")) is None or r.status == "Terminating",
                    "the row to show Terminating or go")
        await until(pilot, lambda: row(app, "victim") is None, "the row to go", 60)
        assert list(await asyncio.to_thread(pods, conn, namespace)) == ["bystander"]
        assert row(app, "bystander") is not None


async def test_force_kill_with_capital_f(conn, namespace, admin_kubeconfig):
    create_from_template(conn, namespace, "stuck")
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "stuck")
        await open_dialog(pilot, app)
        await pilot.press("F")
        await until(pilot, lambda: message(app), "the result line")
        assert message(app) == (f"{namespace}/stuck: force-deleted (grace 0) · "
                                f"kubectl delete pod stuck -n {namespace} --grace-period=0 "
                                "--force")
        await until(pilot, lambda: row(app, "stuck") is None, "the row to go")
        assert await asyncio.to_thread(pods, conn, namespace) == {}


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_cancel_deletes_nothing(conn, namespace, admin_kubeconfig, key):
    create_from_template(conn, namespace, "keeper")
    before = pods(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "keeper")
        dialog = await open_dialog(pilot, app)
        assert f"{namespace}/keeper" in victims(dialog)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await pilot.pause(1.0)
        assert row(app, "keeper") is not None and row(app, "keeper").status != "Terminating"
        assert message(app) == ""
    assert await asyncio.to_thread(pods, conn, namespace) == before


async def test_enter_on_the_dialog_is_cancel(conn, namespace, admin_kubeconfig):
    """Cancel has the focus, so a stray enter deletes nothing."""
    create_from_template(conn, namespace, "keeper")
    before = pods(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "keeper")
        await open_dialog(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PodListScreen), "the list again")
        await pilot.pause(0.5)
    assert await asyncio.to_thread(pods, conn, namespace) == before


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
    assert list(await asyncio.to_thread(pods, conn, namespace)) == [summary.name]


async def test_readonly_ctrl_d_deletes_nothing(conn, namespace, admin_kubeconfig):
    create_from_template(conn, namespace, "protected")
    before = pods(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace), readonly=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "protected")
        await pilot.press("ctrl+d")
        await pilot.pause(0.3)
        assert isinstance(app.screen, PodListScreen)
        # the app's entry point itself refuses with one line
        app.confirm_delete([app.pod_list.feed.pod(row(app, "protected").uid)])
        await pilot.pause(0.1)
        assert isinstance(app.screen, PodListScreen)
        assert message(app) == "read-only mode: deleting pods is disabled"
        await pilot.pause(0.5)
    assert await asyncio.to_thread(pods, conn, namespace) == before


async def test_readonly_ctrl_d_says_why(conn, namespace, admin_kubeconfig):
    """Pressing ctrl+d in --readonly must say so in one line, not just do nothing."""
    create_from_template(conn, namespace, "protected")
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace), readonly=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "protected")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: message(app), "a one-line message", 3)
        assert message(app) == "read-only mode: deleting pods is disabled"
