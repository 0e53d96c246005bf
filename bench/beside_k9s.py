"""Startup and memory beside k9s: process start to the first row and to the whole list on
the terminal, and VmRSS once the whole list is shown, at 10, 1,000 and 10,000 pods.

Both programs run in a pseudo-terminal of the same size (120x40) on the same namespace,
alternating (podtui, k9s, podtui, ...), read by the same terminal emulator:
- first row: a pod's name (pod-NNNNN) is on the screen;
- whole list: podtui's status bar says "N pods"; k9s's title says pods(NS)[N];
- memory: VmRSS (and the peak, VmHWM) `settle` seconds after the whole list is shown.
"""

from __future__ import annotations

import time

import peers
from common import Row, load, log, median
from quiet import k9s_listed, podtui_argv, podtui_listed
from terminal import Terminal, any_line

#: Goals (issue 17): start -> whole list, x k9s; RSS at most a third of k9s's.
STARTUP_GOAL = {10: 0.6, 1000: 0.15, 10000: 0.15}
RSS_GOAL = 0.33
FIRST_ROW = any_line(r"\bpod-\d{5}\b")


def _run(program: str, namespace: str, size: int, settle: float, timeout: float) -> dict:
    if program == "podtui":
        argv, env, listed, quit_keys, home = (podtui_argv(namespace), {}, podtui_listed(size),
                                              b"q", None)
    else:
        home = peers.K9sHome()
        argv, env, listed, quit_keys = (peers.k9s_argv(namespace), home.env,
                                        k9s_listed(namespace, size), b"\x03")
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
    for size in sizes:
        namespace = f"bench-{size}"
        runs: dict[str, list[dict]] = {"podtui": [], "k9s": []}
        before = load()
        for attempt in range(repeat):
            # Alternate which goes first, so neither always meets a warmer API server.
            order = ("podtui", "k9s") if attempt % 2 == 0 else ("k9s", "podtui")
            for program in order:
                runs[program].append(_run(program, namespace, size, settle, timeout))
                got = runs[program][-1]
                log(f"beside k9s {namespace} {attempt + 1}/{repeat} {program}: first row "
                    f"{got['first_row_s']}, whole list {got['whole_list_s']}, "
                    f"RSS {got['rss_mb']} MB")
        after = load()

        def med(program: str, key: str, runs: dict = runs) -> float | None:
            return median(r[key] for r in runs[program] if r[key] is not None)

        missing = sum(r["whole_list_s"] is None for r in runs["k9s"])
        k9s_note = f"k9s showed no whole list in {timeout:g}s in {missing}/{repeat}" \
            if missing else ""
        first, k9s_first = med("podtui", "first_row_s"), med("k9s", "first_row_s")
        whole, k9s_whole = med("podtui", "whole_list_s"), med("k9s", "whole_list_s")
        if missing > repeat // 2:
            k9s_whole = None  # no median: it did not get there
        rss, k9s_rss = med("podtui", "rss_mb"), med("k9s", "rss_mb")
        goal = STARTUP_GOAL.get(size)
        rows.append(Row("beside k9s", f"{size:,} pods: start -> first row", first, k9s_first,
                        "s", load=before, peer="k9s"))
        rows.append(Row(
            "beside k9s", f"{size:,} pods: start -> whole list", whole, k9s_whole, "s",
            goal=f"<= {goal:g}x k9s" if goal else "",
            met=None if not goal else bool(whole and k9s_whole and whole <= goal * k9s_whole)
            or bool(whole and missing > repeat // 2),
            load=after, peer="k9s", note=k9s_note))
        rows.append(Row(
            "beside k9s", f"{size:,} pods: VmRSS, whole list shown", rss, k9s_rss, "MB",
            goal=f"<= {RSS_GOAL:g}x k9s",
            met=bool(rss and k9s_rss and rss <= RSS_GOAL * k9s_rss), load=after, peer="k9s",
            note=f"peak podtui {med('podtui', 'hwm_mb') or 0:.0f} MB, "
                 f"k9s {med('k9s', 'hwm_mb') or 0:.0f} MB; {settle:g}s after the list"))
        raw[namespace] = {"runs": runs, "load_before": before, "load_after": after}
    return rows, raw
