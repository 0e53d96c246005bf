"""Screenshots of the real app against the sandbox (`make screenshots`).

Creates a few demo pods beside the seed pod in namespace `default`, drives the app
with Textual's Pilot, saves SVGs next to this file, and deletes the demo pods.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from podtui.app import PodTuiApp  # noqa: E402
from podtui.cluster.connection import connect  # noqa: E402

KUBECONFIG = os.environ.get(
    "KUBECONFIG_SANDBOX",
    str(Path(os.environ.get("PODTUI_SANDBOX_DIR", "/tmp/podtui-sandbox")) / "admin.kubeconfig"),
)
SEED = "seed-sidecar-logs"

DEMO_PODS = [
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "checkout-crashing-sidecar"},
        "spec": {
            "containers": [
                {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                {"name": "metrics", "image": "busybox:1.36",
                 "command": ["sh", "-c", "sleep 5; exit 1"]},
            ],
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "api-native-sidecar"},
        "spec": {
            "initContainers": [
                {"name": "log-shipper", "image": "busybox:1.36", "restartPolicy": "Always",
                 "command": ["sh", "-c", "tail -F /var/log/app/access.log"],
                 "volumeMounts": [{"name": "logs", "mountPath": "/var/log/app",
                                   "readOnly": True}]},
            ],
            "containers": [
                {"name": "api", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
                 "volumeMounts": [{"name": "logs", "mountPath": "/var/log/nginx"}]},
            ],
            "volumes": [{"name": "logs", "emptyDir": {}}],
        },
    },
]


async def until(pilot, predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: timed out waiting for the app")
        await pilot.pause(0.05)


async def shoot(name: str, size: tuple[int, int], steps) -> None:
    app = PodTuiApp(connect(KUBECONFIG))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: any(s.name == SEED for s in app.pod_list.table.rows.values()))
        await steps(pilot, app)
        await pilot.pause(0.5)
        app.save_screenshot(str(HERE / f"{name}.svg"))
        print(f"screenshots/{name}.svg")
        for cleanup in getattr(app, "after_shot", []):  # what the shot must still show
            cleanup()


async def select(pilot, app, name: str) -> None:
    table = app.pod_list.table
    await until(pilot, lambda: any(s.name == name for s in table.rows.values()))
    table.select_uid(next(u for u, s in table.rows.items() if s.name == name))
    await pilot.pause(0.1)


async def nothing(pilot, app) -> None:
    await until(pilot, lambda: len(app.pod_list.table.rows) >= 3)
    await select(pilot, app, SEED)


async def detail(pilot, app) -> None:
    await select(pilot, app, SEED)
    await pilot.press("enter")


async def detail_volumes(pilot, app) -> None:
    await detail(pilot, app)
    await pilot.press("4")


async def volume_inside(pilot, app) -> None:
    from podtui.ui.screens.run_panes import RunPane

    await detail_volumes(pilot, app)
    await pilot.press("v")
    await until(pilot, lambda: all(p.result for p in app.screen.query(RunPane)))


async def crashed_once(conn, pod: str, container: str, timeout: float = 120) -> None:
    """Until the real node has restarted the sidecar whose command exits 1."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        status = (await asyncio.to_thread(conn.core.read_namespaced_pod, pod, "default")).status
        if any(c.name == container and c.restart_count >= 1
               for c in status.container_statuses or []):
            return
        await asyncio.sleep(0.5)
    raise SystemExit(f"{pod}: {container} did not restart within {timeout:.0f} s")


async def crash_lifecycle(pilot, app) -> None:
    await select(pilot, app, "checkout-crashing-sidecar")
    await pilot.press("enter", "5")


async def logs(pilot, app) -> None:
    await select(pilot, app, SEED)
    await pilot.press("l")
    await pilot.pause(3.0)  # a few lines of both containers


async def delete_confirm(pilot, app) -> None:
    await select(pilot, app, "api-native-sidecar")
    await pilot.press("ctrl+d")


async def new_pod(pilot, app) -> None:
    await pilot.press("n")


async def drill(pilot, app) -> None:
    """The memory-emptydir drill mid-attempt: half of the answer applied (from outside
    the app, as from another terminal), the checklist half green, a hint shown."""
    import tempfile

    from podtui.drills import attempts
    from podtui.ui.screens.drill import DrillScreen

    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="podtui-shot-")
    app.run_command_line("drill memory-emptydir 2027")
    await until(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.results)
    screen = app.screen
    v = screen.attempt.values
    mount = {"name": "scratch", "mountPath": v["dir"]}
    app.conn.core.create_namespaced_pod(screen.attempt.namespace, {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": v["pod"]},
        "spec": {"containers": [
            {"name": v["writer"], "image": "busybox:1.36", "command": ["sleep", "86400"],
             "volumeMounts": [mount]},
            {"name": v["reader"], "image": "busybox:1.36", "command": ["sleep", "86400"],
             "volumeMounts": [dict(mount, mountPath=v["rdir"])]}],
            "volumes": [{"name": "scratch", "emptyDir": {"medium": "Memory"}}]}})
    # tmpfs, the writer writes, the reader sees it; no sizeLimit, the reader may write
    await until(pilot, lambda: sum(r.passed for r in screen.results) == 3, timeout=60)
    await pilot.pause(1.2)  # the countdown moves on
    await pilot.press("h")
    app.after_shot = [lambda: attempts.reset(app.conn, screen.attempt.namespace)]


async def exam_report(pilot, app) -> None:
    """A mock exam ended after two tasks were answered (their reference solutions, from
    another terminal) and one was flagged: the report, the first answered task selected."""
    import tempfile

    from podtui.drills import exam as exams
    from podtui.drills.loader import load_drills, render_attempt
    from podtui.ui.screens.exam import ExamReportScreen, ExamScreen

    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="podtui-shot-")
    app.run_command_line("exam 2027")
    await until(pilot, lambda: isinstance(app.screen, ExamScreen) and app.screen.exam,
                timeout=120)
    screen = app.screen
    drills = {d.id: d for d in load_drills()[0]}
    quick = [i for i, t in enumerate(screen.exam.tasks)
             if t.drill in ("previous-logs", "force-delete", "resources-split")][:2]
    env = dict(os.environ, KUBECONFIG=KUBECONFIG, PATH=os.pathsep.join(
        [str(Path(KUBECONFIG).parent), os.environ.get("PATH", "")]))
    for index in quick:
        task = screen.exam.tasks[index]
        for command in render_attempt(drills[task.drill], task.seed).solution:
            subprocess.run(["bash", "-c", command], env=env, check=True, capture_output=True,
                           cwd="/tmp")
        while screen.exam.current != index:
            await pilot.press("n")
        await pilot.pause(1.5)  # time spent on it
    await pilot.press("n", "f")
    await pilot.pause(5)  # the pods settle
    await pilot.press("E", "E")
    await until(pilot, lambda: isinstance(app.screen, ExamReportScreen), timeout=120)
    await pilot.pause(0.3)
    await pilot.press(*["j"] * quick[0])
    assert exams.load() is None


async def usage(pilot, app) -> None:
    """The sandbox's usage-demo pod: its cache sidecar's memory climbs toward its limit;
    the sparkline fills while the screen is open (one point per 15 s scrape)."""
    app.switch_namespace("metrics-demo")
    await select(pilot, app, "usage-demo")
    await pilot.press("enter", "2")
    screen = app.screen
    await until(pilot, lambda: getattr(screen, "usage", None) is not None
                and len(screen.usage.history) >= 4, timeout=90)


async def zoo(pilot, app) -> None:
    """Every pod state kubectl names, from the sandbox's pod-state zoo (sandbox zoo)."""
    await pilot.press("colon", *"ns zoo", "enter")
    await until(pilot, lambda: len(app.pod_list.table.rows) >= 25, timeout=30)
    await pilot.press("S")  # by status


SHOTS = [
    ("pod-list", (100, 24), nothing),
    ("pod-detail", (100, 40), detail),
    ("pod-detail-volumes", (100, 24), detail_volumes),
    ("volume-from-both-containers", (120, 20), volume_inside),
    ("pod-lifecycle-crash", (100, 32), crash_lifecycle),
    ("logs-side-by-side", (160, 30), logs),
    ("new-pod-picker", (100, 28), new_pod),
    ("delete-confirm", (100, 24), delete_confirm),
    ("drill-mid-attempt", (80, 24), drill),
    ("exam-report", (100, 36), exam_report),
    ("pod-usage", (100, 30), usage),
    ("pod-state-zoo", (120, 36), zoo),
]


async def main(only: list[str]) -> None:
    conn = connect(KUBECONFIG)
    for pod in DEMO_PODS:
        try:
            conn.core.create_namespaced_pod("default", pod)
        except Exception as exc:  # noqa: BLE001 - already there from an earlier run is fine
            if getattr(exc, "status", None) != 409:
                raise
    subprocess.run([str(HERE.parent / "sandbox" / "sandbox"), "zoo"], check=True,
                   capture_output=True, timeout=300)
    await crashed_once(conn, "checkout-crashing-sidecar", "metrics")
    try:
        for name, size, steps in SHOTS:
            if not only or name in only:
                await shoot(name, size, steps)
    finally:
        for pod in DEMO_PODS:
            conn.core.delete_namespaced_pod(pod["metadata"]["name"], "default",
                                            grace_period_seconds=0)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
