"""Inside a pod from the real app against the sandbox: the pickers, the run panes, the
volume seen from both containers, a shell that hands the terminal over and comes back to
the same screen, port-forward and its list, a debug container, and what is hidden when
read-only or RBAC says no."""

from __future__ import annotations

import os
import select
import threading
import time
import urllib.request

from textual.widgets import DataTable, Input, OptionList, Static

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.pod_actions import create_pod
from podtui.cluster.pods import get_pod
from podtui.ui.forwards import ForwardsScreen
from podtui.ui.inside import inside
from podtui.ui.picker import PickerScreen
from podtui.ui.pod_detail import PodDetailScreen
from podtui.ui.pod_list import PodListScreen
from podtui.ui.run_panes import PromptScreen, RunPane, RunPanesScreen
from tests.conftest import LIMITED_KUBECONFIG, SEED_POD, make_pod, wait_for
from tests.ui.helpers import open_pod, plain, until, widget_text


def running_pod(conn, namespace: str, name: str, containers: list[str], **annotations):
    manifest = make_pod(name, containers)
    manifest["metadata"].update(namespace=namespace, annotations=annotations)
    create_pod(conn, manifest)
    wait_for(lambda: (get_pod(conn, namespace, name).get("status") or {}).get("phase")
             == "Running", f"pod {name} running", timeout=60)


def pane_text(pane: RunPane) -> tuple[str, str]:
    return (widget_text(pane.query_one(".stdout", Static)),
            widget_text(pane.query_one(".stderr", Static)))


def picked(app) -> str:
    options = app.screen.query_one(OptionList)
    return options.get_option_at_index(options.highlighted).id


async def type_line(pilot, app, text: str) -> None:
    """Type a line into the prompt's Input (which has the focus), then enter."""
    field = app.screen.query_one(Input)
    assert field.has_focus
    field.insert_text_at_cursor(text)
    await pilot.press("enter")
    await pilot.pause(0.1)


class FakeUser(threading.Thread):
    """Types into the pseudo-terminal the app's shell uses, as a user at the keyboard."""

    def __init__(self, master: int, keys: bytes) -> None:
        super().__init__(daemon=True)
        self.master, self.keys, self.seen = master, keys, b""

    def read(self, needle: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.seen and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.2)[0]:
                self.seen += os.read(self.master, 4096)

    def run(self) -> None:
        self.read(b"# ", 120)  # a debug container first waits for its status (under load)
        os.write(self.master, self.keys)
        self.read(b"exit", 10)
        self.read(b"\x00", 1)  # what comes after


async def test_run_in_every_container_side_by_side(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="x")
        assert isinstance(app.screen, PickerScreen) and picked(app) == "node"
        await pilot.press(*"all", "enter")
        assert isinstance(app.screen, PromptScreen)
        await type_line(pilot, app, "ls -la /logs")
        assert isinstance(app.screen, RunPanesScreen)
        panes = list(app.screen.query(RunPane))
        assert [p.spec.container for p in panes] == ["node", "busybox"]
        await until(pilot, lambda: all(p.result or "fail" in str(p.border_subtitle)
                                       for p in panes), "both panes' results")
        node, busybox = panes
        assert busybox.result.exit_code == 0 and busybox.border_subtitle == "exit 0"
        out, err = pane_text(busybox)
        assert "app.log" in out and err.strip() == ""
        out, err = pane_text(node)  # node mounts the volume at /app/logs, not /logs
        assert out.strip() == "" and "/logs" in err and "No such file or directory" in err
        assert node.has_class("-failed")
        title = widget_text(app.screen.query_one("#run-title", Static))
        assert f"kubectl exec {SEED_POD} -n default -c busybox -- ls -la /logs" in title
        await pilot.press("escape")
        assert isinstance(app.screen, PodListScreen)


async def test_volumes_view_lists_the_emptydir_from_both_containers(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD)
        await pilot.press("4", "v")
        assert isinstance(app.screen, RunPanesScreen)
        panes = list(app.screen.query(RunPane))
        assert [p.border_title for p in panes] == ["logs: node /app/logs", "logs: busybox /logs"]
        await until(pilot, lambda: all(p.result for p in panes), "both listings")
        listings = [pane_text(p)[0] for p in panes]
        for listing in listings:
            assert [line.split()[-1] for line in listing.splitlines()[1:] if line] == [
                ".", "..", "app.log"], listing
        await pilot.press("escape")
        assert isinstance(app.screen, PodDetailScreen)


async def test_shell_picker_preselects_the_default_container_and_the_app_resumes(
        conn, namespace, admin_kubeconfig):
    running_pod(conn, namespace, "annotated", ["first", "second"],
                **{"kubectl.kubernetes.io/default-container": "second"})
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    master, slave = os.openpty()
    user = FakeUser(master, b"echo shell-$((2 + 3)) $HOSTNAME; exit\r")
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await open_pod(pilot, app, "annotated")
            detail = app.screen
            await pilot.press("2", "s")
            assert isinstance(app.screen, PickerScreen) and picked(app) == "second"
            inside(app).shell_fds = (slave, slave)
            user.start()
            await pilot.press("enter")  # the shell runs until the user types exit
            await pilot.pause(0.2)
            user.join(5)
            assert b"shell-5" in user.seen, user.seen
            assert app.screen is detail  # the same screen, the same tab
            assert detail.query_one("TabbedContent").active == "tab-containers"
            notes = [n.message for n in app._notifications]
            assert f"shell sh in second ended (exit 0)  (kubectl exec -it annotated -n " \
                   f"{namespace} -c second -- sh)" in notes, notes
    finally:
        os.close(master)
        os.close(slave)


async def test_port_forward_from_the_app_and_its_list(conn, admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="F")
        assert isinstance(app.screen, PickerScreen)
        assert picked(app) == "3000/TCP http (node)"
        await pilot.press("enter")
        forward = await until(pilot, lambda: inside(app).forwards, "the forward")
        forward = forward[0]
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{forward.local}/from-the-app",
                                          timeout=20).read()
            assert body == b"ok"
            message = plain(app.pod_list.query_one("#message", Static))
            assert f"forwarding 127.0.0.1:{forward.local} -> {SEED_POD}:3000" in message
            assert f"kubectl port-forward pod/{SEED_POD} " in forward.kubectl
            assert forward.kubectl in message and app.last_kubectl == forward.kubectl
            await pilot.press("f")
            assert isinstance(app.screen, ForwardsScreen)
            table = app.screen.query_one(DataTable)
            await until(pilot, lambda: table.row_count == 1
                        and table.get_row_at(0)[3] == "1", "the forward's row")
            row = table.get_row_at(0)
            assert row[0] == f"127.0.0.1:{forward.local}" and row[1] == f"default/{SEED_POD}"
            assert row[5] == f"{forward.bytes_in} B" and forward.bytes_in > 0
            await pilot.press("x")
            await until(pilot, lambda: table.get_row_at(0)[6] == "ended: stopped", "stopped")
            assert not forward.active
        finally:
            forward.stop()


async def test_debug_container_then_shell_then_the_anatomy_shows_it(
        conn, namespace, admin_kubeconfig):
    running_pod(conn, namespace, "to-debug", ["main"])
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    master, slave = os.openpty()
    user = FakeUser(master, b"echo debugging-$((40 + 2)); exit\r")
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await open_pod(pilot, app, "to-debug")
            inside(app).shell_fds = (slave, slave)
            user.start()
            await pilot.press("e")  # one container: no target picker
            assert isinstance(app.screen, PromptScreen)
            await pilot.press("enter")  # busybox, prefilled
            await until(pilot, lambda: b"debugging-42" in user.seen, "the debug shell", 150)
            user.join(10)
            await pilot.press("2")
            containers = await until(
                pilot, lambda: "ephemeral → main" in (t := widget_text(app.screen.query_one(
                    "#section-containers", Static))) and t, "the ephemeral container")
            pod = get_pod(conn, namespace, "to-debug")
            name = pod["spec"]["ephemeralContainers"][0]["name"]
            assert name in containers and name.startswith("debugger-")
    finally:
        os.close(master)
        os.close(slave)


async def test_readonly_hides_every_inside_key(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig), readonly=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD)
        for key in ("s", "x", "F", "e", "v"):
            await pilot.press(key)
            assert isinstance(app.screen, PodDetailScreen), key
        assert not any(app.screen.check_action(a, ()) for a in
                       ("shell", "run", "port_forward", "debug", "volumes_inside"))
        assert not inside(app).forwards
        notes = {n.message for n in app._notifications}
        assert {"read-only mode: exec is disabled", "read-only mode: port-forward is disabled",
                "read-only mode: debug containers are disabled"} <= notes, notes


async def test_rbac_hides_what_the_user_may_not(conn):
    name = "rbac-ui"
    running_pod(conn, "team-a", name, ["main"])
    try:
        app = PodTuiApp(connect(str(LIMITED_KUBECONFIG)))
        async with app.run_test(size=(160, 40)) as pilot:
            await open_pod(pilot, app, name)
            await until(pilot, lambda: "team-a" in inside(app).access, "the access review")
            for key in ("s", "x", "F", "e"):
                await pilot.press(key)
                assert isinstance(app.screen, PodDetailScreen), key
            shown = {key for key, active in app.active_bindings.items() if active.enabled}
            assert not shown & {"s", "x", "F", "e", "v"}
            assert "l" in shown  # reading the logs stays
    finally:
        conn.request("DELETE", f"/api/v1/namespaces/team-a/pods/{name}",
                     [("gracePeriodSeconds", 0)]).drain_conn()


async def test_a_forward_to_any_port_ends_with_one_line_when_its_pod_goes(
        conn, namespace, admin_kubeconfig):
    running_pod(conn, namespace, "short-lived", ["main"])  # declares no port
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, "short-lived", key="F")
        assert isinstance(app.screen, PickerScreen) and picked(app) == "another port…"
        await pilot.press("enter")
        assert isinstance(app.screen, PromptScreen)
        await type_line(pilot, app, "0:8080")
        forward = (await until(pilot, lambda: inside(app).forwards, "the forward"))[0]
        assert forward.active and forward.remote == 8080
        conn.request("DELETE", f"/api/v1/namespaces/{namespace}/pods/short-lived",
                     [("gracePeriodSeconds", 0)]).drain_conn()
        line = f"forward 127.0.0.1:{forward.local} -> short-lived:8080 ended: pod {namespace}/"
        message = app.pod_list.query_one("#message", Static)
        await until(pilot, lambda: line in plain(message), "the forward's last line", 30)
        assert not forward.active
