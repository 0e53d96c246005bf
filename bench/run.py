"""podtui benchmarks, side by side with kubectl on the same sandbox (`make bench`).

    .venv/bin/python bench/run.py [--only startup,watch,memory,logs,version]
                                  [--sizes 10,1000,10000] [--rates 10000,20000]

Needs the sandbox (`make sandbox-up`). Creates its pods in its own namespaces (bench-10,
bench-1000, bench-10000, bench-watch, bench-logs; reused when they already hold their
pods, deleted at the end unless --keep-namespaces); the log bench's pod runs on the real
node. Prints a table and writes bench/results/bench-<time>.json. Not a test: nothing here
runs in CI.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from common import KUBECONFIG, RESULTS_DIR, Kube, Row, load, log, machine  # noqa: E402

#: quiet: the idle pod list of `default` (the seed pod and what tests left) and of bench-5000.
QUIET_SIZES = (None, 5000)
BENCHES = ("version", "startup", "memory", "k9s", "watch", "watch-k9s", "logs", "quiet")
#: Not in the default run (creating its 50,000 pods takes ~15 minutes): `make bench-scale`.
OPTIONAL = ("scale",)


def _ints(text: str) -> list[int]:
    return [int(float(part)) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(BENCHES),
                        help=f"comma-separated subset of {', '.join(BENCHES + OPTIONAL)}")
    parser.add_argument("--sizes", default="10,1000,10000",
                        help="pod counts for startup (default 10,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="startup runs per size, podtui and kubectl alternating (median)")
    parser.add_argument("--k9s-repeat", type=int, default=5,
                        help="k9s: runs per size, podtui and k9s alternating (median)")
    parser.add_argument("--k9s-churn-rates", default="10,50",
                        help="watch-k9s: pods created per second (default 10,50)")
    parser.add_argument("--quiet-seconds", type=float, default=30,
                        help="quiet: seconds of idle screen counted per run")
    parser.add_argument("--memory-size", type=int, default=10000,
                        help="pods listed for the memory figure (default 10000)")
    parser.add_argument("--churn-rate", type=float, default=50,
                        help="watch: pods created per second, as many deleted (default 50)")
    parser.add_argument("--churn-seconds", type=float, default=20)
    parser.add_argument("--rates", default="10000,20000",
                        help="logs: lines per second per pane (default 10000,20000)")
    parser.add_argument("--log-seconds", type=float, default=10)
    parser.add_argument("--version-runs", type=int, default=10)
    parser.add_argument("--scale-repeat", type=int, default=3,
                        help="scale: podtui -A runs (each: a timed run and a run with keys)")
    parser.add_argument("--k9s-runs", type=int, default=1,
                        help="scale: k9s -A runs (each up to --k9s-limit seconds)")
    parser.add_argument("--k9s-limit", type=float, default=150)
    parser.add_argument("--keep-namespaces", action="store_true",
                        help="keep bench-* namespaces for the next run (they take a while)")
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results/...)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHES + OPTIONAL)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    args.sizes = _ints(args.sizes)
    args.rates = _ints(args.rates)
    args.k9s_churn_rates = _ints(args.k9s_churn_rates)
    return args


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f}"
    if unit in ("lines/s",):
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def table(rows: list[Row]) -> str:
    header = ("bench", "metric", "podtui", "beside", "ratio", "unit", "goal", "met", "load",
              "note")
    lines = [header]
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "NO")
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
        beside = "-" if row.reference is None else f"{_fmt(row.reference, row.unit)} ({row.peer})"
        lines.append((row.bench, row.metric, _fmt(row.podtui, row.unit), beside, ratio,
                      row.unit, row.goal, met, row.load, row.note))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    out = []
    for index, line in enumerate(lines):
        cells = [str(cell).ljust(width) for cell, width in zip(line, widths, strict=False)]
        out.append(" | ".join([*cells, str(line[-1])]).rstrip())
        if index == 0:
            out.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 4)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not KUBECONFIG.is_file():
        print(f"bench: the sandbox is not running ({KUBECONFIG} missing): make sandbox-up",
              file=sys.stderr)
        return 1
    kube = Kube()
    kube.wait_ready()
    rows: list[Row] = []
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "args": {
        k: v for k, v in vars(args).items() if k != "out"}, "load_start": load()}
    results["machine"] = machine()
    namespaces: set[str] = set()
    try:
        if "version" in args.only:
            kube.wait_ready()
            from version import bench_version

            got, raw = bench_version(args.version_runs)
            rows += got
            results["version"] = raw
        if {"startup", "memory", "k9s", "quiet"} & set(args.only):
            from populate import ensure_pods

            wanted = set(args.sizes) if {"startup", "k9s"} & set(args.only) else set()
            wanted |= {args.memory_size} if "memory" in args.only else set()
            wanted |= {QUIET_SIZES[-1]} if "quiet" in args.only else set()
            for size in sorted(wanted):
                namespaces.add(ensure_pods(kube, size))
        if "startup" in args.only:
            kube.wait_ready()
            from startup import bench_startup

            got, raw = bench_startup(args.sizes, args.repeat)
            rows += got
            results["startup"] = raw
        if "memory" in args.only:
            kube.wait_ready()
            from startup import bench_memory

            got, raw = bench_memory(args.memory_size)
            rows += got
            results["memory"] = raw
        if "k9s" in args.only:
            kube.wait_ready()
            from beside_k9s import bench_beside_k9s

            got, raw = bench_beside_k9s(args.sizes, args.k9s_repeat)
            rows += got
            results["beside_k9s"] = raw
        if "watch" in args.only:
            kube.wait_ready()
            from watch_latency import NAMESPACE, bench_watch

            namespaces.add(NAMESPACE)
            got, raw = bench_watch(args.churn_rate, args.churn_seconds)
            rows += got
            results["watch"] = raw
        if "watch-k9s" in args.only:
            from watch_beside_k9s import bench_watch_beside_k9s

            results["watch_beside_k9s"] = {}
            for rate in args.k9s_churn_rates:
                kube.wait_ready()
                got, raw = bench_watch_beside_k9s(rate, args.churn_seconds)
                rows += got
                results["watch_beside_k9s"][str(rate)] = raw
        if "logs" in args.only:
            kube.wait_ready()
            from log_throughput import NAMESPACE as LOG_NAMESPACE
            from log_throughput import bench_logs

            namespaces.add(LOG_NAMESPACE)
            got, raw = bench_logs(args.rates, args.log_seconds)
            rows += got
            results["logs"] = raw
        if "quiet" in args.only:
            from quiet import bench_idle_list, bench_idle_logs

            results["quiet"] = {}
            for size in QUIET_SIZES:
                kube.wait_ready()
                namespace = "default" if size is None else f"bench-{size}"
                got, raw = bench_idle_list(namespace, size, window=args.quiet_seconds)
                rows += got
                results["quiet"][namespace] = raw
            kube.wait_ready()
            got, raw = bench_idle_logs(window=args.quiet_seconds)
            rows += got
            results["quiet"]["logs"] = raw
        if "scale" in args.only:
            kube.wait_ready()
            from scale import bench_scale, scale_namespaces

            namespaces.update(scale_namespaces())
            got, raw = bench_scale(args.scale_repeat, args.k9s_runs, args.k9s_limit)
            rows += got
            results["scale"] = raw
    finally:
        if not args.keep_namespaces:
            for namespace in sorted(namespaces):
                log(f"deleting namespace {namespace}")
                kube.delete_namespace(namespace)
        results["rows"] = [asdict(row) | {"ratio": row.ratio} for row in rows]
        results["load_end"] = load()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = args.out or RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.write_text(json.dumps(results, indent=2, default=str))
        m = results["machine"]
        print(f"\npodtui benchmarks, {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM; "
              f"load (1/5/15 min) per row; versions {m['versions']}\n")
        print(table(rows))
        print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
