"""4. Logs: two panes (containers a and b of default/log-bench) each fed RATE lines a
second; lines shown without loss and key-press latency meanwhile, beside `kubectl logs -f`
on the same containers.

podtui's LogsScreen runs in this process (Pilot). Every line is numbered; each batch that
reaches a pane (`LogView.add_lines`) is checked: consecutive numbers, none missing, none
twice. Key presses ("t": timestamps on/off) are posted from a thread as the terminal driver
does; the latency is key posted -> action run -> screen refreshed.
The writer and the kubectl line counters run in their own processes.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import peers
from common import (
    BENCH_DIR,
    KUBECONFIG,
    PODLOGS,
    PYTHON,
    GcClock,
    Kube,
    Row,
    kubectl,
    load,
    log,
    median,
    percentile,
    pod_body,
    proc_cpu,
)

POD = "log-bench"
CONTAINERS = ("a", "b")
NAMESPACE = "default"


def _wait_until_free(kube: Kube, timeout: float = 300) -> None:
    """The tests use default/log-bench too: never take it from under a running test."""
    deadline = time.monotonic() + timeout
    told = False
    while time.monotonic() < deadline:
        try:
            pod = kube.get(f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}")
        except RuntimeError:
            return
        if (pod.get("metadata", {}).get("labels") or {}).get("bench") == "logs":
            return  # ours, from an earlier run
        if not told:
            log(f"{NAMESPACE}/{POD} belongs to a test run; waiting for it to go")
            told = True
        time.sleep(2)
    raise RuntimeError(f"{NAMESPACE}/{POD} is still used by someone else after {timeout:g}s")


def reset_pod(kube: Kube) -> None:
    """A fresh default/log-bench whose log files start empty."""
    _wait_until_free(kube)
    kube.delete_pod(NAMESPACE, POD)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            kube.get(f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}")
        except RuntimeError:
            break
        time.sleep(0.1)
    for name in CONTAINERS:
        (PODLOGS / f"bench-{name}.log").write_text("")
    body = pod_body(POD, {"bench": "logs"}, CONTAINERS)
    kube.request("POST", f"/api/v1/namespaces/{NAMESPACE}/pods", body)
    while time.monotonic() < deadline:
        pod = kube.get(f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}")
        if pod.get("status", {}).get("phase") == "Running":
            # Line 0: the kubelet (KWOK) answers a follow request with its first line only,
            # so the streams are open, and past any tail, before the flood starts at line 1.
            for name in CONTAINERS:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
                with (PODLOGS / f"bench-{name}.log").open("a") as handle:
                    handle.write(f"{stamp}.000000000Z stdout F {name} {0:08d} primer\n")
            return
        time.sleep(0.1)
    raise RuntimeError(f"{NAMESPACE}/{POD} is not Running after 60 s")


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


def _write_time(slices: list[list[float]], number: int) -> float | None:
    """When line `number` was written (the slice that wrote it)."""
    counts = [s[1] for s in slices]
    index = bisect.bisect_right(counts, number)
    return slices[index][0] if index < len(slices) else None


async def _run_rate(conn, rate: float, seconds: float, key_interval: float) -> dict:
    from textual import events

    from podtui.app import PodTuiApp
    from podtui.ui.log_view import LogView
    from podtui.ui.logs_screen import LogsScreen

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
            writer = subprocess.Popen([
                PYTHON, str(BENCH_DIR / "log_writer.py"), str(rate), str(seconds),
                str(folder / "writer.json"), "1",
                *(f"{c}={PODLOGS / f'bench-{c}.log'}" for c in CONTAINERS)])

            def keys() -> None:
                while not stop_keys.wait(key_interval):
                    pressed.clear()
                    presses.append(time.time())
                    app.post_message(events.Key("t", "t"))
                    if not pressed.wait(10):
                        break

            presser = threading.Thread(target=keys, daemon=True)
            presser.start()
            while writer.poll() is None:
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
            await asyncio.sleep(2.0)  # kubectl's stragglers
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
            await app.pop_screen()
    finally:
        LogView.add_lines = original_add
        LogsScreen.action_timestamps = original_ts
    written = json.loads((folder / "writer.json").read_text())
    slices = written["slices"]
    write_span = written["end"] - written["start"]
    lags = []
    for when, _name, number in counter.batches:
        if number < 1:
            continue  # the primer
        wrote = _write_time(slices, number - 1)  # the writer's count is 0-based
        if wrote is not None:
            lags.append(when - wrote)
    kube_results = {c: json.loads((folder / f"kubectl-{c}.json").read_text()) for c in CONTAINERS}
    expected = int(written["written"][CONTAINERS[0]]) + 1  # and the primer
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
        reset_pod(kube)
        before = load()
        conn = connect(str(KUBECONFIG), namespace=NAMESPACE)
        try:
            result = asyncio.run(_run_rate(conn, rate, seconds, key_interval))
        finally:
            conn.close()
        result["load"] = before
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
                 f"{100 * (result['gc']['share_of_wall'] or 0):.0f}% of the time",
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
    return rows, raw
