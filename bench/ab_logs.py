"""Before/after of a change on the log bench (bench/log_throughput.py): each run is a fresh
process importing podtui from one of two source trees, runs alternating (A, B, A, B, ...)
so that both see the same machine load.

    .venv/bin/python bench/ab_logs.py BEFORE_DIR [AFTER_DIR] [--rate 10000] [--seconds 10]
        [--runs 4]

Uses bench-logs/log-bench on the sandbox's real node, as the log bench does (the tests use
their own namespaces). A run whose pod was replaced meanwhile (someone else ran the log
bench, and podtui's follower rightly stopped with the deleted pod) is marked `disturbed`
and left out of the medians.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, PYTHON, ROOT, Kube, log, median, percentile  # noqa: E402


def child(rate: float, seconds: float) -> None:
    """In the child process: one log bench run, noting whether the pod it followed was
    still the same one at the end (another bench run may recreate it meanwhile)."""
    import log_throughput

    seen: dict[str, str | None] = {}
    path = f"/api/v1/namespaces/{log_throughput.NAMESPACE}/pods/{log_throughput.POD}"

    def uid(kube: Kube) -> str | None:
        try:
            return kube.get(path)["metadata"]["uid"]
        except RuntimeError:
            return None

    reset, delete = log_throughput.reset_pod, Kube.delete_pod

    def reset_pod(kube: Kube, rate: float, seconds: float) -> tuple[str, float]:
        made = reset(kube, rate, seconds)
        seen["start"] = uid(kube)
        return made

    def delete_pod(kube: Kube, namespace: str, name: str) -> None:
        seen["end"] = uid(kube)  # the last call is the bench's own clean-up
        delete(kube, namespace, name)

    log_throughput.reset_pod = reset_pod
    Kube.delete_pod = delete_pod  # type: ignore[method-assign]
    _rows, raw = log_throughput.bench_logs([rate], seconds)
    result = next(iter(raw.values()))
    result["disturbed"] = seen.get("start") != seen.get("end")
    print("RESULT " + json.dumps(result))


def _run(source: Path, rate: float, seconds: float) -> dict:
    code = (f"import sys; sys.path.insert(0, {str(BENCH_DIR)!r}); "
            f"sys.path.insert(0, {str(source)!r}); import podtui, ab_logs; "
            f"assert podtui.__file__.startswith({str(source)!r}), podtui.__file__; "
            f"ab_logs.child({rate!r}, {seconds!r})")
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=600)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"log bench failed: {done.stderr[-2000:]}")
    return json.loads(line.removeprefix("RESULT "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path, nargs="?", default=ROOT)
    parser.add_argument("--rate", type=float, default=10000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"before": [], "after": []}
    for index in range(args.runs):
        for label, source in (("before", args.before), ("after", args.after)):
            got = _run(source.resolve(), args.rate, args.seconds)
            ours, theirs, keys = got["podtui"], got["kubectl"], got["keys"]
            summary = {
                "disturbed": got["disturbed"],
                "lines_per_s": ours["lines_per_s"], "kubectl_lines_per_s": theirs["lines_per_s"],
                "missing": ours["missing"], "gaps": sum(ours["gaps"].values()),
                "end_lag_ms": ours["end_lag_ms"], "lag_ms_max": ours["lag_ms_max"],
                # a gap's likely places: a follower's reconnect, the kubelet's rotation
                "reconnects": got.get("podtui_reconnects"), "log_files": got.get("log_files"),
                "kubectl_missing": theirs["missing"],
                "key_median_ms": keys["median_ms"], "key_p99_ms": keys["p99_ms"],
                "key_latencies_ms": keys.get("latencies_ms", []),
                "cpu_percent": got["podtui_cpu_percent"], "load": got["load"],
            }
            results[label].append(summary)
            log(f"run {index + 1} {label}: {summary}")
    print(f"\n{'':8} {'lines/s':>9} {'kubectl':>9} {'ratio':>6} {'key med ms':>11} "
          f"{'key p99 ms':>11} {'CPU %':>6} {'lost':>5}   (2 x {args.rate:g}/s, "
          f"median of {args.runs})")
    for label, every in results.items():
        runs = [r for r in every if not r["disturbed"] and r["lines_per_s"]]
        def med(key: str, rows: list[dict] = runs) -> float:
            return median(r[key] for r in rows if r[key] is not None) or 0.0
        ratio = median(r["lines_per_s"] / r["kubectl_lines_per_s"] for r in runs
                       if r["kubectl_lines_per_s"]) or 0.0
        lost = sum(r["missing"] + r["gaps"] for r in runs)
        print(f"{label:8} {med('lines_per_s'):9.0f} {med('kubectl_lines_per_s'):9.0f} "
              f"{ratio:6.2f} {med('key_median_ms'):11.0f} {med('key_p99_ms'):11.0f} "
              f"{med('cpu_percent'):6.0f} {lost:5d}   ({len(every) - len(runs)} disturbed)")
        print(f"{'':8} last line after the writers' {med('end_lag_ms'):.0f} ms, "
              f"longest lag {med('lag_ms_max'):.0f} ms (medians of the runs)")
        pooled = [ms for r in runs for ms in r["key_latencies_ms"]]
        if pooled:
            print(f"{'':8} key presses of all runs pooled: {len(pooled)}, median "
                  f"{median(pooled):.0f} ms, p90 {percentile(pooled, 90):.0f} ms, "
                  f"p99 {percentile(pooled, 99):.0f} ms")
    print(json.dumps(results))
    import log_throughput

    Kube().delete_namespace(log_throughput.NAMESPACE)  # each run only deletes its pod
    return 0


if __name__ == "__main__":
    sys.exit(main())
