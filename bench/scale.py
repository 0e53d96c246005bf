"""Scale: 50,000 pods across 10 namespaces, `podtui -A` beside `k9s -A` and `kubectl -A`.

    make bench-scale     # bench/run.py --only scale --keep-namespaces

Kept out of the default `make bench`: KWOK marks ~55 pods/s Running here, so creating the
pods takes ~15 minutes (the namespaces are kept and reused by the next run). Best run on a
private sandbox (PODTUI_SANDBOX_DIR and its ports, see bench/RESULTS.md), so that 50,000
pods do not slow everyone else's tests on the shared one.

Per podtui run (real process, pty 120x40): first row and whole list (the app's marks and
the status bar's "N pods" reaching the terminal), CPU; a second run presses "/" every
0.5 s from the first rows until 3 s after the whole list and times each press to the
filter prompt reaching the terminal (key -> repaint, while loading and while live), then
reads VmRSS 2 s after the whole list. k9s runs in the same pty size with a time limit.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import tempfile
import time

from common import KUBECONFIG, Kube, Row, kubectl, load, log, median, percentile, time_command
from populate import ensure_pods
from realproc import Interaction, run_podtui

NAMESPACES = 10
PER_NAMESPACE = 5000
WHOLE_LIST_GOAL_S = 6.0
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
    for name in names:
        ensure_pods(kube, per_namespace, namespace=name, timeout=3600)
        log(f"{name}: {per_namespace} pods Running")
    return names


def count_all_pods(kube: Kube) -> int:
    """Pods in every namespace, without listing them: a page of one says how many remain."""
    data = kube.get("/api/v1/pods?limit=1")
    meta = data.get("metadata") or {}
    return len(data.get("items") or []) + int(meta.get("remainingItemCount") or 0)


def _press_keys(samples: list[dict]):
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
                       interact=_press_keys(samples))
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


# --- k9s: a pty of the same size; small on purpose (bench/ gets a generic pty runner) ----

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
_K9S_COUNT = re.compile(rb"pods\(all\)\[([\d,]+)\]", re.IGNORECASE)


def _k9s(binary: str, total: int, limit: float) -> dict:
    """k9s -A on pods: first row (a scale pod's name on screen, or a count in its title)
    and whole list (its title says the total), or nothing within `limit` seconds. Its own
    small pty: to be switched to bench/terminal.py (the lead's generic runner) once that
    is on main."""
    import fcntl
    import signal
    import struct
    import subprocess
    import termios

    from realproc import Screen

    with tempfile.TemporaryDirectory(prefix="podtui-bench-k9s-") as home:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            env[var] = os.path.join(home, var.lower())
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        argv = [binary, "--kubeconfig", str(KUBECONFIG), "-A", "-c", "pods", "--readonly"]
        started = time.time()
        process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                   start_new_session=True, close_fds=True,
                                   preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        screen = Screen()
        first = whole = rss_kb = None
        try:
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and process.poll() is None:
                readable = select.select([master], [], [], 0.1)[0]
                if readable:
                    try:
                        screen.data += os.read(master, 1 << 16)
                    except OSError:
                        break
                text = _ANSI.sub(b"", bytes(screen.data[-(1 << 16):]))
                counts = [int(c.replace(b",", b"")) for c in _K9S_COUNT.findall(text)]
                if first is None and (b"pod-0" in text or max(counts, default=0) > 0):
                    first = time.time() - started
                if counts and max(counts) >= total:
                    whole = time.time() - started
                    time.sleep(2.0)
                    rss_kb = _rss_kb(process.pid)
                    break
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            os.close(master)
    return {"first_row_s": first, "whole_list_s": whole,
            "rss_mb": rss_kb / 1024 if rss_kb else None, "limit_s": limit,
            "drew_nothing": first is None}


def _rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _k9s_binary() -> str:
    """PODTUI_BENCH_K9S, else a k9s that bench/peers/build already cached ("" if none):
    building it here would take minutes of both cores."""
    import glob

    cache = os.environ.get("PODTUI_BENCH_CACHE") or os.path.expanduser("~/.cache/podtui-bench")
    found = sorted(path for path in glob.glob(os.path.join(cache, "k9s-*", "k9s"))
                   if ".partial" not in path)
    return os.environ.get("PODTUI_BENCH_K9S") or (found[-1] if found else "")


def bench_scale(repeat: int = 3, k9s_runs: int = 1, k9s_limit: float = K9S_LIMIT,
                k9s_binary: str = "") -> tuple[list, dict]:
    kube = Kube()
    ensure_scale_pods(kube)
    total = count_all_pods(kube)
    k9s = k9s_binary or _k9s_binary()
    runs, refs, peers = [], [], []
    before = load()
    for attempt in range(repeat):
        kube.wait_ready()
        log(f"scale: podtui -A run {attempt + 1}/{repeat} ({total} pods), load {load()}")
        runs.append(_podtui(total) | {"load": load()})
        log(f"  {({k: v for k, v in runs[-1].items() if k != 'keys'})}")
        wall, code, rss = time_command(kubectl("get", "pods", "-A"))
        refs.append({"wall_s": wall if code == 0 else None, "peak_rss_mb": rss / 1024,
                     "load": load()})
        log(f"  kubectl get pods -A: {refs[-1]}")
        if k9s and attempt < k9s_runs:
            peers.append(_k9s(k9s, total, k9s_limit) | {"load": load()})
            log(f"  k9s -A: {peers[-1]}")
    after = load()
    keys = [k for r in runs for k in r["keys"]]
    rows = _rows(runs, refs, peers, keys, before, after, total)
    raw = {"total_pods": total, "podtui": runs, "kubectl_get_pods_A": refs, "k9s": peers,
           "k9s_binary": k9s, "load_before": before, "load_after": after}
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
