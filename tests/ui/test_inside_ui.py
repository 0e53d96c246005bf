"""Inside a pod from the real app against the sandbox's real node: the pickers, the run
panes (kubectl exec's output and exit code), the volume seen from both containers, a shell
that hands the terminal over and comes back to the same screen, port-forward to the Node.js
app and the request in busybox's log pane, a debug container from its start to its end,
and what is hidden when read-only or RBAC says no."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import threading
import time
import urllib.request

from textual.geometry import Region
from textual.widgets import DataTable, Input, OptionList, Static

from podtui.app import PodTuiApp
from podtui.cluster.connection import connect
from podtui.cluster.pod_actions import create_pod
from podtui.cluster.pods import get_pod
from podtui.ui.dialogs.picker import PickerScreen
from podtui.ui.screens.forwards import ForwardsScreen
from podtui.ui.screens.logs import LogsScreen
from podtui.ui.screens.pod_detail import PodDetailScreen
from podtui.ui.screens.pod_list import PodListScreen
from podtui.ui.screens.run_panes import PromptScreen, RunPane, RunPanesScreen
from tests.conftest import KUBECTL, LIMITED_KUBECONFIG, SEED_POD, make_pod, wait_for
from tests.integration.test_inside import (
    HELLO,
    MACHINE,
    PS_END,
    PS_LINE,
    PS_START,
    program,
    ps_rows,
    seed_copy,
)
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


def said(app) -> str:
    """What the app has said: its notifications (over other screens) and the pod list's
    message line."""
    notes = [n.message for n in app._notifications]
    return "\n".join([*notes, plain(app.pod_list.query_one("#message", Static))])


def picked(app) -> str:
    options = app.screen.query_one(OptionList)
    return options.get_option_at_index(options.highlighted).id


async def type_line(pilot, app, text: str) -> None:
    """Type a line into the prompt's Input (which has the focus), then enter."""
    field = app.screen.query_one(Input)
    assert field.has_focus
    field.insert_text_at_cursor(text)
    await pilot.press("enter")
    await pilot.wait_for_scheduled_animations()


class FakeUser(threading.Thread):
    """Types into the pseudo-terminal the app's shell uses, as a user at the keyboard."""

    def __init__(self, master: int, keys: bytes, size: tuple[int, int] = (0, 0)) -> None:
        super().__init__(daemon=True)
        self.master, self.keys, self.seen = master, keys, b""
        if size != (0, 0):  # a user's terminal has one (columns, lines)
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))

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


def top_border(pane: RunPane) -> str:
    """The pane's top border as drawn: heavy (┏━) when it has the focus, round (╭─) else."""
    return pane.render_lines(Region(0, 0, pane.outer_size.width, 1))[0].text


async def test_run_panes_run_again_on_r_and_tab_moves_between_them(conn, namespace,
                                                                    admin_kubeconfig):
    """`x` in all three containers of a pod on the real node: each run appends a line to
    a file of the container's own filesystem and counts its lines, so `r` shows 2 where
    the first run showed 1, in each pane, and kubectl exec finds those two lines; tab
    moves the focus (the heavy border) from pane to pane and round again."""
    running_pod(conn, namespace, "three", ["a", "b", "c"])
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, "three", key="x")
        await pilot.press(*"all", "enter")
        await type_line(pilot, app, "sh -c 'echo run >> /tmp/runs; wc -l < /tmp/runs'")
        panes = list(app.screen.query(RunPane))
        assert [p.spec.container for p in panes] == ["a", "b", "c"]

        async def counted(runs: int) -> None:
            await until(pilot, lambda: all(p.result and p.border_subtitle == "exit 0"
                                           for p in panes), f"run {runs} in every pane", 60)
            assert [pane_text(p)[0].strip() for p in panes] == [str(runs)] * 3

        await counted(1)
        firsts = [p.result for p in panes]
        await pilot.press("r")  # (its "running…" may be over before press returns)
        await until(pilot, lambda: all(p.result is not first for p, first in zip(
            panes, firsts, strict=True)), "every pane's second result", 60)
        await counted(2)
        for container in ("a", "b", "c"):
            peer = subprocess.run([KUBECTL, "--kubeconfig", admin_kubeconfig, "exec", "three",
                                   "-n", namespace, "-c", container, "--", "cat", "/tmp/runs"],
                                  capture_output=True, text=True, timeout=60)
            assert (peer.returncode, peer.stdout) == (0, "run\nrun\n"), (container, peer)

        for focused in (0, 1, 2, 0):
            assert app.focused is panes[focused], focused
            assert [top_border(p)[0] for p in panes] == [
                "┏" if i == focused else "╭" for i in range(3)], focused
            await pilot.press("tab")
        await pilot.press("escape")
        assert isinstance(app.screen, PodListScreen)


async def test_run_shows_kubectl_execs_output_and_exit_code(admin_kubeconfig):
    """The issue's check: `x` shows the stdout, stderr and exit code kubectl exec gives for
    the same command, in the same run."""
    script = "echo o; echo e >&2; exit 3"
    peer = subprocess.run([KUBECTL, "--kubeconfig", admin_kubeconfig, "exec", SEED_POD, "-c",
                           "busybox", "--", "sh", "-c", script],
                          capture_output=True, text=True, timeout=60)
    own_line = "command terminated with exit code 3\n"  # kubectl's, after the command's
    assert peer.returncode == 3 and peer.stderr.endswith(own_line), peer
    app = PodTuiApp(connect(admin_kubeconfig))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="x")
        await pilot.press(*"busybox", "enter")
        await type_line(pilot, app, f"sh -c '{script}'")
        pane = app.screen.query_one(RunPane)
        await until(pilot, lambda: pane.result, "the command's result")
        result = pane.result
        assert (result.stdout, result.stderr, result.exit_code) == (
            peer.stdout, peer.stderr.removesuffix(own_line), peer.returncode)
        out, err = pane_text(pane)
        assert (out.strip(), err.strip()) == ("o", "e")
        assert pane.border_subtitle == "exit 3" and pane.has_class("-failed")


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
        # r runs both listings again, each pane saying "running…" until its new result
        # comes (noted as it comes: a fast exec may answer before the key press returns)
        firsts = [p.result for p in panes]
        before_result: list[str] = []
        for pane in panes:
            def show(result, error="", pane=pane, show=pane.show):
                before_result.append(pane.border_subtitle)
                show(result, error)
            pane.show = show
        await pilot.press("r")
        await until(pilot, lambda: all(p.result is not first for p, first in zip(
            panes, firsts, strict=True)) and all(p.border_subtitle != "running…"
                                                 for p in panes), "both listings again")
        assert before_result == ["running…", "running…"]
        assert [pane_text(p)[0].splitlines()[1:] and pane_text(p)[0].split()[-1]
                for p in panes] == ["app.log", "app.log"]
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
            app.inside_actions.shell_fds = (slave, slave)
            user.start()
            await pilot.press("enter")  # the shell runs until the user types exit
            ended = (f"shell sh in second ended (exit 0)  (kubectl exec -it annotated -n "
                     f"{namespace} -c second -- sh)")
            await until(pilot, lambda: ended in [n.message for n in app._notifications],
                        "the line saying the shell ended")
            user.join(5)
            assert b"shell-5" in user.seen, user.seen
            assert app.screen is detail  # the same screen, the same tab
            assert detail.query_one("TabbedContent").active == "tab-containers"
    finally:
        os.close(master)
        os.close(slave)


async def test_port_forward_from_the_app_its_list_and_the_request_in_busybox_logs(
        conn, admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig))
    path = f"/from-the-app-{os.urandom(4).hex()}"
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD, key="F")
        assert isinstance(app.screen, PickerScreen)
        assert picked(app) == "3000/TCP http (node)"
        await pilot.press("enter")
        forward = await until(pilot, lambda: app.inside_actions.forwards, "the forward")
        forward = forward[0]
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{forward.local}{path}",
                                          timeout=20).read()
            assert body == HELLO  # the Node.js app's answer
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
        # The app appended the request's line to the shared file: busybox's pane shows it.
        await pilot.press("escape")
        await open_pod(pilot, app, SEED_POD, key="l")
        screen = await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen,
                             "the logs screen")
        line = await until(pilot, lambda: [t for t in screen.pane("busybox").view.texts
                                           if t.endswith(f" GET {path} from ::ffff:127.0.0.1")],
                           "the request's line in the busybox pane")
        assert len(line) == 1


async def test_debug_container_from_its_shell_to_its_end(conn, namespace, admin_kubeconfig):
    """`e` on a copy of the seed pod, targeting node: its shell's `ps` shows node's
    process; once the shell exits, the app shows the container terminated, as the server
    does, and offers it no more for a shell."""
    seed_copy(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    master, slave = os.openpty()
    user = FakeUser(master, PS_LINE + b"; exit 3\r", size=(200, 40))
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await open_pod(pilot, app, "seed")
            app.inside_actions.shell_fds = (slave, slave)
            user.start()
            await pilot.press("e")
            assert isinstance(app.screen, PickerScreen) and picked(app) == "node"
            await pilot.press("enter")
            assert isinstance(app.screen, PromptScreen)
            await pilot.press("enter")  # busybox, prefilled
            await until(pilot, lambda: PS_END.encode() in user.seen, "the debug shell", 150)
            user.join(10)
            name = get_pod(conn, namespace, "seed")["spec"]["ephemeralContainers"][0]["name"]
            await until(pilot, lambda: f"shell sh in {name} ended (exit 3)  (kubectl debug -it "
                        f"seed -n {namespace} --image=busybox --target=node -- sh)" in said(app),
                        "the shell's end on the status line", 30)
            text = user.seen.decode(errors="replace").replace("\r\n", "\n")
            processes = ps_rows(text, PS_START, PS_END)
            node = [command for pid, command in processes if pid == 1]
            assert node and node[0].startswith("node -e "), processes
            assert {program(c) for _, c in processes} == {"node", "sh", "ps"}, processes
            assert not [c for _, c in processes if any(w in c for w in MACHINE)], processes

            pod = get_pod(conn, namespace, "seed")
            ended = pod["status"]["ephemeralContainerStatuses"][0]["state"]["terminated"]
            assert (ended["exitCode"], ended["reason"]) == (3, "Error")
            await pilot.press("2")
            containers = await until(
                pilot, lambda: "terminated: Error (exit 3)" in (t := widget_text(
                    app.screen.query_one("#section-containers", Static))) and t,
                "the debug container terminated in the containers view", 30)
            assert name in containers and "ephemeral → node" in containers
            await pilot.press("s")  # the ended container is not offered
            assert isinstance(app.screen, PickerScreen)
            options = app.screen.query_one(OptionList)
            offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
            assert offered == ["node", "busybox"]
            await pilot.press("escape")
    finally:
        os.close(master)
        os.close(slave)


async def test_a_debug_image_that_cannot_be_pulled_is_said_on_the_status_line(
        conn, namespace, admin_kubeconfig):
    seed_copy(conn, namespace)
    app = PodTuiApp(connect(admin_kubeconfig, namespace=namespace))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, "seed", key="e")
        await pilot.press("enter")  # node
        field = app.screen.query_one(Input)
        field.value = ""
        await type_line(pilot, app, "busybox:no-such-tag")
        # the kubelet reports it in ~12 s (and would retry the pull for as long as we waited)
        line = await until(pilot, lambda: re.search(
            r"debug container (debugger-\w+) cannot start: (ErrImagePull|ImagePullBackOff): "
            r".*busybox:no-such-tag.*not found  \(kubectl debug -it seed -n \S+ "
            r"--image=busybox:no-such-tag --target=node -- sh\)", said(app)),
            "the pull's failure on the status line", 45)
        status = get_pod(conn, namespace, "seed")["status"]["ephemeralContainerStatuses"]
        assert [s["name"] for s in status] == [line.group(1)]


async def test_readonly_hides_every_inside_key(admin_kubeconfig):
    app = PodTuiApp(connect(admin_kubeconfig), readonly=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_pod(pilot, app, SEED_POD)
        for key in ("s", "x", "F", "e", "v"):
            await pilot.press(key)
            assert isinstance(app.screen, PodDetailScreen), key
        assert not any(app.screen.check_action(a, ()) for a in
                       ("shell", "run", "port_forward", "debug", "volumes_inside"))
        assert not app.inside_actions.forwards
        notes = {n.message for n in app._notifications}
        assert {"read-only mode: s refused, exec is disabled",
                "read-only mode: x refused, exec is disabled",
                "read-only mode: F refused, port-forward is disabled",
                "read-only mode: e refused, debug containers are disabled",
                "read-only mode: v refused, exec is disabled"} == notes, notes


async def test_rbac_hides_what_the_user_may_not(conn):
    name = f"rbac-ui-{os.urandom(3).hex()}"  # team-a is shared: runs must not meet
    running_pod(conn, "team-a", name, ["main"])
    try:
        app = PodTuiApp(connect(str(LIMITED_KUBECONFIG)))
        async with app.run_test(size=(160, 40)) as pilot:
            await open_pod(pilot, app, name)
            await until(pilot, lambda: (app.conn.context, "team-a") in app.inside_actions.access,
                        "the access review")
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
        forward = (await until(pilot, lambda: app.inside_actions.forwards, "the forward"))[0]
        assert forward.active and forward.remote == 8080
        conn.request("DELETE", f"/api/v1/namespaces/{namespace}/pods/short-lived",
                     [("gracePeriodSeconds", 0)]).drain_conn()
        line = f"forward 127.0.0.1:{forward.local} -> short-lived:8080 ended: pod {namespace}/"
        message = app.pod_list.query_one("#message", Static)
        await until(pilot, lambda: line in plain(message), "the forward's last line", 30)
        assert not forward.active
