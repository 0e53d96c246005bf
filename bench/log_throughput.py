"""4. Logs: two panes (containers a and b of bench-logs/log-bench, on the sandbox's real
node) each printing RATE lines a second; lines shown without loss and key-press latency
meanwhile, beside `kubectl logs -f` on the same containers and stern on the pod.

The lines take the real path: a Node.js program in each container (bench/log_writer.js)
prints them on stdout, containerd stamps them into the kubelet's CRI log files (rotated
at the kubelet's 10 MiB), and the kubelet serves them through the API server. The bench
starts both programs at once (a file in their hostPath directory) once every reader's
stream is open; they write when each slice of lines went out.

podtui's LogsScreen runs in this process (Pilot). Every line is numbered; each batch that
reaches a pane (`LogView.add_lines`) is checked: consecutive numbers, none missing, none
twice. Key presses ("t": timestamps on/off) are posted from a thread as the terminal driver
does; the latency is key posted -> action run -> screen refreshed.
The kubectl and stern line counters run in their own processes.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import peers
from common import (
    BENCH_DIR,
    KUBECONFIG,
    PYTHON,
    SANDBOX_DIR,
    GcClock,
    Kube,
    Row,
    kubectl,
    load,
    log,
    median,
    percentile,
    proc_cpu,
)

NAMESPACE = "bench-logs"
POD = "log-bench"
CONTAINERS = ("a", "b")
IMAGE = "node:20-alpine"
#: Shared with the containers (hostPath: the real node is this machine).
FEED = SANDBOX_DIR / "feeds" / NAMESPACE / POD
WRITER = BENCH_DIR / "log_writer.js"
#: How long kubectl and stern may take to print what was written, after the writers end.
PEER_CATCH_UP_S = 60
#: The kubelet's podLogsDir (sandbox/node.sh), to count the rotations of a run.
POD_LOGS = SANDBOX_DIR / "node" / "pod-logs"


def pod_manifest(rate: float, seconds: float) -> dict:
    source = WRITER.read_text()
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": POD, "labels": {"app": "bench", "bench": "logs"}},
        "spec": {
            "containers": [{
                "name": name,
                "image": IMAGE,
                "command": ["node", "-e", source, name, f"{rate:g}", f"{seconds:g}", "/feed"],
                "volumeMounts": [{"name": "feed", "mountPath": "/feed"}],
            } for name in CONTAINERS],
            "volumes": [{"name": "feed", "hostPath": {"path": str(FEED), "type": "Directory"}}],
            "terminationGracePeriodSeconds": 0,
        },
    }


def _wait_gone(kube: Kube, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            kube.get(f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}")
        except RuntimeError:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{NAMESPACE}/{POD} is still there after 60 s")


def reset_pod(kube: Kube, rate: float, seconds: float) -> tuple[str, float]:
    """A fresh bench-logs/log-bench whose programs have printed their primer and wait for
    the go: (its uid, which names its log directory; seconds from create to running)."""
    kube.ensure_namespace(NAMESPACE)
    kube.delete_pod(NAMESPACE, POD)
    deadline = time.monotonic() + 60
    _wait_gone(kube, deadline)
    shutil.rmtree(FEED, ignore_errors=True)
    FEED.mkdir(parents=True)
    created = time.monotonic()
    pod = kube.request("POST", f"/api/v1/namespaces/{NAMESPACE}/pods",
                       pod_manifest(rate, seconds))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = kube.get(f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}").get("status", {})
        running = [s for s in status.get("containerStatuses") or [] if "running" in s["state"]]
        if len(running) == len(CONTAINERS):
            took = time.monotonic() - created
            log(f"{NAMESPACE}/{POD}: both containers running {took:.1f} s after the create")
            return pod["metadata"]["uid"], took
        time.sleep(0.1)
    raise RuntimeError(f"{NAMESPACE}/{POD} is not running after 120 s")


def rotated_files(uid: str) -> dict[str, int]:
    """Per container: the log files the kubelet keeps (1 = never rotated)."""
    base = POD_LOGS / f"{NAMESPACE}_{POD}_{uid}"
    return {name: len(list((base / name).glob("*.log*"))) for name in CONTAINERS}


class Counter:
    """Checks the numbered lines each pane receives (called on the event loop)."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.next: dict[str, int] = {}
        self.gaps: dict[str, int] = {}
        self.other = 0
        self.first: float | None = None
        self.last: float | None = None
        self.batches: list[tuple[float, str, int]] = []  # (time, name, last number)

    def batch(self, texts: list[str]) -> None:
        now = time.time()
        self.first = self.first or now
        self.last = now
        head, tail = texts[0].split(" ", 2), texts[-1].split(" ", 2)
        if len(head) > 1 and len(tail) > 1 and head[0] == tail[0] and head[1].isdigit() \
                and tail[1].isdigit():
            name, low, high = head[0], int(head[1]), int(tail[1])
            if high - low + 1 == len(texts) and self.next.get(name, low) == low:
                self.count[name] = self.count.get(name, 0) + len(texts)
                self.next[name] = high + 1
                self.batches.append((now, name, high))
                return
        for text in texts:  # slow path: find what is wrong
            parts = text.split(" ", 2)
            if len(parts) < 2 or not parts[1].isdigit():
                self.other += 1
                continue
            name, number = parts[0], int(parts[1])
            self.count[name] = self.count.get(name, 0) + 1
            if number != self.next.get(name, number):
                self.gaps[name] = self.gaps.get(name, 0) + 1
            self.next[name] = number + 1
            self.batches.append((now, name, number))


def _bytes_read(pids: list[int]) -> int:
    """What these processes have read so far (/proc/PID/io rchar)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/io") as handle:
                total += next(int(line.split()[1]) for line in handle
                              if line.startswith("rchar:"))
        except (OSError, StopIteration):
            continue
    return total


def _write_time(slices: list[list[float]], number: int) -> float | None:
    """When line `number` was written (the slice that wrote it)."""
    counts = [s[1] for s in slices]
    index = bisect.bisect_right(counts, number)
    return slices[index][0] if index < len(slices) else None


async def _run_rate(conn, rate: float, seconds: float, key_interval: float) -> dict:
    from textual import events

    from podtui.app import PodTuiApp
    from podtui.ui.screens.logs import LogsScreen
    from podtui.ui.widgets.log_view import LogView

    counter = Counter()
    original_add = LogView.add_lines
    original_ts = LogsScreen.action_timestamps
    pressed = threading.Event()
    effects: list[tuple[float, float]] = []  # (action run, refreshed)
    stop_keys = threading.Event()

    def add_lines(view, lines, tag: str = "") -> None:
        if lines and not tag:
            counter.batch([line.text for line in lines])
        original_add(view, lines, tag)

    def action_timestamps(screen) -> None:
        acted = time.time()
        original_ts(screen)

        def painted() -> None:
            effects.append((acted, time.time()))
            pressed.set()

        screen.call_after_refresh(painted)

    LogView.add_lines = add_lines
    LogsScreen.action_timestamps = action_timestamps
    tmp = tempfile.TemporaryDirectory(prefix="podtui-bench-")
    folder = Path(tmp.name)
    result: dict = {"rate_per_pane": rate, "seconds": seconds}
    presses: list[float] = []
    app = PodTuiApp(conn)
    if os.environ.get("PODTUI_BENCH_GC_FREEZE"):  # experiment: what gc.freeze() would do
        gc.collect()
        gc.freeze()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            screen = LogsScreen(conn, NAMESPACE, POD, list(CONTAINERS))
            await app.push_screen(screen)
            deadline = time.monotonic() + 30
            while not all("streaming" in screen.pane(c).view.state for c in CONTAINERS):
                if time.monotonic() > deadline:
                    raise RuntimeError("the log panes did not start streaming")
                await pilot.pause(0.05)
            readers = []
            for name in CONTAINERS:
                follow = subprocess.Popen(
                    kubectl("logs", "-f", POD, "-c", name, "-n", NAMESPACE),
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                count = subprocess.Popen([PYTHON, str(BENCH_DIR / "stamp.py"),
                                          str(folder / f"kubectl-{name}.json"),
                                          "--count-numbered"], stdin=follow.stdout)
                assert follow.stdout is not None
                follow.stdout.close()
                readers.append((follow, count))
            # stern follows both containers in one process (a peer users pick for this).
            stern = subprocess.Popen(peers.stern_argv(NAMESPACE, POD), stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
            stern_count = subprocess.Popen([PYTHON, str(BENCH_DIR / "stamp.py"),
                                            str(folder / "stern.json"), "--count-numbered"],
                                           stdin=stern.stdout)
            assert stern.stdout is not None
            stern.stdout.close()
            await asyncio.sleep(1.5)  # kubectl's and stern's streams are open
            cpu_before, wall_before = os.times(), time.monotonic()
            gc_clock = GcClock().__enter__()
            kubectl_cpu_before = sum(proc_cpu(follow.pid) or 0 for follow, _ in readers)
            (FEED / "go").touch()  # both programs start their flood

            def keys() -> None:
                while not stop_keys.wait(key_interval):
                    pressed.clear()
                    presses.append(time.time())
                    app.post_message(events.Key("t", "t"))
                    if not pressed.wait(10):
                        break

            presser = threading.Thread(target=keys, daemon=True)
            presser.start()
            done_by = time.monotonic() + seconds + 60
            while not all((FEED / f"{c}.json").exists() for c in CONTAINERS):
                if time.monotonic() > done_by:
                    raise RuntimeError("the log writers did not finish")
                await asyncio.sleep(0.1)
            stop_keys.set()
            total = int(rate * seconds) + 1  # and the primer
            # Wait for the stragglers, as long as lines keep coming.
            seen, quiet_since = -1, time.monotonic()
            while time.monotonic() - quiet_since < 5:
                now_seen = sum(counter.count.values())
                if now_seen >= total * len(CONTAINERS):
                    break
                if now_seen != seen:
                    seen, quiet_since = now_seen, time.monotonic()
                await asyncio.sleep(0.1)
            cpu_after = os.times()
            wall = time.monotonic() - wall_before
            gc_clock.__exit__()
            result["gc"] = gc_clock.summary(wall)
            result["podtui_cpu_percent"] = 100 * (
                cpu_after.user - cpu_before.user + cpu_after.system - cpu_before.system) / wall
            # The peers' stragglers: as long as their counters keep reading (they may be
            # seconds behind at high rates), within PEER_CATCH_UP_S.
            counting = [count.pid for _, count in readers] + [stern_count.pid]
            read, quiet_since = _bytes_read(counting), time.monotonic()
            peers_deadline = time.monotonic() + PEER_CATCH_UP_S
            while time.monotonic() - quiet_since < 2 and time.monotonic() < peers_deadline:
                await asyncio.sleep(0.2)
                now_read = _bytes_read(counting)
                if now_read != read:
                    read, quiet_since = now_read, time.monotonic()
            presser.join(12)
            kubectl_cpu = sum(proc_cpu(follow.pid) or 0 for follow, _ in readers)
            result["kubectl_cpu_percent"] = 100 * (kubectl_cpu - kubectl_cpu_before) / (
                time.monotonic() - wall_before)
            for follow, count in readers:
                if follow.poll() is not None:
                    log(f"kubectl logs -f exited early ({follow.returncode})")
                follow.terminate()
                follow.wait()
                count.wait(30)
            if stern.poll() is not None:
                log(f"stern exited early ({stern.returncode})")
            stern.terminate()
            stern.wait()
            stern_count.wait(30)
            result["last_line_shown"] = {
                c: (screen.pane(c).view.texts or [""])[-1].split(" ", 2)[:2] for c in CONTAINERS}
            result["lines_kept"] = {c: screen.pane(c).view.line_count for c in CONTAINERS}
            # A kubelet that rotates a log under a follow stream may end it: podtui resumes.
            result["podtui_reconnects"] = {c: screen.pane(c).follower.reconnects
                                           for c in CONTAINERS}
            await app.pop_screen()
    finally:
        LogView.add_lines = original_add
        LogsScreen.action_timestamps = original_ts
    writers = {c: json.loads((FEED / f"{c}.json").read_text()) for c in CONTAINERS}
    written = {"start": min(w["start"] for w in writers.values()),
               "end": max(w["end"] for w in writers.values()),
               "written": {c: w["written"] for c, w in writers.items()}}
    write_span = written["end"] - written["start"]
    lags = []
    for when, name, number in counter.batches:
        if number < 1 or name not in writers:
            continue  # the primer
        wrote = _write_time(writers[name]["slices"], number - 1)  # counts: lines so far
        if wrote is not None:
            lags.append(when - wrote)
    kube_results = {c: json.loads((folder / f"kubectl-{c}.json").read_text()) for c in CONTAINERS}
    expected = int(written["written"][CONTAINERS[0]]) + 1  # and the primer
    if len(set(written["written"].values())) != 1:
        raise RuntimeError(f"the writers wrote different counts: {written['written']}")
    ours = sum(counter.count.values())
    theirs = sum(sum(r["counts"].get(c, 0) for c in CONTAINERS) for r in kube_results.values())
    # Rates over the same window: from the writer's start to the last line received.
    flood = 2 * (expected - 1)
    our_span = (counter.last or 0) - written["start"]
    their_last = max(r["last"] or 0 for r in kube_results.values())
    their_span = their_last - written["start"]
    stern_result = json.loads((folder / "stern.json").read_text())
    stern_lines = sum(stern_result["counts"].get(c, 0) for c in CONTAINERS)
    stern_span = (stern_result["last"] or 0) - written["start"]
    latencies = [1000 * (painted - pressed_at) for pressed_at, (_a, painted)
                 in zip(presses, effects, strict=False)]
    result.update({
        "written_per_pane": expected,
        "write_span_s": write_span,
        "written_lines_per_s": flood / write_span if write_span else None,
        "podtui": {
            "lines": ours, "per_pane": counter.count, "gaps": counter.gaps,
            "other": counter.other,
            "missing": expected * len(CONTAINERS) - ours,
            "lines_per_s": (ours - 2) / our_span if our_span > 0 else None,
            "end_lag_ms": 1000 * ((counter.last or 0) - written["end"]),
            "lag_ms_median": 1000 * (median(lags) or 0),
            "lag_ms_max": 1000 * max(lags or [0]),
            "batches": len(counter.batches),
        },
        "kubectl": {
            "lines": theirs,
            "per_pane": {c: r["counts"] for c, r in kube_results.items()},
            "gaps": {c: r["gaps"] for c, r in kube_results.items()},
            "missing": expected * len(CONTAINERS) - theirs,
            "lines_per_s": (theirs - 2) / their_span if their_span > 0 else None,
            "end_lag_ms": 1000 * (their_last - written["end"]),
        },
        "stern": {
            "lines": stern_lines, "per_pane": stern_result["counts"],
            "gaps": stern_result["gaps"],
            "missing": expected * len(CONTAINERS) - stern_lines,
            "lines_per_s": (stern_lines - 2) / stern_span if stern_span > 0 else None,
            "end_lag_ms": 1000 * ((stern_result["last"] or 0) - written["end"]),
        },
        "keys": {
            "presses": len(presses), "answered": len(effects),
            "median_ms": median(latencies), "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies) if latencies else None,
            "latencies_ms": latencies,  # ab_logs.py pools them: a run's p99 is its slowest
        },
    })
    tmp.cleanup()
    return result


def bench_logs(rates: list[float], seconds: float = 10,
               key_interval: float = 0.25) -> tuple[list[Row], dict]:
    from podtui.cluster.connection import connect

    kube = Kube()
    rows: list[Row] = []
    raw: dict = {}
    for rate in rates:
        log(f"logs: 2 panes x {rate:g} lines/s for {seconds:g}s")
        uid, start_s = reset_pod(kube, rate, seconds)
        before = load()
        conn = connect(str(KUBECONFIG), namespace=NAMESPACE)
        try:
            result = asyncio.run(_run_rate(conn, rate, seconds, key_interval))
        finally:
            conn.close()
        result["load"] = before
        result["pod_start_s"] = start_s
        result["log_files"] = rotated_files(uid)
        raw[f"{rate:g}"] = result
        ours, theirs, keys = result["podtui"], result["kubectl"], result["keys"]
        stern = result["stern"]
        lossless = ours["missing"] == 0 and not ours["gaps"] and not ours["other"]
        kept_up = ours["lag_ms_max"] < 2000
        rows.append(Row(
            "logs", f"2 x {rate:g}/s: lines/s shown (both panes)", ours["lines_per_s"],
            theirs["lines_per_s"], "lines/s",
            goal=f">= {2 * rate:g}, no loss", met=lossless and kept_up, load=before,
            note=f"missing podtui {ours['missing']} kubectl {theirs['missing']}; "
                 f"lag median {ours['lag_ms_median']:.0f} ms max {ours['lag_ms_max']:.0f} ms; "
                 f"last line after the writer's: podtui +{ours['end_lag_ms']:.0f} ms "
                 f"kubectl +{theirs['end_lag_ms']:.0f} ms; "
                 f"CPU podtui {result['podtui_cpu_percent']:.0f}% "
                 f"kubectl {result['kubectl_cpu_percent']:.0f}%; GC "
                 f"{100 * (result['gc']['share_of_wall'] or 0):.0f}% of the time; "
                 f"written {result['written_lines_per_s'] or 0:,.0f} lines/s; "
                 f"kubelet log files per container {result['log_files']}",
        ))
        rows.append(Row(
            "logs", f"2 x {rate:g}/s: lines/s shown, beside stern", ours["lines_per_s"],
            stern["lines_per_s"], "lines/s", peer="stern",
            goal=">= stern, no loss",
            met=lossless and (ours["lines_per_s"] or 0) >= (stern["lines_per_s"] or 0),
            load=before,
            note=f"missing podtui {ours['missing']} stern {stern['missing']} "
                 f"(gaps {sum(stern['gaps'].values())}); last line after the writer's: "
                 f"stern +{stern['end_lag_ms']:.0f} ms",
        ))
        rows.append(Row(
            "logs", f"2 x {rate:g}/s: key -> repaint median", keys["median_ms"], None, "ms",
            load=before, note=f"p99 {keys['p99_ms'] or 0:.0f} ms, max {keys['max_ms'] or 0:.0f} "
                              f"ms, {keys['answered']}/{keys['presses']} presses",
        ))
    kube.delete_pod(NAMESPACE, POD)
    shutil.rmtree(FEED, ignore_errors=True)
    for parent in (FEED.parent, FEED.parent.parent):
        try:
            parent.rmdir()
        except OSError:
            break  # a test's pods still have theirs
    return rows, raw
