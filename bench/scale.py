"""Scale: 50,000 pods across 10 namespaces, `podtui -A` beside `k9s -A` and `kubectl -A`.

    make bench-scale     # bench/run.py --only scale --keep-namespaces

Kept out of the default `make bench`: creating the pods takes long (on 2 shared cores at load
11-16, POSTs 24-94 pods/s and KWOK ~30 pods/s: ~35-40 minutes; see bench/RESULTS.md). They
go to a KWOK node of their own whose usage metrics-server does not scrape (populate.py:
KWOK's usage of 50,000 pods would take a core). The namespaces are kept and reused.
Best run on a private sandbox (PODTUI_SANDBOX_DIR and its ports, see the Makefile), so that
50,000 pods do not slow everyone else's tests on the shared one.

Per podtui run (real process, pty 120x40): first row and whole list (the app's marks and
the status bar's "N pods" reaching the terminal), CPU; a second run presses "/" every
0.5 s from the first rows until 3 s after the whole list and times each press to the
filter prompt reaching the terminal (key -> repaint, while loading and while live), then
reads VmRSS 2 s after the whole list. k9s (`--splashless`) runs in the same pty size with
a time limit. The floor (bench/floor.py: only the pages, raw, through podtui's transport)
runs in each round too, and a podtui run on bench-10 gives the RSS baseline that the list's
bytes as the server sent them are set beside.
"""

from __future__ import annotations

import os
import time

from beside_k9s import FLOOR_GOAL, GROWTH_GOAL, floor_ratio
from common import Kube, Row, kubectl, load, log, median, percentile, time_command
from floor import measure as floor_run
from populate import SCALE_NODE, ensure_pods, ensure_scale_node
from realproc import Interaction, run_podtui

NAMESPACES = 10
PER_NAMESPACE = 5000
WHOLE_LIST_GOAL_S = 5.0  # issue 26 (issue 17 asked for 6 s)
RSS_GOAL_MB = 400
#: What "/" opens: the filter prompt's placeholder (its first cell carries the cursor).
PROMPT = b"ilter: name, status, phase or label=value"
KEY_EVERY = 0.5
KEYS_AFTER_LOADED = 3.0
K9S_LIMIT = 150.0


def scale_namespaces(count: int = NAMESPACES) -> list[str]:
    return [f"scale-{index:02d}" for index in range(count)]


def ensure_scale_pods(kube: Kube, count: int = NAMESPACES,
                      per_namespace: int = PER_NAMESPACE) -> list[str]:
    """scale-00 .. scale-NN, each with `per_namespace` Running pods (reused when there)."""
    names = scale_namespaces(count)
    ensure_scale_node(kube)
    # All created first: KWOK marks the first namespaces Running while the others are POSTed.
    for name in names:
        ensure_pods(kube, per_namespace, namespace=name, node_type=SCALE_NODE, wait=False)
    for name in names:
        ensure_pods(kube, per_namespace, namespace=name, node_type=SCALE_NODE, timeout=3600)
        log(f"{name}: {per_namespace} pods Running")
    return names


def count_all_pods(kube: Kube) -> int:
    """Pods in every namespace, without listing them: a page of one says how many remain."""
    data = kube.get("/api/v1/pods?limit=1")
    meta = data.get("metadata") or {}
    return len(data.get("items") or []) + int(meta.get("remainingItemCount") or 0)


def press_keys(samples: list[dict]):
    """An `interact` for run_podtui: "/" (open the filter prompt), time it to the prompt on
    the terminal, escape, again every KEY_EVERY s until KEYS_AFTER_LOADED s after loaded."""

    def interact(run: Interaction) -> None:
        deadline = time.monotonic() + 120
        while "first_rows" not in run.marks():
            if run.ended() or time.monotonic() > deadline:
                return
            time.sleep(0.02)
        while not run.ended() and time.monotonic() < deadline:
            loaded = run.marks().get("loaded")
            if loaded and time.time() > loaded[0] + KEYS_AFTER_LOADED:
                return
            offset = run.screen.size()
            pressed = time.time()
            os.write(run.master, b"/")
            shown = None
            while shown is None and time.time() < pressed + 5:
                time.sleep(0.002)
                shown = run.screen.first_time(PROMPT, offset)
            loaded = run.marks().get("loaded")
            samples.append({"pressed": pressed - run.started,
                            "latency_ms": None if shown is None else 1000 * (shown - pressed),
                            "while": "live" if loaded and loaded[0] <= pressed else "loading"})
            os.write(run.master, b"\x1b")
            time.sleep(KEY_EVERY)

    return interact


def _podtui(total: int) -> dict:
    run = run_podtui(None, timeout=240)
    first = run.marks.get("first_rows")
    loaded = run.marks.get("loaded")
    painted = run.screen.first_time(f"{total} pods".encode())
    samples: list[dict] = []
    keyed = run_podtui(None, exit_when_loaded=False, memory_settle=2.0, timeout=240,
                       interact=press_keys(samples))
    return {
        "returncode": run.returncode,
        "first_rows_s": run.since_start(first[0]) if first else None,
        "rows_at_first": first[1] if first else None,
        "loaded_mark_s": run.since_start(loaded[0]) if loaded else None,
        "rows_at_loaded": loaded[1] if loaded else None,
        "whole_list_painted_s": run.since_start(painted),
        "cpu_s": run.cpu_s,
        "keys": samples,
        "keyed_run_loaded_s": keyed.since_start((keyed.marks.get("loaded") or (None,))[0]),
        "rss_mb": keyed.rss_kb / 1024 if keyed.rss_kb else None,
        "hwm_mb": keyed.hwm_kb / 1024 if keyed.hwm_kb else None,
    }


# --- k9s: the same pty size and terminal emulator as bench/beside_k9s.py -----------------


def _k9s(total: int, limit: float) -> dict:
    """k9s -A on pods: first row (a pod's name on screen) and whole list (its title says
    pods(all)[TOTAL]), or nothing within `limit` seconds."""
    import peers
    from beside_k9s import FIRST_ROW
    from quiet import k9s_listed
    from terminal import Terminal

    home = peers.K9sHome()
    try:
        term = Terminal(peers.k9s_argv(None), home.env,
                        watch={"first": FIRST_ROW, "whole": k9s_listed(None, total)})
        whole = term.wait("whole", limit)
        first = term.wait("first", 0.1)
        rss = None
        if whole is not None:
            time.sleep(2.0)
            rss = term.rss_kb()[0]
        term.close(b"\x03")
    finally:
        home.cleanup()
    return {"first_row_s": first and first - term.started,
            "whole_list_s": whole and whole - term.started,
            "rss_mb": rss and rss / 1024, "limit_s": limit, "drew_nothing": first is None}


def bench_scale(repeat: int = 3, k9s_runs: int = 1,
                k9s_limit: float = K9S_LIMIT) -> tuple[list, dict]:
    kube = Kube()
    ensure_scale_pods(kube)
    base_namespace = ensure_pods(kube, 10)
    total = count_all_pods(kube)
    runs, refs, peers, floors, bases = [], [], [], [], []
    before = load()
    for attempt in range(repeat):
        kube.wait_ready()
        log(f"scale: podtui -A run {attempt + 1}/{repeat} ({total} pods), load {load()}")
        runs.append(_podtui(total) | {"load": load()})
        log(f"  {({k: v for k, v in runs[-1].items() if k != 'keys'})}")
        floors.append(floor_run(None) | {"load": load()})
        log(f"  floor: {floors[-1]}")
        base = run_podtui(base_namespace, exit_when_loaded=False, memory_settle=2.0)
        bases.append(base.rss_kb / 1024 if base.rss_kb else None)
        wall, code, rss = time_command(kubectl("get", "pods", "-A"))
        refs.append({"wall_s": wall if code == 0 else None, "peak_rss_mb": rss / 1024,
                     "load": load()})
        log(f"  kubectl get pods -A: {refs[-1]}")
        if attempt < k9s_runs:
            peers.append(_k9s(total, k9s_limit) | {"load": load()})
            log(f"  k9s -A: {peers[-1]}")
    after = load()
    keys = [k for r in runs for k in r["keys"]]
    rows = _rows(runs, refs, peers, keys, before, after, total)
    rows += _floor_rows(runs, refs, peers, floors, bases, after, total)
    raw = {"total_pods": total, "podtui": runs, "kubectl_get_pods_A": refs, "k9s": peers,
           "floor": floors, "rss_10_pods_mb": bases, "load_before": before,
           "load_after": after}
    return rows, raw


def _rows(runs, refs, peers, keys, before, after, total) -> list[Row]:
    whole = median(r["whole_list_painted_s"] or r["loaded_mark_s"] for r in runs
                   if r["loaded_mark_s"] is not None)
    first = median(r["first_rows_s"] for r in runs if r["first_rows_s"] is not None)
    rss = median(r["rss_mb"] for r in runs if r["rss_mb"] is not None)
    kubectl_wall = median(r["wall_s"] for r in refs if r["wall_s"] is not None)
    kubectl_rss = median(r["peak_rss_mb"] for r in refs)
    k9s_note = "k9s: not built" if not peers else "; ".join(
        f"k9s drew nothing in {p['limit_s']:.0f} s" if p["drew_nothing"] else
        f"k9s first row {p['first_row_s']:.1f} s, whole list "
        + (f"{p['whole_list_s']:.1f} s, RSS {p['rss_mb']:.0f} MB" if p["whole_list_s"]
           else f"not in {p['limit_s']:.0f} s") for p in peers)
    rows = [
        Row("scale", f"{total} pods -A: start -> first row", first, kubectl_wall, "s",
            load=before, note="ref: kubectl get pods -A; " + k9s_note),
        Row("scale", f"{total} pods -A: start -> whole list", whole, kubectl_wall, "s",
            goal=f"< {WHOLE_LIST_GOAL_S:g} s", met=whole is not None and whole < WHOLE_LIST_GOAL_S,
            load=after),
        Row("scale", f"{total} pods -A: VmRSS (list shown, 2 s)", rss, kubectl_rss, "MB",
            goal=f"< {RSS_GOAL_MB} MB", met=rss is not None and rss < RSS_GOAL_MB, load=after,
            note="ref: kubectl get pods -A peak RSS"),
    ]
    for phase in ("loading", "live"):
        got = [k["latency_ms"] for k in keys if k["while"] == phase]
        done = [v for v in got if v is not None]
        rows.append(Row(
            "scale", f"key -> repaint while {phase}: median / p99 (n={len(got)})",
            median(done), None, "ms", load=after,
            note=f"p99 {percentile(done, 99) or 0:.0f} ms, max {max(done, default=0):.0f} ms, "
                 f"{len(got) - len(done)} unanswered in 5 s"))
    return rows


def _floor_rows(runs, refs, peers, floors, bases, after, total) -> list[Row]:
    whole = median(r["whole_list_painted_s"] or r["loaded_mark_s"] for r in runs
                   if r["loaded_mark_s"] is not None)
    floor = median(f["whole_list_s"] for f in floors)
    sent = median(f["bytes"] for f in floors) / 2**20
    kubectl_wall = median(r["wall_s"] for r in refs if r["wall_s"] is not None)
    k9s_whole = median(p["whole_list_s"] for p in peers if p["whole_list_s"])

    rows = [Row("scale", f"{total} pods -A: whole list / raw fetch floor", whole, floor, "s",
                goal=f"<= {FLOOR_GOAL:g}x floor",
                met=bool(whole and floor and whole <= FLOOR_GOAL * floor), load=after,
                peer="floor",
                note=f"kubectl get pods -A {floor_ratio(kubectl_wall, floor)}, k9s "
                     f"{floor_ratio(k9s_whole, floor)}; "
                     f"floor: {floors[0]['pages']} pages, {sent:.0f} MiB, fetch alone "
                     f"{median(f['fetch_s'] for f in floors):.2f} s, CPU "
                     f"{median(f['cpu_s'] for f in floors):.2f} s")]
    rss = median(r["rss_mb"] for r in runs if r["rss_mb"] is not None)
    base = median(b for b in bases if b is not None)
    if rss and base:
        growth = rss - base
        rows.append(Row("scale", f"{total} pods -A: RSS growth over 10 pods / bytes sent",
                        growth, sent, "MB", goal=f"<= {GROWTH_GOAL:g}x",
                        met=growth <= GROWTH_GOAL * sent, load=after, peer="list bytes",
                        note=f"10-pod RSS {base:.1f} MB"))
    return rows
