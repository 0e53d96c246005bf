"""Startup and memory beside k9s: process start to the first row and to the whole list on
the terminal, and VmRSS once the whole list is shown, at 10, 1,000 and 10,000 pods.

Both programs run in a pseudo-terminal of the same size (120x40) on the same namespace,
read by the same terminal emulator; k9s twice, `--splashless` (its fastest start, the one
the goals compare with) and its default (splash screen first):
- first row: a pod's name (pod-NNNNN) is on the screen;
- whole list: podtui's status bar says "N pods"; k9s's title says pods(NS)[N];
- memory: VmRSS (and the peak, VmHWM) `settle` seconds after the whole list is shown.

In the same rotation, the floor (bench/floor.py: a process that only fetches the list's
pages as raw bytes, through podtui's client transport and page sizes) and `kubectl get
pods -o json`: the whole-list times are also given as a ratio to the floor. For memory,
podtui's RSS growth over its 10-pod run beside the bytes of the list as the server sent
them. The order of the programs rotates from run to run, so none always goes first.
"""

from __future__ import annotations

import time

import peers
from common import Row, kubectl, load, log, median, time_command
from floor import measure as floor_run
from quiet import k9s_listed, podtui_argv, podtui_listed
from terminal import Terminal, any_line

#: Goals (issue 17): start -> whole list, x k9s; RSS at most a third of k9s's.
STARTUP_GOAL = {10: 0.6, 1000: 0.15, 10000: 0.15}
RSS_GOAL = 0.33
#: Issue 26: the whole list within 1.5x the raw fetch floor from 10,000 pods on; RSS growth
#: per pod at most twice the bytes the server sent for it.
FLOOR_GOAL = 1.5
FLOOR_GOAL_FROM = 10000
GROWTH_GOAL = 2.0
PROGRAMS = ("podtui", "k9s", "k9s-splash", "floor", "kubectl")
FIRST_ROW = any_line(r"\bpod-\d{5}\b")


def _run(program: str, namespace: str, size: int, settle: float, timeout: float) -> dict:
    if program == "floor":
        return floor_run(namespace)
    if program == "kubectl":
        wall, code, rss = time_command(kubectl("get", "pods", "-o", "json", "-n", namespace))
        return {"whole_list_s": wall if code == 0 else None, "peak_rss_mb": rss / 1024}
    if program == "podtui":
        argv, env, listed, quit_keys, home = (podtui_argv(namespace), {}, podtui_listed(size),
                                              b"q", None)
    else:
        home = peers.K9sHome()
        argv, env, listed, quit_keys = (peers.k9s_argv(namespace, splash=program == "k9s-splash"),
                                        home.env, k9s_listed(namespace, size), b"\x03")
    try:
        # Whole list: the count is up and rows are drawn (k9s draws its title first).
        term = Terminal(argv, env, watch={
            "first": FIRST_ROW, "whole": lambda lines: listed(lines) and FIRST_ROW(lines)})
        whole = term.wait("whole", timeout)
        first = term.wait("first", 0.1)
        rss = hwm = None
        if whole is not None:
            time.sleep(settle)
            rss, hwm = term.rss_kb()
        else:
            log(f"  {program}: no whole list in {timeout:g}s")
        term.close(quit_keys)
    finally:
        if home:
            home.cleanup()
    return {"first_row_s": first and first - term.started,
            "whole_list_s": whole and whole - term.started,
            "rss_mb": rss and rss / 1024, "hwm_mb": hwm and hwm / 1024,
            "cpu_s": term.cpu_s, "returncode": term.process.returncode}


def bench_beside_k9s(sizes: list[int], repeat: int, settle: float = 2.0,
                     timeout: float = 150.0) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    raw: dict = {"k9s": peers.version("k9s")}
    podtui_rss: dict[int, float | None] = {}
    for size in sizes:
        namespace = f"bench-{size}"
        runs: dict[str, list[dict]] = {program: [] for program in PROGRAMS}
        before = load()
        for attempt in range(repeat):
            # Rotate who goes first, so none always meets a warmer API server.
            shift = attempt % len(PROGRAMS)
            for program in PROGRAMS[shift:] + PROGRAMS[:shift]:
                runs[program].append(_run(program, namespace, size, settle, timeout)
                                     | {"load": load()})
                got = runs[program][-1]
                log(f"beside k9s {namespace} {attempt + 1}/{repeat} {program}: first row "
                    f"{got.get('first_row_s')}, whole list {got['whole_list_s']}, "
                    f"RSS {got.get('rss_mb')} MB, CPU {got.get('cpu_s')}, load {got['load']}")
        after = load()

        def med(program: str, key: str, runs: dict = runs) -> float | None:
            return median(r[key] for r in runs[program] if r.get(key) is not None)

        def reached(program: str, runs: dict = runs) -> float | None:
            """The median whole list, or None when most runs never got there."""
            missing = sum(r["whole_list_s"] is None for r in runs[program])
            return None if missing > repeat // 2 else med(program, "whole_list_s")

        missing = sum(r["whole_list_s"] is None for r in runs["k9s"])
        k9s_note = f"k9s showed no whole list in {timeout:g}s in {missing}/{repeat}" \
            if missing else ""
        first, k9s_first = med("podtui", "first_row_s"), med("k9s", "first_row_s")
        whole, k9s_whole = med("podtui", "whole_list_s"), reached("k9s")
        splash_whole = reached("k9s-splash")
        rss, k9s_rss = med("podtui", "rss_mb"), med("k9s", "rss_mb")
        podtui_rss[size] = rss
        goal = STARTUP_GOAL.get(size)
        rows.append(Row("beside k9s", f"{size:,} pods: start -> first row", first, k9s_first,
                        "s", load=before, peer="k9s"))
        rows.append(Row(
            "beside k9s", f"{size:,} pods: start -> whole list", whole, k9s_whole, "s",
            goal=f"<= {goal:g}x k9s" if goal else "",
            met=None if not goal else bool(whole and k9s_whole and whole <= goal * k9s_whole)
            or bool(whole and missing > repeat // 2),
            load=after, peer="k9s --splashless",
            note=f"podtui CPU {med('podtui', 'cpu_s') or 0:.2f} s; {k9s_note}".rstrip("; ")))
        rows.append(Row(
            "beside k9s", f"{size:,} pods: start -> whole list, k9s default (splash)", whole,
            splash_whole, "s", load=after, peer="k9s"))
        rows.append(Row(
            "beside k9s", f"{size:,} pods: VmRSS, whole list shown", rss, k9s_rss, "MB",
            goal=f"<= {RSS_GOAL:g}x k9s",
            met=bool(rss and k9s_rss and rss <= RSS_GOAL * k9s_rss), load=after, peer="k9s",
            note=f"peak podtui {med('podtui', 'hwm_mb') or 0:.0f} MB, "
                 f"k9s {med('k9s', 'hwm_mb') or 0:.0f} MB; {settle:g}s after the list"))
        rows += _floor_rows(size, runs, whole, k9s_whole, splash_whole, podtui_rss, after)
        raw[namespace] = {"runs": runs, "load_before": before, "load_after": after}
    return rows, raw


def floor_ratio(value: float | None, floor: float | None) -> str:
    """A time as a multiple of the floor's, for a note ("-" when either is missing)."""
    return f"{value / floor:.2f}x" if value and floor else "-"


def _floor_rows(size: int, runs: dict, whole: float | None, k9s_whole: float | None,
                splash_whole: float | None, podtui_rss: dict[int, float | None],
                load_now: str) -> list[Row]:
    """The whole list as a ratio to the raw fetch floor (podtui's, k9s's, kubectl's), and
    podtui's RSS growth over its 10-pod run beside the bytes the server sent."""
    floor = median(r["whole_list_s"] for r in runs["floor"])
    fetch = median(r["fetch_s"] for r in runs["floor"])
    sent = median(r["bytes"] for r in runs["floor"])
    kubectl_whole = median(r["whole_list_s"] for r in runs["kubectl"]
                           if r["whole_list_s"] is not None)
    goal = size >= FLOOR_GOAL_FROM
    rows = [Row(
        "floor", f"{size:,} pods: start -> whole list / raw fetch floor", whole, floor, "s",
        goal=f"<= {FLOOR_GOAL:g}x floor" if goal else "",
        met=bool(whole and floor and whole <= FLOOR_GOAL * floor) if goal else None,
        load=load_now, peer="floor",
        note=f"k9s --splashless {floor_ratio(k9s_whole, floor)}, k9s default "
             f"{floor_ratio(splash_whole, floor)}, kubectl get -o json "
             f"{floor_ratio(kubectl_whole, floor)}; "
             f"floor: {runs['floor'][0]['pages']} pages, {sent / 2**20:.1f} MiB, fetch alone "
             f"{fetch:.3f} s, CPU {median(r['cpu_s'] for r in runs['floor']):.2f} s")]
    base = podtui_rss.get(10)
    rss = podtui_rss.get(size)
    if size > 10 and base and rss:
        growth = rss - base
        rows.append(Row(  # both in MiB (VmRSS is read in KiB)
            "floor", f"{size:,} pods: RSS growth over 10 pods / bytes the server sent",
            growth, sent / 2**20, "MB", goal=f"<= {GROWTH_GOAL:g}x",
            met=growth <= GROWTH_GOAL * sent / 2**20, load=load_now, peer="list bytes",
            note=f"{growth * 2**20 / size:,.0f} B/pod vs {sent / size:,.0f} B/pod sent"))
    return rows
