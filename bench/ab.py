"""Before/after of a change: the real podtui process from two source trees, runs alternating
(A, B, A, B, ...) so that both see the same machine load. Startup to the whole list (the
status bar's "N pods" reaching the terminal), CPU time and VmRSS with the list shown.

    .venv/bin/python bench/ab.py BEFORE_DIR [AFTER_DIR] [--size 10000] [--runs 3]
        [--namespace NS --populate] [--all-namespaces] [--keys]

A directory holds a `podtui` package (e.g. a copy of the tree before a change); AFTER
defaults to this checkout. The namespace bench-SIZE (or NS) must hold SIZE pods
(bench/run.py makes bench-SIZE; --populate fills NS first, e.g. one of your own).
--all-namespaces runs `podtui -A` (bench/scale.py makes its 50,000 pods); the whole list
is then the app's `loaded` mark, SIZE is ignored. --keys presses "/" every 0.5 s during
the memory run, as bench/scale.py does, and reports key -> repaint while the list loads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, Kube, compile_bytecode, load, log, median, percentile  # noqa: E402
from realproc import run_podtui  # noqa: E402
from scale import press_keys  # noqa: E402


def _argv(source: Path) -> list[str]:
    code = (f"import sys; sys.path.insert(0, {str(source)!r}); "
            "from podtui.cli.main import main; sys.exit(main())")
    return [PYTHON, "-c", code]


def _measure(source: Path, namespace: str | None, size: int, memory: bool,
             keys: bool = False) -> dict:
    samples: list[dict] = []
    run = run_podtui(namespace, argv=_argv(source), exit_when_loaded=not memory,
                     memory_settle=2.0 if memory else 0.0, timeout=240,
                     interact=press_keys(samples) if keys and memory else None)
    loaded = run.marks.get("loaded")
    painted = run.screen.first_time(f"{size} pods".encode()) if namespace else None
    first = run.marks.get("first_rows")
    return {"whole_list_s": run.since_start(painted or (loaded[0] if loaded else None)),
            "first_rows_s": run.since_start(first[0] if first else None),
            "cpu_s": run.cpu_s, "rss_mb": run.rss_kb / 1024 if run.rss_kb else None,
            "load": load(), "keys_loading_ms": [k["latency_ms"] for k in samples
                                                if k["while"] == "loading"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path, nargs="?", default=ROOT)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--namespace", help="default: bench-SIZE")
    parser.add_argument("--populate", action="store_true", help="fill the namespace first")
    parser.add_argument("--all-namespaces", "-A", action="store_true", help="podtui -A")
    parser.add_argument("--keys", action="store_true", help="key -> repaint while loading")
    args = parser.parse_args()
    namespace = None if args.all_namespaces else args.namespace or f"bench-{args.size}"
    kube = Kube()
    if args.populate:
        from populate import ensure_pods

        ensure_pods(kube, args.size, namespace=namespace)
    for tree in (args.before, args.after):
        compile_bytecode(tree.resolve())
    results: dict[str, list[dict]] = {"before": [], "after": []}
    for index in range(args.runs):
        for label, source in (("before", args.before), ("after", args.after)):
            kube.wait_ready()
            for memory in (False, True):
                got = _measure(source.resolve(), namespace, args.size, memory, args.keys)
                key = "memory" if memory else "startup"
                results[label].append({"kind": key, **got})
                log(f"run {index + 1} {label} {key}: {got}")
    print(f"\n{'':8} {'whole list s':>13} {'CPU s':>7} {'VmRSS MB':>9}   ({namespace or '-A'}, "
          f"median of {args.runs})")
    for label, runs in results.items():
        startup = [r for r in runs if r["kind"] == "startup"]
        memory = [r for r in runs if r["kind"] == "memory"]
        whole = median(r["whole_list_s"] for r in startup if r["whole_list_s"] is not None)
        cpu = median(r["cpu_s"] for r in startup if r["cpu_s"] is not None)
        rss = median(r["rss_mb"] for r in memory if r["rss_mb"] is not None)
        keys = [k for r in memory for k in r["keys_loading_ms"]]
        answered = [k for k in keys if k is not None]
        said = (f"   keys while loading: median {median(answered):.0f} / p99 "
                f"{percentile(answered, 99):.0f} ms, {len(keys) - len(answered)} of "
                f"{len(keys)} not in 5 s") if answered else ""
        print(f"{label:8} {whole or 0:13.2f} {cpu or 0:7.2f} {rss or 0:9.1f}{said}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
