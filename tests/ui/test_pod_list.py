"""Pilot tests: the real app against the sandbox."""

from __future__ import annotations

import asyncio
import time

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.ui.screens.pod_list import PodListScreen
from tests.conftest import SEED_POD, make_pod, server_table
from tests.ui.helpers import row, status_text, table, table_text, until


async def test_seed_pod_row_shows_running_ready_and_ip(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(120, 30)) as pilot:
        seed = await until(pilot, lambda: (r := row(app, SEED_POD)) and r.pod_ip and r, "seed row")
        assert isinstance(app.screen, PodListScreen)
        assert seed.status == "Running"
        assert seed.ready_text() == "2/2"
        text = table_text(app)
        line = next(line for line in text.splitlines() if SEED_POD in line)
        assert "2/2" in line and "Running" in line and seed.pod_ip in line


async def test_created_pod_appears_and_deleted_pod_disappears(conn, namespace, admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: app.pod_list.feed.cache.synced, "the first list")
        await asyncio.to_thread(conn.core.create_namespaced_pod, namespace, make_pod("fresh"))
        await until(pilot, lambda: row(app, "fresh"), "the new pod's row")
        await until(pilot, lambda: "fresh" in table_text(app), "the row on screen")
        assert "1 pod (1 " in status_text(app)
        await asyncio.to_thread(conn.core.delete_namespaced_pod, "fresh", namespace,
                                grace_period_seconds=0)
        await until(pilot, lambda: row(app, "fresh") is None, "the row to go")
        assert "fresh" not in table_text(app)


async def test_the_top_row_stays_the_top_and_elsewhere_the_cursor_keeps_its_pod(
        conn, namespace, admin_kubeconfig):
    """Watching the top of the list (cursor on the first row), a new pod that sorts first
    shows there, selected, as in k9s; with the cursor further down it stays on its pod."""
    for name in ("pod-m", "pod-n", "pod-o"):
        await asyncio.to_thread(conn.core.create_namespaced_pod, namespace, make_pod(name))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: len(table(app).order) == 3, "the three rows")
        assert table(app).selected.name == "pod-m"
        await asyncio.to_thread(conn.core.create_namespaced_pod, namespace, make_pod("pod-a"))
        await until(pilot, lambda: row(app, "pod-a"), "the new pod's row")
        await pilot.pause()
        assert table(app).selected.name == "pod-a"
        assert table_text(app).splitlines()[1].split()[0] == "pod-a"
        await pilot.press("j")
        assert table(app).selected.name == "pod-m"
        await asyncio.to_thread(conn.core.create_namespaced_pod, namespace, make_pod("pod-b"))
        await until(pilot, lambda: row(app, "pod-b"), "the second new pod's row")
        await pilot.pause()
        assert table(app).selected.name == "pod-m"


async def test_filter_and_sort_keys(conn, namespace, admin_kubeconfig):
    for name in ("alpha", "beta", "gamma"):
        conn.core.create_namespaced_pod(namespace, make_pod(name, tier="web" if name != "beta"
                                                            else "db"))
    nowhere = make_pod("delta")  # no node has the label: Pending for as long as it lives
    nowhere["spec"]["nodeSelector"] = {"podtui-test": "no-such-node"}
    conn.core.create_namespaced_pod(namespace, nowhere)
    conn.core.create_namespaced_pod(namespace, make_pod("epsilon", ["one", "two"]))
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))

    def shown() -> list[str]:
        return [table(app).rows[u].name for u in table(app).order]

    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: len(table(app).rows) == 5, "five rows")
        assert shown() == ["alpha", "beta", "delta", "epsilon", "gamma"]
        await pilot.press("N")  # same key again reverses
        assert shown() == ["gamma", "epsilon", "delta", "beta", "alpha"]
        await pilot.press("slash", *"tier=db", "enter")
        assert shown() == ["beta"]
        await pilot.press("escape")
        assert len(table(app).order) == 5
        await pilot.press("slash", *"amm", "enter")  # by name
        assert shown() == ["gamma"]
        await pilot.press("escape")
        pending = sorted(name for name, (cells, _) in (await asyncio.to_thread(
            server_table, conn, namespace)).items() if cells["Status"] == "Pending")
        assert "delta" in pending  # what kubectl prints
        await pilot.press("slash", *"Pending", "enter")  # by status
        assert sorted(shown()) == pending
        await pilot.press("escape")

        # The sort keys against a sort of the API's pods (ties by name), once the four that
        # can run are Running with their IPs, and the list says what kubectl says.
        def settled() -> dict | None:
            served = server_table(conn, namespace)
            if len(served) != 5 or [n for n, (c, _) in served.items()
                                    if n != "delta" and c["Status"] != "Running"]:
                return None
            if any(not (r := row(app, n)) or r.status != c["Status"] or r.pod_ip != (
                    o["status"].get("podIP") or "") for n, (c, o) in served.items()):
                return None
            return served

        served = await until(pilot, settled, "four pods running, as the list says", 90)

        def ip(name: str) -> tuple:
            address = served[name][1]["status"].get("podIP") or ""
            return tuple(int(p) for p in address.split(".")) if address else (0,)

        created = {n: o["metadata"]["creationTimestamp"] for n, (_, o) in served.items()}
        values = {  # the key -> what the API says of a pod, for sorted()
            "A": lambda n: tuple(-ord(ch) for ch in created[n]),  # newest first
            "S": lambda n: served[n][0]["Status"],
            "R": lambda n: int(str(served[n][0]["Restarts"]).split()[0]),
            "I": ip,
            "O": lambda n: served[n][1]["spec"].get("nodeName") or "",
            "C": lambda n: len(served[n][1]["spec"]["containers"]),
            "E": lambda n: namespace,
        }
        for key, value in values.items():
            expected = sorted(served, key=lambda n, v=value: (v(n), n))
            await pilot.press(key)
            assert shown() == expected, key
            await pilot.press(key)  # again: reversed
            assert shown() == expected[::-1], key


async def test_namespace_picker_switches_to_all_namespaces(conn, namespace, admin_kubeconfig):
    conn.core.create_namespaced_pod(namespace, make_pod("here"))
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: row(app, SEED_POD), "the pod of the current namespace")
        assert row(app, "here") is None
        await pilot.press("colon", *"ns", "enter")
        from podtui.ui.dialogs.picker import PickerScreen

        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the namespace picker")
        await pilot.press(*namespace)  # narrows the list to the other namespace
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, PickerScreen), "the pick")
        assert app.namespace == namespace and not app.all_namespaces
        await until(pilot, lambda: row(app, "here") and row(app, SEED_POD) is None,
                    "the other namespace's pods only")
        assert f"ns {namespace}" in status_text(app)
        await pilot.press("0")  # k9s: all namespaces
        await until(pilot, lambda: row(app, SEED_POD) and row(app, "here"), "rows of every ns")
        assert "NAMESPACE" in table_text(app)


async def test_rows_say_what_the_server_prints_for_pods_that_really_fail(
        conn, namespace, admin_kubeconfig):
    """Pods that really fail on the node (a command exiting 3, an image that does not exist,
    a readiness probe that never passes): each row's READY and STATUS, as painted, come to
    be the server's Table cells while the Table shows that state."""
    from tests.integration.test_lifecycle_real import busybox, pod, server_table

    never = {"exec": {"command": ["false"]}, "periodSeconds": 1}
    for manifest in (
        pod("fails", busybox("app", 'echo "giving up"; exit 3')),
        pod("no-image", {"name": "app", "image": "busybox:0.0-podtui-no-such-tag"}),
        pod("unready", busybox("app", "exec sleep 3600", readinessProbe=never)),
    ):
        await asyncio.to_thread(conn.core.create_namespaced_pod, namespace, manifest)
    wanted = {"fails": "CrashLoopBackOff", "no-image": "ImagePullBackOff", "unready": "Running"}
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(120, 30)) as pilot:
        for name, status in wanted.items():
            deadline = time.monotonic() + 90
            while True:
                cells = (await asyncio.to_thread(server_table, conn, namespace)).get(
                    name, ({}, {}))[0]
                painted = next((line.split()[:3] for line in table_text(app).splitlines()
                                if line.split()[:1] == [name]), [])
                if cells.get("Status") == status and painted == [name, cells["Ready"], status]:
                    break
                assert time.monotonic() < deadline, (name, cells, painted)
                await pilot.pause(0.1)


async def test_t_theme_command_and_q(admin_kubeconfig, tmp_path, monkeypatch):
    """T goes through the themes of themes/ (no user themes here), each once, saying which;
    `:theme NAME` picks one, an unknown name is one line; `:q` ends the app (exit 0)."""
    import tomllib
    from pathlib import Path

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    files = sorted((Path(__file__).resolve().parents[2] / "themes").glob("*.toml"))
    names = {tomllib.loads(f.read_text()).get("name") or f.stem for f in files}
    app = PodTuiApp(connect(admin_kubeconfig, namespace="default"))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: row(app, SEED_POD), "the seed pod")
        first, seen = app.theme, []
        for _ in names:
            await pilot.press("T")
            seen.append(app.theme)
            assert app.current_theme.name == app.theme
            assert message_text(app) == f"theme {app.theme}"
        assert set(seen) == names and len(seen) == len(names) and seen[-1] == first
        await pilot.press("colon", *"theme podtui-light", "enter")
        assert app.current_theme.name == "podtui-light"
        await pilot.press("colon", *"theme no-such", "enter")
        assert message_text(app).startswith("unknown theme 'no-such' (have: ")
        assert app.theme == "podtui-light"
        await pilot.press("colon", "q", "enter")
        await until(pilot, lambda: app.return_code is not None, "the app to end")
    assert app.return_code == 0


def message_text(app: PodTuiApp) -> str:
    from podtui.ui.screens.pod_list import MessageLine

    line = app.pod_list.query_one(MessageLine)
    return str(line.content) if line.display else ""
