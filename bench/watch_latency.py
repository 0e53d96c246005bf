"""2. Watch latency: a pod created through the API -> its row in podtui's table, while
RATE pods a second are created and as many deleted; beside `kubectl get pods -w -o json`.

podtui runs in this process (Textual's Pilot, `app.run_test()`); "on screen" is the moment
`PodListScreen.drain()` has put the row in the table (it is painted at the next refresh).
The churn and kubectl's timestamps run in their own processes.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from common import (
    BENCH_DIR,
    KUBECONFIG,
    PYTHON,
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

GOAL_MEDIAN_MS = 100
GOAL_P99_MS = 300
NAMESPACE = "bench-watch"


def _kubectl_arrivals(stamps_path: Path) -> dict[str, float]:
    """Pod name -> when kubectl printed it first (its ADDED event)."""
    raw = Path(str(stamps_path) + ".raw").read_bytes()
    chunks = [json.loads(line) for line in stamps_path.read_text().splitlines()]
    ends: list[tuple[int, float]] = []
    offset = 0
    for chunk in chunks:
        offset += chunk["n"]
        ends.append((offset, chunk["t"]))
    arrivals: dict[str, float] = {}
    start = 0
    position = 0
    chunk_index = 0
    while True:
        end = raw.find(b"\n}\n", position)
        if end < 0:
            break
        end += 3
        try:
            name = json.loads(raw[start:end])["metadata"]["name"]
        except (ValueError, KeyError):
            name = None
        while ends[chunk_index][0] < end:
            chunk_index += 1
        if name and name not in arrivals:
            arrivals[name] = ends[chunk_index][1]
        start = position = end
    return arrivals


def _stats(latencies: list[float]) -> dict:
    return {
        "samples": len(latencies),
        "median_ms": median(latencies),
        "p90_ms": percentile(latencies, 90),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else None,
    }


async def _run(rate: float, seconds: float, lifetime: float) -> dict:
    from podtui.app import PodTuiApp
    from podtui.cluster.connection import connect
    from podtui.cluster.pod_feed import PodFeed
    from podtui.cluster.pods import Change
    from podtui.ui.screens.pod_list import PodListScreen

    seen: dict[str, float] = {}
    received: dict[str, float] = {}  # the watcher thread got the ADDED event
    drains: list[float] = []

    class ProbeFeed(PodFeed):
        """Remembers which rows the last take() handed to the table."""

        upserted: set[str] = set()

        def _on_event(self, event) -> None:
            if isinstance(event, Change) and event.kind == "ADDED":
                name = (event.pod.get("metadata") or {}).get("name", "")
                received.setdefault(name, time.time())
            super()._on_event(event)

        def take(self):
            delta, rows, status = super().take()
            if delta is not None:
                self.upserted = set(delta.upserted)
            return delta, rows, status

    original_drain = PodListScreen.drain

    def drain(screen: PodListScreen) -> None:
        started = time.perf_counter()
        original_drain(screen)
        now = time.time()
        drains.append(time.perf_counter() - started)
        feed = screen.feed
        if isinstance(feed, ProbeFeed) and feed.upserted:
            rows = screen.table.rows
            for uid in feed.upserted:
                summary = rows.get(uid)
                if summary is not None and summary.name not in seen:
                    seen[summary.name] = now
            feed.upserted = set()

    PodListScreen.drain = drain
    tmp = tempfile.TemporaryDirectory(prefix="podtui-bench-")
    churn_out = Path(tmp.name) / "churn.jsonl"
    stamps_out = Path(tmp.name) / "kubectl.stamps"
    conn = connect(str(KUBECONFIG), namespace=NAMESPACE)
    app = PodTuiApp(conn)
    app.feed_factory = ProbeFeed
    if os.environ.get("PODTUI_BENCH_GC_FREEZE"):  # experiment: what gc.freeze() would do
        gc.collect()
        gc.freeze()
    result: dict = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while app.pod_list.status.state != "live":
                await pilot.pause(0.05)
            errors = (Path(tmp.name) / "kubectl.err").open("w")
            watch = subprocess.Popen(kubectl("get", "pods", "-w", "-o", "json", "-n", NAMESPACE),
                                     stdout=subprocess.PIPE, stderr=errors)
            stamp = subprocess.Popen([PYTHON, str(BENCH_DIR / "stamp.py"), str(stamps_out),
                                      "--keep"], stdin=watch.stdout)
            assert watch.stdout is not None
            watch.stdout.close()
            await asyncio.sleep(2.0)  # kubectl's watch is open (an empty namespace prints nothing)
            cpu_before = os.times()
            gc_clock = GcClock().__enter__()
            kubectl_cpu = proc_cpu(watch.pid) or 0
            wall_before = time.monotonic()
            log(f"watch: churn {rate:g} pods/s for {seconds:g}s (lifetime {lifetime:g}s)")
            prefix = f"churn{int(time.time()) % 100000}"
            churn = subprocess.Popen([PYTHON, str(BENCH_DIR / "churn.py"), NAMESPACE, str(rate),
                                      str(seconds), str(churn_out), "--lifetime", str(lifetime),
                                      "--prefix", prefix])
            while churn.poll() is None:
                await asyncio.sleep(0.2)
            await asyncio.sleep(2.0)  # the last events
            cpu_after = os.times()
            wall = time.monotonic() - wall_before
            gc_clock.__exit__()
            result["gc"] = gc_clock.summary(wall)
            result["podtui_cpu_percent"] = 100 * (
                (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
            ) / wall
            rows_left = len(app.pod_list.table.rows)
            result["kubectl_cpu_percent"] = 100 * ((proc_cpu(watch.pid) or 0) - kubectl_cpu) / wall
            if watch.poll() is not None:
                errors.close()
                said = (Path(tmp.name) / "kubectl.err").read_text().strip()[-300:]
                log(f"kubectl get -w exited early ({watch.returncode}): {said}")
                result["kubectl_exited_early"] = said or f"exit {watch.returncode}"
            watch.terminate()
            watch.wait()
            stamp.wait(30)
            result["rows_left"] = rows_left
    finally:
        PodListScreen.drain = original_drain
        conn.close()
    probes = [json.loads(line) for line in churn_out.read_text().splitlines()]
    created = [p for p in probes if p["ok"]]
    arrivals = _kubectl_arrivals(stamps_out)
    ours = [1000 * (seen[p["name"]] - p["sent"]) for p in created if p["name"] in seen]
    theirs = [1000 * (arrivals[p["name"]] - p["sent"]) for p in created if p["name"] in arrivals]
    # The same probes from the POST's answer, and podtui's lag behind kubectl (both are
    # watch clients of the same events: this is podtui's own share).
    ours_done = [1000 * (seen[p["name"]] - p["done"]) for p in created if p["name"] in seen]
    theirs_done = [1000 * (arrivals[p["name"]] - p["done"]) for p in created
                   if p["name"] in arrivals]
    behind = [1000 * (seen[p["name"]] - arrivals[p["name"]]) for p in created
              if p["name"] in seen and p["name"] in arrivals]
    # Where podtui's share goes: event in the watcher thread vs kubectl, then -> the table.
    thread_lag = [1000 * (received[p["name"]] - arrivals[p["name"]]) for p in created
                  if p["name"] in received and p["name"] in arrivals]
    to_table = [1000 * (seen[p["name"]] - received[p["name"]]) for p in created
                if p["name"] in seen and p["name"] in received]
    span = (created[-1]["sent"] - created[0]["sent"]) if len(created) > 1 else 0
    result.update({
        "probes": len(probes),
        "created": len(created),
        "achieved_rate": (len(created) - 1) / span if span else None,
        "post_ms_median": median(1000 * (p["done"] - p["sent"]) for p in created),
        "podtui": _stats(ours) | {"missing": len(created) - len(ours)},
        "kubectl": _stats(theirs) | {"missing": len(created) - len(theirs)},
        "podtui_from_post_answer": _stats(ours_done),
        "kubectl_from_post_answer": _stats(theirs_done),
        "podtui_minus_kubectl": _stats(behind),
        "watcher_thread_minus_kubectl": _stats(thread_lag),
        "watcher_thread_to_table": _stats(to_table),
        "drain_ms_median": 1000 * (median(drains) or 0),
        "drain_ms_p99": 1000 * (percentile(drains, 99) or 0),
        "drain_ms_max": 1000 * max(drains or [0]),
    })
    tmp.cleanup()
    return result


def bench_watch(rate: float = 50, seconds: float = 20, lifetime: float = 3) -> tuple[list[Row],
                                                                                      dict]:
    kube = Kube()
    kube.ensure_namespace(NAMESPACE)
    before = load()
    result = asyncio.run(_run(rate, seconds, lifetime))
    result["load"] = before
    ours, theirs = result["podtui"], result["kubectl"]
    note = (f"{result['created']} probes at {result['achieved_rate'] or 0:.0f}/s created "
            f"(+ as many deleted); missing podtui {ours['missing']} kubectl {theirs['missing']}")
    rows = [
        Row("watch", "create -> row: median", ours["median_ms"], theirs["median_ms"], "ms",
            goal=f"< {GOAL_MEDIAN_MS} ms",
            met=ours["median_ms"] is not None and ours["median_ms"] < GOAL_MEDIAN_MS,
            load=before, note=note),
        Row("watch", "create -> row: p99", ours["p99_ms"], theirs["p99_ms"], "ms",
            goal=f"< {GOAL_P99_MS} ms",
            met=ours["p99_ms"] is not None and ours["p99_ms"] < GOAL_P99_MS and not ours["missing"],
            load=before,
            note=f"CPU podtui {result['podtui_cpu_percent']:.0f}% "
                 f"kubectl {result['kubectl_cpu_percent']:.0f}%; "
                 f"drain p99 {result['drain_ms_p99']:.1f} ms"),
    ]
    lag = result["podtui_minus_kubectl"]
    rows.append(Row("watch", "podtui row - kubectl line: median", lag["median_ms"], None, "ms",
                    load=before, note=f"p99 {lag['p99_ms'] or 0:.0f} ms: podtui's own share "
                    f"(kubectl receives the same events); POST median "
                    f"{result['post_ms_median'] or 0:.0f} ms"))
    thread, table = result["watcher_thread_minus_kubectl"], result["watcher_thread_to_table"]
    rows.append(Row("watch", "  of which: event -> watcher thread", thread["median_ms"], None,
                    "ms", load=before, note=f"p99 {thread['p99_ms'] or 0:.0f} ms (vs kubectl)"))
    rows.append(Row("watch", "  of which: watcher thread -> table", table["median_ms"], None,
                    "ms", load=before, note=f"p99 {table['p99_ms'] or 0:.0f} ms (drain p99 "
                    f"{result['drain_ms_p99']:.1f} ms)"))
    return rows, result
