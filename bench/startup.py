"""1. Startup: process start to a populated pod list, beside `kubectl get pods -o json`.
3. Memory: VmRSS of the real process with the whole list shown, beside kubectl's peak RSS.
"""

from __future__ import annotations

from common import Kube, Row, kubectl, load, log, median, time_command
from realproc import run_podtui

STARTUP_GOAL = 1.5  # x kubectl
MEMORY_GOAL_MB = 250


def _one_run(namespace: str, size: int) -> dict:
    for attempt in range(3):
        Kube().wait_ready()
        run = run_podtui(namespace)
        if run.returncode == 0 and "loaded" in run.marks:
            break
        log(f"podtui run failed (exit {run.returncode}, marks {sorted(run.marks)}); "
            f"{'retrying' if attempt < 2 else 'giving up'}")
    first_paint = run.since_start(run.screen.first_time(b"pod-00000"))
    whole_paint = run.since_start(run.screen.first_time(f"{size} pods".encode()))
    first_mark = run.marks.get("first_rows")
    mounted = run.marks.get("mounted")
    loaded_mark = run.marks.get("loaded")
    return {
        "returncode": run.returncode,
        "first_row_painted_s": first_paint,
        "whole_list_painted_s": whole_paint,
        "first_rows_mark_s": run.since_start(first_mark[0]) if first_mark else None,
        "rows_at_first_mark": first_mark[1] if first_mark else None,
        "loaded_mark_s": run.since_start(loaded_mark[0]) if loaded_mark else None,
        "rows_at_loaded": loaded_mark[1] if loaded_mark else None,
        "mounted_mark_s": run.since_start(mounted[0]) if mounted else None,
        "rows_at_mount": mounted[1] if mounted else None,
        "exit_s": run.since_start(run.exited),
        "cpu_s": run.cpu_s,
    }


def bench_startup(sizes: list[int], repeat: int) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    raw: dict = {}
    for size in sizes:
        namespace = f"bench-{size}"
        runs, refs = [], []
        before = load()
        for attempt in range(repeat):
            log(f"startup {namespace}: podtui run {attempt + 1}/{repeat}")
            runs.append(_one_run(namespace, size))
            wall, code, _rss = time_command(kubectl("get", "pods", "-o", "json", "-n", namespace))
            refs.append(wall if code == 0 else None)
            log(f"  podtui first row {runs[-1]['first_row_painted_s']}, whole list "
                f"{runs[-1]['whole_list_painted_s']}, CPU {runs[-1]['cpu_s']}; kubectl {wall:.3f}")
        after = load()
        loaded = median(r["whole_list_painted_s"] or r["loaded_mark_s"] for r in runs
                        if r["loaded_mark_s"] is not None)
        first = median(r["first_row_painted_s"] or r["first_rows_mark_s"] for r in runs
                       if r["first_rows_mark_s"] is not None)
        reference = median(r for r in refs if r is not None)
        early = [r for r in runs if r["rows_at_first_mark"] is not None]
        # The list is paged so that rows show before it is all decoded. A run whose whole
        # list was decoded before the screen existed (the list request starts before
        # Textual is imported) had nothing to wait for.
        first_before_all = bool(early) and all(
            r["rows_at_first_mark"] < size or r["rows_at_mount"] == size or size <= 500
            for r in early)
        ratio = (loaded / reference) if loaded and reference else None
        rows.append(Row(
            "startup", f"{size} pods: start -> first row", first, reference, "s",
            load=before, note=f"rows at first paint: "
            f"{'/'.join(str(r['rows_at_first_mark']) for r in early)}; decoded before the "
            f"screen was up: {'/'.join(str(r['rows_at_mount']) for r in early)}",
        ))
        rows.append(Row(
            "startup", f"{size} pods: start -> whole list", loaded, reference, "s",
            goal=f"<= {STARTUP_GOAL}x kubectl",
            met=ratio is not None and ratio <= STARTUP_GOAL and first_before_all,
            load=after,
            note="first rows before the whole list" if first_before_all and size > 500
            else "",
        ))
        raw[namespace] = {"podtui": runs, "kubectl_get_json_s": refs,
                          "load_before": before, "load_after": after}
    return rows, raw


def bench_memory(size: int, settle: float = 2.0) -> tuple[list[Row], dict]:
    namespace = f"bench-{size}"
    before = load()
    log(f"memory {namespace}: podtui, whole list shown, +{settle:g}s")
    run = run_podtui(namespace, exit_when_loaded=False, memory_settle=settle)
    _wall, code, kubectl_rss = time_command(kubectl("get", "pods", "-o", "json", "-n", namespace))
    rss_mb = run.rss_kb / 1024 if run.rss_kb else None
    reference = kubectl_rss / 1024 if code == 0 else None
    rows = [
        Row("memory", f"{size} pods: VmRSS (list shown)", rss_mb, reference, "MB",
            goal=f"< {MEMORY_GOAL_MB} MB", met=rss_mb is not None and rss_mb < MEMORY_GOAL_MB,
            load=before, note="ref: kubectl get -o json peak RSS"),
        Row("memory", f"{size} pods: VmHWM (peak)", run.hwm_kb / 1024 if run.hwm_kb else None,
            reference, "MB", load=before),
    ]
    raw = {"namespace": namespace, "rss_kb": run.rss_kb, "hwm_kb": run.hwm_kb,
           "rows_loaded": (run.marks.get("loaded") or (0, None))[1],
           "kubectl_peak_rss_kb": kubectl_rss, "returncode": run.returncode, "load": before}
    return rows, raw
