"""Quiet over SSH: the bytes an idle screen writes per second, podtui beside k9s.

Over SSH every byte a TUI writes crosses the link. Each program runs in a pty of the same
size on the same namespace; once its list is on the screen and has settled, the bytes it
writes during WINDOW seconds are counted. Runs alternate, medians are kept.

Screens: the pod list with nothing changing but time and metrics (a few pods; thousands
of pods, a screenful shown; both programs run at once, so the same ages tick and the same
metrics change in the window), and the logs of the seed pod (its containers log a few
lines a second), where bytes per log line shown is the figure.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from datetime import datetime

import peers
from common import KUBECONFIG, PODTUI, Kube, Row, compile_bytecode, kubectl, load, log, median
from terminal import Lines, Terminal, any_line

QUIET_GOAL = 2.0  # x k9s, idle pod list
SEED_POD = "seed-sidecar-logs"  # the sandbox's seed pod (sandbox/render_config.py seed)


def podtui_argv(namespace: str | None) -> list[str]:
    scope = ["--all-namespaces"] if namespace is None else ["--namespace", namespace]
    compile_bytecode()
    return [str(PODTUI), "--kubeconfig", str(KUBECONFIG), *scope]


def podtui_listed(count: int | None = None) -> Callable[[Lines], bool]:
    """podtui's status bar says how many pods it lists once the list is in."""
    number = r"[\d,]+" if count is None else f"{count:,}".replace(",", ",?")
    return any_line(rf"\b{number} pods?\b")


def k9s_listed(namespace: str | None, count: int | None = None) -> Callable[[Lines], bool]:
    """k9s's title: pods(NAMESPACE)[COUNT]."""
    scope = re.escape(namespace or "all")
    number = r"[\d,]+" if count is None else f"{count:,}".replace(",", ",?")
    return any_line(rf"(?i)pods\({scope}\)\[{number}\]")


def _idle_side_by_side(namespace: str, pods: int | None, settle: float,
                       window: float) -> dict[str, dict]:
    """podtui and k9s on the same namespace at the same time, so that the same ages tick
    and the same metrics change in the window counted."""
    home = peers.K9sHome()
    terms = {"podtui": Terminal(podtui_argv(namespace), {}),
             "k9s": Terminal(peers.k9s_argv(namespace), home.env)}
    listed = {"podtui": podtui_listed(pods), "k9s": k9s_listed(namespace, pods)}
    try:
        for name, term in terms.items():
            if term.wait_for(listed[name], 180) is None:
                tail = " / ".join(line.strip() for line in term.lines() if line.strip())
                raise RuntimeError(f"{name}: the list never showed; screen: {tail[-300:]}")
        time.sleep(settle)
        start = time.time()
        time.sleep(window)
        end = time.time()
        return {name: {"bytes": (got := term.bytes_written(start, end)), "seconds": window,
                       "bytes_per_s": got / window} for name, term in terms.items()}
    finally:
        terms["podtui"].close(b"q")
        terms["k9s"].close(b"\x03")
        home.cleanup()


def bench_idle_list(namespace: str, pods: int | None = None, runs: int = 3, settle: float = 5.0,
                    window: float = 30.0) -> tuple[list[Row], dict]:
    """Idle pod list of `namespace` (holding `pods` pods, when known), podtui beside k9s."""
    raw: dict = {"namespace": namespace, "pods": pods, "podtui": [], "k9s": []}
    before = load()
    for attempt in range(runs):
        log(f"quiet {namespace}: run {attempt + 1}/{runs}, {window:g}s, side by side")
        for name, got in _idle_side_by_side(namespace, pods, settle, window).items():
            raw[name].append(got)
    ours = median(r["bytes_per_s"] for r in raw["podtui"])
    theirs = median(r["bytes_per_s"] for r in raw["k9s"])
    met = ours is not None and theirs is not None and ours <= QUIET_GOAL * max(theirs, 1.0)
    count = _pod_count(namespace) if pods is None else pods
    row = Row("quiet", f"idle pod list, {namespace}, {count:,} pods: bytes written/s", ours,
              theirs, "B/s",
              goal=f"<= {QUIET_GOAL:g}x k9s", met=met, load=before,
              note=f"median of {runs}, {window:g}s each, both at once, 120x40", peer="k9s")
    return [row], raw


def _pod_count(namespace: str) -> int:
    return Kube().count_pods(namespace)


def _log_lines(since: float, until: float) -> int:
    """Log lines the seed pod's containers wrote in [since, until) (the API server's own
    count, from the lines' timestamps)."""
    out = subprocess.run(kubectl("logs", SEED_POD, "-n", "default", "--all-containers",
                                 "--timestamps", "--since", "5m"),
                         capture_output=True, text=True, check=True).stdout
    count = 0
    for line in out.splitlines():
        stamp = line.split(" ", 1)[0]
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        count += since <= when < until
    return count


#: Keys that open the seed pod's logs from the pod list (filter to it, then logs).
#: One write per key group, as a user types (a pasted "/name" reaches podtui's list before
#: its prompt has the focus: noted in bench/RESULTS.md).
OPEN_LOGS = {"podtui": ["/", SEED_POD, "\r", "l"], "k9s": ["/", SEED_POD, "\r", "l"]}


def _idle_logs(program: str, settle: float, window: float) -> dict:
    home = None
    if program == "podtui":
        argv, env, listed, quit_keys = podtui_argv("default"), {}, podtui_listed(), b"q"
    else:
        home = peers.K9sHome()
        argv, env, listed, quit_keys = (peers.k9s_argv("default"), home.env,
                                        k9s_listed("default"), b"\x03")
    try:
        with Terminal(argv, env) as term:
            if term.wait_for(listed, 60) is None:
                raise RuntimeError(f"{program}: no pod list")
            for keys in OPEN_LOGS[program]:
                time.sleep(0.7)
                term.send(keys)
            time.sleep(settle)
            start = time.time()
            time.sleep(window)
            end = time.time()
            written = term.bytes_written(start, end)
            screen = term.lines()
            term.close(b"\x1b" + quit_keys)
    finally:
        if home:
            home.cleanup()
    lines = _log_lines(start, end)
    return {"bytes": written, "seconds": window, "bytes_per_s": written / window,
            "log_lines": lines, "bytes_per_line": written / lines if lines else None,
            "screen": screen}


def bench_idle_logs(runs: int = 3, settle: float = 5.0, window: float = 30.0
                    ) -> tuple[list[Row], dict]:
    """The seed pod's logs: podtui's logs screen beside k9s's, bytes per log line."""
    raw: dict = {"pod": SEED_POD, "podtui": [], "k9s": []}
    before = load()
    for attempt in range(runs):
        log(f"quiet logs of {SEED_POD}: run {attempt + 1}/{runs}, {window:g}s each")
        for program in ("podtui", "k9s"):
            raw[program].append(_idle_logs(program, settle, window))
    ours = median(r["bytes_per_line"] for r in raw["podtui"] if r["bytes_per_line"])
    theirs = median(r["bytes_per_line"] for r in raw["k9s"] if r["bytes_per_line"])
    rate = median(r["log_lines"] / r["seconds"] for r in raw["podtui"])
    row = Row("quiet", f"logs of the seed pod ({rate or 0:.1f} lines/s): bytes per line",
              ours, theirs, "B", goal="<= k9s", met=bool(ours and theirs and ours <= theirs),
              load=before, peer="k9s",
              note=f"bytes/s podtui {median(r['bytes_per_s'] for r in raw['podtui']):.0f}, "
                   f"k9s {median(r['bytes_per_s'] for r in raw['k9s']):.0f}; median of {runs}")
    return [row], raw
